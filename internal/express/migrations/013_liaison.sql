-- A liaison's information reports (信息报送): each earns 信息报送 points. A
-- report of a good practice (kind practice, 经验做法) the office adopts earns
-- the 经验做法 bonus too (RULES.md §8), once: adopted_on records when.
CREATE TABLE express_reports (
	id {{ID}},
	person_id BIGINT NOT NULL REFERENCES people (id),
	enterprise_id BIGINT REFERENCES enterprises (id),
	kind TEXT NOT NULL DEFAULT 'info' CHECK (kind IN ('info', 'practice')),
	filed_on TEXT NOT NULL,
	title TEXT NOT NULL,
	body TEXT NOT NULL,
	adopted_on TEXT NOT NULL DEFAULT '',
	adopted_by BIGINT NOT NULL DEFAULT 0,
	created_at {{TS}} NOT NULL
);
CREATE INDEX express_reports_person ON express_reports (person_id, filed_on);

-- Trainings and meetings (参加培训和会议) the office records with the
-- liaisons who attended; each attendance earns its points.
CREATE TABLE express_trainings (
	id {{ID}},
	held_on TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('training', 'meeting')),
	title TEXT NOT NULL,
	created_by BIGINT NOT NULL,
	created_at {{TS}} NOT NULL
);
CREATE TABLE express_training_attendees (
	training_id BIGINT NOT NULL REFERENCES express_trainings (id),
	person_id BIGINT NOT NULL REFERENCES people (id),
	PRIMARY KEY (training_id, person_id)
);
