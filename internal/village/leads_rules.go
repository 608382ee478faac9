package village

import (
	"fmt"
	"time"

	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/errs"
)

// Lead sources (seed: "综合分析群众信访、审计、日常发现等各种渠道的问题").
var LeadSources = []string{"petition", "audit", "daily", "inspection", "other"}

// Lead statuses. received and verifying are open; the four outcomes are
// final. RULES.md §4 "Problem-lead disposal" (监督执纪工作规则) names 谈话函询 /
// 初步核实 / 暂存待查 / 予以了结, and 初步核实 may lead to 立案 and 移送: the
// discipline member first verifies (初核, verifying), then records exactly
// one outcome — 了结 (closed), 谈话提醒 (talk), 函询 (inquiry) or 移交有关部门
// (transferred, the seed's "构成违纪违法的依法依规移交有关部门").
const (
	LeadReceived    = "received"
	LeadVerifying   = "verifying"
	LeadClosed      = "closed"
	LeadTalk        = "talk"
	LeadInquiry     = "inquiry"
	LeadTransferred = "transferred"
)

// LeadOutcomes are the final statuses a preliminary verification ends in.
var LeadOutcomes = []string{LeadClosed, LeadTalk, LeadInquiry, LeadTransferred}

// LeadStatuses lists every status in handling order (filters, counts).
var LeadStatuses = []string{LeadReceived, LeadVerifying, LeadClosed, LeadTalk, LeadInquiry, LeadTransferred}

// DefaultLeadVerifyDays is the deadline for the preliminary verification:
// its outcome is due within this many days of receipt. No national number
// is given for village leads [choice]; the zone or a village may set
// "lead_verify_days" in its rules.
const DefaultLeadVerifyDays = 30

// Lead actions.
const (
	LeadActVerify  = "verify"  // start 初核
	LeadActDispose = "dispose" // record the outcome
)

func leadIsOutcome(s string) bool {
	for _, o := range LeadOutcomes {
		if o == s {
			return true
		}
	}
	return false
}

// LeadOpen reports a lead still being handled.
func LeadOpen(status string) bool { return status == LeadReceived || status == LeadVerifying }

// LeadNext is the state machine of a lead (RULES.md §4): verify moves a
// received lead into preliminary verification; dispose ends a lead under
// verification in exactly one outcome. Anything else is refused with the
// rule stated: a Conflict when the lead's state does not allow the step, an
// Invalid error when the outcome is not one of the four.
func LeadNext(status, action, outcome string) (string, error) {
	switch action {
	case LeadActVerify:
		if status != LeadReceived {
			return "", errs.New(errs.Conflict,
				fmt.Sprintf("只有待初核的线索可以开始初步核实（当前状态：%s）", LeadStatusZh(status)),
				fmt.Sprintf("only a received lead can enter preliminary verification (status: %s)", status))
		}
		return LeadVerifying, nil
	case LeadActDispose:
		if !leadIsOutcome(outcome) {
			return "", errs.Field("outcome", "处置结果须为了结、谈话提醒、函询或移交有关部门之一（RULES.md §4）",
				"the outcome must be one of closed, talk, inquiry or transferred (RULES.md §4)")
		}
		if status != LeadVerifying {
			return "", errs.New(errs.Conflict,
				fmt.Sprintf("须先初步核实再处置（当前状态：%s）（RULES.md §4）", LeadStatusZh(status)),
				fmt.Sprintf("a lead is disposed of only after preliminary verification (status: %s) (RULES.md §4)", status))
		}
		return outcome, nil
	}
	return "", errs.Field("action", "操作须为 verify（初核）或 dispose（处置）", "the action must be verify or dispose")
}

// LeadStatusZh names a status in Chinese (for messages).
func LeadStatusZh(s string) string {
	switch s {
	case LeadReceived:
		return "待初核"
	case LeadVerifying:
		return "初核中"
	case LeadClosed:
		return "了结"
	case LeadTalk:
		return "谈话提醒"
	case LeadInquiry:
		return "函询"
	case LeadTransferred:
		return "移交有关部门"
	}
	return s
}

// LeadDue is the day the preliminary verification's outcome is due:
// receivedOn plus days. An unparsable day gives "".
func LeadDue(receivedOn string, days int) string {
	t, err := clock.ParseDay(receivedOn)
	if err != nil {
		return ""
	}
	return t.AddDate(0, 0, days).Format(time.DateOnly)
}

// LeadOverdue reports an open lead past its due day on today (both zone
// days): the due day itself is still in time.
func LeadOverdue(status, receivedOn string, days int, today string) bool {
	due := LeadDue(receivedOn, days)
	return LeadOpen(status) && due != "" && today > due
}

// LeadDaysLeft is the number of days from today to the due day (negative
// when overdue).
func LeadDaysLeft(receivedOn string, days int, today string) int {
	d, err1 := clock.ParseDay(LeadDue(receivedOn, days))
	t, err2 := clock.ParseDay(today)
	if err1 != nil || err2 != nil {
		return 0
	}
	return int(d.Sub(t).Hours() / 24)
}

// leadCheckStepDay checks the day of a step: a real day, not before the
// previous step's day and not in the future.
func leadCheckStepDay(field, day, after, today string) error {
	if _, err := clock.ParseDay(day); err != nil {
		return errs.Field(field, "日期格式须为 YYYY-MM-DD", "the date must be YYYY-MM-DD")
	}
	if day > today {
		return errs.Field(field, fmt.Sprintf("日期 %s 晚于今天 %s", day, today), fmt.Sprintf("the date %s is after today %s", day, today))
	}
	if after != "" && day < after {
		return errs.Field(field, fmt.Sprintf("日期 %s 早于上一步的日期 %s", day, after), fmt.Sprintf("the date %s is before the previous step's %s", day, after))
	}
	return nil
}
