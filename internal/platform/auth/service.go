package auth

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"time"

	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/seal"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Source is the auth migrations.
func Source() db.Source {
	sub, _ := fs.Sub(migrations, "migrations")
	return db.Source{Module: "auth", FS: sub}
}

// Service manages accounts and sessions.
type Service struct {
	DB    *db.DB
	Audit *audit.Log
	Clock clock.Clock

	tcOnce sync.Once
	tc     *tokenCache // resolved API tokens (tokencache.go)
}

// User is an account as shown to sysadmin and secadmin.
type User struct {
	ID          int64      `json:"id"`
	Username    string     `json:"username"`
	DisplayName string     `json:"display_name"`
	PersonID    int64      `json:"person_id,omitempty"`
	Disabled    bool       `json:"disabled"`
	MustChange  bool       `json:"must_change_password"`
	LockedUntil *time.Time `json:"locked_until,omitempty"`
	LastLogin   *time.Time `json:"last_login_at,omitempty"`
	Grants      []Grant    `json:"grants"`
}

// NewUser is the input for an account.
type NewUser struct {
	Username    string
	DisplayName string
	PersonID    int64
	Password    string
	// PasswordHash, when set, is used instead of hashing Password (the demo
	// dataset hashes its one shared password once).
	PasswordHash string
	Grants       []Grant
	MustChange   bool
}

func validUsername(u string) error {
	if len(u) < 3 || len(u) > 40 {
		return errs.Field("username", "登录名须为 3–40 个字符", "username must be 3–40 characters")
	}
	for _, r := range u {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '.' || r == '-') {
			return errs.Field("username", "登录名只能包含小写字母、数字和 _ . -", "username may contain only lower-case letters, digits and _ . -")
		}
	}
	return nil
}

// CheckGrants enforces 三员分立: an administrator role stands alone on its
// account, and each role is granted only over the scope kinds it may have.
func CheckGrants(gs []Grant) error {
	admins, others := 0, 0
	for _, g := range gs {
		if !g.Role.Valid() {
			return errs.Field("roles", "未知角色："+string(g.Role), "unknown role: "+string(g.Role))
		}
		ok := false
		for _, k := range roleScopes[g.Role] {
			ok = ok || k == g.ScopeKind
		}
		if !ok {
			return errs.Field("roles", fmt.Sprintf("角色 %s 不能授予在 %s 范围", g.Role, g.ScopeKind),
				fmt.Sprintf("role %s cannot be granted over a %s scope", g.Role, g.ScopeKind))
		}
		if g.ScopeKind != ScopeZone && g.ScopeID == 0 {
			return errs.Field("roles", "角色 "+string(g.Role)+" 须指定范围", "role "+string(g.Role)+" needs a scope")
		}
		if g.Role.IsAdmin() {
			admins++
		} else {
			others++
		}
	}
	if admins > 1 || (admins == 1 && others > 0) {
		return errs.Field("roles", "三员分立：系统管理员、安全管理员、审计管理员不能由同一账号兼任，也不能兼任业务角色",
			"separation of duties: sysadmin, secadmin and auditor must each be a separate account with no business role")
	}
	return nil
}

// CreateUser adds an account.
func (s *Service) CreateUser(ctx context.Context, nu NewUser) (int64, error) {
	nu.Username = strings.TrimSpace(nu.Username)
	if err := validUsername(nu.Username); err != nil {
		return 0, err
	}
	if err := CheckGrants(nu.Grants); err != nil {
		return 0, err
	}
	var id int64
	err := s.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		hash := nu.PasswordHash
		if hash == "" {
			pol, err := LoadPolicy(ctx, tx)
			if err != nil {
				return err
			}
			if err := CheckPolicy(pol, nu.Username, nu.Password); err != nil {
				return err
			}
			hash = HashPassword(nu.Password)
		}
		now := s.Clock.Now()
		var pid any
		if nu.PersonID != 0 {
			pid = nu.PersonID
		}
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO users (username, display_name, person_id, password_hash, must_change, password_changed_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, nu.Username, nu.DisplayName, pid, hash, nu.MustChange, now, now)
		if db.IsUniqueViolation(err) {
			return &errs.Error{Kind: errs.Conflict, Field: "username", Zh: "登录名已存在：" + nu.Username, En: "username already exists: " + nu.Username}
		}
		if err != nil {
			return err
		}
		if err := insertGrants(ctx, tx, id, nu.Grants); err != nil {
			return err
		}
		return s.Audit.Record(ctx, audit.Entry{Action: "user.create", ObjectType: "user", ObjectID: fmt.Sprint(id), Detail: nu.Username + " " + grantsText(nu.Grants)})
	})
	return id, err
}

