package study

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"

	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/errs"
)

// columnMinRead is the minimum reading time before a read counts
// (RULES.md §6: "article read (after the minimum reading time, default
// 60 s)").
const columnMinRead = 60 * time.Second

// columnPolicy is the article body's allow-list (bluemonday): paragraphs,
// headings h2–h4, emphasis, lists, quotations, links (rel=nofollow added)
// and images whose source is this site or a data: image — the CSP allows
// nothing else (img-src 'self' data:). Everything else is removed, with
// script and style content.
var columnPolicy = func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "h2", "h3", "h4", "strong", "em", "ul", "ol", "li", "blockquote")
	p.RequireParseableURLs(true)
	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowRelativeURLs(true)
	p.AllowDataURIImages()
	// a[href]: web and mail links, site paths and fragments; no data: or
	// protocol-relative links.
	p.AllowAttrs("href").Matching(regexp.MustCompile(`^(https?://|mailto:|/[^/\\]|/$|#)`)).OnElements("a")
	p.RequireNoFollowOnLinks(true)
	// img[src]: a same-site path or a base64 data: image only.
	p.AllowAttrs("src").Matching(regexp.MustCompile(`^(/[^/\\]|data:image/(png|jpeg|gif|webp);base64,)`)).OnElements("img")
	p.AllowAttrs("alt").Matching(regexp.MustCompile(`^[^<>]{0,200}$`)).OnElements("img")
	return p
}()

// columnSanitize cleans an article body.
func columnSanitize(html string) string { return strings.TrimSpace(columnPolicy.Sanitize(html)) }

// columnText is the visible text of a sanitised body (to refuse an empty
// one and to count its length).
func columnText(html string) string {
	return strings.TrimSpace(bluemonday.StrictPolicy().Sanitize(html))
}

// columnState derives an article's state at now.
func columnState(draft bool, publishAt, now time.Time) string {
	switch {
	case draft:
		return ArticleDraft
	case publishAt.After(now):
		return ArticleScheduled
	}
	return ArticlePublished
}

// columnReadWait is how long a reader must still stay before a read
// started at started counts (0 when it may count now). Whole seconds,
// rounded up, so "还需 1 秒" never shows as 0.
func columnReadWait(started, now time.Time, min time.Duration) int {
	left := min - now.Sub(started)
	if left <= 0 {
		return 0
	}
	return int((left + time.Second - 1) / time.Second)
}

// columnParseTime reads a publish time: "2006-01-02T15:04" (or with
// seconds, or a space instead of T) in the zone, or RFC 3339.
func columnParseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), true
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, clock.Zone); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// columnMaxBody bounds a body as written (before sanitising): about 200 KB,
// room for text and a few small inline images.
const columnMaxBody = 200_000

// validateArticle checks an editor's article and sanitises its body,
// naming every field at fault at once.
func columnValidate(in ArticleInput) (ArticleInput, time.Time, errs.List) {
	var l errs.List
	in.Title = strings.TrimSpace(in.Title)
	in.Author = strings.TrimSpace(in.Author)
	in.Source = strings.TrimSpace(in.Source)
	if in.Title == "" {
		l = append(l, errs.Field("title", "请填写标题", "write a title"))
	} else if n := utf8.RuneCountInString(in.Title); n > 120 {
		l = append(l, errs.Field("title", fmt.Sprintf("标题最多 120 字，现为 %d 字", n), fmt.Sprintf("the title may have at most 120 characters (has %d)", n)))
	}
	if n := utf8.RuneCountInString(in.Author); n > 60 {
		l = append(l, errs.Field("author", fmt.Sprintf("作者最多 60 字，现为 %d 字", n), fmt.Sprintf("the author may have at most 60 characters (has %d)", n)))
	}
	if n := utf8.RuneCountInString(in.Source); n > 100 {
		l = append(l, errs.Field("source", fmt.Sprintf("来源最多 100 字，现为 %d 字", n), fmt.Sprintf("the source may have at most 100 characters (has %d)", n)))
	}
	at, ok := columnParseTime(in.PublishAt)
	if !ok {
		l = append(l, errs.Field("publish_at", "发布时间须为 YYYY-MM-DD HH:MM（开发区时间）", "the publish time must be YYYY-MM-DD HH:MM (zone time)"))
	} else if at.Year() < 2000 || at.Year() > 2100 {
		l = append(l, errs.Field("publish_at", "发布时间须在 2000 至 2100 年之间", "the publish time must lie between 2000 and 2100"))
	}
	if len(in.Body) > columnMaxBody {
		l = append(l, errs.Field("body", fmt.Sprintf("正文过长：最多 %d 字节，现为 %d 字节", columnMaxBody, len(in.Body)), fmt.Sprintf("the body is too long: at most %d bytes (has %d)", columnMaxBody, len(in.Body))))
	} else {
		in.Body = columnSanitize(in.Body)
		if columnText(in.Body) == "" && !strings.Contains(in.Body, "<img") {
			l = append(l, errs.Field("body", "请填写正文（清除不安全的标记后正文为空）", "write the body (it is empty once unsafe markup is removed)"))
		}
	}
	return in, at, l
}
