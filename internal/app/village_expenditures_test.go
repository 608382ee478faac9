package app

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

type dxExpenditure struct {
	ID            int64    `json:"id"`
	Tier          int      `json:"tier"`
	Status        string   `json:"status"`
	RequiredSigns []string `json:"required_signs"`
	MissingSigns  []string `json:"missing_signs"`
	DecisionID    int64    `json:"decision_id"`
}

func TestVillageExpenditures(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		sec, com, sup := e.as("village_secretary"), e.as("committee"), e.as("village_supervisor")
		// RULES.md §2 tiers: exactly 1,000.00 元 is tier 1, one fen more tier 2,
		// exactly 10,000.00 元 tier 2.
		for _, c := range []struct {
			fen  int64
			tier int
		}{{100000, 1}, {100001, 2}, {1000000, 2}} {
			var x dxExpenditure
			if st := sec.json("POST", "/api/v1/villages/1/expenditures", fmt.Sprintf(`{"amount_fen":%d,"purpose":"测试支出"}`, c.fen), &x); st != 201 || x.Tier != c.tier {
				t.Fatalf("%d fen: %d tier %d", c.fen, st, x.Tier)
			}
		}
		// Tier 3 without a passed decision is filed as tier 3 but cannot proceed.
		var blocked dxExpenditure
		if st := sec.json("POST", "/api/v1/villages/1/expenditures", `{"amount_fen":1000001,"purpose":"大额支出"}`, &blocked); st != 201 || blocked.Tier != 3 {
			t.Fatalf("tier 3 without decision: %d %+v", st, blocked)
		}
		if st, b := sup.do("POST", fmt.Sprintf("/api/v1/expenditures/%d/signs", blocked.ID), `{"kind":"supervisor"}`); st != 422 || !strings.Contains(b, "RULES.md §2") {
			t.Fatalf("signing a blocked tier 3: %d %s", st, b)
		}
		// With the demo's passed winter-works decision it is accepted.
		var winter int64
		ctx := context.Background()
		if err := e.App.DB.Q(ctx).QueryRowContext(ctx, `SELECT id FROM village_decisions WHERE title = '冬季清雪及公共照明维修'`).Scan(&winter); err != nil {
			t.Fatal(err)
		}
		var x3 dxExpenditure
		if st := sec.json("POST", "/api/v1/villages/1/expenditures", fmt.Sprintf(`{"amount_fen":1000001,"purpose":"清雪设备二期","decision_id":%d}`, winter), &x3); st != 201 || x3.Tier != 3 {
			t.Fatalf("tier 3 with decision: %d %+v", st, x3)
		}
		if strings.Join(x3.RequiredSigns, ",") != "supervisor,cosign,review" {
			t.Fatalf("tier 3 signatures: %v", x3.RequiredSigns)
		}
		// Tier 2 filed by the committee (村账乡代管): the requester may not sign.
		var x dxExpenditure
		com.json("POST", "/api/v1/villages/1/expenditures", `{"amount_fen":500000,"purpose":"防汛物资","payee":"五金店"}`, &x)
		signs := fmt.Sprintf("/api/v1/expenditures/%d/signs", x.ID)
		if st, b := com.do("POST", signs, `{"kind":"meeting","note":"两委会议决定"}`); st != 422 || !strings.Contains(b, "申请人不能审批") {
			t.Fatalf("self-approval: %d %s", st, b)
		}
		if st, _ := com.do("POST", fmt.Sprintf("/api/v1/expenditures/%d/payment", x.ID), `{"paid_on":"2021-12-20","voucher":"记-9"}`); st != 422 {
			t.Fatalf("payment before approval: %d", st)
		}
		if st, _ := sec.do("POST", signs, `{"kind":"supervisor"}`); st != 403 {
			t.Fatalf("secretary as supervisor: %d", st)
		}
		if st := sec.json("POST", signs, `{"kind":"meeting","note":"两委会议决定采购防汛物资"}`, &x); st != 201 {
			t.Fatalf("meeting: %d", st)
		}
		if st := sup.json("POST", signs, `{"kind":"supervisor","note":"同意"}`, &x); st != 201 {
			t.Fatalf("supervisor: %d", st)
		}
		var member int64
		if err := e.App.DB.Q(ctx).QueryRowContext(ctx, `SELECT MIN(person_id) FROM positions WHERE village_id = 1 AND title = 'village_committee'`).Scan(&member); err != nil {
			t.Fatal(err)
		}
		if st := sec.json("POST", signs, fmt.Sprintf(`{"kind":"cosign","cosigner_person_id":%d}`, member), &x); st != 201 || x.Status != "approved" {
			t.Fatalf("cosign: %d %+v", st, x)
		}
		if st := com.json("POST", fmt.Sprintf("/api/v1/expenditures/%d/payment", x.ID), `{"paid_on":"2021-12-20","voucher":"记-2021-12-09"}`, &x); st != 200 || x.Status != "paid" {
			t.Fatalf("paid: %d %+v", st, x)
		}
		paid, err := e.App.Village.PaidExpenditures(ctx, 1, "2021-12-20", "2021-12-20")
		if err != nil || len(paid) != 1 || paid[0].ID != x.ID {
			t.Fatalf("paid list: %v %+v", err, paid)
		}
		// Another village's request: 404 by URL and API, for reading and signing.
		var other int64
		if err := e.App.DB.Q(ctx).QueryRowContext(ctx, `SELECT e.id FROM village_expenditures e JOIN villages v ON v.id = e.village_id WHERE v.code = 'V02'`).Scan(&other); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{fmt.Sprintf("/api/v1/expenditures/%d", other), fmt.Sprintf("/expenditures/%d", other), "/api/v1/villages/2/expenditures"} {
			if st, _ := sec.do("GET", p, ""); st != 404 {
				t.Fatalf("%s: %d", p, st)
			}
		}
		if st, _ := sec.do("POST", fmt.Sprintf("/api/v1/expenditures/%d/signs", other), `{"kind":"approve"}`); st != 404 {
			t.Fatalf("sign other village: %d", st)
		}
		if st, _ := sec.do("POST", "/api/v1/villages/2/expenditures", `{"amount_fen":100,"purpose":"越权支出"}`); st != 404 {
			t.Fatalf("create in other village: %d", st)
		}
		// The 三资 office (社发局) reviews tier 3; another department cannot.
		var q []dxExpenditure
		if st := e.as("dept_staff_3").json("GET", "/api/v1/village/expenditure-reviews", "", &q); st != 200 || len(q) != 2 {
			t.Fatalf("review queue: %d %d", st, len(q))
		}
		if st, _ := e.as("dept_staff").do("POST", fmt.Sprintf("/api/v1/expenditures/%d/signs", x3.ID), `{"kind":"review"}`); st != 404 && st != 403 {
			t.Fatalf("other department reviews: %d", st)
		}
		rev := e.as("dept_staff_3")
		if st, b := rev.do("POST", fmt.Sprintf("/api/v1/expenditures/%d/signs", x3.ID), `{"kind":"review","note":"同意"}`); st != 201 {
			t.Fatalf("review: %d %s", st, b)
		}
		// Pages.
		if st, b := sec.do("GET", "/villages/1/expenditures", ""); st != 200 || !strings.Contains(b, "主街道硬化工程款") {
			t.Fatalf("list page: %d", st)
		}
		st, _, loc := sec.form("/villages/1/expenditures", url.Values{"purpose": {"打印机墨盒"}, "amount": {"1000.00"}, "payee": {"文具店"}})
		if st != 303 || !strings.HasPrefix(loc, "/expenditures/") {
			t.Fatalf("form create: %d", st)
		}
		if st, b := sec.do("GET", loc, ""); st != 200 || !strings.Contains(b, "第一档") {
			t.Fatalf("detail page: %d", st)
		}
		if st, b := sec.form2(loc+"/signs", url.Values{"kind": {"approve"}}); st != 422 || !strings.Contains(b, "申请人不能审批") {
			t.Fatalf("form self-approval: %d", st)
		}
	})
}