func insertGrants(ctx context.Context, tx *db.Tx, uid int64, gs []Grant) error {
	for _, g := range gs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO user_roles (user_id, role, scope_kind, scope_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			uid, string(g.Role), g.ScopeKind, g.ScopeID); err != nil {
			return err
		}
	}
	return nil
}

func grantsText(gs []Grant) string {
	var b []string
	for _, g := range gs {
		if g.ScopeKind == ScopeZone {
			b = append(b, string(g.Role))
		} else {
			b = append(b, fmt.Sprintf("%s@%s:%d", g.Role, g.ScopeKind, g.ScopeID))
		}
	}
	return strings.Join(b, ",")
}

// SetGrants replaces a user's grants (secadmin). The user's sessions end, so
// the new rights apply at once.
func (s *Service) SetGrants(ctx context.Context, uid int64, gs []Grant) error {
	if err := CheckGrants(gs); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		if _, err := s.userByID(ctx, tx, uid); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM user_roles WHERE user_id = ?`, uid); err != nil {
			return err
		}
		tx.AfterCommit(s.tokenCache().invalidate) // the new rights apply to tokens at once
		if err := insertGrants(ctx, tx, uid, gs); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, uid); err != nil {
			return err
		}
		return s.Audit.Record(ctx, audit.Entry{Action: "user.roles", ObjectType: "user", ObjectID: fmt.Sprint(uid), Detail: grantsText(gs)})
	})
}

func (s *Service) grants(ctx context.Context, q db.Querier, uid int64) ([]Grant, error) {
	rows, err := q.QueryContext(ctx, `SELECT role, scope_kind, scope_id FROM user_roles WHERE user_id = ? ORDER BY role, scope_kind, scope_id`, uid)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Grant
	for rows.Next() {
		var g Grant
		var r string
		if err := rows.Scan(&r, &g.ScopeKind, &g.ScopeID); err != nil {
			return nil, err
		}
		g.Role = Role(r)
		out = append(out, g)
	}
	return out, rows.Err()
}

type userRow struct {
	User
	hash        string
	failedCount int
	failedSince sql.NullTime
	locked      sql.NullTime
	changedAt   time.Time
}

const userCols = `id, username, display_name, COALESCE(person_id, 0), password_hash, must_change, disabled, failed_count, failed_since, locked_until, password_changed_at, last_login_at`

func scanUser(row interface{ Scan(...any) error }) (*userRow, error) {
	var u userRow
	var last sql.NullTime
	if err := row.Scan(&u.ID, &u.Username, &u.DisplayName, &u.PersonID, &u.hash, &u.MustChange, &u.Disabled,
		&u.failedCount, &u.failedSince, &u.locked, &u.changedAt, &last); err != nil {
		return nil, err
	}
	if u.locked.Valid {
		t := u.locked.Time.UTC()
		u.LockedUntil = &t
	}
	if last.Valid {
		t := last.Time.UTC()
		u.LastLogin = &t
	}
	return &u, nil
}

func (s *Service) userByID(ctx context.Context, q db.Querier, id int64) (*userRow, error) {
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFoundf("用户")
	}
	return u, err
}

func (s *Service) userByName(ctx context.Context, q db.Querier, name string) (*userRow, error) {
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE username = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFoundf("用户")
	}
	return u, err
}

// UserID returns the id of a username.
func (s *Service) UserID(ctx context.Context, name string) (int64, error) {
	u, err := s.userByName(ctx, s.DB.Q(ctx), name)
	if err != nil {
		return 0, err
	}
	return u.ID, nil
}

// ListUsers lists accounts with their grants.
func (s *Service) ListUsers(ctx context.Context) ([]User, error) {
	q := s.DB.Q(ctx)
	rows, err := q.QueryContext(ctx, `SELECT `+userCols+` FROM users ORDER BY id`)
	if err != nil {
		return nil, err
	}
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, u.User)
	}
	rows.Close()
	for i := range out {
		if out[i].Grants, err = s.grants(ctx, q, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// GetUser returns one account.
func (s *Service) GetUser(ctx context.Context, id int64) (*User, error) {
	q := s.DB.Q(ctx)
	u, err := s.userByID(ctx, q, id)
	if err != nil {
		return nil, err
	}
	u.Grants, err = s.grants(ctx, q, id)
	return &u.User, err
}

// SetPassword sets a password without the old one (CLI and sysadmin reset);
// the user must change it at next login unless mustChange is false.
func (s *Service) SetPassword(ctx context.Context, uid int64, pw string, mustChange bool) error {
	return s.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		u, err := s.userByID(ctx, tx, uid)
		if err != nil {
			return err
		}
		pol, err := LoadPolicy(ctx, tx)
		if err != nil {
			return err
		}
		if err := CheckPolicy(pol, u.Username, pw); err != nil {
			return err
		}
		if err := s.storePassword(ctx, tx, u, pw, mustChange); err != nil {
			return err
		}
		return s.Audit.Record(ctx, audit.Entry{Action: "user.password_reset", ObjectType: "user", ObjectID: fmt.Sprint(uid), Detail: u.Username})
	})
}

// ChangePassword is a user changing their own password; every session of
// theirs ends except the one in use (ASVS 7.4.3).
func (s *Service) ChangePassword(ctx context.Context, uid int64, oldPw, newPw, keepSession string) error {
	return s.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		u, err := s.userByID(ctx, tx, uid)
		if err != nil {
			return err
		}
		if !CheckPassword(u.hash, oldPw) {
			_ = s.Audit.Record(ctx, audit.Entry{Action: "user.password_change", ObjectType: "user", ObjectID: fmt.Sprint(uid), Result: audit.Failed, Detail: "wrong current password"})
			return errs.Field("old_password", "当前密码不正确", "the current password is wrong")
		}
		pol, err := LoadPolicy(ctx, tx)
		if err != nil {
			return err
		}
		if err := CheckPolicy(pol, u.Username, newPw); err != nil {
			return err
		}
		if CheckPassword(u.hash, newPw) {
			return errs.Field("password", "新密码不能与当前密码相同", "the new password must differ from the current one")
		}
		rows, err := tx.QueryContext(ctx, `SELECT password_hash FROM password_history WHERE user_id = ? ORDER BY changed_at DESC LIMIT ?`, uid, pol.History)
		if err != nil {
			return err
		}
		var old []string
		for rows.Next() {
			var h string
			if err := rows.Scan(&h); err != nil {
				rows.Close()
				return err
			}
			old = append(old, h)
		}
		rows.Close()
		for _, h := range old {
			if CheckPassword(h, newPw) {
				return errs.Field("password", fmt.Sprintf("不能使用最近 %d 次用过的密码", pol.History), fmt.Sprintf("must not reuse any of the last %d passwords", pol.History))
			}
		}
		if err := s.storePassword(ctx, tx, u, newPw, false); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?`, uid, keepSession); err != nil {
			return err
		}
		return s.Audit.Record(ctx, audit.Entry{Action: "user.password_change", ObjectType: "user", ObjectID: fmt.Sprint(uid)})
	})
}

