-- Land compensation (征地补偿): projects with their standards per item,
-- the households and their items, and the payments, checked against the
-- standards and the funds and posted publicly with personal data masked.
-- Money is fen; quantities are thousandths of the item's unit (亩, 棵, m²).
CREATE TABLE land_projects (
	id {{ID}},
	village_id BIGINT NOT NULL REFERENCES villages (id),
	name TEXT NOT NULL,
	decision_id BIGINT,
	funds_fen BIGINT NOT NULL CHECK (funds_fen >= 0),
	status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'posted')),
	posted_on TEXT NOT NULL DEFAULT '',
	created_by BIGINT NOT NULL DEFAULT 0,
	created_at {{TS}} NOT NULL,
	UNIQUE (village_id, name)
);

CREATE TABLE land_standards (
	id {{ID}},
	project_id BIGINT NOT NULL REFERENCES land_projects (id),
	code TEXT NOT NULL,
	name TEXT NOT NULL,
	unit TEXT NOT NULL,
	fen_per_unit BIGINT NOT NULL CHECK (fen_per_unit > 0),
	UNIQUE (project_id, code)
);

-- A household's head: the 身份证号 is SM4-sealed, looked up by its blind
-- index and shown only masked.
CREATE TABLE land_households (
	id {{ID}},
	project_id BIGINT NOT NULL REFERENCES land_projects (id),
	head_name TEXT NOT NULL,
	id_enc {{BLOB}} NOT NULL,
	id_idx TEXT NOT NULL,
	id_mask TEXT NOT NULL,
	created_at {{TS}} NOT NULL,
	UNIQUE (project_id, id_idx)
);

CREATE TABLE land_household_items (
	household_id BIGINT NOT NULL REFERENCES land_households (id),
	standard_id BIGINT NOT NULL REFERENCES land_standards (id),
	quantity_milli BIGINT NOT NULL CHECK (quantity_milli > 0),
	PRIMARY KEY (household_id, standard_id)
);

-- Payments: the payee's 身份证号 sealed, with a blind index so the check
-- "one payee paid twice for the same item" works without decrypting.
CREATE TABLE land_payments (
	id {{ID}},
	project_id BIGINT NOT NULL REFERENCES land_projects (id),
	household_id BIGINT NOT NULL REFERENCES land_households (id),
	standard_id BIGINT NOT NULL REFERENCES land_standards (id),
	amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
	paid_on TEXT NOT NULL,
	payee_name TEXT NOT NULL,
	payee_enc {{BLOB}} NOT NULL,
	payee_idx TEXT NOT NULL,
	payee_mask TEXT NOT NULL,
	created_by BIGINT NOT NULL DEFAULT 0,
	created_at {{TS}} NOT NULL
);
CREATE INDEX land_payments_project ON land_payments (project_id);
CREATE INDEX land_payments_payee ON land_payments (payee_idx, standard_id);
