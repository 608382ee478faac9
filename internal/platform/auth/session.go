package auth

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/seal"
)

var errBadLogin = &errs.Error{Kind: errs.Unauthorized, Field: "password", Zh: "用户名或密码错误", En: "wrong username or password"}

func lockedErr(until time.Time) *errs.Error {
	z := until.In(clockZone())
	return &errs.Error{Kind: errs.Locked, Zh: fmt.Sprintf("账号已锁定，请于 %s 后再试，或联系安全管理员解锁", z.Format("15:04")),
		En: fmt.Sprintf("account locked until %s; try later or ask the security administrator", z.Format("15:04"))}
}

// Login checks a username and password. On success it returns the principal
// and a fresh session token (a new id at every login, ASVS 7.2.4). Failures
// count toward the account lockout and the per-IP limit, and every outcome
// is audited.
func (s *Service) Login(ctx context.Context, username, pw, ip, ua string) (*Principal, string, error) {
	username = strings.TrimSpace(strings.ToLower(username))
	now := s.Clock.Now()
	var p *Principal
	var token string
	var outErr error
	err := s.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		pol, err := LoadPolicy(ctx, tx)
		if err != nil {
			return err
		}
		window := now.Add(-time.Duration(pol.LockWindowMin) * time.Minute)
		var ipFails int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM login_failures WHERE ip = ? AND at > ?`, ip, window).Scan(&ipFails); err != nil {
			return err
		}
		if ipFails >= pol.IPFailLimit {
			outErr = &errs.Error{Kind: errs.TooMany, Zh: "登录尝试过于频繁，请稍后再试", En: "too many login attempts; try again later"}
			return s.Audit.Record(ctx, audit.Entry{Username: username, IP: ip, Action: "login.rate_limited", Result: audit.Denied})
		}
		fail := func(detail string) error {
			outErr = errBadLogin
			if _, err := tx.ExecContext(ctx, `INSERT INTO login_failures (ip, at) VALUES (?, ?)`, ip, now); err != nil {
				return err
			}
			return s.Audit.Record(ctx, audit.Entry{Username: username, IP: ip, Action: "login", Result: audit.Failed, Detail: detail})
		}
		u, err := s.userByName(ctx, tx, username)
		if errs.KindOf(err) == errs.NotFound {
			CheckPassword(dummyHash(), pw)
			return fail("no such user")
		}
		if err != nil {
			return err
		}
		if u.Disabled {
			CheckPassword(dummyHash(), pw)
			return fail("account disabled")
		}
		if u.locked.Valid && u.locked.Time.After(now) {
			outErr = lockedErr(u.locked.Time)
			return s.Audit.Record(ctx, audit.Entry{UserID: u.ID, Username: u.Username, IP: ip, Action: "login", Result: audit.Denied, Detail: "account locked"})
		}
		if !CheckPassword(u.hash, pw) {
			count := u.failedCount + 1
			since := now
			if u.failedSince.Valid && u.failedSince.Time.After(window) && u.failedCount > 0 {
				since = u.failedSince.Time
			} else {
				count = 1
			}
			if err := fail(fmt.Sprintf("wrong password (%d/%d)", count, pol.LockThreshold)); err != nil {
				return err
			}
			if count >= pol.LockThreshold {
				until := now.Add(time.Duration(pol.LockMinutes) * time.Minute)
				if _, err := tx.ExecContext(ctx, `UPDATE users SET failed_count = 0, failed_since = NULL, locked_until = ? WHERE id = ?`, until, u.ID); err != nil {
					return err
				}
				tx.AfterCommit(s.tokenCache().invalidate) // the account's tokens stop at once
				outErr = lockedErr(until)
				return s.Audit.Record(ctx, audit.Entry{UserID: u.ID, Username: u.Username, IP: ip, Action: "account.lockout", Result: audit.OK,
					Detail: fmt.Sprintf("%d failed logins within %d min; locked %d min", count, pol.LockWindowMin, pol.LockMinutes)})
			}
			_, err := tx.ExecContext(ctx, `UPDATE users SET failed_count = ?, failed_since = ? WHERE id = ?`, count, since, u.ID)
			return err
		}
		// Success.
		mustChange := u.MustChange
		if pol.MaxAgeDays > 0 && now.Sub(u.changedAt) > time.Duration(pol.MaxAgeDays)*24*time.Hour {
			mustChange = true
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET failed_count = 0, failed_since = NULL, locked_until = NULL, last_login_at = ?, must_change = ? WHERE id = ?`, now, mustChange, u.ID); err != nil {
			return err
		}
		gs, err := s.grants(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		p = &Principal{UserID: u.ID, Username: u.Username, DisplayName: u.DisplayName, PersonID: u.PersonID, Grants: gs, MustChange: mustChange}
		idle := pol.IdleMinutes
		if p.IsAdmin() {
			idle = pol.AdminIdleMinutes
		}
		token = NewToken("")
		p.SessionHash = hashToken(token)
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at, idle_seconds, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			p.SessionHash, u.ID, now, now, now.Add(time.Duration(pol.AbsoluteHours)*time.Hour), idle*60, ip, trunc(ua, 200)); err != nil {
			return err
		}
		return s.Audit.Record(ctx, audit.Entry{UserID: u.ID, Username: u.Username, IP: ip, Action: "login", Result: audit.OK})
	})
	if err != nil {
		return nil, "", err
	}
	if outErr != nil {
		return nil, "", outErr
	}
	return p, token, nil
}

