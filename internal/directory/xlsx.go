package directory

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/xuri/excelize/v2"

	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/xlsx"
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
	// A small zip can expand enormously, so the upload and each unzipped
	// part are bounded. The sheet is streamed (platform/xlsx), so neither
	// bound is memory the import holds; the shared strings are held and
	// bounded by xlsx's own limit.
	maxXLSXBytes  = 32 << 20
	maxUnzipBytes = 256 << 20
)

// xlIsNum matches how a number is stored in the sheet XML:
// ^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$ (by hand: it runs for every cell).
func xlIsNum(s string) bool {
	digits := func(i int) int {
		j := i
		for j < len(s) && '0' <= s[j] && s[j] <= '9' {
			j++
		}
		return j
	}
	i := digits(0)
	if i == 0 {
		return false
	}
	if i < len(s) && s[i] == '.' {
		j := digits(i + 1)
		if j == i+1 {
			return false
		}
		i = j
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := digits(i)
		if j == i {
			return false
		}
		i = j
	}
	return i == len(s)
}

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

// openBook opens an upload for streaming: the file must be non-empty and
// within maxXLSXBytes; platform/xlsx refuses anything else with a Chinese
// message (not a zip, encrypted or .xls, malformed, too large unzipped).
func openBook(r io.ReaderAt, size int64) (*xlsx.Book, error) {
	switch {
	case size <= 0:
		return nil, xlBadFile("文件为空，请选择 Excel（.xlsx）文件", "the file is empty; choose an Excel (.xlsx) file", nil)
	case size > maxXLSXBytes:
		return nil, xlBadFile(fmt.Sprintf("文件超过 %d MB，请拆分后分批导入", maxXLSXBytes>>20),
			fmt.Sprintf("the file exceeds %d MB; split it and import in batches", maxXLSXBytes>>20), nil)
	}
	return xlsx.Open(r, size, xlsx.Options{MaxPartBytes: maxUnzipBytes})
}

// openUpload opens an upload that arrives as a plain stream (tests, callers
// without a file), held in memory up to maxXLSXBytes.
func openUpload(r io.Reader) (*xlsx.Book, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxXLSXBytes+1))
	if err != nil {
		return nil, xlBadFile("无法读取上传的文件", "the uploaded file could not be read", err)
	}
	return openBook(bytes.NewReader(b), int64(len(b)))
}

// xlGrid is the first sheet of an upload and where its header put each field.
type xlGrid struct {
	book *xlsx.Book
	cols []xlCol
	at   map[string]int // field → 0-based column index
}

