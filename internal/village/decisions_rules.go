package village

import (
	"fmt"
	"slices"
	"strings"

	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/errs"
)

// The steps of 四议两公开 (RULES.md 1.1), in order.
const (
	StepProposal             = "proposal"                  // ① 村党组织提议
	StepConsultation         = "consultation"              // ② 村"两委"会议商议
	StepPartyReview          = "party_review"              // ③ 党员大会审议
	StepRepresentatives      = "representative_resolution" // ④ 村民代表会议决议
	StepVillagers            = "villager_resolution"       // ④ 村民会议决议
	StepResolutionDisclosure = "resolution_disclosure"     // ⑤ 决议公开
	StepResultDisclosure     = "result_disclosure"         // ⑥ 实施结果公开
)

// DecisionSteps lists every step name the engine accepts.
var DecisionSteps = []string{StepProposal, StepConsultation, StepPartyReview, StepRepresentatives, StepVillagers,
	StepResolutionDisclosure, StepResultDisclosure}

// Disclosure channels (RULES.md 1.10: at least one).
var DecisionChannels = []string{"website", "bulletin_board", "screen", "wechat"}

// Step outcomes. Counted steps are "passed" (meetings) or "posted"
// (disclosures); the two failures are non-counting attempts.
const (
	OutcomePassed     = "passed"
	OutcomePosted     = "posted"
	OutcomeNoQuorum   = "no_quorum"   // the meeting did not sit validly: stops the decision until it is reconvened
	OutcomeVoteFailed = "vote_failed" // the meeting sat but the motion failed: the decision is rejected
)

// Decision statuses.
const (
	DecisionInProgress = "in_progress"
	DecisionStopped    = "stopped"   // the last meeting sat below its quorum
	DecisionRejected   = "rejected"  // the last meeting voted the matter down
	DecisionPassed     = "passed"    // resolved (④, or ② for a matter outside the procedure list)
	DecisionCompleted  = "completed" // ⑥ the result is posted
)

// StepInput is one step as submitted. Meeting steps (①–④) carry the
// numbers (RULES.md 1.11); disclosure steps (⑤⑥) carry the posting.
type StepInput struct {
	Step     string `json:"step"`
	Date     string `json:"date"`
	Expected int    `json:"expected"`
	Present  int    `json:"present"`
	For      int    `json:"for"`
	Against  int    `json:"against"`
	Abstain  int    `json:"abstain"`
	Merged   bool   `json:"merged"`
	// ③: the day the plan was sent to the members (RULES.md 1.5).
	PlanSentOn string `json:"plan_sent_on"`
	// ④ 村民会议: adults (default) or households (RULES.md 1.7), the day
	// notice was given, and the emergency flag that waives the notice.
	Basis     string `json:"basis"`
	NoticeOn  string `json:"notice_on"`
	Emergency bool   `json:"emergency"`
	// ⑤⑥: the posting period (posted_to, or days counted from posted_from)
	// and the channel(s), comma-separated.
	PostedFrom string `json:"posted_from"`
	PostedTo   string `json:"posted_to"`
	Days       int    `json:"days"`
	Channel    string `json:"channel"`
	// ⑥: the day the matter was carried out (RULES.md 1.10).
	CarriedOutOn string `json:"carried_out_on"`
	Minutes      string `json:"minutes"`
	Summary      string `json:"summary"` // alias of minutes for disclosures

	// Aliases accepted from clients.
	Abstained    *int     `json:"abstained,omitempty"`
	NoticeSentOn string   `json:"notice_sent_on,omitempty"`
	Channels     []string `json:"channels,omitempty"`
	// The notice periods as day counts, for clients that send them instead
	// of the days notice was given (checked the same way).
	NoticeDays *int `json:"notice_days,omitempty"`
	PlanDays   *int `json:"plan_days,omitempty"`
	// Other names clients use for the posting period, the day notice was
	// given and the day the matter was carried out; carried_out as a flag
	// (true: carried out by the posting day; false: not yet, so ⑥ is
	// refused).
	PostingDays   *int   `json:"posting_days,omitempty"`
	PeriodDays    *int   `json:"period_days,omitempty"`
	PostedUntil   string `json:"posted_until,omitempty"`
	NoticeDate    string `json:"notice_date,omitempty"`
	CarriedOut    *bool  `json:"carried_out,omitempty"`
	CompletedOn   string `json:"completed_on,omitempty"`
	Urgent        bool   `json:"urgent,omitempty"`
	ImplementedOn string `json:"implemented_on,omitempty"`
	PlanSentDate  string `json:"plan_sent_date,omitempty"`
	PlanNotice    *int   `json:"plan_notice_days,omitempty"`
	NoticeGiven   *int   `json:"villager_notice_days,omitempty"`
}

