package e2e

import (
	"strings"
	"testing"
)

// stop is one page of the tour.
type stop struct {
	name   string         // screenshot name
	path   func() string  // where; a func, as some paths are found on the way
	status int64          // expected HTTP status
	sizes  []viewport     // phone, desktop or both
	assert func(*browser) // optional extra check
}

var both = []viewport{phone, desktop}

func at(p string) func() string { return func() string { return p } }

// firstLink returns the href of the first link sel selects on page, read
// with b when the stop comes up.
func firstLink(b *browser, page, sel string) func() string {
	var href string
	return func() string {
		if href == "" {
			b.openOK(page)
			href = eval[string](b, "(document.querySelector("+js(sel)+")||{}).getAttribute?.('href') ?? ''")
			if href == "" {
				b.t.Fatalf("%s: no %s", page, sel)
			}
		}
		return href
	}
}

// tour visits the stops as user ("" = signed out) at each size: status,
// sideways overflow and browser errors are checked on every page, and a
// screenshot is saved when asked for.
func tour(t *testing.T, user string, stops func(b *browser) []stop) {
	b := start(t, phone)
	if user != "" {
		b.signIn(user)
	}
	list := stops(b)
	for _, vp := range both {
		b.resize(vp)
		for _, s := range list {
			if !sized(s.sizes, vp) {
				continue
			}
			p := s.path()
			if st := b.open(p); st != s.status {
				t.Errorf("%s GET %s: status %d, want %d; page says %.200s", user, p, st, s.status, b.text("main"))
				continue
			}
			b.check()
			if s.assert != nil {
				s.assert(b)
			}
			b.shot(s.name)
		}
	}
}

func sized(vs []viewport, v viewport) bool {
	for _, x := range vs {
		if x.Name == v.Name {
			return true
		}
	}
	return false
}

// heading expects the page's <h1> to contain want.
func heading(want string) func(*browser) {
	return func(b *browser) {
		b.t.Helper()
		if h := b.text("h1"); !strings.Contains(h, want) {
			b.t.Errorf("%s: heading %q, want %q", b.location(), h, want)
		}
	}
}

