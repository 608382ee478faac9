package study

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/xuri/excelize/v2"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/errs"
)

// The Excel (.xlsx) list of sentences an editor imports for a year:
// columns 日期 (a date cell or YYYY-MM-DD), 金句, 出处, 关键词 (separated by
// 、 or ；). Headers are found by name (Chinese, English or the field name),
// so reordered or extra columns work.

type dailyXLCol struct {
	field, zh, en string
	width         float64
	note          string
}

var dailyXLCols = []dailyXLCol{
	{"day", "日期", "Day", 12, "必填。YYYY-MM-DD 或 Excel 日期；只能是明天及以后的日期，每天一句"},
	{"text", "金句", "Sentence", 60, fmt.Sprintf("必填。%d–%d 个字，一段文字，不含换行", dailyMinSentenceRunes, dailyMaxSentenceRunes)},
	{"source", "出处", "Source", 36, fmt.Sprintf("必填。%d–%d 个字，如《在庆祝中国共产党成立100周年大会上的讲话》", dailyMinSourceRunes, dailyMaxSourceRunes)},
	{"key_phrases", "关键词", "Key phrases", 30, fmt.Sprintf("必填。%d–%d 个，用 、 或 ； 分隔；每个都须是金句原文中的一段，背诵时挖空，彼此不能重叠", dailyMinKeyPhrases, dailyMaxKeyPhrases)},
}

const (
	// dailyMaxImportRows: a year's list is 366 rows; a few years at most.
	dailyMaxImportRows = 2000
	dailyMaxXLSXBytes  = 8 << 20
	dailyMaxUnzipBytes = 64 << 20
)

var (
	dailyOLEMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	dailyNumRe    = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)
	dailyDateFmts = []string{"2006-01-02", "2006-1-2", "2006/1/2", "2006.1.2", "2006年1月2日", "20060102"}
)

func dailyNotXLSX(cause error) error {
	if e := errs.As(cause); e != nil {
		return e
	}
	return &errs.Error{Kind: errs.Invalid, Field: "file", Zh: "文件不是有效的 Excel（.xlsx）文件，请用 Excel 或 WPS 另存为 .xlsx 后重试",
		En: "the file is not a valid Excel (.xlsx) workbook; save it as .xlsx and try again", Err: cause}
}

// dailySafely turns a panic of the Excel library on a malformed upload into
// an Invalid error: a bad file must not crash the server.
func dailySafely(fn func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = dailyNotXLSX(fmt.Errorf("excelize panic: %v", p))
		}
	}()
	return fn()
}

