-- Study visits and exchanges (学习交流) and the organ committee's guidance
-- of its branches (指导帮扶), issue 7 items 8–9.
CREATE TABLE visits (
	id {{ID}},
	visited_on TEXT NOT NULL,
	host TEXT NOT NULL,
	title TEXT NOT NULL,
	topics TEXT NOT NULL DEFAULT '',
	created_by BIGINT NOT NULL DEFAULT 0,
	created_at {{TS}} NOT NULL
);

CREATE TABLE visits_participants (
	visit_id BIGINT NOT NULL REFERENCES visits(id),
	person_id BIGINT NOT NULL REFERENCES people(id),
	UNIQUE (visit_id, person_id)
);

-- Follow-up actions of a visit.
CREATE TABLE visits_actions (
	id {{ID}},
	visit_id BIGINT NOT NULL REFERENCES visits(id),
	body TEXT NOT NULL,
	owner TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
	updated_at {{TS}} NOT NULL
);
CREATE INDEX visits_actions_visit ON visits_actions (visit_id);

-- A guidance record: the organ committee at one organ branch.
CREATE TABLE visits_guidance (
	id {{ID}},
	branch_id BIGINT NOT NULL REFERENCES branches(id),
	guided_on TEXT NOT NULL,
	method TEXT NOT NULL CHECK (method IN ('talk', 'review', 'other')),
	summary TEXT NOT NULL,
	created_by BIGINT NOT NULL DEFAULT 0,
	created_at {{TS}} NOT NULL
);
CREATE INDEX visits_guidance_branch ON visits_guidance (branch_id);

-- Problems found: open → rectifying (the branch's note) → closed (the
-- committee, with the closing day).
CREATE TABLE visits_problems (
	id {{ID}},
	guidance_id BIGINT NOT NULL REFERENCES visits_guidance(id),
	body TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'rectifying', 'closed')),
	note TEXT NOT NULL DEFAULT '',
	closed_on TEXT NOT NULL DEFAULT '',
	updated_at {{TS}} NOT NULL
);
CREATE INDEX visits_problems_guidance ON visits_problems (guidance_id);
