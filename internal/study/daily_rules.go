package study

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"zhongshu/internal/platform/errs"
)

// The daily sentence's pure rules: answer normalisation, where the key
// phrases sit in a sentence (and so what the recitation blanks out),
// grading, streaks, ISO weeks and the weekly figures. No I/O here.

// Bounds of a scheduled sentence (our choice: a 金句 is one sentence or a
// short passage that fits a phone screen and a group-robot message).
const (
	dailyMinSentenceRunes = 5
	dailyMaxSentenceRunes = 300
	dailyMinSourceRunes   = 2
	dailyMaxSourceRunes   = 100
	dailyMinKeyPhrases    = 1
	dailyMaxKeyPhrases    = 5
	dailyMaxPhraseRunes   = 30
)

// NormalizeAnswer is the form in which a recited answer and a key phrase are
// compared, so that what a phone keyboard does to text does not fail an
// otherwise right answer (the issue: "compared after normalising
// full-/half-width characters, spaces and punctuation"):
//   - full-width ASCII (U+FF01–U+FF5E) becomes half-width (U+0021–U+007E)
//     and the ideographic space U+3000 a space (the NFKC mapping for these,
//     without golang.org/x/text);
//   - every white space, punctuation (Unicode P*) and symbol (S*) is dropped,
//     which also drops the U+FFFD of invalid UTF-8;
//   - ASCII letters are folded to lower case.
//
// It is idempotent: NormalizeAnswer(NormalizeAnswer(s)) == NormalizeAnswer(s).
func NormalizeAnswer(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFF01 - 0x21
		case r == 0x3000:
			r = ' '
		}
		if unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) || unicode.IsControl(r) {
			continue
		}
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// dailySpan is where a key phrase sits in its sentence, in bytes [start, end).
type dailySpan struct{ start, end int }

// dailyLocate finds each key phrase in text: its first occurrence that does not
// overlap a phrase located before it, so that a phrase given twice blanks
// two places. It reports, per phrase, why it cannot be a blank.
func dailyLocate(text string, phrases []string) ([]dailySpan, errs.List) {
	var l errs.List
	spans := make([]dailySpan, len(phrases))
	var taken []dailySpan
	for i, p := range phrases {
		field := fmt.Sprintf("key_phrases[%d]", i)
		if p == "" {
			l = append(l, errs.Field(field, fmt.Sprintf("第 %d 个关键词为空", i+1), fmt.Sprintf("key phrase %d is empty", i+1)))
			continue
		}
		found := false
		for from := 0; from <= len(text)-len(p); {
			j := strings.Index(text[from:], p)
			if j < 0 {
				break
			}
			s := dailySpan{from + j, from + j + len(p)}
			if !dailyOverlaps(s, taken) {
				spans[i], found = s, true
				taken = append(taken, s)
				break
			}
			_, size := utf8.DecodeRuneInString(text[from+j:])
			from += j + size
		}
		if !found {
			if strings.Contains(text, p) {
				l = append(l, errs.Field(field, fmt.Sprintf("第 %d 个关键词“%s”与前面的关键词重叠，关键词在句中不能重叠", i+1, p),
					fmt.Sprintf("key phrase %d “%s” overlaps an earlier key phrase; key phrases must not overlap in the sentence", i+1, p)))
			} else {
				l = append(l, errs.Field(field, fmt.Sprintf("第 %d 个关键词“%s”不在金句中，关键词须是金句原文中的一段", i+1, p),
					fmt.Sprintf("key phrase %d “%s” does not occur in the sentence; each key phrase must be part of its text", i+1, p)))
			}
		}
	}
	return spans, l
}

func dailyOverlaps(s dailySpan, taken []dailySpan) bool {
	for _, t := range taken {
		if s.start < t.end && t.start < s.end {
			return true
		}
	}
	return false
}

// SentenceInput is what an editor, the API or an import row supplies.
type SentenceInput struct {
	Day        string   `json:"day"`
	Text       string   `json:"text"`
	Source     string   `json:"source"`
	KeyPhrases []string `json:"key_phrases"`
}

// SplitKeyPhrases splits key phrases typed in one cell or field, separated by
// 、 or ；(also ; and line breaks, which people type for them).
func SplitKeyPhrases(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune("、；;\n\r", r) }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func dailyHasControl(s string) bool {
	return strings.IndexFunc(s, unicode.IsControl) >= 0
}

