package study

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"
)

// The six-into coverage matrix (DOMAIN.md "Coverage of the six targets is a
// dashboard"; issue 3 item 8: "a coverage matrix of targets × months").
func TestLectureCoverage(t *testing.T) {
	c := LectureCoverage(2021, []LectureReach{
		{Lecture: 1, Month: 3, Targets: []string{"organ", "network"}},
		{Lecture: 2, Month: 3, Targets: []string{"organ"}},
		{Lecture: 3, Month: 4, Targets: []string{"village", "village"}}, // listed twice, counted once
		{Lecture: 4, Month: 12, Targets: []string{"campus", "moon"}},    // unknown target ignored
		{Lecture: 5, Month: 0, Targets: []string{"organ"}},              // no month: ignored
		{Lecture: 6, Month: 13, Targets: []string{"organ"}},
		{Lecture: 7, Month: 5},
	})
	row := func(code string) CoverageRow {
		for _, r := range c.Rows {
			if r.Target == code {
				return r
			}
		}
		t.Fatalf("no row %s", code)
		return CoverageRow{}
	}
	for _, tc := range []struct {
		target       string
		month, count int
		total        int
	}{
		{"organ", 3, 2, 2}, {"network", 3, 1, 1}, {"village", 4, 1, 1}, {"campus", 12, 1, 1}, {"enterprise", 3, 0, 0}, {"community", 5, 0, 0},
	} {
		r := row(tc.target)
		if r.Months[tc.month-1] != tc.count || r.Total != tc.total {
			t.Errorf("%s: month %d = %d (want %d), total %d (want %d)", tc.target, tc.month, r.Months[tc.month-1], tc.count, r.Total, tc.total)
		}
	}
	if c.Months[2] != 2 || c.Months[3] != 1 || c.Months[4] != 1 || c.Months[11] != 1 || c.Total != 5 {
		t.Errorf("lectures per month %v, total %d", c.Months, c.Total)
	}
	if c.Reached != 4 || strings.Join(c.Missing, ",") != "enterprise,community" {
		t.Errorf("reached %d, missing %v", c.Reached, c.Missing)
	}
	if len(c.Rows) != 6 || c.Rows[0].Target != "enterprise" || c.Rows[5].Target != "network" {
		t.Errorf("rows not in the seed's order: %+v", c.Rows)
	}
	if e := LectureCoverage(2022, nil); e.Total != 0 || e.Reached != 0 || len(e.Missing) != 6 {
		t.Errorf("empty year %+v", e)
	}
}

func testDocx(t testing.TB, withDocument bool) []byte {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	files := []string{"[Content_Types].xml", "_rels/.rels"}
	if withDocument {
		files = append(files, "word/document.xml")
	}
	for _, name := range files {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(`<?xml version="1.0"?><x/>`))
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var (
	testPNG = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 32)...)
	testJPG = append([]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), make([]byte, 32)...)
)

// Attachments: the extension AND the content must agree, within the size
// limit (issue 3 item 9: "attachments with type and size checks").
func TestCheckAttachment(t *testing.T) {
	pdf := demoPDF("test")
	docx := testDocx(t, true)
	for _, tc := range []struct {
		why, name string
		data      []byte
		want      string // content type, or "" for refused
	}{
		{"a PDF", "心得.pdf", pdf, "application/pdf"},
		{"upper-case extension", "心得.PDF", pdf, "application/pdf"},
		{"a PNG", "photo.png", testPNG, "image/png"},
		{"a JPEG", "photo.jpg", testJPG, "image/jpeg"},
		{"a Word document", "征文.docx", docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{"a zip that is no Word document", "征文.docx", testDocx(t, false), ""},
		{"SVG disguised as PNG", "x.png", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>`), ""},
		{"SVG with an XML prolog disguised as JPG", "x.jpg", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>`), ""},
		{"HTML disguised as PDF", "x.pdf", []byte(`<!DOCTYPE html><html><script>alert(1)</script></html>`), ""},
		{"a PNG named .jpg", "x.jpg", testPNG, ""},
		{"a PDF named .docx", "x.docx", pdf, ""},
		{"an executable named .pdf", "x.pdf", []byte("MZ\x90\x00\x03\x00\x00\x00"), ""},
		{"an SVG file", "x.svg", []byte(`<svg/>`), ""},
		{"an HTML file", "x.html", []byte(`<html></html>`), ""},
		{"a .jpeg extension", "x.jpeg", testJPG, ""},
		{"no extension", "pdf", pdf, ""},
		{"a double extension ending in .exe", "x.pdf.exe", pdf, ""},
		{"empty", "x.pdf", nil, ""},
		{"over 5 MB", "x.pdf", append(append([]byte{}, pdf...), make([]byte, AttachmentMaxBytes)...), ""},
	} {
		got, err := CheckAttachment(tc.name, tc.data)
		if got != tc.want || (err == nil) != (tc.want != "") {
			t.Errorf("%s: got %q, %v; want %q", tc.why, got, err, tc.want)
		}
		if err != nil && !strings.Contains(err.Error(), "files") {
			t.Errorf("%s: the error names no field: %v", tc.why, err)
		}
	}
	exactly := append(append([]byte{}, pdf...), make([]byte, AttachmentMaxBytes-len(pdf))...)
	if _, err := CheckAttachment("x.pdf", exactly); err != nil {
		t.Errorf("exactly 5 MB refused: %v", err)
	}
}

func TestAttachmentName(t *testing.T) {
	for in, want := range map[string]string{
		"心得.pdf":                 "心得.pdf",
		`C:\Users\张三\心得.docx`:    "心得.docx",
		"../../etc/passwd":       "passwd",
		"a\"b\r\n.pdf":           "ab.pdf",
		"":                       "attachment",
		"..":                     "attachment",
		"evil\u202egnp.pdf":      "evilgnp.pdf",
		strings.Repeat("长", 150): strings.Repeat("长", 100),
	} {
		if got := AttachmentName(in); got != want {
			t.Errorf("AttachmentName(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzCheckAttachment(f *testing.F) {
	f.Add("a.pdf", demoPDF("x"))
	f.Add("a.png", testPNG)
	f.Add("a.jpg", testJPG)
	f.Add("a.docx", testDocx(f, true))
	f.Add("a.png", []byte("<svg/>"))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		ct, err := CheckAttachment(name, data)
		if err != nil {
			return
		}
		ext := strings.ToLower(name[strings.LastIndexByte(name, '.'):])
		if attachmentTypes[ext] != ct {
			t.Fatalf("%q accepted as %q", name, ct)
		}
		if len(data) == 0 || len(data) > AttachmentMaxBytes {
			t.Fatalf("size %d accepted", len(data))
		}
		if n := AttachmentName(name); strings.ContainsAny(n, "\"\r\n/\\") {
			t.Fatalf("unsafe display name %q", n)
		}
	})
}
