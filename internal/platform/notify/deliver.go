package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/jobs"
)

// deliverArgs are the "notify.deliver" job's arguments.
type deliverArgs struct {
	MessageID int64 `json:"message_id"`
}

// The robots' documented limit: 20 messages a minute per robot, for WeCom
// and DingTalk alike (see wecom.go and dingtalk.go). We stay under it
// ourselves rather than trip it, because DingTalk answers a 21st message by
// silencing the robot for ten minutes.
const (
	robotPerWindow = 20
	robotWindow    = time.Minute
	// windowMargin is added to the wait for a slot: the vendor's clock and
	// ours are not the same clock, and a second costs nothing.
	windowMargin = time.Second
	// maxThrottled caps how often a vendor's own rate-limit answer may snooze
	// one message without counting as an attempt, so a robot that always
	// answers "too fast" still runs out of attempts in the end.
	maxThrottled = 20
)

// deliver is the "notify.deliver" handler: one try at sending one message.
//
//  1. In one transaction: load the message and lock its channel; a message
//     already sent or failed is never sent again (done). If the robot had
//     20 requests in the last minute (by the injected clock, from
//     delivery_attempts), snooze until the oldest leaves the window.
//     Otherwise open attempt n as "pending" — so that replicas sending to
//     the same robot count each other's requests in flight.
//  2. Send, outside any transaction.
//  3. In a second transaction, record the outcome on the attempt, the
//     message and the channel.
//
// Exactly-once is as good as the vendors allow: they take no idempotency
// key, so if the process dies (or the database fails) between a successful
// send and step 3, the job runs again and the message goes out a second
// time. That can happen at most once per such crash; the earlier attempt is
// then marked "unknown" in the log.
func (s *Service) deliver(ctx context.Context, j *jobs.Job) error {
	var a deliverArgs
	if err := json.Unmarshal(j.Args, &a); err != nil || a.MessageID <= 0 {
		return jobs.Permanent(fmt.Errorf("notify.deliver: bad arguments %s", j.Args))
	}
	var (
		m         msgRow
		ch        Channel
		sealed    []byte
		attemptID int64
		done      bool
		wait      time.Duration
	)
	err := s.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		done, wait, attemptID = false, 0, 0
		var err error
		if m, err = getMessage(ctx, tx, a.MessageID); err != nil {
			return err
		}
		if m.State != Queued {
			done = true
			return nil
		}
		if ch, sealed, err = getChannel(ctx, tx, tx.Dialect, m.ChannelID, true); err != nil {
			return err
		}
		if err := interruptPending(ctx, tx, m.ID); err != nil {
			return err
		}
		now := s.Clock.Now()
		if !ch.Enabled {
			done = true
			return finishMessage(ctx, tx, m.ID, Failed, 0, "", "the channel was disabled before delivery", now)
		}
		if ch.Kind != KindEmail {
			recent, err := recentSends(ctx, tx, ch.ID, robotPerWindow)
			if err != nil {
				return err
			}
			if len(recent) == robotPerWindow {
				if free := recent[len(recent)-1].Add(robotWindow + windowMargin); free.After(now) {
					wait = free.Sub(now)
					return nil
				}
			}
		}
		attemptID, _, err = reserveAttempt(ctx, tx, m, now)
		return err
	})
	switch {
	case errs.KindOf(err) == errs.NotFound:
		return jobs.Permanent(err) // the message or its channel is gone
	case err != nil:
		return err // the store is unwell: retry later
	case done:
		return nil
	case wait > 0:
		return jobs.Snooze(wait)
	}

	start := time.Now()
	r, secrets := s.send(ctx, ch, sealed, m)
	millis := time.Since(start).Milliseconds()
	return s.settle(ctx, j, m, ch, attemptID, r, secrets, millis)
}

