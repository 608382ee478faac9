package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"zhongshu/internal/platform/clock"
)

func branchOfUser(t *testing.T, e *env, username string) int64 {
	t.Helper()
	ctx := context.Background()
	var b int64
	if err := e.App.DB.Q(ctx).QueryRowContext(ctx, `SELECT p.branch_id FROM users u JOIN people p ON p.id = u.person_id WHERE u.username = ?`, username).Scan(&b); err != nil {
		t.Fatal(err)
	}
	return b
}

type quizResultsBody struct {
	Own *struct {
		Score int    `json:"score"`
		State string `json:"state"`
	} `json:"own"`
	Zone *struct {
		Participants int `json:"participants"`
	} `json:"zone"`
	Branches []struct {
		BranchID int64 `json:"branch_id"`
	} `json:"branches"`
	Members []struct {
		PersonID int64  `json:"person_id"`
		State    string `json:"state"`
	} `json:"members"`
}

// Results are scoped: the committee sees every branch and, for a chosen
// branch, its members; a member sees their own result and their own
// branch's line — another branch's results answer 404 (403 for a role
// without branch rights), on the page and in the API.
func TestStudyQuizResultsScope(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		mine, other := branchOfUser(t, e, "member"), branchOfUser(t, e, "member_2")
		if mine == other {
			t.Fatal("the demo members share a branch")
		}
		committee, member, member2 := e.as("committee"), e.as("member"), e.as("member_2")
		var list struct {
			Items []struct {
				ID    int64  `json:"id"`
				Month string `json:"month"`
				Phase string `json:"phase"`
			} `json:"items"`
		}
		if st := member.json("GET", "/api/v1/quizzes", "", &list); st != 200 || len(list.Items) != 2 || list.Items[1].Month != "2021-11" || list.Items[1].Phase != "closed" {
			t.Fatalf("quizzes %d %+v", st, list)
		}
		nov := list.Items[1].ID

		var r quizResultsBody
		if st := committee.json("GET", fmt.Sprintf("/api/v1/quizzes/%d/results", nov), "", &r); st != 200 || r.Zone == nil || r.Zone.Participants < 100 || len(r.Branches) < 16 {
			t.Fatalf("committee results %d %+v", st, r.Zone)
		}
		r = quizResultsBody{}
		if st := committee.json("GET", fmt.Sprintf("/api/v1/quizzes/%d/results?branch=%d", nov, other), "", &r); st != 200 || len(r.Members) < 8 {
			t.Fatalf("committee, another branch's members: %d %d", st, len(r.Members))
		}
		r = quizResultsBody{}
		if st := member.json("GET", fmt.Sprintf("/api/v1/quizzes/%d/results", nov), "", &r); st != 200 || r.Own == nil || r.Own.State != "submitted" ||
			r.Zone != nil || r.Members != nil || len(r.Branches) != 1 || r.Branches[0].BranchID != mine {
			t.Fatalf("member results %d %+v", st, r)
		}
		if st, body := member.do("GET", fmt.Sprintf("/api/v1/quizzes/%d/results?branch=%d", nov, other), ""); st != 404 || strings.Contains(body, "members") {
			t.Errorf("member asks for another branch's results: %d %s", st, body)
		}
		if st, _ := member2.do("GET", fmt.Sprintf("/study/quiz/%d/results?branch=%d", nov, mine), ""); st != 404 {
			t.Errorf("member_2 opens another branch's results page: %d", st)
		}
		if st, _ := e.as("village_secretary").do("GET", fmt.Sprintf("/api/v1/quizzes/%d/results?branch=%d", nov, mine), ""); st != 403 {
			t.Errorf("a role without branch rights asks for a branch: %d", st)
		}
		if st, body := member.do("GET", fmt.Sprintf("/study/quiz/%d/results", nov), ""); st != 200 || !strings.Contains(body, "本支部情况") || strings.Contains(body, "支部成员成绩") {
			t.Errorf("member's results page %d", st)
		}
		if st, body := committee.do("GET", fmt.Sprintf("/study/quiz/%d/results?branch=%d", nov, mine), ""); st != 200 || !strings.Contains(body, "支部成员成绩") || !strings.Contains(body, "参与率") {
			t.Errorf("committee's results page %d", st)
		}
		// Every learner's pages render.
		for _, u := range []string{"committee", "dept_staff", "liaison", "village_secretary", "discipline", "member"} {
			c := e.as(u)
			for _, p := range []string{"/study/quiz", fmt.Sprintf("/study/quiz/%d", nov), fmt.Sprintf("/study/quiz/%d/results", nov)} {
				if st, _ := c.do("GET", p, ""); st != 200 {
					t.Errorf("%s GET %s: %d", u, p, st)
				}
			}
		}
	})
}