// StepRecord is a step as stored: counted, or a non-counting attempt.
type StepRecord struct {
	ID           int64  `json:"id"`
	Step         string `json:"step"`
	Date         string `json:"date"`
	Counted      bool   `json:"counted"`
	Outcome      string `json:"outcome"`
	Refusal      string `json:"refusal,omitempty"`
	RefusalEn    string `json:"refusal_en,omitempty"`
	Merged       bool   `json:"merged"`
	Expected     int    `json:"expected"`
	Present      int    `json:"present"`
	For          int    `json:"for"`
	Against      int    `json:"against"`
	Abstain      int    `json:"abstain"`
	Basis        string `json:"basis,omitempty"`
	Emergency    bool   `json:"emergency,omitempty"`
	NoticeOn     string `json:"notice_on,omitempty"`
	PostedFrom   string `json:"posted_from,omitempty"`
	PostedTo     string `json:"posted_to,omitempty"`
	Channel      string `json:"channel,omitempty"`
	CarriedOutOn string `json:"carried_out_on,omitempty"`
	Minutes      string `json:"minutes,omitempty"`
}

// isMeeting reports the steps that are meetings with numbers.
func isMeeting(step string) bool {
	return step == StepProposal || step == StepConsultation || step == StepPartyReview || step == StepRepresentatives || step == StepVillagers
}

// procedure is what the engine needs to judge the next step: the matter,
// the village, the rules the decision is decided under and the steps so
// far (counted and attempts, in order).
type procedure struct {
	Category    string
	OneShoulder bool
	Rules       Rules
	Steps       []StepRecord
}

func (p procedure) required() bool { return slices.Contains(p.Rules.ProcedureMatters, p.Category) }

// needsVillagers: RULES.md 1.8 — a matter only a 村民会议 may decide,
// unless the 村民会议 authorised its representatives.
func (p procedure) needsVillagers() bool {
	return slices.Contains(p.Rules.VillagerMatters, p.Category) && !p.Rules.RepresentativesMay
}

func (p procedure) counted() []StepRecord {
	var out []StepRecord
	for _, s := range p.Steps {
		if s.Counted {
			out = append(out, s)
		}
	}
	return out
}

func (p procedure) has(step string) bool {
	for _, s := range p.counted() {
		if s.Step == step {
			return true
		}
	}
	return false
}

// consulted reports ② done (alone, or merged with ①).
func (p procedure) consulted() bool {
	for _, s := range p.counted() {
		if s.Step == StepConsultation || s.Merged {
			return true
		}
	}
	return false
}

// Next lists the steps that may be recorded now (RULES.md 1.1). A step
// that failed (quorum or vote) may be held again, so a stopped or rejected
// decision still lists it.
func (p procedure) Next() []string {
	switch {
	case p.has(StepResultDisclosure):
		return []string{}
	case p.has(StepResolutionDisclosure):
		return []string{StepResultDisclosure}
	case p.has(StepRepresentatives) || p.has(StepVillagers):
		return []string{StepResolutionDisclosure}
	case p.has(StepPartyReview):
		if p.needsVillagers() {
			return []string{StepVillagers}
		}
		return []string{StepRepresentatives, StepVillagers}
	case p.consulted():
		if p.required() {
			return []string{StepPartyReview}
		}
		// Outside the procedure list the 两委 decide; the matter may still
		// go the whole way.
		return []string{StepPartyReview, StepResolutionDisclosure}
	case p.has(StepProposal):
		return []string{StepConsultation}
	}
	return []string{StepProposal}
}