// dailyValidateSentence checks an input against the rules of a scheduled
// sentence and returns it cleaned: text and source trimmed, key phrases in
// the order they appear in the sentence (the order of the blanks). today is
// the zone day now: only later days may be scheduled, because a day that
// has begun is history (members may already have checked in against it).
func dailyValidateSentence(in SentenceInput, today string) (SentenceInput, errs.List) {
	var l errs.List
	in.Day, in.Text, in.Source = strings.TrimSpace(in.Day), strings.TrimSpace(in.Text), strings.TrimSpace(in.Source)
	if d, err := time.Parse(time.DateOnly, in.Day); err != nil || d.Format(time.DateOnly) != in.Day {
		l = append(l, errs.Field("day", "日期须为 YYYY-MM-DD 格式的有效日期", "the day must be a valid date in the form YYYY-MM-DD"))
	} else if in.Day <= today {
		l = append(l, errs.Field("day", fmt.Sprintf("只能编排明天及以后的金句（今天是 %s，已开始的日期属于历史记录）", today),
			fmt.Sprintf("only days after today can be scheduled (today is %s; a day that has begun is history)", today)))
	}
	switch n := utf8.RuneCountInString(in.Text); {
	case n < dailyMinSentenceRunes || n > dailyMaxSentenceRunes:
		l = append(l, errs.Field("text", fmt.Sprintf("金句须为 %d–%d 个字，实际 %d 个字", dailyMinSentenceRunes, dailyMaxSentenceRunes, n),
			fmt.Sprintf("the sentence must have %d–%d characters, it has %d", dailyMinSentenceRunes, dailyMaxSentenceRunes, n)))
	case dailyHasControl(in.Text):
		l = append(l, errs.Field("text", "金句须为一段文字，不能含换行或控制字符", "the sentence must be one paragraph, without line breaks or control characters"))
	}
	switch n := utf8.RuneCountInString(in.Source); {
	case n < dailyMinSourceRunes || n > dailyMaxSourceRunes:
		l = append(l, errs.Field("source", fmt.Sprintf("出处须为 %d–%d 个字，实际 %d 个字", dailyMinSourceRunes, dailyMaxSourceRunes, n),
			fmt.Sprintf("the source must have %d–%d characters, it has %d", dailyMinSourceRunes, dailyMaxSourceRunes, n)))
	case dailyHasControl(in.Source):
		l = append(l, errs.Field("source", "出处不能含换行或控制字符", "the source must not contain line breaks or control characters"))
	}
	phrases := make([]string, 0, len(in.KeyPhrases))
	for _, p := range in.KeyPhrases {
		phrases = append(phrases, strings.TrimSpace(p))
	}
	if n := len(phrases); n < dailyMinKeyPhrases || n > dailyMaxKeyPhrases {
		l = append(l, errs.Field("key_phrases", fmt.Sprintf("关键词须为 %d–%d 个，实际 %d 个", dailyMinKeyPhrases, dailyMaxKeyPhrases, n),
			fmt.Sprintf("there must be %d–%d key phrases, there are %d", dailyMinKeyPhrases, dailyMaxKeyPhrases, n)))
		in.KeyPhrases = phrases
		return in, l
	}
	var bad errs.List
	for i, p := range phrases {
		field := fmt.Sprintf("key_phrases[%d]", i)
		switch n := utf8.RuneCountInString(p); {
		case n > dailyMaxPhraseRunes:
			bad = append(bad, errs.Field(field, fmt.Sprintf("第 %d 个关键词过长：最多 %d 个字，实际 %d 个字", i+1, dailyMaxPhraseRunes, n),
				fmt.Sprintf("key phrase %d is too long: at most %d characters, it has %d", i+1, dailyMaxPhraseRunes, n)))
		case p != "" && NormalizeAnswer(p) == "":
			bad = append(bad, errs.Field(field, fmt.Sprintf("第 %d 个关键词只有标点或空格，无法填空", i+1),
				fmt.Sprintf("key phrase %d has only punctuation or spaces and cannot be a blank", i+1)))
		}
	}
	if len(bad) == 0 {
		spans, lerr := dailyLocate(in.Text, phrases)
		bad = lerr
		if len(bad) == 0 {
			idx := make([]int, len(phrases))
			for i := range idx {
				idx[i] = i
			}
			sort.SliceStable(idx, func(a, b int) bool { return spans[idx[a]].start < spans[idx[b]].start })
			sorted := make([]string, len(phrases))
			for i, j := range idx {
				sorted[i] = phrases[j]
			}
			phrases = sorted
		}
	}
	in.KeyPhrases = phrases
	return in, append(l, bad...)
}

// ClozeSegment is one piece of a recitation: text as it stands, or a blank to
// fill in. Blank is the blank's number as members read it (第 1 个空), Field
// the answer it takes ("answers[0]"), Length the runes of the phrase (the
// boxes a phone shows).
type ClozeSegment struct {
	Text   string `json:"text,omitempty"`
	Blank  int    `json:"blank,omitempty"`
	Field  string `json:"field,omitempty"`
	Length int    `json:"length,omitempty"`
}

