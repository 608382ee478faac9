package village

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// minifyHTML drops only whitespace a browser does not render.
func TestMinifyHTML(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"indentation between blocks", "<ul>\n  <li>a</li>\n  <li>b</li>\n</ul>\n", "<ul><li>a</li><li>b</li></ul>"},
		{"doctype and head", "<!doctype html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>T</title>\n</head>", "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>T</title></head>"},
		{"space between inline elements stays one", "<p><a href=\"/x\">x</a>\n    <span>y</span></p>", "<p><a href=\"/x\">x</a> <span>y</span></p>"},
		{"space between inline elements, no newline", "<a>x</a>  <b>y</b>", "<a>x</a> <b>y</b>"},
		{"runs inside text collapse", "<p>一  二\n\n   三</p>", "<p>一 二\n三</p>"},
		{"text spaces kept", "<p>党员 39 名 · 323 户</p>", "<p>党员 39 名 · 323 户</p>"},
		{"text next to a tag keeps its space", "<dd>10 天 <span class=\"mono\">x</span></dd>", "<dd>10 天 <span class=\"mono\">x</span></dd>"},
		{"attribute values untouched", "<input value=\"a  >  b\">\n<p title='x\n\ny'>t</p>", "<input value=\"a  >  b\"><p title='x\n\ny'>t</p>"},
		{"pre kept", "<div>\n<pre>  a\n\n  b </pre>\n</div>", "<div><pre>  a\n\n  b </pre></div>"},
		{"textarea kept", "<form>\n<textarea>\n x  y\n</textarea>\n</form>", "<form><textarea>\n x  y\n</textarea></form>"},
		{"script kept", "<head>\n<script>if (a  <  b) {\n  x()\n}</script>\n</head>", "<head><script>if (a  <  b) {\n  x()\n}</script></head>"},
		{"upper-case tags", "<DIV>\n  <P>x</P>\n</DIV>", "<DIV><P>x</P></DIV>"},
		{"empty", "", ""},
		{"text only", "  a  b  ", " a b "},
		{"unclosed tag", "<p>x</p>\n<a href=\"", "<p>x</p><a href=\""},
	} {
		if got := string(minifyHTML([]byte(c.in))); got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
	}
}

// A rendered portal page keeps every word it shows.
func TestMinifyHTMLKeepsText(t *testing.T) {
	page := `<!doctype html>
<html><body>
<main>
<section class="portal-block" id="portal.disclosures">
  <h2>三务公开</h2>
  <ul class="disc-list">
    <li><a href="/public/disclosures/4">2021-Q3 东王村</a>
      <span class="disc-meta">2021-12-06 公开 · <span class="badge">已更正 · 第 2 版</span></span></li>
  </ul>
  <details><summary>办理进度</summary><ol><li><span class="mono">2021-10-12</span> 挂牌：组织清淤</li></ol></details>
</section>
</main>
</body></html>`
	words := func(s string) string {
		var b strings.Builder
		inTag := false
		for _, r := range s {
			switch {
			case r == '<':
				inTag = true
				b.WriteByte(' ')
			case r == '>':
				inTag = false
			case !inTag:
				b.WriteRune(r)
			}
		}
		return strings.Join(strings.Fields(b.String()), " ")
	}
	min := string(minifyHTML([]byte(page)))
	if words(min) != words(page) {
		t.Fatalf("text changed:\n%s\n%s", words(page), words(min))
	}
	if len(min) >= len(page)*95/100 {
		t.Fatalf("little removed: %d of %d bytes", len(min), len(page))
	}
	if !strings.Contains(min, `2021-Q3 东王村</a> <span class="disc-meta">`) {
		t.Fatalf("the space between the link and its date is gone: %s", min)
	}
}

// A page revalidated on every use (no-cache) has its ETag and no
// Last-Modified; a page kept a while has both. Tags are 11 base64url
// characters, unchanged content keeps them and its date on a rebuild.
func TestServePublicValidators(t *testing.T) {
	m := &Module{}
	body := "<p>公开</p>"
	build := func() ([]byte, string, error) { return []byte(body), "text/html; charset=utf-8", nil }
	get := func(key string, maxAge int, version string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", "/public/disclosures/1", nil)
		w := httptest.NewRecorder()
		if err := m.servePublic(w, r, key, maxAge, version, build); err != nil {
			t.Fatal(err)
		}
		return w
	}
	qr := get("qr-page", 0, "v1")
	if qr.Header().Get("Cache-Control") != "no-cache" || qr.Header().Get("Last-Modified") != "" || len(qr.Header().Get("ETag")) != 13 {
		t.Fatalf("no-cache page: %v", qr.Header())
	}
	kept := get("kept-page", 60, "v1")
	if kept.Header().Get("Last-Modified") == "" || kept.Header().Get("ETag") != qr.Header().Get("ETag") {
		t.Fatalf("max-age page: %v", kept.Header())
	}
	// A rebuild of the same bytes under a new version keeps tag and date.
	c := m.pubCache()
	c.mu.Lock()
	old := c.entries["kept-page"]
	c.mu.Unlock()
	time.Sleep(time.Until(old.mod.Add(time.Second))) // the next rebuild is a second later
	again := get("kept-page", 60, "v2")
	c.mu.Lock()
	now := c.entries["kept-page"]
	c.mu.Unlock()
	if now == old || now.version != "v2" || &now.body[0] != &old.body[0] ||
		again.Header().Get("ETag") != kept.Header().Get("ETag") || again.Header().Get("Last-Modified") != kept.Header().Get("Last-Modified") {
		t.Fatalf("rebuilt unchanged page: %v", again.Header())
	}
	// Changed bytes get a new tag.
	body = "<p>更正</p>"
	if w := get("kept-page", 60, "v3"); w.Header().Get("ETag") == kept.Header().Get("ETag") || w.Body.String() != body {
		t.Fatalf("changed page: %v %q", w.Header(), w.Body)
	}
}
