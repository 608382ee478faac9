package directory

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/xuri/excelize/v2"

	"zhongshu/internal/platform/errs"
)

// Column layouts (header text in Chinese; the parser also accepts the English header):
// people:      A 姓名/name, B 身份证号/id_number, C 手机号/mobile, D 是否党员/party_member (是/否, yes/no, Y/N, 1/0, empty=否), E 入党日期/joined_party_on (YYYY-MM-DD or an Excel date cell), F 所属党组织/branch (name), G 所属村/village (name), H 所属部门/department (name), I 所属企业/enterprise (name or credit code)
// enterprises: A 企业名称/name, B 统一社会信用代码/credit_code, C 规上企业/above_scale (是/否), D 限上企业/above_quota (是/否), E 行业/industry, F 地址/address, G 称号/designations (Chinese or English names or codes separated by 、,，; — map with DesignationCode)
//
// One table drives the parser, the exports and the templates, so a column
// cannot be renamed in one and forgotten in the others. field is the name
// validatePerson/validateEnterprise put in their errors; text marks
// identifiers, kept as text cells so Excel never rounds them.
type xlCol struct {
	field, zh, en  string
	required, text bool
	width          float64
	note           string // for the 说明 sheet
}

var xlPeopleCols = []xlCol{
	{"name", "姓名", "Name", true, false, 10, "必填，1–50 个字"},
	{"id_number", "身份证号", "ID number", true, true, 22, "必填，18 位居民身份证号码（末位可为 X）；本列须为“文本”格式，否则 Excel 只保留 15 位有效数字"},
	{"mobile", "手机号", "Mobile", true, true, 14, "必填，11 位手机号码"},
	{"party_member", "是否党员", "Party member", false, false, 10, "填 是/否（也可填 yes/no、Y/N、1/0），留空视为否"},
	{"joined_party_on", "入党日期", "Joined party on", false, false, 12, "YYYY-MM-DD 或 Excel 日期；填写后视为党员"},
	{"branch_id", "所属党组织", "Branch", false, false, 24, "填党组织全称，须已在系统中登记"},
	{"village_id", "所属村", "Village", false, false, 12, "填村名，须已在系统中登记"},
	{"department_id", "所属部门", "Department", false, false, 14, "填部门名称，须已在系统中登记"},
	{"enterprise_id", "所属企业", "Enterprise", false, false, 24, "填企业名称或统一社会信用代码，须已在系统中登记"},
}

var xlEnterpriseCols = []xlCol{
	{"name", "企业名称", "Name", true, false, 30, "必填，2–100 个字"},
	{"credit_code", "统一社会信用代码", "Credit code", true, true, 22, "必填，18 位，按 GB 32100 校验；建议本列设为“文本”格式"},
	{"above_scale", "规上企业", "Above scale", false, false, 10, "是/否，留空视为否"},
	{"above_quota", "限上企业", "Above quota", false, false, 10, "是/否，留空视为否"},
	{"industry", "行业", "Industry", false, false, 16, "选填，不超过 50 个字"},
	{"address", "地址", "Address", false, false, 36, "选填，不超过 200 个字"},
	{"designations", "称号", "Designations", false, false, 30, "选填，多个称号用 、 , ， ; 分隔，可填：" + xlDesignationList()},
}

func xlDesignationList() string {
	var s []string
	for _, d := range Designations {
		s = append(s, d.Zh)
	}
	return strings.Join(s, "、")
}

const (
	// MaxImportRows caps one import: it is validated and stored in a single
	// transaction, and no real zone list comes near it.
	MaxImportRows = 20000
	// excelize holds the whole upload in memory and a small zip can expand
	// enormously, so both sizes are bounded.
	maxXLSXBytes  = 32 << 20
	maxUnzipBytes = 256 << 20
	// A worksheet or shared-strings part larger than this is unzipped to a
	// temporary file and read from there by the row iterator, instead of
	// being held (and parsed) in memory: the import's memory stays flat in
	// the row count (issue 8).
	maxUnzipXMLBytes = 1 << 20
)

// xlOLEMagic starts a Compound File: a password-protected .xlsx or an old .xls.
var xlOLEMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// xlNumRe matches how a number is stored in the sheet XML.
var xlNumRe = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

func xlBadFile(zh, en string, cause error) error {
	return &errs.Error{Kind: errs.Invalid, Zh: zh, En: en, Err: cause}
}

