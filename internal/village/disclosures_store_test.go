package village

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
)

func intp(n int) *int { return &n }

func draftInput() DisclosureInput {
	amt := int64(1234500)
	return DisclosureInput{Kind: KindVillage, Period: "2021-Q4", Title: "东王村2021年第四季度村务公开",
		Items: []ItemInput{{Title: "村民代表会议议定事项", Body: "议定 3 项"}, {Title: "惠农补贴发放", AmountFen: &amt}}, Channels: []string{"website", "bulletin_board"}}
}

// tamper disables the immutability triggers (as someone with direct access
// to the store would) and runs a raw statement.
func tamper(t *testing.T, d *db.DB, stmt string) {
	t.Helper()
	ctx := context.Background()
	if d.Dialect == db.Postgres {
		for _, s := range []string{`ALTER TABLE village_disclosures DISABLE TRIGGER USER`, `ALTER TABLE village_disclosure_items DISABLE TRIGGER USER`} {
			if _, err := d.W.ExecContext(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
	} else {
		for _, s := range []string{"village_disclosures_no_update", "village_disclosures_no_delete", "village_disclosure_items_no_update", "village_disclosure_items_no_delete", "village_disclosure_items_no_insert"} {
			if _, err := d.W.ExecContext(ctx, `DROP TRIGGER IF EXISTS `+s); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := d.W.ExecContext(ctx, stmt); err != nil {
		t.Fatal(err)
	}
}

func TestDisclosureLifecycle(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		sec := e.principal(t, "village_secretary")

		// Bad input: every rule named at once; posting period below RULES.md 1.10.
		bad := DisclosureInput{Kind: "gossip", Period: "2021-Q9", Channels: []string{"radio"}, PostingDays: intp(6)}
		_, err := e.M.CreateDisclosure(ctx, sec, 1, bad)
		msg := ""
		if l, ok := err.(errs.List); ok {
			for _, x := range l {
				msg += x.Field + ":" + x.Zh + "\n"
			}
		}
		for _, want := range []string{"kind:", "period:", "title:", "channels:", "posting_days:公开期 6 天，少于规定的 7 天（RULES.md 1.10）"} {
			if !strings.Contains(msg, want) {
				t.Errorf("missing %q in %s", want, msg)
			}
		}
		future := draftInput()
		future.Period = "2022-Q1"
		if _, err := e.M.CreateDisclosure(ctx, sec, 1, future); err == nil || !strings.Contains(err.Error(), "has not begun") {
			t.Errorf("future period: %v", err)
		}

		in := draftInput()
		d, err := e.M.CreateDisclosure(ctx, sec, 1, in)
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != StatusDraft || d.PostingDays != 7 || len(d.Items) != 2 || d.Hash != "" {
			t.Fatalf("draft: %+v", d)
		}
		if _, err := e.M.CreateDisclosure(ctx, sec, 1, draftInput()); errs.KindOf(err) != errs.Conflict {
			t.Errorf("second draft for the period: %v", err)
		}
		// A draft may be edited.
		in.Title = "东王村2021年第四季度村务公开（修订）"
		in.PostingDays = intp(10)
		if d, err = e.M.UpdateDisclosure(ctx, sec, d.ID, in); err != nil || d.Title != in.Title || d.PostingDays != 10 {
			t.Fatalf("edit draft: %v %+v", err, d)
		}
		// Publishing seals it into the village's chain.
		if d, err = e.M.PublishDisclosure(ctx, sec, d.ID); err != nil {
			t.Fatal(err)
		}
		if d.Status != StatusPublished || len(d.Hash) != 64 || d.Seq != 1 || d.PublishedOn != "2021-12-20" || d.PostedUntil != "2021-12-29" {
			t.Fatalf("published: %+v", d)
		}
		if _, err := e.M.PublishDisclosure(ctx, sec, d.ID); errs.KindOf(err) != errs.Conflict {
			t.Errorf("publish twice: %v", err)
		}
		if _, err := e.M.UpdateDisclosure(ctx, sec, d.ID, in); errs.KindOf(err) != errs.Conflict {
			t.Errorf("edit published: %v", err)
		}
		// The store itself refuses to change a published row or its items.
		for _, stmt := range []string{
			`UPDATE village_disclosures SET title = 'x' WHERE id = ?`,
			`DELETE FROM village_disclosures WHERE id = ?`,
			`UPDATE village_disclosure_items SET title = 'x' WHERE disclosure_id = ?`,
			`DELETE FROM village_disclosure_items WHERE disclosure_id = ?`,
			`INSERT INTO village_disclosure_items (disclosure_id, pos, title) VALUES (?, 99, 'x')`,
		} {
			if _, err := e.DB.W.ExecContext(ctx, e.DB.Rebind(stmt), d.ID); err == nil {
				t.Errorf("store accepted %s", stmt)
			}
		}
		// A correction needs a reason; it is version 2, the old one superseded.
		if _, err := e.M.CorrectDisclosure(ctx, sec, d.ID, DisclosureInput{Title: "更正"}); err == nil || !strings.Contains(err.Error(), "reason") {
			t.Errorf("correction without reason: %v", err)
		}
		e.Clock.Advance(24 * time.Hour)
		c, err := e.M.CorrectDisclosure(ctx, sec, d.ID, DisclosureInput{Reason: "惠农补贴金额录入错误", Items: []ItemInput{{Title: "惠农补贴发放", AmountFen: new(int64)}}})
		if err != nil {
			t.Fatal(err)
		}
		if c.Version != 2 || c.Supersedes != d.ID || c.SeriesID != d.ID || c.Title != in.Title || c.Seq != 2 || c.PrevHash != d.Hash || c.PublishedOn != "2021-12-21" {
			t.Fatalf("correction: %+v", c)
		}
		old, _ := e.M.disclosure(ctx, d.ID)
		if old.Status != StatusSuperseded || old.SupersededBy != c.ID || old.Hash != d.Hash {
			t.Fatalf("old version: %+v", old)
		}
		if _, err := e.M.CorrectDisclosure(ctx, sec, d.ID, DisclosureInput{Reason: "again"}); errs.KindOf(err) != errs.Conflict {
			t.Errorf("correcting a superseded version: %v", err)
		}
		chk, err := e.M.VerifyVillage(ctx, 1)
		if err != nil || !chk.OK || chk.Links != 2 {
			t.Fatalf("verify: %+v %v", chk, err)
		}
		b, n, err := disclosuresVerifier{e.M}.Verify(ctx)
		if b != nil || n != 2 || err != nil {
			t.Fatalf("verifier: %v %d %v", b, n, err)
		}

		// A row changed behind the application's back breaks the chain at
		// that row, for the page check and for `zhongshu verify`.
		tamper(t, e.DB, `UPDATE village_disclosure_items SET amount_fen = 99999900 WHERE disclosure_id = `+strconv.FormatInt(d.ID, 10)+` AND pos = 2`)
		chk, _ = e.M.VerifyVillage(ctx, 1)
		if chk.OK || chk.Broken != d.ID || !strings.Contains(chk.Break.Reason, "altered") {
			t.Fatalf("tampered: %+v", chk)
		}
		b, _, _ = disclosuresVerifier{e.M}.Verify(ctx)
		if b == nil || b.Chain != "disclosures/village 1" || b.Seq != 1 {
			t.Fatalf("verifier after tampering: %v", b)
		}
	})
}

// SECURITY.md §7.3: a secretary reads and writes only their own village's
// disclosures; others' are "not found", a role that may never is refused.
func TestDisclosureScope(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		sec1 := e.principal(t, "village_secretary")
		sec2 := e.principal(t, "village_secretary_2")
		d, err := e.M.CreateDisclosure(ctx, sec1, 1, draftInput())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.M.Disclosure(ctx, sec2, d.ID); errs.KindOf(err) != errs.NotFound {
			t.Errorf("other village's draft: %v", err)
		}
		if _, err := e.M.PublishDisclosure(ctx, sec2, d.ID); errs.KindOf(err) != errs.NotFound {
			t.Errorf("publish other village's draft: %v", err)
		}
		if _, err := e.M.CreateDisclosure(ctx, sec2, 1, draftInput()); errs.KindOf(err) != errs.NotFound {
			t.Errorf("create in another village: %v", err)
		}
		if _, err := e.M.Disclosure(ctx, e.principal(t, "member"), d.ID); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("member: %v", err)
		}
		if _, err := e.M.Disclosure(ctx, e.principal(t, "village_supervisor"), d.ID); err != nil {
			t.Errorf("own supervisor: %v", err)
		}
		if _, err := e.M.PublishDisclosure(ctx, e.principal(t, "village_supervisor"), d.ID); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("supervisor publishing: %v", err)
		}
	})
}

