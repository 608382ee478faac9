// Package organ is 机关党建, the desk of the organ party committee (机关党委,
// founded 2021-10-09): its 16 branches and their standardisation (支部标准化
// 建设), 三会一课 and theme party days with frequency checks, the committee's
// documents (制度文件), the annual training plan, exemplar selection (机关
// 标兵选树) with a secret vote and publicity, study visits and exchanges, and
// the guidance it gives the branches below it.
package organ

import (
	"context"
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

// Permissions of the organ module.
const (
	// Read: the organ desk's pages — branches, meetings, compliance,
	// documents, training, exemplars, visits. Every organ cadre and the
	// committee.
	PermRead auth.Perm = "organ:read"
	// Manage: the organ committee's own work — documents, the checklist and
	// scores, the training plan, exemplar rounds, visits, guidance.
	PermManage auth.Perm = "organ:manage"
	// Record: a branch's own records (meetings, evidence, attendance). The
	// committee for every branch; a member only over their own branch AND
	// only when they hold a branch secretary or branch committee position
	// there (CanRecord checks the position).
	PermRecord auth.Perm = "organ:record"
)

func init() {
	auth.Register(PermRead, auth.Rule{Role: auth.Committee}, auth.Rule{Role: auth.Member, Any: true})
	auth.Register(PermManage, auth.Rule{Role: auth.Committee})
	auth.Register(PermRecord, auth.Rule{Role: auth.Committee}, auth.Rule{Role: auth.Member})
}

// BranchStudy is a branch's study figures, provided by the study module
// through the app's wiring (organ never imports study).
type BranchStudy struct {
	Members        int     `json:"members"`
	Checkins       int     `json:"checkins"`
	CompletionRate float64 `json:"completion_rate"` // percent, one decimal
	Points         int     `json:"points"`
}

// Module is the organ room.
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
	// StudyFigures, wired by the app, returns a branch's study figures
	// between two zone days; nil when the study module is absent.
	StudyFigures func(ctx context.Context, branchID int64, from, to string) (BranchStudy, error)
}

//go:embed migrations/*.sql
var migrations embed.FS

// Source is the organ module's migrations.
func Source() db.Source {
	sub, _ := fs.Sub(migrations, "migrations")
	return db.Source{Module: "organ", FS: sub}
}

//go:embed templates/*.html
var templates embed.FS

//go:embed i18n
var catalogs embed.FS

// Parts register themselves in their own files' init (as in the study room).
var (
	routeParts    []func(*Module, *web.Router)
	navItems      []web.NavItem
	scheduleParts []func(*Module) []jobs.Schedule
	handlerParts  []func(*Module)
	demoParts     []demoPart
)

// demoPart is a part's demo loader.
type demoPart = parts.Demo[*Module]

// Register adds the organ pages, messages and navigation.
func Register(v *web.Views) error {
	if err := v.Cat.AddDirs(catalogs, "i18n"); err != nil {
		return err
	}
	v.AddNav(navItems...)
	return v.AddPages(templates, "templates")
}

// Routes mounts every part.
func (m *Module) Routes(mux *web.Router) {
	parts.Routes(m, mux, routeParts)
}

// Start registers job handlers and schedules.
func (m *Module) Start() error {
	return parts.Start(m, m.Scheduler, handlerParts, scheduleParts)
}

// LoadDemo adds the demo year of organ activity after the directory's demo.
func (m *Module) LoadDemo(ctx context.Context) error {
	return parts.LoadDemo(ctx, m, demoParts)
}

// CanRecord reports whether p may keep a branch's own records: the
// committee anywhere; a member only in their own branch and only as its
// secretary or a committee member (支部书记、支委委员).
func (m *Module) CanRecord(ctx context.Context, p *auth.Principal, branchID int64) (bool, error) {
	if !auth.Can(p, PermRecord, auth.Object{Branch: branchID}) {
		return false, nil
	}
	if p.Has(auth.Committee) {
		return true, nil
	}
	var n int
	err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM positions WHERE person_id = ? AND branch_id = ? AND ended_on = ''
		AND title IN ('branch_secretary', 'branch_committee')`, p.PersonID, branchID).Scan(&n)
	return n > 0, err
}
