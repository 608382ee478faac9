package study

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// Answer normalisation (issue 3 item 2: "compared after normalising
// full-/half-width characters, spaces and punctuation"; the brief: NFKC for
// ASCII and digits, drop white space and Unicode P and S, fold ASCII case).
func TestNormalizeAnswer(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"学史明理", "学史明理"},
		{" 学史 明理 ", "学史明理"},
		{"学史\u3000明理", "学史明理"}, // ideographic space
		{"学史明理。", "学史明理"},      // CJK full stop (Po)
		{"“学史明理”！", "学史明理"},    // quotes and full-width !
		{"《学史》、明理；", "学史明理"},   // book title marks, 顿号, full-width ;
		{"９８９９万", "9899万"},     // full-width digits
		{"９，８９９万", "9899万"},    // full-width comma dropped
		{"１２．８万个", "128万个"},    // a decimal point is punctuation too
		{"12.8万个", "128万个"},
		{"ＡＢＣ", "abc"},       // full-width Latin, folded
		{"Marx", "marx"},     // ASCII case
		{"ＭＡＲＸ主义", "marx主义"}, // mixed
		{"a+b=c", "abc"},     // symbols (Sm) dropped
		{"￥100元", "100元"},    // currency symbol (Sc) dropped
		{"\t\n学\r史", "学史"},   // control characters
		{"\xff学史", "学史"},     // invalid UTF-8 (U+FFFD is a symbol)
		{"", ""},
		{"，。、；：？！", ""},  // only punctuation
		{"Ⅷ", "Ⅷ"},       // other letters and numbers are kept
		{"ǅ", "ǅ"},       // only ASCII is folded
		{"ｶﾀｶﾅ", "ｶﾀｶﾅ"}, // half-width katakana: outside U+FF01–U+FF5E
	} {
		if got := NormalizeAnswer(c.in); got != c.want {
			t.Errorf("NormalizeAnswer(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestSplitKeyPhrases(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"学史明理、学史增信", []string{"学史明理", "学史增信"}},
		{"学史明理；学史增信;学史崇德", []string{"学史明理", "学史增信", "学史崇德"}},
		{" 学史明理 、、 学史增信 \n学史崇德", []string{"学史明理", "学史增信", "学史崇德"}},
		{"", nil},
		{"、；", nil},
	} {
		if got := SplitKeyPhrases(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("SplitKeyPhrases(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// The rules of a scheduled sentence: a later day, a text and source of
// bounded length, 1–5 key phrases that each occur in the text without
// overlapping (so that each can be a blank).
func TestValidateSentence(t *testing.T) {
	const today = "2021-12-20"
	ok := SentenceInput{Day: "2021-12-21", Text: "江山就是人民、人民就是江山，打江山、守江山，守的是人民的心。", Source: "《在庆祝中国共产党成立100周年大会上的讲话》",
		KeyPhrases: []string{"守的是人民的心", "江山就是人民"}}
	got, l := dailyValidateSentence(ok, today)
	if len(l) != 0 {
		t.Fatalf("valid input refused: %v", l)
	}
	if want := []string{"江山就是人民", "守的是人民的心"}; !reflect.DeepEqual(got.KeyPhrases, want) {
		t.Fatalf("key phrases not in blank order: %q", got.KeyPhrases)
	}
	with := func(f func(*SentenceInput)) SentenceInput {
		in := ok
		in.KeyPhrases = append([]string(nil), ok.KeyPhrases...)
		f(&in)
		return in
	}
	for _, c := range []struct {
		name  string
		in    SentenceInput
		field string
		zh    string
	}{
		{"today is history", with(func(i *SentenceInput) { i.Day = today }), "day", "只能编排明天及以后"},
		{"past day", with(func(i *SentenceInput) { i.Day = "2021-11-16" }), "day", "今天是 2021-12-20"},
		{"bad date", with(func(i *SentenceInput) { i.Day = "2021-02-30" }), "day", "YYYY-MM-DD"},
		{"no date", with(func(i *SentenceInput) { i.Day = "" }), "day", "YYYY-MM-DD"},
		{"short text", with(func(i *SentenceInput) { i.Text = "江山"; i.KeyPhrases = []string{"江山"} }), "text", "须为 5–300 个字，实际 2 个字"},
		{"long text", with(func(i *SentenceInput) { i.Text = strings.Repeat("江山就是人民", 51) }), "text", "实际 306 个字"},
		{"line break", with(func(i *SentenceInput) { i.Text = "江山就是人民，\n人民就是江山" }), "text", "不能含换行"},
		{"no source", with(func(i *SentenceInput) { i.Source = " " }), "source", "出处须为 2–100 个字"},
		{"no phrase", with(func(i *SentenceInput) { i.KeyPhrases = nil }), "key_phrases", "关键词须为 1–5 个，实际 0 个"},
		{"six phrases", with(func(i *SentenceInput) { i.KeyPhrases = []string{"江", "山", "就", "是", "人", "民"} }), "key_phrases", "实际 6 个"},
		{"not in text", with(func(i *SentenceInput) { i.KeyPhrases = []string{"江山就是人民", "初心使命"} }), "key_phrases[1]", "第 2 个关键词“初心使命”不在金句中"},
		{"overlap", with(func(i *SentenceInput) { i.KeyPhrases = []string{"守的是人民的心", "人民的心"} }), "key_phrases[1]", "重叠"},
		{"empty phrase", with(func(i *SentenceInput) { i.KeyPhrases = []string{"江山就是人民", " "} }), "key_phrases[1]", "为空"},
		{"punctuation only", with(func(i *SentenceInput) { i.KeyPhrases = []string{"、"} }), "key_phrases[0]", "只有标点"},
		{"long phrase", with(func(i *SentenceInput) {
			i.Text = strings.Repeat("学", 40)
			i.KeyPhrases = []string{strings.Repeat("学", 31)}
		}), "key_phrases[0]", "最多 30 个字，实际 31 个字"},
	} {
		_, l := dailyValidateSentence(c.in, today)
		found := false
		for _, e := range l {
			if e.Field == c.field && strings.Contains(e.Zh, c.zh) && e.En != "" {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: want %s error containing %q, got %v", c.name, c.field, c.zh, l)
		}
	}
	// A phrase given twice blanks two places.
	two := SentenceInput{Day: "2021-12-21", Text: "敢于斗争、敢于胜利", Source: "出处出处", KeyPhrases: []string{"敢于", "敢于"}}
	if _, l := dailyValidateSentence(two, today); len(l) != 0 {
		t.Fatalf("a repeated phrase that occurs twice refused: %v", l)
	}
}

func TestMakeClozeAndGrade(t *testing.T) {
	text := "我国脱贫攻坚战取得了全面胜利，现行标准下9899万农村贫困人口全部脱贫，832个贫困县全部摘帽。"
	segs, cloze, expect := MakeCloze(text, []string{"全面胜利", "9899万", "832个"})
	if want := "我国脱贫攻坚战取得了____，现行标准下____农村贫困人口全部脱贫，____贫困县全部摘帽。"; cloze != want {
		t.Fatalf("cloze %q", cloze)
	}
	if !reflect.DeepEqual(expect, []string{"全面胜利", "9899万", "832个"}) {
		t.Fatalf("expect %q", expect)
	}
	var blanks []ClozeSegment
	var rebuilt strings.Builder
	for _, s := range segs {
		if s.Blank > 0 {
			blanks = append(blanks, s)
			rebuilt.WriteString(expect[s.Blank-1])
		} else {
			rebuilt.WriteString(s.Text)
		}
	}
	if rebuilt.String() != text {
		t.Fatalf("segments do not rebuild the text: %q", rebuilt.String())
	}
	if len(blanks) != 3 || blanks[1].Field != "answers[1]" || blanks[1].Length != 5 || blanks[0].Blank != 1 {
		t.Fatalf("blanks %+v", blanks)
	}
	for _, c := range []struct {
		name    string
		answers []string
		fields  []string
		zh      string
	}{
		{"all right", []string{"全面胜利", "9899万", "832个"}, nil, ""},
		{"full-width and spaces", []string{" 全面胜利。", "９８９９万", "８３２ 个"}, nil, ""},
		{"second wrong", []string{"全面胜利", "9999万", "832个"}, []string{"answers[1]"}, "第 2 个空填写有误"},
		{"first and third wrong", []string{"胜利", "9899万", ""}, []string{"answers[0]", "answers[2]"}, "第 1 个空填写有误"},
		{"too few", []string{"全面胜利"}, []string{"answers"}, "须填写 3 个答案，实际提交 1 个"},
		{"none", nil, []string{"answers"}, "实际提交 0 个"},
	} {
		l := GradeRecitation(expect, c.answers)
		var fields []string
		for _, e := range l {
			fields = append(fields, e.Field)
		}
		if !reflect.DeepEqual(fields, c.fields) || (c.zh != "" && !strings.Contains(l[0].Zh, c.zh)) {
			t.Errorf("%s: %v", c.name, l)
		}
		if len(l) > 0 && l[0].Field == "answers[1]" && l[0].En != "blank 2 is wrong" {
			t.Errorf("%s: English %q", c.name, l[0].En)
		}
	}
	// A phrase that is no longer in the text (an older rule) stays text.
	_, cloze, expect = MakeCloze("星星之火，可以燎原。", []string{"燎原", "不在句中"})
	if cloze != "星星之火，可以____。" || len(expect) != 1 {
		t.Fatalf("unlocatable phrase: %q %q", cloze, expect)
	}
}

// Streaks: consecutive zone days with a check-in ending today, or
// yesterday while today is not over (the brief).
func TestCheckinStreak(t *testing.T) {
	for _, c := range []struct {
		days  []string
		today string
		want  int
	}{
		{nil, "2021-12-20", 0},
		{[]string{"2021-12-20"}, "2021-12-20", 1},
		{[]string{"2021-12-19"}, "2021-12-20", 1},
		{[]string{"2021-12-18"}, "2021-12-20", 0},
		{[]string{"2021-12-18", "2021-12-19", "2021-12-20"}, "2021-12-20", 3},
		{[]string{"2021-12-20", "2021-12-18", "2021-12-19", "2021-12-19"}, "2021-12-20", 3}, // any order, repeats
		{[]string{"2021-12-16", "2021-12-18", "2021-12-19"}, "2021-12-20", 2},
		{[]string{"2021-11-30", "2021-12-01", "2021-12-02"}, "2021-12-02", 3}, // across a month
		{[]string{"2021-12-31", "2022-01-01"}, "2022-01-01", 2},               // across a year
		{[]string{"2021-12-21"}, "2021-12-20", 0},                             // a future day does not count
	} {
		if got := CheckinStreak(c.days, c.today); got != c.want {
			t.Errorf("CheckinStreak(%v, %s) = %d, want %d", c.days, c.today, got, c.want)
		}
	}
}

// ISO 8601 weeks: Monday to Sunday, week 1 holds 4 January.
func TestISOWeek(t *testing.T) {
	for _, c := range []struct {
		s, monday, sunday string
	}{
		{"2021-W50", "2021-12-13", "2021-12-19"},
		{"2021-W51", "2021-12-20", "2021-12-26"},
		{"2021-W52", "2021-12-27", "2022-01-02"},
		{"2022-W01", "2022-01-03", "2022-01-09"},
		{"2020-W53", "2020-12-28", "2021-01-03"},
		{"2021-W01", "2021-01-04", "2021-01-10"},
	} {
		w, err := ParseISOWeek(c.s)
		if err != nil {
			t.Fatalf("%s: %v", c.s, err)
		}
		d := w.Days()
		if w.String() != c.s || d[0] != c.monday || d[6] != c.sunday || ISOWeekOf(c.sunday) != w || ISOWeekOf(c.monday) != w {
			t.Errorf("%s: %s … %s", c.s, d[0], d[6])
		}
	}
	if w, _ := ParseISOWeek("2021-W50"); w.Prev().String() != "2021-W49" || w.Next().String() != "2021-W51" {
		t.Error("prev/next")
	}
	if w, _ := ParseISOWeek("2022-W01"); w.Prev().String() != "2021-W52" {
		t.Error("prev across a year")
	}
	for _, bad := range []string{"", "2021-50", "2021-W5", "2021-W00", "2021-W54", "2021-W53", "21-W50", "2021-w50", "abcd-W10"} {
		if _, err := ParseISOWeek(bad); err == nil {
			t.Errorf("ParseISOWeek(%q) accepted", bad)
		}
	}
}

// The weekly figures (issue 3 item 4): completion rate = check-ins ÷
// (members × 7), one decimal, rounded half up; full attendance = 7 of 7;
// missed three or more = 4 or fewer days.
func TestWeeklyOf(t *testing.T) {
	w, _ := ParseISOWeek("2021-W50")
	d := w.Days()
	days := func(n int) []string { return append([]string(nil), d[:n]...) }
	members := []WeeklyMember{{1, "甲"}, {2, "乙"}, {3, "丙"}, {4, "丁"}}
	for _, c := range []struct {
		name             string
		members          []WeeklyMember
		checked          map[int64][]string
		checkins, tenths int
		rate             float64
		full, missed3    []int64
	}{
		{"nobody", nil, nil, 0, 0, 0, nil, nil},
		{"no check-ins", members, nil, 0, 0, 0, nil, []int64{1, 2, 3, 4}},
		{"all full", members[:1], map[int64][]string{1: days(7)}, 7, 1000, 100, []int64{1}, nil},
		{"6 of 7", members[:1], map[int64][]string{1: days(6)}, 6, 857, 85.7, nil, nil},
		{"5 of 7", members[:1], map[int64][]string{1: days(5)}, 5, 714, 71.4, nil, nil},
		{"4 of 7 missed 3", members[:1], map[int64][]string{1: days(4)}, 4, 571, 57.1, nil, []int64{1}},
		{"1 of 14 = 7.14 → 7.1", members[:2], map[int64][]string{1: days(1)}, 1, 71, 7.1, nil, []int64{1, 2}},
		{"mixed", members, map[int64][]string{1: days(7), 2: days(6), 3: days(3), 4: days(5)}, 21, 750, 75, []int64{1}, []int64{3}},
		{"days outside the week and repeats ignored", members[:1],
			map[int64][]string{1: append(days(2), "2021-12-12", "2021-12-20", d[0], d[1])}, 2, 286, 28.6, nil, []int64{1}},
		{"non-members ignored", members[:1], map[int64][]string{1: days(7), 9: days(7)}, 7, 1000, 100, []int64{1}, nil},
	} {
		f := WeeklyOf(c.members, c.checked, w)
		ids := func(ps []WeeklyPerson) []int64 {
			var out []int64
			for _, p := range ps {
				out = append(out, p.PersonID)
			}
			return out
		}
		if f.Members != len(c.members) || f.Possible != 7*len(c.members) || f.Checkins != c.checkins || f.RateTenths != c.tenths || f.Rate != c.rate ||
			!reflect.DeepEqual(ids(f.Full), c.full) || !reflect.DeepEqual(ids(f.Missed3), c.missed3) {
			t.Errorf("%s: %+v", c.name, f)
		}
	}
	for _, c := range []struct {
		n, of, want int
		s           string
	}{
		{1, 3, 333, "33.3"}, {2, 3, 667, "66.7"}, {1, 8, 125, "12.5"}, {1, 16, 63, "6.3"}, {0, 0, 0, "0.0"}, {7, 7, 1000, "100.0"},
	} {
		if got := dailyRateTenths(c.n, c.of); got != c.want || dailyTenths(got, false) != c.s {
			t.Errorf("rate %d/%d = %d (%s)", c.n, c.of, got, dailyTenths(got, false))
		}
	}
	if dailyTenths(23, true) != "+2.3" || dailyTenths(-23, true) != "-2.3" || dailyTenths(0, true) != "0.0" || dailyTenths(-5, false) != "-0.5" {
		t.Error("dailyTenths signs")
	}
}

// Every demo sentence obeys the rules editors face.
func TestDemoSentencesValid(t *testing.T) {
	seen := map[string]bool{}
	for i, s := range dailyDemoSentences {
		in, l := dailyValidateSentence(SentenceInput{Day: dailyAddDays(dailyDemoStart, i), Text: s.text, Source: s.source, KeyPhrases: s.phrases}, "2021-01-01")
		if len(l) > 0 {
			t.Errorf("demo sentence %d %q: %v", i, s.text, l)
		}
		if !reflect.DeepEqual(in.KeyPhrases, s.phrases) {
			t.Errorf("demo sentence %d: key phrases not in blank order: %q", i, s.phrases)
		}
		if seen[s.text] {
			t.Errorf("demo sentence %d repeats %q", i, s.text)
		}
		seen[s.text] = true
	}
	if n := len(dailyDemoSentences); dailyAddDays(dailyDemoStart, n-1) != "2022-01-31" {
		t.Fatalf("%d demo sentences end on %s, want 2022-01-31", n, dailyAddDays(dailyDemoStart, n-1))
	}
}

// Normalisation never panics, is idempotent, yields valid UTF-8 with no
// space, punctuation, symbol, full-width ASCII or upper-case ASCII, and
// grading an answer against itself always passes.
func FuzzNormalizeAnswer(f *testing.F) {
	for _, s := range []string{"学史明理", "９８９９万", "ＡＢＣ abc", "“《》”、。", "\xff\xfe", "a\u3000b", "12.8万个", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalizeAnswer(s)
		if NormalizeAnswer(n) != n {
			t.Fatalf("not idempotent: %q → %q → %q", s, n, NormalizeAnswer(n))
		}
		if !utf8.ValidString(n) {
			t.Fatalf("invalid UTF-8 from %q", s)
		}
		for _, r := range n {
			if (r >= 'A' && r <= 'Z') || (r >= 0xFF01 && r <= 0xFF5E) || r == 0x3000 || strings.ContainsRune(" \t\n,.;:!?", r) {
				t.Fatalf("%q left %q in %q", s, r, n)
			}
		}
		if n != "" && len(GradeRecitation([]string{s}, []string{s})) != 0 {
			t.Fatalf("an answer equal to its phrase fails: %q", s)
		}
	})
}

// Building a cloze from any text and phrases never panics, and its
// segments rebuild the text.
func FuzzMakeCloze(f *testing.F) {
	f.Add("江山就是人民、人民就是江山", "江山、人民")
	f.Add("敢于斗争、敢于胜利", "敢于；敢于；敢于")
	f.Add("\xff\xfe", "\xfe")
	f.Fuzz(func(t *testing.T, text, phrases string) {
		ps := SplitKeyPhrases(phrases)
		segs, _, expect := MakeCloze(text, ps)
		var b strings.Builder
		for _, s := range segs {
			if s.Blank > 0 {
				b.WriteString(expect[s.Blank-1])
			} else {
				b.WriteString(s.Text)
			}
		}
		if b.String() != text {
			t.Fatalf("segments of %q with %q rebuild %q", text, ps, b.String())
		}
		if l := GradeRecitation(expect, expect); len(l) != 0 {
			t.Fatalf("the key phrases themselves fail: %v", l)
		}
	})
}