// Issue 5 item 2: every expenditure paid in the period appears in the
// finance disclosure, refreshed at publication.
func TestFinanceDisclosureListsPaidExpenditures(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		sec := e.principal(t, "village_secretary")
		pay := func(day, purpose, payee string, fen int64, status string) {
			t.Helper()
			err := e.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
				_, err := tx.ExecContext(ctx, `INSERT INTO village_expenditures (village_id, requested_on, amount_fen, tier, purpose, payee, status, required_signs, requested_by, paid_on, created_at, updated_at)
					VALUES (1, ?, ?, 1, ?, ?, ?, '', 1, ?, ?, ?)`, day, fen, purpose, payee, status, day, e.Clock.Now(), e.Clock.Now())
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		pay("2021-11-03", "村委会办公用品", "沧州文具有限公司", 86000, "paid")
		pay("2021-10-31", "上月支出", "某公司", 1000, "paid")
		pay("2021-11-20", "保洁劳务费", "王五", 120000, "paid")
		pay("2021-11-21", "未支付", "某公司", 5000, "approved")
		in := DisclosureInput{Kind: KindFinance, Period: "2021-11", Title: "东王村2021年11月财务公开", Channels: []string{"bulletin_board"}}
		d, err := e.M.CreateDisclosure(ctx, sec, 1, in)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Items) != 2 || d.SpentFen != 206000 || d.Items[1].Body != "收款方：王*；第 1 档" || d.Items[0].PaidOn != "2021-11-03" {
			t.Fatalf("draft items: %+v", d.Items)
		}
		pay("2021-11-29", "路灯维修", "沧州照明工程公司", 45000, "paid")
		if d, err = e.M.PublishDisclosure(ctx, sec, d.ID); err != nil {
			t.Fatal(err)
		}
		if len(d.Items) != 3 || d.SpentFen != 251000 {
			t.Fatalf("published items: %+v", d.Items)
		}
	})
}

