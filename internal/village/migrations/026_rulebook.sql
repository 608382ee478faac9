-- The rule book (制度汇编): the zone's village rules kept as data — areas
-- and their rules (the seed: 8 areas, 50 rules) — printed as a booklet.
-- Issue 5 item 10.
CREATE TABLE rulebook_areas (
	id {{ID}},
	sort INTEGER NOT NULL,
	title TEXT NOT NULL UNIQUE
);

CREATE TABLE rulebook_rules (
	id {{ID}},
	area_id BIGINT NOT NULL REFERENCES rulebook_areas (id),
	sort INTEGER NOT NULL,
	title TEXT NOT NULL,
	body TEXT NOT NULL DEFAULT '',
	source TEXT NOT NULL DEFAULT '',
	issued_on TEXT NOT NULL DEFAULT '',
	updated_by BIGINT NOT NULL DEFAULT 0,
	updated_at {{TS}} NOT NULL,
	UNIQUE (area_id, title)
);
CREATE INDEX rulebook_rules_area ON rulebook_rules (area_id, sort);
