package village

import (
	"testing"

	"zhongshu/internal/platform/errs"
)

// RULES.md 4 (third row): draft → submitted → reviewed → published; a
// published report never changes.
func TestReportNextRULES4(t *testing.T) {
	ok := []struct{ from, act, to string }{
		{ReportDraft, ReportActEdit, ReportDraft},
		{ReportDraft, ReportActSubmit, ReportSubmitted},
		{ReportSubmitted, ReportActReview, ReportReviewed},
		{ReportReviewed, ReportActPublish, ReportPublished},
	}
	for _, c := range ok {
		if got, err := ReportNext(c.from, c.act); err != nil || got != c.to {
			t.Errorf("%s + %s = %q, %v", c.from, c.act, got, err)
		}
	}
	bad := [][2]string{
		{ReportSubmitted, ReportActEdit}, {ReportReviewed, ReportActSubmit}, {ReportDraft, ReportActReview},
		{ReportDraft, ReportActPublish}, {ReportSubmitted, ReportActPublish},
		{ReportPublished, ReportActEdit}, {ReportPublished, ReportActReview}, {ReportPublished, ReportActPublish},
	}
	for _, c := range bad {
		if _, err := ReportNext(c[0], c[1]); errs.KindOf(err) != errs.Conflict {
			t.Errorf("%s + %s: %v, want a conflict", c[0], c[1], err)
		}
	}
}

// A secretary without a submitted report for the year is flagged; a draft
// does not count.
func TestReportComplianceRULES4(t *testing.T) {
	subjects := []TalkSubject{{VillageID: 1, PersonID: 11}, {VillageID: 2, PersonID: 22}, {VillageID: 3, PersonID: 33}, {VillageID: 4, PersonID: 44}}
	reports := []Report{
		{VillageID: 1, PersonID: 11, Year: 2020, Status: ReportPublished},
		{VillageID: 2, PersonID: 22, Year: 2020, Status: ReportDraft},
		{VillageID: 3, PersonID: 33, Year: 2021, Status: ReportSubmitted}, // another year
		{VillageID: 4, PersonID: 44, Year: 2020, Status: ReportSubmitted},
	}
	rows := ReportCompliance(2020, subjects, reports)
	want := []bool{false, true, true, false}
	for i, r := range rows {
		if r.Missing != want[i] {
			t.Errorf("village %d: %+v, want missing=%v", r.VillageID, r, want[i])
		}
	}
}