// ClozeBlank stands for a key phrase in the cloze text.
const ClozeBlank = "____"

// MakeCloze blanks the key phrases of a sentence and returns the segments,
// the cloze text with ClozeBlank for each blank, and the phrases that were
// blanked in blank order (the expected answers). Phrases that cannot be
// located (data saved under an older rule) stay as text rather than
// failing the day's recitation.
func MakeCloze(text string, phrases []string) (segs []ClozeSegment, cloze string, expect []string) {
	spans, _ := dailyLocate(text, phrases)
	type blank struct {
		dailySpan
		phrase string
	}
	var bs []blank
	for i, s := range spans {
		if s.end > s.start {
			bs = append(bs, blank{s, phrases[i]})
		}
	}
	sort.Slice(bs, func(a, b int) bool { return bs[a].start < bs[b].start })
	var c strings.Builder
	at := 0
	for i, b := range bs {
		if b.start > at {
			segs = append(segs, ClozeSegment{Text: text[at:b.start]})
			c.WriteString(text[at:b.start])
		}
		segs = append(segs, ClozeSegment{Blank: i + 1, Field: fmt.Sprintf("answers[%d]", i), Length: utf8.RuneCountInString(b.phrase)})
		c.WriteString(ClozeBlank)
		expect = append(expect, b.phrase)
		at = b.end
	}
	if at < len(text) {
		segs = append(segs, ClozeSegment{Text: text[at:]})
		c.WriteString(text[at:])
	}
	return segs, c.String(), expect
}

// GradeRecitation compares a recitation's answers with the key phrases (both in blank
// order) after normalisation. It returns nil when every blank is right,
// else one field error per wrong or missing blank — "answers[1]": 第 2 个空
// 填写有误 — or one error on "answers" when the count is wrong.
func GradeRecitation(phrases, answers []string) errs.List {
	if len(answers) != len(phrases) {
		return errs.List{errs.Field("answers", fmt.Sprintf("本句有 %d 个空，须填写 %d 个答案，实际提交 %d 个", len(phrases), len(phrases), len(answers)),
			fmt.Sprintf("this sentence has %d blanks and needs %d answers, got %d", len(phrases), len(phrases), len(answers)))}
	}
	var l errs.List
	for i, p := range phrases {
		if NormalizeAnswer(answers[i]) != NormalizeAnswer(p) {
			l = append(l, errs.Field(fmt.Sprintf("answers[%d]", i), fmt.Sprintf("第 %d 个空填写有误", i+1), fmt.Sprintf("blank %d is wrong", i+1)))
		}
	}
	return l
}

// dailyAddDays moves a zone day (YYYY-MM-DD) by n calendar days.
func dailyAddDays(day string, n int) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return t.AddDate(0, 0, n).Format(time.DateOnly)
}

// CheckinStreak counts the consecutive zone days with a check-in that end today,
// or yesterday when today has none yet (a streak is not broken before the
// day is over). days may be in any order and hold duplicates.
func CheckinStreak(days []string, today string) int {
	set := make(map[string]bool, len(days))
	for _, d := range days {
		set[d] = true
	}
	d := today
	if !set[d] {
		d = dailyAddDays(today, -1)
	}
	n := 0
	for set[d] {
		n++
		d = dailyAddDays(d, -1)
	}
	return n
}

// ISOWeek is an ISO 8601 week (Monday to Sunday), the period of 周总结.
type ISOWeek struct {
	Year, Num int
}

func (w ISOWeek) String() string { return fmt.Sprintf("%04d-W%02d", w.Year, w.Num) }

// Monday returns the week's first zone day.
func (w ISOWeek) Monday() string {
	// ISO 8601: week 1 is the week with 4 January in it.
	jan4 := time.Date(w.Year, 1, 4, 0, 0, 0, 0, time.UTC)
	wd := int(jan4.Weekday()+6) % 7 // Monday 0 … Sunday 6
	return jan4.AddDate(0, 0, -wd+(w.Num-1)*7).Format(time.DateOnly)
}

// Days lists the week's seven zone days, Monday first.
func (w ISOWeek) Days() [7]string {
	var out [7]string
	m := w.Monday()
	for i := range out {
		out[i] = dailyAddDays(m, i)
	}
	return out
}

// Prev is the week before.
func (w ISOWeek) Prev() ISOWeek { return ISOWeekOf(dailyAddDays(w.Monday(), -7)) }

