package e2e

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"zhongshu/internal/app"
	"zhongshu/internal/demo"
	"zhongshu/internal/platform/clock"
)

const (
	browserEnv = "ZHONGSHU_TEST_BROWSER" // path of the Chromium binary
	shotsEnv   = "ZHONGSHU_SCREENSHOTS"  // directory for PNG screenshots

	testTimeout = 60 * time.Second // bounds a whole test, browser included
	stepTimeout = 15 * time.Second // bounds one wait, for a clearer failure
)

// demoStart is the demo's clock (2021-12-20 09:00 zone time), as in the app
// tests; it is fixed, so sessions never idle out during a test.
var demoStart = time.Date(2021, 12, 20, 1, 0, 0, 0, time.UTC)

// viewport is a screen the pages are looked at on.
type viewport struct {
	Name   string
	W, H   int64
	Mobile bool // mobile emulation: touch, mobile viewport, WeChat user agent
}

var (
	phone   = viewport{Name: "phone", W: 390, H: 844, Mobile: true}
	desktop = viewport{Name: "desktop", W: 1366, H: 768}
)

// User agents: WeChat's built-in browser on Android, and Chrome on an
// office PC. Both ask for Chinese, as the cadres' devices do.
const (
	uaWeChat  = "Mozilla/5.0 (Linux; Android 13; V2049A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64"
	uaDesktop = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
	acceptZh  = "zh-CN,zh;q=0.9"
)

// site is a running installation loaded with the demo dataset.
type site struct {
	App *app.App
	URL string
}

// browser is one Chromium with one tab, looking at a site.
type browser struct {
	t    *testing.T
	ctx  context.Context
	site *site
	vp   viewport
	noJS bool

	mu   sync.Mutex
	logs []chromedp.ConsoleMessage // errors the browser logged, not yet checked
}

// start gives a test its own installation and browser at the viewport, all
// bounded by testTimeout. It skips the test without ZHONGSHU_TEST_BROWSER.
func start(t *testing.T, vp viewport) *browser {
	t.Helper()
	exe := os.Getenv(browserEnv)
	if exe == "" {
		t.Skipf("browser tests skipped: set %s to a Chromium binary (e.g. %s=/usr/bin/chromium)", browserEnv, browserEnv)
	}
	if _, err := os.Stat(exe); err != nil {
		t.Fatalf("%s=%s: %v", browserEnv, exe, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	s := newSite(ctx, t)
	return newBrowser(ctx, t, s, exe, vp)
}

// newSite opens, migrates and fills a fresh SQLite installation and serves it.
func newSite(ctx context.Context, t *testing.T) *site {
	t.Helper()
	dir := t.TempDir()
	clk := clock.At(demoStart)
	a, err := app.Open(ctx, app.Config{DB: "sqlite:" + filepath.Join(dir, "z.db"), KeyFile: filepath.Join(dir, "k.key"),
		Clock: clk, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	if _, err := a.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	// As `zhongshu demo` does: the sign-in page lists one account per role.
	if _, err := a.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(srv.Close)
	return &site{App: a, URL: srv.URL}
}

func newBrowser(ctx context.Context, t *testing.T, s *site, exe string, vp viewport) *browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.WindowSize(int(desktop.W), int(desktop.H)),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc) // waits for the browser to exit, before TempDir is removed
	bctx, cancelTab := chromedp.NewContext(actx, chromedp.WithErrorf(func(string, ...any) {}))
	t.Cleanup(cancelTab)
	b := &browser{t: t, ctx: bctx, site: s}
	if err := chromedp.Do(bctx); err != nil { // starts the browser with the test's deadline
		t.Fatalf("starting %s: %v", os.Getenv(browserEnv), err)
	}
	go b.collectErrors()
	b.resize(vp)
	return b
}

// collectErrors keeps what the browser logs at error level: script
// exceptions, CSP violations, failed sub-resources.
func (b *browser) collectErrors() {
	for m, err := range chromedp.Console(b.ctx) {
		if err != nil {
			return
		}
		if m.Type == chromedp.ConsoleError || m.IsException() {
			b.mu.Lock()
			b.logs = append(b.logs, m)
			b.mu.Unlock()
		}
	}
}

// step is a context for one action, shorter than the test's.
func (b *browser) step() (context.Context, context.CancelFunc) {
	return context.WithTimeout(b.ctx, stepTimeout)
}

// do runs actions, failing the test on error.
func (b *browser) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// resize emulates the viewport: size, touch and mobile metrics, user agent.
func (b *browser) resize(vp viewport) {
	b.t.Helper()
	ua := uaDesktop
	var opts []chromedp.EmulateViewportOption
	if vp.Mobile {
		ua = uaWeChat
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait, chromedp.EmulateScale(2))
	}
	b.do("emulate "+vp.Name,
		chromedp.EmulateViewport(vp.W, vp.H, opts...),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			if _, err := chromedp.Call(ctx, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: ua, AcceptLanguage: acceptZh}); err != nil {
				return err
			}
			if b.vp.Name == "" { // once: a second override of the locale is refused
				_, err := chromedp.Call(ctx, emulation.SetLocaleOverride, emulation.SetLocaleOverrideParams{Locale: "zh-CN"})
				return err
			}
			return nil
		}))
	b.vp = vp
}

