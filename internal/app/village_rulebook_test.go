package app

import (
	"archive/zip"
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"

	"zhongshu/internal/platform/audit"
)

// Issue 5 item 10 over HTTP: the public booklet (8 areas, 50 rules, a table
// of contents, print CSS), the audited Word and Excel exports, and the
// committee's editing.
func TestVillageRulebookHTTP(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		anon := e.client()
		st, body := anon.do("GET", "/public/rules", "")
		if st != 200 || !strings.Contains(body, "目录") || !strings.Contains(body, "50. 村务公开群众意见处理制度") || !strings.Contains(body, "/public/rules/booklet.css") || !strings.Contains(body, "共 8 个方面、50 项制度") {
			t.Fatalf("public booklet: %d", st)
		}
		if st, css := anon.do("GET", "/public/rules/booklet.css", ""); st != 200 || !strings.Contains(css, "break-before:page") {
			t.Fatalf("css: %d", st)
		}
		if st, _ := e.as("member").do("GET", "/village-rules", ""); st != 403 {
			t.Fatalf("member: %d", st)
		}
		sup, com, sec := e.as("village_supervisor"), e.as("committee"), e.as("village_secretary")
		if st, body := sup.do("GET", "/village-rules", ""); st != 200 || !strings.Contains(body, "民主政治建设") || strings.Contains(body, `action="/village-rules/rules"`) {
			t.Fatalf("index: %d", st)
		}
		st, doc := sup.do("GET", "/village-rules/booklet.docx", "")
		if st != 200 {
			t.Fatalf("docx: %d", st)
		}
		zr, err := zip.NewReader(bytes.NewReader([]byte(doc)), int64(len(doc)))
		if err != nil || len(zr.File) != 5 {
			t.Fatalf("docx zip: %v", err)
		}
		if st, xl := com.do("GET", "/village-rules/booklet.xlsx", ""); st != 200 || !strings.HasPrefix(xl, "PK") {
			t.Fatalf("xlsx: %d", st)
		}
		if _, n, err := e.App.Audit.List(context.Background(), audit.Filter{Action: "export"}); err != nil || n < 2 {
			t.Fatalf("exports audited: %d %v", n, err)
		}
		// Ten exports a minute, then 429 (SECURITY.md §7.15).
		for i := 0; i < 9; i++ {
			if st, _ := com.do("GET", "/village-rules/booklet.docx", ""); st != 200 {
				t.Fatalf("export %d: %d", i+2, st)
			}
		}
		if st, _ := com.do("GET", "/village-rules/booklet.xlsx", ""); st != 429 {
			t.Fatalf("11th export in a minute: %d", st)
		}
		e.Clock.Advance(61 * 1e9)
		if st, _ := com.do("GET", "/village-rules/booklet.xlsx", ""); st != 200 {
			t.Fatalf("after a minute: %d", st)
		}
		// Editing is the committee's.
		if st, _ := sec.do("POST", "/api/v1/village-rules/areas", `{"sort":90,"title":"平安建设"}`); st != 403 {
			t.Fatalf("secretary editing: %d", st)
		}
		var created struct {
			ID int64 `json:"id"`
		}
		if st := com.json("POST", "/api/v1/village-rules/areas", `{"sort":90,"title":"平安建设"}`, &created); st != 201 {
			t.Fatalf("area: %d", st)
		}
		if st, _ := com.do("POST", "/api/v1/village-rules/areas", `{"sort":91,"title":"平安建设"}`); st != 422 {
			t.Fatalf("duplicate area: %d", st)
		}
		rule := `{"area_id":` + svItoa(created.ID) + `,"sort":10,"title":"矛盾纠纷排查化解制度","body":"每月开展一次矛盾纠纷排查。","issued_on":"2021-12-01"}`
		var rid struct {
			ID int64 `json:"id"`
		}
		if st := com.json("POST", "/api/v1/village-rules/rules", rule, &rid); st != 201 {
			t.Fatalf("rule: %d", st)
		}
		if st, _ := com.do("POST", "/api/v1/village-rules/rules", rule); st != 422 {
			t.Fatalf("duplicate rule: %d", st)
		}
		if st, _ := com.do("PUT", "/api/v1/village-rules/rules/"+svItoa(rid.ID), strings.Replace(rule, "每月", "每半月", 1)); st != 200 {
			t.Fatalf("update: %d", st)
		}
		if st, _ := com.do("PUT", "/api/v1/village-rules/rules/999999", rule); st != 404 {
			t.Fatalf("absent rule: %d", st)
		}
		var book struct {
			AreaCount int `json:"area_count"`
			RuleCount int `json:"rule_count"`
		}
		if st := sec.json("GET", "/api/v1/village-rules", "", &book); st != 200 || book.AreaCount != 9 || book.RuleCount != 51 {
			t.Fatalf("book: %d %+v", st, book)
		}
	})
}

func svItoa(n int64) string { return strconv.FormatInt(n, 10) }
