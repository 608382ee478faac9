package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"zhongshu/internal/demo"
	"zhongshu/internal/directory"
	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
)

var allRoles = []string{"sysadmin", "secadmin", "auditor", "committee", "dept_staff", "liaison", "enterprise", "village_secretary", "village_supervisor", "discipline", "member"}

// Every demo role signs in with the fixed handle and sees its home page.
func TestLoginEveryRole(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		for _, u := range allRoles {
			c := e.as(u)
			var me struct {
				Username string   `json:"username"`
				Roles    []string `json:"roles"`
			}
			if st := c.json("GET", "/api/v1/me", "", &me); st != 200 || me.Username != u || len(me.Roles) == 0 || me.Roles[0] != u {
				t.Errorf("%s: /me %d %+v", u, st, me)
			}
			if st, body := c.do("GET", "/", ""); st != 200 || !strings.Contains(body, "中枢") {
				t.Errorf("%s: home %d", u, st)
			}
		}
		c := e.client()
		if st, _ := c.do("POST", "/api/v1/login", `{"username":"committee","password":"nope"}`); st != 401 {
			t.Errorf("bad password: %d", st)
		}
		if st, _ := c.do("GET", "/api/v1/me", ""); st != 401 {
			t.Errorf("anonymous /me: %d", st)
		}
		if st, _ := c.do("GET", "/people", ""); st != 303 {
			t.Errorf("anonymous page should redirect to sign-in: %d", st)
		}
	})
}

// A lock answers 423 on the fixed login handle.
func TestLoginLockout423(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		c := e.client()
		codes := []int{}
		for i := 0; i < 6; i++ {
			st, _ := c.do("POST", "/api/v1/login", `{"username":"member","password":"wrong"}`)
			codes = append(codes, st)
		}
		if codes[0] != 401 || codes[5] != 423 {
			t.Fatalf("codes %v", codes)
		}
		if st, _ := c.do("POST", "/api/v1/login", `{"username":"member","password":"`+demo.Password+`"}`); st != 423 {
			t.Fatalf("right password while locked: %d", st)
		}
	})
}

// 三员分立: sysadmin reads no business data and no audit log; auditor reads
// only the audit log.
func TestSeparationOfDuties(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		sys, aud, com := e.as("sysadmin"), e.as("auditor"), e.as("committee")
		for _, p := range []string{"/api/v1/people", "/api/v1/enterprises", "/api/v1/audit"} {
			if st, _ := sys.do("GET", p, ""); st != 403 {
				t.Errorf("sysadmin GET %s = %d, want 403", p, st)
			}
		}
		if st, _ := aud.do("GET", "/api/v1/audit", ""); st != 200 {
			t.Errorf("auditor audit: %d", st)
		}
		for _, p := range []string{"/api/v1/people", "/api/v1/enterprises", "/api/v1/users"} {
			if st, _ := aud.do("GET", p, ""); st != 403 {
				t.Errorf("auditor GET %s = %d, want 403", p, st)
			}
		}
		if st, _ := com.do("GET", "/api/v1/audit", ""); st != 403 {
			t.Errorf("committee audit: %d", st)
		}
		if st, _ := sys.do("GET", "/api/v1/users", ""); st != 200 {
			t.Errorf("sysadmin users: %d", st)
		}
	})
}

