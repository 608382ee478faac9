package village

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
)

func leadAudits(t *testing.T, e *testEnv, action string) int {
	t.Helper()
	var n int
	if err := e.DB.Q(context.Background()).QueryRowContext(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action = ?`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// leadErrKind is errs.KindOf that also knows a list of field errors
// (422 over HTTP).
func leadErrKind(err error) errs.Kind {
	var l errs.List
	if errors.As(err, &l) {
		return errs.Invalid
	}
	return errs.KindOf(err)
}

// leadSetZoneRule adds a zone rules row from a day.
func leadSetZoneRule(t *testing.T, e *testEnv, day, body string) {
	t.Helper()
	err := e.DB.InTx(context.Background(), func(ctx context.Context, tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO village_rules (village_id, valid_from, body, created_at) VALUES (0, ?, ?, ?)`, day, body, time.Now().UTC())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func leadIDs(l *LeadList) []int64 {
	var out []int64
	for _, x := range l.Items {
		out = append(out, x.ID)
	}
	return out
}

// Issue 5 item 8 on both stores: who reads which lead, the subject never,
// every read audited, the committee only with the zone rule on.
func TestLeadsStore(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		start := time.Now()
		if err := loadLeadsDemo(e.M, ctx); err != nil {
			t.Fatal(err)
		}
		t.Logf("loadLeadsDemo: %v", time.Since(start))
		dis, dis2 := e.principal(t, "discipline"), e.principal(t, "discipline_2")
		com, sec := e.principal(t, "committee"), e.principal(t, "village_secretary")

		// The zone discipline inspector reads all six, newest first; the
		// list is audited with the ids.
		before := leadAudits(t, e, "village.lead.list")
		all, err := e.M.Leads(ctx, dis, LeadFilter{})
		if err != nil || all.Total != 6 || len(all.Items) != 6 {
			t.Fatalf("discipline list: %v %+v", err, all)
		}
		if all.Items[0].ReceivedOn != "2021-12-06" || all.ByStatus[LeadVerifying] != 1 || all.ByStatus[LeadReceived] != 1 || all.Overdue != 1 {
			t.Fatalf("order/counts: %+v %v overdue %d", all.Items[0], all.ByStatus, all.Overdue)
		}
		if leadAudits(t, e, "village.lead.list") != before+1 {
			t.Fatal("list not audited")
		}
		var ids string
		e.DB.Q(ctx).QueryRowContext(ctx, `SELECT object_id FROM audit_log WHERE action = 'village.lead.list' ORDER BY seq DESC LIMIT 1`).Scan(&ids)
		if ids != "3,1,2,6,4,5" {
			t.Fatalf("audited ids %q", ids)
		}
		// The overdue one: lead 1, received 2021-11-02, still verifying on 2021-12-20.
		l1, err := e.M.Lead(ctx, dis, 1)
		if err != nil || !l1.Overdue || l1.Due != "2021-12-02" || len(l1.Files) != 1 || len(l1.Events) != 2 {
			t.Fatalf("lead 1: %v %+v", err, l1)
		}
		if _, data, err := e.M.LeadFileData(ctx, dis, l1.Files[0].ID); err != nil || !strings.HasPrefix(string(data), "%PDF") {
			t.Fatalf("file: %v", err)
		}
		if leadAudits(t, e, "village.lead.read") != 1 || leadAudits(t, e, "village.lead.file_read") != 1 {
			t.Fatal("reads not audited")
		}

		// discipline_2 covers villages 5–7 and is the subject of lead 3
		// (village 5): she sees leads 4 and 6 only.
		l2, err := e.M.Leads(ctx, dis2, LeadFilter{})
		if err != nil || fmt.Sprint(leadIDs(l2)) != "[6 4]" {
			t.Fatalf("discipline_2: %v %v", err, leadIDs(l2))
		}
		for _, q := range []string{"纪检委员", "王翠凤", "后屯村", "签字"} {
			if r, err := e.M.Leads(ctx, dis2, LeadFilter{Q: q}); err != nil || r.Total != 0 {
				t.Fatalf("search %q finds her own lead: %v %v", q, err, leadIDs(r))
			}
		}
		if r, _ := e.M.Leads(ctx, dis2, LeadFilter{VillageID: 5}); r.Total != 0 || r.ByStatus[LeadReceived] != 0 {
			t.Fatalf("village 5 counts leak: %+v", r)
		}
		_, errAbsent := e.M.Lead(ctx, dis2, 999)
		_, errScope := e.M.Lead(ctx, dis2, 1)
		_, errSelf := e.M.Lead(ctx, dis2, 3)
		for _, err := range []error{errAbsent, errScope, errSelf} {
			if errs.KindOf(err) != errs.NotFound || err.Error() != errAbsent.Error() {
				t.Fatalf("want the same 404: %v / %v", err, errAbsent)
			}
		}
		if _, _, err := e.M.LeadFileData(ctx, dis2, l1.Files[0].ID); errs.KindOf(err) != errs.NotFound {
			t.Fatalf("file out of scope: %v", err)
		}
		if err := e.M.StepLead(ctx, dis2, 3, LeadActVerify, LeadStep{Day: "2021-12-20"}); errs.KindOf(err) != errs.NotFound {
			t.Fatalf("subject handles own lead: %v", err)
		}

		// Roles without the label: 403.
		for _, p := range []*auth.Principal{sec, e.principal(t, "village_supervisor"), e.principal(t, "member"), e.principal(t, "sysadmin"), e.principal(t, "auditor"), com} {
			if _, err := e.M.Leads(ctx, p, LeadFilter{}); errs.KindOf(err) != errs.Forbidden {
				t.Fatalf("%s lists leads: %v", p.Username, err)
			}
			if _, err := e.M.Lead(ctx, p, 1); errs.KindOf(err) != errs.Forbidden {
				t.Fatalf("%s reads lead 1: %v", p.Username, err)
			}
		}

		// Recording: validation, recusal, scope.
		bad := []LeadInput{
			{VillageID: 1, SubjectID: l1.SubjectID, Source: "rumour", Description: "反映问题若干条", ReceivedOn: "2021-12-01"},
			{VillageID: 1, SubjectID: l1.SubjectID, Source: "petition", Description: "反映问题若干条", ReceivedOn: "2021-12-21"},
			{VillageID: 1, SubjectID: 0, Source: "petition", Description: "反映问题若干条", ReceivedOn: "2021-12-01"},
			{VillageID: 1, SubjectID: dis.PersonID, Source: "petition", Description: "反映问题若干条", ReceivedOn: "2021-12-01"},
			{VillageID: 1, SubjectID: l1.SubjectID, Source: "petition", Description: "短", ReceivedOn: "2021-12-01"},
		}
		for i, in := range bad {
			if _, err := e.M.CreateLead(ctx, dis, in, nil); leadErrKind(err) != errs.Invalid {
				t.Fatalf("bad input %d accepted: %v", i, err)
			}
		}
		if _, err := e.M.CreateLead(ctx, dis2, LeadInput{VillageID: 1, SubjectID: l1.SubjectID, Source: "petition", Description: "反映问题若干条", ReceivedOn: "2021-12-01"}, nil); errs.KindOf(err) != errs.NotFound {
			t.Fatalf("discipline_2 records in village 1: %v", err)
		}
		if _, err := e.M.CreateLead(ctx, com, LeadInput{VillageID: 1, SubjectID: l1.SubjectID, Source: "petition", Description: "反映问题若干条", ReceivedOn: "2021-12-01"}, nil); errs.KindOf(err) != errs.Forbidden {
			t.Fatalf("committee records a lead: %v", err)
		}

		// The zone's rule sets the deadline of new leads; a lead about the
		// committee's own person.
		leadSetZoneRule(t, e, "2021-01-01", `{"lead_verify_days": 15}`)
		id, err := e.M.CreateLead(ctx, dis, LeadInput{VillageID: 2, SubjectID: com.PersonID, Source: "other", Description: "反映机关党委书记包村期间问题", ReceivedOn: "2021-12-10"},
			[]LeadUpload{{Name: "a.pdf", ContentType: "application/pdf", Data: leadDemoPDF}})
		if err != nil {
			t.Fatal(err)
		}
		nl, err := e.M.Lead(ctx, dis, id)
		if err != nil || nl.DueDays != 15 || nl.Due != "2021-12-25" || nl.Overdue || len(nl.Files) != 1 {
			t.Fatalf("new lead: %v %+v", err, nl)
		}

		// Handling: out of order, bad outcome, then verify → dispose, once.
		if err := e.M.StepLead(ctx, dis, id, LeadActDispose, LeadStep{Day: "2021-12-20", Outcome: LeadClosed, Note: "经核实不属实"}); errs.KindOf(err) != errs.Conflict {
			t.Fatalf("dispose before verify: %v", err)
		}
		if err := e.M.StepLead(ctx, dis, id, LeadActVerify, LeadStep{Day: "2021-12-09"}); leadErrKind(err) != errs.Invalid {
			t.Fatalf("verify before receipt: %v", err)
		}
		if err := e.M.StepLead(ctx, dis, id, LeadActVerify, LeadStep{Day: "2021-12-12", Note: "调阅材料"}); err != nil {
			t.Fatal(err)
		}
		if err := e.M.StepLead(ctx, dis, id, LeadActDispose, LeadStep{Day: "2021-12-20", Outcome: "shelved", Note: "经核实不属实"}); leadErrKind(err) != errs.Invalid {
			t.Fatalf("bad outcome: %v", err)
		}
		if err := e.M.StepLead(ctx, dis, id, LeadActDispose, LeadStep{Day: "2021-12-20", Outcome: LeadClosed, Note: "经核实不属实，予以了结"}); err != nil {
			t.Fatal(err)
		}
		if err := e.M.StepLead(ctx, dis, id, LeadActDispose, LeadStep{Day: "2021-12-20", Outcome: LeadTalk, Note: "再次处置一次"}); errs.KindOf(err) != errs.Conflict {
			t.Fatalf("second outcome: %v", err)
		}

		// The committee with the zone rule on reads the leads — but not
		// the one about its own person; the rule off again: 403.
		leadSetZoneRule(t, e, "2021-06-01", `{"committee_sees_leads": true}`)
		cl, err := e.M.Leads(ctx, com, LeadFilter{})
		if err != nil || cl.Total != 6 {
			t.Fatalf("committee with the rule: %v %v", err, cl)
		}
		if _, err := e.M.Lead(ctx, com, id); errs.KindOf(err) != errs.NotFound {
			t.Fatalf("committee reads the lead about itself: %v", err)
		}
		if _, err := e.M.Lead(ctx, com, 1); err != nil {
			t.Fatalf("committee with the rule reads lead 1: %v", err)
		}
		if _, err := e.M.Leads(ctx, e.principal(t, "committee_2"), LeadFilter{}); err != nil {
			t.Fatal(err)
		}
		leadSetZoneRule(t, e, "2021-12-01", `{"committee_sees_leads": false}`)
		if _, err := e.M.Leads(ctx, com, LeadFilter{}); errs.KindOf(err) != errs.Forbidden {
			t.Fatalf("committee with the rule off again: %v", err)
		}
	})
}
