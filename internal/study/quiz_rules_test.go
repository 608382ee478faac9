package study

import (
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"zhongshu/internal/platform/errs"
)

// Issue 3 item 2 (the same comparison as the daily recitation): full-/
// half-width, spaces, punctuation and ASCII case do not matter.
func TestQuizNormalize(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"不忘初心", "不忘初心"},
		{" 不忘 初心 ", "不忘初心"},
		{"不忘初心，牢记使命。", "不忘初心牢记使命"},
		{"“两个务必”", "两个务必"},
		{"ＡＢＣ１２３", "abc123"},
		{"Ｗｏｒｌｄ　Ｔｒａｄｅ", "worldtrade"},
		{"WTO", "wto"},
		{"5G！", "5g"},
		{"《论持久战》", "论持久战"},
		{"\t\n", ""},
		{"", ""},
	} {
		if got := quizNormalize(c.in); got != c.want {
			t.Errorf("quizNormalize(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	for _, c := range []struct {
		given, key string
		want       bool
	}{
		{"人民至上", "人民至上", true},
		{"人民 至上！", "人民至上", true},
		{"人民至尚", "人民至上", false},
		{"", "人民至上", false},
		{"，。", "，。", false}, // a key of punctuation only blanks nothing
	} {
		if got := quizAnswerMatches(c.given, c.key); got != c.want {
			t.Errorf("quizAnswerMatches(%q, %q) = %v", c.given, c.key, got)
		}
	}
}

// The normaliser parses what members type: whatever it is, the result is
// stable (normalising twice changes nothing) and holds no space, no
// punctuation and no upper-case ASCII.
func FuzzQuizNormalize(f *testing.F) {
	for _, s := range []string{"不忘初心，牢记使命", "ＡＢＣ　１", "a\u00a0b", "\xff\xfe", "“”‘’《》"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := quizNormalize(s)
		if quizNormalize(n) != n {
			t.Fatalf("not idempotent: %q → %q → %q", s, n, quizNormalize(n))
		}
		for _, r := range n {
			if unicode.IsSpace(r) || unicode.IsPunct(r) || (r >= 'A' && r <= 'Z') || (r >= 0xFF01 && r <= 0xFF5E) {
				t.Fatalf("%q left %q in %q", s, r, n)
			}
		}
	})
}

func quizFixture() *Quiz {
	return &Quiz{Published: true, OpensOn: "2021-11-28", ClosesOn: "2021-11-30", MakeupFrom: "2021-12-02", MakeupTo: "2021-12-03"}
}

// Issue 3 item 5: an open window, then a make-up window, after which no
// attempt starts; windows are whole zone days (RULES.md §9).
func TestQuizPhaseAndSitting(t *testing.T) {
	q := quizFixture()
	draft := *q
	draft.Published = false
	noMakeup := *q
	noMakeup.MakeupFrom, noMakeup.MakeupTo = "", ""
	for _, c := range []struct {
		q       *Quiz
		day     string
		phase   string
		sitting string
	}{
		{&draft, "2021-11-29", QuizPhaseDraft, ""},
		{q, "2021-11-27", QuizPhaseUpcoming, ""},
		{q, "2021-11-28", QuizPhaseOpen, SittingMain},
		{q, "2021-11-30", QuizPhaseOpen, SittingMain},
		{q, "2021-12-01", QuizPhaseBetween, ""},
		{q, "2021-12-02", QuizPhaseMakeup, SittingMakeup},
		{q, "2021-12-03", QuizPhaseMakeup, SittingMakeup},
		{q, "2021-12-04", QuizPhaseClosed, ""},
		{&noMakeup, "2021-12-01", QuizPhaseClosed, ""},
	} {
		if got := quizPhase(c.q, c.day); got != c.phase {
			t.Errorf("%s: phase %s, want %s", c.day, got, c.phase)
		}
		s, err := quizSitting(c.q, c.day, false)
		if s != c.sitting || (err == nil) != (c.sitting != "") {
			t.Errorf("%s: sitting %q %v, want %q", c.day, s, err, c.sitting)
		}
		if err != nil && errs.KindOf(err) != errs.Conflict {
			t.Errorf("%s: refusal is %v, want a conflict", c.day, err)
		}
	}
	// One attempt per member: a make-up only for those who did not attempt.
	if _, err := quizSitting(q, "2021-12-02", true); err == nil || !strings.Contains(errs.As(err).Zh, "只能作答一次") {
		t.Errorf("a second attempt in the make-up: %v", err)
	}
	if quizLastDay(q) != "2021-12-03" || quizLastDay(&noMakeup) != "2021-11-30" {
		t.Error("last day")
	}
}

