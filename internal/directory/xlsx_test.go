package directory

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/ident"
	"zhongshu/internal/platform/xlsx"
)

var xlNow = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

// validID builds a GB 11643-valid ID number from a 17-digit body.
func validID(t testing.TB, body string) string {
	t.Helper()
	c, err := ident.IDCheckChar(body)
	if err != nil {
		t.Fatal(err)
	}
	return body + string(c)
}

func testLookups() *Lookups {
	return &Lookups{
		Branches:    map[string]int64{"园区机关第一党支部": 11},
		Villages:    map[string]int64{"东村": 21, "南村": 22},
		Departments: map[string]int64{"组织部": 31},
		Enterprises: map[string]int64{"华兴科技有限公司": 41, "91350100M000100Y43": 41},
	}
}

// book builds an .xlsx in memory: rows[0] is row 1; a nil row is left empty;
// an excelize.Cell value is written with SetCellDefault (a raw number as
// Excel would store it); a func value may set up anything else.
func book(t testing.TB, rows [][]any, extra ...func(*excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		for j, v := range r {
			ref, _ := excelize.CoordinatesToCellName(j+1, i+1)
			var err error
			if c, ok := v.(excelize.Cell); ok {
				err = f.SetCellDefault("Sheet1", ref, fmt.Sprint(c.Value))
			} else {
				err = f.SetCellValue("Sheet1", ref, v)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, fn := range extra {
		fn(f)
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var zhPeopleHeader = []any{"姓名", "身份证号", "手机号", "是否党员", "入党日期", "所属党组织", "所属村", "所属部门", "所属企业"}

func parsePeople(t *testing.T, b []byte) ([]PersonRow, func(string) string) {
	t.Helper()
	rows, col, err := ParsePeopleXLSX(bytes.NewReader(b), testLookups())
	if err != nil {
		t.Fatalf("ParsePeopleXLSX: %v", err)
	}
	return rows, col
}

func noIssues(t *testing.T, rows []PersonRow) {
	t.Helper()
	for _, r := range rows {
		if len(r.Issues) > 0 {
			t.Fatalf("row %d: unexpected issues %+v", r.Row, r.Issues)
		}
	}
}

func TestParsePeopleXLSXGood(t *testing.T) {
	id1, id2 := validID(t, "11010519491231002"), validID(t, "11010120000101001")
	b := book(t, [][]any{
		zhPeopleHeader,
		{"张三", id1, "13800138000", "是", "2001-07-01", "园区机关第一党支部", "东村", "组织部", "华兴科技有限公司"},
		{" 李四 ", id2, "13900139000", "", "", "", "南村", "", "91350100m000100y43"},
		{"王五", validID(t, "11010119800101003"), "13700137000", "N", "2010/5/4"},
	})
	rows, col := parsePeople(t, b)
	noIssues(t, rows)
	if len(rows) != 3 {
		t.Fatalf("got %d rows", len(rows))
	}
	want := PersonInput{Name: "张三", IDNumber: id1, Mobile: "13800138000", PartyMember: true, JoinedPartyOn: "2001-07-01",
		BranchID: 11, VillageID: 21, DepartmentID: 31, EnterpriseID: 41}
	if rows[0].Row != 2 || rows[0].In != want {
		t.Fatalf("row 2 = %d %+v, want %+v", rows[0].Row, rows[0].In, want)
	}
	if in := rows[1].In; in.Name != "李四" || in.PartyMember || in.VillageID != 22 || in.EnterpriseID != 41 || rows[1].Row != 3 {
		t.Fatalf("row 3 = %+v", rows[1])
	}
	if rows[2].In.JoinedPartyOn != "2010-05-04" {
		t.Fatalf("slash date: %q", rows[2].In.JoinedPartyOn)
	}
	for field, label := range map[string]string{"id_number": "B（身份证号）", "branch_id": "F（所属党组织）", "enterprise_id": "I（所属企业）", "nonsense": ""} {
		if got := col(field); got != label {
			t.Errorf("column(%q) = %q, want %q", field, got, label)
		}
	}
	// The parser's output is what ImportPeople validates: it must pass.
	for _, r := range rows {
		if _, l := validatePerson(r.In, xlNow); len(l) > 0 {
			t.Fatalf("row %d fails validatePerson: %v", r.Row, l)
		}
	}
}

func TestParsePeopleXLSXReorderedAndEnglish(t *testing.T) {
	id := validID(t, "11010519491231002")
	for name, header := range map[string][]any{
		"reordered": {"所属村", " 手机号 ", "备注", "*身份证号", "姓名"},
		"english":   {"village", "Mobile", "notes", "ID Number", "name"},
		"fields":    {"village_id", "mobile", "", "id_number", "NAME"},
	} {
		t.Run(name, func(t *testing.T) {
			rows, col := parsePeople(t, book(t, [][]any{header, {"东村", "13800138000", "随便写", id, "张三"}}))
			noIssues(t, rows)
			if len(rows) != 1 || rows[0].In != (PersonInput{Name: "张三", IDNumber: id, Mobile: "13800138000", VillageID: 21}) {
				t.Fatalf("rows = %+v", rows)
			}
			if col("id_number") != "D（身份证号）" || col("name") != "E（姓名）" || col("branch_id") != "" {
				t.Fatalf("columns: %q %q %q", col("id_number"), col("name"), col("branch_id"))
			}
		})
	}
}

func TestParsePeopleXLSXBadRow(t *testing.T) {
	id := validID(t, "11010519491231002")
	rows, _ := parsePeople(t, book(t, [][]any{
		zhPeopleHeader,
		{"张三", id, "13800138000", "是", "", "", "东村"},
		{"李四", id, "13800138000", "也许", "2020-13-45", "不存在的支部", "西村", "财政局", "无名公司"},
	}))
	if len(rows) != 2 || len(rows[0].Issues) != 0 {
		t.Fatalf("rows = %+v", rows)
	}
	byField := map[string]RowIssue{}
	for _, is := range rows[1].Issues {
		if is.Row != 3 {
			t.Fatalf("issue on row %d, want 3: %+v", is.Row, is)
		}
		byField[is.Field] = is
	}
	want := map[string]string{"party_member": "D（是否党员）", "joined_party_on": "E（入党日期）", "branch_id": "F（所属党组织）",
		"village_id": "G（所属村）", "department_id": "H（所属部门）", "enterprise_id": "I（所属企业）"}
	if len(byField) != len(want) {
		t.Fatalf("issues = %+v", rows[1].Issues)
	}
	for f, c := range want {
		if is := byField[f]; is.Column != c || is.Zh == "" || is.En == "" {
			t.Errorf("%s: %+v, want column %s", f, is, c)
		}
	}
	if v := byField["village_id"]; v.Zh != "第 3 行 G 列：村“西村”不存在" || !strings.Contains(v.En, "row 3 column G") {
		t.Errorf("village message: %q / %q", v.Zh, v.En)
	}
	if rows[1].In.VillageID != 0 || rows[1].In.JoinedPartyOn != "" {
		t.Errorf("bad cells must not leak values: %+v", rows[1].In)
	}
}

func TestParsePeopleXLSXNumericCells(t *testing.T) {
	exact := validID(t, "11010519491231002")
	rows, _ := parsePeople(t, book(t, [][]any{
		{"姓名", "身份证号", "手机号", "入党日期"},
		// An exact 18-digit number (as excelize writes int64) keeps every digit.
		{"甲", excelize.Cell{Value: exact}, 13800138000, time.Date(2019, 7, 1, 0, 0, 0, 0, time.UTC)},
		// What Excel stores after rounding an ID typed as a number.
		{"乙", excelize.Cell{Value: "1.10101200001010E+17"}, excelize.Cell{Value: "1.3800138E+10"}},
		{"丙", int64(110101200001010000)},
		// The same digits as text are the user's choice; ImportPeople judges them.
		{"丁", "110101200001010000"},
		// A bare number in the date column is not silently taken as a serial.
		{"戊", exact, "13800138000", 2019},
		{"己", exact, "13800138000", 20190701},
	}))
	if len(rows) != 6 {
		t.Fatalf("rows = %+v", rows)
	}
	if in := rows[0].In; in.IDNumber != exact || in.Mobile != "13800138000" || in.JoinedPartyOn != "2019-07-01" || len(rows[0].Issues) > 0 {
		t.Fatalf("exact number row: %+v", rows[0])
	}
	for _, r := range rows[1:3] {
		if len(r.Issues) != 1 || r.Issues[0].Field != "id_number" || r.Issues[0].Column != "B（身份证号）" ||
			!strings.Contains(r.Issues[0].Zh, "文本") || !strings.Contains(r.Issues[0].En, "text") {
			t.Fatalf("row %d: want one precision issue, got %+v", r.Row, r.Issues)
		}
	}
	if rows[1].In.Mobile != "13800138000" {
		t.Fatalf("exponent mobile not recovered: %q", rows[1].In.Mobile)
	}
	if len(rows[3].Issues) != 0 || rows[3].In.IDNumber != "110101200001010000" {
		t.Fatalf("text ID: %+v", rows[3])
	}
	if is := rows[4].Issues; len(is) != 1 || is[0].Field != "joined_party_on" || is[0].Column != "D（入党日期）" {
		t.Fatalf("year as date: %+v", rows[4])
	}
	if rows[5].In.JoinedPartyOn != "2019-07-01" || len(rows[5].Issues) != 0 {
		t.Fatalf("yyyymmdd number: %+v", rows[5])
	}
}

func TestParsePeopleXLSXSkipsEmptyRows(t *testing.T) {
	id := validID(t, "11010519491231002")
	rows, _ := parsePeople(t, book(t, [][]any{
		zhPeopleHeader,
		nil,
		{"张三", id, "13800138000"},
		{"   ", "", " "},
		nil,
		{"李四", id, "13900139000"},
	}))
	if len(rows) != 2 || rows[0].Row != 3 || rows[1].Row != 6 {
		t.Fatalf("rows = %+v", rows)
	}
}

func TestParseXLSXMissingHeader(t *testing.T) {
	check := func(t *testing.T, err error, fields ...string) {
		t.Helper()
		var ie *ImportError
		if !errors.As(err, &ie) || len(ie.Issues) != len(fields) {
			t.Fatalf("err = %v", err)
		}
		for i, f := range fields {
			if is := ie.Issues[i]; is.Row != 1 || is.Field != f || is.Zh == "" || is.En == "" {
				t.Fatalf("issue %d = %+v, want row 1 field %s", i, is, f)
			}
		}
	}
	_, _, err := ParsePeopleXLSX(bytes.NewReader(book(t, [][]any{{"姓名", "手机号"}, {"张三", "13800138000"}})), testLookups())
	check(t, err, "id_number")
	_, _, err = ParsePeopleXLSX(bytes.NewReader(book(t, nil)), nil)
	check(t, err, "name", "id_number", "mobile")
	_, _, err = ParseEnterprisesXLSX(bytes.NewReader(book(t, [][]any{{"企业名称", "行业"}})))
	check(t, err, "credit_code")
}

func TestParseXLSXNotAnXLSX(t *testing.T) {
	var zipNoBook bytes.Buffer
	zw := zip.NewWriter(&zipNoBook)
	w, _ := zw.Create("hello.txt")
	w.Write([]byte("hi"))
	zw.Close()
	good := book(t, [][]any{zhPeopleHeader})
	for name, b := range map[string][]byte{
		"empty":     nil,
		"text":      []byte("姓名,身份证号\n张三,1\n"),
		"zip":       zipNoBook.Bytes(),
		"truncated": good[:len(good)/2],
		"ole":       append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...),
	} {
		t.Run(name, func(t *testing.T) {
			_, col, err := ParsePeopleXLSX(bytes.NewReader(b), nil)
			e := errs.As(err)
			if e == nil || e.Kind != errs.Invalid || e.Zh == "" || e.En == "" {
				t.Fatalf("err = %#v", err)
			}
			if col == nil || col("name") != "" {
				t.Fatal("column func must be usable on failure")
			}
			_, _, err = ParseEnterprisesXLSX(bytes.NewReader(b))
			if errs.KindOf(err) != errs.Invalid {
				t.Fatalf("enterprises: %v", err)
			}
		})
	}
}

func TestParseXLSXRowCap(t *testing.T) {
	f := excelize.NewFile()
	sw, _ := f.NewStreamWriter("Sheet1")
	sw.SetRow("A1", []any{"姓名", "身份证号", "手机号"})
	for i := 2; i <= MaxImportRows+2; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i)
		sw.SetRow(cell, []any{"张三", "110105194912310021", "13800138000"})
	}
	sw.Flush()
	var b bytes.Buffer
	f.Write(&b)
	_, _, err := ParsePeopleXLSX(&b, nil)
	var ie *ImportError
	if !errors.As(err, &ie) || len(ie.Issues) != 1 || !strings.Contains(ie.Issues[0].Zh, "20000") || !strings.Contains(ie.Issues[0].En, "20000") {
		t.Fatalf("err = %v", err)
	}
}

func TestPeopleXLSXRoundTrip(t *testing.T) {
	people := []Person{
		{Name: "张三", IDNumber: validID(t, "11010519491231002"), Mobile: "13800138000", Gender: "M", BirthYear: 1949,
			PartyMember: true, JoinedPartyOn: "1970-07-01", BranchName: "园区机关第一党支部", VillageName: "东村",
			DepartmentName: "组织部", EnterpriseName: "华兴科技有限公司", Positions: []string{PosBranchSecretary, "custom"}},
		{Name: "欧阳娜娜", IDNumber: validID(t, "11010119900307002"), Mobile: "13900139000", Gender: "F"},
		{Name: "=HYPERLINK(\"x\")", IDNumber: "110105********0021", Mobile: "138****8000"}, // masked, formula-like
	}
	if !strings.HasSuffix(people[0].IDNumber, "X") {
		t.Fatal("want an ID ending in X in the round trip")
	}
	for _, lang := range []string{"zh", "en"} {
		t.Run(lang, func(t *testing.T) {
			var b bytes.Buffer
			if err := WritePeopleXLSX(&b, people, lang); err != nil {
				t.Fatal(err)
			}
			raw := b.Bytes()
			rows, _ := parsePeople(t, raw)
			noIssues(t, rows)
			if len(rows) != len(people) {
				t.Fatalf("got %d rows", len(rows))
			}
			for i, p := range people {
				in := rows[i].In
				if in.Name != p.Name || in.IDNumber != p.IDNumber || in.Mobile != p.Mobile || in.PartyMember != p.PartyMember || in.JoinedPartyOn != p.JoinedPartyOn {
					t.Fatalf("row %d: %+v from %+v", i, in, p)
				}
			}
			if in := rows[0].In; in.BranchID != 11 || in.VillageID != 21 || in.DepartmentID != 31 || in.EnterpriseID != 41 {
				t.Fatalf("units: %+v", in)
			}
			f, err := excelize.OpenReader(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			sheet := f.GetSheetName(0)
			hdr, _ := f.GetRows(sheet)
			wantLast := map[string]string{"zh": "岗位", "en": "Positions"}[lang]
			if len(hdr[0]) != 12 || hdr[0][11] != wantLast || hdr[1][9] != map[string]string{"zh": "男", "en": "Male"}[lang] || hdr[1][10] != "1949" {
				t.Fatalf("header/extra columns: %q / %q", hdr[0], hdr[1])
			}
			if !strings.Contains(hdr[1][11], PositionNames[PosBranchSecretary][map[string]int{"zh": 0, "en": 1}[lang]]) || !strings.Contains(hdr[1][11], "custom") {
				t.Fatalf("positions: %q", hdr[1][11])
			}
			for _, ref := range []string{"B2", "C2", "A4"} {
				if typ, _ := f.GetCellType(sheet, ref); typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
					t.Errorf("%s is not a text cell: %v", ref, typ)
				}
			}
			if fm, _ := f.GetCellFormula(sheet, "A4"); fm != "" {
				t.Errorf("formula-like text became a formula: %q", fm)
			}
			if p, _ := f.GetPanes(sheet); !p.Freeze || p.YSplit != 1 {
				t.Errorf("header not frozen: %+v", p)
			}
		})
	}
}

func TestEnterprisesXLSX(t *testing.T) {
	b := book(t, [][]any{
		{"统一社会信用代码", "企业名称", "称号", "规上企业", "限上企业", "行业", "地址"},
		{"91350100M000100Y43", "华兴科技有限公司", "专精特新、High-tech enterprise; single_champion，专精特新", "是", "否", "制造业", "园区一路 1 号"},
		{"91110105MA01ABC179", "东方贸易公司", "金牌企业", "Y", "maybe"},
	})
	rows, col, err := ParseEnterprisesXLSX(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	want := EnterpriseInput{Name: "华兴科技有限公司", CreditCode: "91350100M000100Y43", AboveScale: true, Industry: "制造业",
		Address: "园区一路 1 号", Designations: []string{"specialized", "high_tech", "single_champion"}}
	if len(rows) != 2 || len(rows[0].Issues) != 0 || fmt.Sprint(rows[0].In) != fmt.Sprint(want) {
		t.Fatalf("rows = %+v", rows)
	}
	if col("credit_code") != "A（统一社会信用代码）" || col("designations") != "C（称号）" {
		t.Fatalf("columns %q %q", col("credit_code"), col("designations"))
	}
	if is := rows[1].Issues; len(is) != 2 || is[0].Field != "above_quota" || is[1].Field != "designations" || is[1].Row != 3 {
		t.Fatalf("issues = %+v", is)
	}
	es := []Enterprise{{Name: "华兴科技有限公司", CreditCode: "91350100M000100Y43", AboveQuota: true, Industry: "制造业",
		Designations: []Designation{{"high_tech", 2023}, {"high_tech", 2024}, {"specialized", 2024}}}}
	for _, lang := range []string{"zh", "en"} {
		var out bytes.Buffer
		if err := WriteEnterprisesXLSX(&out, es, lang); err != nil {
			t.Fatal(err)
		}
		rows, _, err := ParseEnterprisesXLSX(&out)
		if err != nil || len(rows) != 1 || len(rows[0].Issues) != 0 {
			t.Fatalf("%s: %v %+v", lang, err, rows)
		}
		if in := rows[0].In; in.Name != es[0].Name || in.CreditCode != es[0].CreditCode || !in.AboveQuota || in.AboveScale ||
			fmt.Sprint(in.Designations) != "[specialized high_tech]" {
			t.Fatalf("%s round trip: %+v", lang, in)
		}
	}
}

func TestTemplatesXLSX(t *testing.T) {
	for name, fn := range map[string]func(*bytes.Buffer) error{
		"people":      func(b *bytes.Buffer) error { return PeopleTemplateXLSX(b) },
		"enterprises": func(b *bytes.Buffer) error { return EnterprisesTemplateXLSX(b) },
	} {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := fn(&b); err != nil {
				t.Fatal(err)
			}
			raw := bytes.Clone(b.Bytes())
			var n int
			var err error
			if name == "people" {
				var rows []PersonRow
				rows, _, err = ParsePeopleXLSX(&b, nil)
				n = len(rows)
			} else {
				var rows []EnterpriseRow
				rows, _, err = ParseEnterprisesXLSX(&b)
				n = len(rows)
			}
			if err != nil || n != 0 {
				t.Fatalf("template parsed to %d rows, %v", n, err)
			}
			f, _ := excelize.OpenReader(bytes.NewReader(raw))
			defer f.Close()
			if l := f.GetSheetList(); len(l) != 2 || l[1] != "说明" {
				t.Fatalf("sheets = %v", l)
			}
			notes, _ := f.GetRows("说明")
			if len(notes) < 8 || !strings.Contains(fmt.Sprint(notes), "必填") {
				t.Fatalf("说明 = %v", notes)
			}
		})
	}
}

func TestWriteTableXLSX(t *testing.T) {
	var b bytes.Buffer
	rows := [][]string{{"东村", "=1+1", "007"}, {"南村", "", "很长很长的一段说明文字"}}
	if err := WriteTableXLSX(&b, "村/社区", []string{"村名", "备注", "编号"}, rows); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, _ := f.GetRows(f.GetSheetName(0))
	if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", append([][]string{{"村名", "备注", "编号"}}, rows...)) {
		t.Fatalf("rows = %q", got)
	}
	if fm, _ := f.GetCellFormula(f.GetSheetName(0), "B2"); fm != "" {
		t.Fatalf("formula: %q", fm)
	}
	if err := WriteTableXLSX(&bytes.Buffer{}, "审计日志", nil, nil); err != nil {
		t.Fatal(err)
	}
}

