package e2e

import (
	"strings"
	"testing"
)

// An enterprise contact raises a demand on a phone; the 直通车 office routes
// it to 经发局; the department signs for it, works on it and resolves it;
// the enterprise rates the outcome — each on a phone, without a page that
// scrolls sideways, every step in the demand's history (issue 6 item 1).
func TestExpressDemandJourneyOnPhone(t *testing.T) {
	b := start(t, phone)
	const text = "新建仓库消防验收排期较晚，影响投产，请协调"

	b.signIn("enterprise")
	b.openOK("/express/demands")
	b.shot("demands-enterprise")
	b.setValue("#category", "production")
	b.typeInto("#description", text)
	if st := b.follow(`form[action="/express/demands"] button.btn-primary`); st != 200 {
		t.Fatalf("raise: status %d", st)
	}
	b.check()
	demand := b.location()
	if !strings.HasPrefix(demand, "/express/demands/") {
		t.Fatalf("after raising: on %s", demand)
	}
	if s := b.text("main .card .badge"); s != "待受理" {
		t.Errorf("new demand's state %q, want 待受理", s)
	}
	b.shot("demand-raised")
	b.signOut()

	// The office routes it to 经发局, flagged complex.
	b.signIn("committee")
	b.openOK(demand)
	dep := eval[string](b, `Array.from(document.querySelectorAll("#department_id option")).find(o => o.textContent.trim() === "经发局").value`)
	b.setValue("#department_id", dep)
	b.click(`input[name="complex"]`)
	b.typeInto("#route_reason", "请经发局牵头协调消防部门")
	if st := b.follow(`form:has(input[name="to"][value="routed"]) button`); st != 200 {
		t.Fatalf("route: status %d", st)
	}
	b.check()
	if s := b.text("main .card .badge"); s != "已交办" {
		t.Errorf("after routing: %q", s)
	}
	b.shot("demand-routed")
	// The office's other pages fit a phone too: the ranking and the settings.
	for _, p := range []string{"/express/rates", "/express/demands/settings", "/express"} {
		b.openOK(p)
		b.shot(strings.ReplaceAll(strings.Trim(p, "/"), "/", "-"))
	}
	if n := b.count("main .stat"); n < 2 {
		t.Errorf("the express desk shows %d figures, want the demand tiles", n)
	}
	b.signOut()

	// 经发局 signs, starts and resolves.
	b.signIn("dept_staff")
	b.openOK(demand)
	for _, step := range []struct{ to, state string }{{"accepted", "已受理"}, {"in_progress", "办理中"}} {
		if st := b.follow(`form:has(input[name="to"][value="` + step.to + `"]) button`); st != 200 {
			t.Fatalf("%s: status %d", step.to, st)
		}
		b.check()
		if s := b.text("main .card .badge"); s != step.state {
			t.Errorf("after %s: %q, want %s", step.to, s, step.state)
		}
	}
	b.typeInto("#reply", "已协调消防部门提前安排验收，验收已通过")
	if st := b.follow(`form:has(input[name="to"][value="resolved"]) button`); st != 200 {
		t.Fatalf("resolve: status %d", st)
	}
	b.check()
	b.shot("demand-resolved")
	b.signOut()

	// The enterprise rates it 满意.
	b.signIn("enterprise")
	b.openOK(demand)
	b.click(`input[name="rating"][value="satisfied"]`)
	if st := b.follow(`form:has(input[name="to"][value="rated"]) button`); st != 200 {
		t.Fatalf("rate: status %d", st)
	}
	b.check()
	if s := b.text("main .card .badge"); s != "已评价" {
		t.Errorf("after rating: %q", s)
	}
	if d := b.dd("评价"); !strings.Contains(d, "满意") {
		t.Errorf("rating shown as %q", d)
	}
	steps := b.texts("main table tbody tr td:nth-child(2)")
	if len(steps) < 6 {
		t.Errorf("history has %d rows: %v", len(steps), steps)
	}
	b.shot("demand-rated")
}
