package notify_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/mail"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/chain"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/jobs"
	"zhongshu/internal/platform/notify"
	"zhongshu/internal/platform/seal"
)

var sources = []db.Source{chain.Source(), audit.Source(), jobs.Source(), notify.Source()}

// 07:00 on the demo's first day: the morning sentence goes out.
var t0 = time.Date(2021, 12, 20, 7, 0, 0, 0, clock.Zone)

const (
	weKey     = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
	dingToken = "566cc69da782ec33e42541b09b08551f09fbe864eb8008112e994b43887"
	dingSec   = "SEC240d7bb4c0bafc62a6c8f1e8c1b2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0"
	smtpPass  = "Pa55word-for-mail!"
	alice     = "13800138000"
	bob       = "13912345678"
)

type env struct {
	t   *testing.T
	ctx context.Context
	d   *db.DB
	clk *clock.Fixed
	q   *jobs.Queue
	s   *notify.Service
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	keys, err := seal.New(bytes.Repeat([]byte{7}, seal.MasterKeySize))
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.At(t0)
	q := jobs.NewQueue(d, clk, nil)
	s := &notify.Service{
		DB: d, Seal: keys, Clock: clk, Queue: q,
		Audit: &audit.Log{DB: d, Seal: keys, Clock: clk},
		HTTP:  &http.Client{Timeout: 2 * time.Second},
	}
	s.Register()
	return &env{t: t, ctx: context.Background(), d: d, clk: clk, q: q, s: s}
}

