package e2e

import (
	"regexp"
	"strings"
	"testing"
)

// TestCommitteeOnPhone: a committee member on a phone signs in, reads the
// zone's figures, looks a person up, and switches the pages to English.
func TestCommitteeOnPhone(t *testing.T) {
	b := start(t, phone)

	b.openOK("/login")
	b.shot("login")
	b.signIn("committee")

	// The home dashboard shows the zone at a glance.
	stats := eval[map[string]string](b, `Object.fromEntries(Array.from(document.querySelectorAll(".stat"),
		s => [s.querySelector(".stat-label").innerText.trim(), s.querySelector(".stat-value").innerText.trim()]))`)
	for label, want := range map[string]string{"机关党支部": "16", "党务工作者": "28", "直通车联络员": "35"} {
		if got := stats[label]; got != want {
			t.Errorf("home: %s = %q, want %s (all figures: %v)", label, got, want, stats)
		}
	}
	if h := b.text("h1"); !strings.Contains(h, "林梅") {
		t.Errorf("home: heading %q does not greet 林梅", h)
	}
	b.shot("home")

	// 人员 from the navigation strip.
	if got := b.navLinks()["/people"]; got != "人员" {
		t.Fatalf("navigation: /people is labelled %q, want 人员", got)
	}
	if st := b.follow(`nav.sidenav a[href="/people"]`); st != 200 {
		t.Fatalf("人员: status %d", st)
	}
	b.check()
	if n := b.count("main table tbody tr"); n == 0 {
		t.Fatal("人员: the list is empty")
	}
	b.shot("people")

	// Search by a name prefix: the first listed person's surname.
	first := b.text("main table tbody tr td a")
	prefix := string([]rune(first)[:1])
	b.typeInto(`form.search-bar input[name="q"]`, prefix)
	if st := b.follow(`form.search-bar button`); st != 200 {
		t.Fatalf("search %s: status %d", prefix, st)
	}
	b.check()
	names := b.texts("main table tbody tr td:first-child")
	if len(names) == 0 {
		t.Fatalf("search %s: no one found", prefix)
	}
	for _, n := range names {
		if !strings.Contains(n, prefix) {
			t.Errorf("search %s: found %q", prefix, n)
		}
	}
	if v := b.value(`form.search-bar input[name="q"]`); v != prefix {
		t.Errorf("search box after searching: %q, want %q", v, prefix)
	}

	// Open the first person found: the 身份证号 is masked.
	name := names[0]
	if st := b.follow("main table tbody tr td a"); st != 200 {
		t.Fatalf("open %s: status %d", name, st)
	}
	b.check()
	if h := b.text("h1"); !strings.Contains(h, name) {
		t.Errorf("person page heading %q, want %s", h, name)
	}
	id := b.dd("身份证号")
	if !strings.Contains(id, "********") {
		t.Errorf("身份证号 on the person page is %q, want it masked (********)", id)
	}
	if regexp.MustCompile(`\d{17}[\dX]`).MatchString(id) {
		t.Errorf("身份证号 %q is shown in full", id)
	}
	b.shot("person")

	// Switch to English with the top-bar button; the choice is remembered.
	personPath := b.location()
	if st := b.follow(`form[action="/lang"] button[value="en"]`); st != 200 {
		t.Fatalf("English: status %d", st)
	}
	if loc := b.location(); loc != personPath && !strings.HasPrefix(personPath, loc) {
		t.Errorf("after switching language: on %s, want back on %s", loc, personPath)
	}
	if got := b.navLinks()["/people"]; got != "People" {
		t.Errorf("after English: navigation says %q for /people, want People", got)
	}
	if lang := eval[string](b, "document.documentElement.lang"); lang != "en" {
		t.Errorf("after English: <html lang=%q>", lang)
	}
	if st := b.reload(); st != 200 {
		t.Fatalf("reload: status %d", st)
	}
	if got := b.navLinks()["/people"]; got != "People" {
		t.Errorf("after reload: navigation says %q for /people, want People (language not remembered)", got)
	}
	if id := b.dd("ID number"); !strings.Contains(id, "********") {
		t.Errorf("English person page: ID number %q, want it masked", id)
	}
	b.check()
}
