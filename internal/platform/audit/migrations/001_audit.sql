-- The audit log: append-only, SM3 hash-chained (等保 8.1.4.3). The
-- application has no UPDATE or DELETE path on it; `zhongshu verify` catches
-- an edit, insertion or deletion made behind its back.
CREATE TABLE audit_log (
	seq BIGINT PRIMARY KEY,
	at {{TS}} NOT NULL,
	user_id BIGINT NOT NULL DEFAULT 0,
	username TEXT NOT NULL DEFAULT '',
	ip TEXT NOT NULL DEFAULT '',
	action TEXT NOT NULL,
	object_type TEXT NOT NULL DEFAULT '',
	object_id TEXT NOT NULL DEFAULT '',
	scope TEXT NOT NULL DEFAULT '',
	result TEXT NOT NULL CHECK (result IN ('ok', 'denied', 'failed')),
	detail TEXT NOT NULL DEFAULT '',
	request_id TEXT NOT NULL DEFAULT '',
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL,
	mac TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_user ON audit_log (username, at);
CREATE INDEX audit_log_action ON audit_log (action, at);