// Server-enforced time limit: answers up to the limit plus 30 s count.
func TestQuizTime(t *testing.T) {
	start := time.Date(2021, 11, 28, 2, 0, 0, 0, time.UTC)
	deadline := start.Add(20 * time.Minute)
	for _, c := range []struct {
		at        time.Duration
		late      bool
		remaining time.Duration
		state     string
	}{
		{0, false, 20 * time.Minute, AttemptInProgress},
		{19*time.Minute + 30*time.Second, false, 30 * time.Second, AttemptInProgress},
		{20 * time.Minute, false, 0, AttemptInProgress},
		{20*time.Minute + 30*time.Second, false, 0, AttemptInProgress},
		{20*time.Minute + 31*time.Second, true, 0, AttemptExpired},
	} {
		now := start.Add(c.at)
		if quizLate(deadline, now) != c.late || quizRemaining(deadline, now) != c.remaining {
			t.Errorf("at +%s: late %v remaining %s", c.at, quizLate(deadline, now), quizRemaining(deadline, now))
		}
		a := &QuizAttempt{DeadlineAt: deadline}
		if s := quizAttemptState(a, now); s != c.state {
			t.Errorf("at +%s: state %s", c.at, s)
		}
	}
	sub := start
	if s := quizAttemptState(&QuizAttempt{DeadlineAt: deadline, SubmittedAt: &sub}, start.Add(time.Hour)); s != AttemptSubmitted {
		t.Errorf("submitted: %s", s)
	}
}

// RULES.md §6: 10 points for full marks, 8 for a pass (≥ 60%).
func TestQuizAward(t *testing.T) {
	for _, c := range []struct {
		score, max int
		act        string
		pass       bool
	}{
		{50, 50, ActQuizFull, true},
		{49, 50, ActQuizPass, true},
		{30, 50, ActQuizPass, true},
		{29, 50, "", false},
		{3, 5, ActQuizPass, true},
		{2, 5, "", false},
		{0, 0, "", false},
	} {
		if got := quizAwardFor(c.score, c.max); got != c.act {
			t.Errorf("%d/%d: %q, want %q", c.score, c.max, got, c.act)
		}
		if quizPassed(c.score, c.max) != c.pass {
			t.Errorf("%d/%d: pass %v", c.score, c.max, !c.pass)
		}
	}
}