// MergeAvailable reports whether ①+② may still be recorded as one (RULES.md 1.2).
func (p procedure) MergeAvailable() bool {
	return p.OneShoulder && p.Rules.MergeAllowed && len(p.counted()) == 0
}

// Status derives the decision's status from its steps: the last attempt
// decides stopped/rejected until a later meeting of that step passes.
func (p procedure) Status() string {
	if n := len(p.Steps); n > 0 && !p.Steps[n-1].Counted {
		if p.Steps[n-1].Outcome == OutcomeNoQuorum {
			return DecisionStopped
		}
		return DecisionRejected
	}
	switch {
	case p.has(StepResultDisclosure):
		return DecisionCompleted
	case p.has(StepRepresentatives) || p.has(StepVillagers):
		return DecisionPassed
	case !p.required() && p.consulted() && !p.has(StepPartyReview):
		return DecisionPassed
	}
	return DecisionInProgress
}

func (p procedure) lastCounted() (StepRecord, bool) {
	c := p.counted()
	if len(c) == 0 {
		return StepRecord{}, false
	}
	return c[len(c)-1], true
}

func (p procedure) find(step string) (StepRecord, bool) {
	for _, s := range p.counted() {
		if s.Step == step {
			return s, true
		}
	}
	return StepRecord{}, false
}

// stepNames are the Chinese and English names used in messages.
var stepNames = map[string][2]string{
	StepProposal:             {"①村党组织提议", "① party organisation proposal"},
	StepConsultation:         {"②村“两委”会议商议", "② two-committee consultation"},
	StepPartyReview:          {"③党员大会审议", "③ party members' meeting review"},
	StepRepresentatives:      {"④村民代表会议决议", "④ villager representatives' resolution"},
	StepVillagers:            {"④村民会议决议", "④ villagers' meeting resolution"},
	StepResolutionDisclosure: {"⑤决议公开", "⑤ resolution disclosure"},
	StepResultDisclosure:     {"⑥实施结果公开", "⑥ result disclosure"},
}

func stepList(steps []string) (zh, en string) {
	var z, e []string
	for _, s := range steps {
		z = append(z, stepNames[s][0])
		e = append(e, stepNames[s][1])
	}
	if len(z) == 0 {
		return "（程序已完成）", "(the procedure is complete)"
	}
	return strings.Join(z, "或"), strings.Join(e, " or ")
}

func dxDays(a, b string) int {
	ta, err1 := clock.ParseDay(a)
	tb, err2 := clock.ParseDay(b)
	if err1 != nil || err2 != nil {
		return 0
	}
	return int(tb.Sub(ta).Hours()+12) / 24
}

func dxDayAdd(day string, n int) string {
	t, err := clock.ParseDay(day)
	if err != nil {
		return day
	}
	return t.AddDate(0, 0, n).Format("2006-01-02")
}

func dxValidDay(s string) bool {
	_, err := clock.ParseDay(s)
	return err == nil
}

func refuse(zh, en string) *errs.Error { return errs.New(errs.Invalid, zh, en) }

func refuseField(field, zh, en string) *errs.Error { return errs.Field(field, zh, en) }

