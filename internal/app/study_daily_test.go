package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"zhongshu/internal/platform/clock"
)

// dailyUpload posts an .xlsx as the field "file".
func (c *client) dailyUpload(path string, file []byte) (int, string) {
	c.e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "sentences.xlsx")
	_, _ = fw.Write(file)
	mw.Close()
	req, _ := http.NewRequest("POST", c.e.Srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (e *env) dailyCount(q string, args ...any) int {
	e.t.Helper()
	var n int
	ctx := context.Background()
	if err := e.App.DB.Q(ctx).QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
		e.t.Fatalf("%s: %v", q, err)
	}
	return n
}

func (e *env) dailyPerson(username string) int64 {
	e.t.Helper()
	return int64(e.dailyCount(`SELECT person_id FROM users WHERE username = ?`, username))
}

// dailyKey is today's key phrases, read from the store.
func (e *env) dailyKey(day string) []string {
	e.t.Helper()
	var s string
	ctx := context.Background()
	if err := e.App.DB.Q(ctx).QueryRowContext(ctx, `SELECT key_phrases FROM study_sentences WHERE day = ?`, day).Scan(&s); err != nil {
		e.t.Fatal(err)
	}
	var ps []string
	_ = json.Unmarshal([]byte(s), &ps)
	return ps
}

func dailyZone(day string, h, m int) time.Time {
	t, _ := time.ParseInLocation(time.DateOnly, day, clock.Zone)
	return t.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
}