// notXLSX keeps an error that is already user-facing and otherwise reports
// the generic "not an .xlsx" message; the cause is kept for logs only.
func notXLSX(cause error) error {
	if e := errs.As(cause); e != nil {
		return e
	}
	return xlBadFile("文件不是有效的 Excel（.xlsx）文件，请用 Excel 或 WPS 另存为 .xlsx 后重试",
		"the file is not a valid Excel (.xlsx) workbook; save it as .xlsx and try again", cause)
}

// xlSafely runs excelize calls on an uploaded file, turning a library panic
// on malformed input into an Invalid error: a bad upload must not crash the
// server. Only library calls go through it, so our own bugs still surface.
func xlSafely(fn func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = notXLSX(fmt.Errorf("excelize panic: %v", p))
		}
	}()
	return fn()
}

func openXLSX(r io.Reader) (*excelize.File, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxXLSXBytes+1))
	switch {
	case err != nil:
		return nil, xlBadFile("无法读取上传的文件", "the uploaded file could not be read", err)
	case len(b) == 0:
		return nil, xlBadFile("文件为空，请选择 Excel（.xlsx）文件", "the file is empty; choose an Excel (.xlsx) file", nil)
	case len(b) > maxXLSXBytes:
		return nil, xlBadFile(fmt.Sprintf("文件超过 %d MB，请拆分后分批导入", maxXLSXBytes>>20),
			fmt.Sprintf("the file exceeds %d MB; split it and import in batches", maxXLSXBytes>>20), nil)
	case bytes.HasPrefix(b, xlOLEMagic):
		return nil, xlBadFile("文件已加密或为旧版 .xls 格式，请取消密码并另存为 .xlsx 后重试",
			"the file is encrypted or an old .xls workbook; remove the password and save it as .xlsx", nil)
	}
	var f *excelize.File
	if err = xlSafely(func() (err error) {
		f, err = excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: maxUnzipBytes, UnzipXMLSizeLimit: maxUnzipXMLBytes})
		return err
	}); err != nil {
		if f != nil {
			f.Close()
		}
		return nil, notXLSX(err)
	}
	return f, nil
}

// xlGrid is the first sheet of an upload and where its header put each field.
type xlGrid struct {
	f        *excelize.File
	sheet    string
	cols     []xlCol
	at       map[string]int // field → 0-based column index
	date1904 bool
}

func (g *xlGrid) spec(field string) xlCol {
	for _, c := range g.cols {
		if c.field == field {
			return c
		}
	}
	return xlCol{field: field, zh: field, en: field}
}

func (g *xlGrid) letter(field string) string {
	i, ok := g.at[field]
	if !ok {
		return ""
	}
	s, _ := excelize.ColumnNumberToName(i + 1)
	return s
}

// column labels a field for an issue ("B（身份证号）") with the column the
// user's header actually put it in; "" for a field not in the file.
func (g *xlGrid) column(field string) string {
	if l := g.letter(field); l != "" {
		return l + "（" + g.spec(field).zh + "）"
	}
	return ""
}

// xlCells is one data row, formatted (what the user sees) and raw (what is
// stored: every digit of an ID, the serial number of a date).
type xlCells struct {
	g         *xlGrid
	row       int
	fmtd, raw []string
	issues    []RowIssue
}

func (c *xlCells) get(row []string, field string) string {
	if i, ok := c.g.at[field]; ok && i < len(row) {
		return strings.TrimSpace(row[i])
	}
	return ""
}

func (c *xlCells) val(field string) string { return c.get(c.fmtd, field) }

func (c *xlCells) add(field, zh, en string) {
	l := c.g.letter(field)
	c.issues = append(c.issues, RowIssue{Row: c.row, Column: c.g.column(field), Field: field,
		Zh: fmt.Sprintf("第 %d 行 %s 列：%s", c.row, l, zh), En: fmt.Sprintf("row %d column %s: %s", c.row, l, en)})
}