func countPeople(t *testing.T, e *env) int {
	var n int
	if err := e.App.DB.Q(context.Background()).QueryRowContext(context.Background(), "SELECT COUNT(*) FROM people").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Invalid identifiers are refused with a clear message and nothing is stored.
func TestInvalidIdentifiersRefused(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		c := e.as("committee")
		before := countPeople(t, e)
		for _, body := range []string{
			`{"name":"测试","id_number":"110101200001010003","mobile":"13800138000"}`, // wrong check digit
			`{"name":"测试","id_number":"110101200102290004","mobile":"13800138000"}`, // 2001-02-29
			`{"name":"测试","id_number":"110101200001010002","mobile":"12345678901"}`, // bad mobile
			`{"name":"","id_number":"110101200001010002","mobile":"13800138000"}`,
		} {
			st, b := c.do("POST", "/api/v1/people", body)
			if st != 422 || !strings.Contains(b, `"errors"`) {
				t.Errorf("%s: %d %s", body, st, b)
			}
		}
		st, b := c.do("POST", "/api/v1/people", `{"name":"测试","id_number":"110101200001010003","mobile":"13800138000"}`)
		var p struct {
			Detail string `json:"detail"`
			Errors []struct{ Field string }
		}
		_ = json.Unmarshal([]byte(b), &p)
		if st != 422 || !strings.Contains(p.Detail, "身份证号") || p.Errors[0].Field != "id_number" {
			t.Errorf("message not clear: %s", b)
		}
		c.lang = "en"
		_, b = c.do("POST", "/api/v1/people", `{"name":"x","id_number":"110101200001010003","mobile":"13800138000"}`)
		if !strings.Contains(strings.ToLower(b), "check") {
			t.Errorf("English message missing: %s", b)
		}
		if after := countPeople(t, e); after != before {
			t.Fatalf("people %d → %d after refused requests", before, after)
		}
		for _, body := range []string{
			`{"name":"测试企业","credit_code":"91350100M000100Y4Z"}`,
			`{"name":"测试企业","credit_code":"91350100M000100Y4"}`,
			`{"name":"测试企业","credit_code":"9135010OM000100Y43"}`,
		} {
			if st, b := c.do("POST", "/api/v1/enterprises", body); st != 422 || !strings.Contains(b, "credit_code") {
				t.Errorf("%s: %d %s", body, st, b)
			}
		}
		var ent directory.Enterprise
		if st := c.json("POST", "/api/v1/enterprises", `{"name":"福建测试有限公司","credit_code":"91350100M000100Y43","above_scale":true}`, &ent); st != 201 || ent.ID == 0 {
			t.Fatalf("valid enterprise: %d", st)
		}
		var per directory.Person
		if st := c.json("POST", "/api/v1/people", `{"name":"测试","id_number":"110101200001010002","mobile":"+86 138-0013-8000"}`, &per); st != 201 {
			t.Fatalf("valid person: %d", st)
		}
		if per.IDNumber != "110101********0002" || per.Mobile != "138****8000" || !per.Masked {
			t.Fatalf("not masked: %+v", per)
		}
		if st, _ := c.do("POST", "/api/v1/people", `{"name":"重复","id_number":"110101200001010002","mobile":"13800138001"}`); st != 409 {
			t.Fatalf("duplicate ID number: %d", st)
		}
	})
}

func xlsxFile(t *testing.T, rows [][]any) []byte {
	f := excelize.NewFile()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func upload(t *testing.T, c *client, path string, file []byte) (int, string) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "people.xlsx")
	_, _ = fw.Write(file)
	mw.Close()
	req, _ := http.NewRequest("POST", c.e.Srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// An Excel file with one bad row is refused with its row number, and
// nothing is imported.
func TestImportAllOrNothing(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		c := e.as("committee")
		before := countPeople(t, e)
		bad := xlsxFile(t, [][]any{
			{"姓名", "身份证号", "手机号"},
			{"甲", "11010519491231002X", "13900000001"},
			{"乙", "110101200001010003", "13900000002"}, // wrong check digit, row 3
			{"丙", "110101200001010010", "13900000003"},
		})
		st, b := upload(t, c, "/api/v1/people/import", bad)
		if st != 422 || !strings.Contains(b, `"row":3`) || !strings.Contains(b, "身份证号") {
			t.Fatalf("bad file: %d %s", st, b)
		}
		if after := countPeople(t, e); after != before {
			t.Fatalf("imported %d rows from a refused file", after-before)
		}
		good := xlsxFile(t, [][]any{
			{"姓名", "身份证号", "手机号"},
			{"甲", "11010519491231002X", "13900000001"},
			{"丙", "110101200001010010", "13900000003"},
		})
		if st, b := upload(t, c, "/api/v1/people/import", good); st != 200 || !strings.Contains(b, `"imported":2`) {
			t.Fatalf("good file: %d %s", st, b)
		}
		if after := countPeople(t, e); after != before+2 {
			t.Fatalf("good import added %d", after-before)
		}
		if st, _ := upload(t, e.as("member"), "/api/v1/people/import", good); st != 403 {
			t.Fatalf("member import: %d", st)
		}
	})
}