// Next is the week after.
func (w ISOWeek) Next() ISOWeek { return ISOWeekOf(dailyAddDays(w.Monday(), 7)) }

// ISOWeekOf is the ISO week a zone day belongs to.
func ISOWeekOf(day string) ISOWeek {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return ISOWeek{}
	}
	y, n := t.ISOWeek()
	return ISOWeek{y, n}
}

// ParseISOWeek reads "YYYY-Www" (e.g. 2021-W50).
func ParseISOWeek(s string) (ISOWeek, error) {
	bad := errs.Field("week", "周须为 YYYY-Www 格式，如 2021-W50", "the week must look like YYYY-Www, e.g. 2021-W50")
	s = strings.TrimSpace(s)
	y, n, ok := strings.Cut(s, "-W")
	if !ok || len(y) != 4 || len(n) != 2 {
		return ISOWeek{}, bad
	}
	yy, err1 := strconv.Atoi(y)
	nn, err2 := strconv.Atoi(n)
	if err1 != nil || err2 != nil || yy < 2000 || yy > 2100 || nn < 1 || nn > 53 {
		return ISOWeek{}, bad
	}
	w := ISOWeek{yy, nn}
	if ISOWeekOf(w.Monday()) != w { // week 53 of a 52-week year
		return ISOWeek{}, errs.Field("week", fmt.Sprintf("%d 年没有第 %d 周", yy, nn), fmt.Sprintf("%d has no week %d", yy, nn))
	}
	return w, nil
}

// WeeklyPerson is one member in a weekly summary.
type WeeklyPerson struct {
	PersonID int64  `json:"person_id"`
	Name     string `json:"name"`
	Days     int    `json:"days"` // zone days of the week with a check-in, 0–7
}

// WeeklyFigures are a week's figures for a branch or the zone.
type WeeklyFigures struct {
	Members  int `json:"members"`
	Checkins int `json:"checkins"` // check-ins by these members on the week's days
	Possible int `json:"possible"` // members × 7
	// RateTenths is the completion rate in tenths of a percent
	// (Checkins ÷ Possible, rounded half up): 857 is 85.7%.
	RateTenths int            `json:"-"`
	Rate       float64        `json:"rate"` // percent, one decimal
	Full       []WeeklyPerson `json:"full_attendance"`
	Missed3    []WeeklyPerson `json:"missed_3_or_more"`
	People     []WeeklyPerson `json:"-"`
}

// WeeklyMember is a member as the weekly figures take them.
type WeeklyMember struct {
	PersonID int64
	Name     string
}

// Weekly computes a week's figures (the 周总结): members, check-ins
// on the week's seven days, completion rate = check-ins ÷ (members × 7) as a
// percentage with one decimal, members with full attendance (7 of 7) and
// members who missed three or more days (checked in on 4 or fewer). days
// maps a person to the zone days they checked in (any days: only the
// week's count; each day once). Members are listed in the order given.
func WeeklyOf(members []WeeklyMember, days map[int64][]string, week ISOWeek) WeeklyFigures {
	in := map[string]bool{}
	for _, d := range week.Days() {
		in[d] = true
	}
	f := WeeklyFigures{Members: len(members), Possible: len(members) * 7, Full: []WeeklyPerson{}, Missed3: []WeeklyPerson{}}
	for _, m := range members {
		seen := map[string]bool{}
		for _, d := range days[m.PersonID] {
			if in[d] {
				seen[d] = true
			}
		}
		p := WeeklyPerson{PersonID: m.PersonID, Name: m.Name, Days: len(seen)}
		f.Checkins += p.Days
		f.People = append(f.People, p)
		switch {
		case p.Days == 7:
			f.Full = append(f.Full, p)
		case 7-p.Days >= 3:
			f.Missed3 = append(f.Missed3, p)
		}
	}
	f.RateTenths = dailyRateTenths(f.Checkins, f.Possible)
	f.Rate = float64(f.RateTenths) / 10
	return f
}

// dailyRateTenths is n ÷ of as a percentage in tenths, rounded half up, in
// integers so that 6 ÷ 7 is 85.7 on every machine; 0 when of is 0.
func dailyRateTenths(n, of int) int {
	if of <= 0 {
		return 0
	}
	return (n*2000 + of) / (2 * of)
}

// dailyTenths formats tenths of a unit with one decimal (857 → "85.7",
// -23 → "-2.3"); with sign set a positive value gets a "+".
func dailyTenths(v int, sign bool) string {
	s := ""
	switch {
	case v < 0:
		s, v = "-", -v
	case sign && v > 0:
		s = "+"
	}
	return fmt.Sprintf("%s%d.%d", s, v/10, v%10)
}