func (e *env) channel(in notify.ChannelInput) int64 {
	e.t.Helper()
	if in.OwnerKind == "" {
		in.OwnerKind, in.OwnerID = notify.OwnerBranch, 3
	}
	if in.Name == "" {
		in.Name = in.Kind + " group"
	}
	id, err := e.s.CreateChannel(e.ctx, in)
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

func (e *env) post(ch int64, m notify.Message, dedupe string) int64 {
	e.t.Helper()
	id, err := e.s.Post(e.ctx, ch, m, dedupe)
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

func (e *env) run() int {
	e.t.Helper()
	n, err := e.q.RunDue(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

func (e *env) delivery(id int64) notify.Delivery {
	e.t.Helper()
	ds, _, err := e.s.Deliveries(e.ctx, "", 500, 0)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, d := range ds {
		if d.MessageID == id {
			return d
		}
	}
	e.t.Fatalf("message %d not in the delivery log", id)
	return notify.Delivery{}
}

func (e *env) attempts(id int64) []notify.Attempt {
	e.t.Helper()
	as, err := e.s.Attempts(e.ctx, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return as
}

func (e *env) count(table string) int {
	e.t.Helper()
	var n int
	if err := e.d.R.QueryRowContext(e.ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// dump returns every byte of every row of a table, to look for secrets.
func (e *env) dump(table string) []byte {
	e.t.Helper()
	rows, err := e.d.R.QueryContext(e.ctx, "SELECT * FROM "+table)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out bytes.Buffer
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			e.t.Fatal(err)
		}
		for _, v := range vals {
			switch v := v.(type) {
			case []byte:
				out.Write(v)
			default:
				fmt.Fprint(&out, v)
			}
			out.WriteByte(0)
		}
	}
	return out.Bytes()
}

// Text and markdown, with @-mentions, to each vendor: every payload passes
// the fake peer's check of the documented format.
func TestFormatsAndMentions(t *testing.T) {
	db.ForEach(t, sources, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		we := newFakeWeCom(t, e.clk, weKey)
		dt := newFakeDingTalk(t, e.clk, dingToken, dingSec)
		wc := e.channel(notify.ChannelInput{Kind: notify.KindWeCom, WebhookURL: we.url()})
		dc := e.channel(notify.ChannelInput{Kind: notify.KindDingTalk, WebhookURL: dt.url(), Secret: dingSec})

		msgs := []notify.Message{
			{Body: "学而时习之，不亦说乎？", Title: "每日一句"},
			{Kind: notify.Markdown, Title: "本周学习小结", Body: "## 本周\n- 打卡 **12** 人\n- 未打卡 3 人"},
			{Body: "今晚 21:00 前请完成打卡", Mentions: []string{alice, "+86 139-1234-5678"}},
			{Kind: notify.Markdown, Title: "打卡提醒", Body: "**今晚**请完成打卡", Mentions: []string{alice}},
			{Body: "全体注意", Mentions: []string{notify.MentionAll}},
		}
		for _, m := range msgs {
			e.post(wc, m, "")
			e.post(dc, m, "")
		}
		if n := e.run(); n != 2*len(msgs) {
			t.Fatalf("ran %d jobs, want %d", n, 2*len(msgs))
		}
		wm, dm := we.messages(), dt.messages()
		if len(wm) != len(msgs) || len(dm) != len(msgs) {
			t.Fatalf("peers got %d WeCom and %d DingTalk messages, want %d each", len(wm), len(dm), len(msgs))
		}
		// WeCom
		if wm[0].MsgType != "text" || *wm[0].Text.Content != "每日一句\n学而时习之，不亦说乎？" {
			t.Errorf("wecom text: %+v", wm[0])
		}
		if wm[1].MsgType != "markdown" || !strings.Contains(*wm[1].Markdown.Content, "- 打卡 **12** 人") {
			t.Errorf("wecom markdown: %+v", wm[1])
		}
		if got := strings.Join(wm[2].Text.MentionedMobileList, ","); got != alice+","+bob {
			t.Errorf("wecom mentioned_mobile_list = %s", got)
		}
		// WeCom markdown cannot @ by mobile: a markdown message with mentions goes as text.
		if wm[3].MsgType != "text" || strings.Join(wm[3].Text.MentionedMobileList, ",") != alice {
			t.Errorf("wecom markdown with mentions: %+v", wm[3])
		}
		if strings.Join(wm[4].Text.MentionedMobileList, ",") != "@all" {
			t.Errorf("wecom @all: %+v", wm[4].Text)
		}
		// DingTalk
		if dm[0].MsgType != "text" || *dm[0].Text.Content != "每日一句\n学而时习之，不亦说乎？" || dm[0].At != nil {
			t.Errorf("dingtalk text: %+v", dm[0])
		}
		if dm[1].MsgType != "markdown" || *dm[1].Markdown.Title != "本周学习小结" {
			t.Errorf("dingtalk markdown: %+v", dm[1])
		}
		if dm[2].At == nil || strings.Join(dm[2].At.AtMobiles, ",") != alice+","+bob ||
			!strings.Contains(*dm[2].Text.Content, "@"+alice) || !strings.Contains(*dm[2].Text.Content, "@"+bob) {
			t.Errorf("dingtalk mentions: %+v %q", dm[2].At, *dm[2].Text.Content)
		}
		if dm[3].MsgType != "markdown" || !strings.Contains(*dm[3].Markdown.Text, "@"+alice) {
			t.Errorf("dingtalk markdown mentions: %+v", dm[3])
		}
		if dm[4].At == nil || !dm[4].At.IsAtAll || len(dm[4].At.AtMobiles) != 0 {
			t.Errorf("dingtalk @all: %+v", dm[4].At)
		}
		ds, total, err := e.s.Deliveries(e.ctx, notify.Sent, 100, 0)
		if err != nil || total != 2*len(msgs) || len(ds) != total {
			t.Fatalf("sent deliveries: %d of %d, %v", len(ds), total, err)
		}
		for _, d := range ds {
			if d.Attempts != 1 || d.LastStatus != 200 || d.SentAt == nil || !strings.Contains(d.LastResponse, `"errcode":0`) {
				t.Errorf("delivery %+v", d)
			}
		}
		chs, _ := e.s.Channels(e.ctx)
		for _, c := range chs {
			if c.LastState != notify.StateOK {
				t.Errorf("channel %s state %q, want ok", c.Name, c.LastState)
			}
		}
	})
}

// Content is cut to the vendor's byte limit on a UTF-8 boundary, with "…",
// and DingTalk keeps the @mobiles after the cut.
func TestTruncation(t *testing.T) {
	db.ForEach(t, sources, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		we := newFakeWeCom(t, e.clk, weKey)
		dt := newFakeDingTalk(t, e.clk, dingToken, "")
		wc := e.channel(notify.ChannelInput{Kind: notify.KindWeCom, WebhookURL: we.url()})
		dc := e.channel(notify.ChannelInput{Kind: notify.KindDingTalk, WebhookURL: dt.url()})
		long := strings.Repeat("不忘初心，牢记使命。", 300) // 9000 bytes
		e.post(wc, notify.Message{Body: long}, "")
		e.post(wc, notify.Message{Kind: notify.Markdown, Body: long}, "")
		e.post(dc, notify.Message{Body: long, Mentions: []string{alice}}, "")
		e.run()
		wm, dm := we.messages(), dt.messages()
		if len(wm) != 2 || len(dm) != 1 {
			t.Fatalf("got %d/%d messages", len(wm), len(dm))
		}
		for _, c := range []struct {
			s   string
			max int
		}{{*wm[0].Text.Content, 2048}, {*wm[1].Markdown.Content, 4096}} {
			if len(c.s) > c.max || len(c.s) < c.max-3 || !utf8.ValidString(c.s) || !strings.HasSuffix(c.s, "…") {
				t.Errorf("truncated to %d bytes (limit %d), valid %v", len(c.s), c.max, utf8.ValidString(c.s))
			}
		}
		if s := *dm[0].Text.Content; len(s) > 4096 || !strings.HasSuffix(s, "@"+alice) || !strings.Contains(s, "…") {
			t.Errorf("dingtalk truncation lost the mention or the limit: %d bytes, tail %q", len(s), s[len(s)-20:])
		}
	})
}

// A robot failing twice (HTTP 500) and then answering: exactly one
// delivered message, three attempts logged, the clock stepped by the
// queue's backoff between runs.
func TestRetryThenSuccess(t *testing.T) {
	db.ForEach(t, sources, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		we := newFakeWeCom(t, e.clk, weKey)
		we.script = func(n int) (int, bool) {
			if n < 2 {
				return http.StatusInternalServerError, false
			}
			return 0, false
		}
		ch := e.channel(notify.ChannelInput{Kind: notify.KindWeCom, WebhookURL: we.url()})
		id := e.post(ch, notify.Message{Body: "今日一句"}, "")
		e.run()
		if got := e.delivery(id); got.State != notify.Queued || got.Attempts != 1 || got.LastStatus != 500 {
			t.Fatalf("after the first 500: %+v", got)
		}
		e.clk.Advance(jobs.DefaultBackoff(1) - time.Second)
		if n := e.run(); n != 0 {
			t.Fatalf("retried %d before the backoff elapsed", n)
		}
		e.clk.Advance(time.Second)
		e.run()
		e.clk.Advance(jobs.DefaultBackoff(2))
		e.run()
		e.clk.Advance(time.Hour)
		e.run()
		if n := len(we.messages()); n != 1 {
			t.Fatalf("peer got %d messages, want exactly 1", n)
		}
		got := e.delivery(id)
		if got.State != notify.Sent || got.Attempts != 3 || got.LastStatus != 200 {
			t.Fatalf("delivery %+v", got)
		}
		as := e.attempts(id)
		if len(as) != 3 || as[0].Status != 500 || as[1].Status != 500 || as[2].Status != 200 || as[2].Error != "" || !strings.Contains(as[0].Error, "HTTP 500") {
			t.Fatalf("attempts %+v", as)
		}
		if !as[1].At.Equal(t0.Add(jobs.DefaultBackoff(1))) || !as[2].At.Equal(t0.Add(jobs.DefaultBackoff(1)+jobs.DefaultBackoff(2))) {
			t.Errorf("attempt times %v %v %v", as[0].At, as[1].At, as[2].At)
		}
	})
}

// Every attempt failing: after the last one the message is failed and the
// channel shows as failing on the dashboard.
func TestRetriesExhausted(t *testing.T) {
	db.ForEach(t, sources, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		we := newFakeWeCom(t, e.clk, weKey)
		we.script = func(int) (int, bool) { return http.StatusBadGateway, false }
		ch := e.channel(notify.ChannelInput{Kind: notify.KindWeCom, WebhookURL: we.url()})
		id := e.post(ch, notify.Message{Body: "今日一句"}, "")
		for i := 1; i <= notify.MaxAttempts; i++ {
			e.run()
			if i < notify.MaxAttempts {
				if got := e.delivery(id).State; got != notify.Queued {
					t.Fatalf("after attempt %d: state %s", i, got)
				}
				if f, _ := e.s.FailingChannels(e.ctx); len(f) != 0 {
					t.Fatalf("channel failing after attempt %d of %d", i, notify.MaxAttempts)
				}
			}
			e.clk.Advance(jobs.DefaultBackoff(i))
		}
		e.run()
		got := e.delivery(id)
		if got.State != notify.Failed || got.Attempts != notify.MaxAttempts || got.SentAt != nil {
			t.Fatalf("delivery %+v", got)
		}
		if we.requests() != notify.MaxAttempts {
			t.Fatalf("peer saw %d requests", we.requests())
		}
		f, err := e.s.FailingChannels(e.ctx)
		if err != nil || len(f) != 1 || f[0].ID != ch || !strings.Contains(f[0].LastError, "HTTP 502") {
			t.Fatalf("failing channels %+v %v", f, err)
		}
	})
}

// A bad DingTalk signature: errcode 310000, the message fails permanently
// after one attempt. So does a timestamp more than an hour off.
func TestBadSignature(t *testing.T) {
	db.ForEach(t, sources, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		dt := newFakeDingTalk(t, e.clk, dingToken, dingSec)
		bad := e.channel(notify.ChannelInput{Kind: notify.KindDingTalk, Name: "wrong secret", WebhookURL: dt.url(), Secret: "SECnot-the-right-one"})
		skewed := newFakeDingTalk(t, clock.At(t0.Add(61*time.Minute)), dingToken, dingSec)
		late := e.channel(notify.ChannelInput{Kind: notify.KindDingTalk, Name: "skewed clock", WebhookURL: skewed.url(), Secret: dingSec})
		id1 := e.post(bad, notify.Message{Body: "今日一句"}, "")
		id2 := e.post(late, notify.Message{Body: "今日一句"}, "")
		e.run()
		e.clk.Advance(24 * time.Hour)
		e.run()
		for _, id := range []int64{id1, id2} {
			got := e.delivery(id)
			if got.State != notify.Failed || got.Attempts != 1 || !strings.Contains(got.LastResponse, "310000") || !strings.Contains(got.LastError, "310000") {
				t.Errorf("delivery %+v", got)
			}
		}
		if dt.requests() != 1 || skewed.requests() != 1 {
			t.Errorf("peers saw %d and %d requests, want 1 each", dt.requests(), skewed.requests())
		}
		f, _ := e.s.FailingChannels(e.ctx)
		if len(f) != 2 {
			t.Errorf("failing channels %+v", f)
		}
		var state string
		var attempt int
		if err := d.R.QueryRowContext(e.ctx, `SELECT state, attempt FROM jobs WHERE kind = 'notify.deliver' ORDER BY id LIMIT 1`).Scan(&state, &attempt); err != nil || state != jobs.StateDead || attempt != 1 {
			t.Errorf("job %s after %d attempts (%v), want dead after 1", state, attempt, err)
		}
	})
}

