package village

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/seal"
	"zhongshu/internal/platform/web"
)

// bookletAreaNo is an area's Chinese ordinal (一、二、…) in the booklet.
func bookletAreaNo(i int) string {
	digits := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case i <= 0:
		return fmt.Sprint(i)
	case i < 10:
		return digits[i]
	case i == 10:
		return "十"
	case i < 20:
		return "十" + digits[i-10]
	case i < 100:
		s := digits[i/10] + "十"
		if i%10 > 0 {
			s += digits[i%10]
		}
		return s
	}
	return fmt.Sprint(i)
}

// BookletXLSX writes the book as a workbook: a table of contents sheet
// and one row per rule.
func BookletXLSX(b *Rulebook) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	toc := "目录"
	if err := f.SetSheetName("Sheet1", toc); err != nil {
		return nil, err
	}
	rules := "制度汇编"
	if _, err := f.NewSheet(rules); err != nil {
		return nil, err
	}
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	wrap, _ := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	set := func(sheet string, row int, vals ...any) error {
		cell, _ := excelize.CoordinatesToCellName(1, row)
		return f.SetSheetRow(sheet, cell, &vals)
	}
	if err := set(toc, 1, "“一肩挑”村党组织书记监督管理制度汇编"); err != nil {
		return nil, err
	}
	_ = f.SetCellStyle(toc, "A1", "A1", bold)
	row := 3
	for i, a := range b.Areas {
		if err := set(toc, row, fmt.Sprintf("%s、%s", bookletAreaNo(i+1), a.Title), fmt.Sprintf("%d 项", len(a.Rules))); err != nil {
			return nil, err
		}
		_ = f.SetCellStyle(toc, fmt.Sprintf("A%d", row), fmt.Sprintf("A%d", row), bold)
		row++
		for _, r := range a.Rules {
			if err := set(toc, row, fmt.Sprintf("  %d. %s", r.No, r.Title)); err != nil {
				return nil, err
			}
			row++
		}
	}
	_ = f.SetColWidth(toc, "A", "A", 60)
	if err := set(rules, 1, "序号", "方面", "制度名称", "制度内容", "来源", "印发日期"); err != nil {
		return nil, err
	}
	_ = f.SetRowStyle(rules, 1, 1, bold)
	row = 2
	for _, a := range b.Areas {
		for _, r := range a.Rules {
			if err := set(rules, row, r.No, a.Title, r.Title, r.Body, r.Source, r.IssuedOn); err != nil {
				return nil, err
			}
			row++
		}
	}
	_ = f.SetColWidth(rules, "A", "A", 6)
	_ = f.SetColWidth(rules, "B", "C", 22)
	_ = f.SetColWidth(rules, "D", "D", 70)
	_ = f.SetColWidth(rules, "E", "F", 16)
	if row > 2 {
		_ = f.SetCellStyle(rules, "D2", fmt.Sprintf("D%d", row-1), wrap)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// rulebookXMLText escapes text for WordprocessingML.
func rulebookXMLText(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// BookletDOCX writes the book as a Word document, built by hand as
// WordprocessingML in a zip: a cover page, a numbered table of contents,
// then each area on a new page with its rules.
func BookletDOCX(b *Rulebook, day string) ([]byte, error) {
	var body strings.Builder
	para := func(style, text string, bold bool, size int, center bool) {
		body.WriteString("<w:p><w:pPr>")
		if style != "" {
			body.WriteString(`<w:pStyle w:val="` + style + `"/>`)
		}
		if center {
			body.WriteString(`<w:jc w:val="center"/>`)
		}
		body.WriteString("</w:pPr>")
		for i, line := range strings.Split(text, "\n") {
			body.WriteString("<w:r><w:rPr>")
			if bold {
				body.WriteString("<w:b/>")
			}
			if size > 0 {
				fmt.Fprintf(&body, `<w:sz w:val="%d"/>`, size)
			}
			body.WriteString("</w:rPr>")
			if i > 0 {
				body.WriteString("<w:br/>")
			}
			body.WriteString(`<w:t xml:space="preserve">` + rulebookXMLText(line) + "</w:t></w:r>")
		}
		body.WriteString("</w:p>")
	}
	pageBreak := func() { body.WriteString(`<w:p><w:r><w:br w:type="page"/></w:r></w:p>`) }
	for i := 0; i < 6; i++ {
		para("", "", false, 0, false)
	}
	para("Title", "“一肩挑”村党组织书记监督管理制度汇编", true, 44, true)
	para("", fmt.Sprintf("%d 个方面 · %d 项制度", b.AreaCount, b.RuleCount), false, 28, true)
	para("", "沧州经济开发区党工委", false, 28, true)
	para("", day, false, 24, true)
	pageBreak()
	para("Heading1", "目  录", true, 32, true)
	for i, a := range b.Areas {
		para("", fmt.Sprintf("%s、%s", bookletAreaNo(i+1), a.Title), true, 0, false)
		for _, r := range a.Rules {
			para("", fmt.Sprintf("    %d. %s", r.No, r.Title), false, 0, false)
		}
	}
	for i, a := range b.Areas {
		pageBreak()
		para("Heading1", fmt.Sprintf("%s、%s", bookletAreaNo(i+1), a.Title), true, 32, false)
		for _, r := range a.Rules {
			para("Heading2", fmt.Sprintf("%d. %s", r.No, r.Title), true, 26, false)
			if r.Body != "" {
				para("", r.Body, false, 0, false)
			}
			var meta []string
			if r.Source != "" {
				meta = append(meta, "来源："+r.Source)
			}
			if r.IssuedOn != "" {
				meta = append(meta, "印发日期："+r.IssuedOn)
			}
			if len(meta) > 0 {
				para("", strings.Join(meta, "　"), false, 18, false)
			}
		}
	}
	files := []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`},
		{"word/_rels/document.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`},
		{"word/styles.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="SimSun" w:eastAsia="SimSun" w:hAnsi="SimSun"/><w:sz w:val="22"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:pPr><w:spacing w:after="120" w:line="360" w:lineRule="auto"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:rPr><w:rFonts w:eastAsia="SimHei"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="240" w:after="240"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:rFonts w:eastAsia="SimHei"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="180"/><w:outlineLvl w:val="1"/></w:pPr></w:style></w:styles>`},
		{"word/document.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` + body.String() +
			`<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr></w:body></w:document>`},
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		w, err := zw.Create(f.name)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write([]byte(f.body)); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// bookletExportsPerMinute bounds a user's exports per minute.
const bookletExportsPerMinute = 10

func (m *Module) exportBooklet(w http.ResponseWriter, r *http.Request, kind string) error {
	p := web.Principal(r)
	b, err := m.Rulebook(r.Context(), p)
	if err != nil {
		return err
	}
	// Exports are bounded per user like every other export (SECURITY.md
	// §7.15), counted from the audit log so that all replicas agree.
	if _, n, err := m.Audit.List(r.Context(), audit.Filter{Username: p.Username, Action: "export", From: m.Clock.Now().Add(-time.Minute), Limit: 1}); err != nil {
		return err
	} else if n >= bookletExportsPerMinute {
		return errs.New(errs.TooMany, fmt.Sprintf("导出过于频繁：每分钟最多 %d 次，请稍后再试", bookletExportsPerMinute),
			fmt.Sprintf("too many exports: at most %d a minute; try again shortly", bookletExportsPerMinute))
	}
	var file []byte
	ctype := "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	if kind == "docx" {
		ctype = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
		file, err = BookletDOCX(b, m.svToday())
	} else {
		file, err = BookletXLSX(b)
	}
	if err != nil {
		return err
	}
	if err := m.Audit.Record(r.Context(), audit.Entry{Action: "export", ObjectType: "village_rulebook",
		Detail: fmt.Sprintf("format=%s areas=%d rules=%d sm3=%s", kind, b.AreaCount, b.RuleCount, seal.SM3Hex(file))}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="rulebook-%s.%s"`, m.svToday(), kind))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, err = w.Write(file)
	return err
}

func (m *Module) exportBookletXLSX(w http.ResponseWriter, r *http.Request) error {
	return m.exportBooklet(w, r, "xlsx")
}

func (m *Module) exportBookletDOCX(w http.ResponseWriter, r *http.Request) error {
	return m.exportBooklet(w, r, "docx")
}
