// Package notify is how Zhongshu speaks to people outside a page view: the
// in-app bell, WeCom (企业微信) and DingTalk (钉钉) group robots, and e-mail.
// The daily rhythm — a sentence every morning in each branch's work group,
// an evening reminder that @-mentions who has not checked in, a weekly
// summary — goes out through it.
//
// The room holds the channel register (each branch, department and village
// can have its own robots and mailboxes; keys and passwords sealed at rest
// and never shown again in full), the outbox (a message row plus its
// delivery job, committed in the caller's transaction, so a rolled-back
// action sends nothing), the delivery handler (vendor formats, per-robot
// throttling, retries through the jobs queue), and the delivery log that
// admins read and the dashboard's "failing channel" flag comes from.
package notify

import (
	"time"
)

// Channel kinds.
const (
	KindWeCom    = "wecom"
	KindDingTalk = "dingtalk"
	KindEmail    = "email"
)

// Channel owners: the organisation whose group or mailbox a channel reaches.
// The zone's own channels have owner id 0.
const (
	OwnerZone       = "zone"
	OwnerBranch     = "branch"
	OwnerDepartment = "department"
	OwnerVillage    = "village"
)

// Channel states, as the dashboard reads them: "" never used, "ok" the last
// message went through, "failing" the last message gave up.
const (
	StateOK      = "ok"
	StateFailing = "failing"
)

// Message states in the delivery log.
const (
	Queued = "queued"
	Sent   = "sent"
	Failed = "failed"
)

// Message kinds.
const (
	Text     = "text"
	Markdown = "markdown"
)

// MentionAll in Message.Mentions @-mentions the whole group (WeCom's "@all",
// DingTalk's isAtAll).
const MentionAll = "@all"

// JobKind is the jobs-queue kind of a message's delivery.
const JobKind = "notify.deliver"

// MaxAttempts is how many times a delivery is tried before the message is
// marked failed. With the queue's backoff this spans well over an hour, so a
// vendor outage of a few minutes loses nothing.
const MaxAttempts = 8

// Channel is a registered robot or mailbox, as lists show it: secrets are
// never part of it, only a masked Target.
type Channel struct {
	ID        int64      `json:"id"`
	OwnerKind string     `json:"owner_kind"`
	OwnerID   int64      `json:"owner_id"`
	Kind      string     `json:"kind"`
	Name      string     `json:"name"`
	Target    string     `json:"target"` // masked: host + last 4 of the key, or SMTP host and recipients
	Enabled   bool       `json:"enabled"`
	LastState string     `json:"last_state"` // "", "ok", "failing"
	LastError string     `json:"last_error"`
	LastAt    *time.Time `json:"last_at,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
}

// ChannelInput is what an admin enters to register a channel. The secret
// parts (the robot URL's key or access_token, Secret, SMTPPassword) are
// sealed on save and cannot be read back.
type ChannelInput struct {
	OwnerKind string `json:"owner_kind"`
	OwnerID   int64  `json:"owner_id"`
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	// WebhookURL is the full robot URL including key= (WeCom) or
	// access_token= (DingTalk), as the vendor's robot settings page shows it.
	WebhookURL string `json:"webhook_url"`
	// Secret is the DingTalk "加签" secret (SEC…), if the robot uses signing.
	Secret       string   `json:"secret"`
	SMTPHost     string   `json:"smtp_host"`
	SMTPPort     int      `json:"smtp_port"` // default 587; 465 means implicit TLS
	SMTPUser     string   `json:"smtp_user"`
	SMTPPassword string   `json:"smtp_password"`
	From         string   `json:"from"`
	To           []string `json:"to"`
}

// Message is one thing to say to a channel.
type Message struct {
	Kind     string   `json:"kind"` // "text" (default) or "markdown"
	Title    string   `json:"title"`
	Body     string   `json:"body"`
	Mentions []string `json:"mentions"` // mainland mobiles to @, or MentionAll
}

// Notification is one entry under the bell.
type Notification struct {
	ID        int64      `json:"id"`
	UserID    int64      `json:"user_id"`
	Title     string     `json:"title"`
	Body      string     `json:"body"`
	Link      string     `json:"link"`
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at,omitempty"`
}

// Delivery is one message's line in the delivery log.
type Delivery struct {
	MessageID    int64      `json:"message_id"`
	ChannelID    int64      `json:"channel_id"`
	ChannelName  string     `json:"channel_name"`
	Kind         string     `json:"kind"` // the channel's kind: wecom, dingtalk, email
	Title        string     `json:"title"`
	State        string     `json:"state"` // queued, sent, failed
	Attempts     int        `json:"attempts"`
	LastStatus   int        `json:"last_status"` // HTTP status, or SMTP reply code
	LastResponse string     `json:"last_response"`
	LastError    string     `json:"last_error"`
	CreatedAt    time.Time  `json:"created_at"`
	SentAt       *time.Time `json:"sent_at,omitempty"`
}

// Attempt is one try at delivering a message.
type Attempt struct {
	MessageID int64     `json:"message_id"`
	N         int       `json:"n"`
	At        time.Time `json:"at"`
	Status    int       `json:"status"`
	Response  string    `json:"response"`
	Error     string    `json:"error"`
	Millis    int64     `json:"millis"`
}

// config is the sealed part of a channel: everything needed to send.
type config struct {
	URL      string   `json:"url,omitempty"`
	Secret   string   `json:"secret,omitempty"`
	Host     string   `json:"host,omitempty"`
	Port     int      `json:"port,omitempty"`
	User     string   `json:"user,omitempty"`
	Password string   `json:"password,omitempty"`
	From     string   `json:"from,omitempty"`
	To       []string `json:"to,omitempty"`
}