// IDOR: a village secretary changing the id to another village's person
// gets 404 (no existence leak), and the attempt is audited.
func TestOutOfScopeIsNotFoundAndAudited(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		q := e.App.DB.Q(ctx)
		var own, other, ownVillage int64
		if err := q.QueryRowContext(ctx, `SELECT u.person_id, p.village_id FROM users u JOIN people p ON p.id = u.person_id WHERE u.username = 'village_secretary'`).Scan(&own, &ownVillage); err != nil {
			t.Fatal(err)
		}
		if err := q.QueryRowContext(ctx, `SELECT MIN(id) FROM people WHERE village_id IS NOT NULL AND village_id <> ?`, ownVillage).Scan(&other); err != nil {
			t.Fatal(err)
		}
		c := e.as("village_secretary")
		if st, _ := c.do("GET", fmt.Sprintf("/api/v1/people/%d", own), ""); st != 200 {
			t.Fatalf("own village person: %d", st)
		}
		st1, b1 := c.do("GET", fmt.Sprintf("/api/v1/people/%d", other), "")
		st2, b2 := c.do("GET", "/api/v1/people/99999999", "")
		if st1 != 404 || st2 != 404 {
			t.Fatalf("out of scope %d, absent %d", st1, st2)
		}
		strip := func(s string) string { return s[:strings.Index(s, `"instance"`)] }
		if strip(b1) != strip(b2) {
			t.Fatalf("out-of-scope and absent differ:\n%s\n%s", b1, b2)
		}
		if st, _ := c.do("PUT", fmt.Sprintf("/api/v1/people/%d", other), `{"name":"改","id_number":"110101200001010002","mobile":"13800138000"}`); st != 404 {
			t.Fatalf("out-of-scope update: %d", st)
		}
		var list struct{ Items []directory.Person }
		c.json("GET", "/api/v1/people?size=500", "", &list)
		for _, p := range list.Items {
			if p.VillageID != ownVillage {
				t.Fatalf("list leaked person %d of village %d", p.ID, p.VillageID)
			}
		}
		es, n, err := e.App.Audit.List(ctx, audit.Filter{Username: "village_secretary", Result: audit.Denied})
		if err != nil || n < 2 {
			t.Fatalf("denials audited: %d %v", n, err)
		}
		_ = es
		// A liaison sees only assigned enterprises.
		l := e.as("liaison")
		var ents struct {
			Items []directory.Enterprise
			Total int
		}
		l.json("GET", "/api/v1/enterprises?size=500", "", &ents)
		if ents.Total == 0 || ents.Total > 10 {
			t.Fatalf("liaison sees %d enterprises", ents.Total)
		}
	})
}

// Unmasking needs people:unmask and a reason, and is audited.
func TestUnmask(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		c := e.as("committee")
		var p directory.Person
		if st := c.json("POST", "/api/v1/people/1/unmask", `{"reason":"核对党员档案"}`, &p); st != 200 || p.Masked || len(p.IDNumber) != 18 || strings.Contains(p.IDNumber, "*") {
			t.Fatalf("unmask: %d %+v", st, p)
		}
		if st, _ := c.do("POST", "/api/v1/people/1/unmask", `{"reason":""}`); st != 422 {
			t.Fatalf("no reason: %d", st)
		}
		if st, _ := e.as("village_secretary").do("POST", "/api/v1/people/1/unmask", `{"reason":"看看"}`); st != 403 && st != 404 {
			t.Fatalf("secretary unmask: %d", st)
		}
		_, n, _ := e.App.Audit.List(context.Background(), audit.Filter{Action: "people.unmask"})
		if n != 1 {
			t.Fatalf("unmask audited %d times", n)
		}
	})
}

