// Package express is the enterprise "党建直通车": it carries an enterprise's
// problem (企业诉求) to the department that can solve it, with deadlines in
// working days, escalation and the three rates (响应率、解决率、满意率); and it
// turns liaisons' field work — visits (十问、七找、一宣讲), breakfast meetings,
// policy-application help, party-organisation formation — into a points
// ledger fed by those records, never typed in.
package express

import (
	"context"
	"embed"
	"io/fs"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/chain"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/jobs"
	"zhongshu/internal/platform/notify"
	"zhongshu/internal/platform/parts"
	"zhongshu/internal/platform/seal"
	"zhongshu/internal/platform/web"
)

// Permissions shared by the express room's parts (parts add their own).
const (
	// Read: the express desk. The committee (the 直通车 office) everywhere;
	// department staff over what is routed to their department; liaisons
	// over their assigned enterprises; enterprise contacts over their own.
	PermRead auth.Perm = "express:read"
	// Office: the 直通车 office's work — routing, configuration, assessment.
	PermOffice auth.Perm = "express:office"
)

func init() {
	auth.Register(PermRead, auth.Rule{Role: auth.Committee}, auth.Rule{Role: auth.DeptStaff},
		auth.Rule{Role: auth.Liaison}, auth.Rule{Role: auth.Enterprise})
	auth.Register(PermOffice, auth.Rule{Role: auth.Committee})
}

// Module is the express room.
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

	config demandConfig // the calendar and deadline table, cached (calendar.go)
}

//go:embed migrations/*.sql
var migrations embed.FS

// Source is the express module's migrations.
func Source() db.Source {
	sub, _ := fs.Sub(migrations, "migrations")
	return db.Source{Module: "express", FS: sub}
}

//go:embed templates/*.html
var templates embed.FS

//go:embed i18n
var catalogs embed.FS

// Parts register themselves in their own files' init.
var (
	routeParts    []func(*Module, *web.Router)
	navItems      []web.NavItem
	scheduleParts []func(*Module) []jobs.Schedule
	handlerParts  []func(*Module)
	demoParts     []demoPart
	verifierParts []func(*Module) chain.Verifier
	tileParts     []tilePart
)

// demoPart is a part's demo loader.
type demoPart = parts.Demo[*Module]

// tilePart is one figure on the express desk's front page, computed for
// the caller (each part counts only what the caller may see).
type tilePart struct {
	order int
	load  func(m *Module, ctx context.Context, p *auth.Principal) ([]Tile, error)
}

// Tile is one figure on the express desk.
type Tile struct {
	Key   string `json:"key"` // i18n key of the label
	Value string `json:"value"`
	Path  string `json:"path,omitempty"`
	Alert bool   `json:"alert,omitempty"`
}

// Register adds the express pages, messages and navigation.
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

// Verifiers lists the room's hash chains for `zhongshu verify`.
func (m *Module) Verifiers() []chain.Verifier {
	var out []chain.Verifier
	for _, v := range verifierParts {
		out = append(out, v(m))
	}
	return out
}

// LoadDemo adds the demo year of express activity after the directory's demo.
func (m *Module) LoadDemo(ctx context.Context) error {
	return parts.LoadDemo(ctx, m, demoParts)
}
