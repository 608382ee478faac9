package express

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"zhongshu/internal/platform/db"
)

func init() {
	demoParts = append(demoParts, demoPart{Order: 50, Load: loadVisitsDemo})
}

// demoAnswers are answers to the ten questions, picked in turn.
var demoAnswers = [][]string{
	{"订单饱满，产能利用率约八成，预计全年产值同比增长一成以上", "原材料价格上涨，利润空间收窄", "已知晓研发费用加计扣除政策，尚未享受技改补助", "有党员 3 名，尚未单独建立党组织", "缺少熟练技术工人和研发人员", "流动资金偏紧，希望对接银行信贷产品", "现有厂房基本满足需要", "审批服务效率较高，希望进一步压缩办理时限", "安全生产制度健全，环保设施运行正常", "希望多组织政策解读和银企对接活动"},
	{"生产经营平稳，新增两条生产线正在调试", "物流成本上升，部分客户回款周期长", "希望了解专精特新企业申报条件", "党支部按月开展主题党日活动", "需要引进自动化方向的工程师", "计划申请技术改造专项贷款", "二期项目需要新增用地约 20 亩", "水电气报装服务到位", "危化品仓储管理需要专业指导", "建议建立企业服务专员制度"},
	{"受疫情影响出口订单有所下降，内销增长", "芯片等关键零部件供应紧张", "已享受社保费阶段性减免政策", "联合党支部覆盖本企业和周边两家企业", "一线员工流动性较大", "融资渠道单一，主要依靠自有资金", "厂区道路需要修缮", "希望简化项目验收手续", "年内开展了两次应急演练", "希望协调解决员工子女入学问题"},
}

// demoFindings are findings (code, text), picked in turn.
var demoFindings = [][2]string{
	{"f1", "企业反映配套道路照明不足，夜班员工出行不便"},
	{"f3", "企业希望对接高校开展产学研合作"},
	{"f5", "企业有流动党员 2 名，组织关系尚未转入"},
	{"f4", "企业以党建带工建做法成效明显，可总结推广"},
	{"f6", "企业研发团队负责人有意申报市级人才项目"},
	{"f2", "与同行业先进企业相比，数字化管理水平有差距"},
	{"f7", "企业掌握一家上游配套企业的落户意向"},
}

// demoBriefings are policy briefings given on visits, in turn.
var demoBriefings = []string{
	"宣讲研发费用加计扣除和高新技术企业认定政策",
	"宣讲专精特新中小企业培育和申报政策",
	"宣讲技术改造专项资金支持政策",
	"宣讲非公企业党组织组建和党建工作经费政策",
	"宣讲稳岗返还和职业技能培训补贴政策",
}

// demoLeaders names the cadres leading the visits ("由主要领导带队"):
// the demo's two committee leaders, by post.
func demoLeaders(ctx context.Context, tx *db.Tx) []string {
	var out []string
	for _, u := range []struct{ user, post string }{{"committee_2", "党工委书记"}, {"committee", "机关党委书记"}} {
		var name string
		if err := tx.QueryRowContext(ctx, `SELECT p.name FROM users u JOIN people p ON p.id = u.person_id WHERE u.username = ?`, u.user).Scan(&name); err == nil {
			out = append(out, u.post+" "+name)
		}
	}
	if len(out) == 0 {
		out = []string{"党工委主要负责人"}
	}
	return out
}

// demoAssignment is a liaison and one of their enterprises.
type demoAssignment struct {
	person, enterprise int64
	li, ej             int // liaison's index, enterprise's index among theirs
}

