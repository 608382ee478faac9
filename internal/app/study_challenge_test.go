package app

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
)

func chQuestionsJSON(n int, answer string) string {
	var qs []string
	for i := 0; i < n; i++ {
		qs = append(qs, fmt.Sprintf(`{"stem":"第%d题：哪一项正确？","options":["甲","乙","丙","丁"],"answer":%q}`, i+1, answer))
	}
	return "[" + strings.Join(qs, ",") + "]"
}

type chDetailJSON struct {
	ID        int64  `json:"id"`
	Status    string `json:"status"`
	Players   int    `json:"players"`
	RoundList []struct {
		ID int64 `json:"id"`
	} `json:"round_list"`
}

type chBoardJSON struct {
	Live      bool `json:"live"`
	Standings []struct {
		Rank     int    `json:"rank"`
		Name     string `json:"name"`
		Correct  int    `json:"correct"`
		Answered int    `json:"answered"`
		TimeMS   int64  `json:"time_ms"`
	} `json:"standings"`
}

// A challenge end to end over HTTP, in the browser's way (forms, no
// JavaScript) and the API's: registration, opening, timed play by the
// server's clock, the live leaderboard for players, results for everyone
// once published — and the demo's 2021-11-25 challenge with its 32 players.
func TestChallengeHTTP(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		com, mem, sec := e.as("committee"), e.as("member"), e.as("village_secretary")

		var list struct {
			Items []struct {
				ID         int64  `json:"id"`
				HeldOn     string `json:"held_on"`
				Status     string `json:"status"`
				Players    int    `json:"players"`
				Questions  int    `json:"questions"`
				Registered bool   `json:"registered"`
			} `json:"items"`
		}
		if st := mem.json("GET", "/api/v1/challenges", "", &list); st != 200 || len(list.Items) != 1 {
			t.Fatalf("demo challenges: %d %+v", st, list)
		}
		if d := list.Items[0]; d.HeldOn != "2021-11-25" || d.Players != 32 || d.Questions != 15 || d.Status != "published" || !d.Registered {
			t.Fatalf("demo challenge %+v", d)
		}
		var fig struct {
			Figures []struct {
				Key   string `json:"key"`
				Value int    `json:"value"`
			} `json:"figures"`
		}
		mem.json("GET", "/api/v1/study/figures?from=2021-01-01&to=2021-12-20", "", &fig)
		found := false
		for _, f := range fig.Figures {
			if f.Key == "challenge_players" {
				found = f.Value == 32
			}
		}
		if !found {
			t.Fatalf("challenge_players is not 32: %+v", fig)
		}
		var demoRes chBoardJSON
		if st := sec.json("GET", fmt.Sprintf("/api/v1/challenges/%d/results", list.Items[0].ID), "", &demoRes); st != 200 || len(demoRes.Standings) != 32 || demoRes.Standings[0].Rank != 1 {
			t.Fatalf("demo results for a non-player: %d", st)
		}
		if st, body := sec.do("GET", fmt.Sprintf("/study/challenges/%d/results", list.Items[0].ID), ""); st != 200 || !strings.Contains(body, demoRes.Standings[0].Name) {
			t.Fatalf("demo results page: %d", st)
		}

		// Bad input names the fields; nothing is created.
		if st, body := com.do("POST", "/api/v1/challenges", `{"title":"x","held_on":"2021-02-30","rounds":[{"time_limit_s":1,"questions":[]}]}`); st != 422 ||
			!strings.Contains(body, `"rounds[0].time_limit_s"`) || !strings.Contains(body, `"held_on"`) || !strings.Contains(body, `"rounds[0].questions"`) {
			t.Fatalf("bad challenge: %d %s", st, body)
		}
		var created struct {
			ID int64 `json:"id"`
		}
		if st := com.json("POST", "/api/v1/challenges", `{"title":"岁末挑战赛","held_on":"2021-12-20","rounds":[{"time_limit_s":30,"questions":`+chQuestionsJSON(3, "B")+`}]}`, &created); st != 201 {
			t.Fatalf("create: %d", st)
		}
		id := created.ID
		if st, _ := mem.do("POST", "/api/v1/challenges", `{"title":"岁末挑战赛","held_on":"2021-12-20"}`); st != 403 {
			t.Fatalf("a member created a challenge: %d", st)
		}
		base := fmt.Sprintf("/study/challenges/%d", id)

		// The editor adds a round by the form; a bad block is named.
		v := url.Values{"time_limit_s": {"20"}, "questions[0].stem": {"第二轮第一题"}, "questions[0].answer": {"A"},
			"questions[2].stem": {"题"}, "questions[2].options[0]": {"甲"}}
		for j, o := range []string{"甲", "乙", "丙", "丁"} {
			v.Set(fmt.Sprintf("questions[0].options[%d]", j), o)
		}
		st, body, _ := com.form(base+"/rounds", v)
		if st != 422 || !strings.Contains(body, "第 3 题题干") || !strings.Contains(body, "第 2 题题干") {
			t.Fatalf("bad round form: %d", st)
		}
		v.Del("questions[2].stem")
		v.Del("questions[2].options[0]")
		if st, _, loc := com.form(base+"/rounds", v); st != 303 || !strings.Contains(loc, base) {
			t.Fatalf("round form: %d %s", st, loc)
		}

		// A member registers by the page, the editor opens by the page.
		if st, _, _ := mem.form(base+"/players", url.Values{"self": {"1"}}); st != 303 {
			t.Fatalf("self registration: %d", st)
		}
		if st, body := mem.do("GET", base, ""); st != 200 || !strings.Contains(body, "已报名") {
			t.Fatalf("detail after registering: %d", st)
		}
		if st, _, _ := com.form(base+"/status", url.Values{"to": {"open"}}); st != 303 {
			t.Fatalf("open: %d", st)
		}
		if st, _, _ := sec.form(base+"/players", url.Values{"self": {"1"}}); st != 409 {
			t.Fatalf("registration after opening: %d", st)
		}

		// Play without JavaScript: start, answer, see how it counted.
		var d chDetailJSON
		com.json("GET", "/api/v1/challenges/"+fmt.Sprint(id), "", &d)
		if d.Status != "open" || len(d.RoundList) != 2 || d.Players != 1 {
			t.Fatalf("opened challenge %+v", d)
		}
		if st, body := mem.do("GET", base+"/play", ""); st != 200 || !strings.Contains(body, "开始第 1 轮") {
			t.Fatalf("play page before starting: %d", st)
		}
		if st, _ := sec.do("GET", base+"/play", ""); st != 403 {
			t.Fatalf("a non-player's play page: %d", st)
		}
		if st, _, loc := mem.form(fmt.Sprintf("/study/challenge-rounds/%d/start", d.RoundList[0].ID), nil); st != 303 || loc != base+"/play" {
			t.Fatalf("start: %d %s", st, loc)
		}
		var play struct {
			Current struct {
				Question struct {
					ID     int64  `json:"id"`
					Stem   string `json:"stem"`
					Answer string `json:"answer"`
				} `json:"question"`
				RemainingS int `json:"remaining_s"`
			} `json:"current"`
		}
		mem.json("GET", "/api/v1/challenges/"+fmt.Sprint(id)+"/play", "", &play)
		if play.Current.Question.ID == 0 || play.Current.Question.Answer != "" || play.Current.RemainingS != 30 {
			t.Fatalf("play: %+v", play)
		}
		if st, body := mem.do("GET", base+"/play", ""); st != 200 || !strings.Contains(body, play.Current.Question.Stem) || !strings.Contains(body, `name="choice"`) {
			t.Fatalf("question page: %d", st)
		}
		e.Clock.Advance(4 * time.Second)
		if st, _, loc := mem.form(base+"/answers", url.Values{"question_id": {fmt.Sprint(play.Current.Question.ID)}, "choice": {"B"}}); st != 303 || !strings.HasSuffix(loc, "r=right") {
			t.Fatalf("answer: %d %s", st, loc)
		}
		if st, body := mem.do("GET", base+"/play?r=right", ""); st != 200 || !strings.Contains(body, "回答正确") || !strings.Contains(body, "第 2 / 3 题") {
			t.Fatalf("after the answer: %d", st)
		}
		if st, _ := mem.do("POST", "/api/v1/challenges/"+fmt.Sprint(id)+"/answers", fmt.Sprintf(`{"question_id":%d,"choice":"C"}`, play.Current.Question.ID)); st != 409 {
			t.Fatalf("an answer changed: %d", st)
		}
		mem.json("GET", "/api/v1/challenges/"+fmt.Sprint(id)+"/play", "", &play)
		e.Clock.Advance(40 * time.Second) // past the 30 s limit
		var late struct {
			Correct bool `json:"correct"`
			InTime  bool `json:"in_time"`
		}
		if st := mem.json("POST", "/api/v1/challenges/"+fmt.Sprint(id)+"/answers", fmt.Sprintf(`{"question_id":%d,"choice":"B"}`, play.Current.Question.ID), &late); st != 201 || late.Correct || late.InTime {
			t.Fatalf("late answer: %d %+v", st, late)
		}

		// The live leaderboard refreshes itself and has a plain reload link.
		st, body = mem.do("GET", base+"/board", "")
		if st != 200 || !strings.Contains(body, `hx-trigger="every 5s"`) || !strings.Contains(body, `href="`+base+`/board"`) {
			t.Fatalf("live board: %d", st)
		}
		if st, _ := sec.do("GET", base+"/board", ""); st != 403 {
			t.Fatalf("a non-player saw the live board: %d", st)
		}
		if st, _ := mem.do("GET", base+"/results", ""); st != 403 {
			t.Fatalf("results before publication: %d", st)
		}
		var b chBoardJSON
		if st := com.json("GET", "/api/v1/challenges/"+fmt.Sprint(id)+"/board", "", &b); st != 200 || !b.Live || len(b.Standings) != 1 || b.Standings[0].Correct != 1 || b.Standings[0].Answered != 2 {
			t.Fatalf("board json: %d %+v", st, b)
		}
		// Round 1 overran (30 s), round 2 never started (20 s).
		if b.Standings[0].TimeMS != 50_000 {
			t.Fatalf("time %d", b.Standings[0].TimeMS)
		}
		if st := com.json("POST", "/api/v1/challenges/"+fmt.Sprint(id)+"/status", `{"to":"published"}`, &d); st != 200 || d.Status != "published" {
			t.Fatalf("publish: %d %+v", st, d)
		}
		if st, body := sec.do("GET", base+"/results", ""); st != 200 || !strings.Contains(body, "石慧琴") {
			t.Fatalf("published results: %d", st)
		}
		if _, body := sec.do("GET", base+"/board", ""); strings.Contains(body, "every 5s") {
			t.Fatal("a published board still polls")
		}
		mem.lang = "en"
		if st, body := mem.do("GET", "/study/challenges", ""); st != 200 || !strings.Contains(body, "Study challenges") || !strings.Contains(body, "Results published") {
			t.Fatalf("English list: %d", st)
		}
	})
}
