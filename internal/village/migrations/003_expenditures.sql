-- Village expenditures (RULES.md §2): a request, the signatures its tier
-- needs (one row each, never edited), then the payment.
CREATE TABLE village_expenditures (
	id {{ID}},
	village_id BIGINT NOT NULL,
	requested_on TEXT NOT NULL,
	amount_fen BIGINT NOT NULL,
	tier INTEGER NOT NULL,
	purpose TEXT NOT NULL,
	payee TEXT NOT NULL DEFAULT '',
	category TEXT NOT NULL DEFAULT '',
	decision_id BIGINT NOT NULL DEFAULT 0,
	status TEXT NOT NULL DEFAULT 'requested',
	rules_zone_id BIGINT NOT NULL DEFAULT 0,
	rules_village_id BIGINT NOT NULL DEFAULT 0,
	required_signs TEXT NOT NULL,
	requested_by BIGINT NOT NULL,
	requester_person BIGINT NOT NULL DEFAULT 0,
	paid_on TEXT NOT NULL DEFAULT '',
	voucher TEXT NOT NULL DEFAULT '',
	paid_by BIGINT NOT NULL DEFAULT 0,
	created_at {{TS}} NOT NULL,
	updated_at {{TS}} NOT NULL
);
CREATE INDEX village_expenditures_village ON village_expenditures (village_id, status);
CREATE INDEX village_expenditures_paid ON village_expenditures (village_id, paid_on);

CREATE TABLE village_expenditure_signs (
	id {{ID}},
	expenditure_id BIGINT NOT NULL REFERENCES village_expenditures (id),
	kind TEXT NOT NULL,
	signed_on TEXT NOT NULL,
	user_id BIGINT NOT NULL,
	person_id BIGINT NOT NULL DEFAULT 0,
	signer_name TEXT NOT NULL DEFAULT '',
	note TEXT NOT NULL DEFAULT '',
	created_at {{TS}} NOT NULL,
	UNIQUE (expenditure_id, kind)
);
