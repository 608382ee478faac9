-- Files attached to organ records: meeting minutes and photos, checklist
-- evidence, document files. Stored in the database (backed up with it)
-- under generated ids; the original name is kept only for display.
CREATE TABLE organ_files (
	id {{ID}},
	owner_type TEXT NOT NULL CHECK (owner_type IN ('meeting', 'evidence', 'document', 'visit', 'guidance', 'course')),
	owner_id BIGINT NOT NULL,
	name TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size INTEGER NOT NULL CHECK (size > 0),
	sm3 TEXT NOT NULL,
	data {{BLOB}} NOT NULL,
	uploaded_by BIGINT NOT NULL DEFAULT 0,
	uploaded_at {{TS}} NOT NULL
);
CREATE INDEX organ_files_owner ON organ_files (owner_type, owner_id);
