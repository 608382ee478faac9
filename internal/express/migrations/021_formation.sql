-- Non-public party-organisation formation (非公党组织组建): leads of
-- enterprises (or social organisations) willing to form a party
-- organisation, reported by a department; the visits made; the
-- organisation formed, linked to its branch in the directory.
CREATE TABLE fmn_leads (
	id {{ID}},
	enterprise_id BIGINT REFERENCES enterprises (id),
	org_name TEXT NOT NULL DEFAULT '',
	department_id BIGINT NOT NULL REFERENCES departments (id),
	liaison_id BIGINT REFERENCES people (id),
	reported_on TEXT NOT NULL,
	party_members INTEGER NOT NULL DEFAULT 0 CHECK (party_members >= 0),
	notes TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'formed', 'closed')),
	closed_reason TEXT NOT NULL DEFAULT '',
	created_by BIGINT NOT NULL DEFAULT 0,
	created_at {{TS}} NOT NULL,
	CHECK (enterprise_id IS NOT NULL OR org_name <> '')
);
CREATE INDEX fmn_leads_reported ON fmn_leads (reported_on);
CREATE INDEX fmn_leads_ent ON fmn_leads (enterprise_id);

CREATE TABLE fmn_visits (
	id {{ID}},
	lead_id BIGINT NOT NULL REFERENCES fmn_leads (id),
	visited_on TEXT NOT NULL,
	visitors TEXT NOT NULL,
	notes TEXT NOT NULL DEFAULT '',
	created_by BIGINT NOT NULL DEFAULT 0,
	created_at {{TS}} NOT NULL
);
CREATE INDEX fmn_visits_lead ON fmn_visits (lead_id);

-- One organisation per lead; one lead per directory branch.
CREATE TABLE fmn_orgs (
	id {{ID}},
	lead_id BIGINT NOT NULL UNIQUE REFERENCES fmn_leads (id),
	formed_on TEXT NOT NULL,
	name TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('single', 'joint')),
	party_members INTEGER NOT NULL CHECK (party_members >= 0),
	branch_id BIGINT UNIQUE REFERENCES branches (id),
	created_by BIGINT NOT NULL DEFAULT 0,
	created_at {{TS}} NOT NULL
);
