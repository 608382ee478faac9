package village

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestNumberRulebookAcrossAreas(t *testing.T) {
	areas := []RulebookArea{{Rules: []RulebookRule{{}, {}}}, {Rules: nil}, {Rules: []RulebookRule{{}, {}, {}}}}
	if n := NumberRulebook(areas); n != 5 {
		t.Fatalf("n = %d", n)
	}
	if areas[0].Rules[1].No != 2 || areas[2].Rules[0].No != 3 || areas[2].Rules[2].No != 5 {
		t.Fatalf("numbers %+v", areas)
	}
}

func TestBookletAreaNo(t *testing.T) {
	for i, want := range map[int]string{1: "一", 8: "八", 10: "十", 11: "十一", 20: "二十", 23: "二十三"} {
		if got := bookletAreaNo(i); got != want {
			t.Errorf("%d: %q, want %q", i, got, want)
		}
	}
}

// The demo book (the seed's 8 areas, 50 rules) exports as Word and Excel
// with every rule, numbered.
func TestRulebookDemoAndExports(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := t.Context()
		if err := loadRulebookDemo(e.M, ctx); err != nil {
			t.Fatal(err)
		}
		b, err := e.M.PublicRulebook(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if b.AreaCount != 8 || b.RuleCount != 50 {
			t.Fatalf("areas %d rules %d, want 8 and 50 (the seed)", b.AreaCount, b.RuleCount)
		}
		if b.Areas[0].Title != "村级干部管理" || b.Areas[3].Title != "民主政治建设" {
			t.Fatalf("areas %s, %s", b.Areas[0].Title, b.Areas[3].Title)
		}
		last := b.Areas[7].Rules[len(b.Areas[7].Rules)-1]
		if last.No != 50 {
			t.Fatalf("last rule number %d", last.No)
		}
		doc, err := BookletDOCX(b, "2021-12-20")
		if err != nil {
			t.Fatal(err)
		}
		zr, err := zip.NewReader(bytes.NewReader(doc), int64(len(doc)))
		if err != nil {
			t.Fatal(err)
		}
		var body string
		for _, f := range zr.File {
			if f.Name == "word/document.xml" {
				rc, _ := f.Open()
				bs, _ := io.ReadAll(rc)
				rc.Close()
				body = string(bs)
			}
		}
		if !strings.Contains(body, "目  录") || !strings.Contains(body, "50. "+last.Title) || strings.Count(body, `w:type="page"`) != 9 {
			t.Fatalf("document: toc %v, last rule %v, page breaks %d", strings.Contains(body, "目  录"), strings.Contains(body, "50. "+last.Title), strings.Count(body, `w:type="page"`))
		}
		xl, err := BookletXLSX(b)
		if err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(bytes.NewReader(xl))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows("制度汇编")
		if err != nil || len(rows) != 51 || rows[50][0] != "50" || rows[50][2] != last.Title {
			t.Fatalf("sheet: %v rows %d", err, len(rows))
		}
	})
}