// A robot that hangs past the client timeout: the try is abandoned and
// retried, and the error logged carries no key.
func TestTimeoutRetried(t *testing.T) {
	db.ForEach(t, sources, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.s.HTTP = &http.Client{Timeout: 200 * time.Millisecond}
		we := newFakeWeCom(t, e.clk, weKey)
		we.script = func(n int) (int, bool) { return 0, n == 0 }
		ch := e.channel(notify.ChannelInput{Kind: notify.KindWeCom, WebhookURL: we.url()})
		id := e.post(ch, notify.Message{Body: "今日一句"}, "")
		e.run()
		as := e.attempts(id)
		if len(as) != 1 || as[0].Status != 0 || !strings.Contains(as[0].Error, "Timeout") {
			t.Fatalf("attempts after the hang: %+v", as)
		}
		e.clk.Advance(jobs.DefaultBackoff(1))
		e.run()
		if got := e.delivery(id); got.State != notify.Sent || got.Attempts != 2 {
			t.Fatalf("delivery %+v", got)
		}
		if len(we.messages()) != 1 {
			t.Fatalf("peer accepted %d messages", len(we.messages()))
		}
		for _, table := range []string{"delivery_attempts", "messages", "jobs", "channels"} {
			if bytes.Contains(e.dump(table), []byte(weKey)) {
				t.Errorf("the robot key is in %s", table)
			}
		}
	})
}