// normalise fills aliases and defaults of a step input.
func (in *StepInput) normalise() {
	in.Step = strings.TrimSpace(in.Step)
	in.Date = strings.TrimSpace(in.Date)
	if in.Abstained != nil && in.Abstain == 0 {
		in.Abstain = *in.Abstained
	}
	if in.NoticeOn == "" {
		in.NoticeOn = in.NoticeSentOn
	}
	if in.NoticeOn == "" {
		in.NoticeOn = in.NoticeDate
	}
	in.Emergency = in.Emergency || in.Urgent
	if in.PlanSentOn == "" {
		in.PlanSentOn = in.PlanSentDate
	}
	if in.PlanDays == nil {
		in.PlanDays = in.PlanNotice
	}
	if in.NoticeDays == nil {
		in.NoticeDays = in.NoticeGiven
	}
	for _, d := range []*int{in.PostingDays, in.PeriodDays} {
		if in.Days == 0 && d != nil {
			in.Days = *d
		}
	}
	if in.PostedTo == "" {
		in.PostedTo = in.PostedUntil
	}
	for _, d := range []string{in.CompletedOn, in.ImplementedOn} {
		if in.CarriedOutOn == "" {
			in.CarriedOutOn = d
		}
	}
	if in.Minutes == "" {
		in.Minutes = in.Summary
	}
	in.Minutes = strings.TrimSpace(in.Minutes)
	if in.Channel == "" && len(in.Channels) > 0 {
		in.Channel = strings.Join(in.Channels, ",")
	}
	if in.Step == StepResolutionDisclosure || in.Step == StepResultDisclosure {
		if in.PostedFrom == "" {
			in.PostedFrom = in.Date
		}
		if in.Date == "" {
			in.Date = in.PostedFrom
		}
		// carried_out: true without a day: carried out by the posting day.
		if in.CarriedOutOn == "" && in.CarriedOut != nil && *in.CarriedOut {
			in.CarriedOutOn = in.PostedFrom
		}
	}
	if in.Step == StepVillagers {
		switch strings.ToLower(strings.TrimSpace(in.Basis)) {
		case "", "adults", "adult", "villagers", "18+":
			in.Basis = "adults"
		case "households", "household", "household_representatives", "households_representatives":
			in.Basis = "households"
		}
	}
}

// judgeStep applies RULES.md §1 to a submitted step. It returns the record
// to store and, when the step is refused, the reason. A refusal with
// rec.Outcome empty changes nothing; a refusal with rec.Outcome
// no_quorum/vote_failed is a meeting that was held but does not count: it
// is kept as a non-counting attempt.
func judgeStep(p procedure, in StepInput) (StepRecord, *errs.Error) {
	in.normalise()
	r := p.Rules
	rec := StepRecord{Step: in.Step, Date: in.Date, Merged: in.Merged, Expected: in.Expected, Present: in.Present,
		For: in.For, Against: in.Against, Abstain: in.Abstain, Minutes: in.Minutes}
	if _, ok := stepNames[in.Step]; !ok {
		return StepRecord{}, refuseField("step", "步骤须为 "+strings.Join(DecisionSteps, "、")+" 之一",
			"the step must be one of "+strings.Join(DecisionSteps, ", "))
	}
	if !dxValidDay(in.Date) {
		return StepRecord{}, refuseField("date", "日期须为 YYYY-MM-DD", "the date must be YYYY-MM-DD")
	}
	if len([]rune(in.Minutes)) > 5000 {
		return StepRecord{}, refuseField("minutes", "会议记录或公开内容最多 5000 字", "minutes are at most 5000 characters")
	}

	// RULES.md 1.2: ①+② as one record, only in a 一肩挑 village where allowed.
	if in.Merged {
		if in.Step != StepProposal && in.Step != StepConsultation {
			return StepRecord{}, refuseField("merged", "只有①提议与②商议可以合并（RULES.md 1.2）",
				"only ① proposal and ② consultation may be merged (RULES.md 1.2)")
		}
		if !p.OneShoulder {
			return StepRecord{}, refuseField("merged", "本村不是“一肩挑”村，①提议与②商议不得合并（RULES.md 1.2）",
				"this village is not a 一肩挑 village: ① and ② may not be merged (RULES.md 1.2)")
		}
		if !r.MergeAllowed {
			return StepRecord{}, refuseField("merged", "本村现行规则不允许合并①提议与②商议（RULES.md 1.2）",
				"the village's rules do not allow merging ① and ② (RULES.md 1.2)")
		}
		if len(p.counted()) > 0 {
			return StepRecord{}, refuseField("merged", "①提议已单独记录，不能再合并记录（RULES.md 1.2）",
				"① is already recorded on its own and can no longer be merged (RULES.md 1.2)")
		}
	} else {
		if in.Step == StepRepresentatives && p.needsVillagers() && p.has(StepPartyReview) && !p.has(StepVillagers) {
			return StepRecord{}, refuseField("step", "此类事项须由村民会议决定，村民代表会议未获授权（RULES.md 1.8）",
				"this matter needs a villagers' meeting; the representatives are not authorised (RULES.md 1.8)")
		}
		// RULES.md 1.1: the step must be the next one.
		next := p.Next()
		if !slices.Contains(next, in.Step) {
			nz, ne := stepList(next)
			return StepRecord{}, refuseField("step", fmt.Sprintf("步骤顺序不符：下一步应为%s，不能记录%s（RULES.md 1.1）", nz, stepNames[in.Step][0]),
				fmt.Sprintf("out of order: the next step is %s, not %s (RULES.md 1.1)", ne, stepNames[in.Step][1]))
		}
	}
	if last, ok := p.lastCounted(); ok && in.Date < last.Date {
		return StepRecord{}, refuseField("date", fmt.Sprintf("日期 %s 早于上一步骤的日期 %s（RULES.md 1.1）", in.Date, last.Date),
			fmt.Sprintf("the date %s is before the previous step's %s (RULES.md 1.1)", in.Date, last.Date))
	}

	if isMeeting(in.Step) {
		return judgeMeeting(p, in, rec)
	}
	return judgeDisclosure(p, in, rec)
}

