-- Accounts, role grants with scopes, server-side sessions, API tokens and
-- the security policy (等保 8.1.4.1/8.1.4.2).
CREATE TABLE users (
	id {{ID}},
	username TEXT NOT NULL UNIQUE,
	display_name TEXT NOT NULL DEFAULT '',
	person_id BIGINT,
	password_hash TEXT NOT NULL,
	must_change BOOLEAN NOT NULL DEFAULT FALSE,
	disabled BOOLEAN NOT NULL DEFAULT FALSE,
	failed_count INTEGER NOT NULL DEFAULT 0,
	failed_since {{TS}},
	locked_until {{TS}},
	password_changed_at {{TS}} NOT NULL,
	last_login_at {{TS}},
	created_at {{TS}} NOT NULL
);

-- A grant gives a role over a scope: the whole zone, or one village,
-- department, enterprise or branch. One person may hold several.
CREATE TABLE user_roles (
	user_id BIGINT NOT NULL REFERENCES users (id),
	role TEXT NOT NULL CHECK (role IN ('sysadmin','secadmin','auditor','committee','dept_staff','liaison','enterprise','village_secretary','village_supervisor','discipline','member')),
	scope_kind TEXT NOT NULL CHECK (scope_kind IN ('zone','village','department','enterprise','branch')),
	scope_id BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (user_id, role, scope_kind, scope_id)
);

CREATE TABLE password_history (
	user_id BIGINT NOT NULL REFERENCES users (id),
	password_hash TEXT NOT NULL,
	changed_at {{TS}} NOT NULL
);
CREATE INDEX password_history_user ON password_history (user_id, changed_at);

-- Sessions live in the database so they survive a restart and are shared by
-- replicas. Only the SM3 hash of the token is stored.
CREATE TABLE sessions (
	id_hash TEXT PRIMARY KEY,
	user_id BIGINT NOT NULL REFERENCES users (id),
	created_at {{TS}} NOT NULL,
	last_seen_at {{TS}} NOT NULL,
	expires_at {{TS}} NOT NULL,
	idle_seconds INTEGER NOT NULL,
	ip TEXT NOT NULL DEFAULT '',
	user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
	id {{ID}},
	user_id BIGINT NOT NULL REFERENCES users (id),
	name TEXT NOT NULL,
	token_hash TEXT NOT NULL UNIQUE,
	created_at {{TS}} NOT NULL,
	expires_at {{TS}},
	last_used_at {{TS}},
	revoked_at {{TS}}
);

-- Failed logins per source IP, for the per-IP limit that complements the
-- per-account lockout without letting anyone lock others out (ASVS 6.3.1).
CREATE TABLE login_failures (
	ip TEXT NOT NULL,
	at {{TS}} NOT NULL
);
CREATE INDEX login_failures_ip ON login_failures (ip, at);

CREATE TABLE settings (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL,
	updated_at {{TS}} NOT NULL,
	updated_by TEXT NOT NULL DEFAULT ''
);