// 21 messages within a minute to one robot: the 21st waits (snoozed, not
// sent) until the window frees, and the peer never sees more than 20 in any
// 60 s (it fails the test itself if it does).
func TestThrottle(t *testing.T) {
	db.ForEach(t, sources, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		we := newFakeWeCom(t, e.clk, weKey)
		ch := e.channel(notify.ChannelInput{Kind: notify.KindWeCom, WebhookURL: we.url()})
		var ids []int64
		for i := 0; i < 21; i++ {
			ids = append(ids, e.post(ch, notify.Message{Body: fmt.Sprintf("第 %d 条", i+1)}, ""))
			e.clk.Advance(time.Second)
		}
		e.run()
		if n := we.requests(); n != 20 {
			t.Fatalf("peer saw %d requests in the first minute, want 20", n)
		}
		last := e.delivery(ids[20])
		if last.State != notify.Queued || last.Attempts != 0 {
			t.Fatalf("21st message: %+v", last)
		}
		// The twenty went out at t0+21s; they leave the window 60 s (+1 s margin) later.
		e.clk.Set(t0.Add(80 * time.Second))
		e.run()
		if n := we.requests(); n != 20 {
			t.Fatalf("sent before the window freed: %d", n)
		}
		e.clk.Set(t0.Add(90 * time.Second))
		e.run()
		if n := we.requests(); n != 21 {
			t.Fatalf("peer saw %d requests after the window, want 21", n)
		}
		if got := e.delivery(ids[20]); got.State != notify.Sent || got.Attempts != 1 {
			t.Fatalf("21st message: %+v", got)
		}
	})
}

