package app

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// Issue 5 item 5 over HTTP: the demo board (an overdue matter first), the
// public board and screen, the whole life of a matter with its refusals,
// and a secretary reaching into another village (404 by URL and API).
func TestVillageMattersHTTP(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		anon := e.client()
		st, body := anon.do("GET", "/public/villages/1", "")
		if st != 200 || !strings.Contains(body, "村西排水沟清淤") || !strings.Contains(body, "已逾期") || !strings.Contains(body, "村东主街路灯维修") {
			t.Fatalf("public board: %d", st)
		}
		if st, body := anon.do("GET", "/public/villages/1/screen", ""); st != 200 || !strings.Contains(body, "村西排水沟清淤") {
			t.Fatalf("screen: %d", st)
		}

		com, sec, sup := e.as("committee"), e.as("village_secretary"), e.as("village_supervisor")
		var board struct {
			Items []struct {
				ID      int64  `json:"id"`
				Title   string `json:"title"`
				Overdue bool   `json:"overdue"`
				Status  string `json:"status"`
				Events  []any  `json:"events"`
			} `json:"items"`
			Overdue int `json:"overdue"`
		}
		if st := sup.json("GET", "/api/v1/villages/1/matters", "", &board); st != 200 || len(board.Items) != 4 || !board.Items[0].Overdue || board.Overdue != 1 {
			t.Fatalf("board: %d %+v", st, board)
		}
		if st, body := sec.do("GET", "/villages/1/matters", ""); st != 200 || !strings.Contains(body, "badge-red") || !strings.Contains(body, `action="/villages/1/matters"`) {
			t.Fatalf("board page: %d", st)
		}
		if st, body := sup.do("GET", "/villages/1/matters", ""); st != 200 || strings.Contains(body, `action="/villages/1/matters"`) {
			t.Fatalf("supervisor sees the listing form: %d", st)
		}

		// IDOR: 西马庄村's matters (5, 6) are "not found" to 东王村's secretary.
		for _, r := range [][2]string{{"GET", "/api/v1/matters/5"}, {"GET", "/matters/5"}, {"GET", "/api/v1/villages/2/matters"}, {"GET", "/villages/2/matters"}} {
			if st, _ := sec.do(r[0], r[1], ""); st != 404 {
				t.Errorf("%s %s: %d, want 404", r[0], r[1], st)
			}
		}
		if st, _ := sec.do("POST", "/api/v1/matters/5/progress", `{"body":"越权更新进度"}`); st != 404 {
			t.Errorf("IDOR progress: %d", st)
		}
		if st, _ := sec.do("POST", "/api/v1/villages/2/matters", `{"title":"越权挂牌","raised_on":"2021-12-01","solution":"无","responsible_name":"张三","deadline":"2021-12-31"}`); st != 404 {
			t.Errorf("IDOR create: %d", st)
		}

		// A matter whose responsible person is the supervisor.
		var supPerson int64
		if err := e.App.DB.Q(context.Background()).QueryRowContext(context.Background(), `SELECT person_id FROM users WHERE username = 'village_supervisor'`).Scan(&supPerson); err != nil {
			t.Fatal(err)
		}
		var mt struct {
			ID          int64  `json:"id"`
			Status      string `json:"status"`
			Responsible string `json:"responsible"`
			Events      []struct {
				Kind string `json:"kind"`
			} `json:"events"`
		}
		in := fmt.Sprintf(`{"title":"村北道路破损修补","raised_by":"村民代表","raised_on":"2021-12-10","solution":"修补坑槽 30 处","responsible_person_id":%d,"deadline":"2021-12-31"}`, supPerson)
		if st := sec.json("POST", "/api/v1/villages/1/matters", in, &mt); st != 201 || mt.Status != "listed" || mt.Responsible == "" {
			t.Fatalf("create: %d %+v", st, mt)
		}
		if st, body := sec.do("POST", "/api/v1/villages/1/matters", `{"title":"x","raised_on":"2021-12-40","deadline":"2021-12-01"}`); st != 422 || !strings.Contains(body, "raised_on") {
			t.Fatalf("bad input: %d %s", st, body)
		}
		if st, _ := sec.do("POST", fmt.Sprintf("/api/v1/matters/%d/request-close", mt.ID), `{"body":"已办结"}`); st != 409 {
			t.Fatalf("close before progress: %d", st)
		}
		st, _, loc := sec.form(fmt.Sprintf("/matters/%d/progress", mt.ID), url.Values{"day": {"2021-12-15"}, "body": {"已修补 20 处"}})
		if st != 303 || !strings.HasPrefix(loc, fmt.Sprintf("/matters/%d", mt.ID)) {
			t.Fatalf("progress form: %d %s", st, loc)
		}
		if st := sec.json("POST", fmt.Sprintf("/api/v1/matters/%d/request-close", mt.ID), `{"body":"30 处全部修补"}`, &mt); st != 201 || mt.Status != "close_requested" {
			t.Fatalf("request close: %d %+v", st, mt)
		}
		if st, body := sup.do("POST", fmt.Sprintf("/api/v1/matters/%d/verify", mt.ID), `{"passed":true,"evaluation":"satisfied"}`); st != 409 || !strings.Contains(body, "RULES.md 4") {
			t.Fatalf("responsible person verifying: %d %s", st, body)
		}
		if st, _ := sec.do("POST", fmt.Sprintf("/api/v1/matters/%d/verify", mt.ID), `{"passed":true,"evaluation":"satisfied"}`); st != 403 {
			t.Fatalf("secretary verifying: %d", st)
		}
		if st := com.json("POST", fmt.Sprintf("/api/v1/matters/%d/verify", mt.ID), `{"passed":true,"evaluation":"basically","body":"现场查看合格"}`, &mt); st != 201 || mt.Status != "closed" || len(mt.Events) != 4 {
			t.Fatalf("verify: %d %+v", st, mt)
		}
		if st, body := sec.do("GET", fmt.Sprintf("/matters/%d", mt.ID), ""); st != 200 || !strings.Contains(body, "验收通过") || strings.Contains(body, `/progress"`) {
			t.Fatalf("closed matter page: %d", st)
		}
	})
}
