package notify

import (
	"net/url"
	"strings"
	"unicode/utf8"
)

const ellipsis = "…"

// truncateBytes cuts s to at most max bytes on a UTF-8 boundary, ending
// with "…" when anything was cut. The vendors count limits in bytes of
// UTF-8 (a Chinese character is three), and a cut through a character
// would make the whole payload invalid UTF-8.
func truncateBytes(s string, max int) string {
	if len(s) <= max {
		return s
	}
	if max < len(ellipsis) {
		return ""
	}
	cut := max - len(ellipsis)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + ellipsis
}

// maxLogged bounds what the delivery log keeps of a peer's response.
const maxLogged = 1024

// redact removes credentials from text bound for the delivery log, the job
// table or the application log: vendors echo nothing secret, but Go's
// url.Error quotes the whole request URL, key and all.
func redact(s string, secrets ...string) string {
	for _, sec := range secrets {
		if len(sec) < 4 {
			continue
		}
		s = strings.ReplaceAll(s, sec, "***")
		if esc := url.QueryEscape(sec); esc != sec {
			s = strings.ReplaceAll(s, esc, "***")
		}
	}
	return s
}

// forLog redacts and bounds a response or error for the delivery log.
func forLog(s string, secrets ...string) string {
	s = strings.ToValidUTF8(redact(s, secrets...), "\uFFFD")
	return truncateBytes(s, maxLogged)
}

// titleOf picks a headline: the title, else the body's first line.
func titleOf(m Message) string {
	if m.Title != "" {
		return m.Title
	}
	line, _, _ := strings.Cut(strings.TrimSpace(m.Body), "\n")
	line = strings.TrimLeft(line, "#> *")
	if r := []rune(line); len(r) > 64 {
		line = string(r[:64]) + ellipsis
	}
	if line == "" {
		return "中枢通知"
	}
	return line
}

// withTitle joins the title and body for vendors whose message has no
// separate title field.
func withTitle(m Message) string {
	if m.Title == "" {
		return m.Body
	}
	if m.Kind == Markdown {
		return "#### " + m.Title + "\n\n" + m.Body
	}
	return m.Title + "\n" + m.Body
}