// The vendor's own rate-limit answer snoozes the message for a minute
// without using up an attempt.
func TestVendorRateLimitSnoozes(t *testing.T) {
	db.ForEach(t, sources, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		we := newFakeWeCom(t, e.clk, weKey)
		ch := e.channel(notify.ChannelInput{Kind: notify.KindWeCom, WebhookURL: we.url()})
		// Another system shares the robot and has used up its minute.
		we.shared = true
		for i := 0; i < 20; i++ {
			we.arrive()
		}
		id := e.post(ch, notify.Message{Body: "今日一句"}, "")
		e.run()
		got := e.delivery(id)
		if got.State != notify.Queued || !strings.Contains(got.LastResponse, "45009") {
			t.Fatalf("after 45009: %+v", got)
		}
		e.clk.Advance(time.Minute)
		e.run()
		got = e.delivery(id)
		if got.State != notify.Sent || got.Attempts != 2 {
			t.Fatalf("after the minute: %+v", got)
		}
		var attempt int
		if err := d.R.QueryRowContext(e.ctx, `SELECT attempt FROM jobs WHERE kind = 'notify.deliver'`).Scan(&attempt); err != nil || attempt != 1 {
			t.Errorf("job attempt %d (%v): the rate-limited try should not count", attempt, err)
		}
	})
}

// A Post inside a transaction that rolls back leaves nothing: no message,
// no job, nothing sent.
func TestRolledBackPostSendsNothing(t *testing.T) {
	db.ForEach(t, sources, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		we := newFakeWeCom(t, e.clk, weKey)
		ch := e.channel(notify.ChannelInput{Kind: notify.KindWeCom, WebhookURL: we.url()})
		boom := errors.New("the check-in failed validation")
		err := d.InTx(e.ctx, func(ctx context.Context, tx *db.Tx) error {
			if _, err := e.s.Post(ctx, ch, notify.Message{Body: "打卡成功"}, ""); err != nil {
				return err
			}
			if _, err := e.s.PostTo(ctx, notify.OwnerBranch, 3, notify.Message{Body: "打卡成功"}, "x"); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		e.clk.Advance(time.Hour)
		if n := e.run(); n != 0 {
			t.Fatalf("%d jobs ran", n)
		}
		if e.count("messages") != 0 || e.count("jobs") != 0 || we.requests() != 0 {
			t.Fatalf("left behind: %d messages, %d jobs, %d requests", e.count("messages"), e.count("jobs"), we.requests())
		}
	})
}

// A dedupe key posted twice gives one message, one delivery.
func TestDedupe(t *testing.T) {
	db.ForEach(t, sources, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		we := newFakeWeCom(t, e.clk, weKey)
		ch := e.channel(notify.ChannelInput{Kind: notify.KindWeCom, WebhookURL: we.url()})
		e.channel(notify.ChannelInput{Kind: notify.KindWeCom, Name: "second robot", WebhookURL: we.url()})
		off := e.channel(notify.ChannelInput{Kind: notify.KindWeCom, Name: "disabled robot", WebhookURL: we.url()})
		if err := e.s.SetEnabled(e.ctx, off, false); err != nil {
			t.Fatal(err)
		}
		key := "study.sentence/branch/3/2021-12-20"
		a := e.post(ch, notify.Message{Body: "学而时习之"}, key)
		b := e.post(ch, notify.Message{Body: "学而时习之"}, key)
		if a != b {
			t.Fatalf("second Post made message %d, first was %d", b, a)
		}
		ids1, err := e.s.PostTo(e.ctx, notify.OwnerBranch, 3, notify.Message{Body: "晚间提醒"}, "study.remind/branch/3/2021-12-20")
		if err != nil {
			t.Fatal(err)
		}
		ids2, err := e.s.PostTo(e.ctx, notify.OwnerBranch, 3, notify.Message{Body: "晚间提醒"}, "study.remind/branch/3/2021-12-20")
		if err != nil {
			t.Fatal(err)
		}
		if len(ids1) != 2 || fmt.Sprint(ids1) != fmt.Sprint(ids2) {
			t.Fatalf("PostTo ids %v then %v, want the same two (disabled channel skipped)", ids1, ids2)
		}
		if _, err := e.s.Post(e.ctx, off, notify.Message{Body: "x"}, ""); errs.KindOf(err) != errs.Conflict {
			t.Errorf("Post to a disabled channel: %v", err)
		}
		if n := e.count("messages"); n != 3 {
			t.Fatalf("%d messages, want 3", n)
		}
		e.run()
		if n := we.requests(); n != 3 {
			t.Fatalf("peer saw %d requests, want 3", n)
		}
		// A re-run of a sent message's job (say an admin retries it) sends nothing.
		if _, err := d.W.ExecContext(e.ctx, `UPDATE jobs SET state = 'available'`); err != nil {
			t.Fatal(err)
		}
		e.run()
		if n := we.requests(); n != 3 {
			t.Fatalf("a sent message went out again: %d requests", n)
		}
	})
}