// ParseSentencesXLSX reads an uploaded list of sentences into rows for
// ImportSentences (which applies the rules of a sentence); the returned func
// labels a field's column ("A（日期）") for the report. Faults of the file
// itself (not an .xlsx, no header) are an error; faults of a cell are kept
// on its row.
func ParseSentencesXLSX(r io.Reader) ([]SentenceRow, func(string) string, error) {
	at := map[string]int{}
	column := func(field string) string {
		i, ok := at[field]
		if !ok {
			return ""
		}
		l, _ := excelize.ColumnNumberToName(i + 1)
		for _, c := range dailyXLCols {
			if c.field == field {
				return l + "（" + c.zh + "）"
			}
		}
		return l
	}
	b, err := io.ReadAll(io.LimitReader(r, dailyMaxXLSXBytes+1))
	switch {
	case err != nil:
		return nil, column, errs.Field("file", "无法读取上传的文件", "the uploaded file could not be read")
	case len(b) == 0:
		return nil, column, errs.Field("file", "文件为空，请选择 Excel（.xlsx）文件", "the file is empty; choose an Excel (.xlsx) file")
	case len(b) > dailyMaxXLSXBytes:
		return nil, column, errs.Field("file", fmt.Sprintf("文件超过 %d MB", dailyMaxXLSXBytes>>20), fmt.Sprintf("the file exceeds %d MB", dailyMaxXLSXBytes>>20))
	case bytes.HasPrefix(b, dailyOLEMagic):
		return nil, column, errs.Field("file", "文件已加密或为旧版 .xls 格式，请取消密码并另存为 .xlsx 后重试",
			"the file is encrypted or an old .xls workbook; remove the password and save it as .xlsx")
	}
	var fmtd, raw [][]string
	var date1904 bool
	err = dailySafely(func() error {
		f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: dailyMaxUnzipBytes})
		if err != nil {
			return dailyNotXLSX(err)
		}
		defer f.Close()
		sheet := f.GetSheetName(0)
		if sheet == "" {
			return dailyNotXLSX(nil)
		}
		if p, err := f.GetWorkbookProps(); err == nil && p.Date1904 != nil {
			date1904 = *p.Date1904
		}
		if fmtd, err = f.GetRows(sheet); err != nil {
			return dailyNotXLSX(err)
		}
		if raw, err = f.GetRows(sheet, excelize.Options{RawCellValue: true}); err != nil {
			return dailyNotXLSX(err)
		}
		return nil
	})
	if err != nil {
		return nil, column, err
	}
	if len(fmtd) == 0 {
		return nil, column, &directory.ImportError{Issues: []directory.RowIssue{{Row: 1, Zh: "第 1 行（表头）为空：请使用导入模板", En: "row 1 (the header) is empty: use the import template"}}}
	}
	// The header.
	var issues []directory.RowIssue
	for i, h := range fmtd[0] {
		k := dailyNormHeader(h)
		for _, c := range dailyXLCols {
			if k == "" || (k != c.zh && k != dailyNormHeader(c.en) && k != c.field) {
				continue
			}
			if _, dup := at[c.field]; dup {
				l, _ := excelize.ColumnNumberToName(i + 1)
				issues = append(issues, directory.RowIssue{Row: 1, Column: l, Field: c.field,
					Zh: fmt.Sprintf("第 1 行（表头）%s 列“%s”与前面的列重复", l, c.zh), En: fmt.Sprintf("row 1 (header): column %s repeats “%s”", l, c.en)})
				continue
			}
			at[c.field] = i
		}
	}
	for _, c := range dailyXLCols {
		if _, ok := at[c.field]; !ok {
			issues = append(issues, directory.RowIssue{Row: 1, Field: c.field,
				Zh: fmt.Sprintf("第 1 行（表头）缺少必需的列“%s”", c.zh), En: fmt.Sprintf("row 1 (header) lacks the required column “%s” (%s)", c.zh, c.en)})
		}
	}
	if len(issues) > 0 {
		return nil, column, &directory.ImportError{Issues: issues}
	}
	cell := func(rows [][]string, n int, field string) string {
		if n >= len(rows) {
			return ""
		}
		if i := at[field]; i < len(rows[n]) {
			return strings.TrimSpace(rows[n][i])
		}
		return ""
	}
	var out []SentenceRow
	for n := 1; n < len(fmtd); n++ {
		if strings.TrimSpace(strings.Join(fmtd[n], "")) == "" {
			continue
		}
		row := n + 1
		if len(out) >= dailyMaxImportRows {
			return nil, column, &directory.ImportError{Issues: []directory.RowIssue{{Row: row,
				Zh: fmt.Sprintf("文件数据超过 %d 行，请拆分后分批导入", dailyMaxImportRows),
				En: fmt.Sprintf("the file has more than %d data rows; split it and import in batches", dailyMaxImportRows)}}}
		}
		sr := SentenceRow{Row: row, In: SentenceInput{Text: cell(fmtd, n, "text"), Source: cell(fmtd, n, "source"),
			KeyPhrases: SplitKeyPhrases(cell(fmtd, n, "key_phrases"))}}
		shown, rawDay := cell(fmtd, n, "day"), cell(raw, n, "day")
		if d, ok := dailyCellDate(shown, rawDay, date1904); ok {
			sr.In.Day = d
		} else {
			l, _ := excelize.ColumnNumberToName(at["day"] + 1)
			what := shown
			if what == "" {
				sr.Issues = append(sr.Issues, directory.RowIssue{Row: row, Column: column("day"), Field: "day",
					Zh: fmt.Sprintf("第 %d 行 %s 列：日期为空", row, l), En: fmt.Sprintf("row %d column %s: the day is empty", row, l)})
			} else {
				sr.Issues = append(sr.Issues, directory.RowIssue{Row: row, Column: column("day"), Field: "day",
					Zh: fmt.Sprintf("第 %d 行 %s 列：日期“%s”无法识别，请填写 YYYY-MM-DD 格式的日期", row, l, what),
					En: fmt.Sprintf("row %d column %s: “%s” is not a date; use YYYY-MM-DD", row, l, what)})
			}
		}
		out = append(out, sr)
	}
	return out, column, nil
}

