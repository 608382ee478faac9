package db

import (
	"os"
	"syscall"
)

// fdatasync flushes the file's data and the metadata needed to read it
// (its size), as SQLite's own sync does on Linux.
func fdatasync(f *os.File) error {
	sc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := sc.Control(func(fd uintptr) {
		for {
			serr = syscall.Fdatasync(int(fd))
			if serr != syscall.EINTR {
				return
			}
		}
	}); err != nil {
		return err
	}
	return serr
}
