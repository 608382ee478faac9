// Package audit is Zhongshu's security audit log (等保2.0 8.1.4.3): every
// login, failure, lockout, denial, change and confidential read, appended
// in the same transaction as the action it records — if the audit write
// fails, the action fails — and SM3 hash-chained so that `zhongshu verify`
// names the first altered, inserted or deleted row.
package audit

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"io/fs"
	"strings"
	"time"

	"zhongshu/internal/platform/actor"
	"zhongshu/internal/platform/chain"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/seal"
)

// ChainName is the audit log's chain in chain_heads.
const ChainName = "audit_log"

// Results of an audited action.
const (
	OK     = "ok"
	Denied = "denied"
	Failed = "failed"
)

// Entry is one audit record. Times are UTC (ASVS 16.2.2).
type Entry struct {
	Seq        int64     `json:"seq"`
	At         time.Time `json:"at"`
	UserID     int64     `json:"user_id"`
	Username   string    `json:"username"`
	IP         string    `json:"ip"`
	Action     string    `json:"action"`
	ObjectType string    `json:"object_type"`
	ObjectID   string    `json:"object_id"`
	Scope      string    `json:"scope"`
	Result     string    `json:"result"`
	Detail     string    `json:"detail"`
	RequestID  string    `json:"request_id"`
	PrevHash   string    `json:"prev_hash"`
	Hash       string    `json:"hash"`
	mac        string    // the hash sealed, while being appended
}

// payload is the canonical byte form hashed into the chain. Field order is
// fixed by the struct; the time is truncated to microseconds because
// PostgreSQL keeps no more.
func (e *Entry) payload() []byte {
	b, _ := json.Marshal([]any{e.Seq, e.At.UTC().Format(time.RFC3339Nano), e.UserID, e.Username, e.IP,
		e.Action, e.ObjectType, e.ObjectID, e.Scope, e.Result, e.Detail, e.RequestID})
	return b
}

// Log appends to and reads the audit log.
type Log struct {
	DB    *db.DB
	Seal  seal.Sealer
	Clock clock.Clock
	// FailNext, when set by a test, makes appends fail (to prove that the
	// action rolls back with its audit record).
	FailNext func() error
}

//go:embed migrations/*.sql
var migrations embed.FS

// Source is the audit log's migrations.
func Source() db.Source {
	sub, _ := fs.Sub(migrations, "migrations")
	return db.Source{Module: "audit", FS: sub}
}

// Record appends e, filling who/where from the actor in ctx when empty. It
// joins the transaction in ctx, so the action and its record commit or roll
// back together; outside a transaction it commits on its own. Where the
// transaction allows (db.Tx.Defer), the entry is chained and written just
// before the commit with the transaction's other entries.
func (l *Log) Record(ctx context.Context, e Entry) error {
	a := actor.From(ctx)
	if e.UserID == 0 && e.Username == "" {
		e.UserID, e.Username = a.UserID, a.Username
	}
	if e.IP == "" {
		e.IP = a.IP
	}
	if e.RequestID == "" {
		e.RequestID = a.RequestID
	}
	if e.Result == "" {
		e.Result = OK
	}
	e.Detail = clean(e.Detail, 2000)
	e.Username = clean(e.Username, 100)
	e.At = l.Clock.Now().UTC().Truncate(time.Microsecond)
	return l.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		if l.FailNext != nil {
			if err := l.FailNext(); err != nil {
				return err
			}
		}
		if tx.DeferLast(l, &e, l.flush) {
			return nil
		}
		return l.append(ctx, tx, []*Entry{&e})
	})
}

// flush appends the entries a transaction deferred (db.Tx.Defer), just
// before its commit.
func (l *Log) flush(ctx context.Context, tx *db.Tx, vs []any) error {
	es := make([]*Entry, len(vs))
	for i, v := range vs {
		es[i] = v.(*Entry)
	}
	return l.append(ctx, tx, es)
}

// append chains es onto the log inside tx: the head is read (and on
// PostgreSQL locked) once, each entry gets the next link, the rows go in
// by multi-row INSERTs and the head moves once — three statements and a
// few more for any number of entries, where chain.Append costs three per
// entry (issue 8: the head is the one row every audited write waits for).
// The links are the ones chain.Append would give, one after the other.
func (l *Log) append(ctx context.Context, tx *db.Tx, es []*Entry) error {
	q := `SELECT seq, hash FROM chain_heads WHERE chain = ?`
	if tx.Dialect == db.Postgres {
		q += ` FOR UPDATE`
	}
	var seq int64
	var prev string
	err := tx.QueryRowCached(ctx, q, ChainName).Scan(&seq, &prev)
	if errors.Is(err, sql.ErrNoRows) {
		// ON CONFLICT makes two first appenders on PostgreSQL meet at the row lock.
		if _, err := tx.ExecContext(ctx, `INSERT INTO chain_heads (chain, seq, hash, mac) VALUES (?, 0, '', '') ON CONFLICT (chain) DO NOTHING`, ChainName); err != nil {
			return err
		}
		seq, prev = 0, ""
		if tx.Dialect == db.Postgres {
			err = tx.QueryRowContext(ctx, q, ChainName).Scan(&seq, &prev)
		} else {
			err = nil
		}
	}
	if err != nil {
		return err
	}
	var mac string
	for _, e := range es {
		seq++
		e.Seq, e.PrevHash = seq, prev
		e.Hash = chain.Hash(prev, e.payload())
		mac = chain.MAC(l.Seal, e.Hash)
		prev = e.Hash
		e.mac = mac
	}
	rows := make([][]any, len(es))
	for i, e := range es {
		rows[i] = []any{e.Seq, e.At, e.UserID, e.Username, e.IP, e.Action, e.ObjectType, e.ObjectID, e.Scope, e.Result, e.Detail, e.RequestID,
			e.PrevHash, e.Hash, e.mac}
	}
	if err := tx.InsertRows(ctx, `INSERT INTO audit_log (seq, at, user_id, username, ip, action, object_type, object_id, scope, result, detail, request_id, prev_hash, hash, mac)`, 15, rows); err != nil {
		return err
	}
	_, err = tx.ExecCached(ctx, `UPDATE chain_heads SET seq = ?, hash = ?, mac = ? WHERE chain = ?`, seq, prev, mac, ChainName)
	return err
}

// clean strips control characters (log injection, ASVS 16.4.1) and bounds length.
func clean(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	if r := []rune(s); len(r) > max {
		s = string(r[:max])
	}
	return s
}
