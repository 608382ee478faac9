package express

import (
	"context"
	"fmt"
	"time"
	"zhongshu/internal/platform/db"
)

func init() {
	demoParts = append(demoParts, demoPart{Order: 52, Load: loadLiaisonDemo})
}

// demoReports are information reports (title, text), in turn.
var demoReports = [][2]string{
	{"企业生产经营情况", "企业三季度产值同比增长，订单排产至明年一季度，用工需求增加约 30 人。"},
	{"企业党建工作情况", "企业党支部按月开展主题党日活动，党员在生产一线设立先锋岗 3 个。"},
	{"企业反映用地需求", "企业计划实施二期扩建项目，需新增工业用地约 20 亩，已提交项目建议书。"},
	{"企业融资需求情况", "企业流动资金偏紧，希望对接银行开展应收账款质押融资。"},
	{"企业安全生产情况", "企业完成年度安全生产隐患排查，整改问题 5 项，无重大隐患。"},
}

// demoPractices are good practices (经验做法) liaisons reported, in turn.
var demoPractices = [][2]string{
	{"“党建+生产”先锋岗做法", "企业党支部在关键生产工序设立党员先锋岗，带动产品一次合格率提升 3 个百分点，可在同类企业推广。"},
	{"联合党支部带动小微企业做法", "园区 3 家小微企业组建联合党支部，统一开展组织生活和技能培训，解决了党员少、活动难的问题。"},
	{"党员技术攻关小组做法", "企业组建党员技术攻关小组，年内完成技术改造项目 2 项，节约成本约 80 万元。"},
}

// demoTrainings are the liaisons' trainings and meetings since they were
// appointed in 2021-08: day, kind, title, and every how-many-th liaison
// missed it (0: all came).
var demoTrainings = []struct {
	day, kind, title string
	skip             int
}{
	{"2021-08-10", "training", "非公党建指导员（直通车联络员）岗前培训", 0},
	{"2021-09-15", "meeting", "党建直通车工作推进会", 7},
	{"2021-11-05", "training", "非公企业党组织组建和规范化建设专题培训", 5},
	{"2021-12-10", "meeting", "直通车联络员工作座谈会", 9},
}

// loadLiaisonDemo files the liaisons' information reports (one to three
// each, Sept–Dec; one in ten a good practice, adopted when filed before
// December) and records their trainings and meetings, each earning
// its points through the ledger. Deterministic.
func loadLiaisonDemo(m *Module, ctx context.Context) error {
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		as, err := demoAssignments(ctx, tx)
		if err != nil {
			return err
		}
		at := time.Date(2021, 12, 20, 1, 0, 0, 0, time.UTC)
		var people []demoAssignment // each liaison's first enterprise
		for _, a := range as {
			if a.ej == 0 {
				people = append(people, a)
			}
		}
		n := 0
		for _, a := range people {
			for k := 0; k <= a.li%3; k++ {
				n++
				r, kind := demoReports[n%len(demoReports)], "info"
				if n%10 == 0 {
					r, kind = demoPractices[(n/10)%len(demoPractices)], "practice"
				}
				day := fmt.Sprintf("2021-%02d-%02d", 9+(a.li+k)%4, 8+(a.li*7+k*3)%18)
				if day > "2021-12-17" {
					day = "2021-12-17" // the Friday before the demo day
				}
				id, err := tx.InsertID(ctx, `INSERT INTO express_reports (person_id, enterprise_id, kind, filed_on, title, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
					a.person, a.enterprise, kind, day, r[0], r[1], at)
				if err != nil {
					return err
				}
				if err := m.earn(ctx, Earning{PersonID: a.person, Kind: KindReport, RefType: "report", RefID: id, EnterpriseID: a.enterprise, Day: day}); err != nil {
					return err
				}
				// the office adopts the first practices reported before December, on the Friday after
				if kind == "practice" && day < "2021-12-01" {
					t, _ := time.Parse("2006-01-02", day)
					adopt := t.AddDate(0, 0, (11-int(t.Weekday()))%7+1).Format("2006-01-02")
					if _, err := tx.ExecContext(ctx, `UPDATE express_reports SET adopted_on = ? WHERE id = ?`, adopt, id); err != nil {
						return err
					}
					if err := m.earn(ctx, Earning{PersonID: a.person, Kind: KindBonusPractice, RefType: "report", RefID: id, EnterpriseID: a.enterprise, Day: adopt}); err != nil {
						return err
					}
				}
			}
		}
		for _, t := range demoTrainings {
			id, err := tx.InsertID(ctx, `INSERT INTO express_trainings (held_on, kind, title, created_by, created_at) VALUES (?, ?, ?, 0, ?)`, t.day, t.kind, t.title, at)
			if err != nil {
				return err
			}
			for _, a := range people {
				if t.skip > 0 && (a.li+1)%t.skip == 0 {
					continue
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO express_training_attendees (training_id, person_id) VALUES (?, ?)`, id, a.person); err != nil {
					return err
				}
				if err := m.earn(ctx, Earning{PersonID: a.person, Kind: KindTraining, RefType: "training", RefID: id, Day: t.day}); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
