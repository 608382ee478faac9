package app

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// Issue 6 item 3 over HTTP, against a hand count of the demo's 经发局
// demands (internal/express/demands_demo.go, ECON rows) for 2021 as of
// 2021-12-20: 12 routed, 10 signed within 2 working days (the 03-29 and
// 10-25 demands took 3) → 10/12; 12 due, 10 resolved ("resolved ÷ due",
// RULES.md §7: the 03-29 one late, 7 of 5 days, still counts; the 11-22
// complex one and the 12-06 one are past their deadline unresolved; the
// reopened 10-25 one met its new deadline; 9 by the deadline) → 10/12;
// 10 rated, 9 满意 or 基本满意 → 90%. Score 30/35/35: 25 + 29.17 + 31.5 =
// 85.67.
func TestExpressRatesHTTP(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		com, dept, lia := e.as("committee"), e.as("dept_staff"), e.as("liaison")
		var depID int64
		if err := e.App.DB.Q(t.Context()).QueryRowContext(t.Context(), `SELECT r.scope_id FROM user_roles r JOIN users u ON u.id = r.user_id WHERE u.username = 'dept_staff'`).Scan(&depID); err != nil {
			t.Fatal(err)
		}
		var r struct {
			Department       string   `json:"department"`
			Routed           int      `json:"routed"`
			RespondedInTime  int      `json:"responded_in_time"`
			ResponseRate     *float64 `json:"response_rate"`
			Due              int      `json:"due"`
			Resolved         int      `json:"resolved"`
			ResolvedInTime   int      `json:"resolved_in_time"`
			ResolutionRate   *float64 `json:"resolution_rate"`
			Rated            int      `json:"rated"`
			Satisfied        int      `json:"satisfied"`
			Basically        int      `json:"basically"`
			SatisfactionRate *float64 `json:"satisfaction_rate"`
			Score            *float64 `json:"score"`
			Rank             int      `json:"rank"`
		}
		path := fmt.Sprintf("/api/v1/departments/%d/rates?from=2021-01-01&to=2021-12-31", depID)
		if st := dept.json("GET", path, "", &r); st != 200 {
			t.Fatalf("rates: %d", st)
		}
		if r.Department != "经发局" || r.Routed != 12 || r.RespondedInTime != 10 || r.Due != 12 || r.Resolved != 10 || r.ResolvedInTime != 9 || r.Rated != 10 || r.Satisfied+r.Basically != 9 {
			t.Fatalf("counts: %+v", r)
		}
		if math.Abs(*r.ResponseRate-10.0/12) > 1e-9 || math.Abs(*r.ResolutionRate-10.0/12) > 1e-9 || *r.SatisfactionRate != 0.9 || math.Abs(*r.Score-85.67) > 0.005 || r.Rank < 1 {
			t.Fatalf("rates: %v %v %v score %v rank %d", *r.ResponseRate, *r.ResolutionRate, *r.SatisfactionRate, *r.Score, r.Rank)
		}
		if st, _ := dept.do("GET", "/api/v1/departments/1/rates", ""); st != 404 && depID != 1 {
			t.Fatalf("another department's rates: %d", st)
		}
		if st, _ := lia.do("GET", path, ""); st != 403 {
			t.Fatalf("liaison: %d", st)
		}
		if st, b := com.do("GET", "/api/v1/departments/1/rates?from=2021-13-01", ""); st != 422 || !strings.Contains(b, "from") {
			t.Fatalf("bad from: %d %s", st, b)
		}
		// The ranking: all ten for the office, in score order; one row for the department.
		var rk struct {
			Items []struct {
				Department string   `json:"department"`
				Score      *float64 `json:"score"`
				Rank       int      `json:"rank"`
			} `json:"items"`
		}
		if st := com.json("GET", "/api/v1/rates?from=2021-01-01&to=2021-12-31", "", &rk); st != 200 || len(rk.Items) != 10 || rk.Items[0].Rank != 1 {
			t.Fatalf("ranking: %d %+v", st, rk)
		}
		for i := 1; i < len(rk.Items); i++ {
			a, b := rk.Items[i-1].Score, rk.Items[i].Score
			if b != nil && (a == nil || *a < *b) {
				t.Fatalf("ranking out of order at %d: %+v", i, rk.Items)
			}
		}
		if st := dept.json("GET", "/api/v1/rates?from=2021-01-01&to=2021-12-31", "", &rk); st != 200 || len(rk.Items) != 1 || rk.Items[0].Department != "经发局" {
			t.Fatalf("department ranking: %+v", rk)
		}
		if st, b := com.do("GET", "/express/rates?from=2021-01-01&to=2021-12-31", ""); st != 200 || !strings.Contains(b, "85.67") {
			t.Fatalf("ranking page: %d", st)
		}
		// Weights: the office changes them; they must sum to 100.
		if st, _ := com.do("PUT", "/api/v1/rates/weights", `{"response":50,"resolution":50,"satisfaction":50}`); st != 422 {
			t.Fatalf("weights 150: %d", st)
		}
		if st, _ := dept.do("PUT", "/api/v1/rates/weights", `{"response":40,"resolution":30,"satisfaction":30}`); st != 403 {
			t.Fatalf("dept weights: %d", st)
		}
		if st := com.json("PUT", "/api/v1/rates/weights", `{"response":40,"resolution":30,"satisfaction":30}`, nil); st != 200 {
			t.Fatalf("weights: %d", st)
		}
		dept.json("GET", path, "", &r)
		if want := (10.0/12*40 + 10.0/12*30 + 0.9*30); math.Abs(*r.Score-want) > 0.005 {
			t.Fatalf("score with 40/30/30: %v, want %.2f", *r.Score, want)
		}
		// Excel export: an .xlsx, audited with its hash.
		st, b := com.do("GET", "/express/rates/export.xlsx?from=2021-01-01&to=2021-12-31", "")
		if st != 200 || !strings.HasPrefix(b, "PK") {
			t.Fatalf("export: %d", st)
		}
		var n int
		if err := e.App.DB.Q(t.Context()).QueryRowContext(t.Context(), `SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND object_type = 'express_rates' AND detail LIKE '%sm3=%'`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("export audit: %d %v", n, err)
		}
	})
}
