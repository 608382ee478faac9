package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zhongshu/internal/platform/auth"
)

// The role × route truth table (Mattermost's habit): every registered route
// has a row, and each role's outcome is one letter —
//
//	O allowed (2xx, 3xx, or 409/422 for the deliberately empty body)
//	F forbidden: 403, the role may never do this
//	N not found: 404, the object lies outside the role's scope
//	L allowed for the liaison only if the enterprise is assigned, else N
//	P public: anything but 401, 403 or 5xx
//
// Columns: sysadmin secadmin auditor committee dept_staff liaison enterprise
// village_secretary village_supervisor discipline member. {person} is the
// village_secretary's own person (village 1), {enterprise} is the
// enterprise account's company, {user} a throwaway account.
var matrix = `
GET /{$}                            OOOOOOOOOOO
GET /{rest}                         NNNNNNNNNNN
GET /account                        OOOOOOOOOOO
GET /login                          PPPPPPPPPPP
GET /healthz                        PPPPPPPPPPP
GET /readyz                         PPPPPPPPPPP
GET /metrics                        PPPPPPPPPPP
GET /static/                        PPPPPPPPPPP
GET /favicon.ico                    PPPPPPPPPPP
GET /api/v1/openapi.yaml            PPPPPPPPPPP
POST /lang                          PPPPPPPPPPP
POST /login                         PPPPPPPPPPP
POST /api/v1/login                  PPPPPPPPPPP
GET /api/v1/me                      OOOOOOOOOOO
POST /api/v1/me/password            OOOOOOOOOOO
POST /account/password              OOOOOOOOOOO
POST /account/tokens                OOOOOOOOOOO
POST /api/v1/tokens                 OOOOOOOOOOO
GET /admin/audit                    FFOFFFFFFFF
GET /admin/audit/export.xlsx        FFOFFFFFFFF
POST /admin/audit/verify            FFOFFFFFFFF
GET /api/v1/audit                   FFOFFFFFFFF
POST /api/v1/audit/verify           FFOFFFFFFFF
GET /admin/security                 FOFFFFFFFFF
POST /admin/security/policy         FOFFFFFFFFF
GET /api/v1/security/policy         FOFFFFFFFFF
PUT /api/v1/security/policy         FOFFFFFFFFF
POST /admin/users/{user}/roles      FOFFFFFFFFF
PUT /api/v1/users/{user}/roles      FOFFFFFFFFF
POST /admin/users/{user}/lock       FOFFFFFFFFF
POST /admin/users/{user}/unlock     FOFFFFFFFFF
POST /api/v1/users/{user}/unlock    FOFFFFFFFFF
POST /admin/users/{user}/sessions   FOFFFFFFFFF
GET /admin/users                    OOFFFFFFFFF
GET /admin/jobs                     OFFFFFFFFFF
GET /admin/channels                 OFFFFFFFFFF
POST /admin/channels                OFFFFFFFFFF
GET /api/v1/channels                OFFFFFFFFFF
POST /api/v1/channels               OFFFFFFFFFF
POST /admin/channels/{job}/enabled  NFFFFFFFFFF
POST /admin/channels/{job}/test     NFFFFFFFFFF
POST /api/v1/channels/{job}/test    NFFFFFFFFFF
GET /admin/deliveries               OFFFFFFFFFF
GET /api/v1/deliveries              OFFFFFFFFFF
GET /notifications                  OOOOOOOOOOO
GET /api/v1/notifications           OOOOOOOOOOO
POST /notifications/0/read          OOOOOOOOOOO
POST /api/v1/notifications/0/read   OOOOOOOOOOO
GET /api/v1/jobs                    OFFFFFFFFFF
POST /admin/jobs/{job}/retry        NFFFFFFFFFF
POST /api/v1/jobs/{job}/retry       NFFFFFFFFFF
GET /admin/users/{user}             OOFFFFFFFFF
GET /api/v1/users                   OOFFFFFFFFF
POST /admin/users                   OFFFFFFFFFF
POST /api/v1/users                  OFFFFFFFFFF
POST /admin/users/{user}/password   OFFFFFFFFFF
GET /api/v1/villages                OFFOOOOOOOO
GET /api/v1/departments             OFFOOOOOOOO
GET /api/v1/branches                OFFOOOOOOOO
GET /villages                       OFFOOOOOOOO
GET /departments                    OFFOOOOOOOO
GET /branches                       OFFOOOOOOOO
GET /villages/export.xlsx           OFFOOOOOOOO
GET /departments/export.xlsx        OFFOOOOOOOO
GET /branches/export.xlsx           OFFOOOOOOOO
POST /api/v1/villages               OFFOFFFFFFF
POST /api/v1/departments            OFFOFFFFFFF
POST /api/v1/branches               OFFOFFFFFFF
PUT /api/v1/villages/{village}      OFFOFFFFFFF
PUT /api/v1/departments/{department} OFFOFFFFFFF
PUT /api/v1/branches/{branch}       OFFOFFFFFFF
GET /villages/new                   OFFOFFFFFFF
GET /villages/{village}/edit        OFFOFFFFFFF
POST /villages                      OFFOFFFFFFF
POST /villages/{village}            OFFOFFFFFFF
GET /departments/new                OFFOFFFFFFF
GET /departments/{department}/edit  OFFOFFFFFFF
POST /departments                   OFFOFFFFFFF
POST /departments/{department}      OFFOFFFFFFF
GET /branches/new                   OFFOFFFFFFF
GET /branches/{branch}/edit         OFFOFFFFFFF
POST /branches                      OFFOFFFFFFF
POST /branches/{branch}             OFFOFFFFFFF
GET /api/v1/people                  FFFOOFFOOOO
GET /people                         FFFOOFFOOOO
GET /api/v1/people/{person}         FFFONFFOOON
GET /people/{person}                FFFONFFOOON
GET /people/{person}/edit           FFFONFFOFFN
POST /people/{person}               FFFOFFFOFFF
PUT /api/v1/people/{person}         FFFOFFFOFFF
POST /people/{person}/positions     FFFOFFFOFFF
POST /api/v1/people/{person}/positions FFFOFFFOFFF
POST /people/{person}/unmask        FFFONFFFFFN
POST /api/v1/people/{person}/unmask FFFONFFFFFN
GET /people/new                     FFFOFFFOFFF
POST /people                        FFFOFFFOFFF
POST /api/v1/people                 FFFOFFFOFFF
GET /people/export.xlsx             FFFOOFFFFFF
GET /people/import                  FFFOFFFFFFF
GET /people/template.xlsx           FFFOFFFFFFF
POST /people/import                 FFFOFFFFFFF
POST /api/v1/people/import          FFFOFFFFFFF
GET /api/v1/enterprises             FFFOOOOFFFF
GET /enterprises                    FFFOOOOFFFF
GET /api/v1/enterprises/{enterprise} FFFOOLOFFFF
GET /enterprises/{enterprise}       FFFOOLOFFFF
GET /enterprises/{enterprise}/edit  FFFOFFFFFFF
POST /enterprises/{enterprise}      FFFOFFFFFFF
PUT /api/v1/enterprises/{enterprise} FFFOFFFFFFF
GET /enterprises/new                FFFOFFFFFFF
POST /enterprises                   FFFOFFFFFFF
POST /api/v1/enterprises            FFFOFFFFFFF
GET /enterprises/export.xlsx        FFFOOFFFFFF
GET /enterprises/import             FFFOFFFFFFF
GET /enterprises/template.xlsx      FFFOFFFFFFF
POST /enterprises/import            FFFOFFFFFFF
POST /api/v1/enterprises/import     FFFOFFFFFFF
POST /logout                        OOOOOOOOOOO
POST /api/v1/logout                 OOOOOOOOOOO
`

