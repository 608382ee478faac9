package village

import (
	"testing"

	"zhongshu/internal/platform/errs"
)

// Issue 5 item 9 on both stores: draft → submitted → reviewed → published,
// who may do each, the published report's immutability (in the database
// too) and the portal's view.
func TestReportsStore(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := t.Context()
		sec, sec2, com := e.principal(t, "village_secretary"), e.principal(t, "village_secretary_2"), e.principal(t, "committee")
		v1, v2 := secVillage(t, sec), secVillage(t, sec2)
		if _, err := e.M.CreateReport(ctx, sec, v2, ReportInput{Year: 2021}); svKind(err) != errs.NotFound {
			t.Fatalf("report in another village: %v", err)
		}
		if _, err := e.M.CreateReport(ctx, com, v1, ReportInput{Year: 2021}); svKind(err) != errs.Forbidden {
			t.Fatalf("committee writing a secretary's report: %v", err)
		}
		if _, err := e.M.CreateReport(ctx, sec, v1, ReportInput{Year: 2022}); svKind(err) != errs.Invalid {
			t.Fatalf("a future year: %v", err)
		}
		id, err := e.M.CreateReport(ctx, sec, v1, ReportInput{Year: 2021, DutyText: "草稿"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.M.CreateReport(ctx, sec, v1, ReportInput{Year: 2021}); svKind(err) != errs.Conflict {
			t.Fatalf("second report for a year: %v", err)
		}
		if err := e.M.ReportAct(ctx, sec, id, ReportActSubmit, ReportInput{}, ReportReview{}); svKind(err) != errs.Invalid {
			t.Fatalf("submitting a short draft: %v", err)
		}
		text := ReportInput{DutyText: "全年严格落实“四议两公开”制度，推进人居环境整治，集体经济收入稳步增长。", IntegrityText: "严守廉洁自律规定，不插手工程项目，主动接受村务监督委员会监督。"}
		if err := e.M.ReportAct(ctx, sec2, id, ReportActEdit, text, ReportReview{}); svKind(err) != errs.NotFound {
			t.Fatalf("another secretary editing: %v", err)
		}
		if err := e.M.ReportAct(ctx, sec, id, ReportActEdit, text, ReportReview{}); err != nil {
			t.Fatal(err)
		}
		if err := e.M.ReportAct(ctx, com, id, ReportActReview, ReportInput{}, ReportReview{Comments: "同意"}); svKind(err) != errs.Conflict {
			t.Fatalf("reviewing a draft: %v", err)
		}
		if err := e.M.ReportAct(ctx, sec, id, ReportActSubmit, ReportInput{}, ReportReview{}); err != nil {
			t.Fatal(err)
		}
		if err := e.M.ReportAct(ctx, sec, id, ReportActEdit, text, ReportReview{}); svKind(err) != errs.Conflict {
			t.Fatalf("editing a submitted report: %v", err)
		}
		if err := e.M.ReportAct(ctx, sec, id, ReportActReview, ReportInput{}, ReportReview{Comments: "自己审阅"}); svKind(err) != errs.Forbidden {
			t.Fatalf("secretary reviewing: %v", err)
		}
		if err := e.M.ReportAct(ctx, com, id, ReportActPublish, ReportInput{}, ReportReview{}); svKind(err) != errs.Conflict {
			t.Fatalf("publishing before review: %v", err)
		}
		if err := e.M.ReportAct(ctx, com, id, ReportActReview, ReportInput{}, ReportReview{Comments: "同意公示", Rating: "excellent"}); svKind(err) != errs.Invalid {
			t.Fatalf("unknown rating: %v", err)
		}
		if err := e.M.ReportAct(ctx, com, id, ReportActReview, ReportInput{}, ReportReview{Comments: "同意公示", Rating: "good"}); err != nil {
			t.Fatal(err)
		}
		if pub, _ := e.M.PublishedReports(ctx, v1); len(pub) != 0 {
			t.Fatal("a reviewed report is not yet public")
		}
		if err := e.M.ReportAct(ctx, com, id, ReportActPublish, ReportInput{}, ReportReview{}); err != nil {
			t.Fatal(err)
		}
		if err := e.M.ReportAct(ctx, com, id, ReportActReview, ReportInput{}, ReportReview{Comments: "改"}); svKind(err) != errs.Conflict {
			t.Fatalf("changing a published report: %v", err)
		}
		if _, err := e.DB.Q(ctx).ExecContext(ctx, `UPDATE reports SET duty_text = 'x' WHERE id = ?`, id); err == nil {
			t.Fatal("the database let a published report change")
		}
		pub, err := e.M.PublishedReports(ctx, v1)
		if err != nil || len(pub) != 1 || pub[0].DutyText != text.DutyText || pub[0].ReviewComments != "" || pub[0].Rating != "" {
			t.Fatalf("portal: %+v %v", pub, err)
		}
		slides, err := reportsSlides(e.M, ctx, v1)
		if err != nil || len(slides) != 1 || slides[0].Kind != "report" || len(slides[0].Lines) != 2 {
			t.Fatalf("screen: %+v %v", slides, err)
		}
		rows, err := e.M.ReportsCompliance(ctx, com, 2021)
		if err != nil || len(rows) != 7 {
			t.Fatal(err)
		}
		for _, r := range rows {
			if (r.VillageID == v1) == r.Missing {
				t.Fatalf("compliance %+v", r)
			}
		}
	})
}
