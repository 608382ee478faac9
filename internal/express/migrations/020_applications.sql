-- Policy-application help (政策申报帮办). Programmes are configuration: the
-- defaults are the programmes the seed names; the office adds others. Where
-- a programme matches a directory designation the code is the same.
CREATE TABLE appl_programmes (
	code TEXT PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	name_en TEXT NOT NULL DEFAULT '',
	sort INTEGER NOT NULL DEFAULT 0
);
INSERT INTO appl_programmes (code, name, name_en, sort) VALUES
	('specialized', '专精特新', 'Specialised & innovative', 10),
	('specialized_demo', '专精特新示范', 'Specialised & innovative (demonstration)', 20),
	('tech_reform', '技术改造专项基金', 'Technical transformation fund', 30),
	('single_champion', '单项冠军', 'Single champion', 40),
	('passive_building', '被动式超低能耗建筑产业项目', 'Passive ultra-low-energy building industry project', 50),
	('it_integration', '新一代信息技术与制造业融合发展', 'New-generation IT and manufacturing integration', 60),
	('micro_base', '小微企业创业创新基地', 'Small and micro business innovation base', 70),
	('eco_positive', '生态环境正面清单', 'Environmental positive list', 80),
	('high_tech', '高新技术企业认定', 'High-tech enterprise recognition', 90);

-- One application of one applicant to one programme in one year. The
-- applicant is an enterprise of the directory or, for a zone body that is
-- not a company (开发区创业中心), a name. Amounts are fen.
CREATE TABLE appl_applications (
	id {{ID}},
	programme TEXT NOT NULL REFERENCES appl_programmes (code),
	year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
	enterprise_id BIGINT REFERENCES enterprises (id),
	applicant TEXT NOT NULL DEFAULT '',
	helper_person_id BIGINT REFERENCES people (id),
	helper_department_id BIGINT REFERENCES departments (id),
	help_notes TEXT NOT NULL DEFAULT '',
	amount_applied BIGINT NOT NULL DEFAULT 0 CHECK (amount_applied >= 0),
	amount_granted BIGINT NOT NULL DEFAULT 0 CHECK (amount_granted >= 0),
	status TEXT NOT NULL DEFAULT 'preparing' CHECK (status IN ('preparing', 'submitted', 'approved', 'rejected')),
	submitted_on TEXT NOT NULL DEFAULT '',
	outcome_on TEXT NOT NULL DEFAULT '',
	outcome_notes TEXT NOT NULL DEFAULT '',
	created_by BIGINT NOT NULL DEFAULT 0,
	created_at {{TS}} NOT NULL,
	updated_at {{TS}} NOT NULL,
	CHECK (enterprise_id IS NOT NULL OR applicant <> ''),
	CHECK (helper_person_id IS NOT NULL OR helper_department_id IS NOT NULL)
);
CREATE UNIQUE INDEX appl_applications_ent ON appl_applications (programme, year, enterprise_id) WHERE enterprise_id IS NOT NULL;
CREATE UNIQUE INDEX appl_applications_other ON appl_applications (programme, year, applicant) WHERE enterprise_id IS NULL;
CREATE INDEX appl_applications_year ON appl_applications (year, programme);

-- Every status change, with who and when.
CREATE TABLE appl_history (
	id {{ID}},
	application_id BIGINT NOT NULL REFERENCES appl_applications (id),
	from_status TEXT NOT NULL,
	to_status TEXT NOT NULL,
	day TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	by_user BIGINT NOT NULL DEFAULT 0,
	at {{TS}} NOT NULL
);
CREATE INDEX appl_history_app ON appl_history (application_id);
