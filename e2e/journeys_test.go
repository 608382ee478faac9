package e2e

import (
	"regexp"
	"strings"
	"testing"
	"time"
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
	b.shot("person-en")
}

// TestCommitteeCreatesPersonOnDesktop: at an office PC the committee enters
// a person with a mistyped 身份证号; the form says what is wrong, in Chinese,
// keeps everything typed, and accepts the corrected number.
func TestCommitteeCreatesPersonOnDesktop(t *testing.T) {
	b := start(t, desktop)
	b.signIn("committee")
	b.openOK("/people")
	if st := b.follow(`.page-head a[href="/people/new"]`); st != 200 {
		t.Fatalf("新建: status %d", st)
	}
	b.check()

	const (
		name     = "测试干部"
		badID    = "110101200001010003" // the check digit should be 2
		goodID   = "110101200001010002"
		mobile   = "13912345678"
		joinedOn = "2015-07-01"
	)
	b.typeInto("#name", name)
	b.typeInto("#id_number", badID)
	b.typeInto("#mobile", mobile)
	branch := eval[string](b, `document.querySelector("#branch_id option:nth-child(2)").value`)
	branchName := b.text("#branch_id option:nth-child(2)")
	b.setValue("#branch_id", branch)
	b.click(`input[name="party_member"]`)
	b.setValue("#joined_party_on", joinedOn)

	if st := b.follow(`form.form button.btn-primary`); st != 422 {
		t.Fatalf("saving with a wrong check digit: status %d, want 422", st)
	}
	b.check()
	if e := b.text(`#id_number ~ .field-error`); !strings.Contains(e, "身份证号校验码错误") || !strings.Contains(e, "应为 2") {
		t.Errorf("身份证号 field error = %q, want 身份证号校验码错误：应为 2", e)
	}
	if n := b.count(".field-error"); n != 1 {
		t.Errorf("%d field errors shown, want 1 (身份证号): %v", n, b.texts(".field-error"))
	}
	if e := b.text(".alert-error"); !strings.Contains(e, "请修改标红的项目") {
		t.Errorf("form alert = %q", e)
	}
	for sel, want := range map[string]string{"#name": name, "#id_number": badID, "#mobile": mobile, "#branch_id": branch, "#joined_party_on": joinedOn} {
		if got := b.value(sel); got != want {
			t.Errorf("after the error, %s = %q, want %q (typed value lost)", sel, got, want)
		}
	}
	if !eval[bool](b, `document.querySelector('input[name="party_member"]').checked`) {
		t.Error("after the error, 党员 is no longer ticked")
	}
	b.shot("person-form-error")

	b.typeInto("#id_number", goodID)
	if st := b.follow(`form.form button.btn-primary`); st != 200 {
		t.Fatalf("saving the corrected form: status %d; page says %.300s", st, b.text("main"))
	}
	b.check()
	if loc := b.location(); !regexp.MustCompile(`^/people/\d+\?ok=saved$`).MatchString(loc) {
		t.Errorf("after saving: on %s, want /people/{id}?ok=saved", loc)
	}
	if f := b.text(".alert-ok"); !strings.Contains(f, "已保存") {
		t.Errorf("success flash = %q, want 已保存", f)
	}
	if h := b.text("h1"); !strings.Contains(h, name) {
		t.Errorf("person page heading %q, want %s", h, name)
	}
	if id := b.dd("身份证号"); !strings.Contains(id, "110101********0002") {
		t.Errorf("saved 身份证号 shows %q, want 110101********0002", id)
	}
	if got := b.dd("党组织"); got != branchName {
		t.Errorf("saved 党组织 = %q, want %q", got, branchName)
	}
}