// disableScripts turns JavaScript off in the tab, as a locked-down office PC might.
func (b *browser) disableScripts() {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		b.t.Fatalf("disable scripts: %v", err)
	}
	b.noJS = true
}

// open loads path and returns the HTTP status of the document.
func (b *browser) open(path string) int64 {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(b.site.URL+path))
	if err != nil {
		b.t.Fatalf("open %s: %v", path, err)
	}
	return resp.Status
}

// openOK loads path, expects 200, and checks the page (see check).
func (b *browser) openOK(path string) {
	b.t.Helper()
	if st := b.open(path); st != 200 {
		b.t.Fatalf("GET %s: status %d, want 200; page says: %.300s", path, st, b.text("main"))
	}
	b.check()
}

// follow clicks what sel selects and waits for the page it leads to (a link
// or a submit button), returning that page's status.
func (b *browser) follow(sel string) int64 {
	b.t.Helper()
	b.mustExist(sel)
	ctx, cancel := b.step()
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("click %s: %v", sel, err)
	}
	if resp == nil {
		b.t.Fatalf("click %s: no document response", sel)
	}
	return resp.Status
}

// reload loads the page again and returns its status.
func (b *browser) reload() int64 {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Reload())
	if err != nil {
		b.t.Fatalf("reload: %v", err)
	}
	return resp.Status
}

// typeInto types text into the field sel (clearing it first), with key events.
func (b *browser) typeInto(sel, text string) {
	b.t.Helper()
	b.mustExist(sel)
	b.setValue(sel, "")
	b.do("type into "+sel, chromedp.SendKeys(chromedp.CSS(sel), text))
}

// setValue sets a form control's value (a select, a date) as a script would,
// firing input and change.
func (b *browser) setValue(sel, v string) {
	b.t.Helper()
	b.mustExist(sel)
	got := eval[string](b, `(e => { e.value = `+js(v)+`; e.dispatchEvent(new Event("input", {bubbles: true}));
		e.dispatchEvent(new Event("change", {bubbles: true})); return e.value; })(document.querySelector(`+js(sel)+`))`)
	if got != v {
		b.t.Fatalf("set %s to %q: it holds %q", sel, v, got)
	}
}