func judgeMeeting(p procedure, in StepInput, rec StepRecord) (StepRecord, *errs.Error) {
	r := p.Rules
	e, n, f, a, ab := in.Expected, in.Present, in.For, in.Against, in.Abstain
	// ① on its own may be recorded as the Party organisation's written
	// proposal without meeting numbers; numbers given are judged.
	if in.Step == StepProposal && !in.Merged && e == 0 && n == 0 && f == 0 && a == 0 && ab == 0 {
		rec.Counted, rec.Outcome = true, OutcomePassed
		return rec, nil
	}
	// RULES.md 1.11: the numbers add up.
	if e < 1 || n < 0 || f < 0 || a < 0 || ab < 0 || e > 1_000_000 {
		return StepRecord{}, refuseField("expected", fmt.Sprintf("会议人数须为非负整数且应到人数至少 1 人（应到 %d、实到 %d、赞成 %d、反对 %d、弃权 %d；RULES.md 1.11）", e, n, f, a, ab),
			fmt.Sprintf("meeting numbers must be non-negative and at least 1 expected (expected %d, present %d, for %d, against %d, abstain %d; RULES.md 1.11)", e, n, f, a, ab))
	}
	if n > e {
		return StepRecord{}, refuseField("present", fmt.Sprintf("实到 %d 人多于应到 %d 人，数字不符（RULES.md 1.11）", n, e),
			fmt.Sprintf("%d present is more than the %d expected: the numbers do not add up (RULES.md 1.11)", n, e))
	}
	if f+a+ab > n {
		return StepRecord{}, refuseField("for", fmt.Sprintf("赞成 %d + 反对 %d + 弃权 %d = %d，多于实到 %d 人，数字不符（RULES.md 1.11）", f, a, ab, f+a+ab, n),
			fmt.Sprintf("for %d + against %d + abstain %d = %d is more than the %d present: the numbers do not add up (RULES.md 1.11)", f, a, ab, f+a+ab, n))
	}
	name := stepNames[in.Step]
	if in.Merged {
		name = [2]string{"①②合并会议（党组织提议并经两委商议）", "merged ①+② meeting"}
	}
	noQuorum := func(zh, en string) (StepRecord, *errs.Error) {
		rec.Counted, rec.Outcome, rec.Refusal, rec.RefusalEn = false, OutcomeNoQuorum, zh, en
		return rec, refuse(zh, en)
	}
	voteFailed := func(zh, en string) (StepRecord, *errs.Error) {
		rec.Counted, rec.Outcome, rec.Refusal, rec.RefusalEn = false, OutcomeVoteFailed, zh, en
		return rec, refuse(zh, en)
	}
	// majorityOfPresent: > 1/2 of those present; exactly half fails.
	majorityOfPresent := func(rule string) (StepRecord, *errs.Error) {
		if 2*f <= n {
			return voteFailed(fmt.Sprintf("%s赞成 %d 票，未超过实到 %d 人的半数，未通过（RULES.md %s）", name[0], f, n, rule),
				fmt.Sprintf("%s: %d for is not more than half of the %d present; not passed (RULES.md %s)", name[1], f, n, rule))
		}
		rec.Counted, rec.Outcome = true, OutcomePassed
		return rec, nil
	}
	switch {
	case in.Step == StepProposal && !in.Merged:
		// ① is proposed by the branch committee (支委会), which decides only
		// with more than half of its members present (RULES.md 5).
		if 2*n <= e {
			return noQuorum(fmt.Sprintf("%s：支委会实到 %d 人，未超过应到 %d 人的半数（RULES.md 5）", name[0], n, e),
				fmt.Sprintf("%s: %d branch committee members present is not more than half of the %d expected (RULES.md 5)", name[1], n, e))
		}
		return majorityOfPresent("5")
	case in.Step == StepProposal || in.Step == StepConsultation:
		return majorityOfPresent("1.3")
	case in.Step == StepPartyReview:
		if in.PlanSentOn != "" {
			if !dxValidDay(in.PlanSentOn) {
				return StepRecord{}, refuseField("plan_sent_on", "方案送达日期须为 YYYY-MM-DD", "plan_sent_on must be YYYY-MM-DD")
			}
			if d := dxDays(in.PlanSentOn, in.Date); d < r.PlanNoticeDays {
				return StepRecord{}, refuseField("plan_sent_on", fmt.Sprintf("方案于 %s 送达党员，距会议仅 %d 天，须至少提前 %d 天（RULES.md 1.5）", in.PlanSentOn, d, r.PlanNoticeDays),
					fmt.Sprintf("the plan was sent on %s, only %d days before the meeting; at least %d are required (RULES.md 1.5)", in.PlanSentOn, d, r.PlanNoticeDays))
			}
			rec.NoticeOn = in.PlanSentOn
		}
		if in.PlanDays != nil && *in.PlanDays < r.PlanNoticeDays {
			return StepRecord{}, refuseField("plan_days", fmt.Sprintf("方案提前 %d 天送达党员，须至少提前 %d 天（RULES.md 1.5）", *in.PlanDays, r.PlanNoticeDays),
				fmt.Sprintf("the plan was sent %d days before the meeting; at least %d are required (RULES.md 1.5)", *in.PlanDays, r.PlanNoticeDays))
		}
		// RULES.md 1.4: attendance ≥ num/den of all members, and never ≤ 1/2.
		if r.PartyQuorumDen*n < r.PartyQuorumNum*e || 2*n <= e {
			return noQuorum(fmt.Sprintf("党员大会实到 %d 人，未达应到 %d 人的%d/%d（且须超过半数），会议无效（RULES.md 1.4）", n, e, r.PartyQuorumNum, r.PartyQuorumDen),
				fmt.Sprintf("party members' meeting: %d present, below %d/%d of the %d members (and it must be more than half); the meeting is not valid (RULES.md 1.4)", n, r.PartyQuorumNum, r.PartyQuorumDen, e))
		}
		// RULES.md 1.5: yes > 1/2 of those who should attend.
		if 2*f <= e {
			return voteFailed(fmt.Sprintf("党员大会赞成 %d 票，未超过应到会党员 %d 人的半数，未通过（RULES.md 1.5）", f, e),
				fmt.Sprintf("party members' meeting: %d for is not more than half of the %d members expected; not passed (RULES.md 1.5)", f, e))
		}
		rec.Counted, rec.Outcome = true, OutcomePassed
		return rec, nil
	case in.Step == StepRepresentatives:
		// RULES.md 1.6: ≥ 2/3 present; > 1/2 of present.
		if 3*n < 2*e {
			return noQuorum(fmt.Sprintf("村民代表会议实到 %d 人，未达应到 %d 人的三分之二，会议无效（RULES.md 1.6）", n, e),
				fmt.Sprintf("villager representatives' meeting: %d present, below 2/3 of the %d expected; the meeting is not valid (RULES.md 1.6)", n, e))
		}
		return majorityOfPresent("1.6")
	case in.Step == StepVillagers:
		if in.NoticeOn != "" && !in.Emergency {
			if !dxValidDay(in.NoticeOn) {
				return StepRecord{}, refuseField("notice_on", "通知日期须为 YYYY-MM-DD", "notice_on must be YYYY-MM-DD")
			}
			if d := dxDays(in.NoticeOn, in.Date); d < r.VillagerNoticeDays {
				return StepRecord{}, refuseField("notice_on", fmt.Sprintf("村民会议于 %s 通知，距会议仅 %d 天，须至少提前 %d 天（紧急情况除外；RULES.md 1.7）", in.NoticeOn, d, r.VillagerNoticeDays),
					fmt.Sprintf("the villagers' meeting was announced on %s, only %d days before; at least %d are required unless it is an emergency (RULES.md 1.7)", in.NoticeOn, d, r.VillagerNoticeDays))
			}
		}
		if in.NoticeDays != nil && !in.Emergency && *in.NoticeDays < r.VillagerNoticeDays {
			return StepRecord{}, refuseField("notice_days", fmt.Sprintf("村民会议提前 %d 天通知，须至少提前 %d 天（紧急情况除外；RULES.md 1.7）", *in.NoticeDays, r.VillagerNoticeDays),
				fmt.Sprintf("the villagers' meeting was announced %d days before; at least %d are required unless it is an emergency (RULES.md 1.7)", *in.NoticeDays, r.VillagerNoticeDays))
		}
		rec.NoticeOn, rec.Emergency, rec.Basis = in.NoticeOn, in.Emergency, in.Basis
		switch in.Basis {
		case "adults":
			if 2*n <= e {
				return noQuorum(fmt.Sprintf("村民会议到会 %d 人，未超过本村 18 周岁以上村民 %d 人的半数，会议无效（RULES.md 1.7）", n, e),
					fmt.Sprintf("villagers' meeting: %d present is not more than half of the %d adult villagers; the meeting is not valid (RULES.md 1.7)", n, e))
			}
		case "households":
			if 3*n < 2*e {
				return noQuorum(fmt.Sprintf("村民会议到会户代表 %d 户，未达本村 %d 户的三分之二，会议无效（RULES.md 1.7）", n, e),
					fmt.Sprintf("villagers' meeting: %d household representatives present, below 2/3 of the %d households; the meeting is not valid (RULES.md 1.7)", n, e))
			}
		default:
			return StepRecord{}, refuseField("basis", "到会基数须为 adults（18 周岁以上村民）或 households（户代表）（RULES.md 1.7）",
				"basis must be adults or households (RULES.md 1.7)")
		}
		return majorityOfPresent("1.7")
	}
	return StepRecord{}, refuseField("step", "未知步骤", "unknown step")
}

