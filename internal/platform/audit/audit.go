// Package audit is Zhongshu's security audit log (等保2.0 8.1.4.3): every
// login, failure, lockout, denial, change and confidential read, appended
// in the same transaction as the action it records — if the audit write
// fails, the action fails — and SM3 hash-chained so that `zhongshu verify`
// names the first altered, inserted or deleted row.
package audit

import (
	"context"
	"embed"
	"encoding/json"
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
// back together; outside a transaction it commits on its own.
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
		link, err := chain.Append(ctx, tx, l.Seal, ChainName, func(seq int64) []byte { e.Seq = seq; return e.payload() })
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (seq, at, user_id, username, ip, action, object_type, object_id, scope, result, detail, request_id, prev_hash, hash, mac)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.Seq, e.At, e.UserID, e.Username, e.IP, e.Action, e.ObjectType, e.ObjectID, e.Scope, e.Result, e.Detail, e.RequestID,
			link.Prev, link.Hash, link.MAC)
		return err
	})
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