// Secrets are sealed: the raw channel rows hold neither the robot key, nor
// the DingTalk secret, nor the SMTP password, nor do the audit log and the
// lists; the mentioned mobiles are sealed in the message row.
func TestSecretsAtRest(t *testing.T) {
	db.ForEach(t, sources, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.channel(notify.ChannelInput{Kind: notify.KindWeCom, WebhookURL: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + weKey})
		dc := e.channel(notify.ChannelInput{Kind: notify.KindDingTalk, WebhookURL: "https://oapi.dingtalk.com/robot/send?access_token=" + dingToken, Secret: dingSec})
		e.channel(notify.ChannelInput{Kind: notify.KindEmail, SMTPHost: "smtp.example.cn", SMTPUser: "dangwei", SMTPPassword: smtpPass,
			From: "中枢 <zhongshu@example.cn>", To: []string{"a@example.cn", "b@example.cn"}})
		e.post(dc, notify.Message{Body: "提醒", Mentions: []string{alice}}, "")
		raw := e.dump("channels")
		for _, secret := range []string{weKey, dingToken, dingSec, smtpPass} {
			for _, table := range []string{"channels", "audit_log", "jobs"} {
				if bytes.Contains(e.dump(table), []byte(secret)) {
					t.Errorf("%s holds %q in clear", table, secret)
				}
			}
		}
		if !bytes.Contains(raw, []byte("smtp.example.cn")) {
			t.Errorf("the masked target is missing from the row")
		}
		if bytes.Contains(e.dump("messages"), []byte(alice)) {
			t.Errorf("a mentioned mobile is in clear in messages")
		}
		chs, err := e.s.Channels(e.ctx)
		if err != nil || len(chs) != 3 {
			t.Fatal(chs, err)
		}
		want := map[string]string{
			notify.KindWeCom:    "qyapi.weixin.qq.com key=****5aaa",
			notify.KindDingTalk: "oapi.dingtalk.com access_token=****3887 (加签/signed)",
			notify.KindEmail:    "smtp.example.cn:587 → a@example.cn, b@example.cn",
		}
		for _, c := range chs {
			if c.Target != want[c.Kind] {
				t.Errorf("%s target %q, want %q", c.Kind, c.Target, want[c.Kind])
			}
		}
		var n int
		if err := d.R.QueryRowContext(e.ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'channels.create'`).Scan(&n); err != nil || n != 3 {
			t.Errorf("%d channels.create audit entries (%v)", n, err)
		}
	})
}

// Bad channel input is refused field by field, in both languages.
func TestChannelValidation(t *testing.T) {
	d := db.OpenTestSQLite(t, sources)
	e := newEnv(t, d)
	cases := []struct {
		name  string
		in    notify.ChannelInput
		field string
	}{
		{"plain http", notify.ChannelInput{OwnerKind: notify.OwnerZone, Name: "x", Kind: notify.KindWeCom, WebhookURL: "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"}, "webhook_url"},
		{"wecom without key", notify.ChannelInput{OwnerKind: notify.OwnerZone, Name: "x", Kind: notify.KindWeCom, WebhookURL: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"}, "webhook_url"},
		{"dingtalk url as wecom", notify.ChannelInput{OwnerKind: notify.OwnerZone, Name: "x", Kind: notify.KindWeCom, WebhookURL: "https://oapi.dingtalk.com/robot/send?access_token=t"}, "webhook_url"},
		{"dingtalk without token", notify.ChannelInput{OwnerKind: notify.OwnerZone, Name: "x", Kind: notify.KindDingTalk, WebhookURL: "https://oapi.dingtalk.com/robot/send?key=t"}, "webhook_url"},
		{"no recipients", notify.ChannelInput{OwnerKind: notify.OwnerZone, Name: "x", Kind: notify.KindEmail, SMTPHost: "smtp.x.cn", From: "a@x.cn"}, "to"},
		{"bad recipient", notify.ChannelInput{OwnerKind: notify.OwnerZone, Name: "x", Kind: notify.KindEmail, SMTPHost: "smtp.x.cn", From: "a@x.cn", To: []string{"not an address"}}, "to"},
		{"bad sender", notify.ChannelInput{OwnerKind: notify.OwnerZone, Name: "x", Kind: notify.KindEmail, SMTPHost: "smtp.x.cn", From: "nobody", To: []string{"a@x.cn"}}, "from"},
		{"no host", notify.ChannelInput{OwnerKind: notify.OwnerZone, Name: "x", Kind: notify.KindEmail, From: "a@x.cn", To: []string{"a@x.cn"}}, "smtp_host"},
		{"branch without id", notify.ChannelInput{OwnerKind: notify.OwnerBranch, Name: "x", Kind: notify.KindWeCom, WebhookURL: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"}, "owner_id"},
		{"unknown kind", notify.ChannelInput{OwnerKind: notify.OwnerZone, Name: "x", Kind: "sms"}, "kind"},
		{"no name", notify.ChannelInput{OwnerKind: notify.OwnerZone, Kind: notify.KindWeCom, WebhookURL: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"}, "name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.s.CreateChannel(e.ctx, c.in)
			var l errs.List
			if !errors.As(err, &l) {
				t.Fatalf("err = %v, want a field list", err)
			}
			found := false
			for _, fe := range l {
				if fe.Field == c.field {
					found = true
					if fe.Zh == "" || fe.En == "" {
						t.Errorf("message missing a language: %+v", fe)
					}
				}
			}
			if !found {
				t.Errorf("no error on %s: %v", c.field, err)
			}
		})
	}
	if n := e.count("channels"); n != 0 {
		t.Fatalf("%d channels saved from bad input", n)
	}
	// A DingTalk URL pasted with a stale signature keeps only the token.
	id, err := e.s.CreateChannel(e.ctx, notify.ChannelInput{OwnerKind: notify.OwnerZone, Name: "ok", Kind: notify.KindDingTalk,
		WebhookURL: "https://oapi.dingtalk.com/robot/send?access_token=abcdefgh1234&timestamp=1&sign=x"})
	if err != nil || id == 0 {
		t.Fatal(err)
	}
	if _, err := e.s.CreateChannel(e.ctx, notify.ChannelInput{OwnerKind: notify.OwnerZone, Name: "ok", Kind: notify.KindDingTalk,
		WebhookURL: "https://oapi.dingtalk.com/robot/send?access_token=abcdefgh1234"}); errs.KindOf(err) != errs.Conflict {
		t.Errorf("duplicate name: %v", err)
	}
	if _, err := e.s.Post(e.ctx, id, notify.Message{Body: "x", Mentions: []string{"12345"}}, ""); err == nil {
		t.Errorf("a malformed mention was accepted")
	}
	if _, err := e.s.Post(e.ctx, id, notify.Message{Body: "  "}, ""); err == nil {
		t.Errorf("an empty body was accepted")
	}
	if _, err := e.s.Post(e.ctx, 999, notify.Message{Body: "x"}, ""); errs.KindOf(err) != errs.NotFound {
		t.Errorf("unknown channel: %v", err)
	}
}

// E-mail through a local SMTP server: STARTTLS (self-signed certificate
// trusted through RootCAs), AUTH PLAIN inside TLS, the UTF-8 subject
// B-encoded and the body intact.
func TestEmail(t *testing.T) {
	db.ForEach(t, sources, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		srv, pool := newFakeSMTP(t, "dangwei", smtpPass)
		e.s.RootCAs = pool
		ch := e.channel(notify.ChannelInput{Kind: notify.KindEmail, SMTPHost: "127.0.0.1", SMTPPort: srv.port(),
			SMTPUser: "dangwei", SMTPPassword: smtpPass, From: "zhongshu@example.cn", To: []string{"shuji@example.cn", "zuzhi@example.cn"}})
		title := "本周学习小结（12月第3周）"
		body := "各支部：\n本周打卡率 92%。\n.以点开头的一行\n— 中枢"
		id := e.post(ch, notify.Message{Kind: notify.Markdown, Title: title, Body: body}, "")
		e.run()
		got := srv.received()
		if len(got) != 1 {
			t.Fatalf("server received %d mails", len(got))
		}
		m := got[0]
		if !m.TLS || !m.Authed || m.From != "zhongshu@example.cn" || strings.Join(m.To, ",") != "shuji@example.cn,zuzhi@example.cn" {
			t.Fatalf("envelope %+v", m)
		}
		msg, err := mail.ReadMessage(strings.NewReader(m.Data))
		if err != nil {
			t.Fatal(err)
		}
		rawSubj := msg.Header.Get("Subject")
		if !strings.HasPrefix(rawSubj, "=?UTF-8?b?") {
			t.Errorf("subject not B-encoded: %q", rawSubj)
		}
		subj, err := new(mime.WordDecoder).DecodeHeader(rawSubj)
		if err != nil || subj != title {
			t.Errorf("subject %q (%v), want %q", subj, err, title)
		}
		if ct := msg.Header.Get("Content-Type"); ct != "text/plain; charset=UTF-8" {
			t.Errorf("Content-Type %q", ct)
		}
		b64, _ := io.ReadAll(msg.Body)
		plain, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(string(b64), "\r\n", ""))
		if err != nil || string(plain) != strings.ReplaceAll(body, "\n", "\r\n") {
			t.Errorf("body %q (%v)", plain, err)
		}
		if got := e.delivery(id); got.State != notify.Sent || got.LastStatus != 250 {
			t.Errorf("delivery %+v", got)
		}
		// A wrong password is a 535: permanent, one attempt.
		bad := e.channel(notify.ChannelInput{Kind: notify.KindEmail, Name: "wrong password", SMTPHost: "127.0.0.1", SMTPPort: srv.port(),
			SMTPUser: "dangwei", SMTPPassword: "nope", From: "zhongshu@example.cn", To: []string{"shuji@example.cn"}})
		id2 := e.post(bad, notify.Message{Body: "x"}, "")
		e.run()
		if got := e.delivery(id2); got.State != notify.Failed || got.Attempts != 1 || got.LastStatus != 535 {
			t.Errorf("wrong password: %+v", got)
		}
	})
}

// A channel's test message goes out and is audited.
func TestSendTest(t *testing.T) {
	db.ForEach(t, sources, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		we := newFakeWeCom(t, e.clk, weKey)
		ch := e.channel(notify.ChannelInput{Kind: notify.KindWeCom, WebhookURL: we.url()})
		id, err := e.s.SendTest(e.ctx, ch)
		if err != nil {
			t.Fatal(err)
		}
		e.run()
		if got := e.delivery(id); got.State != notify.Sent || got.Title != "中枢测试消息 / Zhongshu test message" {
			t.Errorf("test delivery %+v", got)
		}
		if ms := we.messages(); len(ms) != 1 || !strings.HasPrefix(*ms[0].Text.Content, "中枢测试消息 / Zhongshu test message\n") {
			t.Errorf("peer got %+v", ms)
		}
	})
}

// The bell: Notify, Unread, Inbox, MarkRead — and nobody marks another's.
func TestInApp(t *testing.T) {
	db.ForEach(t, sources, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		const zhang, li = 11, 12
		for i := 0; i < 3; i++ {
			if err := e.s.Notify(e.ctx, zhang, fmt.Sprintf("待办 %d", i+1), "请查看", "/study/today"); err != nil {
				t.Fatal(err)
			}
			e.clk.Advance(time.Minute)
		}
		if err := e.s.Notify(e.ctx, li, "村务公开待审核", "", "/village/disclosures/3"); err != nil {
			t.Fatal(err)
		}
		for _, link := range []string{"https://evil.example/", "//evil.example/", "javascript:alert(1)"} {
			if err := e.s.Notify(e.ctx, zhang, "x", "", link); err == nil {
				t.Errorf("link %q accepted", link)
			}
		}
		// A notice in a rolled-back transaction never appears.
		_ = d.InTx(e.ctx, func(ctx context.Context, tx *db.Tx) error {
			if err := e.s.Notify(ctx, zhang, "回滚", "", ""); err != nil {
				return err
			}
			return errors.New("rollback")
		})
		if n, _ := e.s.Unread(e.ctx, zhang); n != 3 {
			t.Fatalf("unread %d, want 3", n)
		}
		inbox, err := e.s.Inbox(e.ctx, zhang, 10)
		if err != nil || len(inbox) != 3 || inbox[0].Title != "待办 3" || inbox[0].ReadAt != nil || inbox[0].Link != "/study/today" {
			t.Fatalf("inbox %+v %v", inbox, err)
		}
		liBox, _ := e.s.Inbox(e.ctx, li, 10)
		// Li cannot mark Zhang's notification, and learns nothing about it.
		if err := e.s.MarkRead(e.ctx, li, inbox[0].ID); errs.KindOf(err) != errs.NotFound {
			t.Fatalf("another user's MarkRead: %v", err)
		}
		if n, _ := e.s.Unread(e.ctx, zhang); n != 3 {
			t.Fatalf("unread %d after another user's MarkRead", n)
		}
		if err := e.s.MarkRead(e.ctx, zhang, inbox[0].ID); err != nil {
			t.Fatal(err)
		}
		if err := e.s.MarkRead(e.ctx, zhang, inbox[0].ID); err != nil {
			t.Fatalf("marking twice: %v", err)
		}
		if n, _ := e.s.Unread(e.ctx, zhang); n != 2 {
			t.Fatalf("unread %d, want 2", n)
		}
		if err := e.s.MarkRead(e.ctx, zhang, 0); err != nil {
			t.Fatal(err)
		}
		if n, _ := e.s.Unread(e.ctx, zhang); n != 0 {
			t.Fatalf("unread %d after mark all", n)
		}
		if n, _ := e.s.Unread(e.ctx, li); n != 1 || len(liBox) != 1 {
			t.Fatalf("mark-all touched another user: li unread %d", n)
		}
		inbox, _ = e.s.Inbox(e.ctx, zhang, 10)
		if inbox[2].ReadAt == nil || !inbox[2].ReadAt.Equal(t0.Add(3*time.Minute)) {
			t.Errorf("read_at %v", inbox[2].ReadAt)
		}
	})
}
