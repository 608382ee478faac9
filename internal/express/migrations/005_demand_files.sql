-- Attachments of demands (issue 6 item 1): kept in the database (backed up
-- with it) under generated ids; the original name only for display.
CREATE TABLE demand_files (
	id {{ID}},
	demand_id BIGINT NOT NULL REFERENCES demands (id),
	name TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size INTEGER NOT NULL CHECK (size > 0),
	sm3 TEXT NOT NULL,
	data {{BLOB}} NOT NULL,
	uploaded_by BIGINT NOT NULL DEFAULT 0,
	uploaded_at {{TS}} NOT NULL
);
CREATE INDEX demand_files_demand ON demand_files (demand_id);