// ident reads an identifier from the raw cell, because the formatted value of
// a number with more than 15 digits is scientific notation. A number Excel
// already rounded (exponent form, or a number cell zero-filled past its 15
// significant digits) cannot be recovered: the user must re-enter it as text.
func (c *xlCells) ident(field string) string {
	v := c.get(c.raw, field)
	if !xlNumRe.MatchString(v) {
		return v
	}
	lost := false
	if strings.ContainsAny(v, ".eE") {
		if f, _ := strconv.ParseFloat(v, 64); f < 1e15 && f == math.Trunc(f) {
			return strconv.FormatInt(int64(f), 10)
		}
		lost = true
	} else if len(v) > 15 && len(strings.TrimRight(v, "0")) <= 15 {
		ref, _ := excelize.CoordinatesToCellName(c.g.at[field]+1, c.row)
		var t excelize.CellType
		_ = xlSafely(func() (err error) { t, err = c.g.f.GetCellType(c.g.sheet, ref); return err })
		lost = t == excelize.CellTypeUnset || t == excelize.CellTypeNumber
	}
	if lost {
		s := c.g.spec(field)
		c.add(field, fmt.Sprintf("%s被 Excel 存成了数字（%s），超过 15 位的部分已丢失；请把该列设置为“文本”格式后重新录入", s.zh, v),
			fmt.Sprintf("the %s was stored as a number (%s) and Excel kept only 15 digits; format the column as text (文本) and re-enter it", s.en, v))
	}
	return v
}

func (c *xlCells) boolean(field string) bool {
	switch v := c.val(field); strings.ToLower(v) {
	case "", "否", "no", "n", "0", "false":
		return false
	case "是", "yes", "y", "1", "true":
		return true
	default:
		s := c.g.spec(field)
		c.add(field, fmt.Sprintf("%s应填“是”或“否”，实际为“%s”", s.zh, v), fmt.Sprintf("%s must be yes or no, got “%s”", s.en, v))
		return false
	}
}

var xlDateLayouts = []string{"2006-1-2", "2006/1/2", "2006.1.2", "2006年1月2日", "20060102"}

// date accepts an Excel date cell (a serial number under whatever display
// format) or the usual typed forms, and returns YYYY-MM-DD, the one form
// validatePerson accepts.
func (c *xlCells) date(field string) string {
	s, raw := c.val(field), c.get(c.raw, field)
	if s == "" && raw == "" {
		return ""
	}
	// Only a number shown through a display format is a date serial: a plain
	// 2019 is a year someone typed, not 1905-07-11.
	if v, err := strconv.ParseFloat(raw, 64); err == nil && s != raw && xlNumRe.MatchString(raw) && v >= 1 && v < 2958466 {
		if t, err := excelize.ExcelDateToTime(v, c.g.date1904); err == nil {
			return t.Format("2006-01-02")
		}
	}
	for _, l := range xlDateLayouts {
		for _, v := range []string{s, raw} {
			if t, err := time.Parse(l, v); err == nil {
				return t.Format("2006-01-02")
			}
		}
	}
	sp := c.g.spec(field)
	c.add(field, fmt.Sprintf("%s“%s”无法识别，请填写 YYYY-MM-DD 格式的日期", sp.zh, s), fmt.Sprintf("%s “%s” is not a date; use YYYY-MM-DD", sp.en, s))
	return ""
}

// unit resolves a unit name typed in the file (enterprises also by credit
// code, which users often type in lower case).
func (c *xlCells) unit(field string, m map[string]int64, zh, en string) int64 {
	v := c.val(field)
	if v == "" {
		return 0
	}
	if id, ok := m[v]; ok {
		return id
	}
	if id, ok := m[strings.ToUpper(v)]; ok {
		return id
	}
	c.add(field, fmt.Sprintf("%s“%s”不存在", zh, v), fmt.Sprintf("%s “%s” does not exist", en, v))
	return 0
}

// xlNormHeader forgives what users do to headers: spaces, a required-mark
// asterisk, "ID Number" for id_number.
func xlNormHeader(s string) string {
	s = strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '*' || r == '＊' })
	return strings.NewReplacer(" ", "_", "-", "_").Replace(strings.ToLower(s))
}

// header locates each field by header text, so a reordered template or
// extra columns still work.
func (g *xlGrid) header(row []string) []RowIssue {
	var issues []RowIssue
	for i, h := range row {
		k := xlNormHeader(h)
		for _, c := range g.cols {
			if k == "" || (k != c.zh && k != xlNormHeader(c.en) && k != c.field) {
				continue
			}
			if _, dup := g.at[c.field]; dup {
				l, _ := excelize.ColumnNumberToName(i + 1)
				issues = append(issues, RowIssue{Row: 1, Column: l, Field: c.field,
					Zh: fmt.Sprintf("第 1 行（表头）%s 列“%s”与前面的列重复", l, c.zh), En: fmt.Sprintf("row 1 (header): column %s repeats “%s”", l, c.en)})
				continue
			}
			g.at[c.field] = i
		}
	}
	for _, c := range g.cols {
		if _, ok := g.at[c.field]; c.required && !ok {
			issues = append(issues, RowIssue{Row: 1, Field: c.field,
				Zh: fmt.Sprintf("第 1 行（表头）缺少必需的列“%s”", c.zh), En: fmt.Sprintf("row 1 (header) lacks the required column “%s” (%s)", c.zh, c.en)})
		}
	}
	return issues
}

