package demo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/seal"
)

// Scale grows a loaded demo dataset to the size of a city's zone for load
// tests (bench/, issue 8): extra party members in generated branches of
// PerBranch members each, and optionally a member account with an API
// token for each of them. The default dataset is untouched — Load never
// calls this, so `zhongshu demo` and the app tests see the same bytes — and
// the extra data come from their own fixed random seed.
type Scale struct {
	Members   int // extra party members (0: none)
	PerBranch int // members per generated branch (default 50, like a real 支部)
	Accounts  int // how many of them (the first ones) get an account and an API token
	TokenTTL  time.Duration
	Now       time.Time // created_at of the generated rows (default time.Now)
	Password  string    // the accounts' shared password (default Password)
}

// ScaledMember is a generated member; Token is set when it has an account.
type ScaledMember struct {
	PersonID int64
	BranchID int64
	UserID   int64
	Username string
	Token    string
}

// scaleChunk rows per INSERT: well under SQLite's and PostgreSQL's
// parameter limits (9 columns × 400).
const scaleChunk = 400

// LoadScale adds s.Members generated party members (with their branches,
// and accounts and tokens for the first s.Accounts) to a database that
// already holds the demo dataset, in one transaction with multi-row
// inserts: people go straight into the directory's tables without
// identifiers (they have no 身份证号 or mobile), so 100,000 members load in
// seconds, not the minutes that encrypting and indexing each would take.
func LoadScale(ctx context.Context, d Deps, s Scale) ([]ScaledMember, error) {
	if d.DB == nil {
		return nil, errors.New("demo: LoadScale needs DB")
	}
	if s.Members <= 0 {
		return nil, nil
	}
	if s.PerBranch <= 0 {
		s.PerBranch = 50
	}
	s.Accounts = min(s.Accounts, s.Members)
	if s.Now.IsZero() {
		s.Now = time.Now()
	}
	now := s.Now.UTC()
	if s.Password == "" {
		s.Password = Password
	}
	g := &gen{r: rand.New(rand.NewPCG(2021, 8)), idNums: map[string]bool{}, mobiles: map[string]bool{}, credits: map[string]bool{}, entNames: map[string]bool{}}
	out := make([]ScaledMember, s.Members)
	err := d.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var parent int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MIN(id), 0) FROM branches WHERE kind = 'organ_committee'`).Scan(&parent); err != nil {
			return err
		}
		var pp any
		if parent != 0 {
			pp = parent
		}
		nb := (s.Members + s.PerBranch - 1) / s.PerBranch
		var maxB int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM branches`).Scan(&maxB); err != nil {
			return err
		}
		if err := scaleInsert(ctx, tx, "branches (parent_id, kind, name, founded_on, sort)", 5, nb, func(i int) []any {
			return []any{pp, "organ_branch", fmt.Sprintf("规模测试第%05d党支部", i+1), "2021-01-01", 1000 + i}
		}); err != nil {
			return fmt.Errorf("scale branches: %w", err)
		}
		branches, err := db.Column[int64](ctx, tx, `SELECT id FROM branches WHERE id > ? ORDER BY id`, maxB)
		if err != nil {
			return err
		}
		var maxP int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM people`).Scan(&maxP); err != nil {
			return err
		}
		if err := scaleInsert(ctx, tx, "people (name, gender, birth_year, party_member, joined_party_on, branch_id, created_at, updated_at)", 8, s.Members, func(i int) []any {
			gd := byte('M')
			if g.chance(45) {
				gd = 'F'
			}
			born := g.between(1960, 2000)
			return []any{g.name(gd, ""), string(gd), born, true, fmt.Sprintf("%d-07-01", born+25), branches[i/s.PerBranch], now, now}
		}); err != nil {
			return fmt.Errorf("scale people: %w", err)
		}
		people, err := db.Column[int64](ctx, tx, `SELECT id FROM people WHERE id > ? ORDER BY id`, maxP)
		if err != nil {
			return err
		}
		if len(people) != s.Members {
			return fmt.Errorf("scale: %d people inserted, want %d", len(people), s.Members)
		}
		for i := range out {
			out[i] = ScaledMember{PersonID: people[i], BranchID: branches[i/s.PerBranch]}
		}
		if s.Accounts == 0 {
			return nil
		}
		hash := auth.HashPassword(s.Password) // one argon2 hash shared by the generated accounts
		var maxU int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM users`).Scan(&maxU); err != nil {
			return err
		}
		if err := scaleInsert(ctx, tx, "users (username, display_name, person_id, password_hash, must_change, password_changed_at, created_at)", 7, s.Accounts, func(i int) []any {
			out[i].Username = fmt.Sprintf("scale%06d", i+1)
			return []any{out[i].Username, "", out[i].PersonID, hash, false, now, now}
		}); err != nil {
			return fmt.Errorf("scale users: %w", err)
		}
		users, err := db.Column[int64](ctx, tx, `SELECT id FROM users WHERE id > ? ORDER BY id`, maxU)
		if err != nil {
			return err
		}
		if len(users) != s.Accounts {
			return fmt.Errorf("scale: %d users inserted, want %d", len(users), s.Accounts)
		}
		for i := range users {
			out[i].UserID = users[i]
		}
		if err := scaleInsert(ctx, tx, "user_roles (user_id, role, scope_kind, scope_id)", 4, s.Accounts, func(i int) []any {
			return []any{out[i].UserID, string(auth.Member), auth.ScopeBranch, out[i].BranchID}
		}); err != nil {
			return fmt.Errorf("scale roles: %w", err)
		}
		var exp any
		if s.TokenTTL > 0 {
			exp = now.Add(s.TokenTTL)
		}
		return scaleInsert(ctx, tx, "api_tokens (user_id, name, token_hash, created_at, expires_at)", 5, s.Accounts, func(i int) []any {
			out[i].Token = auth.NewToken("zs_")
			return []any{out[i].UserID, "load test", seal.SM3Hex([]byte(out[i].Token)), now, exp}
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// scaleInsert inserts n rows of cols values each, scaleChunk rows per statement.
func scaleInsert(ctx context.Context, tx *db.Tx, table string, cols, n int, row func(i int) []any) error {
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", cols), ",") + ")"
	for i := 0; i < n; i += scaleChunk {
		k := min(scaleChunk, n-i)
		args := make([]any, 0, k*cols)
		for j := 0; j < k; j++ {
			args = append(args, row(i+j)...)
		}
		vals := strings.TrimSuffix(strings.Repeat(one+",", k), ",")
		if _, err := tx.ExecContext(ctx, "INSERT INTO "+table+" VALUES "+vals, args...); err != nil {
			return err
		}
	}
	return nil
}
