-- Enterprise demands (企业诉求), issue 6 items 1–2: the demand with its
-- current state and deadlines, its helper departments, every transition in
-- its history, the deadline table per category (RULES.md §7, config), and
-- the overdue flags and digests the daily job writes (once per day).
CREATE TABLE demands (
	id {{ID}},
	enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
	category TEXT NOT NULL CHECK (category IN ('production', 'party_building', 'suggestion', 'major', 'policy', 'other')),
	title TEXT NOT NULL DEFAULT '',
	description TEXT NOT NULL,
	source TEXT NOT NULL CHECK (source IN ('enterprise', 'liaison', 'office', 'visit', 'breakfast')),
	source_id BIGINT NOT NULL DEFAULT 0,
	-- new 待受理 → routed 已交办 → accepted 已受理 → in_progress 办理中 →
	-- resolved 已办结 → rated 已评价
	state TEXT NOT NULL CHECK (state IN ('new', 'routed', 'accepted', 'in_progress', 'resolved', 'rated')),
	lead_department_id BIGINT REFERENCES departments (id),
	complex BOOLEAN NOT NULL DEFAULT FALSE,
	extended BOOLEAN NOT NULL DEFAULT FALSE,
	reopened BOOLEAN NOT NULL DEFAULT FALSE,
	raised_by_user BIGINT NOT NULL DEFAULT 0,
	raised_by_person BIGINT NOT NULL DEFAULT 0,
	raised_on TEXT NOT NULL,
	route_by TEXT NOT NULL,
	routed_on TEXT NOT NULL DEFAULT '',
	respond_by TEXT NOT NULL DEFAULT '',
	responded_on TEXT NOT NULL DEFAULT '',
	resolve_by TEXT NOT NULL DEFAULT '',
	resolved_on TEXT NOT NULL DEFAULT '',
	reply TEXT NOT NULL DEFAULT '',
	rating TEXT NOT NULL DEFAULT '' CHECK (rating IN ('', 'satisfied', 'basically', 'unsatisfied')),
	rated_on TEXT NOT NULL DEFAULT '',
	created_at {{TS}} NOT NULL,
	updated_at {{TS}} NOT NULL
);
CREATE INDEX demands_enterprise ON demands (enterprise_id);
CREATE INDEX demands_lead ON demands (lead_department_id);
CREATE INDEX demands_state ON demands (state);

CREATE TABLE demand_helpers (
	demand_id BIGINT NOT NULL REFERENCES demands (id),
	department_id BIGINT NOT NULL REFERENCES departments (id),
	PRIMARY KEY (demand_id, department_id)
);
CREATE INDEX demand_helpers_department ON demand_helpers (department_id);

-- Every accepted transition: who, when, from, to, why. Written in the same
-- transaction as the change of state; never updated.
CREATE TABLE demand_history (
	id {{ID}},
	demand_id BIGINT NOT NULL REFERENCES demands (id),
	transition TEXT NOT NULL,
	from_state TEXT NOT NULL,
	to_state TEXT NOT NULL,
	actor_user BIGINT NOT NULL DEFAULT 0,
	actor_name TEXT NOT NULL DEFAULT '',
	actor_role TEXT NOT NULL DEFAULT '',
	reason TEXT NOT NULL DEFAULT '',
	detail TEXT NOT NULL DEFAULT '',
	day TEXT NOT NULL,
	at {{TS}} NOT NULL
);
CREATE INDEX demand_history_demand ON demand_history (demand_id, id);

-- Deadlines in working days per category (RULES.md §7 defaults).
CREATE TABLE demand_deadlines (
	category TEXT PRIMARY KEY,
	route_days INTEGER NOT NULL CHECK (route_days BETWEEN 1 AND 30),
	respond_days INTEGER NOT NULL CHECK (respond_days BETWEEN 1 AND 30),
	resolve_days INTEGER NOT NULL CHECK (resolve_days BETWEEN 1 AND 60),
	complex_days INTEGER NOT NULL CHECK (complex_days BETWEEN 1 AND 60),
	extended_days INTEGER NOT NULL CHECK (extended_days BETWEEN 1 AND 90),
	updated_at {{TS}}
);
INSERT INTO demand_deadlines (category, route_days, respond_days, resolve_days, complex_days, extended_days) VALUES
	('production', 1, 2, 5, 10, 25),
	('party_building', 1, 2, 5, 10, 25),
	('suggestion', 1, 2, 5, 10, 25),
	('major', 1, 2, 5, 10, 25),
	('policy', 1, 2, 5, 10, 25),
	('other', 1, 2, 5, 10, 25);

-- A deadline found missed by the daily job: one row per demand and
-- deadline kind, so each is announced once.
CREATE TABLE demand_overdue (
	demand_id BIGINT NOT NULL REFERENCES demands (id),
	kind TEXT NOT NULL CHECK (kind IN ('route', 'respond', 'resolve')),
	due_on TEXT NOT NULL,
	flagged_on TEXT NOT NULL,
	PRIMARY KEY (demand_id, kind, due_on)
);

-- The daily digest of overdue items: one row per zone day, written with
-- the notifications it sends, so a second run the same day does nothing.
CREATE TABLE demand_digests (
	day TEXT PRIMARY KEY,
	overdue INTEGER NOT NULL,
	recipients INTEGER NOT NULL,
	sent_at {{TS}} NOT NULL
);