// xlParseSheet streams the first sheet and calls each for every non-empty
// data row. Two iterators run in step so each row is seen formatted and raw
// without loading the whole sheet.
func xlParseSheet(r io.Reader, cols []xlCol, each func(*xlCells)) (func(string) string, error) {
	g := &xlGrid{cols: cols, at: map[string]int{}}
	f, err := openXLSX(r)
	if err != nil {
		return g.column, err
	}
	defer f.Close()
	g.f = f
	var fr, rr *excelize.Rows
	if err := xlSafely(func() (err error) {
		if g.sheet = f.GetSheetName(0); g.sheet == "" {
			return notXLSX(nil)
		}
		if p, err := f.GetWorkbookProps(); err == nil && p.Date1904 != nil {
			g.date1904 = *p.Date1904
		}
		if fr, err = f.Rows(g.sheet); err == nil {
			rr, err = f.Rows(g.sheet)
		}
		return err
	}); err != nil {
		return g.column, notXLSX(err)
	}
	defer fr.Close()
	defer rr.Close()
	for n, data := 1, 0; ; n++ {
		var more bool
		c := &xlCells{g: g, row: n}
		if err := xlSafely(func() (err error) {
			if more = fr.Next() && rr.Next(); !more {
				return fr.Error()
			}
			if c.fmtd, err = fr.Columns(); err == nil {
				c.raw, err = rr.Columns(excelize.Options{RawCellValue: true})
			}
			return err
		}); err != nil {
			return g.column, notXLSX(err)
		}
		if n == 1 {
			if issues := g.header(c.fmtd); len(issues) > 0 {
				return g.column, &ImportError{Issues: issues}
			}
		}
		if !more {
			return g.column, nil
		}
		if n == 1 || strings.TrimSpace(strings.Join(c.fmtd, "")+strings.Join(c.raw, "")) == "" {
			continue
		}
		if data++; data > MaxImportRows {
			return g.column, &ImportError{Issues: []RowIssue{{Row: n,
				Zh: fmt.Sprintf("文件数据超过 %d 行，请拆分为多个文件分批导入", MaxImportRows),
				En: fmt.Sprintf("the file has more than %d data rows; split it and import in batches", MaxImportRows)}}}
		}
		each(c)
	}
}

// ParsePeopleXLSX turns an uploaded people file into rows for ImportPeople,
// which does the field validation (ID, mobile, name); the returned func
// labels a field's column for that report.
func ParsePeopleXLSX(r io.Reader, lk *Lookups) ([]PersonRow, func(field string) string, error) {
	if lk == nil {
		lk = &Lookups{}
	}
	var out []PersonRow
	col, err := xlParseSheet(r, xlPeopleCols, func(c *xlCells) {
		in := PersonInput{Name: c.val("name"), IDNumber: c.ident("id_number"), Mobile: c.ident("mobile"),
			PartyMember: c.boolean("party_member"), JoinedPartyOn: c.date("joined_party_on")}
		in.BranchID = c.unit("branch_id", lk.Branches, "党组织", "party organisation")
		in.VillageID = c.unit("village_id", lk.Villages, "村", "village")
		in.DepartmentID = c.unit("department_id", lk.Departments, "部门", "department")
		in.EnterpriseID = c.unit("enterprise_id", lk.Enterprises, "企业", "enterprise")
		out = append(out, PersonRow{Row: c.row, In: in, Issues: c.issues})
	})
	if err != nil {
		return nil, col, err
	}
	return out, col, nil
}

