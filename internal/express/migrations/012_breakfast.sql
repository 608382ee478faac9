-- Breakfast meetings (早餐会): the 党工委/管委会 leaders meet one above-scale
-- (规上) or above-quota (限上) enterprise at a time; issues raised may each
-- become a demand.
CREATE TABLE express_breakfasts (
	id {{ID}},
	enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
	scheduled_on TEXT NOT NULL,
	held_on TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL CHECK (status IN ('scheduled', 'held')),
	leaders TEXT NOT NULL DEFAULT '',
	attendees TEXT NOT NULL DEFAULT '',
	notes TEXT NOT NULL DEFAULT '',
	created_by BIGINT NOT NULL,
	created_at {{TS}} NOT NULL,
	updated_at {{TS}} NOT NULL
);
CREATE INDEX express_breakfasts_enterprise ON express_breakfasts (enterprise_id);
CREATE INDEX express_breakfasts_day ON express_breakfasts (scheduled_on);

CREATE TABLE express_breakfast_issues (
	id {{ID}},
	breakfast_id BIGINT NOT NULL REFERENCES express_breakfasts (id),
	body TEXT NOT NULL,
	demand_id BIGINT
);
CREATE INDEX express_breakfast_issues_meeting ON express_breakfast_issues (breakfast_id);
