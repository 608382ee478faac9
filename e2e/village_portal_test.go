package e2e

import (
	"strings"
	"testing"
	"time"
)

// hall is the landscape screen of a village hall (电子屏).
var hall = viewport{Name: "hall", W: 1920, H: 1080}

// checkPublic is check for the public portal, whose pages load no htmx:
// nothing scrolls sideways and the browser logged no error (CSP, scripts,
// missing assets).
func (b *browser) checkPublic() {
	b.t.Helper()
	loc := b.location()
	if out := eval[[]string](b, overflowJS); len(out) > 0 {
		b.t.Errorf("%s at %s size scrolls sideways: %s", loc, b.vp.Name, strings.Join(out, "; "))
	}
	time.Sleep(20 * time.Millisecond)
	b.mu.Lock()
	logs := b.logs
	b.logs = nil
	b.mu.Unlock()
	for _, m := range logs {
		b.t.Errorf("%s: browser logged %s (source %q, %s)", loc, m, m.Source, m.URL)
	}
}

func (b *browser) openPublic(path string) {
	b.t.Helper()
	if st := b.open(path); st != 200 {
		b.t.Fatalf("%s: status %d", path, st)
	}
	b.checkPublic()
}

// A villager opens the portal on a phone without an account: the villages,
// a village's board, a disclosure checked by its QR code, the screen.
func TestVillagePortalOnPhone(t *testing.T) {
	b := start(t, phone)

	b.openPublic("/public")
	if n := b.count(".portal-villages li"); n != 7 {
		t.Errorf("/public lists %d villages, want 7", n)
	}
	b.shot("portal-home")

	if st := b.follow(`.portal-villages a[href="/public/villages/1"]`); st != 200 {
		t.Fatalf("village page: status %d", st)
	}
	b.checkPublic()
	if h := b.text("h1"); !strings.Contains(h, "东王村") {
		t.Errorf("village heading %q", h)
	}
	if v := b.text(".verified strong"); v != "公开记录未被篡改" {
		t.Errorf("chain status %q", v)
	}
	if n := b.count(".disc-list a"); n < 5 {
		t.Errorf("only %d disclosures listed", n)
	}
	b.shot("portal-village")

	// The Q3 village affairs were corrected: open the current version.
	href := eval[string](b, `Array.from(document.querySelectorAll(".disc-list a")).find(a => a.innerText.includes("2021-Q3") && a.innerText.includes("村务")).getAttribute("href")`)
	hash := ""
	b.openPublic(href)
	hash = eval[string](b, `document.querySelector("code.hash").innerText.trim()`)
	if len(hash) != 64 {
		t.Fatalf("hash %q", hash)
	}
	// As if scanned from the printed copy.
	b.openPublic(href + "?h=" + hash[:16])
	if v := b.text("#printed strong"); v != "纸质公开件与系统记录一致" {
		t.Errorf("printed check %q", v)
	}
	if !eval[bool](b, `document.querySelector(".qr-box img").naturalWidth > 100`) {
		t.Error("the QR code did not load")
	}
	if !strings.Contains(b.text("main"), "更正理由") {
		t.Error("the correction's reason is not shown")
	}
	b.shot("portal-disclosure")

	b.openPublic(href + "?h=0000000000000000")
	if v := b.text("#printed strong"); v != "纸质公开件与系统记录不一致" {
		t.Errorf("wrong printed hash: %q", v)
	}

	// The electronic screen also works on a phone (portrait).
	b.openPublic("/public/villages/1/screen")
	if n := eval[int](b, `Array.from(document.querySelectorAll(".slide")).filter(s => !s.hidden).length`); n != 1 {
		t.Errorf("%d slides visible at once", n)
	}
	b.shot("portal-screen")
}

// The hall screen at 1920×1080: one slide at a time, large type, cycling
// with JavaScript and by meta refresh without it.
func TestVillageScreenInHall(t *testing.T) {
	b := start(t, hall)
	b.openPublic("/public/villages/1/screen")
	slides := b.count(".slide")
	if slides < 4 {
		t.Fatalf("only %d slides", slides)
	}
	visible := `Array.from(document.querySelectorAll(".slide")).findIndex(s => !s.hidden)`
	if i := eval[int](b, visible); i != 0 {
		t.Errorf("first visible slide %d", i)
	}
	if px := eval[float64](b, `parseFloat(getComputedStyle(document.querySelector(".slide:not([hidden]) h1")).fontSize)`); px < 60 {
		t.Errorf("title type %vpx is too small for a hall", px)
	}
	if fit := eval[bool](b, `document.documentElement.scrollHeight <= innerHeight + 1`); !fit {
		t.Error("the screen scrolls")
	}
	b.shot("screen-intro")
	eval[bool](b, `document.dispatchEvent(new KeyboardEvent("keydown", {key: "ArrowRight"})), true`)
	if i := eval[int](b, visible); i != 1 {
		t.Errorf("after ArrowRight slide %d is visible", i)
	}
	if pos := b.text("#pos"); pos != "2 / "+itoa(slides) {
		t.Errorf("position %q", pos)
	}
	b.checkPublic()
	b.shot("screen-disclosure")
	b.openPublic("/public/villages/1/screen?slide=3")
	if fit := eval[bool](b, `document.documentElement.scrollHeight <= innerHeight + 1`); !fit {
		t.Error("slide 3 scrolls")
	}
	b.shot("screen-slide3")

	// Without JavaScript the page refreshes itself to the next slide.
	b.disableScripts()
	b.openPublic("/public/villages/1/screen?slide=1")
	if i := eval[int](b, visible); i != 1 {
		t.Errorf("no-JS slide %d", i)
	}
	if c := eval[string](b, `(document.querySelector('meta[http-equiv="refresh"]') || {content: ""}).content`); !strings.Contains(c, "screen?slide=2") {
		t.Errorf("no meta refresh to slide 2: %q", c)
	}
}

func itoa(n int) string {
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	if s == "" {
		return "0"
	}
	return s
}

// The village secretary's working pages on a desktop: the village's
// disclosures with the deadline check, a draft, the compliance view.
func TestVillageDisclosuresDesk(t *testing.T) {
	b := start(t, desktop)
	b.signIn("village_secretary")
	b.openOK("/villages/1/disclosures")
	if n := b.count("main table tbody tr"); n < 8 {
		t.Errorf("only %d disclosures listed", n)
	}
	b.shot("disclosures-list")
	href := eval[string](b, `Array.from(document.querySelectorAll("main table a")).find(a => a.closest("tr").innerText.includes("草稿")).getAttribute("href")`)
	b.openOK(href)
	if b.count(`form[action$="/publish"]`) != 1 {
		t.Error("a draft offers no publish button")
	}
	b.shot("disclosures-draft")
	b.openOK("/village/disclosures/compliance")
	b.shot("disclosures-compliance")
}