func (s *Service) storePassword(ctx context.Context, tx *db.Tx, u *userRow, pw string, mustChange bool) error {
	now := s.Clock.Now()
	if _, err := tx.ExecContext(ctx, `INSERT INTO password_history (user_id, password_hash, changed_at) VALUES (?, ?, ?)`, u.ID, u.hash, now); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, must_change = ?, password_changed_at = ? WHERE id = ?`,
		HashPassword(pw), mustChange, now, u.ID)
	return err
}

// SetLocked locks (for the policy's lock time) or unlocks an account. An
// unlock also clears the failure count. Locking or disabling ends sessions.
func (s *Service) SetLocked(ctx context.Context, uid int64, lock bool) error {
	return s.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		u, err := s.userByID(ctx, tx, uid)
		if err != nil {
			return err
		}
		tx.AfterCommit(s.tokenCache().invalidate) // tokens follow the account at once
		if lock {
			// An administrative lock lasts until unlocked: model it as disabled.
			if _, err := tx.ExecContext(ctx, `UPDATE users SET disabled = TRUE WHERE id = ?`, uid); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, uid); err != nil {
				return err
			}
			return s.Audit.Record(ctx, audit.Entry{Action: "user.lock", ObjectType: "user", ObjectID: fmt.Sprint(uid), Detail: u.Username})
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET disabled = FALSE, failed_count = 0, failed_since = NULL, locked_until = NULL WHERE id = ?`, uid); err != nil {
			return err
		}
		return s.Audit.Record(ctx, audit.Entry{Action: "user.unlock", ObjectType: "user", ObjectID: fmt.Sprint(uid), Detail: u.Username})
	})
}

// Policy returns the current security policy.
func (s *Service) Policy(ctx context.Context) (Policy, error) { return LoadPolicy(ctx, s.DB.Q(ctx)) }

// SetPolicy stores a new policy (secadmin), audited.
func (s *Service) SetPolicy(ctx context.Context, p Policy, by string) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		if err := savePolicy(ctx, tx, p, by, s.Clock.Now()); err != nil {
			return err
		}
		return s.Audit.Record(ctx, audit.Entry{Action: "security.policy", ObjectType: "settings", ObjectID: policyKey, Detail: fmt.Sprintf("%+v", p)})
	})
}

// hashToken is how session ids and API tokens are stored.
func hashToken(t string) string { return seal.SM3Hex([]byte(t)) }