var matrixRoles = []string{"sysadmin", "secadmin", "auditor", "committee", "dept_staff", "liaison", "enterprise", "village_secretary", "village_supervisor", "discipline", "member"}

type matrixRow struct {
	method, path, pattern string
	want                  string
}

// parseMatrix reads the table above and each module's rows in
// testdata/matrix/*.txt (same format; # starts a comment).
func parseMatrix(t *testing.T) []matrixRow {
	text := matrix
	files, _ := filepath.Glob(filepath.Join("testdata", "matrix", "*.txt"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text += "\n" + string(b)
	}
	var rows []matrixRow
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		if line = strings.TrimSpace(line); line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 || len(f[2]) != len(matrixRoles) {
			t.Fatalf("bad matrix line %q", line)
		}
		pattern := f[0] + " " + strings.NewReplacer("/{rest}", "/", "/0/", "/{id}/", "{person}", "{id}", "{enterprise}", "{id}", "{user}", "{id}", "{village}", "{id}", "{department}", "{id}", "{branch}", "{id}", "{job}", "{id}").Replace(f[1])
		rows = append(rows, matrixRow{method: f[0], path: f[1], pattern: pattern, want: f[2]})
	}
	return rows
}

func TestRoleRouteMatrix(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		rows := parseMatrix(t)
		// Every registered route must have a row, and every row a route.
		have := map[string]bool{}
		for _, r := range rows {
			have[r.pattern] = true
		}
		registered := map[string]bool{}
		for _, p := range e.Router.Patterns() {
			registered[p] = true
			if !have[p] {
				t.Errorf("route %q is missing from the authorization matrix", p)
			}
		}
		for _, r := range rows {
			if !registered[r.pattern] {
				t.Errorf("matrix row %q names no registered route", r.pattern)
			}
		}
		ctx := context.Background()
		q := e.App.DB.Q(ctx)
		var person, enterprise int64
		if err := q.QueryRowContext(ctx, `SELECT person_id FROM users WHERE username = 'village_secretary'`).Scan(&person); err != nil {
			t.Fatal(err)
		}
		if err := q.QueryRowContext(ctx, `SELECT scope_id FROM user_roles r JOIN users u ON u.id = r.user_id WHERE u.username = 'enterprise'`).Scan(&enterprise); err != nil {
			t.Fatal(err)
		}
		var assigned int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM user_roles r JOIN users u ON u.id = r.user_id WHERE u.username = 'liaison' AND r.scope_id = ?`, enterprise).Scan(&assigned); err != nil {
			t.Fatal(err)
		}
		target, err := e.App.Auth.CreateUser(ctx, auth.NewUser{Username: "matrix_target", Password: "Target#2021", Grants: []auth.Grant{{Role: auth.Member, ScopeKind: auth.ScopeBranch, ScopeID: 1}}})
		if err != nil {
			t.Fatal(err)
		}
		repl := strings.NewReplacer("{$}", "", "{rest}", "no-such-page", "{person}", fmt.Sprint(person), "{enterprise}", fmt.Sprint(enterprise), "{user}", fmt.Sprint(target), "{village}", "1", "{department}", "1", "{branch}", "2", "{job}", "999999", "/static/", "/static/app.css")
		for i, role := range matrixRoles {
			c := e.as(role)
			for _, r := range rows {
				want := r.want[i]
				if want == 'L' {
					want = 'N'
					if assigned > 0 {
						want = 'O'
					}
				}
				body := ""
				if r.method != "GET" {
					body = "{}"
				}
				cl := c
				if strings.HasSuffix(r.path, "/logout") {
					cl = e.as(role) // each logout ends its own session
				}
				st, b := cl.do(r.method, repl.Replace(r.path), body)
				ok := false
				switch want {
				case 'O':
					ok = st < 400 || st == 409 || st == 422
				case 'F':
					ok = st == 403
				case 'N':
					ok = st == 404
				case 'P':
					ok = st != 403 && st < 500
				}
				if !ok {
					if len(b) > 200 {
						b = b[:200]
					}
					t.Errorf("%s %s %s: status %d, want %c (%s)", role, r.method, r.path, st, want, b)
				}
			}
		}
	})
}