func FuzzParsePeopleXLSX(f *testing.F) {
	f.Add(book(f, [][]any{zhPeopleHeader, {"张三", "110105194912310021", "13800138000", "是", "2001-07-01", "x", "东村"}}))
	f.Add(book(f, [][]any{{"name", "id_number", "mobile"}, {"a", excelize.Cell{Value: "1.1E+17"}, 1}}))
	f.Add([]byte{})
	f.Add([]byte("PK\x03\x04junk"))
	f.Add([]byte{0xD0, 0xCF, 0x11, 0xE0})
	f.Fuzz(func(t *testing.T, b []byte) {
		rows, col, err := ParsePeopleXLSX(bytes.NewReader(b), testLookups())
		if col == nil {
			t.Fatal("nil column func")
		}
		if err != nil {
			var ie *ImportError
			if e := errs.As(err); !errors.As(err, &ie) && (e == nil || e.Kind != errs.Invalid) {
				t.Fatalf("unexpected error type: %#v", err)
			}
			return
		}
		for _, r := range rows {
			if r.Row < 2 {
				t.Fatalf("data row %d", r.Row)
			}
		}
	})
}

// BenchmarkParsePeopleXLSX parses a 20,000-row people file (the import's
// cap per file) the way excelize's stream writer writes it: inline strings.
func BenchmarkParsePeopleXLSX(b *testing.B) {
	f := excelize.NewFile()
	sw, _ := f.NewStreamWriter("Sheet1")
	sw.SetRow("A1", zhPeopleHeader)
	for i := 2; i <= MaxImportRows+1; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i)
		sw.SetRow(cell, []any{fmt.Sprintf("导入测试%06d", i), validID(b, fmt.Sprintf("65900119400101%03d", i%1000)), fmt.Sprintf("139%08d", i), "否", "", "", "", "", ""})
	}
	sw.Flush()
	var buf bytes.Buffer
	f.Write(&buf)
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for b.Loop() {
		rows, _, err := ParsePeopleXLSX(bytes.NewReader(buf.Bytes()), testLookups())
		if err != nil || len(rows) != MaxImportRows {
			b.Fatal(len(rows), err)
		}
	}
}