// ParseEnterprisesXLSX turns an uploaded enterprise file into rows for
// ImportEnterprises, which validates the name and credit code.
func ParseEnterprisesXLSX(r io.Reader) ([]EnterpriseRow, func(field string) string, error) {
	var out []EnterpriseRow
	col, err := xlParseSheet(r, xlEnterpriseCols, func(c *xlCells) {
		in := EnterpriseInput{Name: c.val("name"), CreditCode: c.ident("credit_code"), AboveScale: c.boolean("above_scale"),
			AboveQuota: c.boolean("above_quota"), Industry: c.val("industry"), Address: c.val("address")}
		for _, d := range strings.FieldsFunc(c.val("designations"), func(r rune) bool { return strings.ContainsRune("、,，;；\n", r) }) {
			if d = strings.TrimSpace(d); d == "" {
				continue
			}
			if code, ok := DesignationCode(d); !ok {
				c.add("designations", fmt.Sprintf("未知的企业称号“%s”，可填：%s", d, xlDesignationList()), fmt.Sprintf("unknown designation “%s”", d))
			} else if !slices.Contains(in.Designations, code) {
				in.Designations = append(in.Designations, code)
			}
		}
		out = append(out, EnterpriseRow{Row: c.row, In: in, Issues: c.issues})
	})
	if err != nil {
		return nil, col, err
	}
	return out, col, nil
}

// xlPick chooses by lang ("en", anything else is Chinese) like errs.Error.Message.
func xlPick(zh, en, lang string) string {
	if lang == "en" {
		return en
	}
	return zh
}

func xlYesNo(b bool, lang string) string {
	if b {
		return xlPick("是", "yes", lang)
	}
	return xlPick("否", "no", lang)
}

// WritePeopleXLSX writes people (already masked or not — the caller decides) with the same headers as the import template, plus 性别, 出生年份, 岗位 columns at the end; uses excelize's StreamWriter so 100k rows stay in bounded memory; bold frozen header row, sensible column widths; text cells for IDs and phones.
func WritePeopleXLSX(w io.Writer, people []Person, lang string) error {
	// Export-only columns go after the template's, so an export can be
	// edited and re-imported as is.
	cols := append(slices.Clone(xlPeopleCols), xlCol{zh: "性别", en: "Gender", width: 6},
		xlCol{zh: "出生年份", en: "Birth year", width: 10}, xlCol{zh: "岗位", en: "Positions", width: 30})
	return xlWriteBook(w, xlPick("人员", "People", lang), cols, lang, len(people), func(i int) []any {
		p := people[i]
		var pos []string
		for _, t := range p.Positions {
			if n, ok := PositionNames[t]; ok {
				t = xlPick(n[0], n[1], lang)
			}
			pos = append(pos, t)
		}
		var year any // nil leaves the cell empty
		if p.BirthYear > 0 {
			year = p.BirthYear
		}
		gender := map[string]string{"M": xlPick("男", "Male", lang), "F": xlPick("女", "Female", lang)}[p.Gender]
		return []any{p.Name, p.IDNumber, p.Mobile, xlYesNo(p.PartyMember, lang), p.JoinedPartyOn, p.BranchName,
			p.VillageName, p.DepartmentName, p.EnterpriseName, gender, year, strings.Join(pos, xlPick("、", "; ", lang))}
	}, false)
}

// WriteEnterprisesXLSX writes enterprises with the import template's headers
// so an export can be edited and imported elsewhere; each designation is
// listed once (whatever the years), by name in lang.
func WriteEnterprisesXLSX(w io.Writer, es []Enterprise, lang string) error {
	return xlWriteBook(w, xlPick("企业", "Enterprises", lang), xlEnterpriseCols, lang, len(es), func(i int) []any {
		e := es[i]
		var names []string
		for _, d := range Designations {
			if slices.ContainsFunc(e.Designations, func(x Designation) bool { return x.Code == d.Code }) {
				names = append(names, xlPick(d.Zh, d.En, lang))
			}
		}
		return []any{e.Name, e.CreditCode, xlYesNo(e.AboveScale, lang), xlYesNo(e.AboveQuota, lang), e.Industry, e.Address,
			strings.Join(names, xlPick("、", "; ", lang))}
	}, false)
}

// Templates: an empty file with just the header row (and a second sheet "说明" explaining each column and rule in Chinese) for users to fill in.
func PeopleTemplateXLSX(w io.Writer) error {
	return xlWriteBook(w, "人员", xlPeopleCols, "zh", 0, nil, true)
}

// EnterprisesTemplateXLSX is the enterprise import template; see PeopleTemplateXLSX.
func EnterprisesTemplateXLSX(w io.Writer) error {
	return xlWriteBook(w, "企业", xlEnterpriseCols, "zh", 0, nil, true)
}

