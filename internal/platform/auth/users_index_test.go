package auth

import (
	"context"
	"strings"
	"testing"
	"time"

	"zhongshu/internal/platform/db"
)

// A member's first account, MIN(id) of the users with their person_id
// (directory.MembersOf, per member), is the first entry of the person's
// range of users_person_first on both stores — not a walk of every user in
// id order filtered by the person, which PostgreSQL chose with an index on
// person_id alone (6 ms a member with 20,000 users; migration 005).
func TestFirstAccountOfPersonUsesIndex(t *testing.T) {
	db.ForEach(t, sources, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Date(2021, 12, 20, 1, 0, 0, 0, time.UTC)
		fill := `WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < 5000)
			INSERT INTO users (username, person_id, password_hash, password_changed_at, created_at)
			SELECT 'u' || i, i / 2, 'x', ?, ? FROM g`
		if d.Dialect == db.Postgres {
			fill = `INSERT INTO users (username, person_id, password_hash, password_changed_at, created_at)
				SELECT 'u' || i, i / 2, 'x', ?, ? FROM generate_series(1, 5000) AS g(i)`
		}
		if _, err := d.W.ExecContext(ctx, d.Rebind(fill), now, now); err != nil {
			t.Fatal(err)
		}
		const q = `SELECT MIN(u.id) FROM users u WHERE u.person_id = ?`
		var first int64
		if err := d.R.QueryRowContext(ctx, d.Rebind(q), 1234).Scan(&first); err != nil {
			t.Fatal(err)
		}
		var want int64
		if err := d.R.QueryRowContext(ctx, d.Rebind(`SELECT id FROM users WHERE username = 'u2468'`)).Scan(&want); err != nil || first != want {
			t.Fatalf("first account of person 1234: %d, want %d (%v)", first, want, err)
		}
		explain := `EXPLAIN QUERY PLAN `
		if d.Dialect == db.Postgres {
			explain = `EXPLAIN `
		}
		rows, err := d.R.QueryContext(ctx, d.Rebind(explain+q), 1234)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		var plan []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				if s, ok := v.(string); ok {
					plan = append(plan, s)
				}
			}
		}
		text := strings.Join(plan, "; ")
		if !strings.Contains(text, "users_person_first") || strings.Contains(text, "users_pkey") {
			t.Fatalf("plan %q: not a seek of users_person_first", text)
		}
	})
}
