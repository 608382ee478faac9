package ident

import "strings"

// maxStars caps the length of an all-star mask: enough to look like the
// field it replaces, without echoing the length of arbitrarily long junk.
const maxStars = 18

// MaskIDNumber shows an ID number as "110105********1234": the address code
// (first 6) and the last 4, with the birth date and sequence (characters
// 7–14) starred. Anything that is not 18 characters after trimming is starred
// completely, because on a malformed value we can't know which characters are
// the birth date; a 15-digit legacy number, for one, has it at 7–12.
func MaskIDNumber(s string) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) != 18 {
		return stars(len(r))
	}
	return string(r[:6]) + "********" + string(r[14:])
}

// MaskMobile shows a mobile number as "138****5678". Input is normalised
// first, so "+86 138-0013-8000" masks the same as "13800138000". Anything
// that is not 11 characters after normalisation is starred completely.
func MaskMobile(s string) string {
	if m, err := Mobile(s); err == nil {
		s = m
	}
	r := []rune(strings.TrimSpace(s))
	if len(r) != 11 {
		return stars(len(r))
	}
	return string(r[:3]) + "****" + string(r[7:])
}

// compoundSurnames are the common two-character 复姓. They are kept whole
// so "欧阳娜娜" shows as "欧阳**" rather than "欧***", which would read as a
// different surname.
var compoundSurnames = map[string]bool{
	"欧阳": true, "司马": true, "上官": true, "诸葛": true, "东方": true,
	"皇甫": true, "尉迟": true, "公孙": true, "慕容": true, "长孙": true,
	"宇文": true, "司徒": true, "令狐": true, "夏侯": true, "轩辕": true,
	"端木": true, "独孤": true, "南宫": true, "西门": true, "万俟": true,
	"闻人": true, "澹台": true, "公冶": true, "宗政": true, "濮阳": true,
	"淳于": true, "单于": true, "太叔": true, "申屠": true, "钟离": true,
	"赫连": true, "呼延": true, "司空": true, "百里": true, "东郭": true,
}

// MaskName masks a personal name for the public portal: the surname stays
// and every other character becomes "*" ("张三" → "张*", "欧阳娜娜" → "欧阳**").
// Normally that is the first character; a common two-character 复姓 is kept
// whole when at least one given-name character follows it. A one-character
// input is starred entirely, since keeping it would reveal all of it.
func MaskName(s string) string {
	r := []rune(strings.TrimSpace(s))
	n := len(r)
	if n <= 1 {
		return stars(n)
	}
	keep := 1
	if n >= 3 && compoundSurnames[string(r[:2])] {
		keep = 2
	}
	return string(r[:keep]) + strings.Repeat("*", n-keep)
}

func stars(n int) string {
	return strings.Repeat("*", min(n, maxStars))
}
