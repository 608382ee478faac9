-- Reminder talks (谈话提醒), RULES.md §4 first row: every village secretary
-- at least once a year, held by the cadre responsible for the village
-- (包村干部); the content is relayed to the two committees (两委), date
-- recorded. Issue 5 item 6.
CREATE TABLE talks (
	id {{ID}},
	village_id BIGINT NOT NULL REFERENCES villages (id),
	subject_person_id BIGINT NOT NULL REFERENCES people (id),
	talker_person_id BIGINT REFERENCES people (id),
	talker_name TEXT NOT NULL,
	held_on TEXT NOT NULL,
	summary TEXT NOT NULL,
	relayed_on TEXT NOT NULL DEFAULT '',
	created_by BIGINT NOT NULL DEFAULT 0,
	created_at {{TS}} NOT NULL
);
CREATE INDEX talks_village ON talks (village_id, held_on);
CREATE INDEX talks_subject ON talks (subject_person_id);
