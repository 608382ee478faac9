// Package admin holds the pages every user meets first — sign-in, the home
// dashboard, their account and password, API tokens, the language switch —
// and the three administrators' separate desks (三员分立, 等保 8.1.5):
// accounts for sysadmin, roles and security policy for secadmin, and the
// audit log with its chain verification for auditor.
package admin

import (
	"embed"
	"time"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/chain"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/jobs"
	"zhongshu/internal/platform/notify"
	"zhongshu/internal/platform/web"
)

// Module is the admin room.
type Module struct {
	DB        *db.DB
	Auth      *auth.Service
	Audit     *audit.Log
	Clock     clock.Clock
	Views     *web.Views
	Directory *directory.Module
	// Verifiers are every hash chain of the installation, for the auditor's
	// verification page.
	Verifiers func() []chain.Verifier
	Queue     *jobs.Queue
	Scheduler *jobs.Scheduler
	Notify    *notify.Service
	// Demo marks a demo installation (the sign-in page lists the accounts).
	Demo     bool
	DemoHint []DemoAccount
}

// DemoAccount is shown on the demo's sign-in page.
type DemoAccount struct {
	Username string
	Role     auth.Role
}

//go:embed templates/*.html
var templates embed.FS

//go:embed i18n/*.json
var catalog embed.FS

// Register adds the pages, messages and navigation.
func Register(v *web.Views) error {
	if err := v.Cat.Add(catalog, "i18n"); err != nil {
		return err
	}
	v.AddNav(
		web.NavItem{Key: "nav.home", Path: "/", Perm: auth.NotifyRead, Order: 0},
		web.NavItem{Key: "nav.users", Path: "/admin/users", Perm: auth.UsersManage, Order: 90},
		web.NavItem{Key: "nav.security", Path: "/admin/security", Perm: auth.SecurityManage, Order: 91},
		web.NavItem{Key: "nav.audit", Path: "/admin/audit", Perm: auth.AuditRead, Order: 92},
		web.NavItem{Key: "nav.jobs", Path: "/admin/jobs", Perm: auth.JobsManage, Order: 93},
		web.NavItem{Key: "nav.channels", Path: "/admin/channels", Perm: auth.ChannelsManage, Order: 94},
		web.NavItem{Key: "nav.deliveries", Path: "/admin/deliveries", Perm: auth.ChannelsManage, Order: 95},
		web.NavItem{Key: "nav.account", Path: "/account", Perm: auth.NotifyRead, Order: 99},
	)
	return v.AddPages(templates, "templates")
}

// Routes mounts the pages and API.
func (m *Module) Routes(mux *web.Router) {
	h := func(p string, fn web.Handler) { mux.Handle(p, fn) }
	h("GET /login", m.pageLogin)
	h("POST /login", m.postLogin)
	h("POST /logout", m.postLogout)
	h("POST /lang", m.postLang)
	h("GET /{$}", m.pageHome)
	h("GET /account", m.pageAccount)
	h("POST /account/password", m.postPassword)
	h("POST /account/tokens", m.postToken)
	h("POST /api/v1/login", m.apiLogin)
	h("POST /api/v1/logout", m.apiLogout)
	h("GET /api/v1/me", m.apiMe)
	h("POST /api/v1/me/password", m.apiPassword)
	h("POST /api/v1/tokens", m.apiToken)
	// sysadmin
	h("GET /admin/users", m.pageUsers)
	h("POST /admin/users", m.postUser)
	h("GET /admin/users/{id}", m.pageUser)
	h("POST /admin/users/{id}/password", m.postResetPassword)
	h("GET /api/v1/users", m.apiUsers)
	h("POST /api/v1/users", m.apiCreateUser)
	// secadmin
	h("GET /admin/security", m.pageSecurity)
	h("POST /admin/security/policy", m.postPolicy)
	h("POST /admin/users/{id}/roles", m.postRoles)
	h("POST /admin/users/{id}/lock", m.postLock)
	h("POST /admin/users/{id}/unlock", m.postUnlock)
	h("POST /admin/users/{id}/sessions", m.postKillSessions)
	h("GET /api/v1/security/policy", m.apiPolicy)
	h("PUT /api/v1/security/policy", m.apiSetPolicy)
	h("PUT /api/v1/users/{id}/roles", m.apiSetRoles)
	h("POST /api/v1/users/{id}/unlock", m.apiUnlock)
	// auditor
	h("GET /admin/audit", m.pageAudit)
	h("GET /admin/audit/export.xlsx", m.exportAudit)
	h("POST /admin/audit/verify", m.postVerify)
	h("GET /api/v1/audit", m.apiAudit)
	h("POST /api/v1/audit/verify", m.apiVerify)
	// sysadmin: schedules and background jobs
	h("GET /admin/jobs", m.pageJobs)
	h("POST /admin/jobs/{id}/retry", m.postRetryJob)
	h("GET /api/v1/jobs", m.apiJobs)
	h("POST /api/v1/jobs/{id}/retry", m.apiRetryJob)
	// everyone: the bell
	h("GET /notifications", m.pageInbox)
	h("POST /notifications/{id}/read", m.postRead)
	h("GET /api/v1/notifications", m.apiInbox)
	h("POST /api/v1/notifications/{id}/read", m.apiRead)
	// sysadmin: channels and the delivery log
	h("GET /admin/channels", m.pageChannels)
	h("POST /admin/channels", m.postChannel)
	h("POST /admin/channels/{id}/enabled", m.postChannelEnable)
	h("POST /admin/channels/{id}/test", m.postChannelTest)
	h("GET /api/v1/channels", m.apiChannels)
	h("POST /api/v1/channels", m.apiCreateChannel)
	h("POST /api/v1/channels/{id}/test", m.postChannelTest)
	h("GET /admin/deliveries", m.pageDeliveries)
	h("GET /api/v1/deliveries", m.apiDeliveries)
}

func (m *Module) sessionAge() time.Duration { return 8 * time.Hour }
