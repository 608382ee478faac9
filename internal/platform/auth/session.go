package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
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
			CheckPassword(dummyHash, pw)
			return fail("no such user")
		}
		if err != nil {
			return err
		}
		if u.Disabled {
			CheckPassword(dummyHash, pw)
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

// Authenticate resolves a session token. An idle or expired session is
// deleted and refused; a live one is touched.
func (s *Service) Authenticate(ctx context.Context, token string) (*Principal, error) {
	if token == "" || len(token) > 100 {
		return nil, nil
	}
	h := hashToken(token)
	q := s.DB.Q(ctx)
	var uid int64
	var last, exp time.Time
	var idle int
	err := q.QueryRowContext(ctx, `SELECT user_id, last_seen_at, expires_at, idle_seconds FROM sessions WHERE id_hash = ?`, h).Scan(&uid, &last, &exp, &idle)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
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
	u, err := s.userByID(ctx, q, uid)
	if err != nil || u.Disabled {
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
	gs, err := s.grants(ctx, q, uid)
	if err != nil {
		return nil, err
	}
	return &Principal{UserID: u.ID, Username: u.Username, DisplayName: u.DisplayName, PersonID: u.PersonID, Grants: gs, MustChange: u.MustChange, SessionHash: h}, nil
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

// AuthenticateToken resolves a bearer token.
func (s *Service) AuthenticateToken(ctx context.Context, tok string) (*Principal, error) {
	if !strings.HasPrefix(tok, "zs_") || len(tok) > 100 {
		return nil, nil
	}
	q := s.DB.Q(ctx)
	var uid int64
	var exp, revoked sql.NullTime
	err := q.QueryRowContext(ctx, `SELECT user_id, expires_at, revoked_at FROM api_tokens WHERE token_hash = ?`, hashToken(tok)).Scan(&uid, &exp, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	if revoked.Valid || (exp.Valid && now.After(exp.Time)) {
		return nil, nil
	}
	u, err := s.userByID(ctx, q, uid)
	if err != nil || u.Disabled || (u.locked.Valid && u.locked.Time.After(now)) {
		return nil, nil
	}
	gs, err := s.grants(ctx, q, uid)
	if err != nil {
		return nil, err
	}
	return &Principal{UserID: u.ID, Username: u.Username, DisplayName: u.DisplayName, PersonID: u.PersonID, Grants: gs, ViaToken: true}, nil
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
