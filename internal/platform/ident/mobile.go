package ident

import (
	"fmt"
	"strings"
	"unicode"

	"zhongshu/internal/platform/errs"
)

const mobileField = "mobile"

// Mobile normalises a mainland mobile number and validates it against
// ^1[3-9]\d{9}$, returning the bare 11 digits. Normalisation removes spaces
// and hyphens, a leading +86 or 0086, and a leading 86 only when 13 digits
// remain (so an 11-digit number that happens to start with 86 is untouched).
// The number segment (13x, 19x, …) is deliberately not whitelisted: MIIT adds
// segments and a whitelist would start rejecting real people (SECURITY.md
// §6). Errors are errs.Field("mobile", …) naming the failed rule.
func Mobile(s string) (string, error) {
	s = strings.Map(func(r rune) rune {
		if r == '-' || unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	if s == "" {
		return "", errs.Field(mobileField, "请填写手机号", "mobile number is required")
	}
	switch {
	case strings.HasPrefix(s, "+86"):
		s = s[3:]
	case strings.HasPrefix(s, "0086"):
		s = s[4:]
	case strings.HasPrefix(s, "86") && len(s) == 13:
		s = s[2:]
	case strings.HasPrefix(s, "+") || strings.HasPrefix(s, "00"):
		return "", errs.Field(mobileField,
			"仅支持中国大陆手机号（+86）",
			"only mainland China mobile numbers (+86) are supported")
	}
	// An empty remainder (a bare "+86") falls through to the length rule,
	// which says more than "digits only".
	if s != "" && !allDigits(s) {
		return "", errs.Field(mobileField,
			"手机号只能包含数字（可带 +86 前缀、空格或连字符）",
			"mobile number may contain only digits (optionally a +86 prefix, spaces or hyphens)")
	}
	if len(s) != 11 {
		return "", errs.Field(mobileField,
			fmt.Sprintf("手机号应为11位数字，实际为%d位", len(s)),
			fmt.Sprintf("mobile number must be 11 digits, got %d", len(s)))
	}
	if s[0] != '1' {
		return "", errs.Field(mobileField,
			fmt.Sprintf("手机号应以1开头，实际为 %c", s[0]),
			fmt.Sprintf("mobile number must start with 1, got %c", s[0]))
	}
	if s[1] < '3' {
		return "", errs.Field(mobileField,
			fmt.Sprintf("手机号第二位应为3–9，实际为 %c", s[1]),
			fmt.Sprintf("the second digit of a mobile number must be 3–9, got %c", s[1]))
	}
	return s, nil
}