// TestPageTour walks every page of the web interface, as the role that
// uses it, at phone and desktop size.
func TestPageTour(t *testing.T) {
	t.Run("signed-out", func(t *testing.T) {
		tour(t, "", func(b *browser) []stop {
			return []stop{
				{name: "login", path: at("/login"), status: 200, sizes: both},
				{name: "login-demo", path: at("/login"), status: 200, sizes: both, assert: func(b *browser) {
					b.click(".login-card details summary")
					if n := b.count(".login-card details[open] li"); n < 11 {
						b.t.Errorf("login: %d demo accounts listed, want one per role", n)
					}
				}},
				{name: "login-next", path: at("/people?party=1"), status: 200, sizes: []viewport{phone}, assert: func(b *browser) {
					if loc := b.location(); !strings.HasPrefix(loc, "/login") || b.count(`form[action="/login"] input[name="next"]`) == 0 {
						b.t.Errorf("signed out, /people led to %s, want the sign-in form", loc)
					} else if next := b.value(`form[action="/login"] input[name="next"]`); next != "/people?party=1" {
						b.t.Errorf("sign-in form will go on to %q, want /people?party=1", next)
					}
				}},
			}
		})
	})
	t.Run("committee", func(t *testing.T) {
		tour(t, "committee", func(b *browser) []stop {
			return []stop{
				{name: "home", path: at("/"), status: 200, sizes: both, assert: heading("林梅")},
				{name: "people", path: at("/people"), status: 200, sizes: both, assert: heading("人员")},
				{name: "people-search", path: at("/people?q=%E7%8E%8B&party=1"), status: 200, sizes: []viewport{phone}},
				{name: "person", path: firstLink(b, "/people", "main table tbody a"), status: 200, sizes: both},
				{name: "person-form", path: at("/people/new"), status: 200, sizes: both, assert: heading("人员信息")},
				{name: "import", path: at("/people/import"), status: 200, sizes: both},
				{name: "enterprises", path: at("/enterprises"), status: 200, sizes: both, assert: heading("企业")},
				{name: "enterprise", path: firstLink(b, "/enterprises", "main table tbody a"), status: 200, sizes: both},
				{name: "enterprise-form", path: at("/enterprises/new"), status: 200, sizes: both},
				{name: "villages", path: at("/villages"), status: 200, sizes: both, assert: func(b *browser) {
					if n := b.count("main .grid > .card"); n != 7 {
						b.t.Errorf("villages: %d cards, want 7", n)
					}
				}},
				{name: "branches", path: at("/branches"), status: 200, sizes: both, assert: heading("党组织")},
				{name: "departments", path: at("/departments"), status: 200, sizes: both},
				{name: "account", path: at("/account"), status: 200, sizes: both, assert: heading("我的账号")},
			}
		})
	})
	t.Run("member", func(t *testing.T) {
		tour(t, "member", func(b *browser) []stop {
			return []stop{
				{name: "study", path: at("/study"), status: 200, sizes: both},
				{name: "study-weekly", path: at("/study/weekly"), status: 200, sizes: both},
				{name: "column", path: at("/column"), status: 200, sizes: both},
				{name: "column-article", path: firstLink(b, "/column", "main a[href^='/column/']"), status: 200, sizes: []viewport{phone}},
				{name: "quiz", path: at("/study/quiz"), status: 200, sizes: both},
				{name: "challenges", path: at("/study/challenges"), status: 200, sizes: both},
				{name: "lectures", path: at("/study/lectures"), status: 200, sizes: both},
				{name: "campaigns", path: at("/study/campaigns"), status: 200, sizes: both},
				{name: "books", path: at("/study/books"), status: 200, sizes: []viewport{phone}},
				{name: "boards", path: at("/study/boards"), status: 200, sizes: []viewport{phone}},
				{name: "study-figures", path: at("/study/figures"), status: 200, sizes: both},
			}
		})
	})
	t.Run("committee-study", func(t *testing.T) {
		tour(t, "committee", func(b *browser) []stop {
			return []stop{
				{name: "sentences", path: at("/study/sentences"), status: 200, sizes: both},
				{name: "study-weekly-zone", path: at("/study/weekly"), status: 200, sizes: both},
				{name: "lecture-coverage", path: at("/study/lectures/coverage"), status: 200, sizes: both},
				{name: "organ", path: at("/organ"), status: 200, sizes: both},
				{name: "organ-branches", path: at("/organ/branches"), status: 200, sizes: both},
				{name: "organ-branch", path: firstLink(b, "/organ/branches", "main table tbody a"), status: 200, sizes: both},
				{name: "organ-compliance", path: at("/organ/compliance?year=2021"), status: 200, sizes: both},
				{name: "organ-meetings", path: at("/organ/meetings?month=2021-11"), status: 200, sizes: both},
				{name: "organ-standards", path: at("/organ/standards"), status: 200, sizes: both},
				{name: "organ-documents", path: at("/organ/documents"), status: 200, sizes: both},
				{name: "organ-training", path: at("/organ/training"), status: 200, sizes: both},
				{name: "organ-exemplars", path: at("/organ/exemplars"), status: 200, sizes: both},
				{name: "organ-visits", path: at("/organ/visits"), status: 200, sizes: both},
				{name: "organ-visit", path: firstLink(b, "/organ/visits", "main a[href^='/organ/visits/']"), status: 200, sizes: []viewport{phone}},
				{name: "organ-guidance", path: at("/organ/guidance"), status: 200, sizes: both},
			}
		})
	})
	t.Run("village_secretary", func(t *testing.T) {
		tour(t, "village_secretary", func(b *browser) []stop {
			return []stop{
				{name: "home-village", path: at("/"), status: 200, sizes: both},
			}
		})
	})
	t.Run("auditor", func(t *testing.T) {
		tour(t, "auditor", func(b *browser) []stop {
			return []stop{
				{name: "home-auditor", path: at("/"), status: 200, sizes: []viewport{phone}},
				{name: "audit", path: at("/admin/audit"), status: 200, sizes: both, assert: heading("审计日志")},
			}
		})
	})
	t.Run("secadmin", func(t *testing.T) {
		tour(t, "secadmin", func(b *browser) []stop {
			return []stop{
				{name: "security", path: at("/admin/security"), status: 200, sizes: both, assert: heading("安全策略")},
			}
		})
	})
	t.Run("sysadmin", func(t *testing.T) {
		tour(t, "sysadmin", func(b *browser) []stop {
			return []stop{
				{name: "home-sysadmin", path: at("/"), status: 200, sizes: []viewport{desktop}},
				{name: "users", path: at("/admin/users"), status: 200, sizes: both, assert: heading("账号管理")},
				{name: "user", path: firstLink(b, "/admin/users", "main table tbody a"), status: 200, sizes: both},
				{name: "error-403", path: at("/people"), status: 403, sizes: both, assert: heading("403")},
			}
		})
	})
}

// TestUnknownPage: a stale or mistyped link gets the site's own error page
// (top bar, navigation, a way home), not a bare "404 page not found".
func TestUnknownPage(t *testing.T) {
	b := start(t, phone)
	b.signIn("committee")
	if st := b.open("/no-such-page"); st != 404 {
		t.Fatalf("GET /no-such-page: status %d, want 404", st)
	}
	b.shot("error-404")
	if b.count("header.topbar") == 0 || b.count(`main a[href="/"]`) == 0 {
		t.Errorf("GET /no-such-page shows %q, not the site's error page with a link home", b.text("body"))
	}
	if h := b.text("h1"); !strings.Contains(h, "404") {
		t.Errorf("404 page heading %q", h)
	}
	b.check()
}
