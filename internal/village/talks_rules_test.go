package village

import "testing"

// RULES.md 4 (first row): each village secretary at least one talk a
// year; the content relayed to the two committees.
func TestTalkComplianceRULES4(t *testing.T) {
	subjects := []TalkSubject{{VillageID: 1, PersonID: 11, Name: "甲"}, {VillageID: 2, PersonID: 22, Name: "乙"}, {VillageID: 3, PersonID: 33, Name: "丙"}}
	talks := []Talk{
		{VillageID: 1, SubjectID: 11, HeldOn: "2021-01-01", RelayedOn: "2021-01-05"}, // first day of the year counts
		{VillageID: 1, SubjectID: 11, HeldOn: "2021-09-14"},                          // not relayed
		{VillageID: 2, SubjectID: 22, HeldOn: "2020-12-31", RelayedOn: "2021-01-02"}, // last year's does not count
		{VillageID: 2, SubjectID: 99, HeldOn: "2021-05-01", RelayedOn: "2021-05-02"}, // a former secretary does not count
		{VillageID: 3, SubjectID: 33, HeldOn: "2021-12-31", RelayedOn: "2021-12-31"}, // last day counts
	}
	rows := TalkCompliance(2021, subjects, talks)
	if len(rows) != 3 {
		t.Fatalf("rows %d", len(rows))
	}
	if r := rows[0]; r.NoTalk || r.Talks != 2 || r.Unrelayed != 1 || r.LastHeldOn != "2021-09-14" {
		t.Errorf("village 1: %+v", r)
	}
	if r := rows[1]; !r.NoTalk || r.Talks != 0 || r.Unrelayed != 0 {
		t.Errorf("village 2 must be flagged: %+v", r)
	}
	if r := rows[2]; r.NoTalk || r.Talks != 1 || r.Unrelayed != 0 {
		t.Errorf("village 3: %+v", r)
	}
	// Exactly one talk is enough (≥ 1/year).
	if rows := TalkCompliance(2021, subjects[2:], talks); rows[0].NoTalk {
		t.Error("one talk must satisfy ≥ 1 a year")
	}
}
