package app

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

type demandJSON struct {
	ID        int64  `json:"id"`
	State     string `json:"state"`
	Category  string `json:"category"`
	Source    string `json:"source"`
	LeadID    int64  `json:"department_id"`
	Rating    string `json:"rating"`
	Overdue   bool   `json:"overdue"`
	Deadlines map[string]struct {
		Due     string `json:"due"`
		MetOn   string `json:"met_on"`
		Overdue bool   `json:"overdue"`
	} `json:"deadlines"`
	History []struct {
		Transition string `json:"transition"`
		From       string `json:"from"`
		To         string `json:"to"`
		Actor      string `json:"actor"`
		Reason     string `json:"reason"`
		Day        string `json:"day"`
	} `json:"history"`
	Allowed []string `json:"allowed_transitions"`
}

// Issue 6 item 1 over the fixed handles: a demand pushed through every
// legal transition and refused every illegal one, by each role — 403 for
// a role that may never, 404 out of scope, 409 from the wrong state, 422
// for bad input (problem+json) — with nothing changed by a refusal and
// every accepted step in the history.
func TestExpressDemandsHTTP(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		com, dept, lia, ent := e.as("committee"), e.as("dept_staff"), e.as("liaison"), e.as("enterprise")
		dept2, lia2, ent2, mem := e.as("dept_staff_2"), e.as("liaison_2"), e.as("enterprise_2"), e.as("member")
		var entID, depID, dep2ID, ent2ID int64
		q := `SELECT r.scope_id FROM user_roles r JOIN users u ON u.id = r.user_id WHERE u.username = ?`
		db := e.App.DB.Q(t.Context())
		for _, x := range []struct {
			u  string
			id *int64
		}{{"enterprise", &entID}, {"dept_staff", &depID}, {"dept_staff_2", &dep2ID}, {"enterprise_2", &ent2ID}} {
			if err := db.QueryRowContext(t.Context(), q, x.u).Scan(x.id); err != nil {
				t.Fatal(err)
			}
		}

		// Raising: 201 for the contact; 422 bad category; 403 for a department; 404 out of scope.
		raise := fmt.Sprintf(`{"enterprise_id":%d,"category":"production","description":"新上生产线需要办理排污许可变更"}`, entID)
		if st, b := ent.do("POST", "/api/v1/demands", fmt.Sprintf(`{"enterprise_id":%d,"category":"money","description":"x"}`, entID)); st != 422 || !strings.Contains(b, "category") {
			t.Fatalf("bad category: %d %s", st, b)
		}
		if st, _ := dept.do("POST", "/api/v1/demands", raise); st != 403 {
			t.Fatalf("dept_staff raised: %d", st)
		}
		if st, _ := lia2.do("POST", "/api/v1/demands", raise); st != 404 {
			t.Fatalf("unassigned liaison raised: %d", st)
		}
		if st, _ := ent2.do("POST", "/api/v1/demands", raise); st != 404 {
			t.Fatalf("another contact raised: %d", st)
		}
		var d demandJSON
		if st := ent.json("POST", "/api/v1/demands", raise, &d); st != 201 || d.State != "new" || d.Deadlines["route_by"].Due != "2021-12-21" {
			t.Fatalf("raise: %d %+v", st, d)
		}
		id := d.ID
		path := fmt.Sprintf("/api/v1/demands/%d", id)
		tr := path + "/transitions"

		// Who sees it.
		for _, c := range []*client{com, lia, ent} {
			if st := c.json("GET", path, "", &d); st != 200 {
				t.Fatalf("reader: %d", st)
			}
		}
		for _, c := range []*client{dept, dept2, lia2, ent2} {
			if st, _ := c.do("GET", path, ""); st != 404 {
				t.Fatalf("out of scope read: %d", st)
			}
		}
		if st, _ := mem.do("GET", path, ""); st != 403 {
			t.Fatalf("member read: %d", st)
		}

		histLen := func() int {
			var x demandJSON
			com.json("GET", path, "", &x)
			return len(x.History)
		}
		refuse := func(c *client, body string, want int) {
			t.Helper()
			before := histLen()
			st, b := c.do("POST", tr, body)
			if st != want {
				t.Fatalf("%s: %d, want %d (%s)", body, st, want, b)
			}
			if !strings.Contains(b, `"status":`) {
				t.Fatalf("%s: not a problem: %s", body, b)
			}
			if histLen() != before {
				t.Fatalf("%s: a refused transition changed the history", body)
			}
		}
		accept := func(c *client, body, state string) demandJSON {
			t.Helper()
			var x demandJSON
			if st := c.json("POST", tr, body, &x); st != 200 || x.State != state {
				t.Fatalf("%s: %d %+v", body, st, x)
			}
			return x
		}
		routed := fmt.Sprintf(`{"to":"routed","department_id":%d,"helpers":[%d],"reason":"请经发局牵头，社发局协办"}`, depID, dep2ID)
		refuse(ent, routed, 403)
		refuse(lia, routed, 403)
		refuse(com, `{"to":"accepted"}`, 403)
		refuse(com, `{"to":"routed"}`, 422)
		refuse(com, `{"to":"teleported"}`, 422)
		refuse(com, fmt.Sprintf(`{"to":"routed","department_id":%d,"helpers":[%d]}`, depID, depID), 422)
		refuse(com, `{"to":"resolved","reason":"直接办结"}`, 403)
		refuse(ent, `{"to":"rated","rating":"satisfied"}`, 409)
		d = accept(com, routed, "routed")
		if d.Deadlines["respond_by"].Due != "2021-12-22" || d.Deadlines["resolve_by"].Due != "2021-12-27" || d.LeadID != depID {
			t.Fatalf("routed deadlines: %+v", d.Deadlines)
		}
		refuse(com, routed, 409)
		refuse(dept2, `{"to":"accepted"}`, 403) // the helper sees it, may not sign
		if st, _ := lia2.do("POST", tr, `{"to":"accepted"}`); st != 404 {
			t.Fatalf("out-of-scope transition: %d", st)
		}
		refuse(dept, `{"to":"in_progress"}`, 409)
		refuse(dept, `{"to":"returned"}`, 422)
		refuse(dept, `{"to":"accepted","rating":"satisfied"}`, 422)
		d = accept(dept, `{"to":"accepted"}`, "accepted")
		if d.Deadlines["respond_by"].MetOn != "2021-12-20" {
			t.Fatalf("responded: %+v", d.Deadlines)
		}
		refuse(com, `{"to":"extended","reason":"需要延期"}`, 409) // not complex
		refuse(dept, `{"to":"accepted"}`, 409)
		accept(dept, `{"to":"in_progress"}`, "in_progress")
		refuse(dept, `{"to":"returned","reason":"办理中不能退回"}`, 409)
		refuse(dept, `{"to":"resolved","reason":"`+strings.Repeat("长", 2001)+`"}`, 422)
		accept(dept, `{"to":"resolved","reason":"已协调生态环境部门完成许可变更"}`, "resolved")
		refuse(lia, `{"to":"rated","rating":"satisfied"}`, 403)
		refuse(com, `{"to":"rated","rating":"satisfied"}`, 403)
		refuse(ent, `{"to":"rated","rating":"excellent"}`, 422)
		refuse(ent, `{"to":"reopened","reason":"再办"}`, 409)
		d = accept(ent, `{"to":"rated","rating":"不满意","reason":"许可证仍未下发"}`, "rated")
		refuse(dept, `{"to":"reopened","reason":"部门不能重办"}`, 403)
		accept(ent, `{"to":"reopened","reason":"许可证仍未下发，申请重办"}`, "in_progress")
		accept(dept, `{"to":"resolved","reason":"许可证已下发"}`, "resolved")
		d = accept(ent, `{"to":"rated","rating":"basically"}`, "rated")
		refuse(ent, `{"to":"reopened","reason":"再次重办"}`, 409)
		if st := com.json("GET", path, "", &d); st != 200 || len(d.History) != 9 || d.Rating != "basically" {
			t.Fatalf("final: %d %+v", st, d)
		}
		want := []string{"raised", "routed", "accepted", "in_progress", "resolved", "rated", "reopened", "resolved", "rated"}
		for i, h := range d.History {
			if h.Transition != want[i] || h.Actor == "" || h.Day == "" {
				t.Fatalf("history %d: %+v", i, h)
			}
		}
		if d.History[1].Reason != "请经发局牵头，社发局协办" || d.History[1].From != "new" || d.History[1].To != "routed" {
			t.Fatalf("routing history: %+v", d.History[1])
		}

		// The department staff and the office are told in-app.
		var inbox struct {
			Items []struct {
				Title string `json:"title"`
			} `json:"items"`
		}
		if st := dept.json("GET", "/api/v1/notifications", "", &inbox); st != 200 || len(inbox.Items) == 0 {
			t.Fatalf("dept inbox: %d %+v", st, inbox)
		}

		// Pages, at phone size too: list, detail with the forms the caller may use.
		if st, b := ent.do("GET", "/express/demands", ""); st != 200 || !strings.Contains(b, "新上生产线需要办理排污许可变更") {
			t.Fatalf("list page: %d", st)
		}
		if st, b := com.do("GET", fmt.Sprintf("/express/demands/%d", id), ""); st != 200 || !strings.Contains(b, "2021-12-27") || !strings.Contains(b, "办理记录") {
			t.Fatalf("detail page: %d", st)
		}
	})
}