// The fixed handles, as the smoke check and the checks use them:
// today's sentence, a first check-in 201, a repeat 200 that says so, a
// wrong recitation 422 naming the blank, a recitation after reading.
func TestStudyDailyHandles(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		m := e.as("member")
		var today struct {
			Day       string `json:"day"`
			Text      string `json:"text"`
			Source    string `json:"source"`
			Blanks    int    `json:"blanks"`
			Cloze     string `json:"cloze"`
			CheckedIn bool   `json:"checked_in"`
			Streak    int    `json:"streak"`
			Segments  []struct {
				Text  string `json:"text"`
				Blank int    `json:"blank"`
				Field string `json:"field"`
			} `json:"segments"`
		}
		if st := m.json("GET", "/api/v1/sentences/today", "", &today); st != 200 {
			t.Fatalf("today: %d", st)
		}
		key := e.dailyKey("2021-12-20")
		if today.Day != "2021-12-20" || today.Blanks != len(key) || today.CheckedIn || today.Streak == 0 || !strings.Contains(today.Cloze, "____") ||
			strings.Contains(today.Cloze, key[0]) || today.Source == "" {
			t.Fatalf("today %+v", today)
		}
		type result struct {
			Day      string `json:"day"`
			Mode     string `json:"mode"`
			Repeat   bool   `json:"repeat"`
			Upgraded bool   `json:"upgraded"`
			Points   int    `json:"points"`
			Message  string `json:"message"`
		}
		var r result
		if st := m.json("POST", "/api/v1/checkins", `{"mode":"read"}`, &r); st != 201 || r.Repeat || r.Points != 1 || r.Day != "2021-12-20" {
			t.Fatalf("first check-in: %d %+v", st, r)
		}
		r = result{}
		if st := m.json("POST", "/api/v1/checkins", `{"mode":"read"}`, &r); st != 200 || !r.Repeat || r.Points != 0 || !strings.Contains(r.Message, "不重复计入") {
			t.Fatalf("repeat: %d %+v", st, r)
		}
		wrong := append([]string(nil), key...)
		wrong[len(wrong)-1] = "不对"
		body, _ := json.Marshal(map[string]any{"mode": "recite", "answers": wrong})
		st, b := m.do("POST", "/api/v1/checkins", string(body))
		var prob struct {
			Status int `json:"status"`
			Errors []struct {
				Field   string `json:"field"`
				Message string `json:"message"`
			} `json:"errors"`
		}
		_ = json.Unmarshal([]byte(b), &prob)
		n := len(key)
		if st != 422 || len(prob.Errors) != 1 || prob.Errors[0].Field != fmt.Sprintf("answers[%d]", n-1) || prob.Errors[0].Message != fmt.Sprintf("第 %d 个空填写有误", n) {
			t.Fatalf("wrong recitation: %d %s", st, b)
		}
		m.lang = "en"
		if st, b := m.do("POST", "/api/v1/checkins", string(body)); st != 422 || !strings.Contains(b, fmt.Sprintf("blank %d is wrong", n)) {
			t.Fatalf("wrong recitation (en): %d %s", st, b)
		}
		m.lang = ""
		if e.dailyCount(`SELECT COUNT(*) FROM study_checkins WHERE mode = 'recite' AND person_id = ? AND day = '2021-12-20'`, e.dailyPerson("member")) != 0 {
			t.Fatal("a wrong recitation was recorded")
		}
		// Full-width and spaced answers are right.
		right := make([]string, len(key))
		for i, k := range key {
			right[i] = " " + k + "。"
		}
		body, _ = json.Marshal(map[string]any{"mode": "recite", "answers": right})
		r = result{}
		if st := m.json("POST", "/api/v1/checkins", string(body), &r); st != 200 || !r.Upgraded || r.Mode != "recite" || r.Points != 2 {
			t.Fatalf("recite after reading: %d %+v", st, r)
		}
		// Another member recites first: a new check-in.
		m2 := e.as("member_2")
		body, _ = json.Marshal(map[string]any{"mode": "recite", "answers": key})
		if st := m2.json("POST", "/api/v1/checkins", string(body), &r); st != 201 || r.Points != 3 {
			t.Fatalf("recite first: %d %+v", st, r)
		}
		if st, _ := m.do("POST", "/api/v1/checkins", `{"mode":"read","extra":1}`); st != 422 {
			t.Fatalf("unknown field: %d", st)
		}
		// Records: one's own, not another's (404, audited); the committee anyone's.
		var list struct {
			Member int64 `json:"member"`
			Total  int   `json:"total"`
			Items  []struct {
				Day  string `json:"day"`
				Mode string `json:"mode"`
			} `json:"items"`
		}
		me := e.dailyPerson("member")
		if st := m.json("GET", fmt.Sprintf("/api/v1/checkins?member=%d&from=2021-12-01&to=2021-12-20", me), "", &list); st != 200 || list.Member != me ||
			list.Total == 0 || list.Items[len(list.Items)-1].Mode != "recite" {
			t.Fatalf("own record: %d %+v", st, list)
		}
		denied := e.dailyCount(`SELECT COUNT(*) FROM audit_log WHERE action = 'access.denied'`)
		if st, _ := m2.do("GET", fmt.Sprintf("/api/v1/checkins?member=%d", me), ""); st != 404 {
			t.Fatalf("another member's record: %d", st)
		}
		if e.dailyCount(`SELECT COUNT(*) FROM audit_log WHERE action = 'access.denied'`) != denied+1 {
			t.Fatal("the denial was not audited")
		}
		if st := e.as("committee").json("GET", fmt.Sprintf("/api/v1/checkins?member=%d&from=2021-12-01&to=2021-12-20", me), "", &list); st != 200 || list.Total == 0 {
			t.Fatalf("committee: %d", st)
		}
		if st, _ := m.do("GET", "/api/v1/checkins?member=abc", ""); st != 422 {
			t.Fatalf("bad member: %d", st)
		}
		// Progress.
		var p struct {
			Streak      int `json:"streak"`
			PointsToday int `json:"points_today"`
			Last7       []struct {
				Mode string `json:"mode"`
			} `json:"last_7_days"`
		}
		if st := m.json("GET", "/api/v1/study/progress", "", &p); st != 200 || p.PointsToday != 3 || p.Streak < 2 || len(p.Last7) != 7 || p.Last7[6].Mode != "recite" {
			t.Fatalf("progress: %d %+v", st, p)
		}
		// Administrators do not learn.
		if st, _ := e.as("sysadmin").do("GET", "/api/v1/sentences/today", ""); st != 403 {
			t.Fatalf("sysadmin: %d", st)
		}
	})
}