// Pages render for their roles on phone-sized HTML, without server errors.
func TestPagesRender(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		pages := map[string][]string{
			"committee":          {"/", "/people", "/people/1", "/people/1/edit", "/people/new", "/people/import", "/enterprises", "/enterprises/1", "/enterprises/1/edit", "/enterprises/new", "/enterprises/import", "/villages", "/branches", "/departments", "/account"},
			"sysadmin":           {"/", "/admin/users", "/admin/users/1", "/villages", "/branches", "/departments", "/account", "/admin/jobs", "/admin/channels", "/admin/deliveries", "/admin/deliveries?state=failed", "/notifications", "/villages/1/edit", "/branches/2/edit", "/departments/1/edit", "/branches/new"},
			"secadmin":           {"/", "/admin/security", "/admin/users", "/admin/users/1"},
			"auditor":            {"/", "/admin/audit", "/admin/audit?result=denied&from=2021-12-01"},
			"village_secretary":  {"/", "/people", "/villages"},
			"member":             {"/", "/people", "/account", "/notifications"},
			"liaison":            {"/", "/enterprises"},
			"dept_staff":         {"/", "/people", "/enterprises"},
			"enterprise":         {"/", "/enterprises"},
			"village_supervisor": {"/", "/people"},
			"discipline":         {"/", "/people"},
		}
		for u, ps := range pages {
			c := e.as(u)
			for _, p := range ps {
				st, body := c.do("GET", p, "")
				if st != 200 {
					t.Errorf("%s GET %s = %d", u, p, st)
					continue
				}
				if !strings.Contains(body, `name="viewport"`) || !strings.Contains(body, "</html>") {
					t.Errorf("%s GET %s: not a full page", u, p)
				}
			}
			c.lang = "en"
			if st, body := c.do("GET", "/", ""); st != 200 || !strings.Contains(body, "Zhongshu") {
				t.Errorf("%s English home: %d", u, st)
			}
		}
		for _, x := range []struct{ u, p string }{{"member", "/admin/audit"}, {"sysadmin", "/people"}, {"auditor", "/enterprises"}, {"committee", "/admin/security"}} {
			if st, _ := e.as(x.u).do("GET", x.p, ""); st != 403 {
				t.Errorf("%s GET %s = %d, want 403", x.u, x.p, st)
			}
		}
	})
}

// The Excel exports open and are audited with their hash.
func TestExports(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		c := e.as("committee")
		for _, p := range []string{"/people/export.xlsx", "/enterprises/export.xlsx?above_scale=1", "/villages/export.xlsx", "/branches/export.xlsx", "/departments/export.xlsx", "/people/template.xlsx"} {
			st, body := c.do("GET", p, "")
			if st != 200 {
				t.Fatalf("%s: %d", p, st)
			}
			f, err := excelize.OpenReader(strings.NewReader(body))
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			rows, _ := f.GetRows(f.GetSheetList()[0])
			if len(rows) < 1 {
				t.Fatalf("%s: empty", p)
			}
			if p == "/people/export.xlsx" && strings.Contains(body, "X") && len(rows) < 100 {
				t.Fatalf("people export too small: %d", len(rows))
			}
		}
		_, n, _ := e.App.Audit.List(context.Background(), audit.Filter{Action: "export"})
		if n != 5 {
			t.Fatalf("exports audited %d", n)
		}
		if st, _ := e.as("member").do("GET", "/people/export.xlsx", ""); st != 403 {
			t.Fatalf("member export: %d", st)
		}
	})
}

// Health, readiness, metrics and the OpenAPI description are served.
func TestOperationalEndpoints(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		c := e.client()
		for p, want := range map[string]string{"/healthz": "ok", "/readyz": "ready", "/metrics": "zhongshu_http_requests_total", "/api/v1/openapi.yaml": "openapi:"} {
			c.do("GET", "/healthz", "")
			if st, b := c.do("GET", p, ""); st != 200 || !strings.Contains(b, want) {
				t.Errorf("%s: %d", p, st)
			}
		}
	})
}

// /readyz answers 503 while serve loads the token cache, 200 once it is
// loaded: a load balancer sends the node traffic when tokens resolve from
// memory (issue 8).
func TestReadyzWaitsForTheTokenCache(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		c := e.client()
		e.App.warming.Store(true)
		if st, b := c.do("GET", "/readyz", ""); st != 503 || b != "not ready\n" {
			t.Fatalf("/readyz while loading: %d %q", st, b)
		}
		if st, _ := c.do("GET", "/healthz", ""); st != 200 {
			t.Fatalf("/healthz while loading: %d", st)
		}
		e.App.warming.Store(false)
		if st, b := c.do("GET", "/readyz", ""); st != 200 || b != "ready\n" {
			t.Fatalf("/readyz once loaded: %d %q", st, b)
		}
	})
}

// Bulk exports past the rate answer 429 (SECURITY.md §7.15).
func TestExportRateLimit(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		c := e.as("committee")
		var codes []int
		for i := 0; i < 11; i++ {
			st, _ := c.do("GET", "/departments/export.xlsx", "")
			codes = append(codes, st)
		}
		if codes[9] != 200 || codes[10] != 429 {
			t.Fatalf("codes %v", codes)
		}
		e.Clock.Advance(61 * 1e9)
		if st, _ := c.do("GET", "/departments/export.xlsx", ""); st != 200 {
			t.Fatalf("after a minute: %d", st)
		}
	})
}

