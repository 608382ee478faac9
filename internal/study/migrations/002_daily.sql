-- The daily sentence (每日同记一句话 / 金句) and its check-ins.
--
-- One sentence per zone day with its source (出处) and key phrases (关键词):
-- the 1–5 parts of the text that a recitation blanks out, kept as a JSON
-- array of strings in the order they appear in the text (blank 1 first).
-- A day's sentence is history once the day has begun: the service refuses
-- to change or delete it, and check-ins reference it by day.
CREATE TABLE study_sentences (
	id {{ID}},
	day TEXT NOT NULL UNIQUE,
	text TEXT NOT NULL,
	source TEXT NOT NULL,
	key_phrases TEXT NOT NULL DEFAULT '[]',
	created_at {{TS}} NOT NULL,
	updated_at {{TS}} NOT NULL
);

-- The hot write of the platform (DESIGN.md "Scaling"): one narrow row per
-- member per zone day, keyed (person_id, day). A recitation after a reading
-- check-in upgrades mode read → recite on the same row; a repeat changes
-- nothing. Check-ins are their own record (and earn points in the ledger),
-- so they are not audited.
CREATE TABLE study_checkins (
	id {{ID}},
	person_id BIGINT NOT NULL REFERENCES people (id),
	day TEXT NOT NULL REFERENCES study_sentences (day),
	mode TEXT NOT NULL CHECK (mode IN ('read', 'recite')),
	created_at {{TS}} NOT NULL,
	recited_at {{TS}},
	UNIQUE (person_id, day)
);
CREATE INDEX study_checkins_day ON study_checkins (day, person_id);

-- What the daily rhythm has pushed: the morning sentence, the evening
-- reminder and the weekly summary, per branch (or the zone, owner id 0)
-- and period (a zone day, or an ISO week such as 2021-W50). The job that
-- pushes inserts its row in the same transaction as the messages and
-- in-app notifications, so a retried or duplicated job finds the row and
-- does nothing: channel messages carry dedupe keys, in-app ones do not.
CREATE TABLE study_pushes (
	kind TEXT NOT NULL CHECK (kind IN ('morning', 'evening', 'weekly')),
	owner_kind TEXT NOT NULL CHECK (owner_kind IN ('zone', 'branch')),
	owner_id BIGINT NOT NULL DEFAULT 0,
	period TEXT NOT NULL,
	pushed_at {{TS}} NOT NULL,
	recipients INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (kind, owner_kind, owner_id, period)
);
