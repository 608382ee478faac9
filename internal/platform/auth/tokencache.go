package auth

import (
	"context"
	"database/sql"
	"encoding/hex"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"zhongshu/internal/platform/db"
)

// Resolved API tokens, kept in memory (issue 8).
//
// Every API call resolves its bearer token. The one-query lookup costs about
// 25 µs of CPU on SQLite and a round trip on PostgreSQL — at the morning
// burst, a sixth of a check-in's CPU. So a node keeps what a token resolved
// to, and throws it all away when the auth epoch moves:
//
//   - auth_epoch.n (migration 004) is moved by triggers on api_tokens,
//     users and user_roles whenever what a token resolves to can change,
//     whoever changes it: this node, another replica, the `zhongshu user`
//     command, SQL typed by hand.
//   - This node's own changes (SetGrants, SetLocked, a lockout after failed
//     sign-ins) drop the cache when they commit, so they count on the very
//     next request.
//   - Other writers' changes are seen when the node next reads auth_epoch:
//     at most TokenEpochPoll after they commit.
//   - When the epoch has moved (and on the first request), the request
//     that read it loads every usable token in one query (tokenWarmQuery),
//     so that a burst of members who each call once — the 07:00 check-in —
//     finds them resolved instead of paying a query each.
//
// Expiry and a timed lockout are checked on every request against the
// cached times. Unknown tokens are not cached, so a new token needs no
// invalidation. An entry read while the epoch moved is stamped with the
// epoch seen before its query and is therefore never used (it may predate
// the change).

// TokenEpochPoll bounds how long a change made outside this node (another
// replica, the CLI, hand-written SQL) can go unseen by its token cache.
const TokenEpochPoll = 500 * time.Millisecond

// tokenCacheMax bounds the cache (a zone has tens of thousands of members;
// an entry is about 200 bytes): when it is full, a new entry takes the
// place of an arbitrary one.
var tokenCacheMax = 50000 // a variable for the test of the bound

// tokenEntry is a resolved token, kept small (every member of a zone has
// one): times as Unix nanoseconds, zero for none.
type tokenEntry struct {
	user, person      int64
	username, display string
	grants            []Grant // shared by the answers, read-only
	exp, locked       int64
	refused           bool // revoked, or the account disabled
	epoch             uint64
}

// tokenKey is the map key: the token's SM3, 32 bytes rather than 64 hex
// characters.
type tokenKey [32]byte

func keyOf(h string) (k tokenKey) {
	_, _ = hex.Decode(k[:], []byte(h))
	return k
}

func nanos(t sql.NullTime) int64 {
	if !t.Valid {
		return 0
	}
	return t.Time.UnixNano()
}

// entryOf keeps what a token query read.
func entryOf(p *Principal, exp, locked sql.NullTime, refused bool, epoch uint64) *tokenEntry {
	return &tokenEntry{user: p.UserID, person: p.PersonID, username: p.Username, display: p.DisplayName,
		grants: slices.Clip(p.Grants), // an append by a caller must not write into it
		exp:    nanos(exp), locked: nanos(locked), refused: refused, epoch: epoch}
}

// principal answers a request from the entry: nil when the token may not be
// used now.
func (e *tokenEntry) principal(now time.Time) *Principal {
	t := now.UnixNano()
	if e.refused || (e.exp != 0 && t > e.exp) || (e.locked != 0 && e.locked > t) {
		return nil
	}
	return &Principal{UserID: e.user, Username: e.username, DisplayName: e.display, PersonID: e.person, Grants: e.grants, ViaToken: true}
}

type tokenCache struct {
	mu      sync.RWMutex
	m       map[tokenKey]*tokenEntry
	epoch   atomic.Uint64 // local: moves on each change seen
	shared  atomic.Int64  // last auth_epoch.n read; -1 before the first read
	next    atomic.Int64  // clock time (UnixNano) of the next read of auth_epoch
	polling atomic.Bool
}

func (s *Service) tokenCache() *tokenCache {
	s.tcOnce.Do(func() {
		s.tc = &tokenCache{m: map[tokenKey]*tokenEntry{}}
		s.tc.shared.Store(-1)
	})
	return s.tc
}

