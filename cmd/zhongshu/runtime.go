package main

import (
	"context"
	"io"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"
)

// Garbage-collector defaults for serve (issue 8). A request allocates a
// few kilobytes that die at once while the live heap stays small (≈ 20 MB),
// so at the runtime's default GOGC=100 the collector ran several times a
// second under load and took about a tenth of serve's CPU. GOGC=200 halves
// that (portal: ≈ 31 → 28 µs of CPU per request). The soft limit keeps
// the heap — password hashes in flight included, 19 MiB each — within the
// 150 MB of resident memory the issue allows: near it the collector runs
// sooner instead of letting the heap grow to three times what was live.
// The rest of the resident memory is the binary, the runtime and SQLite's
// own allocations (≈ 40 MB under the check-in burst), so the limit is
// 80 MiB: after the 20,000-member burst and 256 password sign-ins on top,
// serve peaked at 126 MB with it and at 146–150 MB with 100 MiB, at the
// same throughput (64 MiB: 110 MB, but a city's live heap — 50,000
// resolved tokens, templates, caches — would keep the collector busy). A workload whose live heap
// exceeds the limit is slowed, not stopped: the runtime caps the
// collector's share of CPU at one half. An operator who sets GOGC or
// GOMEMLIMIT keeps full control: then neither default applies.
const (
	serveGCPercent   = 200
	serveMemoryLimit = 80 << 20
)

// tuneGC applies the serve defaults unless the environment sets either
// variable; it reports whether it did.
func tuneGC(getenv func(string) string) bool {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return false
	}
	debug.SetGCPercent(serveGCPercent)
	debug.SetMemoryLimit(serveMemoryLimit)
	return true
}

// logFlushEvery bounds how long an access-log line waits in serve's
// buffer before it reaches stderr.
const logFlushEvery = 200 * time.Millisecond

// logBufferSize is the most serve keeps unwritten; a fuller buffer is
// written at once.
const logBufferSize = 32 << 10

// bufferedLog batches serve's log lines: one write(2) per logFlushEvery or
// per 32 KiB instead of one per request (issue 8: a system call per
// request on the portal's path, and a wake-up of whatever reads stderr).
// Each line is still written whole, in order. Records at warning level or
// above are written at once (with everything before them), and Close
// writes the rest, so only an abrupt end of the process can lose the last
// fraction of a second of access lines.
type bufferedLog struct {
	mu    sync.Mutex
	w     io.Writer
	buf   []byte
	timer *time.Timer
	err   error
}

func newBufferedLog(w io.Writer) *bufferedLog {
	return &bufferedLog{w: w, buf: make([]byte, 0, logBufferSize)}
}

// Write buffers p (one log record: slog writes a record with one call).
func (b *bufferedLog) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.buf)+len(p) > logBufferSize {
		b.flushLocked()
	}
	if len(p) > logBufferSize {
		_, err := b.w.Write(p)
		return len(p), err
	}
	b.buf = append(b.buf, p...)
	if b.timer == nil {
		b.timer = time.AfterFunc(logFlushEvery, b.Flush)
	} else if len(b.buf) == len(p) {
		b.timer.Reset(logFlushEvery)
	}
	return len(p), nil
}

// Flush writes what is buffered.
func (b *bufferedLog) Flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.flushLocked()
}

func (b *bufferedLog) flushLocked() {
	if len(b.buf) == 0 {
		return
	}
	if _, err := b.w.Write(b.buf); err != nil && b.err == nil {
		b.err = err
	}
	b.buf = b.buf[:0]
}

// Close writes the rest and stops the timer.
func (b *bufferedLog) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.timer != nil {
		b.timer.Stop()
	}
	b.flushLocked()
	return b.err
}

// flushOnWarn writes the buffer out after every record at warning level or
// above, so that errors are never held back.
type flushOnWarn struct {
	slog.Handler
	b *bufferedLog
}

func (h flushOnWarn) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if r.Level >= slog.LevelWarn {
		h.b.Flush()
	}
	return err
}

func (h flushOnWarn) WithAttrs(as []slog.Attr) slog.Handler {
	return flushOnWarn{h.Handler.WithAttrs(as), h.b}
}

func (h flushOnWarn) WithGroup(name string) slog.Handler {
	return flushOnWarn{h.Handler.WithGroup(name), h.b}
}

// bufferedLogger is serve's logger: JSON lines, as logger writes them,
// through a bufferedLog that the caller closes.
func bufferedLogger(w io.Writer) (*slog.Logger, *bufferedLog) {
	b := newBufferedLog(w)
	h := slog.NewJSONHandler(b, &slog.HandlerOptions{Level: slog.LevelInfo})
	return slog.New(flushOnWarn{h, b}), b
}
