-- Outbound notification channels (WeCom and DingTalk group robots, SMTP
-- e-mail), the messages queued to them, every delivery attempt, and the
-- in-app notifications behind the bell.
--
-- A channel's configuration (robot URL with its key or access_token, the
-- DingTalk signing secret, the SMTP password) is one SM4-sealed JSON blob;
-- only a masked target is kept in clear, for lists.
CREATE TABLE channels (
	id {{ID}},
	owner_kind TEXT NOT NULL CHECK (owner_kind IN ('zone', 'branch', 'department', 'village')),
	owner_id BIGINT NOT NULL DEFAULT 0,
	kind TEXT NOT NULL CHECK (kind IN ('wecom', 'dingtalk', 'email')),
	name TEXT NOT NULL,
	target TEXT NOT NULL DEFAULT '',
	config_enc {{BLOB}} NOT NULL,
	enabled BOOLEAN NOT NULL DEFAULT TRUE,
	last_state TEXT NOT NULL DEFAULT '' CHECK (last_state IN ('', 'ok', 'failing')),
	last_error TEXT NOT NULL DEFAULT '',
	last_at {{TS}},
	created_at {{TS}} NOT NULL,
	UNIQUE (owner_kind, owner_id, name)
);

-- One row per message to one channel. dedupe_key is NULL for ordinary
-- messages; scheduled pushes set it (e.g. study.sentence/branch/3/2021-12-20)
-- so that a second run of the same slot adds nothing. Mentions are mobile
-- numbers, hence sealed.
CREATE TABLE messages (
	id {{ID}},
	channel_id BIGINT NOT NULL REFERENCES channels (id),
	kind TEXT NOT NULL CHECK (kind IN ('text', 'markdown')),
	title TEXT NOT NULL DEFAULT '',
	body TEXT NOT NULL,
	mentions_enc {{BLOB}},
	state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'failed')),
	attempts INTEGER NOT NULL DEFAULT 0,
	last_status INTEGER NOT NULL DEFAULT 0,
	last_response TEXT NOT NULL DEFAULT '',
	last_error TEXT NOT NULL DEFAULT '',
	dedupe_key TEXT UNIQUE,
	created_at {{TS}} NOT NULL,
	sent_at {{TS}}
);
CREATE INDEX messages_state ON messages (state, id);
CREATE INDEX messages_channel ON messages (channel_id, id);

-- Every try, written before the request goes out (outcome 'pending') and
-- completed after it, so that the per-robot throttle counts requests in
-- flight on other replicas and a crash mid-send leaves a trace.
CREATE TABLE delivery_attempts (
	id {{ID}},
	message_id BIGINT NOT NULL REFERENCES messages (id),
	channel_id BIGINT NOT NULL REFERENCES channels (id),
	n INTEGER NOT NULL,
	at {{TS}} NOT NULL,
	outcome TEXT NOT NULL CHECK (outcome IN ('pending', 'ok', 'failed', 'throttled', 'unknown')),
	status INTEGER NOT NULL DEFAULT 0,
	response TEXT NOT NULL DEFAULT '',
	error TEXT NOT NULL DEFAULT '',
	millis BIGINT NOT NULL DEFAULT 0,
	UNIQUE (message_id, n)
);
CREATE INDEX delivery_attempts_channel ON delivery_attempts (channel_id, outcome, id);

-- The bell: per-user in-app notifications.
CREATE TABLE notifications (
	id {{ID}},
	user_id BIGINT NOT NULL,
	title TEXT NOT NULL,
	body TEXT NOT NULL DEFAULT '',
	link TEXT NOT NULL DEFAULT '',
	created_at {{TS}} NOT NULL,
	read_at {{TS}}
);
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id, read_at);
