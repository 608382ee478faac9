-- 四议两公开 (RULES.md §1): a village's major decisions and the steps they
-- went through. Steps are append-only: the service has no update or delete
-- path. A meeting that sat below its quorum or failed its vote is kept as a
-- non-counting attempt (counted = FALSE) so that a stopped decision shows
-- why; only counted steps advance the procedure.
CREATE TABLE village_decisions (
	id {{ID}},
	village_id BIGINT NOT NULL,
	title TEXT NOT NULL,
	category TEXT NOT NULL,
	amount_fen BIGINT NOT NULL DEFAULT 0,
	description TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL DEFAULT 'in_progress',
	proposed_on TEXT NOT NULL,
	passed_on TEXT NOT NULL DEFAULT '',
	completed_on TEXT NOT NULL DEFAULT '',
	merged BOOLEAN NOT NULL DEFAULT FALSE,
	rules_zone_id BIGINT NOT NULL DEFAULT 0,
	rules_village_id BIGINT NOT NULL DEFAULT 0,
	rules_body TEXT NOT NULL,
	created_by BIGINT NOT NULL DEFAULT 0,
	created_at {{TS}} NOT NULL,
	updated_at {{TS}} NOT NULL
);
CREATE INDEX village_decisions_village ON village_decisions (village_id, status);

CREATE TABLE village_decision_steps (
	id {{ID}},
	decision_id BIGINT NOT NULL REFERENCES village_decisions (id),
	step TEXT NOT NULL,
	held_on TEXT NOT NULL,
	counted BOOLEAN NOT NULL DEFAULT TRUE,
	outcome TEXT NOT NULL,
	refusal TEXT NOT NULL DEFAULT '',
	refusal_en TEXT NOT NULL DEFAULT '',
	merged BOOLEAN NOT NULL DEFAULT FALSE,
	expected INTEGER NOT NULL DEFAULT 0,
	present INTEGER NOT NULL DEFAULT 0,
	votes_for INTEGER NOT NULL DEFAULT 0,
	votes_against INTEGER NOT NULL DEFAULT 0,
	votes_abstain INTEGER NOT NULL DEFAULT 0,
	basis TEXT NOT NULL DEFAULT '',
	emergency BOOLEAN NOT NULL DEFAULT FALSE,
	notice_on TEXT NOT NULL DEFAULT '',
	posted_from TEXT NOT NULL DEFAULT '',
	posted_to TEXT NOT NULL DEFAULT '',
	channel TEXT NOT NULL DEFAULT '',
	carried_out_on TEXT NOT NULL DEFAULT '',
	minutes TEXT NOT NULL DEFAULT '',
	created_by BIGINT NOT NULL DEFAULT 0,
	created_at {{TS}} NOT NULL
);
CREATE INDEX village_decision_steps_decision ON village_decision_steps (decision_id, id);
