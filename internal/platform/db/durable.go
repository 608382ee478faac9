package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
)

// Durable acknowledgement for the batched writers on SQLite (issue 8).
//
// With synchronous=FULL, SQLite fsyncs the write-ahead log inside COMMIT,
// on the one writer connection: while a batch's fsync runs, the next batch
// cannot begin, and the writer sat idle for about half a millisecond per
// batch of the morning burst. The batch writers (Batcher, the group writer)
// therefore commit with synchronous=NORMAL — the log's frames are written
// but not yet synced — and hand the batch to the log syncer, which fsyncs
// the log once for every batch committed so far and only then answers
// their callers. Meanwhile the writer is already running the next batch.
//
// What a caller is told is what FULL promises: an acknowledged write has
// been committed and its frames were synced by an fsync that began after
// its COMMIT returned, so it survives power loss. What differs is only
// visibility: another connection can read a batch up to one fsync before
// it is durable, and a power loss in that window takes it back — but no
// one has been told it was stored. Every other transaction (InTx, the
// autocommit statements) keeps synchronous=FULL: the batch writers hold
// the writer connection while it is relaxed and set FULL again before they
// let go of it. Checkpoints under NORMAL still sync the log before copying
// it and the database after (SQLite's pragma documentation), so nothing
// the syncer has answered for is copied unsynced.

// walSyncer fsyncs a SQLite store's write-ahead log for committed batches
// and answers them.
type walSyncer struct {
	path string // the log file: the store's path + "-wal"
	in   chan func(error)
	stop chan struct{}
	done chan struct{}
	once sync.Once

	f    *os.File    // the log file as last opened
	held os.FileInfo // f's identity when opened, checked against the path before each sync

	// syncs counts completed syncs, missing those that found no log file
	// (so had nothing to sync); fail, when set, is returned instead of
	// syncing (the tests of a failed fsync).
	syncs   atomic.Int64
	missing atomic.Int64
	fail    atomic.Pointer[error]
}

func (d *DB) walSync() *walSyncer {
	d.syncOnce.Do(func() {
		w := &walSyncer{path: d.Path + "-wal", in: make(chan func(error), 64), stop: make(chan struct{}), done: make(chan struct{})}
		go w.run()
		d.syncer = w
	})
	return d.syncer
}

// after queues ack to be called once the log has been synced past every
// commit made so far (nil), or with the sync's error.
func (w *walSyncer) after(ack func(error)) {
	w.in <- ack
}

func (w *walSyncer) run() {
	defer close(w.done)
	var acks []func(error)
	for {
		select {
		case a := <-w.in:
			acks = append(acks, a)
		case <-w.stop:
			for {
				select {
				case a := <-w.in:
					acks = append(acks, a)
				default:
					if len(acks) > 0 {
						w.answer(acks)
					}
					w.closeFile()
					return
				}
			}
		}
	drain:
		for {
			select {
			case a := <-w.in:
				acks = append(acks, a)
			default:
				break drain
			}
		}
		w.answer(acks)
		clear(acks)
		acks = acks[:0]
	}
}

// answer syncs once for every queued batch: each was committed before it
// was queued, so one fsync begun now covers them all.
func (w *walSyncer) answer(acks []func(error)) {
	err := w.sync()
	if err != nil {
		err = fmt.Errorf("db: sync of the write-ahead log: %w", err)
	}
	for _, a := range acks {
		a(err)
	}
}

// sync fsyncs the log file. It reopens the file when the path no longer
// names the one it holds: SQLite deletes the log when the last connection
// closes, after a checkpoint that synced the database, and a new
// connection makes a new one. A missing log is such a case: what it held
// is in the synced database.
func (w *walSyncer) sync() error {
	if err := w.fail.Load(); err != nil {
		return *err
	}
	fi, err := os.Stat(w.path)
	if errors.Is(err, os.ErrNotExist) {
		w.closeFile()
		w.missing.Add(1)
		w.syncs.Add(1)
		return nil
	}
	if err != nil {
		return err
	}
	if w.f != nil && !os.SameFile(w.held, fi) {
		w.closeFile()
	}
	if w.f == nil {
		f, err := os.OpenFile(w.path, os.O_RDWR, 0)
		if errors.Is(err, os.ErrNotExist) {
			w.missing.Add(1)
			w.syncs.Add(1)
			return nil
		}
		if err != nil {
			return err
		}
		held, err := f.Stat()
		if err != nil {
			f.Close()
			return err
		}
		w.f, w.held = f, held
	}
	if err := fdatasync(w.f); err != nil {
		return err
	}
	w.syncs.Add(1)
	return nil
}

func (w *walSyncer) closeFile() {
	if w.f != nil {
		_ = w.f.Close()
		w.f, w.held = nil, nil
	}
}

// close answers what is queued and stops the syncer (after the writers
// have stopped, before the store's connections close).
func (w *walSyncer) close() {
	w.once.Do(func() { close(w.stop) })
	<-w.done
}

// txBeginner is what a batch begins its transaction on: the writer pool,
// or the writer connection held relaxed (batchWriter).
type txBeginner interface {
	BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
}

// batchWriter returns what a batch writer (Batcher, the group writer)
// begins its transactions on, and the function that lets it go. On
// PostgreSQL that is the pool. On SQLite it is the writer connection, held
// with synchronous=NORMAL; letting it go sets FULL again, or discards the
// connection (the pool opens a new one with the store's pragmas) rather
// than leave it relaxed for a transaction that is answered at its COMMIT.
// The batch's callers are answered through afterDurable.
//
// The writer's wanted statements are prepared first: while the connection
// is held, the pool has none to prepare them on.
func (d *DB) batchWriter(ctx context.Context) (txBeginner, func(), error) {
	if d.Dialect != SQLite {
		return d.W, func() {}, nil
	}
	d.prepareWanted(ctx)
	conn, err := d.W.Conn(ctx)
	if err != nil {
		return nil, nil, err
	}
	if _, err := conn.ExecContext(ctx, "PRAGMA synchronous=NORMAL"); err != nil {
		conn.Close()
		return nil, nil, err
	}
	return conn, func() {
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA synchronous=FULL"); err != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		conn.Close()
	}, nil
}

// afterDurable calls ack once what a batch writer has committed so far is
// durable: at once on PostgreSQL (its COMMIT flushed the WAL), after the
// log syncer's next fsync on SQLite, with that fsync's error.
func (d *DB) afterDurable(ack func(error)) {
	if d.Dialect != SQLite {
		ack(nil)
		return
	}
	d.walSync().after(ack)
}