func judgeDisclosure(p procedure, in StepInput, rec StepRecord) (StepRecord, *errs.Error) {
	r := p.Rules
	// A disclosure is not a meeting: vote numbers sent with it are not kept.
	rec.Expected, rec.Present, rec.For, rec.Against, rec.Abstain = 0, 0, 0, 0, 0
	if !dxValidDay(in.PostedFrom) {
		return StepRecord{}, refuseField("posted_from", "公示开始日期须为 YYYY-MM-DD", "posted_from must be YYYY-MM-DD")
	}
	if in.Step == StepResultDisclosure {
		// RULES.md 1.10: ⑥ only after the matter is carried out.
		if in.CarriedOut != nil && !*in.CarriedOut {
			return StepRecord{}, refuseField("carried_out", "事项尚未实施完成，不能公开实施结果（RULES.md 1.10）",
				"the matter is not carried out yet: its result cannot be disclosed (RULES.md 1.10)")
		}
		if !dxValidDay(in.CarriedOutOn) {
			return StepRecord{}, refuseField("carried_out_on", "实施结果公开须写明事项实施完成日期 carried_out_on（RULES.md 1.10）",
				"a result disclosure needs the day the matter was carried out, carried_out_on (RULES.md 1.10)")
		}
		if d, ok := p.find(StepResolutionDisclosure); ok && in.CarriedOutOn < d.Date {
			return StepRecord{}, refuseField("carried_out_on", fmt.Sprintf("实施完成日期 %s 早于决议公开日期 %s（RULES.md 1.10）", in.CarriedOutOn, d.Date),
				fmt.Sprintf("carried out on %s, before the resolution was disclosed on %s (RULES.md 1.10)", in.CarriedOutOn, d.Date))
		}
		if in.PostedFrom < in.CarriedOutOn {
			return StepRecord{}, refuseField("posted_from", fmt.Sprintf("实施结果须在实施完成（%s）后公开，不能在 %s 公开（RULES.md 1.10）", in.CarriedOutOn, in.PostedFrom),
				fmt.Sprintf("the result may be posted only after the matter was carried out (%s), not on %s (RULES.md 1.10)", in.CarriedOutOn, in.PostedFrom))
		}
		rec.CarriedOutOn = in.CarriedOutOn
	}
	if last, ok := p.lastCounted(); ok && in.PostedFrom < last.Date {
		return StepRecord{}, refuseField("posted_from", fmt.Sprintf("公示开始日期 %s 早于上一步骤的日期 %s（RULES.md 1.1）", in.PostedFrom, last.Date),
			fmt.Sprintf("posting starts on %s, before the previous step's %s (RULES.md 1.1)", in.PostedFrom, last.Date))
	}
	var days int
	switch {
	case in.PostedTo != "":
		if !dxValidDay(in.PostedTo) || in.PostedTo < in.PostedFrom {
			return StepRecord{}, refuseField("posted_to", "公示结束日期须为 YYYY-MM-DD，且不早于开始日期", "posted_to must be YYYY-MM-DD, not before posted_from")
		}
		days = dxDays(in.PostedFrom, in.PostedTo) + 1
		if in.Days != 0 && in.Days != days {
			return StepRecord{}, refuseField("days", fmt.Sprintf("公示天数 %d 与起止日期（%s 至 %s，共 %d 天）不符", in.Days, in.PostedFrom, in.PostedTo, days),
				fmt.Sprintf("%d days does not match %s to %s (%d days)", in.Days, in.PostedFrom, in.PostedTo, days))
		}
	case in.Days > 0:
		days = in.Days
		in.PostedTo = dxDayAdd(in.PostedFrom, days-1)
	default:
		return StepRecord{}, refuseField("posted_to", fmt.Sprintf("须写明公示期（posted_to 或 days），至少 %d 天（RULES.md 1.10）", r.PostingDays),
			fmt.Sprintf("give the posting period (posted_to or days): at least %d days (RULES.md 1.10)", r.PostingDays))
	}
	if days < r.PostingDays {
		return StepRecord{}, refuseField("posted_to", fmt.Sprintf("%s公示 %d 天（%s 至 %s），少于规定的 %d 天（RULES.md 1.10）", stepNames[in.Step][0], days, in.PostedFrom, in.PostedTo, r.PostingDays),
			fmt.Sprintf("%s posted for %d days (%s to %s), less than the required %d (RULES.md 1.10)", stepNames[in.Step][1], days, in.PostedFrom, in.PostedTo, r.PostingDays))
	}
	ch := in.Channel
	if strings.TrimSpace(ch) == "" {
		ch = "bulletin_board" // the 公开栏 every village has
	}
	var chans []string
	for _, c := range strings.Split(ch, ",") {
		c = strings.TrimSpace(c)
		if !slices.Contains(DecisionChannels, c) {
			return StepRecord{}, refuseField("channel", "公开渠道须为 website、bulletin_board、screen、wechat 之一（RULES.md 1.10）",
				"the channel must be website, bulletin_board, screen or wechat (RULES.md 1.10)")
		}
		if !slices.Contains(chans, c) {
			chans = append(chans, c)
		}
	}
	rec.Date, rec.PostedFrom, rec.PostedTo, rec.Channel = in.PostedFrom, in.PostedFrom, in.PostedTo, strings.Join(chans, ",")
	rec.Counted, rec.Outcome = true, OutcomePosted
	return rec, nil
}
