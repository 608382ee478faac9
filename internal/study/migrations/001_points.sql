-- Study points (学习积分): a ledger of events, each pointing at the record
-- that earned it, hash-chained per person. Rules are versioned
-- configuration: a change applies from a date; each entry keeps the
-- version it was awarded under. Defaults: RULES.md §6 (modelled on 学习强国).
CREATE TABLE study_point_rules (
	activity TEXT NOT NULL,
	valid_from TEXT NOT NULL,
	points INTEGER NOT NULL CHECK (points >= 0),
	daily_cap INTEGER NOT NULL CHECK (daily_cap >= 0),
	PRIMARY KEY (activity, valid_from)
);
INSERT INTO study_point_rules (activity, valid_from, points, daily_cap) VALUES
	('sentence_read', '2021-01-01', 1, 1),
	('sentence_recite', '2021-01-01', 2, 2),
	('article_read', '2021-01-01', 1, 6),
	('quiz_full', '2021-01-01', 10, 10),
	('quiz_pass', '2021-01-01', 8, 10),
	('challenge_5', '2021-01-01', 3, 6),
	('challenge_10', '2021-01-01', 6, 6),
	('reflection', '2021-01-01', 2, 2);

CREATE TABLE study_points (
	id {{ID}},
	person_id BIGINT NOT NULL REFERENCES people (id),
	day TEXT NOT NULL,
	activity TEXT NOT NULL,
	points INTEGER NOT NULL,
	ref_type TEXT NOT NULL,
	ref_id BIGINT NOT NULL,
	rule_from TEXT NOT NULL DEFAULT '',
	reverses BIGINT REFERENCES study_points (id),
	reason TEXT NOT NULL DEFAULT '',
	created_at {{TS}} NOT NULL,
	seq BIGINT NOT NULL,
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL,
	mac TEXT NOT NULL
);
-- One award per record; a correction is a reversing entry beside it.
CREATE UNIQUE INDEX study_points_once ON study_points (person_id, activity, ref_type, ref_id) WHERE reverses IS NULL;
CREATE INDEX study_points_person_day ON study_points (person_id, day);
CREATE INDEX study_points_day ON study_points (day);