// Check-ins at 23:59 and 00:01 zone time land on two days; with no
// sentence scheduled, today answers 404.
func TestStudyDailyMidnight(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		e.Clock.Set(dailyZone("2021-12-20", 23, 59))
		m := e.as("member") // sessions live on the injected clock: sign in at 23:59
		var r struct {
			Day string `json:"day"`
		}
		if st := m.json("POST", "/api/v1/checkins", `{"mode":"read"}`, &r); st != 201 || r.Day != "2021-12-20" {
			t.Fatalf("23:59: %d %+v", st, r)
		}
		e.Clock.Advance(2 * time.Minute)
		if st := m.json("POST", "/api/v1/checkins", `{"mode":"read"}`, &r); st != 201 || r.Day != "2021-12-21" {
			t.Fatalf("00:01: %d %+v", st, r)
		}
		if n := e.dailyCount(`SELECT COUNT(*) FROM study_checkins WHERE person_id = ? AND day IN ('2021-12-20', '2021-12-21')`, e.dailyPerson("member")); n != 2 {
			t.Fatalf("%d rows", n)
		}
		e.Clock.Set(dailyZone("2022-02-01", 8, 0)) // after the demo's calendar
		m = e.as("member")
		if st, b := m.do("GET", "/api/v1/sentences/today", ""); st != 404 || !strings.Contains(b, "没有安排金句") {
			t.Fatalf("no sentence: %d %s", st, b)
		}
		if st, _ := m.do("GET", "/study", ""); st != 200 {
			t.Fatalf("study page without a sentence: %d", st)
		}
	})
}

// The member's page works without JavaScript: plain form posts return the
// same page with the outcome.
func TestStudyDailyPage(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		m := e.as("member")
		st, b := m.do("GET", "/study", "")
		var text string
		ctx := context.Background()
		_ = e.App.DB.Q(ctx).QueryRowContext(ctx, `SELECT text FROM study_sentences WHERE day = '2021-12-20'`).Scan(&text)
		if st != 200 || !strings.Contains(b, text) || !strings.Contains(b, "已读打卡") || !strings.Contains(b, `name="answers"`) || !strings.Contains(b, "最近 7 天") {
			t.Fatalf("page: %d", st)
		}
		key := e.dailyKey("2021-12-20")
		v := url.Values{"mode": {"recite"}}
		for range key {
			v.Add("answers", "错")
		}
		if st, b := m.form2("/study/checkin", v); st != 422 || !strings.Contains(b, "第 1 个空填写有误") || !strings.Contains(b, `aria-invalid="true"`) {
			t.Fatalf("wrong recitation page: %d", st)
		}
		if st, b := m.form2("/study/checkin", url.Values{"mode": {"read"}}); st != 200 || !strings.Contains(b, "阅读打卡成功") || !strings.Contains(b, "已阅读打卡") {
			t.Fatalf("read page: %d", st)
		}
		if st, b := m.form2("/study/checkin", url.Values{"mode": {"read"}}); st != 200 || !strings.Contains(b, "不重复计入") {
			t.Fatalf("repeat page: %d", st)
		}
		v = url.Values{"mode": {"recite"}, "answers": key}
		if st, b := m.form2("/study/checkin", v); st != 200 || !strings.Contains(b, "背诵正确") || !strings.Contains(b, "已背诵打卡") {
			t.Fatalf("recite page: %d", st)
		}
		m.lang = "en"
		if st, b := m.do("GET", "/study", ""); st != 200 || !strings.Contains(b, "Checked in (recited)") {
			t.Fatalf("English page: %d", st)
		}
		if st, _ := e.as("enterprise").do("GET", "/study", ""); st != 403 {
			t.Fatalf("enterprise contact: %d", st)
		}
	})
}