func trunc(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// touchEvery bounds session writes: last_seen moves at most once a minute,
// so a busy page does not write on every request.
const touchEvery = time.Minute

// sessionQuery resolves a session with its account and grants in one
// indexed query (id_hash is the primary key), as tokenQuery does for API
// tokens: nothing is cached, so an ended session, a disabled account or a
// changed grant count on the next request.
const sessionQuery = `SELECT s.last_seen_at, s.expires_at, s.idle_seconds, u.id, u.username, u.display_name, COALESCE(u.person_id, 0), u.must_change, u.disabled,
	r.role, r.scope_kind, r.scope_id
	FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN user_roles r ON r.user_id = u.id
	WHERE s.id_hash = ? ORDER BY r.role, r.scope_kind, r.scope_id`

// Authenticate resolves a session token. An idle or expired session is
// deleted and refused; a live one is touched.
func (s *Service) Authenticate(ctx context.Context, token string) (*Principal, error) {
	if token == "" || len(token) > 100 {
		return nil, nil
	}
	h := hashToken(token)
	p, last, exp, idle, disabled, err := s.session(ctx, h)
	if err != nil || p == nil {
		return nil, err
	}
	now := s.Clock.Now()
	if now.After(exp) || now.Sub(last) > time.Duration(idle)*time.Second {
		_ = s.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
			_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = ?`, h)
			return err
		})
		return nil, nil
	}
	if disabled {
		return nil, nil
	}
	if now.Sub(last) > touchEvery {
		if err := s.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?`, now, h)
			return err
		}); err != nil {
			return nil, err
		}
	}
	p.SessionHash = h
	return p, nil
}

// session reads a session, its account and grants (sessionQuery); p is nil
// when there is no such session.
func (s *Service) session(ctx context.Context, h string) (p *Principal, last, exp time.Time, idle int, disabled bool, err error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, sessionQuery, h)
	if err != nil {
		return nil, last, exp, 0, false, err
	}
	defer rows.Close()
	for rows.Next() {
		var g grantCols
		if p == nil {
			p = &Principal{}
			err = rows.Scan(&last, &exp, &idle, &p.UserID, &p.Username, &p.DisplayName, &p.PersonID, &p.MustChange, &disabled, &g.role, &g.kind, &g.id)
		} else {
			var skip any
			err = rows.Scan(&skip, &skip, &skip, &skip, &skip, &skip, &skip, &skip, &skip, &g.role, &g.kind, &g.id)
		}
		if err != nil {
			return nil, last, exp, 0, false, err
		}
		g.appendTo(p)
	}
	if err := rows.Err(); err != nil {
		return nil, last, exp, 0, false, err
	}
	return p, last, exp, idle, disabled, nil
}

