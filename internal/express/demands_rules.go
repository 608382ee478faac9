package express

import (
	"fmt"
	"slices"

	"zhongshu/internal/platform/errs"
)

// The demand's states (企业诉求办理状态). "new" is 待受理: waiting for the
// 直通车 office to route it; "routed" is 已交办: waiting for the lead
// department to sign for it (签收, its response).
const (
	StNew        = "new"         // 待受理
	StRouted     = "routed"      // 已交办（待签收）
	StAccepted   = "accepted"    // 已受理
	StInProgress = "in_progress" // 办理中
	StResolved   = "resolved"    // 已办结
	StRated      = "rated"       // 已评价
)

// demandStates in workflow order (lists, filters, the state's i18n key).
var demandStates = []string{StNew, StRouted, StAccepted, StInProgress, StResolved, StRated}

// The transitions (the "to" of POST /api/v1/demands/{id}/transitions).
// Most are named after the state they lead to; returned leads back to new
// (退回), reopened to in_progress (重办), extended keeps the state (延期).
const (
	TrRouted     = "routed"
	TrAccepted   = "accepted"
	TrInProgress = "in_progress"
	TrResolved   = "resolved"
	TrRated      = "rated"
	TrReturned   = "returned"
	TrReopened   = "reopened"
	TrExtended   = "extended"
)

// demandTransitions in the order the detail page offers them.
var demandTransitions = []string{TrRouted, TrAccepted, TrInProgress, TrResolved, TrReturned, TrRated, TrReopened, TrExtended}

// Demand categories (诉求类别): the English codes are kept in the data and
// the API; the Chinese names are the seed's.
var demandCategories = []string{"production", "party_building", "suggestion", "major", "policy", "other"}

// demandCategoryZh names each category in Chinese (messages, exports).
var demandCategoryZh = map[string]string{
	"production":     "生产经营困难",
	"party_building": "党建工作难题",
	"suggestion":     "意见建议",
	"major":          "重大事项",
	"policy":         "政策咨询",
	"other":          "其他",
}

// Ratings of the outcome (RULES.md §7): 满意 / 基本满意 / 不满意.
var demandRatings = []string{"satisfied", "basically", "unsatisfied"}

// demandRatingZh accepts the ratings' Chinese names as input too.
var demandRatingZh = map[string]string{"满意": "satisfied", "基本满意": "basically", "不满意": "unsatisfied"}

// demandStateZh names each state in Chinese (messages).
var demandStateZh = map[string]string{StNew: "待受理", StRouted: "已交办", StAccepted: "已受理", StInProgress: "办理中", StResolved: "已办结", StRated: "已评价"}

// actorRoles is what the caller is to one demand: the 直通车 office
// (committee), staff of its lead department, staff of a helper department,
// the enterprise's contact, or a liaison assigned to the enterprise.
type actorRoles struct {
	Office, Lead, Helper, Contact, Liaison bool
}

// demandFacts is what a transition depends on besides who asks.
type demandFacts struct {
	State    string
	Complex  bool
	Extended bool
	Reopened bool
	Rating   string
}

// transitionRule says who may make a transition and from which states.
type transitionRule struct {
	who  func(a actorRoles) bool
	from []string
	whoZ string // who may, for the message
	whoE string
}

var transitionRules = map[string]transitionRule{
	TrRouted:     {func(a actorRoles) bool { return a.Office }, []string{StNew}, "直通车办公室", "the 直通车 office"},
	TrAccepted:   {func(a actorRoles) bool { return a.Lead }, []string{StRouted}, "牵头部门", "the lead department"},
	TrInProgress: {func(a actorRoles) bool { return a.Lead }, []string{StAccepted}, "牵头部门", "the lead department"},
	TrResolved:   {func(a actorRoles) bool { return a.Lead }, []string{StAccepted, StInProgress}, "牵头部门", "the lead department"},
	TrReturned:   {func(a actorRoles) bool { return a.Lead }, []string{StRouted, StAccepted}, "牵头部门", "the lead department"},
	TrRated:      {func(a actorRoles) bool { return a.Contact }, []string{StResolved}, "提出诉求的企业联系人", "the enterprise's contact"},
	TrReopened:   {func(a actorRoles) bool { return a.Contact || a.Office }, []string{StRated}, "企业联系人或直通车办公室", "the enterprise's contact or the 直通车 office"},
	TrExtended:   {func(a actorRoles) bool { return a.Office }, []string{StAccepted, StInProgress}, "直通车办公室", "the 直通车 office"},
}

