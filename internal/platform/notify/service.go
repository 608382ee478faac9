package notify

import (
	"context"
	"crypto/x509"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strconv"

	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/jobs"
	"zhongshu/internal/platform/seal"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Source is the package's migrations: tables channels, messages,
// delivery_attempts and notifications.
func Source() db.Source {
	sub, _ := fs.Sub(migrations, "migrations")
	return db.Source{Module: "notify", FS: sub}
}

// Service registers channels, queues messages and delivers them. Callers
// authorize; the service trusts that whoever calls CreateChannel may.
type Service struct {
	DB    *db.DB
	Seal  seal.Sealer
	Clock clock.Clock
	Queue *jobs.Queue
	Audit *audit.Log
	// HTTP sends to the robots; nil means a client with a 10 s timeout that
	// does not follow redirects.
	HTTP *http.Client
	Log  *slog.Logger
	// Dial, when set, replaces the TCP dialer for SMTP (tests).
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// RootCAs, when set, replaces the system roots for SMTP STARTTLS (tests
	// with a self-signed server certificate, or an internal mail CA).
	RootCAs *x509.CertPool
}

// Register installs the delivery handler on the queue. Call once at
// start-up, before the first Post.
func (s *Service) Register() {
	s.Queue.Handle(JobKind, MaxAttempts, s.deliver)
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.New(slog.DiscardHandler)
}

func (s *Service) record(ctx context.Context, e audit.Entry) error {
	if s.Audit == nil {
		return nil
	}
	return s.Audit.Record(ctx, e)
}

// channelAAD binds a sealed config to its row, so that a blob copied onto
// another channel (pointing that channel's messages at a different robot)
// fails to open.
func channelAAD(id int64) []byte { return []byte("notify.channel/" + strconv.FormatInt(id, 10)) }

func mentionsAAD(id int64) []byte {
	return []byte("notify.message.mentions/" + strconv.FormatInt(id, 10))
}

// CreateChannel validates and registers a channel. Its secrets — the whole
// config as JSON — are SM4-sealed; lists show only a masked target from
// then on. Returns errs.List of field errors (zh + en) on bad input and an
// errs.Conflict if the owner already has a channel of that name.
func (s *Service) CreateChannel(ctx context.Context, in ChannelInput) (int64, error) {
	in, cfg, target, l := validateChannel(in)
	if len(l) > 0 {
		return 0, l
	}
	plain, err := json.Marshal(cfg)
	if err != nil {
		return 0, errs.Wrap(err, "notify: encode channel config")
	}
	var id int64
	err = s.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var taken int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM channels WHERE owner_kind = ? AND owner_id = ? AND name = ?`,
			in.OwnerKind, in.OwnerID, in.Name).Scan(&taken); err != nil {
			return err
		}
		if taken > 0 {
			return &errs.Error{Kind: errs.Conflict, Field: "name", Zh: "该组织已有同名渠道：" + in.Name, En: "this owner already has a channel named " + in.Name}
		}
		var err error
		id, err = insertChannel(ctx, tx, Channel{OwnerKind: in.OwnerKind, OwnerID: in.OwnerID, Kind: in.Kind, Name: in.Name, Target: target, CreatedAt: s.Clock.Now()})
		if err != nil {
			return err
		}
		sealed, err := s.Seal.Encrypt(plain, channelAAD(id))
		if err != nil {
			return err
		}
		if err := setChannelConfig(ctx, tx, id, sealed); err != nil {
			return err
		}
		return s.record(ctx, audit.Entry{Action: "channels.create", ObjectType: "channel", ObjectID: strconv.FormatInt(id, 10),
			Scope: scopeOf(in.OwnerKind, in.OwnerID), Detail: fmt.Sprintf("%s %q %s", in.Kind, in.Name, target)})
	})
	if err != nil {
		return 0, err
	}
	return id, nil
}

func scopeOf(kind string, id int64) string {
	if kind == OwnerZone {
		return kind
	}
	return kind + ":" + strconv.FormatInt(id, 10)
}

// SetEnabled switches a channel on or off. A disabled channel is skipped
// by PostTo and refused by Post; messages already queued to it fail.
func (s *Service) SetEnabled(ctx context.Context, id int64, on bool) error {
	return s.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		ok, err := setChannelEnabled(ctx, tx, id, on)
		if err != nil {
			return err
		}
		if !ok {
			return errs.NotFoundf(fmt.Sprintf("channel %d", id))
		}
		action := "channels.disable"
		if on {
			action = "channels.enable"
		}
		return s.record(ctx, audit.Entry{Action: action, ObjectType: "channel", ObjectID: strconv.FormatInt(id, 10)})
	})
}

// Channels lists every channel (masked).
func (s *Service) Channels(ctx context.Context) ([]Channel, error) {
	return listChannels(ctx, s.DB.Q(ctx), "")
}

// ChannelsOf lists one owner's channels (masked).
func (s *Service) ChannelsOf(ctx context.Context, ownerKind string, ownerID int64) ([]Channel, error) {
	return listChannels(ctx, s.DB.Q(ctx), ` WHERE owner_kind = ? AND owner_id = ?`, ownerKind, ownerID)
}

// FailingChannels lists enabled channels whose last message gave up, for
// the dashboard.
func (s *Service) FailingChannels(ctx context.Context) ([]Channel, error) {
	return listChannels(ctx, s.DB.Q(ctx), ` WHERE last_state = 'failing' AND enabled = TRUE`)
}

// Post queues a message to one channel: it inserts the message row and
// enqueues its delivery in the transaction in ctx (the outbox), so a
// rolled-back action sends nothing and a committed one always sends. A
// non-empty dedupe key makes a second Post with the same key a no-op that
// returns the first message's id — e.g. "study.sentence/branch/3/2021-12-20"
// for a scheduled push that two replicas or a re-run might both attempt.
func (s *Service) Post(ctx context.Context, channelID int64, m Message, dedupe string) (int64, error) {
	m, l := validateMessage(m)
	if len(l) > 0 {
		return 0, l
	}
	if len(dedupe) > 200 {
		return 0, errs.Field("dedupe", "去重键过长", "dedupe key too long")
	}
	var id int64
	err := s.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		ch, _, err := getChannel(ctx, tx, tx.Dialect, channelID, false)
		if err != nil {
			return err
		}
		if !ch.Enabled {
			return errs.New(errs.Conflict, "渠道已停用："+ch.Name, "the channel is disabled: "+ch.Name)
		}
		var fresh bool
		id, fresh, err = insertMessage(ctx, tx, channelID, m, dedupe, s.Clock.Now())
		if err != nil || !fresh {
			return err
		}
		if len(m.Mentions) > 0 {
			plain, _ := json.Marshal(m.Mentions)
			sealed, err := s.Seal.Encrypt(plain, mentionsAAD(id))
			if err != nil {
				return err
			}
			if err := setMessageMentions(ctx, tx, id, sealed); err != nil {
				return err
			}
		}
		_, err = s.Queue.Enqueue(ctx, JobKind, deliverArgs{MessageID: id})
		return err
	})
	if err != nil {
		return 0, err
	}
	return id, nil
}

// PostTo posts m to every enabled channel of an owner and returns the
// message ids (none if the owner has no channel). The dedupe key, when
// given, is suffixed with each channel's id.
func (s *Service) PostTo(ctx context.Context, ownerKind string, ownerID int64, m Message, dedupe string) ([]int64, error) {
	ids := []int64{}
	err := s.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		chs, err := listChannels(ctx, tx, ` WHERE owner_kind = ? AND owner_id = ? AND enabled = TRUE`, ownerKind, ownerID)
		if err != nil {
			return err
		}
		for _, ch := range chs {
			key := ""
			if dedupe != "" {
				key = dedupe + "/channel/" + strconv.FormatInt(ch.ID, 10)
			}
			id, err := s.Post(ctx, ch.ID, m, key)
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
}

// The test message SendTest posts, in both product languages since the
// group may read either.
const (
	testTitle = "中枢测试消息 / Zhongshu test message"
	testBody  = "这是一条测试消息，收到即表示渠道配置正确。\nThis is a test message: if you can read it, the channel works."
)

// SendTest posts a test message to a channel and returns its id; the
// delivery log then shows whether it arrived.
func (s *Service) SendTest(ctx context.Context, channelID int64) (int64, error) {
	var id int64
	err := s.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var err error
		if id, err = s.Post(ctx, channelID, Message{Kind: Text, Title: testTitle, Body: testBody}, ""); err != nil {
			return err
		}
		return s.record(ctx, audit.Entry{Action: "channels.test", ObjectType: "channel", ObjectID: strconv.FormatInt(channelID, 10),
			Detail: "message " + strconv.FormatInt(id, 10)})
	})
	return id, err
}

// Deliveries lists messages newest first for the admins' delivery log,
// optionally only one state (queued, sent, failed), with the total count.
func (s *Service) Deliveries(ctx context.Context, state string, limit, offset int) ([]Delivery, int, error) {
	switch state {
	case "", Queued, Sent, Failed:
	default:
		return nil, 0, errs.Field("state", "状态应为 queued、sent 或 failed", "state must be queued, sent or failed")
	}
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	if offset < 0 {
		offset = 0
	}
	return listDeliveries(ctx, s.DB.Q(ctx), state, limit, offset)
}

// Attempts lists a message's delivery attempts in order.
func (s *Service) Attempts(ctx context.Context, messageID int64) ([]Attempt, error) {
	return listAttempts(ctx, s.DB.Q(ctx), messageID)
}
