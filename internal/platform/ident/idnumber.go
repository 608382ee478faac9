// Package ident validates and masks the Chinese personal and organisational
// identifiers Zhongshu stores: the 居民身份证号 (GB 11643-1999), the
// 统一社会信用代码 (GB 32100-2015, with its embedded GB 11714 organisation
// code) and mainland mobile numbers.
//
// Validation happens at the edge (forms, imports, API) so that nothing wrong
// is ever stored: a bad check digit caught at entry is a typo the villager can
// fix on the spot, while one found later is a record nobody can match. Every
// rule that fails returns its own errs.Field error with a Chinese and an
// English message naming that rule, because "invalid ID" alone leaves the
// person at the counter guessing which digit to look at (SECURITY.md §6,
// acceptance check 12).
//
// The validators return the canonical form (upper-case X, normalised mobile)
// which is what callers must encrypt, blind-index and compare; feeding a
// non-canonical form to the blind index would make the same person look like
// two.
//
// Masking (MaskIDNumber, MaskMobile, MaskName) is deliberately total: it takes
// any string, never panics and never reveals the sensitive middle, because it
// runs on display paths (HTML, JSON, Excel, logs, the public portal) where the
// value may be legacy, half-typed or corrupted (acceptance check 11).
package ident

import (
	"fmt"
	"strings"
	"time"

	"zhongshu/internal/platform/errs"
)

const idField = "id_number"

// idWeights are the GB 11643-1999 weights Wᵢ = 2^(18−i) mod 11 for i = 1…17.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// idCheckChars maps Y = S mod 11 to the check character (ISO 7064 MOD 11-2):
// 0→1 1→0 2→X 3→9 4→8 5→7 6→6 7→5 8→4 9→3 10→2.
const idCheckChars = "10X98765432"

// provinces lists the first two digits GB/T 2260 assigns to province-level
// divisions: 11–15, 21–23, 31–37, 41–46, 50–54, 61–65, 71 (Taiwan), 81–83
// (Hong Kong, Macao; 83 for the Taiwan residence permit). Checking it catches
// the common slip of typing the number starting one digit late.
var provinces = func() map[string]bool {
	m := map[string]bool{}
	add := func(lo, hi int) {
		for i := lo; i <= hi; i++ {
			m[fmt.Sprintf("%02d", i)] = true
		}
	}
	add(11, 15)
	add(21, 23)
	add(31, 37)
	add(41, 46)
	add(50, 54)
	add(61, 65)
	add(71, 71)
	add(81, 83)
	return m
}()

// chinaZone is Beijing time. Birth dates on an ID are Beijing calendar
// dates, so "not in the future" must be judged on the Beijing calendar
// whatever zone the caller's clock is in; otherwise a baby born this morning
// in Beijing would be rejected until UTC midnight. China has had no daylight
// saving since 1991, so a fixed offset is exact.
var chinaZone = time.FixedZone("CST", 8*3600)

// IDNumber validates a 居民身份证号 (GB 11643-1999) and returns its canonical
// form (trimmed, check character X upper-cased). now bounds the birth date: a
// date after now (on the Beijing calendar) is rejected. Errors are
// errs.Field("id_number", …) naming the failed rule. Checks run from the
// coarsest to the finest so the message points at the first real problem.
func IDNumber(s string, now time.Time) (string, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if s == "" {
		return "", errs.Field(idField, "请填写身份证号", "ID number is required")
	}
	n := len([]rune(s))
	if n == 15 && allDigits(s) {
		// First-generation numbers have no check digit and a two-digit
		// year; they were withdrawn in 2013, so accepting one would store
		// something that can't be verified or matched to a current card.
		return "", errs.Field(idField,
			"不支持15位旧身份证号，请填写18位身份证号",
			"15-digit first-generation ID numbers are not supported; enter the 18-character number")
	}
	if n != 18 {
		return "", errs.Field(idField,
			fmt.Sprintf("身份证号应为18位，实际为%d位", n),
			fmt.Sprintf("ID number must be 18 characters, got %d", n))
	}
	// From here s is 18 runes; the format check makes it 18 ASCII bytes.
	if !allDigits(s[:17]) || !(isDigit(s[17]) || s[17] == 'X') {
		return "", errs.Field(idField,
			"身份证号格式错误：前17位应为数字，最后一位应为数字或X",
			"ID number format is wrong: the first 17 characters must be digits and the last a digit or X")
	}
	if !provinces[s[:2]] {
		return "", errs.Field(idField,
			fmt.Sprintf("身份证号前两位 %s 不是有效的省级行政区划代码", s[:2]),
			fmt.Sprintf("ID number starts with %s, which is not a province code", s[:2]))
	}
	if err := checkBirth(s[6:14], now); err != nil {
		return "", err
	}
	want := idCheck(s[:17])
	if s[17] != want {
		return "", errs.Field(idField,
			fmt.Sprintf("身份证号校验码错误：应为 %c", want),
			fmt.Sprintf("ID number check digit is wrong: expected %c", want))
	}
	return s, nil
}

// checkBirth enforces a real calendar date, not before 1900 and not after
// now. The checksum alone can't catch 20010229: it is arithmetic over digits,
// not over dates.
func checkBirth(d string, now time.Time) error {
	y, m, day := digitsValue(d[:4]), digitsValue(d[4:6]), digitsValue(d[6:8])
	t := time.Date(y, time.Month(m), day, 0, 0, 0, 0, chinaZone)
	// time.Date normalises 0229 to 0301 in a non-leap year; a round trip
	// that changes the date means the date does not exist.
	if t.Year() != y || int(t.Month()) != m || t.Day() != day {
		return errs.Field(idField,
			fmt.Sprintf("身份证号中的出生日期 %s 不是有效日期", d),
			fmt.Sprintf("the birth date %s in the ID number is not a real date", d))
	}
	if y < 1900 {
		return errs.Field(idField,
			fmt.Sprintf("身份证号中的出生日期 %s 早于1900年", d),
			fmt.Sprintf("the birth date %s in the ID number is before 1900", d))
	}
	ny, nm, nd := now.In(chinaZone).Date()
	if t.After(time.Date(ny, nm, nd, 0, 0, 0, 0, chinaZone)) {
		return errs.Field(idField,
			fmt.Sprintf("身份证号中的出生日期 %s 晚于今天", d),
			fmt.Sprintf("the birth date %s in the ID number is in the future", d))
	}
	return nil
}

// idCheck computes the check character of a body already known to be 17
// ASCII digits.
func idCheck(body string) byte {
	s := 0
	for i := 0; i < 17; i++ {
		s += int(body[i]-'0') * idWeights[i]
	}
	return idCheckChars[s%11]
}

// IDCheckChar computes the GB 11643-1999 check character ('0'–'9' or 'X')
// for a 17-digit body. It exists so demo and test data can be generated valid
// rather than copied from real people.
func IDCheckChar(body17 string) (byte, error) {
	if len(body17) != 17 || !allDigits(body17) {
		return 0, errs.Field(idField,
			"身份证号本体应为17位数字",
			"the ID number body must be 17 digits")
	}
	return idCheck(body17), nil
}

// digitsValue converts a string already known to be ASCII digits.
func digitsValue(s string) int {
	v := 0
	for i := 0; i < len(s); i++ {
		v = v*10 + int(s[i]-'0')
	}
	return v
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// allDigits reports whether s is non-empty ASCII digits only. It works on
// bytes, so any non-ASCII rune fails it.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}
