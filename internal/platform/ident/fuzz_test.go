package ident

import (
	"strings"
	"testing"
	"unicode/utf8"

	"zhongshu/internal/platform/errs"
)

// These fuzzers back acceptance check 12 ("fuzzers never panic") and pin two
// properties callers rely on: a canonical result is a fixed point (so the
// blind index of a re-validated value never drifts), and every rejection is
// a field error with both messages (so the web layer can always show one).

func checkRejection(t *testing.T, err error, field string) {
	t.Helper()
	e := errs.As(err)
	if e == nil || e.Kind != errs.Invalid || e.Field != field || e.Zh == "" || e.En == "" {
		t.Fatalf("rejection is not a complete %s field error: %#v", field, err)
	}
}

func FuzzIDNumber(f *testing.F) {
	for _, s := range []string{
		"110101200001010002", "11010519491231002X", "11010519491231002x",
		"110101200102290015", "110105491231002", "", "X", "99010120000101000６",
		"11010118991231001X", "110101299912310010",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := IDNumber(s, fixedNow)
		if err != nil {
			checkRejection(t, err, "id_number")
			return
		}
		if len(got) != 18 || strings.ContainsRune(got, 'x') {
			t.Fatalf("IDNumber(%q) = %q: not canonical", s, got)
		}
		again, err := IDNumber(got, fixedNow)
		if err != nil || again != got {
			t.Fatalf("IDNumber(%q) = %q, re-validated to %q, %v", s, got, again, err)
		}
		if c, err := IDCheckChar(got[:17]); err != nil || c != got[17] {
			t.Fatalf("IDCheckChar disagrees with IDNumber on %q: %q, %v", got, c, err)
		}
	})
}

func FuzzCreditCode(f *testing.F) {
	for _, s := range []string{
		"91350100M000100Y43", "91350100M000100Y4Z", "91350100m000100y43",
		"91110105MA01ABC179", "9I350100M000100Y43", "", "ıııııııııııııııııı",
		"00000000000000000" + "0",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := CreditCode(s)
		if err != nil {
			checkRejection(t, err, "credit_code")
			return
		}
		if len(got) != 18 || got != strings.ToUpper(got) || strings.ContainsAny(got, "IOZSV") {
			t.Fatalf("CreditCode(%q) = %q: not canonical", s, got)
		}
		again, err := CreditCode(got)
		if err != nil || again != got {
			t.Fatalf("CreditCode(%q) = %q, re-validated to %q, %v", s, got, again, err)
		}
		if c, err := CreditCheckChar(got[:17]); err != nil || c != got[17] {
			t.Fatalf("CreditCheckChar disagrees with CreditCode on %q: %q, %v", got, c, err)
		}
		if c, err := OrgCodeCheck(got[8:16]); err != nil || c != got[16] {
			t.Fatalf("OrgCodeCheck disagrees with CreditCode on %q: %q, %v", got, c, err)
		}
	})
}

func FuzzMobile(f *testing.F) {
	for _, s := range []string{
		"13800138000", "+86 138-0013-8000", "0086 13800138000", "8613800138000",
		"12345678901", "+86", "86", "+1 415 555 0100", "", "１３８００１３８０００",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Mobile(s)
		if err != nil {
			checkRejection(t, err, "mobile")
			return
		}
		if len(got) != 11 || got[0] != '1' || got[1] < '3' || !allDigits(got) {
			t.Fatalf("Mobile(%q) = %q: does not match ^1[3-9]\\d{9}$", s, got)
		}
		again, err := Mobile(got)
		if err != nil || again != got {
			t.Fatalf("Mobile(%q) = %q, re-validated to %q, %v", s, got, again, err)
		}
		if m := MaskMobile(s); m != got[:3]+"****"+got[7:] {
			t.Fatalf("MaskMobile(%q) = %q", s, m)
		}
	})
}

func FuzzMask(f *testing.F) {
	for _, s := range []string{
		"110105194912311234", "11010519491231002X", "110105491231002", "",
		"13812345678", "张三", "欧阳娜娜", "\xff\xfe", " 110105194912311234 ",
		"1101051949123112341101051949123112", "**********************",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m := MaskIDNumber(s)
		if !utf8.ValidString(m) && utf8.ValidString(s) {
			t.Fatalf("MaskIDNumber(%q) produced invalid UTF-8 %q", s, m)
		}
		// Characters 7–14 are the birth date and sequence. When they are
		// 8 digits (the case that matters: a real ID), they must never
		// appear in the output.
		if r := []rune(s); len(r) >= 14 {
			mid := string(r[6:14])
			if allDigits(mid) && strings.Contains(m, mid) {
				t.Fatalf("MaskIDNumber(%q) = %q reveals %q", s, m, mid)
			}
		}
		// Whatever the input, positions 7–14 of an 18-rune mask are stars,
		// and a mask never has more visible runes than 6 + 4.
		mr := []rune(m)
		if len(mr) == 18 && string(mr[6:14]) != "********" {
			t.Fatalf("MaskIDNumber(%q) = %q: middle not starred", s, m)
		}
		if len(mr) != 18 && strings.Trim(m, "*") != "" {
			t.Fatalf("MaskIDNumber(%q) = %q: non-18 input not fully starred", s, m)
		}

		mm := []rune(MaskMobile(s))
		if len(mm) == 11 && string(mm[3:7]) != "****" {
			t.Fatalf("MaskMobile(%q) = %q: middle not starred", s, string(mm))
		}
		if len(mm) != 11 && strings.Trim(string(mm), "*") != "" {
			t.Fatalf("MaskMobile(%q) = %q: not fully starred", s, string(mm))
		}

		nm := []rune(MaskName(s))
		tr := []rune(strings.TrimSpace(s))
		if len(nm) != len(tr) {
			t.Fatalf("MaskName(%q) = %q: length changed", s, string(nm))
		}
		if len(tr) >= 2 && nm[len(nm)-1] != '*' {
			t.Fatalf("MaskName(%q) = %q: given name not starred", s, string(nm))
		}
		if len(tr) == 1 && string(nm) != "*" {
			t.Fatalf("MaskName(%q) = %q: single character revealed", s, string(nm))
		}
	})
}
