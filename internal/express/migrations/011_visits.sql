-- 企业大走访 "十问、七找、一宣讲": the question and finding lists are
-- configuration (kind question|finding, in order); defaults are ours.
CREATE TABLE express_visit_items (
	kind TEXT NOT NULL CHECK (kind IN ('question', 'finding')),
	code TEXT NOT NULL,
	position INTEGER NOT NULL,
	zh TEXT NOT NULL,
	en TEXT NOT NULL,
	PRIMARY KEY (kind, code)
);
INSERT INTO express_visit_items (kind, code, position, zh, en) VALUES
	('question', 'q01', 1, '一问生产经营：当前产能、订单和产值情况如何？', 'Operations: current capacity, orders and output?'),
	('question', 'q02', 2, '二问困难问题：生产经营中遇到哪些困难和瓶颈？', 'Difficulties: what obstacles and bottlenecks do you face?'),
	('question', 'q03', 3, '三问政策落实：惠企政策是否知晓、是否享受到位？', 'Policies: do you know and receive the support policies?'),
	('question', 'q04', 4, '四问党建工作：党组织建设和党员作用发挥如何？', 'Party building: how are the party organisation and members doing?'),
	('question', 'q05', 5, '五问人才需求：招工用工和人才引进有何需求？', 'Talent: what are your hiring and talent needs?'),
	('question', 'q06', 6, '六问融资需求：资金周转和融资渠道是否顺畅？', 'Financing: are cash flow and financing channels adequate?'),
	('question', 'q07', 7, '七问用地需求：土地、厂房等要素保障是否满足？', 'Land: are land and premises sufficient?'),
	('question', 'q08', 8, '八问营商环境：办事效率和服务质量评价如何？', 'Business environment: how do you rate services and efficiency?'),
	('question', 'q09', 9, '九问安全环保：安全生产和环保达标有何问题？', 'Safety and environment: any safety or environmental issues?'),
	('question', 'q10', 10, '十问意见建议：对开发区工作有何意见建议？', 'Suggestions: what do you suggest to the zone?'),
	('finding', 'f1', 1, '找问题', 'Problems'),
	('finding', 'f2', 2, '找差距', 'Gaps'),
	('finding', 'f3', 3, '找需求', 'Needs'),
	('finding', 'f4', 4, '找典型', 'Good examples'),
	('finding', 'f5', 5, '找党员', 'Party members'),
	('finding', 'f6', 6, '找人才', 'Talent'),
	('finding', 'f7', 7, '找项目', 'Projects and leads');

-- A visit: the enterprise, the day, the cadre leading it, who took part, the
-- ten answers (JSON [{code, answer}]), and the policy briefing given
-- (一宣讲). liaison_id is the liaison whose field work it is (earns 企业走访,
-- and 政策宣讲 when a briefing was given).
CREATE TABLE express_visits (
	id {{ID}},
	enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
	liaison_id BIGINT REFERENCES people (id),
	visited_on TEXT NOT NULL,
	leader TEXT NOT NULL,
	participants TEXT NOT NULL DEFAULT '',
	answers TEXT NOT NULL DEFAULT '[]',
	briefing TEXT NOT NULL DEFAULT '',
	created_by BIGINT NOT NULL,
	created_at {{TS}} NOT NULL
);
CREATE INDEX express_visits_enterprise ON express_visits (enterprise_id, visited_on);
CREATE INDEX express_visits_day ON express_visits (visited_on);

-- The seven findings of a visit; a finding may become a demand (one step).
CREATE TABLE express_visit_findings (
	id {{ID}},
	visit_id BIGINT NOT NULL REFERENCES express_visits (id),
	code TEXT NOT NULL,
	body TEXT NOT NULL,
	demand_id BIGINT
);
CREATE INDEX express_visit_findings_visit ON express_visit_findings (visit_id);