// checkTransition is the demand's state machine (issue 6 item 1, RULES.md
// §7): may an actor with roles a make transition `to` on a demand with
// facts f? It answers, in this order: 422 for an unknown transition, 403
// when the caller's role may never make it (whatever the state), 409 when
// the current state (or the once-only rules) does not allow it. Pure, so
// that every role × state pair is tested in a table.
func checkTransition(a actorRoles, f demandFacts, to string) error {
	rule := transitionRules[to]
	switch transitionRefusal(a, f, to) {
	case refusedUnknown:
		return errs.Field("to", fmt.Sprintf("未知的办理环节“%s”，可选：routed、accepted、in_progress、resolved、rated、returned、reopened、extended", to),
			fmt.Sprintf("unknown transition %q; use routed, accepted, in_progress, resolved, rated, returned, reopened or extended", to))
	case refusedActor:
		return errs.New(errs.Forbidden, fmt.Sprintf("只有%s可以执行“%s”", rule.whoZ, transitionZh[to]),
			fmt.Sprintf("only %s may make the %q transition", rule.whoE, to))
	case refusedState:
		zs, es := "", ""
		for i, s := range rule.from {
			if i > 0 {
				zs, es = zs+"、", es+", "
			}
			zs, es = zs+demandStateZh[s], es+s
		}
		return errs.New(errs.Conflict, fmt.Sprintf("诉求当前为“%s”，“%s”只能在“%s”状态下进行", demandStateZh[f.State], transitionZh[to], zs),
			fmt.Sprintf("the demand is %s; %q is allowed only from %s", f.State, to, es))
	case refusedNotUnsatisfied:
		return errs.New(errs.Conflict, "只有评价为“不满意”的诉求可以重办（RULES.md §7）", "only a demand rated unsatisfied may be reopened (RULES.md §7)")
	case refusedReopened:
		return errs.New(errs.Conflict, "该诉求已重办过一次，不满意只能重办一次（RULES.md §7）", "the demand was already reopened once; an unsatisfied rating reopens it only once (RULES.md §7)")
	case refusedNotComplex:
		return errs.New(errs.Conflict, "只有直通车办公室标记为复杂的诉求可以延期（RULES.md §7）", "only a demand flagged complex by the office may be extended (RULES.md §7)")
	case refusedExtended:
		return errs.New(errs.Conflict, "复杂诉求只能延期一次（RULES.md §7）", "a complex demand may be extended only once (RULES.md §7)")
	}
	return nil
}

// refusal is why a transition may not be made now (0: it may).
type refusal int

const (
	refusedNone refusal = iota
	refusedUnknown
	refusedActor
	refusedState
	refusedNotUnsatisfied
	refusedReopened
	refusedNotComplex
	refusedExtended
)

// transitionRefusal is the rule itself, without messages: checkTransition
// words its answer, mayTransition only asks whether there is one.
func transitionRefusal(a actorRoles, f demandFacts, to string) refusal {
	rule, ok := transitionRules[to]
	switch {
	case !ok:
		return refusedUnknown
	case !rule.who(a):
		return refusedActor
	case !slices.Contains(rule.from, f.State):
		return refusedState
	}
	switch to {
	case TrReopened:
		if f.Rating != "unsatisfied" {
			return refusedNotUnsatisfied
		}
		if f.Reopened {
			return refusedReopened
		}
	case TrExtended:
		if !f.Complex {
			return refusedNotComplex
		}
		if f.Extended {
			return refusedExtended
		}
	}
	return refusedNone
}

// mayTransition is checkTransition(a, f, to) == nil without building the
// refusal's message: allowedTransitions asks it of every transition on
// every answer, and the messages of the refused ones were most of its
// cost (issue 8).
func mayTransition(a actorRoles, f demandFacts, to string) bool {
	return transitionRefusal(a, f, to) == refusedNone
}

// allowedTransitions lists the transitions the actor may make now.
func allowedTransitions(a actorRoles, f demandFacts) []string {
	out := []string{}
	for _, to := range demandTransitions {
		if mayTransition(a, f, to) {
			out = append(out, to)
		}
	}
	return out
}

// transitionZh names each transition in Chinese (messages, history).
var transitionZh = map[string]string{
	"raised":     "提出诉求",
	TrRouted:     "交办",
	TrAccepted:   "签收受理",
	TrInProgress: "开始办理",
	TrResolved:   "办结答复",
	TrRated:      "评价",
	TrReturned:   "退回",
	TrReopened:   "重办",
	TrExtended:   "延期",
}

// deadlineOverdue reports a missed deadline: met after it, or not met and
// today is past it. A deadline not set yet is never overdue; a deadline
// met on its own day is in time.
func deadlineOverdue(due, metOn, today string) bool {
	if due == "" {
		return false
	}
	if metOn != "" {
		return metOn > due
	}
	return today > due
}
