package study

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/errs"
)

// Numbers of the monthly quiz (issue 3 item 5; RULES.md §6).
const (
	quizPassPct         = 60               // RULES.md §6: a pass is ≥ 60%
	quizGrace           = 30 * time.Second // answers up to 30 s after the limit still count (network, a slow phone)
	quizDefaultLimit    = 20               // minutes
	quizMaxLimit        = 180              // minutes
	quizDefaultBlankPts = 2
	quizDefaultChoicePt = 5
	quizWindowDays      = 3 // default open window: the last 3 days; make-up: the first 3 days of the next month
	quizMaxOptions      = 8
	quizBlankMark       = "＿＿＿＿"
)

// quizPhase places a quiz in its windows on a zone day. Windows are whole
// zone days, inclusive (RULES.md §9).
func quizPhase(q *Quiz, today string) string {
	switch {
	case !q.Published:
		return QuizPhaseDraft
	case today < q.OpensOn:
		return QuizPhaseUpcoming
	case today <= q.ClosesOn:
		return QuizPhaseOpen
	case q.MakeupFrom == "":
		return QuizPhaseClosed
	case today < q.MakeupFrom:
		return QuizPhaseBetween
	case today <= q.MakeupTo:
		return QuizPhaseMakeup
	}
	return QuizPhaseClosed
}

// quizLastDay is the last day an attempt may start: the make-up's end, or
// the open window's when there is no make-up. The quiz is "held" once it
// has passed (figure quizzes_held).
func quizLastDay(q *Quiz) string {
	if q.MakeupTo != "" {
		return q.MakeupTo
	}
	return q.ClosesOn
}

// quizSitting says in which sitting an attempt starting on today would be,
// or why none may start. hadAttempt: the member already has an attempt for
// this quiz (one attempt per member; the make-up is only for those who did
// not attempt in the main window).
func quizSitting(q *Quiz, today string, hadAttempt bool) (string, error) {
	if hadAttempt {
		return "", errs.New(errs.Conflict, "每人只能作答一次：您已参加过本期月问答", "one attempt per member: you have already taken this quiz")
	}
	switch quizPhase(q, today) {
	case QuizPhaseOpen:
		return SittingMain, nil
	case QuizPhaseMakeup:
		return SittingMakeup, nil
	case QuizPhaseDraft:
		return "", errs.New(errs.Conflict, "本期月问答尚未发布", "this quiz is not published yet")
	case QuizPhaseUpcoming:
		return "", errs.New(errs.Conflict, fmt.Sprintf("本期月问答尚未开始：开放时间 %s 至 %s", q.OpensOn, q.ClosesOn),
			fmt.Sprintf("this quiz has not opened yet: it is open from %s to %s", q.OpensOn, q.ClosesOn))
	case QuizPhaseBetween:
		return "", errs.New(errs.Conflict, fmt.Sprintf("答题时间已过，补考时间 %s 至 %s", q.MakeupFrom, q.MakeupTo),
			fmt.Sprintf("the open window has passed; the make-up runs from %s to %s", q.MakeupFrom, q.MakeupTo))
	}
	return "", errs.New(errs.Conflict, fmt.Sprintf("本期月问答已于 %s 结束，不能再开始作答", quizLastDay(q)),
		fmt.Sprintf("this quiz closed on %s; no attempt can start any more", quizLastDay(q)))
}

// quizRemaining is the time left of an attempt (never negative).
func quizRemaining(deadline, now time.Time) time.Duration {
	if d := deadline.Sub(now); d > 0 {
		return d
	}
	return 0
}

// quizLate reports answers that arrive after the limit plus the grace:
// they are refused (issue 3 item 5: "time-limited", enforced by the server).
func quizLate(deadline, now time.Time) bool { return now.After(deadline.Add(quizGrace)) }

// quizAttemptState derives an attempt's state at now.
func quizAttemptState(a *QuizAttempt, now time.Time) string {
	switch {
	case a.SubmittedAt != nil:
		return AttemptSubmitted
	case quizLate(a.DeadlineAt, now):
		return AttemptExpired
	}
	return AttemptInProgress
}

