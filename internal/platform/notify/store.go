package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
)

// ts is the form instants are stored in: UTC, to the microsecond that
// PostgreSQL keeps, so a value read back equals the one written.
func ts(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func timePtr(n sql.NullTime) *time.Time {
	if !n.Valid {
		return nil
	}
	t := n.Time.UTC()
	return &t
}

type scanner interface{ Scan(dest ...any) error }

// ---- channels ----

const channelCols = `id, owner_kind, owner_id, kind, name, target, enabled, last_state, last_error, last_at, created_at`

func scanChannel(r scanner) (Channel, error) {
	var c Channel
	var last sql.NullTime
	err := r.Scan(&c.ID, &c.OwnerKind, &c.OwnerID, &c.Kind, &c.Name, &c.Target, &c.Enabled, &c.LastState, &c.LastError, &last, &c.CreatedAt)
	c.LastAt = timePtr(last)
	c.CreatedAt = c.CreatedAt.UTC()
	return c, err
}

func insertChannel(ctx context.Context, tx *db.Tx, c Channel) (int64, error) {
	// The sealed config is bound to the row id (its AAD), which is known
	// only after the insert; the caller fills it in the same transaction.
	return tx.InsertID(ctx, `INSERT INTO channels (owner_kind, owner_id, kind, name, target, config_enc, enabled, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		c.OwnerKind, c.OwnerID, c.Kind, c.Name, c.Target, []byte{}, true, ts(c.CreatedAt))
}

func setChannelConfig(ctx context.Context, tx *db.Tx, id int64, sealed []byte) error {
	_, err := tx.ExecContext(ctx, `UPDATE channels SET config_enc = ? WHERE id = ?`, sealed, id)
	return err
}

func listChannels(ctx context.Context, q db.Querier, where string, args ...any) ([]Channel, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+channelCols+` FROM channels`+where+` ORDER BY owner_kind, owner_id, name, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Channel{}
	for rows.Next() {
		c, err := scanChannel(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// getChannel returns a channel and its sealed config. forUpdate locks the
// row on PostgreSQL (SQLite's writer is already exclusive), which is how
// deliveries to one robot take turns at the throttle.
func getChannel(ctx context.Context, q db.Querier, dl db.Dialect, id int64, forUpdate bool) (Channel, []byte, error) {
	sqlText := `SELECT ` + channelCols + `, config_enc FROM channels WHERE id = ?`
	if forUpdate && dl == db.Postgres {
		sqlText += ` FOR UPDATE`
	}
	var c Channel
	var last sql.NullTime
	var sealed []byte
	err := q.QueryRowContext(ctx, sqlText, id).Scan(&c.ID, &c.OwnerKind, &c.OwnerID, &c.Kind, &c.Name, &c.Target, &c.Enabled,
		&c.LastState, &c.LastError, &last, &c.CreatedAt, &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return c, nil, errs.NotFoundf(fmt.Sprintf("channel %d", id))
	}
	c.LastAt = timePtr(last)
	c.CreatedAt = c.CreatedAt.UTC()
	return c, sealed, err
}

func setChannelEnabled(ctx context.Context, tx *db.Tx, id int64, on bool) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE channels SET enabled = ? WHERE id = ?`, on, id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// setChannelState records the last outcome; state "" leaves the state as
// it is (a retry in progress says nothing yet about the channel).
func setChannelState(ctx context.Context, tx *db.Tx, id int64, state, lastErr string, at time.Time) error {
	if state == "" {
		_, err := tx.ExecContext(ctx, `UPDATE channels SET last_error = ?, last_at = ? WHERE id = ?`, lastErr, ts(at), id)
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE channels SET last_state = ?, last_error = ?, last_at = ? WHERE id = ?`, state, lastErr, ts(at), id)
	return err
}

// ---- messages ----

// insertMessage adds a queued message. With a dedupe key already taken it
// inserts nothing and returns the existing message's id and false. ON
// CONFLICT … DO NOTHING rather than catching the violation: on PostgreSQL a
// failed statement would abort the caller's whole transaction.
func insertMessage(ctx context.Context, tx *db.Tx, channelID int64, m Message, dedupe string, now time.Time) (int64, bool, error) {
	var key any
	if dedupe != "" {
		key = dedupe
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO messages (channel_id, kind, title, body, state, dedupe_key, created_at)
		VALUES (?, ?, ?, ?, 'queued', ?, ?)
		ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
		channelID, m.Kind, m.Title, m.Body, key, ts(now)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = tx.QueryRowContext(ctx, `SELECT id FROM messages WHERE dedupe_key = ?`, dedupe).Scan(&id)
		return id, false, err
	}
	return id, err == nil, err
}

func setMessageMentions(ctx context.Context, tx *db.Tx, id int64, sealed []byte) error {
	_, err := tx.ExecContext(ctx, `UPDATE messages SET mentions_enc = ? WHERE id = ?`, sealed, id)
	return err
}

// msgRow is a message as the deliverer needs it.
type msgRow struct {
	Message
	ID          int64
	ChannelID   int64
	State       string
	Attempts    int
	MentionsEnc []byte
}

func getMessage(ctx context.Context, q db.Querier, id int64) (msgRow, error) {
	var m msgRow
	err := q.QueryRowContext(ctx, `SELECT id, channel_id, kind, title, body, mentions_enc, state, attempts FROM messages WHERE id = ?`, id).
		Scan(&m.ID, &m.ChannelID, &m.Kind, &m.Title, &m.Body, &m.MentionsEnc, &m.State, &m.Attempts)
	if errors.Is(err, sql.ErrNoRows) {
		return m, errs.NotFoundf(fmt.Sprintf("message %d", id))
	}
	return m, err
}

// finishMessage writes a message's latest outcome; state Queued leaves it
// queued for the next try.
func finishMessage(ctx context.Context, tx *db.Tx, id int64, state string, status int, response, lastErr string, now time.Time) error {
	var sentAt any
	if state == Sent {
		sentAt = ts(now)
	}
	_, err := tx.ExecContext(ctx, `UPDATE messages SET state = ?, last_status = ?, last_response = ?, last_error = ?, sent_at = COALESCE(sent_at, ?)
		WHERE id = ?`, state, status, response, lastErr, sentAt, id)
	return err
}

// ---- delivery attempts ----

// recentSends returns the times of the channel's latest n requests that
// went out or may have (ok, pending, or of unknown outcome), newest first.
// The window is computed in Go from the injected clock, not in SQL.
func recentSends(ctx context.Context, tx *db.Tx, channelID int64, n int) ([]time.Time, error) {
	rows, err := tx.QueryContext(ctx, `SELECT at FROM delivery_attempts
		WHERE channel_id = ? AND outcome IN ('ok', 'pending', 'unknown') ORDER BY id DESC LIMIT ?`, channelID, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var t time.Time
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, t.UTC())
	}
	return out, rows.Err()
}

// interruptPending closes attempts a crashed worker left open: the request
// may or may not have reached the vendor.
func interruptPending(ctx context.Context, tx *db.Tx, messageID int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE delivery_attempts SET outcome = 'unknown', error = 'interrupted before its outcome was recorded; the message may have been delivered'
		WHERE message_id = ? AND outcome = 'pending'`, messageID)
	return err
}

func countThrottled(ctx context.Context, tx *db.Tx, messageID int64) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM delivery_attempts WHERE message_id = ? AND outcome = 'throttled'`, messageID).Scan(&n)
	return n, err
}

// reserveAttempt opens attempt n (outcome pending) and counts it on the
// message, before the request goes out.
func reserveAttempt(ctx context.Context, tx *db.Tx, m msgRow, now time.Time) (int64, int, error) {
	n := m.Attempts + 1
	id, err := tx.InsertID(ctx, `INSERT INTO delivery_attempts (message_id, channel_id, n, at, outcome) VALUES (?, ?, ?, ?, 'pending')`,
		m.ID, m.ChannelID, n, ts(now))
	if err != nil {
		return 0, 0, err
	}
	_, err = tx.ExecContext(ctx, `UPDATE messages SET attempts = ? WHERE id = ?`, n, m.ID)
	return id, n, err
}

func completeAttempt(ctx context.Context, tx *db.Tx, id int64, outcome string, status int, response, errText string, millis int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE delivery_attempts SET outcome = ?, status = ?, response = ?, error = ?, millis = ? WHERE id = ?`,
		outcome, status, response, errText, millis, id)
	return err
}

func listAttempts(ctx context.Context, q db.Querier, messageID int64) ([]Attempt, error) {
	rows, err := q.QueryContext(ctx, `SELECT message_id, n, at, status, response, error, millis FROM delivery_attempts WHERE message_id = ? ORDER BY n`, messageID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Attempt{}
	for rows.Next() {
		var a Attempt
		if err := rows.Scan(&a.MessageID, &a.N, &a.At, &a.Status, &a.Response, &a.Error, &a.Millis); err != nil {
			return nil, err
		}
		a.At = a.At.UTC()
		out = append(out, a)
	}
	return out, rows.Err()
}

// ---- delivery log ----

func listDeliveries(ctx context.Context, q db.Querier, state string, limit, offset int) ([]Delivery, int, error) {
	where, args := "", []any{}
	if state != "" {
		where, args = " WHERE m.state = ?", append(args, state)
	}
	var total int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM messages m`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	args = append(args, limit, offset)
	rows, err := q.QueryContext(ctx, `SELECT m.id, m.channel_id, c.name, c.kind, m.title, m.body, m.state, m.attempts, m.last_status, m.last_response, m.last_error, m.created_at, m.sent_at
		FROM messages m JOIN channels c ON c.id = m.channel_id`+where+` ORDER BY m.id DESC LIMIT ? OFFSET ?`, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []Delivery{}
	for rows.Next() {
		var d Delivery
		var body string
		var sent sql.NullTime
		if err := rows.Scan(&d.MessageID, &d.ChannelID, &d.ChannelName, &d.Kind, &d.Title, &body, &d.State, &d.Attempts,
			&d.LastStatus, &d.LastResponse, &d.LastError, &d.CreatedAt, &sent); err != nil {
			return nil, 0, err
		}
		if d.Title == "" {
			d.Title = titleOf(Message{Body: body})
		}
		d.CreatedAt = d.CreatedAt.UTC()
		d.SentAt = timePtr(sent)
		out = append(out, d)
	}
	return out, total, rows.Err()
}

// ---- in-app notifications ----

func insertNotification(ctx context.Context, tx *db.Tx, n Notification) error {
	return insertNotifications(ctx, tx, []any{n})
}

// notificationsKey queues a transaction's notices (db.Tx.Defer).
type notificationsKey struct{}

// insertNotifications writes notices (each a Notification) by multi-row
// INSERTs: a demand raised or routed notifies in the writer's hot path.
func insertNotifications(ctx context.Context, tx *db.Tx, vs []any) error {
	rows := make([][]any, len(vs))
	for i, v := range vs {
		n := v.(Notification)
		rows[i] = []any{n.UserID, n.Title, n.Body, n.Link, ts(n.CreatedAt)}
	}
	return tx.InsertRows(ctx, `INSERT INTO notifications (user_id, title, body, link, created_at)`, 5, rows)
}

func countUnread(ctx context.Context, q db.Querier, userID int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL`, userID).Scan(&n)
	return n, err
}

func listNotifications(ctx context.Context, q db.Querier, userID int64, limit int) ([]Notification, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, user_id, title, body, link, created_at, read_at FROM notifications
		WHERE user_id = ? ORDER BY id DESC LIMIT ?`, userID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Notification{}
	for rows.Next() {
		var n Notification
		var read sql.NullTime
		if err := rows.Scan(&n.ID, &n.UserID, &n.Title, &n.Body, &n.Link, &n.CreatedAt, &read); err != nil {
			return nil, err
		}
		n.CreatedAt = n.CreatedAt.UTC()
		n.ReadAt = timePtr(read)
		out = append(out, n)
	}
	return out, rows.Err()
}

// markRead marks one of the user's notifications read (id 0: all of them).
// The user id is part of every WHERE, so one user can never touch another's.
func markRead(ctx context.Context, tx *db.Tx, userID, id int64, now time.Time) error {
	if id == 0 {
		_, err := tx.ExecContext(ctx, `UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL`, ts(now), userID)
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE notifications SET read_at = ? WHERE id = ? AND user_id = ? AND read_at IS NULL`, ts(now), id, userID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return err
	}
	var owned int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE id = ? AND user_id = ?`, id, userID).Scan(&owned); err != nil {
		return err
	}
	if owned == 0 {
		return errs.NotFoundf(fmt.Sprintf("notification %d of user %d", id, userID))
	}
	return nil // already read
}