// TestAuditorAndSysadmin: 三员分立 in the browser. The auditor reads the
// committee's records and verifies the hash chain; the system administrator
// has no access to people.
func TestAuditorAndSysadmin(t *testing.T) {
	b := start(t, desktop)
	b.signIn("committee")
	b.openOK("/people")
	b.signOut()

	b.signIn("auditor")
	nav := b.navLinks()
	if _, ok := nav["/people"]; ok {
		t.Errorf("auditor's navigation links to /people: %v", nav)
	}
	if nav["/admin/audit"] != "审计日志" {
		t.Fatalf("auditor's navigation has no 审计日志: %v", nav)
	}
	if st := b.follow(`nav.sidenav a[href="/admin/audit"]`); st != 200 {
		t.Fatalf("审计日志: status %d", st)
	}
	b.check()
	actions := map[string]bool{}
	for _, row := range eval[[][]string](b, `Array.from(document.querySelectorAll("main table tbody tr"), tr => Array.from(tr.cells, c => c.innerText.trim()))`) {
		if len(row) > 3 && row[2] == "committee" {
			actions[row[3]] = true
		}
	}
	if !actions["login"] || !actions["logout"] {
		t.Errorf("audit log: committee's records show actions %v, want login and logout", actions)
	}

	if st := b.follow(`form[action="/admin/audit/verify"] button`); st != 200 {
		t.Fatalf("校验哈希链: status %d", st)
	}
	b.check()
	if v := b.text(".verified"); !strings.Contains(v, "哈希链完整") {
		t.Errorf("after 校验哈希链: %q, want the intact-chain message (…哈希链完整)", v)
	}
	if n := b.count(".altered"); n != 0 {
		t.Errorf("after 校验哈希链: %d broken chains: %s", n, b.text(".altered"))
	}
	b.shot("audit-verified")
	b.signOut()

	b.signIn("sysadmin")
	nav = b.navLinks()
	if _, ok := nav["/people"]; ok {
		t.Errorf("sysadmin's navigation links to 人员: %v", nav)
	}
	if _, ok := nav["/admin/users"]; !ok {
		t.Errorf("sysadmin's navigation has no 账号管理: %v", nav)
	}
	if st := b.open("/people"); st != 403 {
		t.Fatalf("sysadmin GET /people: status %d, want 403", st)
	}
	b.check()
	if h := b.text("h1"); !strings.Contains(h, "403") {
		t.Errorf("403 page heading %q", h)
	}
	b.resize(phone)
	if st := b.reload(); st != 403 {
		t.Fatalf("sysadmin GET /people on a phone: status %d, want 403", st)
	}
	b.check()
}

// TestPeopleWithoutJavaScript: with JavaScript off, signing in and the
// people list still work (server-rendered pages, plain forms).
func TestPeopleWithoutJavaScript(t *testing.T) {
	b := start(t, desktop)
	b.disableScripts()
	b.signIn("committee")
	if typ := eval[string](b, "typeof window.htmx"); typ != "undefined" {
		t.Fatalf("scripts still run (typeof htmx = %s)", typ)
	}
	b.openOK("/people")
	if n := b.count("main table tbody tr"); n < 10 {
		t.Errorf("people list without JavaScript: %d rows", n)
	}
	if got := b.text(".page-head h1"); !strings.Contains(got, "人员") {
		t.Errorf("people list heading %q", got)
	}
	// The filter form is a plain GET form.
	b.click(`form.search-bar input[name="party"]`)
	if st := b.follow(`form.search-bar button`); st != 200 {
		t.Fatalf("filter 党员 without JavaScript: status %d", st)
	}
	b.check()
	if loc := b.location(); !strings.Contains(loc, "party=1") {
		t.Errorf("filter 党员: on %s, want party=1 in the query", loc)
	}
	badges := b.count("main table tbody tr .badge-red")
	if rows := b.count("main table tbody tr"); rows == 0 || badges != rows {
		t.Errorf("filter 党员: %d rows, %d marked 党员", rows, badges)
	}
}

// Typing in the people search narrows the list in place (htmx), without a
// page load, and the address bar follows so the result can be shared.
func TestLiveSearch(t *testing.T) {
	b := start(t, desktop)
	b.signIn("committee")
	b.openOK("/people")
	before := b.count("#results tbody tr")
	first := b.text("#results tbody tr td a")
	surname := string([]rune(first)[:1])
	_ = eval[bool](b, `window.__noReload = true`)
	b.typeInto(`input[type=search]`, surname)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(b.location(), "q=") {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if !eval[bool](b, `window.__noReload === true`) {
		t.Fatal("the page reloaded: the search was not done in place")
	}
	if !strings.Contains(b.location(), "q=") {
		t.Fatalf("address bar did not follow the search: %s", b.location())
	}
	after := b.count("#results tbody tr")
	if after == 0 || after > before {
		t.Fatalf("results %d → %d", before, after)
	}
	for _, name := range b.texts("#results tbody tr td:first-child a") {
		if !strings.Contains(name, surname) {
			t.Fatalf("result %q does not match %q", name, surname)
		}
	}
}
