-- The zone's directory: departments, party organisations (a tree), villages,
-- enterprises and people. 身份证号 and mobile numbers are stored SM4-encrypted
-- with an SM3-HMAC blind index for lookups and a masked copy for display.
CREATE TABLE departments (
	id {{ID}},
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL UNIQUE,
	name_en TEXT NOT NULL DEFAULT '',
	sort INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE villages (
	id {{ID}},
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL UNIQUE,
	-- 财务 disclosures are monthly where collective financial activity is heavy (RULES.md §3).
	heavy_finance BOOLEAN NOT NULL DEFAULT FALSE,
	households INTEGER NOT NULL DEFAULT 0 CHECK (households >= 0),
	adults INTEGER NOT NULL DEFAULT 0 CHECK (adults >= 0),
	one_shoulder BOOLEAN NOT NULL DEFAULT TRUE
);

CREATE TABLE enterprises (
	id {{ID}},
	name TEXT NOT NULL,
	credit_code TEXT NOT NULL UNIQUE,
	above_scale BOOLEAN NOT NULL DEFAULT FALSE,
	above_quota BOOLEAN NOT NULL DEFAULT FALSE,
	industry TEXT NOT NULL DEFAULT '',
	address TEXT NOT NULL DEFAULT '',
	created_at {{TS}} NOT NULL,
	updated_at {{TS}} NOT NULL
);
CREATE INDEX enterprises_name ON enterprises (name);

CREATE TABLE enterprise_designations (
	enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
	designation TEXT NOT NULL CHECK (designation IN ('specialized','specialized_demo','single_champion','eco_positive','tech_reform','passive_building','high_tech')),
	year INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (enterprise_id, designation, year)
);

-- Party organisations as a tree: 党工委 → 机关党委 → 机关党支部; village and
-- enterprise party organisations hang under 党工委.
CREATE TABLE branches (
	id {{ID}},
	parent_id BIGINT REFERENCES branches (id),
	kind TEXT NOT NULL CHECK (kind IN ('working_committee','organ_committee','organ_branch','village','enterprise','other')),
	name TEXT NOT NULL UNIQUE,
	village_id BIGINT REFERENCES villages (id),
	enterprise_id BIGINT REFERENCES enterprises (id),
	department_id BIGINT REFERENCES departments (id),
	founded_on TEXT NOT NULL DEFAULT '',
	sort INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX branches_parent ON branches (parent_id);

CREATE TABLE people (
	id {{ID}},
	name TEXT NOT NULL,
	gender TEXT NOT NULL DEFAULT '' CHECK (gender IN ('', 'M', 'F')),
	birth_year INTEGER NOT NULL DEFAULT 0,
	id_number_enc {{BLOB}},
	id_number_idx TEXT UNIQUE,
	id_number_mask TEXT NOT NULL DEFAULT '',
	mobile_enc {{BLOB}},
	mobile_idx TEXT,
	mobile_mask TEXT NOT NULL DEFAULT '',
	party_member BOOLEAN NOT NULL DEFAULT FALSE,
	joined_party_on TEXT NOT NULL DEFAULT '',
	branch_id BIGINT REFERENCES branches (id),
	village_id BIGINT REFERENCES villages (id),
	department_id BIGINT REFERENCES departments (id),
	enterprise_id BIGINT REFERENCES enterprises (id),
	created_at {{TS}} NOT NULL,
	updated_at {{TS}} NOT NULL
);
CREATE INDEX people_name ON people (name);
CREATE INDEX people_branch ON people (branch_id);
CREATE INDEX people_village ON people (village_id);
CREATE INDEX people_mobile ON people (mobile_idx);

-- Positions a person holds in a unit: 村党组织书记, 两委委员, 村民代表,
-- 党务工作者, 联络员 … (codes in positions.go).
CREATE TABLE positions (
	id {{ID}},
	person_id BIGINT NOT NULL REFERENCES people (id),
	title TEXT NOT NULL,
	village_id BIGINT REFERENCES villages (id),
	branch_id BIGINT REFERENCES branches (id),
	department_id BIGINT REFERENCES departments (id),
	enterprise_id BIGINT REFERENCES enterprises (id),
	started_on TEXT NOT NULL DEFAULT '',
	ended_on TEXT NOT NULL DEFAULT ''
);
CREATE INDEX positions_person ON positions (person_id);
CREATE INDEX positions_title ON positions (title);

-- Liaisons (非公党建指导员) assigned to enterprises.
CREATE TABLE liaison_assignments (
	person_id BIGINT NOT NULL REFERENCES people (id),
	enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
	since TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (person_id, enterprise_id)
);