// quizPassed: ≥ 60% of the full marks (RULES.md §6).
func quizPassed(score, max int) bool { return max > 0 && score*100 >= quizPassPct*max }

// quizAwardFor names the points activity a result earns: 10 for full
// marks, 8 for a pass, nothing below (RULES.md §6 "monthly quiz").
func quizAwardFor(score, max int) string {
	switch {
	case max > 0 && score >= max:
		return ActQuizFull
	case quizPassed(score, max):
		return ActQuizPass
	}
	return ""
}

// quizMaxScore sums the questions' points.
func quizMaxScore(qs []QuizQuestion) int {
	n := 0
	for _, q := range qs {
		n += q.Points
	}
	return n
}

// quizGrade marks each question: a blank is right when the answer equals
// the key phrase after normalisation (quizNormalize); a single choice when
// the one chosen option is the right one; a multiple choice only when the
// chosen set is exactly the right set (all or nothing). Unanswered
// questions score nothing. Answers to unknown questions are ignored.
func quizGrade(qs []QuizQuestion, answers []QuizAnswer) (marks []QuizMark, score, max int) {
	by := map[int64]QuizAnswer{}
	for _, a := range answers {
		by[a.Question] = a
	}
	for _, q := range qs {
		max += q.Points
		a := by[q.ID]
		m := QuizMark{Question: q.ID, Text: a.Text, Choices: quizNormChoices(a.Choices)}
		switch q.Kind {
		case QuizBlank:
			m.Correct = quizAnswerMatches(a.Text, q.Phrase)
		case QuizSingle:
			m.Correct = len(m.Choices) == 1 && len(q.Correct) == 1 && m.Choices[0] == q.Correct[0]
		case QuizMultiple:
			m.Correct = len(m.Choices) > 0 && slices.Equal(m.Choices, quizNormChoices(q.Correct))
		}
		if m.Correct {
			m.Points = q.Points
			score += q.Points
		}
		marks = append(marks, m)
	}
	return marks, score, max
}

// quizNormChoices sorts and de-duplicates chosen options.
func quizNormChoices(cs []int) []int {
	out := slices.Clone(cs)
	slices.Sort(out)
	return slices.Compact(out)
}

// quizSentence is a daily sentence as the quiz reads it.
type quizSentence struct {
	Day     string
	Text    string
	Phrases []string
}

// quizParsePhrases reads the key phrases (a JSON array of strings); anything
// else gives none, so a malformed row makes no blank rather than failing.
func quizParsePhrases(s string) []string {
	var ps []string
	if json.Unmarshal([]byte(s), &ps) != nil {
		return nil
	}
	return ps
}

// quizBuildBlanks makes one fill-in-the-blank per sentence: one of its key
// phrases that occurs in the text is blanked out. Which one is fixed by the
// day (the day of the month modulo the number of usable phrases), so a
// rebuilt quiz asks the same. Sentences without a usable phrase give none.
func quizBuildBlanks(sents []quizSentence, points int) []QuizQuestion {
	var out []QuizQuestion
	for _, s := range sents {
		var usable []string
		for _, p := range s.Phrases {
			p = strings.TrimSpace(p)
			if p != "" && quizNormalize(p) != "" && strings.Contains(s.Text, p) && !slices.Contains(usable, p) {
				usable = append(usable, p)
			}
		}
		if len(usable) == 0 {
			continue
		}
		dom := 0
		if len(s.Day) == 10 {
			dom, _ = strconv.Atoi(s.Day[8:])
		}
		p := usable[dom%len(usable)]
		out = append(out, QuizQuestion{Kind: QuizBlank, Prompt: strings.Replace(s.Text, p, quizBlankMark, 1),
			Points: points, SourceDay: s.Day, Phrase: p})
	}
	return out
}