// Logout ends one session.
func (s *Service) Logout(ctx context.Context, p *Principal) error {
	if p == nil || p.SessionHash == "" {
		return nil
	}
	return s.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = ?`, p.SessionHash); err != nil {
			return err
		}
		return s.Audit.Record(ctx, audit.Entry{Action: "logout", ObjectType: "user", ObjectID: fmt.Sprint(p.UserID)})
	})
}

// KillSessions ends every session of a user (secadmin, ASVS 7.4.5).
func (s *Service) KillSessions(ctx context.Context, uid int64) error {
	return s.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, uid); err != nil {
			return err
		}
		return s.Audit.Record(ctx, audit.Entry{Action: "user.sessions_killed", ObjectType: "user", ObjectID: fmt.Sprint(uid)})
	})
}

// CreateToken issues an API token for a user's integration; the token is
// shown once and stored only as its hash.
func (s *Service) CreateToken(ctx context.Context, uid int64, name string, ttl time.Duration) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || len([]rune(name)) > 60 {
		return "", errs.Field("name", "令牌名称须为 1–60 个字符", "token name must be 1–60 characters")
	}
	tok := NewToken("zs_")
	err := s.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		if _, err := s.userByID(ctx, tx, uid); err != nil {
			return err
		}
		now := s.Clock.Now()
		var exp any
		if ttl > 0 {
			exp = now.Add(ttl)
		}
		id, err := tx.InsertID(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			uid, name, hashToken(tok), now, exp)
		if err != nil {
			return err
		}
		return s.Audit.Record(ctx, audit.Entry{Action: "token.create", ObjectType: "api_token", ObjectID: fmt.Sprint(id), Detail: name})
	})
	return tok, err
}

// tokenQuery resolves a bearer token with its account and grants in one
// indexed query (token_hash is UNIQUE; user_roles is keyed by user_id): one
// row per grant, or one row with NULL grant columns for an account without
// any. Its answer is kept until the auth epoch moves (tokencache.go).
const tokenQuery = `SELECT t.expires_at, t.revoked_at, u.id, u.username, u.display_name, COALESCE(u.person_id, 0), u.disabled, u.locked_until,
	r.role, r.scope_kind, r.scope_id
	FROM api_tokens t JOIN users u ON u.id = t.user_id LEFT JOIN user_roles r ON r.user_id = u.id
	WHERE t.token_hash = ? ORDER BY r.role, r.scope_kind, r.scope_id`

// AuthenticateToken resolves a bearer token, from this node's cache of
// resolved tokens when the auth epoch has not moved since (tokencache.go).
func (s *Service) AuthenticateToken(ctx context.Context, tok string) (*Principal, error) {
	if !strings.HasPrefix(tok, "zs_") || len(tok) > 100 {
		return nil, nil
	}
	k := tokenKey(seal.SM3([]byte(tok))) // hashToken's bytes: hex only for the query on a miss
	c := s.tokenCache()
	now := s.Clock.Now()
	q := s.DB.Q(ctx)
	if err := c.sync(ctx, q, now); err != nil {
		return nil, err
	}
	epoch := c.epoch.Load() // before the query: a change meanwhile voids the entry
	if e := c.get(k); e != nil {
		return e.principal(now), nil
	}
	rows, err := q.QueryContext(ctx, tokenQuery, hex.EncodeToString(k[:]))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var p *Principal
	var exp, revoked, locked sql.NullTime
	var disabled bool
	for rows.Next() {
		var g grantCols
		if p == nil {
			p = &Principal{ViaToken: true}
			err = rows.Scan(&exp, &revoked, &p.UserID, &p.Username, &p.DisplayName, &p.PersonID, &disabled, &locked, &g.role, &g.kind, &g.id)
		} else {
			// Later rows repeat the token and account columns: only the
			// grant is read.
			var skip any
			err = rows.Scan(&skip, &skip, &skip, &skip, &skip, &skip, &skip, &skip, &g.role, &g.kind, &g.id)
		}
		if err != nil {
			return nil, err
		}
		g.appendTo(p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if p == nil {
		return nil, nil // unknown tokens are not cached
	}
	e := entryOf(p, exp, locked, revoked.Valid || disabled, epoch)
	c.put(k, e)
	return e.principal(now), nil
}

// grantCols is the LEFT JOINed grant of a row of tokenQuery or
// sessionQuery: NULL when the account holds no grant.
type grantCols struct {
	role, kind sql.NullString
	id         sql.NullInt64
}

func (g grantCols) appendTo(p *Principal) {
	if g.role.Valid {
		p.Grants = append(p.Grants, Grant{Role: Role(g.role.String), ScopeKind: g.kind.String, ScopeID: g.id.Int64})
	}
}

// Authorize is the check every handler makes: it returns nil when p may do
// perm on obj, else an error — 403 when the role may never do it, 404 when
// the object lies outside the caller's scope (no existence leak, ASVS
// 8.2.2) — and audits the denial.
func (s *Service) Authorize(ctx context.Context, p *Principal, perm Perm, obj Object, objType, objID string) error {
	if Can(p, perm, obj) {
		return nil
	}
	if p == nil {
		return &errs.Error{Kind: errs.Unauthorized, Zh: "请先登录", En: "please sign in"}
	}
	kind, res := errs.Forbidden, "function"
	if obj != Anything && Can(p, perm, Anything) {
		kind, res = errs.NotFound, "scope"
	}
	_ = s.Audit.Record(ctx, audit.Entry{Action: "access.denied", ObjectType: objType, ObjectID: objID, Result: audit.Denied,
		Detail: fmt.Sprintf("%s (%s)", perm, res)})
	if p.MustChange {
		return &errs.Error{Kind: errs.Forbidden, Zh: "请先修改初始密码", En: "change your initial password first"}
	}
	if kind == errs.NotFound {
		return errs.NotFoundf("对象")
	}
	return &errs.Error{Kind: errs.Forbidden, Zh: "无权执行此操作", En: "you are not allowed to do this"}
}

// Prune deletes expired sessions and login failures older than a day; the
// nightly maintenance schedule calls it so the tables stay small.
func (s *Service) Prune(ctx context.Context) (int64, error) {
	now := s.Clock.Now()
	var n int64
	err := s.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < ?`, now)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		_, err = tx.ExecContext(ctx, `DELETE FROM login_failures WHERE at < ?`, now.Add(-24*time.Hour))
		return err
	})
	return n, err
}
