package xlsx

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"zhongshu/internal/platform/errs"
)

// zipOf builds a zip of the named parts, in order.
func zipOf(t testing.TB, parts ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for i := 0; i+1 < len(parts); i += 2 {
		w, err := zw.Create(parts[i])
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(parts[i+1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const (
	testRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`
	testWorkbook = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr date1904="1"/><sheets><sheet name="人员" sheetId="1" r:id="rId1"/><sheet name="说明" sheetId="2" r:id="rId2"/></sheets></workbook>`
	testWorkbookRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet2.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`
	testStyles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts><cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="176"/><xf numFmtId="49"/></cellXfs></styleSheet>`
	// Shared strings as Excel and WPS write them: plain, rich text runs, a
	// phonetic guide that is not part of the text, an escape, entities.
	testSST = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="5" uniqueCount="5"><si><t>姓名</t></si><si><r><rPr><b/><sz val="11"/></rPr><t>张</t></r><r><t xml:space="preserve">三 </t></r></si><si><t>东村</t><rPh sb="0" eb="2"><t>ドンソン</t></rPh></si><si><t>a_x000D_b_x005F_x0041_</t></si><si><t>A&amp;B &lt;C&gt; &#x4E2D;&#22269;</t></si><si/></sst>`
)

// testSheet has empty cells skipped by reference, a row without r, a cell
// without r, inline strings (one of rich text), a formula's text result, a
// boolean, a date, an error, CDATA, a comment and a prefixed namespace.
const testSheet = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:dimension ref="A1:E4"/><x:sheetData>
<x:row r="1" spans="1:5"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="C1" t="s" s="3"><x:v>1</x:v></x:c><x:c r="E1" t="inlineStr"><x:is><x:r><x:t>富</x:t></x:r><x:r><x:rPr><x:i/></x:rPr><x:t>文本</x:t></x:r></x:is></x:c></x:row>
<!-- a comment between rows -->
<x:row r="3"><x:c r="B3" s="1"><x:v>43647</x:v></x:c><x:c t="b"><x:v>1</x:v></x:c><x:c r="E3" t="str"><x:f>A1&amp;"x"</x:f><x:v>姓名x</x:v></x:c><x:c r="F3" s="2"/><x:c r="G3" t="e"><x:v>#N/A</x:v></x:c></x:row>
<x:row><x:c r="A4" t="s"><x:v>2</x:v></x:c><x:c r="B4" t="inlineStr"><x:is><x:t><![CDATA[<不是标签> & 也不是实体]]></x:t></x:is></x:c><x:c r="AB4"><x:v>110105194912310021</x:v></x:c><x:c r="AC4" t="s"><x:v>3</x:v></x:c><x:c r="AD4" t="s"><x:v>4</x:v></x:c><x:c r="AE4" t="s"><x:v></x:v></x:c></x:row>
<x:row r="6"/>
</x:sheetData><x:mergeCells count="0"/></x:worksheet>`

func testBook(t testing.TB) []byte {
	return zipOf(t, "[Content_Types].xml", "<Types/>", "_rels/.rels", testRels, "xl/workbook.xml", testWorkbook,
		"xl/_rels/workbook.xml.rels", testWorkbookRels, "xl/styles.xml", testStyles, "xl/sharedStrings.xml", testSST,
		"xl/worksheets/sheet1.xml", testSheet, "xl/worksheets/sheet2.xml", `<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>说明</t></is></c></row></sheetData></worksheet>`)
}

type gotRow struct {
	n     int
	cells []Cell
}

func readAll(t testing.TB, b []byte, sheet int) ([]gotRow, error) {
	t.Helper()
	book, err := Open(bytes.NewReader(b), int64(len(b)), Options{})
	if err != nil {
		return nil, err
	}
	rows, err := book.Rows(sheet)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []gotRow
	for rows.Next() {
		out = append(out, gotRow{rows.Row(), append([]Cell(nil), rows.Cells()...)})
	}
	return out, rows.Err()
}

func TestReadHandWritten(t *testing.T) {
	b := testBook(t)
	book, err := Open(bytes.NewReader(b), int64(len(b)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !book.Date1904 || fmt.Sprint(book.Sheets()) != "[人员 说明]" {
		t.Fatalf("book: 1904 %v sheets %v", book.Date1904, book.Sheets())
	}
	if !book.IsDate(1) || !book.IsDate(2) || book.IsDate(3) || book.IsDate(0) || book.IsDate(99) {
		t.Fatal("IsDate by style")
	}
	rows, err := readAll(t, b, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []gotRow{
		{1, []Cell{{0, SharedString, 0, "姓名"}, {2, SharedString, 3, "张三 "}, {4, InlineString, 0, "富文本"}}},
		{3, []Cell{{1, Number, 1, "43647"}, {2, Bool, 0, "1"}, {4, FormulaText, 0, "姓名x"}, {6, ErrorValue, 0, "#N/A"}}},
		{4, []Cell{{0, SharedString, 0, "东村"}, {1, InlineString, 0, "<不是标签> & 也不是实体"}, {27, Number, 0, "110105194912310021"},
			{28, SharedString, 0, "a\rb_x0041_"}, {29, SharedString, 0, "A&B <C> 中国"}}},
		{6, nil},
	}
	if fmt.Sprintf("%+v", rows) != fmt.Sprintf("%+v", want) {
		t.Fatalf("rows\n got %+v\nwant %+v", rows, want)
	}
	second, err := readAll(t, b, 1)
	if err != nil || len(second) != 1 || second[0].cells[0].Value != "说明" {
		t.Fatalf("second sheet (absolute target): %v %+v", err, second)
	}
}

// excelize is what the directory's own exports and templates are written
// with, and what the bench's files come from: shared strings (SetCellValue)
// and inline strings (the stream writer).
func TestReadExcelizeWritten(t *testing.T) {
	f := excelize.NewFile()
	f.SetCellValue("Sheet1", "A1", "姓名")
	f.SetCellValue("Sheet1", "C1", 13800138000)
	f.SetCellValue("Sheet1", "D1", true)
	f.SetCellValue("Sheet1", "E1", time.Date(2019, 7, 1, 0, 0, 0, 0, time.UTC))
	f.SetCellValue("Sheet1", "B3", "东村")
	f.SetCellValue("Sheet1", "C3", 1.5)
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	book, err := Open(bytes.NewReader(b.Bytes()), int64(b.Len()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := readAll(t, b.Bytes(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].n != 1 || rows[1].n != 3 {
		t.Fatalf("rows %+v", rows)
	}
	r1 := rows[0].cells
	if len(r1) != 4 || r1[0] != (Cell{0, SharedString, 0, "姓名"}) || r1[1].Value != "13800138000" || r1[1].Col != 2 ||
		r1[2] != (Cell{3, Bool, 0, "1"}) || r1[3].Col != 4 || r1[3].Value != "43647" || !book.IsDate(r1[3].Style) {
		t.Fatalf("row 1 %+v", r1)
	}
	if r3 := rows[1].cells; len(r3) != 2 || r3[0].Value != "东村" || r3[0].Col != 1 || r3[1] != (Cell{2, Number, 0, "1.5"}) {
		t.Fatalf("row 3 %+v", r3)
	}

	sf := excelize.NewFile()
	sw, _ := sf.NewStreamWriter("Sheet1")
	sw.SetRow("A1", []any{"姓名", "身份证号"})
	sw.SetRow("B2", []any{"a&b<c>", 12})
	sw.Flush()
	b.Reset()
	sf.Write(&b)
	rows, err = readAll(t, b.Bytes(), 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []gotRow{{1, []Cell{{0, InlineString, 0, "姓名"}, {1, InlineString, 0, "身份证号"}}}, {2, []Cell{{1, InlineString, 0, "a&b<c>"}, {2, Number, 0, "12"}}}}
	if fmt.Sprintf("%+v", rows) != fmt.Sprintf("%+v", want) {
		t.Fatalf("stream writer rows %+v", rows)
	}
}

func TestReadRefusesBadFiles(t *testing.T) {
	good := testBook(t)
	withSheet := func(sheet string) []byte {
		return zipOf(t, "xl/workbook.xml", testWorkbook, "xl/_rels/workbook.xml.rels", testWorkbookRels,
			"xl/sharedStrings.xml", testSST, "xl/worksheets/sheet1.xml", sheet)
	}
	for name, tc := range map[string]struct {
		b  []byte
		zh string
	}{
		"empty":          {nil, "不是有效的 Excel"},
		"text":           {[]byte("姓名,身份证号\n张三,1\n"), "不是有效的 Excel"},
		"truncated zip":  {good[:len(good)/2], "不是有效的 Excel"},
		"ole":            {append(bytes.Clone(oleMagic), make([]byte, 512)...), "已加密或为旧版 .xls"},
		"no workbook":    {zipOf(t, "hello.txt", "hi"), "不是有效的 Excel"},
		"doctype":        {withSheet(`<!DOCTYPE x [<!ENTITY a "b">]><worksheet><sheetData/></worksheet>`), "不是有效的 Excel"},
		"unknown entity": {withSheet(`<worksheet><sheetData><row><c t="inlineStr"><is><t>&nbsp;</t></is></c></row></sheetData></worksheet>`), "不是有效的 Excel"},
		"bad sst index":  {withSheet(`<worksheet><sheetData><row><c t="s"><v>99</v></c></row></sheetData></worksheet>`), "不是有效的 Excel"},
		"unclosed":       {withSheet(`<worksheet><sheetData><row><c><v>1</v></c>`), "不是有效的 Excel"},
		"bad ref":        {withSheet(`<worksheet><sheetData><row><c r="XFE1"><v>1</v></c></row></sheetData></worksheet>`), "不是有效的 Excel"},
		"bad row":        {withSheet(`<worksheet><sheetData><row r="0"><c><v>1</v></c></row></sheetData></worksheet>`), "不是有效的 Excel"},
		"not utf-8":      {withSheet("<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>\xff</t></is></c></row></sheetData></worksheet>"), "不是有效的 Excel"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := readAll(t, tc.b, 0)
			e := errs.As(err)
			if e == nil || e.Kind != errs.Invalid || !strings.Contains(e.Zh, tc.zh) || e.En == "" {
				t.Fatalf("err = %#v", err)
			}
		})
	}
}

// A part that unzips past its bound is refused as too large, not read in
// part: a small upload cannot make the server inflate gigabytes.
func TestReadBoundsUnzippedSize(t *testing.T) {
	big := `<worksheet><sheetData>` + strings.Repeat(`<row><c><v>1</v></c></row>`, 20000) + `</sheetData></worksheet>`
	b := zipOf(t, "xl/workbook.xml", testWorkbook, "xl/_rels/workbook.xml.rels", testWorkbookRels, "xl/worksheets/sheet1.xml", big)
	book, err := Open(bytes.NewReader(b), int64(len(b)), Options{MaxPartBytes: 64 << 10})
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := book.Rows(0)
	n := 0
	for rows.Next() {
		n++
	}
	if e := errs.As(rows.Err()); e == nil || !strings.Contains(e.Zh, "过大") {
		t.Fatalf("after %d rows: %v", n, rows.Err())
	}
	sst := zipOf(t, "xl/workbook.xml", testWorkbook, "xl/_rels/workbook.xml.rels", testWorkbookRels,
		"xl/sharedStrings.xml", `<sst>`+strings.Repeat(`<si><t>0123456789</t></si>`, 1000)+`</sst>`)
	if _, err := Open(bytes.NewReader(sst), int64(len(sst)), Options{MaxSharedStrings: 5000}); err == nil || !strings.Contains(errs.As(err).Zh, "过大") {
		t.Fatalf("shared strings over the bound: %v", err)
	}
}

// A token longer than the scanner's window grows it; the window is reused.
func TestScannerLongTokens(t *testing.T) {
	long := strings.Repeat("长", 40000) // 120,000 bytes: several windows
	sheet := `<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>` + long + `</t></is></c><c r="B1" t="str" foo="a>b"><v>x</v></c></row></sheetData></worksheet>`
	b := zipOf(t, "xl/workbook.xml", testWorkbook, "xl/_rels/workbook.xml.rels", testWorkbookRels, "xl/worksheets/sheet1.xml", sheet)
	rows, err := readAll(t, b, 0)
	if err != nil || len(rows) != 1 || len(rows[0].cells) != 2 || rows[0].cells[0].Value != long || rows[0].cells[1].Value != "x" {
		t.Fatalf("%v %d", err, len(rows))
	}
}

func TestIsDateFormat(t *testing.T) {
	for _, tc := range []struct {
		id   int
		code string
		want bool
	}{
		{0, "", false}, {1, "", false}, {14, "", true}, {22, "", true}, {31, "", true}, {49, "", false}, {57, "", true},
		{176, "yyyy-mm-dd", true}, {176, `yyyy"年"m"月"d"日"`, true}, {176, "[$-804]yyyy年m月d日", true}, {176, "h:mm:ss", true},
		{176, "[h]:mm", true}, {176, "0.00", false}, {176, "0.00E+00", false}, {176, `"day"0`, false}, {176, `\d0`, false},
		{176, "General", false}, {176, "[Red]0.00", false}, {176, "#,##0_);[Red](#,##0)", false},
	} {
		if got := IsDateFormat(tc.id, tc.code); got != tc.want {
			t.Errorf("IsDateFormat(%d, %q) = %v", tc.id, tc.code, got)
		}
	}
}

func TestColumnNames(t *testing.T) {
	for col, name := range map[int]string{0: "A", 25: "Z", 26: "AA", 27: "AB", 701: "ZZ", 702: "AAA", 16383: "XFD"} {
		if got := ColumnName(col); got != name {
			t.Errorf("ColumnName(%d) = %q", col, got)
		}
		if got, err := column([]byte(name + "12")); err != nil || got != col {
			t.Errorf("column(%q) = %d %v", name, got, err)
		}
	}
}

// FuzzReadSheet feeds arbitrary sheet XML (and, through the first bytes,
// arbitrary shared strings) to the reader inside a valid package: it must
// end with rows or an Invalid error, never panic or return cells outside
// the sheet.
func FuzzReadSheet(f *testing.F) {
	f.Add([]byte(testSheet), []byte(testSST))
	f.Add([]byte(`<worksheet><sheetData><row><c t="s"><v>0</v></c></row></sheetData></worksheet>`), []byte(`<sst><si><r><t>a</t></r></si></sst>`))
	f.Add([]byte(`<worksheet><sheetData><row r="2"><c r="B2" t="inlineStr"><is><t>_x0041_&amp;</t></is></c></row>`), []byte(``))
	f.Add([]byte(`<![CDATA[x]]><?pi?><!-- c --><sheetData><row/></sheetData>`), []byte(`<sst><si/></sst>`))
	f.Fuzz(func(t *testing.T, sheet, sst []byte) {
		b := zipOf(t, "xl/workbook.xml", testWorkbook, "xl/_rels/workbook.xml.rels", testWorkbookRels,
			"xl/sharedStrings.xml", string(sst), "xl/styles.xml", testStyles, "xl/worksheets/sheet1.xml", string(sheet))
		checkRead(t, b)
	})
}

// FuzzReadPackage feeds arbitrary bytes as the upload itself.
func FuzzReadPackage(f *testing.F) {
	f.Add(testBook(f))
	f.Add([]byte{})
	f.Add([]byte("PK\x03\x04junk"))
	f.Add(append(bytes.Clone(oleMagic), 0))
	f.Fuzz(func(t *testing.T, b []byte) { checkRead(t, b) })
}

func checkRead(t *testing.T, b []byte) {
	book, err := Open(bytes.NewReader(b), int64(len(b)), Options{MaxPartBytes: 1 << 20})
	if err != nil {
		if e := errs.As(err); e == nil || e.Kind != errs.Invalid || e.Zh == "" {
			t.Fatalf("Open: %#v", err)
		}
		return
	}
	for i := range book.Sheets() {
		rows, err := book.Rows(i)
		if err != nil {
			if errs.KindOf(err) != errs.Invalid {
				t.Fatalf("Rows: %#v", err)
			}
			continue
		}
		last := 0
		for rows.Next() {
			if rows.Row() < 1 || rows.Row() > maxRows {
				t.Fatalf("row %d", rows.Row())
			}
			last = rows.Row()
			for _, c := range rows.Cells() {
				if c.Col < 0 || c.Col >= maxColumns {
					t.Fatalf("row %d column %d", last, c.Col)
				}
			}
		}
		if err := rows.Err(); err != nil && errs.KindOf(err) != errs.Invalid {
			t.Fatalf("Err: %#v", err)
		}
		rows.Close()
	}
}

// BenchmarkRows reads a 20,000-row sheet of nine columns as excelize's
// stream writer writes it (inline strings).
func BenchmarkRows(b *testing.B) {
	f := excelize.NewFile()
	sw, _ := f.NewStreamWriter("Sheet1")
	for i := 1; i <= 20000; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i)
		sw.SetRow(cell, []any{fmt.Sprintf("导入测试%06d", i), fmt.Sprintf("65900119400101%04d", i), fmt.Sprintf("139%08d", i), "否", "", "", "", "", ""})
	}
	sw.Flush()
	var buf bytes.Buffer
	f.Write(&buf)
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		book, err := Open(bytes.NewReader(data), int64(len(data)), Options{})
		if err != nil {
			b.Fatal(err)
		}
		rows, _ := book.Rows(0)
		n := 0
		for rows.Next() {
			n += len(rows.Cells())
		}
		if rows.Err() != nil || n != 20000*4 {
			b.Fatal(n, rows.Err())
		}
		rows.Close()
	}
}
