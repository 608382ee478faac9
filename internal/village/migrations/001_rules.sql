-- The village rules and thresholds (RULES.md §1–§4) as versioned
-- configuration: a row holds the rules that differ from the built-in
-- defaults, for the zone (village_id 0) or one village, from a zone day on.
-- Records keep the version they were decided under (rules_id).
CREATE TABLE village_rules (
	id {{ID}},
	village_id BIGINT NOT NULL DEFAULT 0,
	valid_from TEXT NOT NULL,
	body TEXT NOT NULL,
	reason TEXT NOT NULL DEFAULT '',
	created_by BIGINT NOT NULL DEFAULT 0,
	created_at {{TS}} NOT NULL,
	UNIQUE (village_id, valid_from)
);
