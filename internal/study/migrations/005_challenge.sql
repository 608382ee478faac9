-- Study challenges (学习挑战赛): timed quiz competitions. An editor writes
-- the rounds and their single-choice questions, registers players, opens
-- the competition, closes it and publishes the results. The server stamps
-- each round's start and each answer by its own clock; an answer after the
-- round's time limit counts as wrong.
CREATE TABLE study_challenges (
	id {{ID}},
	title TEXT NOT NULL,
	held_on TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'registration' CHECK (status IN ('registration', 'open', 'closed', 'published')),
	created_at {{TS}} NOT NULL,
	opened_at {{TS}},
	closed_at {{TS}},
	published_at {{TS}}
);
CREATE INDEX study_challenges_held_on ON study_challenges (held_on);

CREATE TABLE study_challenge_rounds (
	id {{ID}},
	challenge_id BIGINT NOT NULL REFERENCES study_challenges (id),
	no INTEGER NOT NULL CHECK (no >= 1),
	time_limit_s INTEGER NOT NULL CHECK (time_limit_s BETWEEN 10 AND 3600),
	UNIQUE (challenge_id, no)
);

CREATE TABLE study_challenge_questions (
	id {{ID}},
	round_id BIGINT NOT NULL REFERENCES study_challenge_rounds (id) ON DELETE CASCADE,
	no INTEGER NOT NULL CHECK (no >= 1),
	stem TEXT NOT NULL,
	option_a TEXT NOT NULL,
	option_b TEXT NOT NULL,
	option_c TEXT NOT NULL,
	option_d TEXT NOT NULL,
	answer TEXT NOT NULL CHECK (answer IN ('A', 'B', 'C', 'D')),
	UNIQUE (round_id, no)
);

CREATE TABLE study_challenge_players (
	challenge_id BIGINT NOT NULL REFERENCES study_challenges (id),
	person_id BIGINT NOT NULL REFERENCES people (id),
	registered_by TEXT NOT NULL CHECK (registered_by IN ('self', 'editor')),
	registered_at {{TS}} NOT NULL,
	PRIMARY KEY (challenge_id, person_id)
);
CREATE INDEX study_challenge_players_person ON study_challenge_players (person_id);

-- A player's go at a round: started once (a second start changes nothing);
-- finished when every question of the round has an answer.
CREATE TABLE study_challenge_attempts (
	id {{ID}},
	challenge_id BIGINT NOT NULL,
	round_id BIGINT NOT NULL REFERENCES study_challenge_rounds (id),
	person_id BIGINT NOT NULL,
	started_at {{TS}} NOT NULL,
	finished_at {{TS}},
	UNIQUE (round_id, person_id),
	FOREIGN KEY (challenge_id, person_id) REFERENCES study_challenge_players (challenge_id, person_id)
);
CREATE INDEX study_challenge_attempts_challenge ON study_challenge_attempts (challenge_id, person_id);

-- One answer per question and player, never changed.
CREATE TABLE study_challenge_answers (
	attempt_id BIGINT NOT NULL REFERENCES study_challenge_attempts (id),
	question_id BIGINT NOT NULL REFERENCES study_challenge_questions (id),
	choice TEXT NOT NULL CHECK (choice IN ('A', 'B', 'C', 'D')),
	answered_at {{TS}} NOT NULL,
	elapsed_ms BIGINT NOT NULL CHECK (elapsed_ms >= 0),
	in_time BOOLEAN NOT NULL,
	correct BOOLEAN NOT NULL,
	PRIMARY KEY (attempt_id, question_id)
);
