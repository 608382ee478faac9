package e2e

import (
	"strings"
	"testing"
)

// A village secretary on a phone reads the year's decisions (one stopped
// by the party meeting's quorum), proposes a matter, is refused a step out
// of order with the rule named, records ①+② merged, and looks at the
// expenditures by tier.
func TestVillageDecisionsOnPhone(t *testing.T) {
	b := start(t, phone)
	b.openOK("/login")
	b.signIn("village_secretary")

	b.openOK("/villages/1/decisions")
	b.check()
	rows := strings.Join(b.texts("main table tbody tr"), "\n")
	for _, want := range []string{"村内主街道硬化工程", "修订村规民约", "中止"} {
		if !strings.Contains(rows, want) {
			t.Errorf("decisions list lacks %q:\n%s", want, rows)
		}
	}
	b.shot("decisions-list")

	// The stopped decision shows the meeting that did not count.
	href := eval[string](b, `Array.from(document.querySelectorAll("main table a")).find(a => a.innerText.includes("修订村规民约")).getAttribute("href")`)
	b.openOK(href)
	b.check()
	if n := b.count("tr.row-alert"); n != 1 {
		t.Errorf("stopped decision: %d non-counting meetings shown, want 1", n)
	}
	if txt := b.text("main"); !strings.Contains(txt, "RULES.md 1.4") {
		t.Error("the stopped meeting does not name RULES.md 1.4")
	}
	b.shot("decision-stopped")

	// Propose a matter through the form.
	b.openOK("/villages/1/decisions")
	b.typeInto("#title", "村内排水沟清淤")
	b.setValue("#category", "public_welfare")
	b.typeInto("#amount", "8000")
	if st := b.follow(`form[action="/villages/1/decisions"] button[type="submit"]`); st != 200 {
		t.Fatalf("propose: status %d", st)
	}
	b.check()
	if h := b.text("h1"); !strings.Contains(h, "村内排水沟清淤") {
		t.Fatalf("after proposing: heading %q", h)
	}
	// Only the steps allowed now are offered (RULES.md 1.1).
	if sel := eval[int](b, `document.querySelectorAll("#step option[value=party_review]").length`); sel != 0 {
		t.Error("party review offered as a next step of a new decision")
	}
	// ①+② merged.
	b.setValue("#step", "consultation")
	b.click(`input[name="merged"]`)
	b.typeInto("#expected", "6")
	b.typeInto("#present", "6")
	b.typeInto("#for", "5")
	b.typeInto("#against", "1")
	if st := b.follow(`form[action$="/steps"] button[type="submit"]`); st != 200 {
		t.Fatalf("record step: status %d", st)
	}
	b.check()
	if txt := b.text("main"); !strings.Contains(txt, "合并") || !strings.Contains(txt, "③党员大会审议") {
		t.Errorf("after the merged step: %s", txt)
	}
	b.shot("decision-merged")

	b.openOK("/villages/1/expenditures")
	b.check()
	tiers := strings.Join(b.texts("main table tbody td:nth-child(5)"), " ")
	for _, want := range []string{"第一档", "第二档", "第三档"} {
		if !strings.Contains(tiers, want) {
			t.Errorf("expenditures lack %s: %s", want, tiers)
		}
	}
	b.shot("expenditures")
}
