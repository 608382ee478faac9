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

	"github.com/xuri/excelize/v2"
)

type orFile struct {
	name string
	data []byte
}

// orUpload posts a multipart form with files, as a browser does.
func orUpload(c *client, path string, v url.Values, files ...orFile) (int, string, string) {
	c.e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range v {
		for _, x := range vs {
			mw.WriteField(k, x)
		}
	}
	for _, f := range files {
		fw, _ := mw.CreateFormFile("files", f.name)
		fw.Write(f.data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", c.e.Srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Accept", "text/html")
	resp, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header.Get("Location")
}

// orGet fetches a path and returns the whole response with its body.
func orGet(c *client, path string) (*http.Response, []byte) {
	c.e.t.Helper()
	req, _ := http.NewRequest("GET", c.e.Srv.URL+path, nil)
	resp, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// A tiny valid PDF and an SVG page dressed up as a PNG.
var (
	orPDF = []byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
	orSVG = []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>`)
)

// The seed's outreach figures are queries on the demo data.
func TestOutreachFiguresHTTP(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		c := e.as("discipline")
		var fig struct {
			Figures []struct {
				Key   string `json:"key"`
				Value int    `json:"value"`
				Unit  string `json:"unit"`
			} `json:"figures"`
		}
		if st := c.json("GET", "/api/v1/study/figures?from=2021-01-01&to=2021-12-20", "", &fig); st != 200 {
			t.Fatalf("figures: %d", st)
		}
		got := map[string]int{}
		for _, f := range fig.Figures {
			got[f.Key] = f.Value
		}
		want := map[string][2]int{"books_bought": {7000, 7400}, "lecture_groups": {6, 6}, "lectures_held": {200, 230}, "reflections_written": {50, 59}, "display_boards": {20, 30}}
		for k, w := range want {
			if v, ok := got[k]; !ok || v < w[0] || v > w[1] {
				t.Errorf("%s = %d, want %d–%d", k, v, w[0], w[1])
			}
		}
		if st, body := c.do("GET", "/study/figures?from=2021-01-01&to=2021-12-20", ""); st != 200 || !strings.Contains(body, "购置图书") || !strings.Contains(body, "场次") {
			t.Fatalf("figures page: %d", st)
		}
		// The coverage matrix: the page, its JSON and its Excel agree.
		var cov struct {
			Total   int `json:"total"`
			Reached int `json:"reached"`
			Rows    []struct {
				Target string `json:"target"`
				Total  int    `json:"total"`
			} `json:"rows"`
		}
		if st := c.json("GET", "/api/v1/lectures/coverage?year=2021", "", &cov); st != 200 || cov.Total != got["lectures_held"] || cov.Reached != 6 {
			t.Fatalf("coverage: %d %+v", st, cov)
		}
		if st, body := c.do("GET", "/study/lectures/coverage?year=2021", ""); st != 200 || !strings.Contains(body, "“六进”覆盖") || !strings.Contains(body, fmt.Sprintf(">%d</th></tr></tfoot>", cov.Total)) {
			t.Fatalf("coverage page: %d", st)
		}
		resp, b := orGet(c, "/study/lectures/coverage.xlsx?year=2021")
		if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("coverage export: %d", resp.StatusCode)
		}
		f, err := excelize.OpenReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows("2021")
		if len(rows) != 8 || rows[1][13] != fmt.Sprint(cov.Rows[0].Total) || rows[7][13] != fmt.Sprint(cov.Total) {
			t.Fatalf("sheet %v", rows)
		}
		for _, p := range []string{"/study/lectures", "/study/lecture-groups", "/study/campaigns", "/study/books", "/study/boards", "/study/books?year=2021", "/study/boards?kind=campus"} {
			if st, _ := c.do("GET", p, ""); st != 200 {
				t.Errorf("GET %s = %d", p, st)
			}
		}
		if st, body := c.do("GET", "/study/books?year=2021", ""); st != 200 || !strings.Contains(body, fmt.Sprint(got["books_bought"])) {
			t.Fatalf("books page: %d", st)
		}
	})
}

// Editors record lectures by the form; targets are checkboxes.
func TestLectureFormHTTP(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		com, mem := e.as("committee"), e.as("member")
		var groups struct {
			Items []struct {
				ID      int64 `json:"id"`
				Members []struct {
					PersonID int64 `json:"person_id"`
				} `json:"members"`
			} `json:"items"`
		}
		if st := mem.json("GET", "/api/v1/lecture-groups", "", &groups); st != 200 || len(groups.Items) != 6 {
			t.Fatalf("groups: %d", st)
		}
		g := groups.Items[4]
		v := url.Values{"group_id": {fmt.Sprint(g.ID)}, "speaker_person_id": {fmt.Sprint(g.Members[0].PersonID)}, "held_on": {"2021-12-19"},
			"place": {"开发区第一中学报告厅"}, "topic": {"学习贯彻党的十九届六中全会精神"}, "audience": {"260"}}
		st, body, _ := com.form("/study/lectures", v)
		if st != 422 || !strings.Contains(body, "请至少选择一个") {
			t.Fatalf("no targets: %d", st)
		}
		v["targets"] = []string{"campus", "network"}
		if st, _, loc := com.form("/study/lectures", v); st != 303 || !strings.HasPrefix(loc, "/study/lectures") {
			t.Fatalf("record: %d %s", st, loc)
		}
		if st, _, _ := mem.form("/study/lectures", v); st != 403 {
			t.Fatalf("a member recorded a lecture: %d", st)
		}
		var list struct {
			Items []struct {
				ID      int64    `json:"id"`
				Topic   string   `json:"topic"`
				Targets []string `json:"targets"`
			} `json:"items"`
			Total int `json:"total"`
		}
		mem.json("GET", "/api/v1/lectures?year=2021&month=12&target=campus", "", &list)
		if len(list.Items) == 0 || list.Items[0].Topic != "学习贯彻党的十九届六中全会精神" || strings.Join(list.Items[0].Targets, ",") != "campus,network" {
			t.Fatalf("list %+v", list)
		}
		if st, body := com.do("GET", fmt.Sprintf("/study/lectures/%d/edit", list.Items[0].ID), ""); st != 200 || !strings.Contains(body, `value="network" checked`) {
			t.Fatalf("edit form: %d", st)
		}
		if st, _ := com.do("PUT", fmt.Sprintf("/api/v1/lectures/%d", list.Items[0].ID), fmt.Sprintf(`{"group_id":%d,"speaker_name":"市委党校教师","held_on":"2021-12-19","place":"开发区第一中学","topic":"六中全会精神进校园","audience":250,"targets":["campus"]}`, g.ID)); st != 200 {
			t.Fatalf("put: %d", st)
		}
	})
}

// Submissions with attachments: only .pdf/.docx/.jpg/.png whose content
// matches, served back only to the author and editors as downloads.
func TestSubmissionUploadHTTP(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		com, author, other := e.as("committee"), e.as("member_2"), e.as("member")
		var cs struct {
			Items []struct {
				ID   int64  `json:"id"`
				Kind string `json:"kind"`
				Open bool   `json:"open"`
			} `json:"items"`
		}
		author.json("GET", "/api/v1/campaigns", "", &cs)
		var essay int64
		for _, c := range cs.Items {
			if c.Kind == "essay" && c.Open {
				essay = c.ID
			}
		}
		if essay == 0 {
			t.Fatalf("no open essay contest in %+v", cs)
		}
		path := fmt.Sprintf("/study/campaigns/%d/submissions", essay)
		text := url.Values{"title": {"在党史学习中坚定信仰"}, "body": {"通过学习党史，我更加坚定了理想信念，决心在本职岗位上担当作为。"}}
		st, body, _ := orUpload(author, path, text, orFile{"心得.pdf", orPDF}, orFile{"photo.png", orSVG})
		if st != 422 || !strings.Contains(body, "photo.png") || !strings.Contains(body, "内容与扩展名 .png 不符") {
			t.Fatalf("disguised SVG: %d", st)
		}
		big := append(append([]byte{}, orPDF...), make([]byte, 5<<20)...)
		if st, body, _ := orUpload(author, path, text, orFile{"big.pdf", big}); st != 422 || !strings.Contains(body, "超过每个 5 MB") {
			t.Fatalf("oversized: %d", st)
		}
		if st, _, loc := orUpload(author, path, text, orFile{"心得.pdf", orPDF}); st != 303 || !strings.Contains(loc, "#mine") {
			t.Fatalf("upload: %d %s", st, loc)
		}
		if st, _, _ := orUpload(author, path, text); st != 409 {
			t.Fatalf("a second submission: %d", st)
		}
		var d struct {
			Mine *struct {
				ID    int64 `json:"id"`
				Files []struct {
					ID int64 `json:"id"`
				} `json:"files"`
			} `json:"mine"`
		}
		author.json("GET", fmt.Sprintf("/api/v1/campaigns/%d", essay), "", &d)
		if d.Mine == nil || len(d.Mine.Files) != 1 {
			t.Fatalf("mine %+v", d.Mine)
		}
		file := fmt.Sprintf("/study/attachments/%d", d.Mine.Files[0].ID)
		resp, b := orGet(author, file)
		if resp.StatusCode != 200 || !bytes.Equal(b, orPDF) || resp.Header.Get("Content-Type") != "application/pdf" ||
			!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment;") || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("download: %d %v", resp.StatusCode, resp.Header)
		}
		if resp, _ := orGet(com, file); resp.StatusCode != 200 {
			t.Fatalf("editor's download: %d", resp.StatusCode)
		}
		if resp, _ := orGet(other, file); resp.StatusCode != 404 {
			t.Fatalf("another member's download: %d", resp.StatusCode)
		}
		if st, _ := other.do("GET", fmt.Sprintf("/study/submissions/%d", d.Mine.ID), ""); st != 404 {
			t.Fatalf("another member read the submission: %d", st)
		}
		// The editor reviews by the form; a rejection needs a reason.
		sub := fmt.Sprintf("/study/submissions/%d", d.Mine.ID)
		if st, body, _ := com.form(sub+"/review", url.Values{"score": {"88"}, "decision": {"reject"}}); st != 422 || !strings.Contains(body, "须写明理由") {
			t.Fatalf("reject without a reason: %d", st)
		}
		if st, _, _ := com.form(sub+"/review", url.Values{"score": {"88"}, "decision": {"accept"}, "comment": {"结合实际，有感而发"}}); st != 303 {
			t.Fatalf("accept: %d", st)
		}
		if st, body := author.do("GET", sub, ""); st != 200 || !strings.Contains(body, "已采用") || !strings.Contains(body, "结合实际，有感而发") {
			t.Fatalf("author's view after review: %d", st)
		}
		if st, _, _ := com.form(sub+"/award", url.Values{"award": {"second"}}); st != 303 {
			t.Fatalf("award: %d", st)
		}
		if st, _ := com.do("POST", fmt.Sprintf("/api/v1/campaigns/%d/publish", essay), "{}"); st != 200 {
			t.Fatalf("publish: %d", st)
		}
		if st, body := other.do("GET", fmt.Sprintf("/study/campaigns/%d", essay), ""); st != 200 || !strings.Contains(body, "在党史学习中坚定信仰") || !strings.Contains(body, "二等奖") {
			t.Fatalf("published awards: %d", st)
		}
		if resp, _ := orGet(other, file); resp.StatusCode != 404 {
			t.Fatalf("an award makes attachments public: %d", resp.StatusCode)
		}
	})
}
