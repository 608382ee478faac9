package study

import (
	"context"
	"log/slog"
	"time"

	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/web"
)

// The daily part of the study room: 每日同记一句话 (a sentence a day, pushed
// every morning to each branch's work group), check-in by reading or by
// reciting it, the evening reminder (日督促), the weekly summary (周总结),
// the member's study page, the editors' calendar and Excel import, and the
// figures "sentences learned" and "check-ins".

// PermCheckins reads a member's check-in record: the committee anyone's, a
// learner only their own (another member's id answers 404, audited).
const PermCheckins auth.Perm = "study:checkins"

func init() {
	rules := []auth.Rule{{Role: auth.Committee}}
	for _, r := range []auth.Role{auth.DeptStaff, auth.Liaison, auth.VillageSecretary, auth.VillageSupervisor, auth.Discipline, auth.Member} {
		rules = append(rules, auth.Rule{Role: r, Self: true})
	}
	auth.Register(PermCheckins, rules...)

	routeParts = append(routeParts, dailyRoutes)
	navItems = append(navItems,
		web.NavItem{Key: "nav.study", Path: "/study", Perm: PermLearn, Order: 10},
		web.NavItem{Key: "nav.study_weekly", Path: "/study/weekly", Perm: PermBranch, Order: 12},
		web.NavItem{Key: "nav.study_sentences", Path: "/study/sentences", Perm: PermEdit, Order: 14},
	)
	scheduleParts = append(scheduleParts, dailySchedules)
	handlerParts = append(handlerParts, dailyHandlers)
	figureParts = append(figureParts, dailyFigures)
	demoParts = append(demoParts, demoPart{Order: 10, Load: dailyLoadDemo})
}

func dailyRoutes(m *Module, r *web.Router) {
	h := func(pattern string, fn web.Handler) { r.Handle(pattern, fn) }
	// Members: today's sentence, check-in, their record and progress.
	h("GET /api/v1/sentences/today", m.dailyApiToday)
	h("POST /api/v1/checkins", m.dailyApiCheckin)
	h("GET /api/v1/checkins", m.dailyApiCheckins)
	h("GET /api/v1/study/progress", m.dailyApiProgress)
	h("GET /study", m.dailyPageStudy)
	h("POST /study/checkin", m.dailyPostStudyCheckin)
	// Editors: the calendar of sentences.
	h("GET /api/v1/sentences", m.dailyApiSentences)
	h("POST /api/v1/sentences", m.dailyApiCreateSentence)
	h("PUT /api/v1/sentences/{id}", m.dailyApiUpdateSentence)
	h("DELETE /api/v1/sentences/{id}", m.dailyApiDeleteSentence)
	h("POST /api/v1/sentences/import", m.dailyImportSentences)
	h("GET /study/sentences", m.dailyPageSentences)
	h("GET /study/sentences/new", m.dailyPageSentenceForm)
	h("POST /study/sentences", m.dailyPostSentence)
	h("GET /study/sentences/{id}/edit", m.dailyPageSentenceForm)
	h("POST /study/sentences/{id}", m.dailyPostSentence)
	h("POST /study/sentences/{id}/delete", m.dailyPostDeleteSentence)
	h("GET /study/sentences/import", m.dailyPageSentenceImport)
	h("POST /study/sentences/import", m.dailyImportSentences)
	h("GET /study/sentences/template.xlsx", m.dailySentenceTemplate)
	// Branches: the weekly summary.
	h("GET /api/v1/branches/{id}/weekly", m.dailyApiBranchWeekly)
	h("GET /api/v1/study/weekly", m.dailyApiWeekly)
	h("GET /study/weekly", m.dailyPageWeekly)
	h("GET /study/weekly.xlsx", m.dailyExportWeekly)
}

// dailyToday is the zone day now.
func (m *Module) dailyToday() string { return clock.Day(m.Clock.Now()) }

// dailyLog is where scheduled work reports (the scheduler's logger).
func (m *Module) dailyLog() *slog.Logger {
	if m.Scheduler != nil && m.Scheduler.Log != nil {
		return m.Scheduler.Log
	}
	return slog.New(slog.DiscardHandler)
}

// dailyLearner lets a principal learn: PermLearn, and a person behind the
// account, since check-ins and points belong to a person.
func (m *Module) dailyLearner(ctx context.Context, p *auth.Principal, objType string) error {
	if err := m.Auth.Authorize(ctx, p, PermLearn, auth.Anything, objType, ""); err != nil {
		return err
	}
	if p.PersonID == 0 {
		return errs.New(errs.Forbidden, "您的账号没有关联到人员信息，无法学习打卡；请联系系统管理员关联本人信息",
			"your account is not linked to a person, so it cannot study or check in; ask the system administrator to link it")
	}
	return nil
}

// dailyFigures are the seed's "截至目前，全区共学习35句金句": sentences whose
// day lies in [from, to] and has begun (≤ today), and the check-ins in
// [from, to].
func dailyFigures(m *Module, from, to string) []figureQuery {
	upto := min(to, m.dailyToday())
	return []figureQuery{
		{Key: "sentences_learned", Unit: "unit.sentences", SQL: `SELECT COUNT(*) FROM study_sentences WHERE day >= ? AND day <= ?`, Args: []any{from, upto}},
		// The rollups, not a scan: a year of a city's check-ins is tens of
		// millions of rows (issue 8).
		{Key: "checkins", Unit: "unit.checkins", SQL: `SELECT COALESCE(SUM(checkins), 0) FROM study_checkin_rollups WHERE day >= ? AND day <= ?`, Args: []any{from, to}},
	}
}

// dailyDate is a zone day shown as the seed writes dates (12月20日).
func dailyDate(day, lang string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	if lang == "en" {
		return t.Format("2 Jan 2006")
	}
	return t.Format("2006年1月2日")
}

// dailyWeekdays names Monday … Sunday.
var dailyWeekdays = [2][7]string{{"一", "二", "三", "四", "五", "六", "日"}, {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}}

// dailyWeekdayShort is a weekday in one column of a grid: 一 … 日, Mo … Su.
func dailyWeekdayShort(day, lang string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return ""
	}
	i := (int(t.Weekday()) + 6) % 7
	if lang == "en" {
		return dailyWeekdays[1][i][:2]
	}
	return dailyWeekdays[0][i]
}

func dailyWeekday(day, lang string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return ""
	}
	i := (int(t.Weekday()) + 6) % 7
	if lang == "en" {
		return dailyWeekdays[1][i]
	}
	return "周" + dailyWeekdays[0][i]
}
