package village

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/web"
)

// Issue 5 item 11 on both stores: the demo's findings, scope, validation,
// sealed ID numbers and the masked public posting.
func TestLandStore(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		start := time.Now()
		if err := loadLandDemo(e.M, ctx); err != nil {
			t.Fatal(err)
		}
		t.Logf("loadLandDemo: %v", time.Since(start))
		com, sec, sec2 := e.principal(t, "committee"), e.principal(t, "village_secretary"), e.principal(t, "village_secretary_2")
		sup, dis2 := e.principal(t, "village_supervisor"), e.principal(t, "discipline_2")

		fs, err := e.M.LandFindings(ctx, com)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range fs {
			got = append(got, fmt.Sprintf("%d:%s:%d", f.ProjectID, f.Kind, f.DiffFen))
		}
		// 王志强 paid 100,000.00 for 3.2 亩 × 30,000.00 = 96,000.00; 张玉明's
		// 青苗补偿费 1.25 亩 × 1,500.00 = 1,875.00 paid twice; the excess
		// over the funds is 4,000.00 + 1,875.00.
		want := "[1:no_decision:0 1:above_standard:400000 1:paid_twice:187500 1:funds_over:587500 2:no_decision:0]"
		if fmt.Sprint(got) != want {
			t.Fatalf("findings\n got %v\nwant %s", got, want)
		}
		p1, err := e.M.LandProjectDetail(ctx, sec, 1)
		if err != nil || p1.FundsFen != 67_291_500 || p1.PaidFen != 67_879_000 || len(p1.HouseholdList) != 6 || p1.Findings != 4 {
			t.Fatalf("project 1: %v funds %d paid %d", err, p1.FundsFen, p1.PaidFen)
		}
		for _, h := range p1.HouseholdList {
			if !strings.Contains(h.IDMask, "********") || len(h.IDMask) != 18 {
				t.Fatalf("mask %q", h.IDMask)
			}
		}
		// Scope: the secretary sees village 1 only; another village's
		// secretary and discipline_2 (villages 5–7) get 404; the
		// supervisor reads but may not write.
		if ps, err := e.M.LandProjects(ctx, sec, 0); err != nil || len(ps) != 1 || ps[0].ID != 1 {
			t.Fatalf("secretary list: %v %+v", err, ps)
		}
		if _, err := e.M.LandProjectDetail(ctx, sec2, 1); errs.KindOf(err) != errs.NotFound {
			t.Fatalf("secretary_2 reads village 1: %v", err)
		}
		if _, err := e.M.LandProjectDetail(ctx, dis2, 1); errs.KindOf(err) != errs.NotFound {
			t.Fatalf("discipline_2 reads village 1: %v", err)
		}
		if _, err := e.M.LandProjectDetail(ctx, sup, 1); err != nil {
			t.Fatal(err)
		}
		if err := e.M.PostLandProject(ctx, sup, 1); errs.KindOf(err) != errs.Forbidden {
			t.Fatalf("supervisor posts: %v", err)
		}
		if _, err := e.M.CreateLandProject(ctx, sec, LandProjectInput{VillageID: 2, Name: "越权项目", FundsFen: 100}); errs.KindOf(err) != errs.NotFound {
			t.Fatalf("secretary creates in village 2: %v", err)
		}

		// A project built through the service.
		// The decision linked must be the village's own (RULES.md 1.8).
		if _, err := e.M.CreateLandProject(ctx, sec, LandProjectInput{VillageID: 1, Name: "2021年东王村变电站用地补偿", FundsFen: 6_150_000, DecisionID: 999}); leadErrKind(err) != errs.Invalid {
			t.Fatalf("absent decision linked: %v", err)
		}
		dec, err := e.M.CreateDecision(ctx, sec, 1, DecisionInput{Title: "变电站用地征地补偿费分配方案", Category: "compensation", ProposedOn: "2021-11-01"})
		if err != nil {
			t.Fatal(err)
		}
		id, err := e.M.CreateLandProject(ctx, sec, LandProjectInput{VillageID: 1, Name: "2021年东王村变电站用地补偿", FundsFen: 6_150_000, DecisionID: dec.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.M.CreateLandProject(ctx, sec, LandProjectInput{VillageID: 1, Name: "2021年东王村变电站用地补偿", FundsFen: 1}); errs.KindOf(err) != errs.Conflict {
			t.Fatalf("duplicate name: %v", err)
		}
		if err := e.M.AddLandStandard(ctx, sec, id, LandStandardInput{Code: "Land!", Name: "土地补偿费", Unit: "亩", FenPerUnit: 0}); leadErrKind(err) != errs.Invalid {
			t.Fatalf("bad standard: %v", err)
		}
		if err := e.M.AddLandStandard(ctx, sec, id, LandStandardInput{Code: "land", Name: "土地补偿费", Unit: "亩", FenPerUnit: 3_000_000}); err != nil {
			t.Fatal(err)
		}
		if err := e.M.AddLandStandard(ctx, sec, id, LandStandardInput{Code: "land", Name: "土地补偿费", Unit: "亩", FenPerUnit: 3_000_000}); errs.KindOf(err) != errs.Conflict {
			t.Fatalf("duplicate code: %v", err)
		}
		if err := e.M.AddLandStandard(ctx, sec, id, LandStandardInput{Code: "crops", Name: "青苗补偿费", Unit: "亩", FenPerUnit: 150_000}); err != nil {
			t.Fatal(err)
		}
		if err := e.M.PostLandProject(ctx, sec, id); errs.KindOf(err) != errs.Invalid {
			t.Fatalf("post without households: %v", err)
		}
		head, _ := landDemoID("19800101", 201)
		payee, _ := landDemoID("19820202", 202)
		wrong := head[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", head[17])+1)%11])
		if _, err := e.M.AddLandHousehold(ctx, sec, id, LandHouseholdInput{HeadName: "周国华", IDNumber: wrong, Items: map[string]string{"land": "2"}}); leadErrKind(err) != errs.Invalid || !strings.Contains(err.Error(), "id_number") {
			t.Fatalf("bad check digit: %v", err)
		}
		if _, err := e.M.AddLandHousehold(ctx, sec, id, LandHouseholdInput{HeadName: "周国华", IDNumber: head, Items: map[string]string{"trees": "2"}}); leadErrKind(err) != errs.Invalid {
			t.Fatalf("unknown item: %v", err)
		}
		hid, err := e.M.AddLandHousehold(ctx, sec, id, LandHouseholdInput{HeadName: "周国华", IDNumber: head, Items: map[string]string{"land": "2", "crops": "2", "x": ""}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.M.AddLandHousehold(ctx, sec, id, LandHouseholdInput{HeadName: "周国", IDNumber: strings.ToLower(head), Items: map[string]string{"land": "1"}}); leadErrKind(err) != errs.Invalid {
			t.Fatalf("same ID twice: %v", err)
		}
		// 身份证号 sealed at rest: the stored bytes never hold it.
		var enc []byte
		var idx, mask string
		if err := e.DB.Q(ctx).QueryRowContext(ctx, `SELECT id_enc, id_idx, id_mask FROM land_households WHERE id = ?`, hid).Scan(&enc, &idx, &mask); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(enc, []byte(head)) || strings.Contains(idx, head) || mask != head[:6]+"********"+head[14:] {
			t.Fatalf("not sealed: %q %q", idx, mask)
		}
		if plain, err := e.M.Seal.Decrypt(enc, []byte(landAADHousehold)); err != nil || string(plain) != head {
			t.Fatalf("decrypt: %v", err)
		}
		if err := e.M.PostLandProject(ctx, sec, id); err != nil {
			t.Fatal(err)
		}
		if err := e.M.AddLandStandard(ctx, sec, id, LandStandardInput{Code: "trees", Name: "树木", Unit: "棵", FenPerUnit: 8_000}); errs.KindOf(err) != errs.Conflict {
			t.Fatalf("standard after posting: %v", err)
		}
		if err := e.M.PostLandProject(ctx, sec, id); errs.KindOf(err) != errs.Conflict {
			t.Fatalf("posted twice: %v", err)
		}
		pays := []LandPaymentInput{
			{HouseholdID: hid, Code: "land", AmountFen: 6_000_000, PaidOn: "2021-12-15", PayeeName: "周国华", PayeeIDNumber: head},
			{HouseholdID: hid, Code: "crops", AmountFen: 300_000, PaidOn: "2021-12-15", PayeeName: "周小华", PayeeIDNumber: payee},
		}
		for _, in := range pays {
			if _, err := e.M.AddLandPayment(ctx, sec, id, in); err != nil {
				t.Fatal(err)
			}
		}
		p, _ := e.M.LandProjectDetail(ctx, com, id)
		if len(p.Checks) != 1 || p.Checks[0].Kind != LandFundsOver || p.Checks[0].DiffFen != 150_000 {
			t.Fatalf("checks: %+v", p.Checks)
		}
		badPays := []LandPaymentInput{
			{HouseholdID: 999, Code: "land", AmountFen: 1, PaidOn: "2021-12-15", PayeeName: "周国华", PayeeIDNumber: head},
			{HouseholdID: hid, Code: "nope", AmountFen: 1, PaidOn: "2021-12-15", PayeeName: "周国华", PayeeIDNumber: head},
			{HouseholdID: hid, Code: "land", AmountFen: 0, PaidOn: "2021-12-15", PayeeName: "周国华", PayeeIDNumber: head},
			{HouseholdID: hid, Code: "land", AmountFen: 1, PaidOn: "2021-12-21", PayeeName: "周国华", PayeeIDNumber: head},
			{HouseholdID: hid, Code: "land", AmountFen: 1, PaidOn: "2021-12-15", PayeeName: "周国华", PayeeIDNumber: "12345678901"},
		}
		for i, in := range badPays {
			if _, err := e.M.AddLandPayment(ctx, sec, id, in); leadErrKind(err) != errs.Invalid {
				t.Fatalf("bad payment %d: %v", i, err)
			}
		}
		// A payment on the same item again by the same payee (written
		// differently) is caught through the blind index.
		if _, err := e.M.AddLandPayment(ctx, sec, id, LandPaymentInput{HouseholdID: hid, Code: "crops", AmountFen: 1, PaidOn: "2021-12-16", PayeeName: "周 小华", PayeeIDNumber: strings.ToLower(payee)}); err != nil {
			t.Fatal(err)
		}
		p, _ = e.M.LandProjectDetail(ctx, com, id)
		if fmt.Sprint(landKinds(p.Checks)) != "[paid_twice funds_over]" {
			t.Fatalf("after the repeat: %v", landKinds(p.Checks))
		}

		// The public posting: posted projects only, names and IDs masked.
		posts, err := e.M.LandPostings(ctx, 1)
		if err != nil || len(posts) != 2 {
			t.Fatalf("postings: %v %d", err, len(posts))
		}
		b, _ := json.Marshal(posts)
		for _, secret := range []string{"谭建国", "王志强", "周国华", head, payee} {
			if strings.Contains(string(b), secret) {
				t.Fatalf("the posting shows %s", secret)
			}
		}
		if posts[0].Households[0].Name != "谭*国" || posts[0].Households[2].EntitledFen != 18_560_000 {
			t.Fatalf("posting: %+v", posts[0].Households[:3])
		}
		if ps, _ := e.M.LandPostings(ctx, 2); len(ps) != 0 {
			t.Fatal("village 2 has no posted project")
		}
		slides, err := e.M.landSlides(ctx, 1)
		if err != nil || len(slides) != 4 || !strings.Contains(slides[0].Lines[0], "30,000.00 元/亩") {
			t.Fatalf("slides: %v %+v", err, slides)
		}
		// The portal block V2 assembles: masked, bilingual.
		pg := e.M.Views.Prepare(httptest.NewRequest("GET", "/public/villages/1", nil), &web.Page{D: &landPortalData{Items: posts}})
		html, err := e.M.Views.Fragment("land_portal", "portal_block", pg)
		if err != nil || !strings.Contains(string(html), "谭*国") || !strings.Contains(string(html), "30000.00 / 亩") || strings.Contains(string(html), "谭建国") {
			t.Fatalf("portal block: %v\n%s", err, html)
		}
	})
}
