package audit

import (
	"context"
	"fmt"
	"strings"
	"time"

	"zhongshu/internal/platform/chain"
)

// Filter selects audit entries for the auditor's page and API.
type Filter struct {
	Username string
	Action   string // prefix match, e.g. "login"
	Result   string
	Object   string // object type
	From, To time.Time
	Limit    int
	Offset   int
}

// List returns entries newest first, and the total matching.
func (l *Log) List(ctx context.Context, f Filter) ([]Entry, int, error) {
	var where []string
	var args []any
	if f.Username != "" {
		where, args = append(where, "username = ?"), append(args, f.Username)
	}
	if f.Action != "" {
		where, args = append(where, "action LIKE ?"), append(args, strings.ReplaceAll(f.Action, "%", "")+"%")
	}
	if f.Result != "" {
		where, args = append(where, "result = ?"), append(args, f.Result)
	}
	if f.Object != "" {
		where, args = append(where, "object_type = ?"), append(args, f.Object)
	}
	if !f.From.IsZero() {
		where, args = append(where, "at >= ?"), append(args, f.From.UTC())
	}
	if !f.To.IsZero() {
		where, args = append(where, "at < ?"), append(args, f.To.UTC())
	}
	w := ""
	if len(where) > 0 {
		w = " WHERE " + strings.Join(where, " AND ")
	}
	q := l.DB.Q(ctx)
	var total int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log"+w, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	rows, err := q.QueryContext(ctx, `SELECT seq, at, user_id, username, ip, action, object_type, object_id, scope, result, detail, request_id, prev_hash, hash
		FROM audit_log`+w+` ORDER BY seq DESC LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		if err := rows.Scan(&e.Seq, &e.At, &e.UserID, &e.Username, &e.IP, &e.Action, &e.ObjectType, &e.ObjectID, &e.Scope, &e.Result, &e.Detail, &e.RequestID, &e.PrevHash, &e.Hash); err != nil {
			return nil, 0, err
		}
		e.At = e.At.UTC()
		out = append(out, e)
	}
	return out, total, rows.Err()
}

// ChainName implements chain.Verifier.
func (l *Log) ChainName() string { return ChainName }

// Verify re-walks the whole audit chain in order and returns the first
// broken link (nil when intact) and how many links were checked.
func (l *Log) Verify(ctx context.Context) (*chain.Break, int64, error) {
	rows, err := l.DB.R.QueryContext(ctx, `SELECT seq, at, user_id, username, ip, action, object_type, object_id, scope, result, detail, request_id, prev_hash, hash, mac
		FROM audit_log ORDER BY seq`)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	w := &chain.Walker{Name: ChainName, Sealer: l.Seal}
	var n int64
	for rows.Next() {
		var e Entry
		var mac string
		if err := rows.Scan(&e.Seq, &e.At, &e.UserID, &e.Username, &e.IP, &e.Action, &e.ObjectType, &e.ObjectID, &e.Scope, &e.Result, &e.Detail, &e.RequestID, &e.PrevHash, &e.Hash, &mac); err != nil {
			return nil, n, err
		}
		n++
		if !w.Step(fmt.Sprintf("audit_log seq=%d", e.Seq), e.Seq, e.PrevHash, e.Hash, mac, e.payload()) {
			return w.Broken, n, nil
		}
	}
	if err := rows.Err(); err != nil {
		return nil, n, err
	}
	head, err := chain.Head(ctx, l.DB.Q(ctx), ChainName)
	if err != nil {
		return nil, n, err
	}
	return w.End(head), n, nil
}