// Each question's points; a blank after normalisation; a multiple choice
// all or nothing; unanswered scores nothing.
func TestQuizGrade(t *testing.T) {
	qs := []QuizQuestion{
		{ID: 1, Kind: QuizBlank, Points: 2, Phrase: "两个务必"},
		{ID: 2, Kind: QuizSingle, Points: 5, Options: []string{"a", "b", "c"}, Correct: []int{1}},
		{ID: 3, Kind: QuizMultiple, Points: 5, Options: []string{"a", "b", "c", "d"}, Correct: []int{0, 2}},
	}
	for _, c := range []struct {
		name    string
		answers []QuizAnswer
		score   int
		right   []bool
	}{
		{"all right", []QuizAnswer{{Question: 1, Text: "“两个 务必”"}, {Question: 2, Choices: []int{1}}, {Question: 3, Choices: []int{2, 0}}}, 12, []bool{true, true, true}},
		{"none", nil, 0, []bool{false, false, false}},
		{"multiple partly", []QuizAnswer{{Question: 3, Choices: []int{0}}}, 0, []bool{false, false, false}},
		{"multiple too many", []QuizAnswer{{Question: 3, Choices: []int{0, 1, 2}}}, 0, []bool{false, false, false}},
		{"multiple repeated", []QuizAnswer{{Question: 3, Choices: []int{0, 2, 2}}}, 5, []bool{false, false, true}},
		{"single with two", []QuizAnswer{{Question: 2, Choices: []int{1, 0}}}, 0, []bool{false, false, false}},
		{"wrong blank", []QuizAnswer{{Question: 1, Text: "两个坚持"}, {Question: 2, Choices: []int{1}}}, 5, []bool{false, true, false}},
		{"unknown question", []QuizAnswer{{Question: 99, Text: "x"}}, 0, []bool{false, false, false}},
	} {
		marks, score, max := quizGrade(qs, c.answers)
		if score != c.score || max != 12 || len(marks) != 3 {
			t.Errorf("%s: %d/%d (%d marks), want %d/12", c.name, score, max, len(marks), c.score)
			continue
		}
		for i, m := range marks {
			if m.Correct != c.right[i] || (m.Correct && m.Points != qs[i].Points) || (!m.Correct && m.Points != 0) {
				t.Errorf("%s: mark %d = %+v", c.name, i, m)
			}
		}
	}
}

// One blank per sentence from its key phrases, chosen by the day; a
// sentence without a phrase in its text makes none.
func TestQuizBuildBlanks(t *testing.T) {
	sents := []quizSentence{
		{Day: "2021-11-01", Text: "不忘初心，方得始终。", Phrases: []string{"初心", "始终"}},
		{Day: "2021-11-02", Text: "不忘初心，方得始终。", Phrases: []string{"初心", "始终"}},
		{Day: "2021-11-03", Text: "没有关键词的句子。", Phrases: nil},
		{Day: "2021-11-04", Text: "关键词不在句中。", Phrases: []string{"别处", " "}},
		{Day: "2021-11-05", Text: "为人民服务。", Phrases: []string{"", "人民", "人民"}},
	}
	got := quizBuildBlanks(sents, 2)
	if len(got) != 3 {
		t.Fatalf("%d blanks: %+v", len(got), got)
	}
	want := []struct{ day, phrase, prompt string }{
		{"2021-11-01", "始终", "不忘初心，方得" + quizBlankMark + "。"},
		{"2021-11-02", "初心", "不忘" + quizBlankMark + "，方得始终。"},
		{"2021-11-05", "人民", "为" + quizBlankMark + "服务。"},
	}
	for i, w := range want {
		g := got[i]
		if g.SourceDay != w.day || g.Phrase != w.phrase || g.Prompt != w.prompt || g.Points != 2 || g.Kind != QuizBlank {
			t.Errorf("blank %d = %+v, want %+v", i, g, w)
		}
	}
	if ps := quizParsePhrases(`["a","b"]`); !slices.Equal(ps, []string{"a", "b"}) {
		t.Errorf("phrases %v", ps)
	}
	if ps := quizParsePhrases(`not json`); ps != nil {
		t.Errorf("bad phrases %v", ps)
	}
}

