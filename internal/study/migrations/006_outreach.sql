-- Outreach (理论宣讲与"六进"): lecture groups and their lectures with the
-- "six into" targets each reaches; campaigns (film screenings, essay
-- contests, works collections) with learners' submissions, reviews and
-- awards; village book rooms' acquisitions; theory display boards.

CREATE TABLE study_lecture_groups (
	id {{ID}},
	kind TEXT NOT NULL CHECK (kind IN ('cadre', 'organ_secretary', 'enterprise_secretary', 'village_secretary', 'teacher', 'volunteer')),
	name TEXT NOT NULL UNIQUE,
	founded_on TEXT NOT NULL,
	created_at {{TS}} NOT NULL
);

CREATE TABLE study_lecture_group_members (
	group_id BIGINT NOT NULL REFERENCES study_lecture_groups (id),
	person_id BIGINT NOT NULL REFERENCES people (id),
	role TEXT NOT NULL CHECK (role IN ('leader', 'member')),
	joined_on TEXT NOT NULL,
	PRIMARY KEY (group_id, person_id)
);

-- A lecture's speaker is a person in the directory or, for an invited
-- speaker who is not, a name.
CREATE TABLE study_lectures (
	id {{ID}},
	group_id BIGINT NOT NULL REFERENCES study_lecture_groups (id),
	speaker_person_id BIGINT REFERENCES people (id),
	speaker_name TEXT NOT NULL DEFAULT '',
	held_on TEXT NOT NULL,
	place TEXT NOT NULL,
	topic TEXT NOT NULL,
	audience INTEGER NOT NULL CHECK (audience >= 0),
	created_at {{TS}} NOT NULL,
	updated_at {{TS}} NOT NULL,
	CHECK (speaker_person_id IS NOT NULL OR speaker_name <> '')
);
CREATE INDEX study_lectures_held_on ON study_lectures (held_on);
CREATE INDEX study_lectures_group ON study_lectures (group_id, held_on);

-- The "six into" targets (六进) a lecture reached: one row per target.
CREATE TABLE study_lecture_targets (
	lecture_id BIGINT NOT NULL REFERENCES study_lectures (id) ON DELETE CASCADE,
	target TEXT NOT NULL CHECK (target IN ('enterprise', 'village', 'organ', 'campus', 'community', 'network')),
	PRIMARY KEY (lecture_id, target)
);
CREATE INDEX study_lecture_targets_target ON study_lecture_targets (target);

CREATE TABLE study_campaigns (
	id {{ID}},
	kind TEXT NOT NULL CHECK (kind IN ('film', 'essay', 'works')),
	title TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	starts_on TEXT NOT NULL,
	ends_on TEXT NOT NULL,
	attendance INTEGER CHECK (attendance IS NULL OR attendance >= 0),
	awards_published_at {{TS}},
	created_at {{TS}} NOT NULL,
	updated_at {{TS}} NOT NULL,
	CHECK (ends_on >= starts_on)
);

-- One submission per learner and campaign; reviewed once accepted.
CREATE TABLE study_submissions (
	id {{ID}},
	campaign_id BIGINT NOT NULL REFERENCES study_campaigns (id),
	person_id BIGINT NOT NULL REFERENCES people (id),
	title TEXT NOT NULL,
	body TEXT NOT NULL,
	submitted_on TEXT NOT NULL,
	created_at {{TS}} NOT NULL,
	status TEXT NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'accepted', 'rejected')),
	score INTEGER CHECK (score IS NULL OR (score >= 0 AND score <= 100)),
	review_comment TEXT NOT NULL DEFAULT '',
	reviewed_by BIGINT,
	reviewed_at {{TS}},
	award TEXT NOT NULL DEFAULT '' CHECK (award IN ('', 'first', 'second', 'third', 'excellent')),
	UNIQUE (campaign_id, person_id),
	CHECK (award = '' OR status = 'accepted')
);
CREATE INDEX study_submissions_submitted_on ON study_submissions (submitted_on);

-- Attachments are kept in the database beside their submission (no files
-- on a replica's disk), under a generated name; the original name is for
-- display only.
CREATE TABLE study_submission_files (
	id {{ID}},
	submission_id BIGINT NOT NULL REFERENCES study_submissions (id),
	name TEXT NOT NULL,
	stored_name TEXT NOT NULL UNIQUE,
	content_type TEXT NOT NULL CHECK (content_type IN ('application/pdf', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'image/jpeg', 'image/png')),
	size INTEGER NOT NULL CHECK (size > 0 AND size <= 5242880),
	sm3 TEXT NOT NULL,
	data {{BLOB}} NOT NULL,
	created_at {{TS}} NOT NULL
);
CREATE INDEX study_submission_files_submission ON study_submission_files (submission_id);

-- Village book rooms (农村书屋): each acquisition of books for a village.
CREATE TABLE study_book_acquisitions (
	id {{ID}},
	village_id BIGINT NOT NULL REFERENCES villages (id),
	acquired_on TEXT NOT NULL,
	volumes INTEGER NOT NULL CHECK (volumes > 0 AND volumes <= 100000),
	source TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	created_at {{TS}} NOT NULL
);
CREATE INDEX study_book_acquisitions_day ON study_book_acquisitions (acquired_on);
CREATE INDEX study_book_acquisitions_village ON study_book_acquisitions (village_id);

-- Theory display boards (展示牌) by type of site.
CREATE TABLE study_display_boards (
	id {{ID}},
	kind TEXT NOT NULL CHECK (kind IN ('road', 'site_hoarding', 'crossing', 'organ', 'campus', 'square')),
	place TEXT NOT NULL,
	erected_on TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	created_at {{TS}} NOT NULL
);
CREATE INDEX study_display_boards_erected ON study_display_boards (erected_on);