// What Excel and WPS write beyond plain strings: a name in rich text (runs
// with their own fonts), a boolean cell for 是否党员, a date under a custom
// Chinese format, and cells left empty between filled ones.
func TestParsePeopleXLSXRichTextBoolAndCustomDate(t *testing.T) {
	id := validID(t, "11010519491231002")
	b := book(t, [][]any{
		zhPeopleHeader,
		{nil, id, "13800138000", true, time.Date(2001, 7, 1, 0, 0, 0, 0, time.UTC), nil, "东村"},
	}, func(f *excelize.File) {
		if err := f.SetCellRichText("Sheet1", "A2", []excelize.RichTextRun{{Text: "张", Font: &excelize.Font{Bold: true}}, {Text: "三"}}); err != nil {
			t.Fatal(err)
		}
		fmtCode := `yyyy"年"m"月"d"日"`
		st, err := f.NewStyle(&excelize.Style{CustomNumFmt: &fmtCode})
		if err != nil {
			t.Fatal(err)
		}
		f.SetCellStyle("Sheet1", "E2", "E2", st)
	})
	rows, _ := parsePeople(t, b)
	noIssues(t, rows)
	want := PersonInput{Name: "张三", IDNumber: id, Mobile: "13800138000", PartyMember: true, JoinedPartyOn: "2001-07-01", VillageID: 21}
	if len(rows) != 1 || rows[0].In != want {
		t.Fatalf("rows = %+v", rows)
	}
}