// Defaults: the last 3 days of the month, a make-up in the first 3 of the
// next, 20 minutes, 2 points a blank; every fault named at once.
func TestQuizValidate(t *testing.T) {
	in, l := quizValidate(QuizInput{Month: "2021-12"})
	if len(l) > 0 {
		t.Fatal(l)
	}
	if in.Title != "2021年12月月问答" || in.OpensOn != "2021-12-29" || in.ClosesOn != "2021-12-31" || in.MakeupFrom != "2022-01-01" ||
		in.MakeupTo != "2022-01-03" || in.TimeLimitMin != 20 || in.BlankPoints != 2 {
		t.Fatalf("defaults %+v", in)
	}
	in, l = quizValidate(QuizInput{Month: "2021-02", NoMakeup: true})
	if len(l) > 0 || in.OpensOn != "2021-02-26" || in.ClosesOn != "2021-02-28" || in.MakeupFrom != "" {
		t.Fatalf("February %+v %v", in, l)
	}
	for _, c := range []struct {
		in     QuizInput
		fields []string
	}{
		{QuizInput{Month: "2021-13"}, []string{"month"}},
		{QuizInput{Month: "21-12"}, []string{"month"}},
		{QuizInput{Month: "2021-12", TimeLimitMin: 181, BlankPoints: 21}, []string{"time_limit_min", "blank_points"}},
		{QuizInput{Month: "2021-12", OpensOn: "2021-12-30", ClosesOn: "2021-12-29"}, []string{"closes_on"}},
		{QuizInput{Month: "2021-12", OpensOn: "2021-11-30", ClosesOn: "2021-12-31"}, []string{"opens_on"}},
		{QuizInput{Month: "2021-12", OpensOn: "2021-12-29", ClosesOn: "2021-12-31", MakeupFrom: "2021-12-31", MakeupTo: "2022-01-02"}, []string{"makeup_from"}},
		{QuizInput{Month: "2021-12", MakeupFrom: "2022-01-05", MakeupTo: "2022-01-04"}, []string{"makeup_to"}},
		{QuizInput{Month: "2021-12", OpensOn: "2021-12-xx", ClosesOn: "2021-12-31"}, []string{"opens_on"}},
		{QuizInput{Month: "2021-12", Title: strings.Repeat("题", 101)}, []string{"title"}},
	} {
		_, l := quizValidate(c.in)
		var got []string
		for _, e := range l {
			got = append(got, e.Field)
		}
		if !slices.Equal(got, c.fields) {
			t.Errorf("%+v: fields %v, want %v", c.in, got, c.fields)
		}
	}
}

func TestQuizValidateChoice(t *testing.T) {
	ok := QuizChoiceInput{Kind: QuizMultiple, Prompt: " 哪些？ ", Options: []string{"甲", " ", "乙", "丙"}, Correct: []int{2, 0, 2}}
	in, l := quizValidateChoice(ok)
	if len(l) > 0 || in.Prompt != "哪些？" || len(in.Options) != 3 || !slices.Equal(in.Correct, []int{0, 2}) || in.Points != 5 {
		t.Fatalf("%+v %v", in, l)
	}
	for _, c := range []struct {
		in    QuizChoiceInput
		field string
	}{
		{QuizChoiceInput{Kind: "essay", Prompt: "?", Options: []string{"a", "b"}, Correct: []int{0}}, "kind"},
		{QuizChoiceInput{Kind: QuizSingle, Prompt: "", Options: []string{"a", "b"}, Correct: []int{0}}, "prompt"},
		{QuizChoiceInput{Kind: QuizSingle, Prompt: "?", Options: []string{"a"}, Correct: []int{0}}, "options"},
		{QuizChoiceInput{Kind: QuizSingle, Prompt: "?", Options: []string{"a", "Ａ"}, Correct: []int{0}}, "options"},
		{QuizChoiceInput{Kind: QuizSingle, Prompt: "?", Options: []string{"a", "b"}, Correct: []int{0, 1}}, "correct"},
		{QuizChoiceInput{Kind: QuizSingle, Prompt: "?", Options: []string{"a", "b"}, Correct: nil}, "correct"},
		{QuizChoiceInput{Kind: QuizMultiple, Prompt: "?", Options: []string{"a", "b"}, Correct: []int{0, 2}}, "correct"},
		{QuizChoiceInput{Kind: QuizSingle, Prompt: "?", Options: []string{"a", "b"}, Correct: []int{-1}}, "correct"},
		{QuizChoiceInput{Kind: QuizSingle, Prompt: "?", Options: []string{"a", "b"}, Correct: []int{0}, Points: 51}, "points"},
	} {
		_, l := quizValidateChoice(c.in)
		if len(l) != 1 || l[0].Field != c.field {
			t.Errorf("%+v: %v, want one fault on %s", c.in, l, c.field)
		}
	}
}

