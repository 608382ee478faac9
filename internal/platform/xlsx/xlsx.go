// Package xlsx reads the rows of an uploaded .xlsx workbook in one pass with
// memory that does not grow with the number of rows (issue 8: importing
// 100,000 people). It reads what Excel, WPS and excelize write: shared
// strings (rich-text runs joined, phonetic runs left out), inline strings,
// numbers, booleans, formula results, empty cells skipped by their r
// reference, and the workbook's 1904 date flag and number formats, which a
// caller needs to tell a date serial from a number.
//
// The shared-strings table has to be held (a cell names its string by
// index, in any order), so its size is bounded separately; the sheet itself
// is scanned through a window that holds one XML token at a time, and each
// row reuses the same cell slice. Everything in the file is outside input:
// every fault is an Invalid errs.Error with a Chinese message, never a panic.
package xlsx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"zhongshu/internal/platform/errs"
)

// Options bound what an upload may expand to.
type Options struct {
	// MaxPartBytes bounds every part once unzipped (the sheet included).
	MaxPartBytes int64
	// MaxSharedStrings bounds the text of the shared-strings table, which
	// is held in memory while the sheet is read.
	MaxSharedStrings int64
}

const (
	defaultMaxPart    = 256 << 20
	defaultMaxStrings = 64 << 20
	maxSmallPart      = 16 << 20 // workbook, relationships, styles
	maxToken          = 4 << 20  // the longest XML token (a cell's text is at most 32,767 characters)
	maxColumns        = 16384    // XFD, Excel's last column
	maxRows           = 1048576
)

// CellType is how a cell stores its value.
type CellType uint8

// The cell types; Number is also what a cell without t is.
const (
	Number       CellType = iota
	SharedString          // t="s": Value is the string from the table
	InlineString          // t="inlineStr"
	FormulaText           // t="str": the cached text result of a formula
	Bool                  // t="b": Value is "1" or "0"
	ErrorValue            // t="e": "#N/A", "#DIV/0!" …
	ISODate               // t="d": an ISO 8601 date-time as text
)

// Cell is one non-empty cell of a row.
type Cell struct {
	Col   int // 0-based: A is 0
	Type  CellType
	Style int    // index into the workbook's cell formats (the s attribute)
	Value string // as stored: a string's text, a number's digits
}

// Book is an opened workbook: its sheets, shared strings and formats.
type Book struct {
	files    map[string]*zip.File
	opt      Options
	sheets   []sheetRef
	strs     sharedStrings
	xfFmt    []int          // cell format index → number format id
	fmtCodes map[int]string // custom number formats
	// Date1904 is the workbook's date system (Mac Excel's old default).
	Date1904 bool
}

type sheetRef struct{ name, part string }

// Invalid-file errors, worded like the rest of the import's messages.
func notXLSX(cause error) error {
	return &errs.Error{Kind: errs.Invalid, Zh: "文件不是有效的 Excel（.xlsx）文件，请用 Excel 或 WPS 另存为 .xlsx 后重试",
		En: "the file is not a valid Excel (.xlsx) workbook; save it as .xlsx and try again", Err: cause}
}

func tooLarge(cause error) error {
	return &errs.Error{Kind: errs.Invalid, Zh: "文件解压后内容过大，请拆分为多个文件分批导入",
		En: "the workbook is too large once unzipped; split it and import in batches", Err: cause}
}

var errTooLarge = errors.New("xlsx: part exceeds its size bound")

