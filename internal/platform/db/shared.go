package db

import "context"

// InSharedTx is InGroupTx on both stores: on PostgreSQL too, concurrent
// callers share one transaction (one connection, one commit).
//
// InGroupTx leaves PostgreSQL to group the WAL flushes of concurrent
// commits by itself, which works for writes that do not wait for each
// other. Writes that all end by taking one row lock — the audit chain's
// head, locked FOR UPDATE by every audited transaction and held through
// its COMMIT — cannot be grouped that way: the lock lets one commit
// through at a time, so audited writes ran at one WAL flush each (issue
// 8: ~230 demand iterations/s whatever the CPU). In one shared
// transaction the head is locked once per batch. Use it for audited hot
// writes; the semantics are InGroupTx's (the caller returns after the
// commit holding its work; its error rolls back only its own statements).
func (d *DB) InSharedTx(ctx context.Context, fn func(ctx context.Context, tx *Tx) error) error {
	if d.Dialect == SQLite || TxFrom(ctx) != nil {
		return d.InGroupTx(ctx, fn)
	}
	// The queueing of InGroupTx, for PostgreSQL.
	return d.enqueueGroup(ctx, fn)
}
