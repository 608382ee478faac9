package ident

import (
	"fmt"
	"strings"

	"zhongshu/internal/platform/errs"
)

const creditField = "credit_code"

// creditChars is the GB 32100-2015 character set in value order (0–30). I,
// O, Z, S and V are left out because they are easily mistaken for 1, 0, 2, 5
// and U when written by hand or read aloud.
const creditChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditWeights are the GB 32100-2015 weights Wᵢ = 3^(i−1) mod 31, i = 1…17.
var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// orgWeights are the GB 11714-1997 organisation-code weights for its 8-char
// body.
var orgWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// CreditCode validates a 统一社会信用代码 (GB 32100-2015) and returns it
// trimmed and upper-cased. Besides the layout, character set and check
// character it enforces the GB 11714 check character of the embedded
// organisation code (position 17), which SECURITY.md §6 calls an optional
// stricter check: all our demo data is generated valid, and a code that fails
// it has very likely been mistyped in the body. Codes from the field that
// genuinely fail it need an audited admin override, not a silent bypass here.
// Errors are errs.Field("credit_code", …) naming the failed rule.
func CreditCode(s string) (string, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if s == "" {
		return "", errs.Field(creditField, "请填写统一社会信用代码", "unified social credit code is required")
	}
	if n := len([]rune(s)); n != 18 {
		return "", errs.Field(creditField,
			fmt.Sprintf("统一社会信用代码应为18位，实际为%d位", n),
			fmt.Sprintf("unified social credit code must be 18 characters, got %d", n))
	}
	if !isASCII(s) {
		return "", errs.Field(creditField,
			"统一社会信用代码只能包含数字和大写字母（请检查是否输入了全角字符）",
			"unified social credit code may contain only digits and Latin letters (check for full-width characters)")
	}
	if err := checkCreditBody(s[:17]); err != nil {
		return "", err
	}
	want := creditCheck(s[:17])
	if s[17] != want {
		// A final I/O/Z/S/V lands here too: the expected character is more
		// useful to the person typing than "bad character".
		return "", errs.Field(creditField,
			fmt.Sprintf("统一社会信用代码校验码错误：应为 %c", want),
			fmt.Sprintf("unified social credit code check character is wrong: expected %c", want))
	}
	// The organisation code occupies positions 9–17; its own check is the
	// 17th character, computed over positions 9–16.
	org := orgCheck(s[8:16])
	if s[16] != org {
		return "", errs.Field(creditField,
			fmt.Sprintf("统一社会信用代码中的组织机构代码（第9–17位）校验码错误：第17位应为 %c", org),
			fmt.Sprintf("the organisation code (characters 9–17) in the unified social credit code has a wrong check character: character 17 should be %c", org))
	}
	return s, nil
}

// checkCreditBody enforces the layout of the first 17 characters of an ASCII
// string: ^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{9}. Letters the
// standard excludes get their own message because they are the usual typo.
func checkCreditBody(b string) error {
	for i := 0; i < 17; i++ {
		c := b[i]
		switch c {
		case 'I', 'O', 'Z', 'S', 'V':
			return errs.Field(creditField,
				fmt.Sprintf("统一社会信用代码不使用字母 I、O、Z、S、V，第%d位为 %c", i+1, c),
				fmt.Sprintf("unified social credit codes never use the letters I, O, Z, S or V; character %d is %c", i+1, c))
		}
		if i >= 2 && i < 8 {
			if !isDigit(c) {
				return errs.Field(creditField,
					fmt.Sprintf("统一社会信用代码第3–8位为行政区划码，应为数字，第%d位为 %c", i+1, c),
					fmt.Sprintf("characters 3–8 of a unified social credit code are the division code and must be digits; character %d is %c", i+1, c))
			}
			continue
		}
		if strings.IndexByte(creditChars, c) < 0 {
			return errs.Field(creditField,
				fmt.Sprintf("统一社会信用代码第%d位 %c 不是允许的字符（数字或除 I、O、Z、S、V 外的大写字母）", i+1, c),
				fmt.Sprintf("character %d (%c) of the unified social credit code is not allowed (digits, or capital letters except I, O, Z, S, V)", i+1, c))
		}
	}
	return nil
}

// creditCheck computes C₁₈ = 31 − (Σ CᵢWᵢ mod 31), 31 → 0, for a body that
// checkCreditBody accepted.
func creditCheck(b string) byte {
	s := 0
	for i := 0; i < 17; i++ {
		s += strings.IndexByte(creditChars, b[i]) * creditWeights[i]
	}
	return creditChars[(31-s%31)%31]
}

// CreditCheckChar computes the 18th (check) character for a 17-character
// unified social credit code body, for generating demo data. The body must
// pass the same layout rules CreditCode applies, so a generated code always
// validates.
func CreditCheckChar(body17 string) (byte, error) {
	if len(body17) != 17 || !isASCII(body17) {
		return 0, errs.Field(creditField,
			"统一社会信用代码本体应为17个数字或字母",
			"the unified social credit code body must be 17 digits or letters")
	}
	body17 = strings.ToUpper(body17)
	if err := checkCreditBody(body17); err != nil {
		return 0, err
	}
	return creditCheck(body17), nil
}

// orgCheck computes the GB 11714 check for 8 characters of [0-9A-Z]:
// c = 11 − (Σ vᵢWᵢ mod 11) with A=10…Z=35, where 10 → X and 11 → 0.
func orgCheck(b string) byte {
	s := 0
	for i := 0; i < 8; i++ {
		s += orgValue(b[i]) * orgWeights[i]
	}
	switch c := 11 - s%11; c {
	case 10:
		return 'X'
	case 11:
		return '0'
	default:
		return byte('0' + c)
	}
}

func orgValue(c byte) int {
	if isDigit(c) {
		return int(c - '0')
	}
	return int(c-'A') + 10
}

// OrgCodeCheck computes the GB 11714-1997 organisation-code check character
// ('0'–'9' or 'X') for an 8-character body of digits and capital letters.
// CreditCode uses the same computation on positions 9–16.
func OrgCodeCheck(body8 string) (byte, error) {
	// Check ASCII before upper-casing: ToUpper maps a few non-ASCII runes
	// (ı, ſ) onto ASCII letters.
	ok := len(body8) == 8 && isASCII(body8)
	body8 = strings.ToUpper(body8)
	for i := 0; ok && i < len(body8); i++ {
		ok = isDigit(body8[i]) || (body8[i] >= 'A' && body8[i] <= 'Z')
	}
	if !ok {
		return 0, errs.Field("org_code",
			"组织机构代码本体应为8个数字或大写字母",
			"the organisation code body must be 8 digits or capital letters")
	}
	return orgCheck(body8), nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