// A member takes the December quiz through the API (201, then 200 on
// resuming), with full marks and the points; another through the HTML
// forms, whose late answers are refused with a clear message; an editor
// creates, fills and publishes the next month's quiz through the pages.
func TestStudyQuizTaking(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		committee, member, member2 := e.as("committee"), e.as("member"), e.as("member_2")
		var list struct {
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
		}
		member.json("GET", "/api/v1/quizzes", "", &list)
		dec := list.Items[0].ID
		if st, body := member.do("POST", fmt.Sprintf("/api/v1/quizzes/%d/attempts", dec), "{}"); st != 409 || !strings.Contains(body, "2021-12-29") {
			t.Fatalf("start before opening: %d %s", st, body)
		}
		var keys struct {
			Questions []struct {
				ID      int64  `json:"id"`
				Kind    string `json:"kind"`
				Phrase  string `json:"phrase"`
				Correct []int  `json:"correct"`
			} `json:"questions"`
		}
		if st := committee.json("GET", fmt.Sprintf("/api/v1/quizzes/%d/questions", dec), "", &keys); st != 200 || len(keys.Questions) < 4 {
			t.Fatalf("questions %d %+v", st, keys)
		}
		if st, _ := member.do("GET", fmt.Sprintf("/api/v1/quizzes/%d/questions", dec), ""); st != 403 {
			t.Errorf("a member reads the key: %d", st)
		}

		e.Clock.Set(time.Date(2021, 12, 29, 10, 0, 0, 0, clock.Zone))
		committee, member, member2 = e.as("committee"), e.as("member"), e.as("member_2") // sessions do not last nine days
		var view struct {
			Attempt struct {
				RemainingSeconds int `json:"remaining_seconds"`
			} `json:"attempt"`
			Questions []struct {
				ID     int64  `json:"id"`
				Phrase string `json:"phrase"`
			} `json:"questions"`
		}
		if st := member.json("POST", fmt.Sprintf("/api/v1/quizzes/%d/attempts", dec), "{}", &view); st != 201 || view.Attempt.RemainingSeconds != 1200 || len(view.Questions) != len(keys.Questions) {
			t.Fatalf("start %d %+v", st, view)
		}
		for _, q := range view.Questions {
			if q.Phrase != "" {
				t.Fatal("the running paper shows a key")
			}
		}
		e.Clock.Advance(3 * time.Minute)
		if st := member.json("POST", fmt.Sprintf("/api/v1/quizzes/%d/attempts", dec), "{}", &view); st != 200 || view.Attempt.RemainingSeconds != 1020 {
			t.Fatalf("resume %d %+v", st, view.Attempt)
		}
		type answer struct {
			Question int64  `json:"question"`
			Text     string `json:"text,omitempty"`
			Choices  []int  `json:"choices,omitempty"`
		}
		var answers []answer
		for _, q := range keys.Questions {
			if q.Kind == "blank" {
				answers = append(answers, answer{Question: q.ID, Text: " " + q.Phrase + "。"})
			} else {
				answers = append(answers, answer{Question: q.ID, Choices: q.Correct})
			}
		}
		body, _ := json.Marshal(map[string]any{"answers": answers})
		var res struct {
			Score    int  `json:"score"`
			MaxScore int  `json:"max_score"`
			Passed   bool `json:"passed"`
			Points   int  `json:"points"`
		}
		if st := member.json("POST", fmt.Sprintf("/api/v1/quizzes/%d/answers", dec), string(body), &res); st != 200 || res.Score != res.MaxScore || !res.Passed || res.Points != 10 {
			t.Fatalf("answers %d %+v", st, res)
		}
		if st, _ := member.do("POST", fmt.Sprintf("/api/v1/quizzes/%d/answers", dec), string(body)); st != 409 {
			t.Errorf("answers twice: %d", st)
		}

		// member_2 through the forms, without JavaScript.
		if st, _, loc := member2.form(fmt.Sprintf("/study/quiz/%d/start", dec), url.Values{}); st != 303 || loc != fmt.Sprintf("/study/quiz/%d", dec) {
			t.Fatalf("form start %d %s", st, loc)
		}
		e.Clock.Advance(90 * time.Second)
		if st, page := member2.do("GET", fmt.Sprintf("/study/quiz/%d", dec), ""); st != 200 || !strings.Contains(page, "剩余 18 分 30 秒") || !strings.Contains(page, `name="q`) {
			t.Fatalf("quiz page %d", st)
		}
		e.Clock.Advance(19*time.Minute + 5*time.Second) // past the limit and its 30 s grace
		if st, page, _ := member2.form(fmt.Sprintf("/study/quiz/%d/submit", dec), url.Values{fmt.Sprintf("q%d", keys.Questions[0].ID): {"x"}}); st != 409 || !strings.Contains(page, "已超过答题时限") {
			t.Fatalf("late form %d", st)
		}

		// The editor's pages: create the January quiz, add a choice, publish.
		if st, page := committee.do("GET", "/study/quiz/new", ""); st != 200 || !strings.Contains(page, `name="month"`) {
			t.Fatalf("new form %d", st)
		}
		if st, page, _ := committee.form("/study/quiz", url.Values{"month": {"2022-13"}}); st != 422 || !strings.Contains(page, "YYYY-MM") {
			t.Fatalf("bad month %d", st)
		}
		st, _, loc := committee.form("/study/quiz", url.Values{"month": {"2022-01"}, "time_limit_min": {"15"}})
		if st != 303 || !strings.HasSuffix(loc, "/edit?ok=created") {
			t.Fatalf("create %d %s", st, loc)
		}
		edit := strings.TrimSuffix(loc, "?ok=created")
		base := strings.TrimSuffix(edit, "/edit")
		if st, page, _ := committee.form(base+"/questions", url.Values{"kind": {"single"}, "prompt": {"题"}, "opt0": {"甲"}, "correct": {"0"}}); st != 422 || !strings.Contains(page, "选项须为") {
			t.Fatalf("one option %d", st)
		}
		if st, _, loc := committee.form(base+"/questions", url.Values{"kind": {"multiple"}, "prompt": {"哪些？"}, "opt0": {"甲"}, "opt1": {""}, "opt2": {"乙"}, "opt3": {"丙"},
			"correct": {"0", "2"}, "points": {"6"}}); st != 303 {
			t.Fatalf("add %d %s", st, loc)
		}
		if st, page := committee.do("GET", edit, ""); st != 200 || !strings.Contains(page, "哪些？") {
			t.Fatalf("edit page %d", st)
		}
		if st, _, loc := committee.form(base+"/publish", url.Values{}); st != 303 || loc != "/study/quiz?ok=published" {
			t.Fatalf("publish %d %s", st, loc)
		}
		if st, page := member.do("GET", "/study/quiz", ""); st != 200 || !strings.Contains(page, "2022年1月月问答") {
			t.Fatalf("list %d", st)
		}
	})
}