func demoAssignments(ctx context.Context, tx *db.Tx) ([]demoAssignment, error) {
	rows, err := tx.QueryContext(ctx, `SELECT person_id, enterprise_id FROM liaison_assignments ORDER BY person_id, enterprise_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []demoAssignment
	li, ej := -1, 0
	var last int64
	for rows.Next() {
		var a demoAssignment
		if err := rows.Scan(&a.person, &a.enterprise); err != nil {
			return nil, err
		}
		if a.person != last {
			li, ej, last = li+1, 0, a.person
		}
		a.li, a.ej = li, ej
		ej++
		out = append(out, a)
	}
	return out, rows.Err()
}

// loadVisitsDemo records the 大走访 since the liaisons were appointed
// (2021-08): each liaison visits their enterprises in turn, about one
// enterprise-month in five, led by one of the committee's leaders; three
// visits in four carry a briefing and every third a finding or two. The
// demo liaison visits 天成药业 five times in November, recorded first (visit
// 1), so the monthly cap shows (the fifth visit earns 0). Points go through the
// ledger. Deterministic.
func loadVisitsDemo(m *Module, ctx context.Context) error {
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		as, err := demoAssignments(ctx, tx)
		if err != nil {
			return err
		}
		leaders := demoLeaders(ctx, tx)
		at := time.Date(2021, 12, 20, 1, 0, 0, 0, time.UTC)
		n := 0
		add := func(a demoAssignment, day string) error {
			n++
			var answers []Answer
			set := demoAnswers[n%len(demoAnswers)]
			for q := 0; q < 10; q++ {
				if (q+n)%4 == 3 && q != 1 { // a few left unanswered; difficulties always asked
					continue
				}
				answers = append(answers, Answer{Code: fmt.Sprintf("q%02d", q+1), Answer: set[q]})
			}
			js, _ := json.Marshal(answers)
			briefing := ""
			if n%4 != 0 {
				briefing = demoBriefings[n%len(demoBriefings)]
			}
			id, err := tx.InsertID(ctx, `INSERT INTO express_visits (enterprise_id, liaison_id, visited_on, leader, participants, answers, briefing, created_by, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)`, a.enterprise, a.person, day, leaders[n%len(leaders)], "联络员、经发局工作人员", string(js), briefing, at)
			if err != nil {
				return err
			}
			if n%3 == 0 {
				for k := 0; k < 1+n%2; k++ {
					f := demoFindings[(n+k)%len(demoFindings)]
					if _, err := tx.ExecContext(ctx, `INSERT INTO express_visit_findings (visit_id, code, body) VALUES (?, ?, ?)`, id, f[0], f[1]); err != nil {
						return err
					}
				}
			}
			e := Earning{PersonID: a.person, Kind: KindVisit, RefType: "visit", RefID: id, EnterpriseID: a.enterprise, Day: day}
			if err := m.earn(ctx, e); err != nil {
				return err
			}
			if briefing != "" {
				e.Kind = KindBriefing
				return m.earn(ctx, e)
			}
			return nil
		}
		// First, the demo liaison's weekly visits to 天成药业 (the demo
		// enterprise account's) in November, following up a production
		// problem: visit 1, and the fifth is capped.
		var ent int64
		if err := tx.QueryRowContext(ctx, `SELECT r.scope_id FROM user_roles r JOIN users u ON u.id = r.user_id WHERE u.username = 'enterprise'`).Scan(&ent); err != nil {
			ent = 0 // no demo accounts
		}
		for _, a := range as {
			if a.enterprise != ent {
				continue
			}
			for _, d := range []string{"2021-11-02", "2021-11-09", "2021-11-16", "2021-11-23", "2021-11-30"} {
				if err := add(a, d); err != nil {
					return err
				}
			}
			break
		}
		months := []string{"2021-08", "2021-09", "2021-10", "2021-11", "2021-12"}
		for mi, month := range months {
			for _, a := range as {
				if (a.li+2*a.ej+mi)%5 != 0 {
					continue
				}
				day := fmt.Sprintf("%s-%02d", month, 6+(a.li*3+a.ej*5)%20)
				if month == "2021-12" && day > "2021-12-17" {
					day = "2021-12-17"
				}
				if err := add(a, day); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