// click clicks what sel selects, without waiting for a page.
func (b *browser) click(sel string) {
	b.t.Helper()
	b.mustExist(sel)
	b.do("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// js quotes s as a JavaScript string literal.
func js(s string) string { return fmt.Sprintf("%q", s) }

// count returns how many elements sel selects.
func (b *browser) count(sel string) int {
	b.t.Helper()
	return eval[int](b, "document.querySelectorAll("+js(sel)+").length")
}

func (b *browser) mustExist(sel string) {
	b.t.Helper()
	if b.count(sel) == 0 {
		b.t.Fatalf("%s: no such element on %s; page says: %.300s", sel, b.location(), b.text("main"))
	}
}

// text is the visible text of the first element sel selects ("" if none).
func (b *browser) text(sel string) string {
	b.t.Helper()
	return eval[string](b, "(document.querySelector("+js(sel)+")||{}).innerText||''")
}

// texts is the visible text of every element sel selects.
func (b *browser) texts(sel string) []string {
	b.t.Helper()
	return eval[[]string](b, "Array.from(document.querySelectorAll("+js(sel)+"), e => e.innerText.trim())")
}

// value is the value of the form control sel.
func (b *browser) value(sel string) string {
	b.t.Helper()
	b.mustExist(sel)
	return eval[string](b, "document.querySelector("+js(sel)+").value")
}

// dd is the text of the <dd> after the <dt> labelled label.
func (b *browser) dd(label string) string {
	b.t.Helper()
	return eval[string](b, `(Array.from(document.querySelectorAll("dt")).find(e => e.innerText.trim() === `+js(label)+`)?.nextElementSibling?.innerText ?? "")`)
}

// location is the page's path and query.
func (b *browser) location() string {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		b.t.Fatalf("location: %v", err)
	}
	u, err := url.Parse(loc)
	if err != nil {
		return loc
	}
	return u.RequestURI()
}

// signIn signs in through the form and expects to land on the home page.
func (b *browser) signIn(username string) {
	b.t.Helper()
	b.openOK("/login")
	b.typeInto("#username", username)
	b.typeInto("#password", demo.Password)
	if st := b.follow(`form[action="/login"] button`); st != 200 {
		b.t.Fatalf("sign in as %s: status %d; page says: %.300s", username, st, b.text("main"))
	}
	if loc := b.location(); loc != "/" {
		b.t.Fatalf("sign in as %s: landed on %s, want /; page says: %.300s", username, loc, b.text("main"))
	}
	b.check()
}

// signOut presses 退出 in the top bar and expects the sign-in page.
func (b *browser) signOut() {
	b.t.Helper()
	b.follow(`form[action="/logout"] button`)
	if loc := b.location(); !strings.HasPrefix(loc, "/login") {
		b.t.Fatalf("sign out: landed on %s", loc)
	}
}

// navLinks is the sidebar's links (href → label).
func (b *browser) navLinks() map[string]string {
	b.t.Helper()
	return eval[map[string]string](b, `Object.fromEntries(Array.from(document.querySelectorAll("nav.sidenav a"), a => [a.getAttribute("href"), a.innerText.trim()]))`)
}

// overflowJS finds what sticks out of the viewport sideways: elements whose
// right edge is past the viewport and that no scrolling ancestor contains.
const overflowJS = `(() => {
  const vw = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= vw) return [];
  const clipped = e => { for (let p = e.parentElement; p; p = p.parentElement) {
    const o = getComputedStyle(p).overflowX; if (o !== "visible") return p !== document.documentElement && p !== document.body; } return false; };
  const out = [];
  for (const e of document.body.querySelectorAll("*")) {
    const r = e.getBoundingClientRect();
    if (r.width > 0 && r.right > vw + 1 && !clipped(e)) {
      out.push(e.tagName.toLowerCase() + (e.className ? "." + String(e.className).trim().replace(/\s+/g, ".") : "") +
        " right=" + Math.round(r.right) + " «" + (e.innerText || "").trim().slice(0, 30) + "»");
      if (out.length >= 6) break;
    }
  }
  return out.length ? out : ["document scrollWidth " + document.documentElement.scrollWidth + " > " + vw];
})()`

// check looks over the page as it is: it must not scroll sideways (a
// phone user would see a cut-off page), the browser must have logged no
// error (CSP violation, script exception, missing asset), and, with
// JavaScript on, htmx must have loaded.
func (b *browser) check() {
	b.t.Helper()
	loc := b.location()
	if out := eval[[]string](b, overflowJS); len(out) > 0 {
		b.t.Errorf("%s at %s size scrolls sideways: %s", loc, b.vp.Name, strings.Join(out, "; "))
	}
	if !b.noJS {
		if typ := eval[string](b, "typeof window.htmx"); typ != "object" {
			b.t.Errorf("%s: htmx did not load (typeof htmx = %s)", loc, typ)
		}
	}
	time.Sleep(20 * time.Millisecond) // let late log entries arrive
	b.mu.Lock()
	logs := b.logs
	b.logs = nil
	b.mu.Unlock()
	for _, m := range logs {
		// A page answered with 4xx on purpose is logged as a failed load of the
		// document itself; the tests check those statuses explicitly.
		if m.Source == "network" && strings.Contains(m.Text, "the server responded with a status of 4") &&
			!strings.Contains(m.URL, "/static/") {
			continue
		}
		b.t.Errorf("%s: browser logged %s (source %q, %s)", loc, m, m.Source, m.URL)
	}
}

// shot saves a full-page screenshot as <name>-<viewport>.png when
// ZHONGSHU_SCREENSHOTS names a directory.
func (b *browser) shot(name string) {
	b.t.Helper()
	dir := os.Getenv(shotsEnv)
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	ctx, cancel := b.step()
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	// A full-page capture may resize the viewport; put the emulation back.
	b.resize(b.vp)
	file := filepath.Join(dir, name+"-"+b.vp.Name+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot %s", file)
}