// The same journey without JavaScript: HTML forms, redirects, flash.
func TestExpressDemandsForms(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		com, dept, ent := e.as("committee"), e.as("dept_staff"), e.as("enterprise")
		var entID, depID int64
		db := e.App.DB.Q(t.Context())
		_ = db.QueryRowContext(t.Context(), `SELECT r.scope_id FROM user_roles r JOIN users u ON u.id = r.user_id WHERE u.username = 'enterprise'`).Scan(&entID)
		_ = db.QueryRowContext(t.Context(), `SELECT r.scope_id FROM user_roles r JOIN users u ON u.id = r.user_id WHERE u.username = 'dept_staff'`).Scan(&depID)
		st, _, loc := ent.form("/express/demands", url.Values{"enterprise_id": {fmt.Sprint(entID)}, "category": {"policy"}, "description": {"咨询2022年企业研发投入后补助政策"}})
		if st != 303 || !strings.HasPrefix(loc, "/express/demands/") {
			t.Fatalf("raise form: %d %s", st, loc)
		}
		page := strings.TrimSuffix(loc, "?ok=saved")
		if st, b := com.do("GET", page, ""); st != 200 || !strings.Contains(b, `value="routed"`) {
			t.Fatalf("office sees no routing form: %d", st)
		}
		if st, _, _ := com.form(page+"/transitions", url.Values{"to": {"routed"}, "department_id": {fmt.Sprint(depID)}, "complex": {"1"}}); st != 303 {
			t.Fatalf("route form: %d", st)
		}
		if st, b := dept.do("GET", page, ""); st != 200 || !strings.Contains(b, `value="accepted"`) || !strings.Contains(b, "复杂诉求") {
			t.Fatalf("department sees no sign form: %d", st)
		}
		if st, _, loc := dept.form(page+"/transitions", url.Values{"to": {"returned"}, "reason": {"应由税务局办理"}}); st != 303 || loc != "/express/demands?ok=saved" {
			t.Fatalf("return form: %d %s", st, loc)
		}
		if st, _ := dept.do("GET", page, ""); st != 404 {
			t.Fatalf("returned demand still visible to the department: %d", st)
		}
		if st, b := com.do("GET", "/express/demands/settings", ""); st != 200 || !strings.Contains(b, "2021-10-07") {
			t.Fatalf("settings page: %d", st)
		}
		if st, _, _ := com.form("/express/demands/settings/deadlines", url.Values{"category": {"policy"}, "route_days": {"1"}, "respond_days": {"2"}, "resolve_days": {"3"}, "complex_days": {"10"}, "extended_days": {"25"}}); st != 303 {
			t.Fatalf("deadline form: %d", st)
		}
		var rules struct {
			Items []struct {
				Category    string `json:"category"`
				ResolveDays int    `json:"resolve_days"`
			} `json:"items"`
		}
		if st := ent.json("GET", "/api/v1/demand-deadlines", "", &rules); st != 200 || len(rules.Items) != 6 || rules.Items[4].Category != "policy" || rules.Items[4].ResolveDays != 3 {
			t.Fatalf("deadline table: %d %+v", st, rules)
		}
		if st, _ := com.do("PUT", "/api/v1/demand-deadlines/policy", `{"route_days":1,"respond_days":2,"resolve_days":12,"complex_days":10,"extended_days":25}`); st != 422 {
			t.Fatalf("complex shorter than general: %d", st)
		}
		if st, _ := com.do("PUT", "/api/v1/work-calendar", `{"day":"2022-12-31","kind":"holiday","name":"元旦"}`); st != 200 {
			t.Fatalf("calendar: %d", st)
		}
		if st, _ := dept.do("PUT", "/api/v1/work-calendar", `{"day":"2022-12-31","kind":"holiday","name":"元旦"}`); st != 403 {
			t.Fatalf("department changed the calendar: %d", st)
		}
		// The desk counts within the caller's scope.
		var desk struct {
			Tiles []struct {
				Key   string `json:"key"`
				Value string `json:"value"`
			} `json:"tiles"`
		}
		if st := ent.json("GET", "/api/v1/express", "", &desk); st != 200 {
			t.Fatalf("desk: %d", st)
		}
		found := false
		for _, x := range desk.Tiles {
			found = found || x.Key == "demands.tile_open"
		}
		if !found {
			t.Fatalf("no demand tile: %+v", desk)
		}
	})
}