// Editors: the calendar, create/edit/delete of future days, history
// refused, and the Excel import all or nothing.
func TestStudyDailySentences(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		c := e.as("committee")
		var s struct {
			ID         int64    `json:"id"`
			Day        string   `json:"day"`
			KeyPhrases []string `json:"key_phrases"`
		}
		in := `{"day":"2022-02-01","text":"星星之火，可以燎原。","source":"毛泽东《星星之火，可以燎原》","key_phrases":["燎原","星星之火"]}`
		if st := c.json("POST", "/api/v1/sentences", in, &s); st != 201 || s.Day != "2022-02-01" || s.KeyPhrases[0] != "星星之火" {
			t.Fatalf("create: %d %+v", st, s)
		}
		if st, b := c.do("POST", "/api/v1/sentences", in); st != 409 || !strings.Contains(b, "已编排金句") {
			t.Fatalf("same day twice: %d %s", st, b)
		}
		if st, b := c.do("POST", "/api/v1/sentences", `{"day":"2022-02-02","text":"星星之火，可以燎原。","source":"毛泽东","key_phrases":["初心"]}`); st != 422 || !strings.Contains(b, "key_phrases[0]") {
			t.Fatalf("bad phrase: %d %s", st, b)
		}
		if st := c.json("PUT", fmt.Sprintf("/api/v1/sentences/%d", s.ID), strings.Replace(in, "02-01", "02-03", 1), &s); st != 200 || s.Day != "2022-02-03" {
			t.Fatalf("update: %d %+v", st, s)
		}
		past := e.dailyCount(`SELECT id FROM study_sentences WHERE day = '2021-12-01'`)
		if st, b := c.do("PUT", fmt.Sprintf("/api/v1/sentences/%d", past), strings.Replace(in, "02-01", "02-04", 1)); st != 409 || !strings.Contains(b, "历史记录") {
			t.Fatalf("history changed: %d %s", st, b)
		}
		if st, _ := c.do("DELETE", fmt.Sprintf("/api/v1/sentences/%d", past), ""); st != 409 {
			t.Fatalf("history deleted: %d", st)
		}
		if st, _ := c.do("DELETE", fmt.Sprintf("/api/v1/sentences/%d", s.ID), ""); st != 204 {
			t.Fatalf("delete: %d", st)
		}
		var month struct {
			Month     string `json:"month"`
			Scheduled int    `json:"scheduled"`
			Gaps      int    `json:"gaps"`
			Days      []struct {
				Day      string `json:"day"`
				Sentence *struct {
					Text string `json:"text"`
				} `json:"sentence"`
			} `json:"days"`
		}
		if st := c.json("GET", "/api/v1/sentences?month=2022-01", "", &month); st != 200 || month.Scheduled != 31 || month.Gaps != 0 || len(month.Days) != 31 {
			t.Fatalf("January: %d %+v", st, month.Scheduled)
		}
		if st, b := c.do("GET", "/study/sentences?month=2021-12", ""); st != 200 || !strings.Contains(b, "全党同志要做到学史明理") || !strings.Contains(b, "hidden-desktop") {
			t.Fatalf("calendar page: %d", st)
		}
		if st, b := c.do("GET", "/study/sentences?month=2022-02", ""); st != 200 || !strings.Contains(b, "未编排") {
			t.Fatalf("empty month: %d", st)
		}
		// The HTML form.
		st, _ := c.form2("/study/sentences", url.Values{"day": {"2022-02-05"}, "text": {"发展才是硬道理。"}, "source": {"邓小平《南方谈话》"}, "key_phrases": {"硬道理"}})
		if st != 303 || e.dailyCount(`SELECT COUNT(*) FROM study_sentences WHERE day = '2022-02-05'`) != 1 {
			t.Fatalf("form create: %d", st)
		}
		if st, b := c.form2("/study/sentences", url.Values{"day": {"2021-12-20"}, "text": {"发展"}, "source": {""}, "key_phrases": {""}}); st != 422 ||
			!strings.Contains(b, "只能编排明天及以后") || !strings.Contains(b, "出处须为") {
			t.Fatalf("form errors: %d", st)
		}
		if st, b := c.do("GET", fmt.Sprintf("/study/sentences/%d/edit", past), ""); st != 200 || !strings.Contains(b, "disabled") || !strings.Contains(b, "历史记录") {
			t.Fatalf("history view: %d", st)
		}
		// Excel: all or nothing.
		book := func(rows [][]any) []byte {
			f := excelize.NewFile()
			defer f.Close()
			for i, r := range rows {
				cell, _ := excelize.CoordinatesToCellName(1, i+1)
				_ = f.SetSheetRow("Sheet1", cell, &r)
			}
			var buf bytes.Buffer
			_ = f.Write(&buf)
			return buf.Bytes()
		}
		head := []any{"日期", "金句", "出处", "关键词"}
		bad := book([][]any{head, {"2022-02-10", "空谈误国，实干兴邦。", "《复兴之路》", "空谈误国、实干兴邦"}, {"2022-02-11", "实干兴邦。", "《复兴之路》", "初心"}})
		st, b := c.dailyUpload("/api/v1/sentences/import", bad)
		if st != 422 || !strings.Contains(b, `"row":3`) || !strings.Contains(b, "D（关键词）") {
			t.Fatalf("bad import: %d %s", st, b)
		}
		if e.dailyCount(`SELECT COUNT(*) FROM study_sentences WHERE day >= '2022-02-10'`) != 0 {
			t.Fatal("a refused import scheduled something")
		}
		if st, b := c.dailyUpload("/study/sentences/import", bad); st != 422 || !strings.Contains(b, "未导入任何金句") {
			t.Fatalf("bad import page: %d", st)
		}
		good := book([][]any{head, {"2022-02-10", "空谈误国，实干兴邦。", "《复兴之路》", "空谈误国、实干兴邦"}, {"2022-02-11", "实干兴邦。", "《复兴之路》", "实干兴邦"}})
		if st, b := c.dailyUpload("/api/v1/sentences/import", good); st != 200 || !strings.Contains(b, `"imported":2`) {
			t.Fatalf("import: %d %s", st, b)
		}
		if st, b := c.do("GET", "/study/sentences/template.xlsx", ""); st != 200 || !strings.HasPrefix(b, "PK") {
			t.Fatalf("template: %d", st)
		}
		if st, _ := e.as("member").do("POST", "/api/v1/sentences", in); st != 403 {
			t.Fatalf("a member scheduled: %d", st)
		}
	})
}

