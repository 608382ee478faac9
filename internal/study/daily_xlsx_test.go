package study

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/errs"
)

// dailyBook builds an .xlsx whose first sheet holds rows (the first is the
// header); a time.Time-like date is written as a real date cell when the
// value is a float (an Excel serial).
func dailyBook(t testing.TB, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	date, _ := f.NewStyle(&excelize.Style{NumFmt: 14}) // m/d/yy
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
		for j, v := range r {
			if _, ok := v.(float64); ok {
				c, _ := excelize.CoordinatesToCellName(j+1, i+1)
				_ = f.SetCellStyle("Sheet1", c, c, date)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var dailyHeader = []any{"日期", "金句", "出处", "关键词"}

// The import reads dates typed or as date cells, finds columns by header
// (Chinese or English, any order), splits key phrases on 、 and ；, and is
// all or nothing: one bad row and nothing is scheduled, with every fault
// named by row, column and rule.
func TestImportSentences(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		com := e.principal(t, "committee")
		serial := 44562.0 // 2022-01-01 as an Excel date serial
		good := dailyBook(t, [][]any{
			dailyHeader,
			{"2021-12-21", "星星之火，可以燎原。", "毛泽东《星星之火，可以燎原》", "星星之火、燎原"},
			{serial, "空谈误国，实干兴邦。", "《在参观〈复兴之路〉展览时的讲话》", "空谈误国；实干兴邦"},
			{},
			{"2022/1/2", "发展才是硬道理。", "邓小平《南方谈话》", "硬道理"},
		})
		rows, column, err := ParseSentencesXLSX(bytes.NewReader(good))
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 3 || rows[1].In.Day != "2022-01-01" || rows[2].In.Day != "2022-01-02" || rows[2].Row != 5 ||
			strings.Join(rows[1].In.KeyPhrases, "|") != "空谈误国|实干兴邦" || column("source") != "C（出处）" {
			t.Fatalf("parsed %+v", rows)
		}
		n, err := e.M.ImportSentences(ctx, com, rows, column)
		if err != nil || n != 3 {
			t.Fatalf("import: %d %v", n, err)
		}
		if c := e.count(t, `SELECT COUNT(*) FROM study_sentences`); c != 3 {
			t.Fatalf("%d sentences", c)
		}
		if c := e.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'study.sentence.import'`); c != 1 {
			t.Fatalf("%d import audit entries", c)
		}

		// English headers in another order; every fault reported, nothing imported.
		bad := dailyBook(t, [][]any{
			{"Key phrases", "Source", "Sentence", "Day"},
			{"燎原", "出处出处", "星星之火，可以燎原。", "2021-12-21"},    // already scheduled
			{"初心", "出处出处", "实践是检验真理的唯一标准。", "2021-12-20"}, // today; phrase not in text
			{"唯一标准", "出处出处", "实践是检验真理的唯一标准。", "明天"},       // not a date
			{"唯一标准", "出处出处", "实践是检验真理的唯一标准。", "2022-01-05"},
			{"唯一标准", "出处出处", "实践是检验真理的唯一标准！", "2022-01-05"}, // repeats row 5
			{"", "出", "实践", "2022-01-06"},                   // short text and source, no phrase
		})
		rows, column, err = ParseSentencesXLSX(bytes.NewReader(bad))
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.M.ImportSentences(ctx, com, rows, column)
		var ie *directory.ImportError
		if !errors.As(err, &ie) {
			t.Fatalf("bad file: %v", err)
		}
		want := []struct {
			row    int
			column string
			zh     string
		}{
			{3, "D（日期）", "只能编排明天及以后"},
			{3, "A（关键词）", "第 1 个关键词“初心”不在金句中"},
			{4, "D（日期）", "日期“明天”无法识别"},
			{6, "D（日期）", "与第 5 行重复"},
			{7, "C（金句）", "金句须为 5–300 个字"},
			{7, "B（出处）", "出处须为 2–100 个字"},
			{7, "A（关键词）", "关键词须为 1–5 个，实际 0 个"},
		}
		for _, w := range want {
			found := false
			for _, i := range ie.Issues {
				if i.Row == w.row && i.Column == w.column && strings.Contains(i.Zh, w.zh) && i.En != "" {
					found = true
				}
			}
			if !found {
				t.Errorf("no issue row %d %s %q in %+v", w.row, w.column, w.zh, ie.Issues)
			}
		}
		if len(ie.Issues) != len(want) {
			t.Errorf("%d issues, want %d: %+v", len(ie.Issues), len(want), ie.Issues)
		}
		if c := e.count(t, `SELECT COUNT(*) FROM study_sentences`); c != 3 {
			t.Fatalf("a refused file imported something: %d", c)
		}
		// A day already scheduled is found in the transaction.
		again, column, _ := ParseSentencesXLSX(bytes.NewReader(good))
		_, err = e.M.ImportSentences(ctx, com, again[:1], column)
		if !errors.As(err, &ie) || len(ie.Issues) != 1 || ie.Issues[0].Row != 2 || !strings.Contains(ie.Issues[0].Zh, "已编排金句") {
			t.Fatalf("re-import: %v", err)
		}
		if _, err := e.M.ImportSentences(ctx, e.principal(t, "member"), again, column); errs.KindOf(err) != errs.Forbidden {
			t.Fatalf("a member imported: %v", err)
		}
	})
}

func TestParseSentencesXLSXFile(t *testing.T) {
	for _, c := range []struct {
		name string
		b    []byte
		zh   string
	}{
		{"empty", nil, "文件为空"},
		{"not a zip", []byte("日期,金句\n2022-01-01,x"), "不是有效的 Excel"},
		{"old xls", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 100)...), "旧版 .xls"},
		{"no header", dailyBook(t, [][]any{{"名称", "内容"}, {"a", "b"}}), "缺少必需的列“日期”"},
		{"repeated header", dailyBook(t, [][]any{{"日期", "金句", "出处", "关键词", "Day"}}), "与前面的列重复"},
	} {
		_, _, err := ParseSentencesXLSX(bytes.NewReader(c.b))
		var ie *directory.ImportError
		msg := ""
		switch {
		case errors.As(err, &ie):
			msg = ie.Issues[0].Zh
			for _, i := range ie.Issues {
				if strings.Contains(i.Zh, c.zh) {
					msg = i.Zh
				}
			}
		case errs.As(err) != nil:
			msg = errs.As(err).Zh
		}
		if !strings.Contains(msg, c.zh) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	// The template is a file the parser reads back.
	var buf bytes.Buffer
	if err := SentenceTemplateXLSX(&buf, "2021-12-21"); err != nil {
		t.Fatal(err)
	}
	rows, _, err := ParseSentencesXLSX(&buf)
	if err != nil || len(rows) != 2 || rows[0].In.Day != "2021-12-21" || len(rows[1].In.KeyPhrases) != 2 {
		t.Fatalf("template: %+v %v", rows, err)
	}
	if _, l := dailyValidateSentence(rows[0].In, "2021-12-20"); len(l) != 0 {
		t.Fatalf("the template's example breaks the rules: %v", l)
	}
}

// Whatever is uploaded, parsing never panics and never takes the server
// down: it returns rows or an error.
func FuzzParseSentencesXLSX(f *testing.F) {
	f.Add(dailyBook(f, [][]any{dailyHeader, {"2022-01-01", "星星之火，可以燎原。", "毛泽东", "燎原"}}))
	f.Add(dailyBook(f, [][]any{dailyHeader, {44562.0, "x", "y", "、；"}}))
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		rows, column, err := ParseSentencesXLSX(bytes.NewReader(b))
		if err == nil {
			for _, r := range rows {
				_, _ = dailyValidateSentence(r.In, "2021-12-20")
				_ = column("day")
			}
		}
	})
}