func newGrid(cols []xlCol) *xlGrid { return &xlGrid{cols: cols, at: map[string]int{}} }

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
	return xlsx.ColumnName(i)
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
// stored: every digit of an ID, the serial number of a date), by column.
type xlCells struct {
	g         *xlGrid
	row       int
	fmtd, raw []string
	number    []bool // the cell is a number cell
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
	if !xlIsNum(v) {
		return v
	}
	lost := false
	if strings.ContainsAny(v, ".eE") {
		if f, _ := strconv.ParseFloat(v, 64); f < 1e15 && f == math.Trunc(f) {
			return strconv.FormatInt(int64(f), 10)
		}
		lost = true
	} else if len(v) > 15 && len(strings.TrimRight(v, "0")) <= 15 {
		lost = c.number[c.g.at[field]]
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
	if v, err := strconv.ParseFloat(raw, 64); err == nil && s != raw && xlIsNum(raw) && v >= 1 && v < 2958466 {
		if t, err := excelize.ExcelDateToTime(v, c.g.book.Date1904); err == nil {
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
				l := xlsx.ColumnName(i)
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

// parse streams the first sheet and calls each for every non-empty data
// row; an error from each ends the parse. Row 1 is the header. The cells
// of a row are reused for the next, so each keeps only the strings it takes.
func (g *xlGrid) parse(book *xlsx.Book, each func(*xlCells) error) error {
	g.book, g.at = book, map[string]int{} // a retried transaction parses again
	if len(book.Sheets()) == 0 {
		return notXLSX(nil)
	}
	rows, err := book.Rows(0)
	if err != nil {
		return err
	}
	defer rows.Close()
	c := &xlCells{g: g}
	header := false
	for data := 0; ; {
		more := rows.Next()
		if err := rows.Err(); err != nil {
			return err
		}
		if !header && (!more || rows.Row() > 1) {
			header = true // no row 1: an empty header
			if issues := g.header(nil); len(issues) > 0 {
				return &ImportError{Issues: issues}
			}
		}
		if !more {
			return nil
		}
		c.fill(rows.Row(), rows.Cells())
		if c.row == 1 {
			header = true
			if issues := g.header(c.fmtd); len(issues) > 0 {
				return &ImportError{Issues: issues}
			}
			continue
		}
		if c.blank() {
			continue
		}
		if data++; data > MaxImportRows {
			return &ImportError{Issues: []RowIssue{{Row: c.row,
				Zh: fmt.Sprintf("文件数据超过 %d 行，请拆分为多个文件分批导入", MaxImportRows),
				En: fmt.Sprintf("the file has more than %d data rows; split it and import in batches", MaxImportRows)}}}
		}
		if err := each(c); err != nil {
			return err
		}
	}
}

// fill lays a row's cells out by column, each as shown and as stored.
func (c *xlCells) fill(row int, cells []xlsx.Cell) {
	c.row, c.issues = row, nil
	n := 0
	for _, x := range cells {
		n = max(n, x.Col+1)
	}
	c.fmtd, c.raw, c.number = resize(c.fmtd, n), resize(c.raw, n), resize(c.number, n)
	for _, x := range cells {
		c.fmtd[x.Col], c.raw[x.Col] = c.g.shown(x), x.Value
		c.number[x.Col] = x.Type == xlsx.Number
	}
}

// resize returns s with n zero elements, reusing its array.
func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}

func (c *xlCells) blank() bool {
	for i := range c.fmtd {
		if strings.TrimSpace(c.fmtd[i]) != "" || strings.TrimSpace(c.raw[i]) != "" {
			return false
		}
	}
	return true
}

// shown is a cell's value as Excel displays it, as far as the import needs
// it: TRUE/FALSE for a boolean, a date for a number under a date format (so
// date can tell a serial from a typed number), and otherwise a number
// written out in full (to 15 significant digits, as Excel keeps); text as is.
func (g *xlGrid) shown(x xlsx.Cell) string {
	switch x.Type {
	case xlsx.Bool:
		switch x.Value {
		case "1":
			return "TRUE"
		case "0":
			return "FALSE"
		}
	case xlsx.Number:
		if strings.Contains(x.Value, "_") {
			return x.Value
		}
		f, err := strconv.ParseFloat(x.Value, 64)
		if err != nil {
			return x.Value
		}
		if g.book.IsDate(x.Style) && f >= 0 {
			if t, err := excelize.ExcelDateToTime(f, g.book.Date1904); err == nil {
				switch {
				case f < 1:
					return t.Format("15:04:05")
				case f != math.Trunc(f):
					return t.Format("2006-01-02 15:04:05")
				}
				return t.Format("2006-01-02")
			}
		}
		full := strconv.FormatFloat(f, 'f', -1, 64)
		if len(full)-strings.Count(full, ".") > 15 && (strings.ContainsAny(x.Value, ".eE") || len(strings.TrimRight(strings.TrimLeft(x.Value, "+-0"), "0")) > 15) {
			return strconv.FormatFloat(f, 'G', 15, 64)
		}
		return full
	}
	return x.Value
}

// personRow turns a parsed row into the input ImportPeople validates.
func personRow(c *xlCells, lk *Lookups) PersonRow {
	in := PersonInput{Name: c.val("name"), IDNumber: c.ident("id_number"), Mobile: c.ident("mobile"),
		PartyMember: c.boolean("party_member"), JoinedPartyOn: c.date("joined_party_on")}
	in.BranchID = c.unit("branch_id", lk.Branches, "党组织", "party organisation")
	in.VillageID = c.unit("village_id", lk.Villages, "村", "village")
	in.DepartmentID = c.unit("department_id", lk.Departments, "部门", "department")
	in.EnterpriseID = c.unit("enterprise_id", lk.Enterprises, "企业", "enterprise")
	return PersonRow{Row: c.row, In: in, Issues: c.issues}
}

// ParsePeopleXLSX turns an uploaded people file into rows for ImportPeople,
// which does the field validation (ID, mobile, name); the returned func
// labels a field's column for that report. It holds every row: the import
// itself streams (ImportPeopleXLSX).
func ParsePeopleXLSX(r io.Reader, lk *Lookups) ([]PersonRow, func(field string) string, error) {
	if lk == nil {
		lk = &Lookups{}
	}
	g := newGrid(xlPeopleCols)
	book, err := openUpload(r)
	if err != nil {
		return nil, g.column, err
	}
	var out []PersonRow
	if err := g.parse(book, func(c *xlCells) error {
		out = append(out, personRow(c, lk))
		return nil
	}); err != nil {
		return nil, g.column, err
	}
	return out, g.column, nil
}

// ParseEnterprisesXLSX turns an uploaded enterprise file into rows for
// ImportEnterprises, which validates the name and credit code.
func ParseEnterprisesXLSX(r io.Reader) ([]EnterpriseRow, func(field string) string, error) {
	g := newGrid(xlEnterpriseCols)
	book, err := openUpload(r)
	if err != nil {
		return nil, g.column, err
	}
	var out []EnterpriseRow
	if err := g.parse(book, func(c *xlCells) error {
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
		return nil
	}); err != nil {
		return nil, g.column, err
	}
	return out, g.column, nil
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
