// Package study is 理论学习与"六进": the part of Zhongshu every member
// touches every day. It holds the daily sentence (每日同记一句话) with its
// check-in by reading or reciting, the daily/weekly/monthly rhythm (日督促、
// 周总结、月问答), the column 《党史天天学》, study challenges, lecture groups
// and the "six into" coverage of their lectures, campaigns and reflections,
// village book rooms and display boards, and the study points ledger that
// turns all of it into figures.
package study

import (
	"embed"
	"io/fs"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/jobs"
	"zhongshu/internal/platform/notify"
	"zhongshu/internal/platform/parts"
	"zhongshu/internal/platform/seal"
	"zhongshu/internal/platform/web"
)

// Permissions of the study module.
const (
	// Learn: check in, recite, read articles, take quizzes and challenges,
	// submit reflections — every cadre and member who is a person.
	PermLearn auth.Perm = "study:learn"
	// Edit: schedule sentences, publish articles, write quizzes, run
	// challenges, record lectures, campaigns, books and boards (the organ
	// party committee's editors).
	PermEdit auth.Perm = "study:edit"
	// Branch: see a branch's study results (a member their own branch's,
	// the committee every branch's).
	PermBranch auth.Perm = "study:branch"
)

func init() {
	learners := []auth.Role{auth.Committee, auth.DeptStaff, auth.Liaison, auth.VillageSecretary, auth.VillageSupervisor, auth.Discipline, auth.Member}
	var rules []auth.Rule
	for _, r := range learners {
		rules = append(rules, auth.Rule{Role: r, Any: true})
	}
	auth.Register(PermLearn, rules...)
	auth.Register(PermEdit, auth.Rule{Role: auth.Committee})
	auth.Register(PermBranch, auth.Rule{Role: auth.Committee}, auth.Rule{Role: auth.Member})
}

// Module is the study room.
type Module struct {
	DB        *db.DB
	Auth      *auth.Service
	Audit     *audit.Log
	Seal      seal.Sealer
	Clock     clock.Clock
	Views     *web.Views
	Dir       *directory.Module
	Queue     *jobs.Queue
	Scheduler *jobs.Scheduler
	Notify    *notify.Service
	// Hours of the rhythm, zone time (config; defaults from the issue).
	PushHour, RemindHour, WeeklyHour int
	// dayCache is this replica's copy of the day's sentence and check-in
	// point rules (daily_cache.go); the zero value is ready.
	dayCache dailyDayCache
}

//go:embed migrations/*.sql
var migrations embed.FS

// Source is the study module's migrations.
func Source() db.Source {
	sub, _ := fs.Sub(migrations, "migrations")
	return db.Source{Module: "study", FS: sub}
}

//go:embed templates/*.html
var templates embed.FS

//go:embed i18n
var catalogs embed.FS

// Register adds the study pages, messages and navigation.
func Register(v *web.Views) error {
	if err := v.Cat.AddDirs(catalogs, "i18n"); err != nil {
		return err
	}
	v.AddNav(nav()...)
	return v.AddPages(templates, "templates")
}

// Routes mounts every part of the study room.
func (m *Module) Routes(mux *web.Router) {
	parts.Routes(m, mux, routeParts)
}