// The bell: a user's in-app notifications, unread count, mark read; a
// channel's secret never comes back through the API.
func TestBellAndChannels(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		uid, err := e.App.Auth.UserID(ctx, "member")
		if err != nil {
			t.Fatal(err)
		}
		if err := e.App.Notify.Notify(ctx, uid, "今日金句已推送", "请完成每日同记一句话", "/"); err != nil {
			t.Fatal(err)
		}
		m := e.as("member")
		var inbox struct {
			Unread int `json:"unread"`
			Items  []struct{ ID int64 }
		}
		m.json("GET", "/api/v1/notifications", "", &inbox)
		if inbox.Unread != 1 || len(inbox.Items) != 1 {
			t.Fatalf("inbox %+v", inbox)
		}
		if _, body := m.do("GET", "/", ""); !strings.Contains(body, `class="badge">1<`) {
			t.Fatal("bell shows no unread count")
		}
		// Another user cannot mark it read.
		if st, _ := e.as("committee").do("POST", fmt.Sprintf("/api/v1/notifications/%d/read", inbox.Items[0].ID), ""); st != 204 && st != 404 {
			t.Fatalf("other user's mark: %d", st)
		}
		m.json("GET", "/api/v1/notifications", "", &inbox)
		if inbox.Unread != 1 {
			t.Fatal("another user marked my notification read")
		}
		m.do("POST", fmt.Sprintf("/api/v1/notifications/%d/read", inbox.Items[0].ID), "")
		m.json("GET", "/api/v1/notifications", "", &inbox)
		if inbox.Unread != 0 {
			t.Fatal("mark read failed")
		}
		s := e.as("sysadmin")
		if st, b := s.do("POST", "/api/v1/channels", `{"owner_kind":"zone","kind":"wecom","name":"党工委群","webhook_url":"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcd-efgh-secret-9876"}`); st != 201 {
			t.Fatalf("create channel: %d %s", st, b)
		}
		st, b := s.do("GET", "/api/v1/channels", "")
		if st != 200 || strings.Contains(b, "abcd-efgh-secret") || !strings.Contains(b, "党工委群") {
			t.Fatalf("channels: %d %s", st, b)
		}
		if st, b := s.do("GET", "/admin/channels", ""); st != 200 || strings.Contains(b, "abcd-efgh-secret") {
			t.Fatalf("channels page leaks the key: %d", st)
		}
	})
}

// A first-run administrator account must change its one-time password
// before anything else (等保 8.1.4.2: no default passwords).
func TestFirstRunPasswordChange(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		if _, err := e.App.Auth.CreateUser(ctx, auth.NewUser{Username: "admin2", Password: "Initial#2021", MustChange: true,
			Grants: []auth.Grant{{Role: auth.Committee, ScopeKind: auth.ScopeZone}}}); err != nil {
			t.Fatal(err)
		}
		c := e.client()
		st, b := c.do("POST", "/api/v1/login", `{"username":"admin2","password":"Initial#2021"}`)
		if st != 200 || !strings.Contains(b, `"must_change_password":true`) {
			t.Fatalf("login: %d %s", st, b)
		}
		if st, b := c.do("GET", "/api/v1/people", ""); st != 403 || !strings.Contains(b, "修改初始密码") {
			t.Fatalf("before the change: %d %s", st, b)
		}
		if st, _ := c.do("GET", "/", ""); st != 303 {
			t.Fatalf("home should send to the account page: %d", st)
		}
		if st, b := c.do("POST", "/api/v1/me/password", `{"old_password":"Initial#2021","password":"admin2-weak"}`); st != 422 {
			t.Fatalf("weak new password: %d %s", st, b)
		}
		if st, b := c.do("POST", "/api/v1/me/password", `{"old_password":"Initial#2021","password":"Changed#2021x"}`); st != 204 {
			t.Fatalf("change: %d %s", st, b)
		}
		c2 := e.client()
		if st, b := c2.do("POST", "/api/v1/login", `{"username":"admin2","password":"Changed#2021x"}`); st != 200 || !strings.Contains(b, `"must_change_password":false`) {
			t.Fatalf("login after change: %d %s", st, b)
		}
		if st, _ := c2.do("GET", "/api/v1/people", ""); st != 200 {
			t.Fatalf("after the change: %d", st)
		}
	})
}