// WarmTokens loads the usable tokens now rather than on the first API call
// (serve runs it in the background once it listens: a burst right after a
// start or a deploy finds them resolved).
func (s *Service) WarmTokens(ctx context.Context) error {
	return s.tokenCache().sync(ctx, s.DB.Q(ctx), s.Clock.Now())
}

// invalidate drops every resolved token: the next request of each reads
// the store again.
func (c *tokenCache) invalidate() {
	c.epoch.Add(1)
	c.mu.Lock()
	clear(c.m)
	c.mu.Unlock()
}

func (c *tokenCache) get(k tokenKey) *tokenEntry {
	c.mu.RLock()
	e := c.m[k]
	c.mu.RUnlock()
	if e == nil || e.epoch != c.epoch.Load() {
		return nil
	}
	return e
}

func (c *tokenCache) put(k tokenKey, e *tokenEntry) {
	c.mu.Lock()
	if e.epoch == c.epoch.Load() {
		if len(c.m) >= tokenCacheMax {
			for old := range c.m { // full: one entry out, an arbitrary one
				delete(c.m, old)
				break
			}
		}
		c.m[k] = e
	}
	c.mu.Unlock()
}

// sync reads auth_epoch when TokenEpochPoll has passed since the last read
// (one request pays one small query; the others go on with the epoch they
// have) and, when it moved, drops the cache and loads it again.
func (c *tokenCache) sync(ctx context.Context, q db.Querier, now time.Time) error {
	if now.UnixNano() < c.next.Load() || !c.polling.CompareAndSwap(false, true) {
		return nil
	}
	defer c.polling.Store(false)
	var n int64
	if err := q.QueryRowContext(ctx, `SELECT n FROM auth_epoch WHERE id = 1`).Scan(&n); err != nil {
		return err
	}
	if old := c.shared.Swap(n); old != n {
		c.invalidate()
		if err := c.warm(ctx, q, now); err != nil {
			return err
		}
	}
	c.next.Store(now.Add(TokenEpochPoll).UnixNano())
	return nil
}

// tokenWarmQuery lists the usable tokens with their accounts and grants,
// grouped by token (tokenQuery's columns, less what makes a token
// unusable).
const tokenWarmQuery = `SELECT t.token_hash, t.expires_at, u.id, u.username, u.display_name, COALESCE(u.person_id, 0), u.locked_until,
	r.role, r.scope_kind, r.scope_id
	FROM api_tokens t JOIN users u ON u.id = t.user_id LEFT JOIN user_roles r ON r.user_id = u.id
	WHERE t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?) AND u.disabled = FALSE
	ORDER BY t.token_hash, r.role, r.scope_kind, r.scope_id LIMIT ?`

// warm loads every usable token (up to tokenCacheMax) into the cache,
// stamped with the epoch seen before the query.
func (c *tokenCache) warm(ctx context.Context, q db.Querier, now time.Time) error {
	epoch := c.epoch.Load()
	limit := 4 * tokenCacheMax // rows: a token has a row per grant
	rows, err := q.QueryContext(ctx, tokenWarmQuery, now, limit)
	if err != nil {
		return err
	}
	defer rows.Close()
	batch := make(map[tokenKey]*tokenEntry, 1024)
	flush := func() {
		c.mu.Lock()
		for k, e := range batch {
			if e.epoch == c.epoch.Load() && len(c.m) < tokenCacheMax {
				e.grants = slices.Clip(e.grants)
				c.m[k] = e
			}
		}
		c.mu.Unlock()
		clear(batch)
	}
	var cur *tokenEntry
	var curKey tokenKey
	n := 0
	for rows.Next() {
		n++
		var h string
		var exp, locked sql.NullTime
		var g grantCols
		var p Principal
		if err := rows.Scan(&h, &exp, &p.UserID, &p.Username, &p.DisplayName, &p.PersonID, &locked, &g.role, &g.kind, &g.id); err != nil {
			return err
		}
		if k := keyOf(h); cur == nil || k != curKey {
			if len(batch) >= 1024 {
				flush()
			}
			cur, curKey = entryOf(&p, exp, locked, false, epoch), k
			batch[k] = cur
		}
		if g.role.Valid {
			cur.grants = append(cur.grants, Grant{Role: Role(g.role.String), ScopeKind: g.kind.String, ScopeID: g.id.Int64})
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if n == limit {
		delete(batch, curKey) // the limit may have cut its grants short
	}
	flush()
	return nil
}