// The demo year: fast, chained, and with the flags it is meant to show.
func TestDisclosuresDemo(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		start := time.Now()
		if err := loadDisclosuresDemo(e.M, ctx); err != nil {
			t.Fatal(err)
		}
		t.Logf("demo disclosures loaded in %v", time.Since(start))
		b, n, err := disclosuresVerifier{e.M}.Verify(ctx)
		if b != nil || err != nil || n < 60 {
			t.Fatalf("verify: %v %d %v", b, n, err)
		}
		all, err := e.M.DisclosureCompliance(ctx, e.principal(t, "committee"))
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 7 {
			t.Fatalf("%d villages", len(all))
		}
		flags := map[string]string{}
		for i, v := range all {
			for _, f := range v.Flagged() {
				flags[v.Village.Name+" "+f.Kind+" "+f.Period] = f.Status
			}
			if i < 5 && len(v.Flagged()) != 0 {
				t.Errorf("%s: unexpected flags %+v", v.Village.Name, v.Flagged())
			}
		}
		if flags[all[6].Village.Name+" village 2021-Q3"] != DueOverdue || flags[all[5].Village.Name+" village 2021-Q2"] != DueLate || len(flags) != 2 {
			t.Errorf("flags: %v", flags)
		}
		own, err := e.M.DisclosureCompliance(ctx, e.principal(t, "village_secretary"))
		if err != nil || len(own) != 1 || own[0].Village.ID != 1 {
			t.Errorf("secretary's view: %v %+v", err, own)
		}
	})
}

// RULES.md §3: the day after a period became overdue its village's
// secretary and the committee are told, once; three days before, the
// secretary is reminded.
func TestDisclosureRemindersRULES3(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		if err := loadDisclosuresDemo(e.M, ctx); err != nil {
			t.Fatal(err)
		}
		n, err := e.M.RunDisclosureReminders(ctx, "2021-10-11")
		if err != nil || n < 2 {
			t.Fatalf("overdue notices: %d %v", n, err)
		}
		sec7 := e.principal(t, "village_secretary_7")
		inbox, err := e.M.Notify.Inbox(ctx, sec7.UserID, 10)
		if err != nil || len(inbox) != 1 || !strings.Contains(inbox[0].Title, "2021-Q3村务公开已逾期") {
			t.Fatalf("secretary 7's inbox: %v %+v", err, inbox)
		}
		if n, _ := e.M.RunDisclosureReminders(ctx, "2021-10-12"); n != 0 {
			t.Errorf("told again the next day: %d", n)
		}
		// Three days before the Q4 deadline (2022-01-10) every village's
		// secretary is reminded of its unpublished Q4 village affairs.
		n, err = e.M.RunDisclosureReminders(ctx, "2022-01-07")
		if err != nil || n < 7 {
			t.Fatalf("reminders: %d %v", n, err)
		}
	})
}
