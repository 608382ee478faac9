-- The major-matter board (重大事项挂牌销号), RULES.md §4 last row: a matter
-- raised by villagers is listed with its solution, responsible person and
-- deadline; progress is public; it is closed only after a verification by
-- someone other than the responsible person. Issue 5 item 5.
CREATE TABLE matters (
	id {{ID}},
	village_id BIGINT NOT NULL REFERENCES villages (id),
	title TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	raised_by TEXT NOT NULL DEFAULT '',
	raised_on TEXT NOT NULL,
	solution TEXT NOT NULL,
	responsible_person_id BIGINT REFERENCES people (id),
	responsible_name TEXT NOT NULL,
	deadline TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'listed' CHECK (status IN ('listed', 'in_progress', 'close_requested', 'closed')),
	evaluation TEXT NOT NULL DEFAULT '' CHECK (evaluation IN ('', 'satisfied', 'basically', 'unsatisfied')),
	closed_on TEXT NOT NULL DEFAULT '',
	created_by BIGINT NOT NULL DEFAULT 0,
	created_at {{TS}} NOT NULL
);
CREATE INDEX matters_village ON matters (village_id, status);

-- The public timeline of a matter: append-only (no UPDATE or DELETE path;
-- triggers in 021 refuse them).
CREATE TABLE matters_events (
	id {{ID}},
	matter_id BIGINT NOT NULL REFERENCES matters (id),
	kind TEXT NOT NULL CHECK (kind IN ('listed', 'progress', 'close_request', 'verify_pass', 'verify_fail')),
	day TEXT NOT NULL,
	body TEXT NOT NULL DEFAULT '',
	actor TEXT NOT NULL DEFAULT '',
	evaluation TEXT NOT NULL DEFAULT '' CHECK (evaluation IN ('', 'satisfied', 'basically', 'unsatisfied')),
	created_by BIGINT NOT NULL DEFAULT 0,
	created_at {{TS}} NOT NULL
);
CREATE INDEX matters_events_matter ON matters_events (matter_id);