// oleMagic starts a Compound File: a password-protected .xlsx or an old .xls.
var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// Open reads the workbook structure (not the rows) from an .xlsx of size
// bytes. Zero options take the defaults.
func Open(r io.ReaderAt, size int64, opt Options) (*Book, error) {
	if opt.MaxPartBytes <= 0 {
		opt.MaxPartBytes = defaultMaxPart
	}
	if opt.MaxSharedStrings <= 0 {
		opt.MaxSharedStrings = defaultMaxStrings
	}
	head := make([]byte, 8)
	if n, _ := r.ReadAt(head, 0); n == 8 && bytes.Equal(head, oleMagic) {
		return nil, &errs.Error{Kind: errs.Invalid, Zh: "文件已加密或为旧版 .xls 格式，请取消密码并另存为 .xlsx 后重试",
			En: "the file is encrypted or an old .xls workbook; remove the password and save it as .xlsx"}
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, notXLSX(err)
	}
	b := &Book{files: map[string]*zip.File{}, opt: opt}
	for _, f := range zr.File {
		b.files[strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(f.Name, `\`, "/"), "/"))] = f
	}
	if err := b.load(); err != nil {
		if errs.As(err) != nil {
			return nil, err
		}
		if errors.Is(err, errTooLarge) {
			return nil, tooLarge(err)
		}
		return nil, notXLSX(err)
	}
	return b, nil
}

type xRels struct {
	Rels []struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	} `xml:"Relationship"`
}

type xWorkbook struct {
	Pr *struct {
		Date1904 string `xml:"date1904,attr"`
	} `xml:"workbookPr"`
	Sheets []struct {
		Name  string     `xml:"name,attr"`
		Attrs []xml.Attr `xml:",any,attr"`
	} `xml:"sheets>sheet"`
}

type xStyles struct {
	NumFmts []struct {
		ID   int    `xml:"numFmtId,attr"`
		Code string `xml:"formatCode,attr"`
	} `xml:"numFmts>numFmt"`
	Xfs []struct {
		NumFmt int `xml:"numFmtId,attr"`
	} `xml:"cellXfs>xf"`
}

func (b *Book) load() error {
	wbPart := "xl/workbook.xml"
	var root xRels
	if ok, err := b.xmlPart("_rels/.rels", &root); err != nil {
		return err
	} else if ok {
		for _, r := range root.Rels {
			if strings.HasSuffix(r.Type, "/officeDocument") {
				wbPart = resolve("", r.Target)
			}
		}
	}
	var wb xWorkbook
	if ok, err := b.xmlPart(wbPart, &wb); err != nil || !ok {
		return errors.Join(errors.New("xlsx: no workbook part"), err)
	}
	if wb.Pr != nil {
		b.Date1904 = wb.Pr.Date1904 == "1" || wb.Pr.Date1904 == "true"
	}
	dir := path.Dir(wbPart)
	var rels xRels
	if _, err := b.xmlPart(path.Join(dir, "_rels", path.Base(wbPart)+".rels"), &rels); err != nil {
		return err
	}
	byID := map[string]string{}
	sstPart, stylesPart := path.Join(dir, "sharedStrings.xml"), path.Join(dir, "styles.xml")
	for _, r := range rels.Rels {
		byID[r.ID] = resolve(dir, r.Target)
		switch {
		case strings.HasSuffix(r.Type, "/sharedStrings"):
			sstPart = resolve(dir, r.Target)
		case strings.HasSuffix(r.Type, "/styles"):
			stylesPart = resolve(dir, r.Target)
		}
	}
	for _, s := range wb.Sheets {
		ref := sheetRef{name: s.Name}
		for _, a := range s.Attrs {
			if a.Name.Local == "id" && a.Name.Space != "" {
				ref.part = byID[a.Value]
			}
		}
		b.sheets = append(b.sheets, ref)
	}
	var st xStyles
	if _, err := b.xmlPart(stylesPart, &st); err != nil {
		return err
	}
	b.fmtCodes = map[int]string{}
	for _, f := range st.NumFmts {
		b.fmtCodes[f.ID] = f.Code
	}
	for _, x := range st.Xfs {
		b.xfFmt = append(b.xfFmt, x.NumFmt)
	}
	return b.loadSharedStrings(sstPart)
}

// resolve turns a relationship target into a part name.
func resolve(dir, target string) string {
	target = strings.ReplaceAll(target, `\`, "/")
	if strings.HasPrefix(target, "/") {
		return path.Clean(target[1:])
	}
	return path.Join(dir, target)
}

func (b *Book) part(name string) *zip.File { return b.files[strings.ToLower(name)] }

// open returns a part's bytes as a stream bounded by limit; nil if absent.
func (b *Book) open(name string, limit int64) (io.ReadCloser, error) {
	f := b.part(name)
	if f == nil {
		return nil, nil
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	return &boundedReader{rc: rc, left: limit}, nil
}

// boundedReader fails (rather than truncating) a part that unzips to more
// than its bound, so a zip bomb is refused, not half read.
type boundedReader struct {
	rc   io.ReadCloser
	left int64
}

func (r *boundedReader) Read(p []byte) (int, error) {
	if r.left <= 0 {
		var one [1]byte
		if n, _ := r.rc.Read(one[:]); n > 0 {
			return 0, errTooLarge
		}
		return 0, io.EOF
	}
	if int64(len(p)) > r.left {
		p = p[:r.left]
	}
	n, err := r.rc.Read(p)
	r.left -= int64(n)
	return n, err
}

func (r *boundedReader) Close() error { return r.rc.Close() }

// xmlPart decodes a small part with encoding/xml; false if it is absent.
func (b *Book) xmlPart(name string, v any) (bool, error) {
	rc, err := b.open(name, maxSmallPart)
	if err != nil || rc == nil {
		return false, err
	}
	defer rc.Close()
	if err := xml.NewDecoder(rc).Decode(v); err != nil {
		return false, fmt.Errorf("xlsx: %s: %w", name, err)
	}
	return true, nil
}

// Sheets returns the sheet names in workbook order.
func (b *Book) Sheets() []string {
	out := make([]string, len(b.sheets))
	for i, s := range b.sheets {
		out[i] = s.name
	}
	return out
}

// NumFmt returns the number format (id and, for a custom one, its code) of
// a cell format index.
func (b *Book) NumFmt(style int) (int, string) {
	if style < 0 || style >= len(b.xfFmt) {
		return 0, ""
	}
	id := b.xfFmt[style]
	return id, b.fmtCodes[id]
}

// IsDate reports whether cells of the style show a number as a date or
// time.
func (b *Book) IsDate(style int) bool {
	if style == 0 {
		return false
	}
	id, code := b.NumFmt(style)
	return IsDateFormat(id, code)
}

// IsDateFormat reports whether a number format shows a date or time: one of
// the built-in date formats (including the Chinese, Japanese, Korean and
// Thai locale ids) or a custom code with a date or time part outside its
// quoted text, escapes and [brackets] (where [h] [m] [s] are elapsed time).
func IsDateFormat(id int, code string) bool {
	if code == "" {
		return id >= 14 && id <= 22 || id >= 27 && id <= 36 || id >= 45 && id <= 47 || id >= 50 && id <= 58 || id >= 71 && id <= 81
	}
	if strings.EqualFold(code, "general") {
		return false
	}
	for i := 0; i < len(code); i++ {
		switch c := code[i]; c {
		case '"':
			if j := strings.IndexByte(code[i+1:], '"'); j >= 0 {
				i += j + 1
			} else {
				return false
			}
		case '\\', '_', '*':
			i++
		case '[':
			j := strings.IndexByte(code[i:], ']')
			if j < 0 {
				return false
			}
			switch strings.ToLower(strings.Trim(code[i+1:i+j], "hms")) {
			case "":
				return true // [h], [mm], [ss]: elapsed time
			}
			i += j
		case 'y', 'Y', 'm', 'M', 'd', 'D', 'h', 'H', 's', 'S', 'e', 'E':
			if c == 'e' || c == 'E' {
				// E is a year in some locales but also the exponent of 0.00E+00.
				if i+1 < len(code) && (code[i+1] == '+' || code[i+1] == '-') {
					continue
				}
			}
			return true
		}
	}
	return false
}

// sharedStrings is the table as one string and the end offset of each
// entry: two allocations however many entries there are.
type sharedStrings struct {
	all  string
	ends []uint32
}

func (t *sharedStrings) get(i int) (string, bool) {
	if i < 0 || i >= len(t.ends) {
		return "", false
	}
	var from uint32
	if i > 0 {
		from = t.ends[i-1]
	}
	return t.all[from:t.ends[i]], true
}

func (b *Book) loadSharedStrings(name string) error {
	rc, err := b.open(name, b.opt.MaxPartBytes)
	if err != nil || rc == nil {
		return err
	}
	defer rc.Close()
	s := newScanner(rc, maxToken)
	var all strings.Builder
	var ends []uint32
	var item, text []byte
	for {
		if err := s.next(); err != nil {
			return err
		}
		switch {
		case s.kind == tokEOF:
			t := all.String()
			b.strs = sharedStrings{all: t, ends: ends}
			return nil
		case s.kind == tokStart && string(s.name) == "si":
			if item, err = s.stringItem(item[:0], &text); err != nil {
				return err
			}
			if int64(all.Len()+len(item)) > b.opt.MaxSharedStrings {
				return errTooLarge
			}
			all.Write(item)
			ends = append(ends, uint32(all.Len()))
		}
	}
}

// stringItem reads an <si> or <is> whose start tag was just read: the text
// of its <t> and of the <t> of each rich-text run <r>, without the phonetic
// guide <rPh>, _xHHHH_ escapes decoded.
func (s *scanner) stringItem(dst []byte, scratch *[]byte) ([]byte, error) {
	if s.self {
		return dst, nil
	}
	raw := (*scratch)[:0]
	defer func() { *scratch = raw }()
	inT := false
	for depth := 1; ; {
		if err := s.next(); err != nil {
			return dst, err
		}
		switch s.kind {
		case tokEOF:
			return dst, errMalformed
		case tokStart:
			switch string(s.name) {
			case "rPh", "rPr", "phoneticPr", "extLst":
				if err := s.skip(); err != nil {
					return dst, err
				}
				continue
			case "t":
				inT = !s.self
			}
			if !s.self {
				depth++
			}
		case tokEnd:
			inT = false
			if depth--; depth == 0 {
				return appendBSTR(dst, raw), nil
			}
		case tokText:
			if inT {
				var err error
				if raw, err = appendText(raw, s.text, s.cdata); err != nil {
					return dst, err
				}
			}
		}
	}
}

// Rows opens the i-th sheet (workbook order) for reading.
func (b *Book) Rows(i int) (*Rows, error) {
	if i < 0 || i >= len(b.sheets) {
		return nil, notXLSX(fmt.Errorf("xlsx: no sheet %d", i))
	}
	rc, err := b.open(b.sheets[i].part, b.opt.MaxPartBytes)
	if err != nil || rc == nil {
		return nil, notXLSX(errors.Join(fmt.Errorf("xlsx: sheet part %q", b.sheets[i].part), err))
	}
	return &Rows{b: b, rc: rc, s: newScanner(rc, maxToken)}, nil
}

// Rows iterates over a sheet's rows. Cells and their values are valid until
// the next call to Next, except values from the shared-strings table, which
// live as long as the Book.
type Rows struct {
	b      *Book
	rc     io.ReadCloser
	s      *scanner
	row    int
	cells  []Cell
	spans  [][2]int // each cell's value in text, for the cells not from the table
	text   []byte   // the row's values, decoded
	raw    []byte
	inData bool
	done   bool
	err    error
}

// Next reads the next row that has a <row> element (rows with no element
// are skipped, as Excel omits them); false at the end or on an error.
func (r *Rows) Next() bool {
	if r.done {
		return false
	}
	if err := r.next(); err != nil {
		r.done = true
		var e *errs.Error
		switch {
		case errors.As(err, &e):
			r.err = err
		case errors.Is(err, errTooLarge):
			r.err = tooLarge(err)
		default:
			r.err = notXLSX(err)
		}
		return false
	}
	return !r.done
}

// Row is the current row's 1-based number.
func (r *Rows) Row() int { return r.row }

// Cells are the current row's non-empty cells in file order.
func (r *Rows) Cells() []Cell { return r.cells }

// Err is the error that ended the iteration, nil at a clean end.
func (r *Rows) Err() error { return r.err }

// Close releases the sheet stream.
func (r *Rows) Close() error { return r.rc.Close() }

func (r *Rows) next() error {
	s := r.s
	for {
		if err := s.next(); err != nil {
			return err
		}
		switch s.kind {
		case tokEOF:
			if r.inData {
				return errMalformed
			}
			r.done = true
			return nil
		case tokStart:
			switch {
			case string(s.name) == "sheetData":
				if s.self {
					r.done = true
					return nil
				}
				r.inData = true
			case !r.inData:
			case string(s.name) == "row":
				return r.readRow()
			default:
				if err := s.skip(); err != nil {
					return err
				}
			}
		case tokEnd:
			if string(s.name) == "sheetData" && r.inData {
				r.done = true // the rest of the sheet holds no cells
				return nil
			}
		}
	}
}

// readRow reads a <row> whose start tag was just read.
func (r *Rows) readRow() error {
	s := r.s
	n := r.row + 1
	if v, ok, err := attr(s.attrs, "r"); err != nil {
		return err
	} else if ok {
		if n, err = strconv.Atoi(string(v)); err != nil || n < 1 || n > maxRows {
			return fmt.Errorf("xlsx: row number %q: %w", v, errMalformed)
		}
	}
	r.row = n
	r.cells, r.spans, r.text = r.cells[:0], r.spans[:0], r.text[:0]
	if s.self {
		return nil
	}
	col := -1
	for {
		if err := s.next(); err != nil {
			return err
		}
		switch s.kind {
		case tokEOF:
			return errMalformed
		case tokEnd:
			if string(s.name) == "row" {
				r.finishRow()
				return nil
			}
		case tokStart:
			if string(s.name) != "c" {
				if err := s.skip(); err != nil {
					return err
				}
				continue
			}
			var err error
			if col, err = r.readCell(col); err != nil {
				return err
			}
		}
	}
}

// finishRow turns the row's decoded text into one string the cells share.
func (r *Rows) finishRow() {
	if len(r.text) == 0 {
		return
	}
	all := string(r.text)
	for i, sp := range r.spans {
		if sp[1] >= 0 {
			r.cells[i].Value = all[sp[0]:sp[1]]
		}
	}
}

// readCell reads a <c> whose start tag was just read; prev is the previous
// cell's column, for a cell without an r reference.
func (r *Rows) readCell(prev int) (int, error) {
	s := r.s
	c := Cell{Col: prev + 1}
	a := s.attrs
	if v, ok, err := attr(a, "r"); err != nil {
		return prev, err
	} else if ok {
		if c.Col, err = column(v); err != nil {
			return prev, err
		}
	}
	var t []byte
	if v, ok, err := attr(a, "t"); err != nil {
		return prev, err
	} else if ok {
		t = v
	}
	if v, ok, err := attr(a, "s"); err != nil {
		return prev, err
	} else if ok {
		n, err := strconv.Atoi(string(v))
		if err != nil || n < 0 {
			return prev, fmt.Errorf("xlsx: style %q: %w", v, errMalformed)
		}
		c.Style = n
	}
	switch string(t) {
	case "", "n":
		c.Type = Number
	case "s":
		c.Type = SharedString
	case "inlineStr":
		c.Type = InlineString
	case "str":
		c.Type = FormulaText
	case "b":
		c.Type = Bool
	case "e":
		c.Type = ErrorValue
	case "d":
		c.Type = ISODate
	default:
		return prev, fmt.Errorf("xlsx: cell type %q: %w", t, errMalformed)
	}
	if c.Col >= maxColumns {
		return prev, fmt.Errorf("xlsx: more than %d columns: %w", maxColumns, errMalformed)
	}
	if s.self {
		return c.Col, nil // styled but empty
	}
	start := len(r.text)
	has := false // a <v> or <is> was seen
	for {
		if err := s.next(); err != nil {
			return prev, err
		}
		switch s.kind {
		case tokEOF:
			return prev, errMalformed
		case tokText:
			// Whitespace between child elements.
		case tokEnd:
			if string(s.name) != "c" {
				return prev, errMalformed
			}
			if !has {
				return c.Col, nil
			}
			if c.Type == SharedString {
				if len(bytes.TrimSpace(r.text[start:])) == 0 {
					return c.Col, nil // no index: an empty cell, as excelize reads it
				}
				i, err := strconv.Atoi(strings.TrimSpace(string(r.text[start:])))
				v, ok := r.b.strs.get(i)
				if err != nil || !ok {
					return prev, fmt.Errorf("xlsx: shared string %q: %w", r.text[start:], errMalformed)
				}
				r.text = r.text[:start]
				c.Value = v
				r.cells, r.spans = append(r.cells, c), append(r.spans, [2]int{0, -1})
				return c.Col, nil
			}
			r.cells, r.spans = append(r.cells, c), append(r.spans, [2]int{start, len(r.text)})
			return c.Col, nil
		case tokStart:
			switch string(s.name) {
			case "v":
				has = true
				if c.Type == InlineString {
					c.Type = FormulaText // a value where a string was announced: take the value
				}
				if err := r.value(); err != nil {
					return prev, err
				}
			case "is":
				has = true
				var err error
				if r.text, err = s.stringItem(r.text, &r.raw); err != nil {
					return prev, err
				}
			default: // <f>, <extLst>
				if err := s.skip(); err != nil {
					return prev, err
				}
			}
		}
	}
}

// value appends the text of a <v> whose start tag was just read.
func (r *Rows) value() error {
	s := r.s
	if s.self {
		return nil
	}
	for {
		if err := s.next(); err != nil {
			return err
		}
		switch s.kind {
		case tokText:
			var err error
			if r.text, err = appendText(r.text, s.text, s.cdata); err != nil {
				return err
			}
		case tokEnd:
			return nil
		default:
			return errMalformed
		}
	}
}

// column parses the letters of a cell reference ("AB12" → 27).
func column(ref []byte) (int, error) {
	n, i := 0, 0
	for ; i < len(ref); i++ {
		c := ref[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			break
		}
		if n = n*26 + int(c-'a') + 1; n > maxColumns {
			return 0, fmt.Errorf("xlsx: cell reference %q: %w", ref, errMalformed)
		}
	}
	if n == 0 {
		return 0, fmt.Errorf("xlsx: cell reference %q: %w", ref, errMalformed)
	}
	return n - 1, nil
}

// ColumnName is the letters of a 0-based column (27 → "AB").
func ColumnName(col int) string {
	var b [4]byte
	i := len(b)
	for n := col + 1; n > 0; n = (n - 1) / 26 {
		i--
		b[i] = byte('A' + (n-1)%26)
	}
	return string(b[i:])
}
