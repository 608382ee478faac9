-- 三务公开 (RULES.md §3): party, village and finance disclosures per village
-- and period. A draft may be edited; publishing makes a row immutable
-- (011 adds the triggers) and appends it to the village's SM3 hash chain
-- "disclosures/village N" (seq, prev_hash, hash, mac). A correction is a
-- new row of the same series (version n+1, supersedes = the old id, with a
-- reason); the old row stays and is superseded by being pointed at.
CREATE TABLE village_disclosures (
	id {{ID}},
	village_id BIGINT NOT NULL,
	kind TEXT NOT NULL,
	period TEXT NOT NULL,
	period_from TEXT NOT NULL,
	period_to TEXT NOT NULL,
	title TEXT NOT NULL,
	body TEXT NOT NULL DEFAULT '',
	channels TEXT NOT NULL DEFAULT '',
	posting_days INTEGER NOT NULL,
	status TEXT NOT NULL DEFAULT 'draft',
	version INTEGER NOT NULL DEFAULT 1,
	series_id BIGINT NOT NULL DEFAULT 0,
	supersedes BIGINT UNIQUE,
	reason TEXT NOT NULL DEFAULT '',
	created_by BIGINT NOT NULL DEFAULT 0,
	created_at {{TS}} NOT NULL,
	updated_at {{TS}} NOT NULL,
	published_by BIGINT NOT NULL DEFAULT 0,
	published_at TEXT NOT NULL DEFAULT '',
	published_on TEXT NOT NULL DEFAULT '',
	seq BIGINT NOT NULL DEFAULT 0,
	prev_hash TEXT NOT NULL DEFAULT '',
	hash TEXT NOT NULL DEFAULT '',
	mac TEXT NOT NULL DEFAULT '',
	UNIQUE (village_id, kind, period, version)
);
CREATE INDEX village_disclosures_village ON village_disclosures (village_id, seq);
CREATE INDEX village_disclosures_pub ON village_disclosures (village_id, published_on);

-- Items of a disclosure in order. A finance disclosure's expenditure items
-- (expenditure_id > 0) are copied from the paid expenditures of its period.
CREATE TABLE village_disclosure_items (
	id {{ID}},
	disclosure_id BIGINT NOT NULL REFERENCES village_disclosures (id),
	pos INTEGER NOT NULL,
	title TEXT NOT NULL,
	body TEXT NOT NULL DEFAULT '',
	amount_fen BIGINT,
	expenditure_id BIGINT NOT NULL DEFAULT 0,
	paid_on TEXT NOT NULL DEFAULT '',
	UNIQUE (disclosure_id, pos)
);
