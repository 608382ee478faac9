package village

import "bytes"

// minifyHTML removes from a rendered public page the whitespace a browser
// would not show (issue 8). A cached portal page is sent thousands of
// times a second and net/http writes a response in one system call only
// while headers and body fit its 4 KB buffer: the templates' indentation
// and blank lines (about 5% of a page) are what pushes a disclosure's page
// over it. It is done once per cached copy, never per request.
//
// The rules are those of CSS's white-space: normal, which every portal
// element uses (none is pre, pre-wrap or pre-line):
//   - a whitespace-only run between two tags goes when either tag is a
//     block-level element (its leading or trailing whitespace is not
//     rendered), and becomes one space between inline elements (where it
//     shows as one);
//   - any other run of whitespace becomes one space, or one newline when
//     it held one (either renders as a single space).
//
// The contents of pre, textarea, script and style are kept as they are,
// and so is everything inside a tag (attribute values are not touched).
func minifyHTML(src []byte) []byte {
	out := make([]byte, 0, len(src))
	i := 0
	prevTag := "" // the name of the last tag written ("/p" for </p>)
	for i < len(src) {
		if src[i] == '<' {
			end := tagEnd(src, i)
			name := tagName(src[i+1 : end])
			out = append(out, src[i:end]...)
			i = end
			if raw := rawTextEnd(src, i, name); raw > i {
				out = append(out, src[i:raw]...)
				i = raw
			}
			prevTag = name
			continue
		}
		// Text up to the next tag.
		j := bytes.IndexByte(src[i:], '<')
		if j < 0 {
			j = len(src)
		} else {
			j += i
		}
		text := src[i:j]
		if isSpace(text) {
			nextTag := ""
			if j < len(src) {
				nextTag = tagName(src[j+1 : tagEnd(src, j)])
			}
			if !blockTag(prevTag) && !blockTag(nextTag) && prevTag != "" && nextTag != "" {
				out = append(out, ' ')
			}
		} else {
			out = appendCollapsed(out, text)
		}
		i = j
	}
	return out
}

// tagEnd returns the index after the '>' that closes the tag starting at
// src[i] == '<', skipping quoted attribute values; len(src) if unclosed.
func tagEnd(src []byte, i int) int {
	var quote byte
	for k := i + 1; k < len(src); k++ {
		c := src[k]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return k + 1
		}
	}
	return len(src)
}

// tagName is the lower-case name of a tag's inside ("/p" for a closing
// tag, "!" for a doctype or comment).
func tagName(inside []byte) string {
	n := 0
	if n < len(inside) && (inside[n] == '/' || inside[n] == '!') {
		n++
	}
	for n < len(inside) {
		c := inside[n]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			break
		}
		n++
	}
	return string(bytes.ToLower(inside[:n]))
}

// rawTextEnd returns, after the opening tag of an element whose text must
// be kept as written, the index of its closing tag; i otherwise.
func rawTextEnd(src []byte, i int, name string) int {
	switch name {
	case "pre", "textarea", "script", "style":
	default:
		return i
	}
	closing := []byte("</" + name)
	k := bytes.Index(bytes.ToLower(src[i:]), closing)
	if k < 0 {
		return len(src)
	}
	return i + k
}

// blockTag reports a tag (opening or closing) around which whitespace is
// never rendered: block-level and table elements, and those of the head.
func blockTag(name string) bool {
	if len(name) > 0 && name[0] == '/' {
		name = name[1:]
	}
	switch name {
	case "!", "html", "head", "body", "meta", "link", "title", "base", "script", "style", "noscript",
		"header", "footer", "main", "nav", "section", "article", "aside", "div", "p", "hr", "br",
		"h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "details", "summary",
		"table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "td", "th",
		"form", "fieldset", "legend", "figure", "figcaption", "blockquote", "pre", "address":
		return true
	}
	return false
}

func isSpace(b []byte) bool {
	for _, c := range b {
		if !spaceByte(c) {
			return false
		}
	}
	return true
}

// spaceByte is HTML's ASCII whitespace.
func spaceByte(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' }

// appendCollapsed appends text with each run of whitespace made one byte:
// a newline if the run held one, else a space.
func appendCollapsed(out, text []byte) []byte {
	for k := 0; k < len(text); {
		c := text[k]
		if !spaceByte(c) {
			out = append(out, c)
			k++
			continue
		}
		nl := false
		for k < len(text) && spaceByte(text[k]) {
			nl = nl || text[k] == '\n'
			k++
		}
		if nl {
			out = append(out, '\n')
		} else {
			out = append(out, ' ')
		}
	}
	return out
}