// dailyCellDate reads a date cell: an Excel date serial shown through a
// date format, or a typed date in one of the usual forms.
func dailyCellDate(shown, raw string, date1904 bool) (string, bool) {
	if shown == "" && raw == "" {
		return "", false
	}
	if dailyNumRe.MatchString(raw) && raw != shown {
		if v, err := strconv.ParseFloat(raw, 64); err == nil && v >= 1 && v < 2958466 {
			if t, err := excelize.ExcelDateToTime(v, date1904); err == nil {
				return t.Format(time.DateOnly), true
			}
		}
	}
	for _, l := range dailyDateFmts {
		for _, v := range []string{shown, raw} {
			if t, err := time.Parse(l, v); err == nil {
				return t.Format(time.DateOnly), true
			}
		}
	}
	return "", false
}

func dailyNormHeader(s string) string {
	s = strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '*' || r == '＊' })
	return strings.NewReplacer(" ", "_", "-", "_").Replace(strings.ToLower(s))
}

// SentenceTemplateXLSX writes the import template: the header, two example
// rows and a sheet explaining each column.
func SentenceTemplateXLSX(w io.Writer, firstDay string) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "金句"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	text, _ := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": keep typed dates as text
	var head []any
	for i, c := range dailyXLCols {
		head = append(head, c.zh)
		col, _ := excelize.ColumnNumberToName(i + 1)
		_ = f.SetColWidth(sheet, col, col, c.width)
	}
	if err := f.SetSheetRow(sheet, "A1", &head); err != nil {
		return err
	}
	_ = f.SetRowStyle(sheet, 1, 1, bold)
	_ = f.SetColStyle(sheet, "A", text)
	examples := [][]any{
		{firstDay, "江山就是人民，人民就是江山，打江山、守江山，守的是人民的心。", "《在庆祝中国共产党成立100周年大会上的讲话》", "江山就是人民；守的是人民的心"},
		{dailyAddDays(firstDay, 1), "学史明理、学史增信、学史崇德、学史力行。", "《在党史学习教育动员大会上的讲话》", "学史明理、学史力行"},
	}
	for i, ex := range examples {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := f.SetSheetRow(sheet, cell, &ex); err != nil {
			return err
		}
	}
	if _, err := f.NewSheet("说明"); err != nil {
		return err
	}
	_ = f.SetSheetRow("说明", "A1", &[]any{"列", "说明"})
	_ = f.SetRowStyle("说明", 1, 1, bold)
	for i, c := range dailyXLCols {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		_ = f.SetSheetRow("说明", cell, &[]any{c.zh + " / " + c.en, c.note})
	}
	_ = f.SetSheetRow("说明", "A7", &[]any{"导入规则", "全部正确才导入：任何一行有问题都不导入，并逐条列出行号、列和原因。已编排金句的日期不能重复导入。"})
	_ = f.SetColWidth("说明", "A", "A", 20)
	_ = f.SetColWidth("说明", "B", "B", 90)
	return f.Write(w)
}
