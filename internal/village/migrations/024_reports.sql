-- Annual reports (述职述廉), RULES.md §4 third row: each village secretary
-- every year, posted publicly. draft → submitted (the secretary) → reviewed
-- (the committee) → published (public; immutable from then on, see 025).
-- Issue 5 item 9.
CREATE TABLE reports (
	id {{ID}},
	village_id BIGINT NOT NULL REFERENCES villages (id),
	person_id BIGINT NOT NULL REFERENCES people (id),
	year INTEGER NOT NULL,
	duty_text TEXT NOT NULL DEFAULT '',
	integrity_text TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'reviewed', 'published')),
	submitted_on TEXT NOT NULL DEFAULT '',
	review_comments TEXT NOT NULL DEFAULT '',
	rating TEXT NOT NULL DEFAULT '' CHECK (rating IN ('', 'good', 'fairly_good', 'average', 'poor')),
	reviewed_by BIGINT NOT NULL DEFAULT 0,
	reviewed_on TEXT NOT NULL DEFAULT '',
	published_on TEXT NOT NULL DEFAULT '',
	created_by BIGINT NOT NULL DEFAULT 0,
	created_at {{TS}} NOT NULL,
	updated_at {{TS}} NOT NULL,
	UNIQUE (village_id, person_id, year)
);
