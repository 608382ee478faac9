package web

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// The direct access line is the JSON line slog's JSON handler writes for
// the same record: same keys in the same order, same values.
func TestAccessLineEqualsSlog(t *testing.T) {
	at := time.Date(2026, 11, 27, 7, 0, 1, 230_000_000, time.FixedZone("CST", 8*3600))
	for _, c := range []accessEntry{
		{at: at, rid: "0123456789abcdef", method: "GET", path: "/public/villages/1", status: 200, ms: 0, ip: "10.0.0.1", user: ""},
		{at: at.Add(7 * time.Microsecond), rid: "r", method: "POST", path: "/api/v1/checkins", status: 201, ms: 12, ip: "::1", user: "member07"},
		{at: at, rid: "r", method: "GET", path: "/a\"b\\c\n\t\x01/党建/\xff", status: 404, ms: 3, ip: "1.2.3.4", user: "张三"},
	} {
		var want bytes.Buffer
		l := slog.New(slog.NewJSONHandler(&want, nil))
		r := slog.NewRecord(c.at, slog.LevelInfo, "http", 0)
		r.AddAttrs(slog.String("request_id", c.rid), slog.String("method", c.method), slog.String("path", c.path), slog.Int("status", c.status),
			slog.Int64("ms", c.ms), slog.String("ip", c.ip), slog.String("user", c.user))
		_ = l.Handler().Handle(t.Context(), r)
		var got bytes.Buffer
		writeAccess(&got, &c)
		if got.String() != want.String() {
			t.Errorf("access line\n got %s\nwant %s", got.String(), want.String())
		}
	}
}

// Whatever a client puts in a path, the line stays one valid JSON object
// whose path reads back as the path (invalid UTF-8 as U+FFFD).
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "/a", "\"\\\n\r\t\x00\x1f", "党建/公开", "\xff\xfe", "\u2028<>&"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := appendJSONString(nil, s)
		if bytes.ContainsAny(b, "\n\r") {
			t.Fatalf("raw line break in %q", b)
		}
		var back string
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%q → %q: %v", s, b, err)
		}
		if want := strings.ToValidUTF8(s, "\uFFFD"); utf8.ValidString(s) && back != want {
			t.Fatalf("%q read back as %q", s, back)
		}
	})
}
