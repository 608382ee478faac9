package ident

import (
	"strings"
	"testing"
	"time"

	"zhongshu/internal/platform/errs"
)

// fixedNow is the clock for every date-dependent case, so the tests don't
// start failing as the calendar moves. 2024-06-01 17:00 UTC is already
// 2024-06-02 on the Beijing calendar, which the boundary cases rely on.
var fixedNow = time.Date(2024, 6, 1, 17, 0, 0, 0, time.UTC)

// wantField asserts err is an Invalid errs.Error for field whose Chinese and
// English messages contain the given fragments, so each case proves it hit
// the intended rule and not just "some error".
func wantField(t *testing.T, err error, field, zh, en string) {
	t.Helper()
	e := errs.As(err)
	if e == nil {
		t.Fatalf("want *errs.Error for %s, got %v", field, err)
	}
	if e.Kind != errs.Invalid || e.Field != field {
		t.Fatalf("want invalid %s, got kind=%s field=%s", field, e.Kind, e.Field)
	}
	if !strings.Contains(e.Zh, zh) {
		t.Errorf("zh message %q does not contain %q", e.Zh, zh)
	}
	if !strings.Contains(e.En, en) {
		t.Errorf("en message %q does not contain %q", e.En, en)
	}
}

func TestIDNumber(t *testing.T) {
	valid := []struct{ name, in, want string }{
		// SECURITY.md §6 worked example: body 11010120000101000, S = 43,
		// 43 mod 11 = 10 → "2" (GB 11643-1999, ISO 7064 MOD 11-2).
		{"worked example", "110101200001010002", "110101200001010002"},
		// The sample printed in GB 11643-1999 itself: S = 167, Y = 2 → X.
		{"standard sample", "11010519491231002X", "11010519491231002X"},
		{"lower-case x canonicalised", "11010519491231002x", "11010519491231002X"},
		{"surrounding space trimmed", " 110101200001010002\t", "110101200001010002"},
		{"leap day in a leap year", "110101200002290018", "110101200002290018"},
		{"born 1900-01-01 is the floor", "110101190001010014", "110101190001010014"},
		// Beijing date is 2024-06-02 while UTC is still 06-01.
		{"born today on the Beijing calendar", "110101202406020013", "110101202406020013"},
		{"Shenzhen demo number", "440306199003074521", "440306199003074521"},
	}
	for _, c := range valid {
		t.Run(c.name, func(t *testing.T) {
			got, err := IDNumber(c.in, fixedNow)
			if err != nil {
				t.Fatalf("IDNumber(%q): %v", c.in, err)
			}
			if got != c.want {
				t.Fatalf("IDNumber(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}

	invalid := []struct{ name, in, zh, en string }{
		{"empty", "  ", "请填写身份证号", "required"},
		// First-generation numbers (GB 11643-1989 era) have no check digit.
		{"15-digit legacy", "110105491231002", "不支持15位旧身份证号", "15-digit"},
		{"too short", "11010120000101000", "应为18位，实际为17位", "must be 18 characters, got 17"},
		{"too long", "1101012000010100020", "应为18位，实际为19位", "got 19"},
		{"letter in body", "11010A200001010002", "前17位应为数字", "first 17 characters must be digits"},
		{"bad last char", "11010120000101000Y", "最后一位应为数字或X", "last a digit or X"},
		{"full-width digit", "11010120000101000２", "最后一位应为数字或X", "format is wrong"},
		// GB/T 2260: 99 is not a province-level code. Check digit is right.
		{"unknown province", "990101200001010006", "前两位 99 不是有效的省级行政区划代码", "not a province code"},
		{"province 16 gap", "160101200001010001", "前两位 16", "starts with 16"},
		// SECURITY.md §6: 20010229 passes the checksum but 2001 is not a
		// leap year, so the date rule must reject it.
		{"20010229 impossible date", "110101200102290015", "出生日期 20010229 不是有效日期", "20010229 in the ID number is not a real date"},
		{"month 13", "11010120001301000X", "20001301 不是有效日期", "not a real date"},
		{"day 00", "110101200001000007", "20000100 不是有效日期", "not a real date"},
		{"before 1900", "11010118991231001X", "18991231 早于1900年", "before 1900"},
		{"future birth date", "110101202406030019", "20240603 晚于今天", "in the future"},
		// Last character altered from the worked example's 2.
		{"wrong check digit", "110101200001010003", "身份证号校验码错误：应为 2", "check digit is wrong: expected 2"},
		{"wrong check X", "110105194912310021", "应为 X", "expected X"},
	}
	for _, c := range invalid {
		t.Run(c.name, func(t *testing.T) {
			got, err := IDNumber(c.in, fixedNow)
			if err == nil {
				t.Fatalf("IDNumber(%q) = %q, want error", c.in, got)
			}
			wantField(t, err, "id_number", c.zh, c.en)
		})
	}
}

func TestIDCheckChar(t *testing.T) {
	for body, want := range map[string]byte{
		"11010120000101000": '2', // SECURITY.md §6 worked example, S = 43
		"11010519491231002": 'X', // GB 11643-1999 sample, S = 167
		"11010120010229001": '5', // the impossible date still has a checksum
	} {
		got, err := IDCheckChar(body)
		if err != nil || got != want {
			t.Errorf("IDCheckChar(%q) = %q, %v; want %q", body, got, err, want)
		}
	}
	for _, bad := range []string{"", "1101012000010100", "110101200001010000", "1101012000010100X", "１1010120000101000"} {
		if _, err := IDCheckChar(bad); err == nil {
			t.Errorf("IDCheckChar(%q) accepted a bad body", bad)
		} else {
			wantField(t, err, "id_number", "17位数字", "17 digits")
		}
	}
}

func TestCreditCode(t *testing.T) {
	valid := []struct{ name, in, want string }{
		// GB 32100-2015 example 91350100M000100Y4?: Σ = 1640, 1640 mod 31 =
		// 28, 31 − 28 = 3. Its GB 11714 body M000100Y checks to 4 ✓.
		{"standard example", "91350100M000100Y43", "91350100M000100Y43"},
		{"lower case upper-cased", "91350100m000100y43", "91350100M000100Y43"},
		{"trimmed", " 91350100M000100Y43 ", "91350100M000100Y43"},
		// Generated demo codes (org check then USCC check).
		{"demo enterprise", "91110105MA01ABC179", "91110105MA01ABC179"},
		{"demo social org", "52110105L23456783C", "52110105L23456783C"},
	}
	for _, c := range valid {
		t.Run(c.name, func(t *testing.T) {
			got, err := CreditCode(c.in)
			if err != nil {
				t.Fatalf("CreditCode(%q): %v", c.in, err)
			}
			if got != c.want {
				t.Fatalf("CreditCode(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}

	invalid := []struct{ name, in, zh, en string }{
		{"empty", "", "请填写统一社会信用代码", "required"},
		{"short", "91350100M000100Y4", "应为18位，实际为17位", "got 17"},
		// SECURITY.md §6: "…Y4Z" — Z is outside the charset and the check
		// should be 3.
		{"final Z", "91350100M000100Y4Z", "校验码错误：应为 3", "check character is wrong: expected 3"},
		{"wrong final digit", "91350100M000100Y44", "校验码错误：应为 3", "expected 3"},
		// GB 32100-2015 excludes I, O, Z, S, V from the character set.
		{"letter I", "9I350100M000100Y43", "不使用字母 I、O、Z、S、V，第2位为 I", "character 2 is I"},
		{"letter O", "91350100MO00100Y43", "第10位为 O", "character 10 is O"},
		{"letter S", "S1350100M000100Y43", "第1位为 S", "character 1 is S"},
		{"letter V", "91350100M000100V43", "第16位为 V", "character 16 is V"},
		{"letter Z in body", "91350100M00010ZY43", "第15位为 Z", "character 15 is Z"},
		{"letter in division code", "9135A100M000100Y43", "第3–8位为行政区划码，应为数字，第5位为 A", "must be digits; character 5 is A"},
		{"punctuation", "91350100M000-00Y43", "第13位 - 不是允许的字符", "character 13 (-) of the unified social credit code is not allowed"},
		{"full-width", "91350100M000100Y4３", "全角", "full-width"},
		// Body Y5 with a correct USCC check (6) still fails GB 11714: the
		// organisation code M000100Y checks to 4, not 5.
		{"org code check", "91350100M000100Y56", "组织机构代码（第9–17位）校验码错误：第17位应为 4", "character 17 should be 4"},
	}
	for _, c := range invalid {
		t.Run(c.name, func(t *testing.T) {
			got, err := CreditCode(c.in)
			if err == nil {
				t.Fatalf("CreditCode(%q) = %q, want error", c.in, got)
			}
			wantField(t, err, "credit_code", c.zh, c.en)
		})
	}
}

func TestCreditCheckChar(t *testing.T) {
	for body, want := range map[string]byte{
		"91350100M000100Y4": '3', // GB 32100-2015 example
		"91350100m000100y4": '3', // lower case accepted
		"00000000000000000": '0', // Σ mod 31 = 0 → 31 → 0
	} {
		got, err := CreditCheckChar(body)
		if err != nil || got != want {
			t.Errorf("CreditCheckChar(%q) = %q, %v; want %q", body, got, err, want)
		}
	}
	for _, bad := range []string{"", "91350100M000100Y", "91350100M000100Y43", "9135010OM000100Y4", "91350100M000100Ｙ"} {
		if _, err := CreditCheckChar(bad); err == nil {
			t.Errorf("CreditCheckChar(%q) accepted a bad body", bad)
		}
	}
}

func TestOrgCodeCheck(t *testing.T) {
	// GB 11714-1997: weights 3 7 9 10 5 8 4 2, A=10…Z=35, c = 11 − (Σ mod
	// 11), 10 → X, 11 → 0.
	for body, want := range map[string]byte{
		"M000100Y": '4', // the body inside the GB 32100 example
		"00000000": '0', // 11 → 0
		"10000000": '8', // 11 − 3
		"40000000": 'X', // Σ = 12, 11 − 1 = 10 → X
		"m000100y": '4',
	} {
		got, err := OrgCodeCheck(body)
		if err != nil || got != want {
			t.Errorf("OrgCodeCheck(%q) = %q, %v; want %q", body, got, err, want)
		}
	}
	for _, bad := range []string{"", "M000100", "M000100Y4", "M000-00Y", "ı0000000"} {
		if _, err := OrgCodeCheck(bad); err == nil {
			t.Errorf("OrgCodeCheck(%q) accepted a bad body", bad)
		} else {
			wantField(t, err, "org_code", "8个数字或大写字母", "8 digits or capital letters")
		}
	}
}

// TestGenerateDemo shows the intended use of the *CheckChar helpers: demo
// data is built valid from synthetic bodies, never copied from real people.
func TestGenerateDemo(t *testing.T) {
	body := "32010219850615003"
	c, err := IDCheckChar(body)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := IDNumber(body+string(c), fixedNow); err != nil {
		t.Fatalf("generated ID %s%c rejected: %v", body, c, err)
	}

	org := "MA1X2Y3K"
	oc, err := OrgCodeCheck(org)
	if err != nil {
		t.Fatal(err)
	}
	b17 := "93320102" + org + string(oc)
	cc, err := CreditCheckChar(b17)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := CreditCode(b17 + string(cc)); err != nil {
		t.Fatalf("generated USCC %s%c rejected: %v", b17, cc, err)
	}
}

func TestMobile(t *testing.T) {
	valid := []struct{ in, want string }{
		{"13800138000", "13800138000"},
		// SECURITY.md §6 example: China Mobile's public service number.
		{"+86 138-0013-8000", "13800138000"},
		{"0086 13800138000", "13800138000"},
		{"8613800138000", "13800138000"},  // 86 removed: 13 digits
		{"+8619912345678", "19912345678"}, // 19x segment: no whitelist
		{" 138 0013 8000 ", "13800138000"},
		{"138\u300000138000", "13800138000"}, // ideographic space from a Chinese IME
	}
	for _, c := range valid {
		got, err := Mobile(c.in)
		if err != nil || got != c.want {
			t.Errorf("Mobile(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}

	invalid := []struct{ name, in, zh, en string }{
		{"empty", " - ", "请填写手机号", "required"},
		// SECURITY.md §6: second digit 2 is not a mobile segment.
		{"12345678901", "12345678901", "第二位应为3–9，实际为 2", "second digit of a mobile number must be 3–9, got 2"},
		{"landline-like", "02345678901", "应以1开头，实际为 0", "must start with 1, got 0"},
		{"too short", "1380013800", "应为11位数字，实际为10位", "must be 11 digits, got 10"},
		{"86 kept when only 11 digits", "86138001380", "应以1开头", "must start with 1"},
		{"86 prefix leaves 12", "86138001380001", "实际为14位", "got 14"},
		{"letters", "1380013800a", "只能包含数字", "only digits"},
		{"foreign prefix", "+1 415 555 0100", "仅支持中国大陆手机号", "only mainland China"},
		{"foreign 00 prefix", "00852 91234567", "仅支持中国大陆手机号", "only mainland China"},
		{"bare +86", "+86", "应为11位数字，实际为0位", "got 0"},
	}
	for _, c := range invalid {
		t.Run(c.name, func(t *testing.T) {
			got, err := Mobile(c.in)
			if err == nil {
				t.Fatalf("Mobile(%q) = %q, want error", c.in, got)
			}
			wantField(t, err, "mobile", c.zh, c.en)
		})
	}
}

func TestMaskIDNumber(t *testing.T) {
	for in, want := range map[string]string{
		// SECURITY.md §7 item 11 display form.
		"110105194912311234":                 "110105********1234",
		"11010519491231002X":                 "110105********002X",
		" 110101200001010002":                "110101********0002",
		"":                                   "",
		"110105491231002":                    "***************", // legacy 15: birth date at 7–12, star all
		"1234":                               "****",
		"1101051949123112345678901234567890": "******************", // capped
	} {
		if got := MaskIDNumber(in); got != want {
			t.Errorf("MaskIDNumber(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMaskMobile(t *testing.T) {
	for in, want := range map[string]string{
		"13812345678":       "138****5678",
		"+86 138-0013-8000": "138****8000",
		"12345678901":       "123****8901", // invalid but 11 long: middle still hidden
		"1381234":           "*******",
		"":                  "",
	} {
		if got := MaskMobile(in); got != want {
			t.Errorf("MaskMobile(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMaskName(t *testing.T) {
	for in, want := range map[string]string{
		"张三":      "张*",
		"张三丰":     "张**",
		"欧阳娜娜":    "欧阳**",
		"欧阳修":     "欧阳*",
		"欧阳":      "欧*", // two characters: keep only one or the whole name shows
		"张":       "*",
		"":        "",
		" 李四 ":    "李*",
		"Alice":   "A****",
		"阿卜杜拉·艾力": "阿******",
	} {
		if got := MaskName(in); got != want {
			t.Errorf("MaskName(%q) = %q, want %q", in, got, want)
		}
	}
}