// Attachments given with a demand: checked by the upload rules, shown on
// the demand, downloadable by whoever sees it (others: 404).
func TestExpressDemandFiles(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ent, lia, lia2 := e.as("enterprise"), e.as("liaison"), e.as("liaison_2")
		var entID int64
		_ = e.App.DB.Q(t.Context()).QueryRowContext(t.Context(), `SELECT r.scope_id FROM user_roles r JOIN users u ON u.id = r.user_id WHERE u.username = 'enterprise'`).Scan(&entID)
		post := func(name string, data []byte) (int, string) {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			_ = mw.WriteField("enterprise_id", fmt.Sprint(entID))
			_ = mw.WriteField("category", "production")
			_ = mw.WriteField("description", "厂区排水管网改造需要协调施工许可")
			fw, _ := mw.CreateFormFile("files", name)
			_, _ = fw.Write(data)
			mw.Close()
			req, _ := http.NewRequest("POST", e.Srv.URL+"/express/demands", &buf)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			req.Header.Set("Accept", "text/html")
			resp, err := ent.http.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, resp.Header.Get("Location") + string(b)
		}
		png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 64)...)
		if st, _ := post("site.html", []byte("<script>alert(1)</script>")); st != 422 {
			t.Fatalf("html upload: %d", st)
		}
		st, loc := post("现场照片.png", png)
		if st != 303 {
			t.Fatalf("upload: %d %s", st, loc)
		}
		page := strings.SplitN(loc, "?", 2)[0]
		var d struct {
			Files []struct {
				ID   int64  `json:"id"`
				Name string `json:"name"`
			} `json:"files"`
		}
		if st := lia.json("GET", "/api/v1"+strings.TrimPrefix(page, "/express"), "", &d); st != 200 || len(d.Files) != 1 || d.Files[0].Name != "现场照片.png" {
			t.Fatalf("files: %d %+v", st, d)
		}
		file := fmt.Sprintf("/express/demand-files/%d", d.Files[0].ID)
		if st, b := lia.do("GET", file, ""); st != 200 || !strings.HasPrefix(b, "\x89PNG") {
			t.Fatalf("download: %d", st)
		}
		if st, _ := lia2.do("GET", file, ""); st != 404 {
			t.Fatalf("out-of-scope download: %d", st)
		}
	})
}