// quizMonthDays returns the first and last day of a month "YYYY-MM".
func quizMonthDays(month string) (first, last string, err error) {
	t, err := time.ParseInLocation("2006-01", month, clock.Zone)
	if err != nil || t.Format("2006-01") != month {
		return "", "", errs.Field("month", "月份须为 YYYY-MM，例如 2021-12", "month must be YYYY-MM, e.g. 2021-12")
	}
	return t.Format("2006-01-02"), t.AddDate(0, 1, -1).Format("2006-01-02"), nil
}

func quizValidDay(s string) bool {
	t, err := time.ParseInLocation("2006-01-02", s, clock.Zone)
	return err == nil && t.Format("2006-01-02") == s
}

func quizAddDays(day string, n int) string {
	t, _ := time.ParseInLocation("2006-01-02", day, clock.Zone)
	return t.AddDate(0, 0, n).Format("2006-01-02")
}

// quizDefaultTitle is "2021年11月月问答".
func quizDefaultTitle(month string) string {
	y, m, _ := strings.Cut(month, "-")
	mm, _ := strconv.Atoi(m)
	return fmt.Sprintf("%s年%d月月问答", y, mm)
}

// quizValidate checks an editor's input and fills the defaults, naming
// every field at fault at once.
func quizValidate(in QuizInput) (QuizInput, errs.List) {
	var l errs.List
	in.Month = strings.TrimSpace(in.Month)
	in.Title = strings.TrimSpace(in.Title)
	for _, p := range []*string{&in.OpensOn, &in.ClosesOn, &in.MakeupFrom, &in.MakeupTo} {
		*p = strings.TrimSpace(*p)
	}
	first, last, err := quizMonthDays(in.Month)
	if err != nil {
		return in, errs.List{errs.As(err)}
	}
	if in.Title == "" {
		in.Title = quizDefaultTitle(in.Month)
	}
	if n := utf8.RuneCountInString(in.Title); n > 100 {
		l = append(l, errs.Field("title", fmt.Sprintf("标题最多 100 字，现为 %d 字", n), fmt.Sprintf("the title may have at most 100 characters (has %d)", n)))
	}
	if in.TimeLimitMin == 0 {
		in.TimeLimitMin = quizDefaultLimit
	}
	if in.TimeLimitMin < 1 || in.TimeLimitMin > quizMaxLimit {
		l = append(l, errs.Field("time_limit_min", fmt.Sprintf("答题时限须为 1–%d 分钟", quizMaxLimit), fmt.Sprintf("the time limit must be 1–%d minutes", quizMaxLimit)))
	}
	if in.BlankPoints == 0 {
		in.BlankPoints = quizDefaultBlankPts
	}
	if in.BlankPoints < 1 || in.BlankPoints > 20 {
		l = append(l, errs.Field("blank_points", "每道填空题 1–20 分", "a blank is worth 1–20 points"))
	}
	if in.OpensOn == "" && in.ClosesOn == "" {
		in.OpensOn, in.ClosesOn = quizAddDays(last, 1-quizWindowDays), last
	}
	okOpen := quizValidDay(in.OpensOn)
	okClose := quizValidDay(in.ClosesOn)
	if !okOpen {
		l = append(l, errs.Field("opens_on", "开放日期须为 YYYY-MM-DD", "the opening day must be YYYY-MM-DD"))
	}
	if !okClose {
		l = append(l, errs.Field("closes_on", "截止日期须为 YYYY-MM-DD", "the closing day must be YYYY-MM-DD"))
	}
	if okOpen && okClose {
		if in.ClosesOn < in.OpensOn {
			l = append(l, errs.Field("closes_on", "截止日期不能早于开放日期", "the closing day must not be before the opening day"))
		}
		if in.OpensOn < first {
			l = append(l, errs.Field("opens_on", fmt.Sprintf("开放日期不能早于 %s（月问答考当月所学）", first), fmt.Sprintf("the quiz cannot open before %s (it asks about the month)", first)))
		}
		if in.ClosesOn > quizAddDays(last, 31) {
			l = append(l, errs.Field("closes_on", "截止日期不能晚于次月月底", "the closing day cannot be after the end of the next month"))
		}
	}
	if in.NoMakeup {
		in.MakeupFrom, in.MakeupTo = "", ""
	} else {
		if in.MakeupFrom == "" && in.MakeupTo == "" && okClose {
			from := quizAddDays(last, 1)
			if in.ClosesOn >= from {
				from = quizAddDays(in.ClosesOn, 1)
			}
			in.MakeupFrom, in.MakeupTo = from, quizAddDays(from, quizWindowDays-1)
		}
		okFrom, okTo := quizValidDay(in.MakeupFrom), quizValidDay(in.MakeupTo)
		if !okFrom {
			l = append(l, errs.Field("makeup_from", "补考开始日期须为 YYYY-MM-DD", "the make-up's first day must be YYYY-MM-DD"))
		}
		if !okTo {
			l = append(l, errs.Field("makeup_to", "补考截止日期须为 YYYY-MM-DD", "the make-up's last day must be YYYY-MM-DD"))
		}
		if okFrom && okTo && okClose {
			if in.MakeupFrom <= in.ClosesOn {
				l = append(l, errs.Field("makeup_from", fmt.Sprintf("补考须在答题截止（%s）之后开始", in.ClosesOn), fmt.Sprintf("the make-up must begin after the closing day (%s)", in.ClosesOn)))
			}
			if in.MakeupTo < in.MakeupFrom {
				l = append(l, errs.Field("makeup_to", "补考截止日期不能早于补考开始日期", "the make-up's last day must not be before its first"))
			} else if in.MakeupTo > quizAddDays(in.MakeupFrom, 30) {
				l = append(l, errs.Field("makeup_to", "补考最长 31 天", "the make-up lasts at most 31 days"))
			}
		}
	}
	return in, l
}

