package study

import (
	"time"

	"zhongshu/internal/platform/clock"
)

// The column 《党史天天学》: articles with a publish time (scheduled
// publishing by the injected clock), a sanitised rich-text body, read
// tracking (a read counts after a minimum time on the page) and the count
// of articles pushed to date ("已推送学习资料98篇").

// Article states, derived from the draft flag and the publish time.
const (
	ArticleDraft     = "draft"     // editors only
	ArticleScheduled = "scheduled" // editors only until its publish time
	ArticlePublished = "published" // every learner
)

// Article is one column article.
type Article struct {
	ID         int64      `json:"id"`
	Title      string     `json:"title"`
	Author     string     `json:"author"`
	Source     string     `json:"source"`
	PublishAt  time.Time  `json:"publish_at"`
	PublishDay string     `json:"publish_day"`
	Draft      bool       `json:"draft"`
	State      string     `json:"state"`
	Body       string     `json:"body,omitempty"` // sanitised HTML
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	PushedAt   *time.Time `json:"pushed_at,omitempty"`
	// The caller's read: when they opened it and when it counted.
	ReadStartedAt *time.Time `json:"read_started_at,omitempty"`
	ReadCountedAt *time.Time `json:"read_counted_at,omitempty"`
}

// Read reports a counted read (the tick on the list).
func (a Article) Read() bool { return a.ReadCountedAt != nil }

// ArticleInput is what an editor writes. PublishAt is a zone date-time
// "2021-12-21T07:00" (or RFC 3339).
type ArticleInput struct {
	Title     string `json:"title"`
	Author    string `json:"author"`
	Source    string `json:"source"`
	PublishAt string `json:"publish_at"`
	Draft     bool   `json:"draft"`
	Body      string `json:"body"`
}

// ArticleList is a page of the column.
type ArticleList struct {
	Items []Article `json:"items"`
	Total int       `json:"total"`
	Page  int       `json:"page"`
	View  string    `json:"view"` // published, scheduled, draft
	// Pushed is the number of articles published to date (the seed's
	// "已推送学习资料98篇"); ReadByMe the caller's counted reads.
	Pushed   int `json:"pushed"`
	ReadByMe int `json:"read_by_me"`
}

// ReadResult answers a "我已读完".
type ReadResult struct {
	ArticleID int64     `json:"article_id"`
	Counted   bool      `json:"counted"`
	Already   bool      `json:"already"` // counted before: nothing changed
	Points    int       `json:"points"`  // study points this read earned (0 when capped)
	CountedAt time.Time `json:"counted_at"`
}

// When is the publish time in the zone, to the minute.
func (a Article) When() string { return a.PublishAt.In(clock.Zone).Format("2006-01-02 15:04") }
