package app

import (
	"net/url"
	"strings"
	"testing"
)

// Issue 5 items 6–7 over HTTP: the talks' compliance view, a secretary
// reading only their own talks, recording and relaying; warning
// education's flags.
func TestVillageTalksHTTP(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		dis, sec, sec2, dis2 := e.as("discipline"), e.as("village_secretary"), e.as("village_secretary_2"), e.as("discipline_2")
		type row struct {
			Village   string `json:"village"`
			NoTalk    bool   `json:"no_talk"`
			Unrelayed int    `json:"unrelayed"`
		}
		var comp struct {
			Year  int   `json:"year"`
			Items []row `json:"items"`
		}
		if st := dis.json("GET", "/api/v1/talks/compliance", "", &comp); st != 200 || comp.Year != 2021 || len(comp.Items) != 7 {
			t.Fatalf("compliance: %d %+v", st, comp)
		}
		var flagged []string
		unrelayed := 0
		for _, r := range comp.Items {
			if r.NoTalk {
				flagged = append(flagged, r.Village)
			}
			unrelayed += r.Unrelayed
		}
		if strings.Join(flagged, ",") != "北孙村,南李村" || unrelayed != 1 {
			t.Fatalf("flags %v, unrelayed %d", flagged, unrelayed)
		}
		if st, body := dis.do("GET", "/village-talks", ""); st != 200 || !strings.Contains(body, "本年度未谈话") || !strings.Contains(body, `action="/village-talks"`) {
			t.Fatalf("talks page: %d", st)
		}
		// The secretary reads their own talks only; others' are not found.
		var mine struct {
			Items []struct {
				ID      int64  `json:"id"`
				Village string `json:"village"`
			} `json:"items"`
			Compliance []row `json:"compliance"`
		}
		if st := sec.json("GET", "/api/v1/talks", "", &mine); st != 200 || len(mine.Items) != 2 || mine.Items[0].Village != "东王村" || mine.Compliance != nil {
			t.Fatalf("own talks: %d %+v", st, mine)
		}
		for _, p := range []string{"/api/v1/talks/3", "/village-talks/3"} {
			if st, _ := sec.do("GET", p, ""); st != 404 {
				t.Errorf("secretary GET %s: %d, want 404", p, st)
			}
		}
		if st, _ := sec2.do("GET", "/api/v1/talks/1", ""); st != 404 {
			t.Errorf("another secretary's talk: %d", st)
		}
		if st, _ := sec.do("GET", "/api/v1/talks/compliance", ""); st != 403 {
			t.Errorf("secretary compliance: %d", st)
		}
		if st, _ := dis2.do("GET", "/api/v1/talks/1", ""); st != 404 {
			t.Errorf("discipline_2 outside its villages: %d", st)
		}
		// Recording a talk for 北孙村 clears its flag; bad dates are refused.
		if st, body := dis.do("POST", "/api/v1/talks", `{"village_id":6,"talker_name":"卢博辉","held_on":"2021-12-21","summary":"提醒"}`); st != 422 || !strings.Contains(body, "held_on") {
			t.Fatalf("future talk: %d %s", st, body)
		}
		if st, _ := dis2.do("POST", "/api/v1/talks", `{"village_id":6,"talker_name":"卢博辉","held_on":"2021-12-20","summary":"提醒落实“四议两公开”。"}`); st != 201 {
			t.Fatalf("create: %d", st)
		}
		dis.json("GET", "/api/v1/talks/compliance", "", &comp)
		n := 0
		for _, r := range comp.Items {
			if r.NoTalk {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("flags after the talk: %d", n)
		}
		// Relay 小赵庄村's talk (4) by form.
		if st, _, loc := dis.form("/village-talks/4/relay", url.Values{"relayed_on": {"2021-05-25"}}); st != 303 || !strings.HasPrefix(loc, "/village-talks/4") {
			t.Fatalf("relay: %d %s", st, loc)
		}
		if st, _ := dis.do("POST", "/api/v1/talks/4/relay", `{"relayed_on":"2021-05-26"}`); st != 409 {
			t.Fatalf("second relay: %d", st)
		}
	})
}

func TestVillageWarningHTTP(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		dis, sec := e.as("discipline"), e.as("village_secretary")
		var w struct {
			Meetings  []any `json:"meetings"`
			Trainings []any `json:"trainings"`
			Flags     struct {
				NoMeeting     bool `json:"no_meeting"`
				WithoutLesson []struct {
					Title string `json:"title"`
				} `json:"trainings_without_lesson"`
			} `json:"flags"`
		}
		if st := sec.json("GET", "/api/v1/warning", "", &w); st != 200 || len(w.Meetings) != 2 || len(w.Trainings) != 3 || w.Flags.NoMeeting || len(w.Flags.WithoutLesson) != 1 {
			t.Fatalf("2021: %d %+v", st, w)
		}
		if st := sec.json("GET", "/api/v1/warning?year=2020", "", &w); st != 200 || !w.Flags.NoMeeting {
			t.Fatalf("2020: %d %+v", st, w.Flags)
		}
		if st, _ := sec.do("GET", "/api/v1/warning?year=abc", ""); st != 422 {
			t.Fatalf("bad year: %d", st)
		}
		if st, body := sec.do("GET", "/village-warning", ""); st != 200 || !strings.Contains(body, "乡村振兴产业发展专题培训班") || !strings.Contains(body, "未安排警示教育课") || strings.Contains(body, `action="/village-warning/meetings"`) {
			t.Fatalf("page: %d", st)
		}
		if st, _ := sec.do("POST", "/api/v1/warning/trainings", `{"held_on":"2021-12-01","title":"培训"}`); st != 403 {
			t.Fatalf("secretary recording: %d", st)
		}
		if st, body := dis.do("POST", "/api/v1/warning/meetings", `{"held_on":"2021-12-01","title":"警示教育大会","expected":20,"present":21}`); st != 422 || !strings.Contains(body, "21") {
			t.Fatalf("present above expected: %d %s", st, body)
		}
		st, _, loc := dis.form("/village-warning/meetings", url.Values{"held_on": {"2021-12-10"}, "title": {"年终警示教育会"}, "expected": {"12"}, "present": {"12"}, "village_ids": {"1", "2"}})
		if st != 303 || !strings.HasPrefix(loc, "/village-warning?year=2021") {
			t.Fatalf("meeting form: %d %s", st, loc)
		}
		if st, _ := dis.do("POST", "/api/v1/warning/trainings", `{"held_on":"2021-12-15","title":"年终业务培训","has_warning_lesson":true,"lesson_title":"以案说纪"}`); st != 201 {
			t.Fatalf("training: %d", st)
		}
		if sec.json("GET", "/api/v1/warning", "", &w); len(w.Meetings) != 3 || len(w.Trainings) != 4 || len(w.Flags.WithoutLesson) != 1 {
			t.Fatalf("after: %+v", w)
		}
	})
}
