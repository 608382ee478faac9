// Package chain is the shared shape of Zhongshu's append-only, SM3
// hash-chained streams (the audit log, published disclosures, points
// ledgers): how a link's hash is computed, how a break is reported, and the
// registry that `zhongshu verify` walks.
package chain

import (
	"context"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"

	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/seal"
)

// Hash links a payload to the previous link's hash: SM3(prev ‖ 0x00 ‖ payload),
// hex-encoded. The first link's prev is "".
func Hash(prev string, payload []byte) string {
	b := make([]byte, 0, len(prev)+1+len(payload))
	b = append(b, prev...)
	b = append(b, 0)
	b = append(b, payload...)
	return seal.SM3Hex(b)
}

// MAC keys a link's hash so that someone who can write the database but does
// not hold the key cannot re-forge a consistent chain.
func MAC(s seal.Sealer, hash string) string { return hex.EncodeToString(s.MAC([]byte(hash))) }

// Break names the first broken link of a chain.
type Break struct {
	Chain  string `json:"chain"` // e.g. "audit_log" or "disclosures/village 3"
	Seq    int64  `json:"seq"`   // position in the chain
	Ref    string `json:"ref"`   // the row's identity (table and id)
	Reason string `json:"reason"`
}

func (b *Break) String() string {
	return fmt.Sprintf("%s: link %d (%s): %s", b.Chain, b.Seq, b.Ref, b.Reason)
}

// Verifier re-walks one family of chains and returns the first break, or nil.
type Verifier interface {
	ChainName() string
	Verify(ctx context.Context) (*Break, int64, error) // break, links checked, error
}

// Link is the chain position of one appended row.
type Link struct {
	Seq  int64
	Prev string
	Hash string
	MAC  string
}

// Append reserves the next link of the named chain inside tx: it locks the
// head (so concurrent appenders take turns), computes the link over the
// payload built for that position and moves the head. The caller inserts
// its row with the returned link in the same transaction.
func Append(ctx context.Context, tx *db.Tx, s seal.Sealer, name string, payload func(seq int64) []byte) (Link, error) {
	q := `SELECT seq, hash FROM chain_heads WHERE chain = ?`
	if tx.Dialect == db.Postgres {
		q += ` FOR UPDATE`
	}
	var l Link
	err := tx.QueryRowContext(ctx, q, name).Scan(&l.Seq, &l.Prev)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		l.Seq, l.Prev = 0, ""
		// ON CONFLICT makes two first appenders on PostgreSQL meet at the row lock.
		if _, err := tx.ExecContext(ctx, `INSERT INTO chain_heads (chain, seq, hash, mac) VALUES (?, 0, '', '') ON CONFLICT (chain) DO NOTHING`, name); err != nil {
			return l, err
		}
		if tx.Dialect == db.Postgres {
			if err := tx.QueryRowContext(ctx, q, name).Scan(&l.Seq, &l.Prev); err != nil {
				return l, err
			}
		}
	case err != nil:
		return l, err
	}
	l.Seq++
	l.Hash = Hash(l.Prev, payload(l.Seq))
	l.MAC = MAC(s, l.Hash)
	_, err = tx.ExecContext(ctx, `UPDATE chain_heads SET seq = ?, hash = ?, mac = ? WHERE chain = ?`, l.Seq, l.Hash, l.MAC, name)
	return l, err
}

// Head returns the recorded head of a chain (seq 0 when it has none).
func Head(ctx context.Context, q db.Querier, name string) (Link, error) {
	var l Link
	err := q.QueryRowContext(ctx, `SELECT seq, hash, mac FROM chain_heads WHERE chain = ?`, name).Scan(&l.Seq, &l.Hash, &l.MAC)
	if errors.Is(err, sql.ErrNoRows) {
		return Link{}, nil
	}
	return l, err
}

// Walker checks a chain link by link; feed it rows in seq order.
type Walker struct {
	Name   string
	Sealer seal.Sealer
	next   int64
	prev   string
	Broken *Break
}

// Step checks one link: its position, its back-pointer, its hash over the
// payload recomputed from the row, and its MAC. It returns false once broken.
func (w *Walker) Step(ref string, seq int64, prev, hash, mac string, payload []byte) bool {
	if w.Broken != nil {
		return false
	}
	w.next++
	fail := func(reason string) bool {
		w.Broken = &Break{Chain: w.Name, Seq: seq, Ref: ref, Reason: reason}
		return false
	}
	switch {
	case seq != w.next:
		if seq > w.next {
			return fail(fmt.Sprintf("link %d is missing (row deleted)", w.next))
		}
		return fail("link out of order or duplicated (row inserted)")
	case prev != w.prev:
		return fail("back-pointer does not match the previous link (row inserted or deleted)")
	case Hash(prev, payload) != hash:
		return fail("content does not match its hash (row altered)")
	case MAC(w.Sealer, hash) != mac:
		return fail("hash is not sealed by this installation's key (chain re-forged)")
	}
	w.prev = hash
	return true
}

// End compares the walked chain with its recorded head, catching the
// deletion of the newest links.
func (w *Walker) End(head Link) *Break {
	if w.Broken != nil {
		return w.Broken
	}
	if head.Seq != w.next || head.Hash != w.prev {
		w.Broken = &Break{Chain: w.Name, Seq: w.next + 1, Ref: "chain head",
			Reason: fmt.Sprintf("head records %d links but %d were found (newest rows deleted or head altered)", head.Seq, w.next)}
		return w.Broken
	}
	if head.Seq > 0 && MAC(w.Sealer, head.Hash) != head.MAC {
		w.Broken = &Break{Chain: w.Name, Seq: head.Seq, Ref: "chain head", Reason: "head is not sealed by this installation's key"}
	}
	return w.Broken
}

// Migrations holds the chain_heads table.
//
//go:embed migrations/*.sql
var migrations embed.FS

// Source is this package's migrations.
func Source() db.Source {
	sub, _ := fs.Sub(migrations, "migrations")
	return db.Source{Module: "chain", FS: sub}
}
