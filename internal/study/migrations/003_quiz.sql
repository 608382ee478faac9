-- 月问答 (monthly quiz): one quiz per month, its questions (fill-in-the-
-- blanks copied from the month's daily sentences when the quiz is built,
-- choice questions written by editors about the month's articles), and one
-- attempt per member, timed by the server from its start.
CREATE TABLE study_quizzes (
	id {{ID}},
	month TEXT NOT NULL UNIQUE,
	title TEXT NOT NULL,
	time_limit_min INTEGER NOT NULL CHECK (time_limit_min BETWEEN 1 AND 180),
	opens_on TEXT NOT NULL,
	closes_on TEXT NOT NULL,
	makeup_from TEXT NOT NULL DEFAULT '',
	makeup_to TEXT NOT NULL DEFAULT '',
	blank_points INTEGER NOT NULL CHECK (blank_points BETWEEN 1 AND 20),
	published BOOLEAN NOT NULL DEFAULT FALSE,
	published_at {{TS}},
	created_by BIGINT NOT NULL DEFAULT 0,
	created_at {{TS}} NOT NULL,
	CHECK (closes_on >= opens_on),
	CHECK (makeup_from = '' OR (makeup_from > closes_on AND makeup_to >= makeup_from))
);

CREATE TABLE study_quiz_questions (
	id {{ID}},
	quiz_id BIGINT NOT NULL REFERENCES study_quizzes (id),
	seq INTEGER NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('blank', 'single', 'multiple')),
	prompt TEXT NOT NULL,
	-- Choices: a JSON array of option texts; '[]' for a blank.
	options TEXT NOT NULL DEFAULT '[]',
	-- The key: a blank's phrase, or a JSON array of the right options' indexes.
	answer TEXT NOT NULL,
	points INTEGER NOT NULL CHECK (points BETWEEN 1 AND 50),
	source_day TEXT NOT NULL DEFAULT '',
	-- The column article a choice is about (study_articles, created later).
	article_id BIGINT
);
-- seq orders the paper: the blanks by the sentences' days, then the
-- choices in the order written (from 1000).
CREATE INDEX study_quiz_questions_quiz ON study_quiz_questions (quiz_id, seq);

CREATE TABLE study_quiz_attempts (
	id {{ID}},
	quiz_id BIGINT NOT NULL REFERENCES study_quizzes (id),
	person_id BIGINT NOT NULL REFERENCES people (id),
	sitting TEXT NOT NULL CHECK (sitting IN ('main', 'makeup')),
	started_at {{TS}} NOT NULL,
	deadline_at {{TS}} NOT NULL,
	submitted_at {{TS}},
	score INTEGER NOT NULL DEFAULT 0,
	max_score INTEGER NOT NULL,
	-- The graded answers (JSON array of marks), once submitted.
	marks TEXT NOT NULL DEFAULT '[]',
	-- One attempt per member and quiz: a make-up is only for those who did
	-- not attempt in the open window.
	UNIQUE (quiz_id, person_id)
);
CREATE INDEX study_quiz_attempts_person ON study_quiz_attempts (person_id);
