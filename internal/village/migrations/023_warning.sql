-- Warning education (警示教育), RULES.md §4 second row: a zone-level
-- warning-education meeting for village cadres at least once a year, and a
-- warning-education lesson in every training. Issue 5 item 7.
CREATE TABLE warning_meetings (
	id {{ID}},
	held_on TEXT NOT NULL,
	title TEXT NOT NULL,
	expected INTEGER NOT NULL CHECK (expected >= 1),
	present INTEGER NOT NULL CHECK (present >= 0 AND present <= expected),
	notes TEXT NOT NULL DEFAULT '',
	created_by BIGINT NOT NULL DEFAULT 0,
	created_at {{TS}} NOT NULL
);

-- The villages whose cadres a meeting was for; none listed = the whole zone.
CREATE TABLE warning_meeting_villages (
	meeting_id BIGINT NOT NULL REFERENCES warning_meetings (id),
	village_id BIGINT NOT NULL REFERENCES villages (id),
	UNIQUE (meeting_id, village_id)
);

CREATE TABLE warning_trainings (
	id {{ID}},
	held_on TEXT NOT NULL,
	title TEXT NOT NULL,
	has_lesson BOOLEAN NOT NULL DEFAULT FALSE,
	lesson_title TEXT NOT NULL DEFAULT '',
	created_by BIGINT NOT NULL DEFAULT 0,
	created_at {{TS}} NOT NULL
);
