// Package village is the supervision of "一肩挑" village Party secretaries
// (村党组织书记兼村委会主任) and the public portal it publishes: the 四议两公开
// procedure for major decisions, tiered village expenditures, tamper-evident
// 三务公开 disclosures, the major-matter board (重大事项挂牌销号), reminder
// talks, warning education, confidential problem leads, annual reports
// (述职述廉), the village rule book (制度汇编) and land compensation (征地补偿).
// A village is a tenant: every read and write checks the caller's village.
package village

import (
	"context"
	"embed"
	"io/fs"
	"sort"

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

// Permissions shared by the village room's parts (parts add their own).
const (
	// Read: a village's working records (drafts included). The committee
	// and zone discipline everywhere; secretaries, supervisors and village
	// discipline inspectors in their own villages.
	PermRead auth.Perm = "village:read"
	// Manage: a village's own records — decisions, expenditures,
	// disclosures, matters, reports. The secretary of the village; the
	// committee anywhere.
	PermManage auth.Perm = "village:manage"
	// Supervise: the village supervision committee's co-signature and
	// objections (村务监督委员会), in its own village.
	PermSupervise auth.Perm = "village:supervise"
	// Config: the zone's defaults and each village's rules and thresholds.
	PermConfig auth.Perm = "village:config"
)

func init() {
	auth.Register(PermRead, auth.Rule{Role: auth.Committee}, auth.Rule{Role: auth.VillageSecretary},
		auth.Rule{Role: auth.VillageSupervisor}, auth.Rule{Role: auth.Discipline})
	auth.Register(PermManage, auth.Rule{Role: auth.Committee}, auth.Rule{Role: auth.VillageSecretary})
	auth.Register(PermSupervise, auth.Rule{Role: auth.VillageSupervisor})
	auth.Register(PermConfig, auth.Rule{Role: auth.Committee})
}

// Module is the village room.
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
	// PublicURL is the site's public address (https://…, no trailing
	// slash) printed into QR codes of bulletin-board copies; empty means
	// the address the request came in on.
	PublicURL string
}

//go:embed migrations/*.sql
var migrations embed.FS

// Source is the village module's migrations.
func Source() db.Source {
	sub, _ := fs.Sub(migrations, "migrations")
	return db.Source{Module: "village", FS: sub}
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
	deskLinks     []DeskLink
	portalParts   []PortalPart
)

// demoPart is a part's demo loader.
type demoPart = parts.Demo[*Module]

// DeskLink is one entry of a village's desk page (/villages/{id}): a part's
// page for that village, shown to those who hold Perm over the village.
type DeskLink struct {
	Order int
	Key   string    // i18n key of the label
	Path  string    // fmt pattern with one %d for the village id
	Perm  auth.Perm // shown only to holders over this village
}

// PortalPart is one block of a village's public page (公开栏) and of its
// electronic screen (电子屏). Only published items may come out of it.
type PortalPart struct {
	Order int
	Key   string // i18n key of the block's heading
	// Page is a template file of this module (without .html) that
	// {{define}}s "portal_block": it renders Load's value (as .D of a
	// web.Page) inside the portal page, through Views.Fragment.
	Page string
	Load func(m *Module, ctx context.Context, villageID int64) (any, error)
	// Screen returns the block's slides for the electronic screen.
	Screen func(m *Module, ctx context.Context, villageID int64) ([]Slide, error)
}

// Slide is one full-screen card of the electronic screen (电子屏).
type Slide struct {
	Kind  string   `json:"kind"` // disclosure, decision, matter, report, compensation
	Title string   `json:"title"`
	Sub   string   `json:"sub,omitempty"`
	Lines []string `json:"lines,omitempty"`
	Alert bool     `json:"alert,omitempty"` // overdue or otherwise urgent
}

// Register adds the village pages, messages and navigation.
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

// LoadDemo adds the demo year of village activity after the directory's demo.
func (m *Module) LoadDemo(ctx context.Context) error {
	return parts.LoadDemo(ctx, m, demoParts)
}

// portal returns the public blocks in order.
func portal() []PortalPart {
	ps := append([]PortalPart(nil), portalParts...)
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Order < ps[j].Order })
	return ps
}
