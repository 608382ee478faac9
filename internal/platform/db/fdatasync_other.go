//go:build !linux

package db

import "os"

// fdatasync is fsync where fdatasync is not offered.
func fdatasync(f *os.File) error { return f.Sync() }