// 周总结 over HTTP: the committee sees every branch and the zone, a member
// only their own branch; the figures equal a direct count of check-ins.
func TestStudyDailyWeekly(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		own := int64(e.dailyCount(`SELECT p.branch_id FROM users u JOIN people p ON p.id = u.person_id WHERE u.username = 'member'`))
		other := int64(e.dailyCount(`SELECT p.branch_id FROM users u JOIN people p ON p.id = u.person_id WHERE u.username = 'member_2'`))
		var w struct {
			Week           string  `json:"week"`
			BranchID       int64   `json:"branch_id"`
			Members        int     `json:"members"`
			Checkins       int     `json:"checkins"`
			Rate           float64 `json:"rate"`
			Trend          float64 `json:"trend"`
			FullAttendance []struct {
				Name string `json:"name"`
			} `json:"full_attendance"`
			MemberDays []struct {
				Count int `json:"count"`
			} `json:"member_days"`
		}
		com, mem := e.as("committee"), e.as("member")
		for _, c := range []*client{com, mem} {
			if st := c.json("GET", fmt.Sprintf("/api/v1/branches/%d/weekly?week=2021-W50", own), "", &w); st != 200 {
				t.Fatalf("own branch: %d", st)
			}
		}
		members := e.dailyCount(`SELECT COUNT(*) FROM people WHERE branch_id = ? AND party_member = TRUE`, own)
		checkins := e.dailyCount(`SELECT COUNT(*) FROM study_checkins c JOIN people p ON p.id = c.person_id
			WHERE p.branch_id = ? AND p.party_member = TRUE AND c.day >= '2021-12-13' AND c.day <= '2021-12-19'`, own)
		full := e.dailyCount(`SELECT COUNT(*) FROM (SELECT c.person_id FROM study_checkins c JOIN people p ON p.id = c.person_id
			WHERE p.branch_id = ? AND p.party_member = TRUE AND c.day >= '2021-12-13' AND c.day <= '2021-12-19' GROUP BY c.person_id HAVING COUNT(*) = 7) x`, own)
		if w.Week != "2021-W50" || w.BranchID != own || w.Members != members || w.Checkins != checkins || len(w.FullAttendance) != full || len(w.MemberDays) != members {
			t.Fatalf("weekly %+v; direct count: %d members, %d check-ins, %d full", w, members, checkins, full)
		}
		if want := float64(int(float64(checkins)*1000/float64(members*7)+0.5)) / 10; w.Rate != want {
			t.Fatalf("rate %.1f, want %.1f", w.Rate, want)
		}
		if other != own {
			if st, _ := mem.do("GET", fmt.Sprintf("/api/v1/branches/%d/weekly", other), ""); st != 404 {
				t.Fatalf("another branch: %d", st)
			}
		}
		if st, _ := com.do("GET", "/api/v1/branches/999999/weekly", ""); st != 404 {
			t.Fatalf("unknown branch: %d", st)
		}
		for _, bad := range []string{"2021-50", "2021-W54", "2022-W10"} {
			if st, _ := com.do("GET", fmt.Sprintf("/api/v1/branches/%d/weekly?week=%s", own, bad), ""); st != 422 {
				t.Errorf("week %s: %d", bad, st)
			}
		}
		// The pages and the export.
		var rep struct {
			Week     string                 `json:"week"`
			Zone     *struct{ Members int } `json:"zone"`
			Branches []struct {
				BranchID int64 `json:"branch_id"`
			} `json:"branches"`
		}
		if st := com.json("GET", "/api/v1/study/weekly", "", &rep); st != 200 || rep.Week != "2021-W50" || rep.Zone == nil || len(rep.Branches) < 16 {
			t.Fatalf("zone report: %d %+v", st, rep.Week)
		}
		rep.Zone = nil
		if st := mem.json("GET", "/api/v1/study/weekly?week=2021-W49", "", &rep); st != 200 || rep.Zone != nil || len(rep.Branches) != 1 || rep.Branches[0].BranchID != own {
			t.Fatalf("member's report: %d %+v", st, rep)
		}
		var name string
		ctx := context.Background()
		_ = e.App.DB.Q(ctx).QueryRowContext(ctx, `SELECT name FROM branches WHERE id = ?`, own).Scan(&name)
		if st, b := mem.do("GET", "/study/weekly", ""); st != 200 || !strings.Contains(b, name) || !strings.Contains(b, "全勤") {
			t.Fatalf("member's page: %d", st)
		}
		if st, b := com.do("GET", "/study/weekly?week=2021-W50", ""); st != 200 || !strings.Contains(b, name) || !strings.Contains(b, "全区") {
			t.Fatalf("committee's page: %d", st)
		}
		if st, _ := mem.do("GET", fmt.Sprintf("/study/weekly?branch=%d", other), ""); other != own && st != 404 {
			t.Fatalf("member's page of another branch: %d", st)
		}
		st, b := com.do("GET", "/study/weekly.xlsx?week=2021-W50", "")
		if st != 200 || !strings.HasPrefix(b, "PK") {
			t.Fatalf("export: %d", st)
		}
		f, err := excelize.OpenReader(strings.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows("周总结")
		if len(rows) < 20 || rows[2][0] != "党组织" || rows[len(rows)-1][0] != "全区" {
			t.Fatalf("export rows %v", rows[:3])
		}
		if e.dailyCount(`SELECT COUNT(*) FROM audit_log WHERE action = 'study.weekly.export'`) != 1 {
			t.Fatal("the export was not audited")
		}
		if st, _ := e.as("dept_staff").do("GET", "/study/weekly", ""); st != 403 {
			t.Fatalf("dept staff: %d", st)
		}
	})
}

// The seed's figure and the ledger: 35 sentences learned by the demo clock,
// and every chain of the demo installation verifies (`zhongshu verify`).
func TestStudyDailyFiguresAndVerify(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		var rep struct {
			Figures []struct {
				Key   string `json:"key"`
				Value int    `json:"value"`
				Unit  string `json:"unit"`
			} `json:"figures"`
		}
		if st := e.as("member").json("GET", "/api/v1/study/figures", "", &rep); st != 200 {
			t.Fatalf("figures: %d", st)
		}
		got := map[string]int{}
		for _, f := range rep.Figures {
			got[f.Key] = f.Value
		}
		if got["sentences_learned"] != 35 || got["checkins"] != e.dailyCount(`SELECT COUNT(*) FROM study_checkins`) {
			t.Fatalf("figures %+v", rep.Figures)
		}
		if st, b := e.as("member").do("GET", "/study/figures", ""); st != 200 || !strings.Contains(b, "已学习金句") {
			t.Fatalf("figures page: %d", st)
		}
		for _, v := range e.App.Verifiers() {
			if b, _, err := v.Verify(context.Background()); err != nil || b != nil {
				t.Fatalf("%s: %v %v", v.ChainName(), err, b)
			}
		}
	})
}