// Form answers: q<ID> values; garbage is no answer.
func TestQuizAnswersFromForm(t *testing.T) {
	qs := []QuizQuestion{{ID: 7, Kind: QuizBlank}, {ID: 8, Kind: QuizSingle, Options: []string{"a", "b"}}, {ID: 9, Kind: QuizMultiple, Options: []string{"a", "b", "c"}}}
	got := quizAnswersFromForm(qs, map[string][]string{"q7": {"初心"}, "q8": {"x", "1"}, "q9": {"0", "2", "5", "-1"}})
	if got[0].Text != "初心" || !slices.Equal(got[1].Choices, []int{1}) || !slices.Equal(got[2].Choices, []int{0, 2}) {
		t.Fatalf("%+v", got)
	}
}

func FuzzQuizAnswersFromForm(f *testing.F) {
	f.Add("1", "初心", "0")
	f.Add("-9", "\xff", "99999999999999999999")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		qs := []QuizQuestion{{ID: 1, Kind: QuizBlank, Phrase: "初心", Points: 1}, {ID: 2, Kind: QuizMultiple, Options: []string{"x", "y"}, Correct: []int{1}, Points: 1}}
		ans := quizAnswersFromForm(qs, map[string][]string{"q1": {b}, "q2": {a, c}})
		for _, x := range ans {
			for _, ch := range x.Choices {
				if ch < 0 || ch >= 2 {
					t.Fatalf("choice %d out of range", ch)
				}
			}
		}
		if _, score, max := quizGrade(qs, ans); score < 0 || score > max {
			t.Fatalf("score %d of %d", score, max)
		}
	})
}

// Per-branch lines: absent members lower the participation rate, not the
// average; running attempts are not results yet; non-organ branches are
// listed only with a participant.
func TestQuizSummarize(t *testing.T) {
	now := time.Date(2021, 12, 20, 1, 0, 0, 0, time.UTC)
	past := now.Add(-48 * time.Hour)
	roster := []quizRosterEntry{
		{1, "甲", 10, "一支部", "organ_branch"}, {2, "乙", 10, "一支部", "organ_branch"}, {3, "丙", 10, "一支部", "organ_branch"}, {4, "丁", 10, "一支部", "organ_branch"},
		{5, "戊", 20, "二支部", "organ_branch"},
		{6, "己", 30, "村支部", "village"},
		{7, "庚", 40, "企业支部", "enterprise"},
	}
	sub := past
	atts := map[int64]*QuizAttempt{
		1: {Score: 20, MaxScore: 20, SubmittedAt: &sub, DeadlineAt: past},
		2: {Score: 10, MaxScore: 20, SubmittedAt: &sub, DeadlineAt: past},
		3: {Score: 0, MaxScore: 20, DeadlineAt: past},                 // expired: a participant with 0
		4: {Score: 0, MaxScore: 20, DeadlineAt: now.Add(time.Minute)}, // still running: not yet a result
		7: {Score: 12, MaxScore: 20, SubmittedAt: &sub, DeadlineAt: past},
	}
	lines, zone := quizSummarize(roster, atts, now)
	if len(lines) != 3 {
		t.Fatalf("lines %+v", lines)
	}
	one := lines[0]
	if one.Members != 4 || one.Participants != 3 || one.Passed != 1 || one.Full != 1 || one.Average != 10 || one.Rate != 75 || one.AveragePct != 50 {
		t.Errorf("一支部 %+v", one)
	}
	if two := lines[1]; two.Members != 1 || two.Participants != 0 || two.Average != 0 || two.Rate != 0 {
		t.Errorf("二支部 %+v", two)
	}
	if ent := lines[2]; ent.Name != "企业支部" || ent.Participants != 1 || ent.Passed != 1 {
		t.Errorf("企业支部 %+v", ent)
	}
	if zone.Members != 6 || zone.Participants != 4 || zone.Average != 10.5 || zone.Rate != 66.7 || zone.Passed != 2 {
		t.Errorf("zone %+v", zone)
	}
}