// WriteTableXLSX is the generic list exporter (villages, departments,
// branches, audit log). Every value is a string cell, so text that looks like
// a formula ("=HYPERLINK(…)") is never evaluated when the file is opened.
func WriteTableXLSX(w io.Writer, sheet string, headers []string, rows [][]string) error {
	cols := make([]xlCol, len(headers))
	for i, h := range headers {
		cols[i] = xlCol{zh: h, width: xlWidth(h)}
	}
	for _, r := range rows {
		for i := 0; i < len(r) && i < len(cols); i++ {
			cols[i].width = max(cols[i].width, xlWidth(r[i]))
		}
	}
	return xlWriteBook(w, sheet, cols, "zh", len(rows), func(i int) []any {
		out := make([]any, min(len(rows[i]), len(cols)))
		for j := range out {
			out[j] = rows[i][j]
		}
		return out
	}, false)
}

// xlWidth estimates a column width; CJK characters are twice as wide.
func xlWidth(s string) float64 {
	n := 2.0
	for _, r := range s {
		if n++; r >= 0x1100 {
			n++
		}
	}
	return min(max(n, 8), 60)
}

// xlWriteBook streams one sheet with a bold, frozen header and text-formatted
// identifier columns (so IDs typed later into a template stay text too), and
// for templates adds the 说明 sheet.
func xlWriteBook(w io.Writer, sheet string, cols []xlCol, lang string, n int, row func(int) []any, notes bool) error {
	f := excelize.NewFile()
	defer f.Close()
	bold, err1 := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	text, err2 := f.NewStyle(&excelize.Style{NumFmt: 49}) // 49 is "@", Text
	if f.SetSheetName("Sheet1", sheet) != nil {
		sheet = "Sheet1" // a name Excel would refuse (too long, has []:*?/\) must not lose the export
	}
	sw, err := f.NewStreamWriter(sheet)
	if err := errors.Join(err1, err2, err); err != nil {
		return err
	}
	hdr := make([]any, len(cols))
	var setup []error
	for i, c := range cols {
		setup = append(setup, sw.SetColWidth(i+1, i+1, c.width))
		if c.text {
			setup = append(setup, sw.SetColStyle(i+1, i+1, text))
		}
		hdr[i] = excelize.Cell{StyleID: bold, Value: xlPick(c.zh, c.en, lang)}
	}
	setup = append(setup, sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}), sw.SetRow("A1", hdr))
	if err := errors.Join(setup...); err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		vals := row(i)
		for j := range vals {
			if cols[j].text {
				vals[j] = excelize.Cell{StyleID: text, Value: vals[j]}
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, vals); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if notes {
		if err := xlWriteNotes(f, cols, bold); err != nil {
			return err
		}
	}
	return f.Write(w)
}

// xlWriteNotes adds the 说明 sheet, so the rules travel with the form.
func xlWriteNotes(f *excelize.File, cols []xlCol, bold int) error {
	const s = "说明"
	rows := [][]any{
		{"填写说明"},
		{"1. 在第一个工作表填写。第 1 行为表头，请勿修改表头文字；列的顺序可以调整，表头也可使用英文。"},
		{"2. 从第 2 行起每行一条记录，空行会被跳过；每个文件最多 " + strconv.Itoa(MaxImportRows) + " 行数据。"},
		{"3. 只要有一行有错误，整个文件都不会导入；系统会列出每个错误所在的行、列和原因。"},
		{"4. 身份证号、手机号、统一社会信用代码请保持“文本”格式，不要改为数字格式。"},
		{},
		{"列", "表头", "英文表头", "是否必填", "填写要求"},
	}
	for i, c := range cols {
		l, _ := excelize.ColumnNumberToName(i + 1)
		rows = append(rows, []any{l, c.zh, c.en, map[bool]string{true: "必填", false: "选填"}[c.required], c.note})
	}
	_, err := f.NewSheet(s)
	errl := []error{err}
	for i := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		errl = append(errl, f.SetSheetRow(s, cell, &rows[i]))
	}
	return errors.Join(append(errl, f.SetCellStyle(s, "A1", "A1", bold), f.SetCellStyle(s, "A7", "E7", bold),
		f.SetColWidth(s, "A", "A", 6), f.SetColWidth(s, "B", "D", 16), f.SetColWidth(s, "E", "E", 90))...)
}