func TestShownNumbers(t *testing.T) {
	g := &xlGrid{book: mustBook(t, book(t, [][]any{{"x"}}))}
	for raw, want := range map[string]string{
		"12": "12", "1.5": "1.5", "1.5E+2": "150", "13800138000": "13800138000",
		"1.10101200001010E+17": "1.1010120000101E+17", // Excel kept 15 digits
		"110105194912310021":   "1.1010519491231E+17", // shown as Excel shows it; ident reads the raw digits
		"110101200001010000":   "110101200001010000",  // zero-filled past 15 digits: written out
		"x_1":                  "x_1", "abc": "abc",
	} {
		if got := g.shown(xlsx.Cell{Type: xlsx.Number, Value: raw}); got != want {
			t.Errorf("shown(%q) = %q, want %q", raw, got, want)
		}
	}
	if got := g.shown(xlsx.Cell{Type: xlsx.Bool, Value: "0"}); got != "FALSE" {
		t.Errorf("bool: %q", got)
	}
}

func mustBook(t *testing.T, b []byte) *xlsx.Book {
	t.Helper()
	bk, err := xlsx.Open(bytes.NewReader(b), int64(len(b)), xlsx.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return bk
}

func TestXLIsNum(t *testing.T) {
	for s, want := range map[string]bool{"0": true, "12": true, "1.5": true, "1.5E+17": true, "1e5": true, "1.10101200001010E+17": true,
		"": false, ".5": false, "1.": false, "1e": false, "1e+": false, "-1": false, "1,000": false, "0x10": false, "1.5E+17x": false} {
		if got := xlIsNum(s); got != want {
			t.Errorf("xlIsNum(%q) = %v", s, got)
		}
	}
}
