package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"zhongshu/internal/platform/seal"
)

// The streamed check-in export (issue 8, scenario export): the committee
// exports the zone or one branch, a member only their own branch; the rows
// equal a direct count; the export is audited with its SM3 before a byte
// is delivered (a failed audit delivers nothing); bad spans are 422 and the
// per-minute budget is 429.
func TestStudyCheckinExport(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		own := int64(e.dailyCount(`SELECT p.branch_id FROM users u JOIN people p ON p.id = u.person_id WHERE u.username = 'member'`))
		other := int64(e.dailyCount(`SELECT p.branch_id FROM users u JOIN people p ON p.id = u.person_id WHERE u.username = 'member_2'`))
		com, mem := e.as("committee"), e.as("member")
		const from, to = "2021-12-01", "2021-12-19"
		open := func(b string) [][]string {
			t.Helper()
			f, err := excelize.OpenReader(strings.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rows, err := f.GetRows("打卡记录")
			if err != nil {
				t.Fatal(err)
			}
			return rows
		}

		// The zone.
		st, b := com.do("GET", "/study/checkins/export.xlsx?from="+from+"&to="+to, "")
		if st != 200 || !strings.HasPrefix(b, "PK") {
			t.Fatalf("zone export: %d %.200s", st, b)
		}
		rows := open(b)
		want := e.dailyCount(`SELECT COUNT(*) FROM study_checkins WHERE day >= ? AND day <= ?`, from, to)
		if want == 0 || len(rows) != want+1 {
			t.Fatalf("zone export: %d rows, direct count %d", len(rows)-1, want)
		}
		if strings.Join(rows[0], "|") != "日期|姓名|党组织|方式|打卡时间" {
			t.Fatalf("header %v", rows[0])
		}
		if r := rows[1]; r[0] < from || r[0] > to || r[1] == "" || r[2] == "" || (r[3] != "阅读" && r[3] != "背诵") || len(r[4]) != len("2021-12-01 07:30:00") {
			t.Fatalf("first row %v", r)
		}
		if rows[len(rows)-1][0] < rows[1][0] {
			t.Fatal("rows not in day order")
		}
		// The audit: who, filter, rows and the SM3 of the very bytes delivered.
		var detail, scope string
		ctx := context.Background()
		if err := e.App.DB.Q(ctx).QueryRowContext(ctx, `SELECT detail, scope FROM audit_log WHERE action = 'export' AND object_type = 'study_checkins' AND username = 'committee' ORDER BY seq DESC LIMIT 1`).Scan(&detail, &scope); err != nil {
			t.Fatalf("the export was not audited: %v", err)
		}
		if scope != "zone" || !strings.Contains(detail, fmt.Sprintf("rows=%d ", want)) || !strings.Contains(detail, "sm3="+seal.SM3Hex([]byte(b))) || !strings.Contains(detail, "from="+from) {
			t.Fatalf("audit detail %q scope %q", detail, scope)
		}

		// One branch, for the committee and for a member of it.
		wantOwn := e.dailyCount(`SELECT COUNT(*) FROM study_checkins c JOIN people p ON p.id = c.person_id WHERE p.branch_id = ? AND c.day >= ? AND c.day <= ?`, own, from, to)
		for _, c := range []struct {
			who  *client
			path string
		}{{com, fmt.Sprintf("/study/checkins/export.xlsx?from=%s&to=%s&branch=%d", from, to, own)}, {mem, "/study/checkins/export.xlsx?from=" + from + "&to=" + to}} {
			st, b := c.who.do("GET", c.path, "")
			if st != 200 {
				t.Fatalf("%s: %d", c.path, st)
			}
			if rows := open(b); len(rows) != wantOwn+1 {
				t.Fatalf("%s: %d rows, direct count %d", c.path, len(rows)-1, wantOwn)
			}
		}
		if other != own {
			if st, _ := mem.do("GET", fmt.Sprintf("/study/checkins/export.xlsx?branch=%d", other), ""); st != 404 {
				t.Fatalf("member exporting another branch: %d", st)
			}
		}
		if st, _ := e.as("dept_staff").do("GET", "/study/checkins/export.xlsx", ""); st != 403 {
			t.Fatalf("dept staff: %d", st)
		}

		// Bad input: 422 naming the field, nothing audited.
		before := e.dailyCount(`SELECT COUNT(*) FROM audit_log WHERE action = 'export'`)
		for _, q := range []string{"from=2021-13-01", "to=yesterday", "from=2021-12-19&to=2021-12-01", "from=2020-01-01&to=2021-12-19"} {
			if st, b := com.do("GET", "/study/checkins/export.xlsx?"+q, ""); st != 422 {
				t.Errorf("%s: %d %.200s", q, st, b)
			}
		}
		if n := e.dailyCount(`SELECT COUNT(*) FROM audit_log WHERE action = 'export'`); n != before {
			t.Fatalf("a refused export was audited: %d → %d", before, n)
		}

		// A failed audit delivers no file.
		e.App.Audit.FailNext = func() error { return errors.New("audit store down") }
		st, b = com.do("GET", "/study/checkins/export.xlsx?from="+from+"&to="+to, "")
		e.App.Audit.FailNext = nil
		if st < 500 || strings.HasPrefix(b, "PK") {
			t.Fatalf("export with a failed audit: %d, file delivered %t", st, strings.HasPrefix(b, "PK"))
		}

		// The budget: at most 10 exports a minute per user (the demo clock
		// stands still, so every export above counts).
		done := e.dailyCount(`SELECT COUNT(*) FROM audit_log WHERE action LIKE 'export%' AND username = 'committee'`)
		for i := done; i < 10; i++ {
			if st, _ := com.do("GET", "/study/checkins/export.xlsx?from=2021-12-19&to=2021-12-19", ""); st != 200 {
				t.Fatalf("export %d: %d", i+1, st)
			}
		}
		if st, _ := com.do("GET", "/study/checkins/export.xlsx?from=2021-12-19&to=2021-12-19", ""); st != 429 {
			t.Fatalf("11th export in a minute: %d", st)
		}
	})
}