// send opens the channel's config and makes one request.
func (s *Service) send(ctx context.Context, ch Channel, sealed []byte, m msgRow) (result, []string) {
	var r result
	plain, err := s.Seal.Decrypt(sealed, channelAAD(ch.ID))
	var cfg config
	if err == nil {
		err = json.Unmarshal(plain, &cfg)
	}
	if err != nil {
		r.fail(classPermanent, "the channel's sealed configuration cannot be opened; enter the channel again")
		return r, nil
	}
	secrets := []string{queryParam(cfg.URL, "key"), queryParam(cfg.URL, "access_token"), cfg.Secret, cfg.Password}
	msg := m.Message
	if len(m.MentionsEnc) > 0 {
		plain, err := s.Seal.Decrypt(m.MentionsEnc, mentionsAAD(m.ID))
		if err == nil {
			err = json.Unmarshal(plain, &msg.Mentions)
		}
		if err != nil {
			r.fail(classPermanent, "the message's sealed mentions cannot be opened")
			return r, secrets
		}
	}
	switch ch.Kind {
	case KindWeCom:
		r = s.sendWeCom(ctx, cfg, msg)
	case KindDingTalk:
		r = s.sendDingTalk(ctx, cfg, msg)
	case KindEmail:
		r = s.sendEmail(ctx, cfg, msg, m.ID)
	default:
		r.fail(classPermanent, "unknown channel kind "+ch.Kind)
	}
	return r, secrets
}

// settle records a try's outcome in its own transaction and tells the queue
// what to do next.
func (s *Service) settle(ctx context.Context, j *jobs.Job, m msgRow, ch Channel, attemptID int64, r result, secrets []string, millis int64) error {
	response := forLog(r.response, secrets...)
	errText := ""
	if r.err != nil {
		errText = forLog(r.err.Error(), secrets...)
	}
	outcome, msgState, chState := "ok", Sent, StateOK
	interrupted := r.class == classRetry && ctx.Err() != nil
	// The outcome must be written even if the worker is shutting down.
	wctx := context.WithoutCancel(ctx)
	err := s.DB.InTx(wctx, func(ctx context.Context, tx *db.Tx) error {
		cls := r.class
		if cls == classSnooze {
			n, err := countThrottled(ctx, tx, m.ID)
			if err != nil {
				return err
			}
			if n+1 >= maxThrottled {
				cls = classRetry
			}
		}
		switch cls {
		case classOK:
			outcome, msgState, chState = "ok", Sent, StateOK
		case classSnooze:
			outcome, msgState, chState = "throttled", Queued, ""
		case classPermanent:
			outcome, msgState, chState = "failed", Failed, StateFailing
		default:
			outcome, msgState, chState = "failed", Queued, ""
			if interrupted {
				outcome = "unknown"
			} else if j.Attempt >= j.MaxAttempts {
				msgState, chState = Failed, StateFailing
			}
		}
		now := s.Clock.Now()
		if err := completeAttempt(ctx, tx, attemptID, outcome, r.status, response, errText, millis); err != nil {
			return err
		}
		if err := finishMessage(ctx, tx, m.ID, msgState, r.status, response, errText, now); err != nil {
			return err
		}
		return setChannelState(ctx, tx, ch.ID, chState, errText, now)
	})
	if err != nil {
		// Not recorded: the job runs again and, if this try did get
		// through, sends a second time (see deliver).
		s.log().Error("notify: delivery outcome not recorded", "message", m.ID, "error", err)
		return fmt.Errorf("notify: record outcome of message %d: %w", m.ID, err)
	}
	switch {
	case outcome == "ok":
		return nil
	case outcome == "throttled":
		return jobs.Snooze(r.snooze)
	case msgState == Failed && r.class == classPermanent:
		s.log().Warn("notify: message failed permanently", "message", m.ID, "channel", ch.ID, "error", errText)
		return jobs.Permanent(errors.New(errText))
	default:
		if msgState == Failed {
			s.log().Warn("notify: message failed after its last attempt", "message", m.ID, "channel", ch.ID, "error", errText)
		}
		return errors.New(errText)
	}
}
