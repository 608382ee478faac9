-- 三会一课 and 主题党日 of the organ branches (支部工作条例 2018; RULES.md
-- §5): one row per meeting. For a committee meeting (支委会) expected is
-- the committee's size, so present*2 > expected is its quorum.
CREATE TABLE organ_meetings (
	id {{ID}},
	branch_id BIGINT NOT NULL REFERENCES branches(id),
	kind TEXT NOT NULL CHECK (kind IN ('general', 'committee', 'group', 'lecture', 'theme_day')),
	held_on TEXT NOT NULL,
	topic TEXT NOT NULL,
	expected INTEGER NOT NULL CHECK (expected >= 0),
	present INTEGER NOT NULL CHECK (present >= 0 AND present <= expected),
	absent TEXT NOT NULL DEFAULT '',
	lecturer TEXT NOT NULL DEFAULT '',
	minutes TEXT NOT NULL DEFAULT '',
	created_by BIGINT NOT NULL DEFAULT 0,
	created_at {{TS}} NOT NULL,
	updated_at {{TS}} NOT NULL
);
CREATE INDEX organ_meetings_branch ON organ_meetings (branch_id, held_on);
CREATE INDEX organ_meetings_day ON organ_meetings (held_on);
