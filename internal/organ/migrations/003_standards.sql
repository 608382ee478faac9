-- Standardisation of organ branches (支部标准化建设), the committee's
-- documents (制度文件) and the annual training plan (年度培训计划).

-- The checklist: configuration rows, 100-point base with deductions per
-- item. Defaults: the ten areas of RULES.md §5 [local].
CREATE TABLE organ_std_items (
	id {{ID}},
	area TEXT NOT NULL,
	item TEXT NOT NULL,
	max_points INTEGER NOT NULL CHECK (max_points > 0 AND max_points <= 100),
	rule TEXT NOT NULL DEFAULT '',
	position INTEGER NOT NULL DEFAULT 0,
	active BOOLEAN NOT NULL DEFAULT TRUE
);
INSERT INTO organ_std_items (area, item, max_points, rule, position) VALUES
('管党责任', '支部书记履行第一责任人职责，年度党建工作计划和总结齐全', 6, '无年度计划或总结各扣3分', 1),
('管党责任', '落实“一岗双责”，支委分工明确', 4, '分工不明确扣2分，未落实扣4分', 2),
('政治建设', '学习贯彻党的理论和路线方针政策，落实“第一议题”制度', 6, '每缺一次扣1分', 3),
('政治建设', '严明政治纪律和政治规矩，落实意识形态工作责任制', 4, '发现问题一次扣2分', 4),
('学习教育', '制定年度学习计划，集中学习每月不少于1次', 6, '每缺一次扣1分', 5),
('学习教育', '党员参加学习平台和培训，完成年度学时', 4, '完成率低于90%扣2分，低于70%扣4分', 6),
('组织建设', '支委会按期换届，班子配备齐全', 6, '未按期换届扣4分，缺额扣2分', 7),
('组织建设', '党小组设置合理，组长明确', 4, '设置不合理扣2分', 8),
('发展党员', '发展党员程序规范，材料完整', 5, '程序不规范每例扣2分', 9),
('发展党员', '入党积极分子培养教育有记录', 5, '无培养记录扣3分', 10),
('组织生活', '三会一课按规定频次召开，记录完整', 6, '每缺一次扣1分', 11),
('组织生活', '主题党日每月开展，组织生活会和民主评议党员每年开展', 6, '每缺一次扣1分，未开展组织生活会扣4分', 12),
('组织生活', '谈心谈话全覆盖', 3, '未全覆盖扣2分', 13),
('党员管理', '党员信息准确，组织关系转接及时', 5, '信息错误每处扣1分', 14),
('党员管理', '党费按月足额收缴，按规定使用', 5, '未按时收缴扣2分，未足额扣3分', 15),
('作风服务', '党员亮身份、践承诺，开展志愿服务', 5, '未开展扣3分', 16),
('作风服务', '服务群众和企业，无不良反映', 5, '有投诉查实每件扣2分', 17),
('制度建设', '支部工作制度健全、上墙公示', 4, '制度缺项每项扣1分', 18),
('制度建设', '制度执行有检查、有记录', 3, '无检查记录扣2分', 19),
('基础建设', '党员活动阵地规范，标识统一', 4, '不规范扣2分', 20),
('基础建设', '党建工作台账规范齐全、按时归档', 4, '台账缺项每项扣1分', 21);

-- An assessment of one item for one branch and year: points deducted
-- (0 … the item's max points) with the reason.
CREATE TABLE organ_std_assessments (
	id {{ID}},
	branch_id BIGINT NOT NULL REFERENCES branches(id),
	year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
	item_id BIGINT NOT NULL REFERENCES organ_std_items(id),
	deducted INTEGER NOT NULL CHECK (deducted >= 0),
	reason TEXT NOT NULL DEFAULT '',
	assessed_by BIGINT NOT NULL DEFAULT 0,
	assessed_at {{TS}} NOT NULL,
	UNIQUE (branch_id, year, item_id)
);

-- Evidence a branch attaches to an item (files owner type "evidence").
CREATE TABLE organ_std_evidence (
	id {{ID}},
	branch_id BIGINT NOT NULL REFERENCES branches(id),
	year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
	item_id BIGINT NOT NULL REFERENCES organ_std_items(id),
	note TEXT NOT NULL,
	created_by BIGINT NOT NULL DEFAULT 0,
	created_at {{TS}} NOT NULL
);
CREATE INDEX organ_std_evidence_branch ON organ_std_evidence (branch_id, year);

-- The committee's documents. Issued documents are never edited: a change
-- is a repeal (and a new document).
CREATE TABLE organ_documents (
	id {{ID}},
	title TEXT NOT NULL,
	number TEXT NOT NULL DEFAULT '',
	issued_on TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL CHECK (status IN ('draft', 'issued', 'repealed')),
	body TEXT NOT NULL DEFAULT '',
	created_by BIGINT NOT NULL DEFAULT 0,
	created_at {{TS}} NOT NULL,
	updated_at {{TS}} NOT NULL
);

-- Courses of the annual training plan, for one audience.
CREATE TABLE organ_courses (
	id {{ID}},
	year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
	title TEXT NOT NULL,
	starts_on TEXT NOT NULL,
	ends_on TEXT NOT NULL,
	audience TEXT NOT NULL CHECK (audience IN ('all', 'party_workers', 'branch_secretaries')),
	hours INTEGER NOT NULL CHECK (hours BETWEEN 1 AND 200),
	place TEXT NOT NULL DEFAULT '',
	created_at {{TS}} NOT NULL
);

-- Attendance of a course, per member.
CREATE TABLE organ_course_attendance (
	course_id BIGINT NOT NULL REFERENCES organ_courses(id),
	person_id BIGINT NOT NULL REFERENCES people(id),
	present BOOLEAN NOT NULL,
	PRIMARY KEY (course_id, person_id)
);
