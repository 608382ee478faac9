package notify

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestTruncateBytes(t *testing.T) {
	cases := []struct {
		in   string
		max  int
		want string
	}{
		{"abc", 3, "abc"},
		{"abcd", 3, "…"},
		{"abcdef", 5, "ab…"},
		{"学习强国", 12, "学习强国"},
		{"学习强国", 11, "学习…"}, // 11-3 = 8 bytes: two whole characters, not two and two thirds
		{"学习强国", 9, "学习…"},
		{"学习强国", 8, "学…"},
		{"x", 2, "x"},
		{"xyz", 2, ""},
	}
	for _, c := range cases {
		got := truncateBytes(c.in, c.max)
		if got != c.want || len(got) > c.max || !utf8.ValidString(got) {
			t.Errorf("truncateBytes(%q, %d) = %q, want %q", c.in, c.max, got, c.want)
		}
	}
}

func TestRedact(t *testing.T) {
	sign := "ab+/cd=="
	s := `Post "https://h/robot/send?access_token=TOKEN123&sign=ab%2B%2Fcd%3D%3D": timeout`
	got := redact(s, "TOKEN123", sign, "", "ab")
	if strings.Contains(got, "TOKEN123") || strings.Contains(got, "ab%2B") {
		t.Errorf("redact left a secret: %s", got)
	}
	if long := forLog(strings.Repeat("错", 1000)); len(long) > maxLogged || !utf8.ValidString(long) {
		t.Errorf("forLog kept %d bytes", len(long))
	}
}

// The 加签 signature, recomputed by hand for a fixed input so that a change
// to the string-to-sign (timestamp + "\n" + secret) shows here too.
func TestSignedURL(t *testing.T) {
	u, sign := signedURL("https://oapi.dingtalk.com/robot/send?access_token=T", "SECx", timeAt(1577836800000))
	if sign != dingTalkSign("SECx", 1577836800000) || !strings.Contains(u, "timestamp=1577836800000") || !strings.Contains(u, "access_token=T") {
		t.Fatalf("signed URL %s", u)
	}
	enc, _, _ := strings.Cut(strings.SplitN(u, "sign=", 2)[1], "&")
	if strings.ContainsAny(enc, "+/=") || !strings.HasSuffix(enc, "%3D") {
		t.Errorf("sign is not URL-encoded: %s", u)
	}
	if u, s := signedURL("https://oapi.dingtalk.com/robot/send?access_token=T", "", timeAt(1)); s != "" || strings.Contains(u, "sign") {
		t.Errorf("unsigned robot got a signature: %s", u)
	}
}

func timeAt(ms int64) time.Time { return time.UnixMilli(ms) }
