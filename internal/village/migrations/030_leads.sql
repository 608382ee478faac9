-- Problem leads (问题线索): confidential (等保 8.1.4.2g label), read only by
-- the discipline inspector in scope (and the committee if the zone rule
-- committee_sees_leads is on), never by their subject. The handling follows
-- RULES.md §4 "Problem-lead disposal": received → preliminary verification
-- (初步核实) → exactly one outcome.
CREATE TABLE village_leads (
	id {{ID}},
	village_id BIGINT NOT NULL REFERENCES villages (id),
	subject_person_id BIGINT NOT NULL REFERENCES people (id),
	source TEXT NOT NULL CHECK (source IN ('petition', 'audit', 'daily', 'inspection', 'other')),
	description TEXT NOT NULL,
	received_on TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'verifying', 'closed', 'talk', 'inquiry', 'transferred')),
	verify_on TEXT NOT NULL DEFAULT '',
	verify_note TEXT NOT NULL DEFAULT '',
	outcome_on TEXT NOT NULL DEFAULT '',
	outcome_note TEXT NOT NULL DEFAULT '',
	due_days INTEGER NOT NULL CHECK (due_days > 0),
	created_by BIGINT NOT NULL DEFAULT 0,
	created_at {{TS}} NOT NULL,
	updated_at {{TS}} NOT NULL
);
CREATE INDEX village_leads_village ON village_leads (village_id, received_on);
CREATE INDEX village_leads_subject ON village_leads (subject_person_id);

-- The handling history of a lead: one row per step.
CREATE TABLE village_lead_events (
	id {{ID}},
	lead_id BIGINT NOT NULL REFERENCES village_leads (id),
	action TEXT NOT NULL CHECK (action IN ('receive', 'verify', 'dispose', 'attach')),
	status TEXT NOT NULL,
	day TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	by_user BIGINT NOT NULL DEFAULT 0,
	at {{TS}} NOT NULL
);
CREATE INDEX village_lead_events_lead ON village_lead_events (lead_id);

-- Attachments of leads, kept apart from every other module's files so
-- that no shared file route can serve them.
CREATE TABLE village_lead_files (
	id {{ID}},
	lead_id BIGINT NOT NULL REFERENCES village_leads (id),
	name TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size INTEGER NOT NULL CHECK (size > 0),
	sm3 TEXT NOT NULL,
	data {{BLOB}} NOT NULL,
	uploaded_by BIGINT NOT NULL DEFAULT 0,
	uploaded_at {{TS}} NOT NULL
);
CREATE INDEX village_lead_files_lead ON village_lead_files (lead_id);
