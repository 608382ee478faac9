package study

import (
	"strings"
	"testing"
	"time"

	"zhongshu/internal/platform/clock"
)

// The article body's allow-list: p, h2–h4, strong, em, lists, blockquote,
// a[href] with rel=nofollow, img[src] from this site or a data: image (the
// CSP's img-src 'self' data:); everything else goes.
func TestColumnSanitize(t *testing.T) {
	png := "data:image/png;base64,iVBORw0KGgo="
	for _, c := range []struct{ in, want string }{
		{"<p>学史明理</p>", "<p>学史明理</p>"},
		{"<h2>一</h2><h3>二</h3><h4>三</h4><h1>大</h1><h5>小</h5>", "<h2>一</h2><h3>二</h3><h4>三</h4>大小"},
		{"<p><strong>重</strong><em>轻</em></p>", "<p><strong>重</strong><em>轻</em></p>"},
		{"<ul><li>一</li></ul><ol><li>二</li></ol><blockquote>引</blockquote>", "<ul><li>一</li></ul><ol><li>二</li></ol><blockquote>引</blockquote>"},
		{`<p>正文<script>alert(1)</script></p>`, "<p>正文</p>"},
		{`<p onclick="x()" style="color:red" class="c">正文</p>`, "<p>正文</p>"},
		{`<a href="https://www.12371.cn/">共产党员网</a>`, `<a href="https://www.12371.cn/" rel="nofollow">共产党员网</a>`},
		{`<a href="/column/3">上一篇</a>`, `<a href="/column/3" rel="nofollow">上一篇</a>`},
		{`<a href="javascript:alert(1)">x</a>`, "x"},
		{`<a href="//evil.example/x">x</a>`, "x"},
		{`<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>`, "x"},
		{`<img src="/static/favicon.svg" alt="徽">`, `<img src="/static/favicon.svg" alt="徽">`},
		{`<img src="` + png + `">`, `<img src="` + png + `">`},
		{`<img src="https://evil.example/t.png">`, ""},
		{`<img src="//evil.example/t.png">`, ""},
		{`<img src="data:image/svg+xml;base64,PHN2Zz4=">`, ""},
		{`<img src="/x.png" onerror="alert(1)">`, `<img src="/x.png">`},
		{`<iframe src="/"></iframe><style>p{}</style><p>留</p>`, "<p>留</p>"},
	} {
		if got := columnSanitize(c.in); got != c.want {
			t.Errorf("columnSanitize(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

// Whatever an editor (or an API client) sends, what is stored and shown
// has no script, no event handler, no javascript: URL and no foreign image,
// and sanitising again changes nothing.
func FuzzColumnSanitize(f *testing.F) {
	for _, s := range []string{"<p>x</p>", `<a href="javascript:1">`, `<img src=x onerror=alert(1)>`, `<scr<script>ipt>`, `<svg><script>1</script>`, "<p>\xff</p>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := columnSanitize(s)
		low := strings.ToLower(out)
		for _, bad := range []string{"<script", "javascript:", "<iframe", "<style", "<svg", " on", "style="} {
			if strings.Contains(low, bad) && !strings.Contains(columnText(out), strings.TrimSpace(bad)) {
				t.Fatalf("%q kept %q: %q", s, bad, out)
			}
		}
		if again := columnSanitize(out); again != out {
			t.Fatalf("not stable: %q → %q → %q", s, out, again)
		}
	})
}

// RULES.md §6: a read counts after the minimum reading time (60 s).
func TestColumnReadWait(t *testing.T) {
	start := time.Date(2021, 12, 20, 1, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		after time.Duration
		wait  int
	}{
		{0, 60}, {time.Second, 59}, {59*time.Second + 500*time.Millisecond, 1}, {60 * time.Second, 0}, {10 * time.Minute, 0}, {-5 * time.Second, 65},
	} {
		if got := columnReadWait(start, start.Add(c.after), columnMinRead); got != c.wait {
			t.Errorf("after %s: wait %d, want %d", c.after, got, c.wait)
		}
	}
}

// Scheduled publishing by the injected clock.
func TestColumnState(t *testing.T) {
	at := time.Date(2021, 12, 20, 23, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		draft bool
		now   time.Time
		want  string
	}{
		{true, at.Add(time.Hour), ArticleDraft},
		{false, at.Add(-time.Second), ArticleScheduled},
		{false, at, ArticlePublished},
		{false, at.Add(time.Hour), ArticlePublished},
	} {
		if got := columnState(c.draft, at, c.now); got != c.want {
			t.Errorf("%+v: %s", c, got)
		}
	}
}

func TestColumnValidate(t *testing.T) {
	in, at, l := columnValidate(ArticleInput{Title: " 古田会议 ", PublishAt: "2021-12-21T07:00", Body: `<p onclick="x">正文</p><script>1</script>`})
	if len(l) > 0 || in.Title != "古田会议" || in.Body != "<p>正文</p>" || !at.Equal(time.Date(2021, 12, 21, 7, 0, 0, 0, clock.Zone)) {
		t.Fatalf("%+v %s %v", in, at, l)
	}
	if _, at, _ := columnValidate(ArticleInput{Title: "x", Body: "<p>x</p>", PublishAt: "2021-12-21T07:00:00+08:00"}); !at.Equal(time.Date(2021, 12, 20, 23, 0, 0, 0, time.UTC)) {
		t.Fatalf("RFC 3339 %s", at)
	}
	for _, c := range []struct {
		in     ArticleInput
		fields string
	}{
		{ArticleInput{}, "title publish_at body"},
		{ArticleInput{Title: "x", PublishAt: "明天", Body: "<script>only</script>"}, "publish_at body"},
		{ArticleInput{Title: strings.Repeat("字", 121), Author: strings.Repeat("名", 61), Source: strings.Repeat("源", 101), PublishAt: "1999-01-01 07:00", Body: "<p>x</p>"}, "title author source publish_at"},
		{ArticleInput{Title: "x", PublishAt: "2021-12-21 07:00", Body: strings.Repeat("x", columnMaxBody+1)}, "body"},
	} {
		_, _, l := columnValidate(c.in)
		var got []string
		for _, e := range l {
			got = append(got, e.Field)
		}
		if strings.Join(got, " ") != c.fields {
			t.Errorf("%.60v: fields %v, want %s", c.in, got, c.fields)
		}
	}
}

// The demo column: exactly 98 articles up to 2021-12-20 07:00 from
// 2021-09-14, then ten scheduled; about one a day.
func TestColumnDemoSchedule(t *testing.T) {
	s := columnDemoSchedule()
	if len(s) != 108 || len(columnDemoTopics) != 108 {
		t.Fatalf("%d times, %d topics", len(s), len(columnDemoTopics))
	}
	first, last := s[0].In(clock.Zone), s[97].In(clock.Zone)
	if first.Format("2006-01-02 15:04") != "2021-09-14 07:00" || last.Format("2006-01-02 15:04") != "2021-12-20 07:00" {
		t.Fatalf("first %s last %s", first, last)
	}
	for i := 1; i < len(s); i++ {
		if !s[i].After(s[i-1]) {
			t.Fatalf("not increasing at %d", i)
		}
	}
	if !s[98].After(columnDemoNow) {
		t.Fatal("the scheduled ones must be after the demo clock")
	}
	seen := map[string]bool{}
	for _, tp := range columnDemoTopics {
		if seen[tp.Title] {
			t.Fatalf("duplicate title %s", tp.Title)
		}
		seen[tp.Title] = true
	}
}