// quizValidateChoice checks a choice question: 2–8 distinct options, the right
// ones among them (exactly one for a single choice), 1–50 points.
func quizValidateChoice(in QuizChoiceInput) (QuizChoiceInput, errs.List) {
	var l errs.List
	in.Prompt = strings.TrimSpace(in.Prompt)
	if in.Kind != QuizSingle && in.Kind != QuizMultiple {
		l = append(l, errs.Field("kind", "题型须为 单选 或 多选", "the kind must be single or multiple"))
	}
	if in.Prompt == "" {
		l = append(l, errs.Field("prompt", "请填写题干", "write the question"))
	} else if n := utf8.RuneCountInString(in.Prompt); n > 500 {
		l = append(l, errs.Field("prompt", fmt.Sprintf("题干最多 500 字，现为 %d 字", n), fmt.Sprintf("the question may have at most 500 characters (has %d)", n)))
	}
	var opts []string
	for _, o := range in.Options {
		if o = strings.TrimSpace(o); o != "" {
			opts = append(opts, o)
		}
	}
	in.Options = opts
	if len(opts) < 2 || len(opts) > quizMaxOptions {
		l = append(l, errs.Field("options", fmt.Sprintf("选项须为 2–%d 个，现有 %d 个", quizMaxOptions, len(opts)), fmt.Sprintf("give 2–%d options (%d given)", quizMaxOptions, len(opts))))
	}
	seen := map[string]bool{}
	for _, o := range opts {
		if utf8.RuneCountInString(o) > 200 {
			l = append(l, errs.Field("options", "每个选项最多 200 字", "an option may have at most 200 characters"))
			break
		}
		if seen[quizNormalize(o)] {
			l = append(l, errs.Field("options", "选项不能重复："+o, "options must differ: "+o))
			break
		}
		seen[quizNormalize(o)] = true
	}
	in.Correct = quizNormChoices(in.Correct)
	switch {
	case len(in.Correct) == 0:
		l = append(l, errs.Field("correct", "请标出正确答案", "mark the right answer"))
	case in.Kind == QuizSingle && len(in.Correct) != 1:
		l = append(l, errs.Field("correct", fmt.Sprintf("单选题只能有 1 个正确答案，现标出 %d 个", len(in.Correct)), fmt.Sprintf("a single choice has exactly 1 right answer (%d marked)", len(in.Correct))))
	case in.Correct[0] < 0 || in.Correct[len(in.Correct)-1] >= len(opts):
		l = append(l, errs.Field("correct", "正确答案须是已填写的选项", "the right answers must be among the options given"))
	}
	if in.Points == 0 {
		in.Points = quizDefaultChoicePt
	}
	if in.Points < 1 || in.Points > 50 {
		l = append(l, errs.Field("points", "每题 1–50 分", "a question is worth 1–50 points"))
	}
	return in, l
}

