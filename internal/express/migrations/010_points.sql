-- Liaisons' quantified work (联络员工作量化管理, RULES.md §8): the point table
-- is configuration, versioned from a date; each ledger entry keeps the
-- version it was earned under. Defaults are RULES.md §8's (ours: no
-- published scheme was found). monthly_cap caps a kind's points per liaison,
-- enterprise and month (0: no cap).
CREATE TABLE express_point_rules (
	kind TEXT NOT NULL,
	valid_from TEXT NOT NULL,
	points INTEGER NOT NULL CHECK (points >= 0 AND points <= 100),
	monthly_cap INTEGER NOT NULL DEFAULT 0 CHECK (monthly_cap >= 0),
	created_at {{TS}},
	PRIMARY KEY (kind, valid_from)
);
INSERT INTO express_point_rules (kind, valid_from, points, monthly_cap) VALUES
	('visit', '2021-01-01', 2, 8),
	('demand_raised', '2021-01-01', 2, 0),
	('demand_resolved', '2021-01-01', 3, 0),
	('party_lead', '2021-01-01', 3, 0),
	('party_formed', '2021-01-01', 10, 0),
	('briefing', '2021-01-01', 2, 0),
	('report', '2021-01-01', 1, 0),
	('training', '2021-01-01', 1, 0),
	('bonus_major', '2021-01-01', 5, 0),
	('bonus_difficulty', '2021-01-01', 3, 0),
	('bonus_party_problem', '2021-01-01', 3, 0),
	('bonus_practice', '2021-01-01', 5, 0);

-- The ledger: events only, each pointing at the record that earned it,
-- hash-chained per liaison. A correction is a reversing entry (negative
-- points, a reason) pointing at the entry it reverses; nothing is updated.
CREATE TABLE express_points (
	id {{ID}},
	person_id BIGINT NOT NULL REFERENCES people (id),
	day TEXT NOT NULL,
	kind TEXT NOT NULL,
	points INTEGER NOT NULL,
	ref_type TEXT NOT NULL,
	ref_id BIGINT NOT NULL,
	enterprise_id BIGINT NOT NULL DEFAULT 0,
	rule_from TEXT NOT NULL DEFAULT '',
	reverses BIGINT REFERENCES express_points (id),
	reason TEXT NOT NULL DEFAULT '',
	note TEXT NOT NULL DEFAULT '',
	created_by BIGINT NOT NULL DEFAULT 0,
	created_at {{TS}} NOT NULL,
	seq BIGINT NOT NULL,
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL,
	mac TEXT NOT NULL
);
-- One entry per record and kind; a reversal stands beside it, once.
CREATE UNIQUE INDEX express_points_once ON express_points (person_id, kind, ref_type, ref_id) WHERE reverses IS NULL;
CREATE UNIQUE INDEX express_points_reversed_once ON express_points (reverses) WHERE reverses IS NOT NULL;
CREATE INDEX express_points_person_day ON express_points (person_id, day);
CREATE INDEX express_points_day ON express_points (day);

-- Assessment tiers (RULES.md §8: 优秀/称职/基本称职/不称职, ≤ 15% 优秀),
-- versioned from a date: excellent_pct caps the share of 优秀; the
-- per-month minimums (times the months served in the period) separate
-- 称职, 基本称职 and 不称职. Defaults are ours [local]: 称职 needs 4 points a
-- month (two visits, or a visit with its briefing), 基本称职 2.
CREATE TABLE express_assessment_config (
	valid_from TEXT PRIMARY KEY,
	excellent_pct INTEGER NOT NULL CHECK (excellent_pct >= 0 AND excellent_pct <= 100),
	competent_per_month INTEGER NOT NULL CHECK (competent_per_month >= 0),
	basic_per_month INTEGER NOT NULL CHECK (basic_per_month >= 0),
	created_at {{TS}}
);
INSERT INTO express_assessment_config (valid_from, excellent_pct, competent_per_month, basic_per_month) VALUES ('2021-01-01', 15, 4, 2);

-- Rewards and penalties the office records against an assessment (a
-- liaison's standing in a period), with the standing at that moment.
CREATE TABLE express_assessment_actions (
	id {{ID}},
	period TEXT NOT NULL,
	person_id BIGINT NOT NULL REFERENCES people (id),
	kind TEXT NOT NULL CHECK (kind IN ('reward', 'penalty')),
	body TEXT NOT NULL,
	amount_fen BIGINT,
	total INTEGER NOT NULL,
	rank INTEGER NOT NULL,
	tier TEXT NOT NULL,
	created_by BIGINT NOT NULL,
	created_at {{TS}} NOT NULL
);
CREATE INDEX express_assessment_actions_period ON express_assessment_actions (period);
