package village

import (
	"testing"

	"zhongshu/internal/directory"
)

// RULES.md 4 (second row): a warning-education meeting at least once a
// year; a warning-education lesson in every training.
func TestWarningFlagsRULES4(t *testing.T) {
	vs := []directory.Village{{ID: 1, Name: "东王村"}, {ID: 2, Name: "西马庄村"}, {ID: 3, Name: "小赵庄村"}}
	zone := WarningMeeting{HeldOn: "2021-04-16"}
	part := WarningMeeting{HeldOn: "2021-10-22", VillageIDs: []int64{2, 3}}
	old := WarningMeeting{HeldOn: "2020-12-31"}
	tr := []WarningTraining{{ID: 1, HeldOn: "2021-03-25", HasLesson: true}, {ID: 2, HeldOn: "2021-11-18"}, {ID: 3, HeldOn: "2020-11-18"}}

	f := WarningFlags(2021, vs, []WarningMeeting{zone, part, old}, tr)
	if f.NoMeeting || f.Meetings != 2 || len(f.UncoveredVillages) != 0 {
		t.Errorf("zone meeting covers all: %+v", f)
	}
	if len(f.WithoutLesson) != 1 || f.WithoutLesson[0].ID != 2 {
		t.Errorf("training without the lesson: %+v", f.WithoutLesson)
	}
	f = WarningFlags(2021, vs, []WarningMeeting{part, old}, nil)
	if f.NoMeeting || len(f.UncoveredVillages) != 1 || f.UncoveredVillages[0] != "东王村" {
		t.Errorf("partial meeting: %+v", f)
	}
	f = WarningFlags(2021, vs, []WarningMeeting{old}, nil)
	if !f.NoMeeting || f.Meetings != 0 || len(f.UncoveredVillages) != 3 {
		t.Errorf("no meeting in 2021 must be flagged: %+v", f)
	}
	// Exactly one meeting is enough.
	if f := WarningFlags(2021, vs, []WarningMeeting{zone}, nil); f.NoMeeting || f.Meetings != 1 {
		t.Errorf("one meeting: %+v", f)
	}
}