// quizOptionLetter is A, B, C … for option i.
func quizOptionLetter(i int) string {
	if i < 0 || i >= 26 {
		return "?"
	}
	return string(rune('A' + i))
}

// quizAnswersFromForm reads a form's answers: field q<ID> holds a blank's
// text, a single choice's option index, or (repeated) a multiple choice's
// indexes. Anything unparsable is simply no answer.
func quizAnswersFromForm(qs []QuizQuestion, form map[string][]string) []QuizAnswer {
	var out []QuizAnswer
	for _, q := range qs {
		vals := form[fmt.Sprintf("q%d", q.ID)]
		a := QuizAnswer{Question: q.ID}
		if q.Kind == QuizBlank {
			if len(vals) > 0 {
				a.Text = quizClip(vals[0], 200)
			}
		} else {
			for _, v := range vals {
				if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n >= 0 && n < len(q.Options) {
					a.Choices = append(a.Choices, n)
				}
			}
		}
		out = append(out, a)
	}
	return out
}

// quizClip keeps at most n runes of s.
func quizClip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// quizRosterEntry is a party member of a branch as the results count them.
type quizRosterEntry struct {
	PersonID   int64
	Name       string
	BranchID   int64
	BranchName string
	BranchKind string
}

// quizSummarize computes per-branch lines and the zone's line from the
// roster (party members by branch) and the attempts. Members without an
// attempt are absent: they lower the participation rate, never the
// average, which is over participants (submitted or expired attempts; an
// attempt still running is not yet a result). Branches listed: every
// 机关党支部 and any other branch with a participant.
func quizSummarize(roster []quizRosterEntry, atts map[int64]*QuizAttempt, now time.Time) (branches []QuizBranchResult, zone QuizBranchResult) {
	type acc struct {
		r     QuizBranchResult
		sum   int
		max   int
		kind  string
		order int
	}
	byBranch := map[int64]*acc{}
	var order []int64
	for _, m := range roster {
		a := byBranch[m.BranchID]
		if a == nil {
			a = &acc{r: QuizBranchResult{BranchID: m.BranchID, Name: m.BranchName}, kind: m.BranchKind}
			byBranch[m.BranchID] = a
			order = append(order, m.BranchID)
		}
		a.r.Members++
		at := atts[m.PersonID]
		if at == nil || quizAttemptState(at, now) == AttemptInProgress {
			continue
		}
		a.r.Participants++
		a.sum += at.Score
		a.max += at.MaxScore
		if quizPassed(at.Score, at.MaxScore) {
			a.r.Passed++
		}
		if at.MaxScore > 0 && at.Score >= at.MaxScore {
			a.r.Full++
		}
	}
	finish := func(r *QuizBranchResult, sum, max int) {
		if r.Members > 0 {
			r.Rate = quizRound1(float64(r.Participants) * 100 / float64(r.Members))
		}
		if r.Participants > 0 {
			r.Average = quizRound1(float64(sum) / float64(r.Participants))
		}
		if max > 0 {
			r.AveragePct = quizRound1(float64(sum) * 100 / float64(max))
		}
	}
	var zs, zm int
	for _, id := range order {
		a := byBranch[id]
		if a.kind != "organ_branch" && a.r.Participants == 0 {
			continue
		}
		finish(&a.r, a.sum, a.max)
		branches = append(branches, a.r)
		zone.Members += a.r.Members
		zone.Participants += a.r.Participants
		zone.Passed += a.r.Passed
		zone.Full += a.r.Full
		zs += a.sum
		zm += a.max
	}
	finish(&zone, zs, zm)
	return branches, zone
}

func quizRound1(f float64) float64 {
	return float64(int64(f*10+0.5)) / 10
}
