// Package upload holds the rules every uploaded file passes before it is
// kept (ASVS 5.2): an allow-list of extensions, a size cap, content that
// must be what the extension claims (so an HTML page or a scripted SVG
// renamed to .png is refused), and a name made safe to show and to put in a
// Content-Disposition header. Files are stored under generated names.
package upload

import (
	"archive/zip"
	"bytes"
	"fmt"
	"net/http"
	"path"
	"strings"
	"unicode"

	"zhongshu/internal/platform/errs"
)

// MaxBytes bounds one uploaded file (ASVS 5.2.1).
const MaxBytes = 5 << 20

// Types maps each allowed extension to the one content type its
// bytes must sniff as.
var Types = map[string]string{
	".pdf":  "application/pdf",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".jpg":  "image/jpeg",
	".png":  "image/png",
}

// Check decides whether an uploaded file may be kept and returns
// the content type to store and serve it with. The extension must be one
// of .pdf, .docx, .jpg, .png, and the content must be what the extension
// claims: http.DetectContentType's sniffing for PDF, JPEG and PNG; for
// .docx a ZIP whose directory holds an OOXML Word document. So an SVG or
// HTML page renamed to .png, or an executable renamed to .pdf, is refused.
func Check(name string, data []byte) (string, error) {
	ext := strings.ToLower(path.Ext(strings.ReplaceAll(name, "\\", "/")))
	want, ok := Types[ext]
	if !ok {
		return "", errs.Field("files", fmt.Sprintf("附件“%s”的类型不允许：只接受 .pdf、.docx、.jpg、.png", SafeName(name)),
			fmt.Sprintf("attachment %q: only .pdf, .docx, .jpg and .png are allowed", SafeName(name)))
	}
	switch {
	case len(data) == 0:
		return "", errs.Field("files", fmt.Sprintf("附件“%s”是空文件", SafeName(name)), fmt.Sprintf("attachment %q is empty", SafeName(name)))
	case len(data) > MaxBytes:
		return "", errs.Field("files", fmt.Sprintf("附件“%s”大小 %.1f MB，超过每个 5 MB 的上限", SafeName(name), float64(len(data))/(1<<20)),
			fmt.Sprintf("attachment %q is %.1f MB, over the 5 MB limit", SafeName(name), float64(len(data))/(1<<20)))
	}
	got := http.DetectContentType(data)
	if i := strings.IndexByte(got, ';'); i >= 0 {
		got = got[:i]
	}
	okContent := false
	if ext == ".docx" {
		okContent = got == "application/zip" && isWordDocument(data)
	} else {
		okContent = got == want
	}
	if !okContent {
		return "", errs.Field("files", fmt.Sprintf("附件“%s”的内容与扩展名 %s 不符（检测为 %s）", SafeName(name), ext, got),
			fmt.Sprintf("attachment %q: its content does not match %s (detected %s)", SafeName(name), ext, got))
	}
	return want, nil
}

// isWordDocument reports a ZIP archive (PK\x03\x04) whose central
// directory lists the parts of a Word document. Only the directory is
// read: nothing is decompressed, so a zip bomb costs nothing.
func isWordDocument(data []byte) bool {
	if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return false
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return false
	}
	var types, doc bool
	for _, f := range zr.File {
		switch f.Name {
		case "[Content_Types].xml":
			types = true
		case "word/document.xml":
			doc = true
		}
	}
	return types && doc
}

// SafeName is an uploaded file's name made safe to show and to put
// in a Content-Disposition header: the base name only, without control
// characters or quotes, at most 100 characters.
func SafeName(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	var b strings.Builder
	n := 0
	for _, r := range strings.ToValidUTF8(name, "") {
		if unicode.IsControl(r) || r == '"' || r == '\u2028' || r == '\u2029' || unicode.Is(unicode.Bidi_Control, r) {
			continue
		}
		if n++; n > 100 {
			break
		}
		b.WriteRune(r)
	}
	out := strings.TrimSpace(b.String())
	if out == "" || out == "." || out == ".." {
		return "attachment"
	}
	return out
}
