package organ

import (
	"context"
	"fmt"
	"time"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/db"
)

// guidanceDemo is the demo's guidance of the branches over 2021: day,
// method, summary and problems (a problem prefixed "+" is closed, "~" has
// a rectification note).
var guidanceDemo = []struct {
	day, method, summary string
	problems             []string
}{
	{"2021-01-19", "review", "查阅支部2020年度“三会一课”记录和党费收缴台账，总体规范。", []string{"+党费收缴台账个别月份缺少经手人签字"}},
	{"2021-02-23", "talk", "与支部班子成员座谈，了解年度党建工作计划制定情况。", []string{"+年度计划未结合业务工作细化", "+支委分工未上墙公示"}},
	{"2021-03-25", "review", "检查党史学习教育动员部署和学习资料发放情况。", []string{"+学习笔记记录不够完整"}},
	{"2021-04-20", "talk", "座谈了解支部党员参与“我为群众办实事”实践活动情况。", []string{"+办实事项目清单未建立台账", "+部分党员参与度不高"}},
	{"2021-05-18", "other", "随支部参加主题党日活动，现场指导活动组织流程。", []string{"+主题党日活动方案报备不及时"}},
	{"2021-06-22", "review", "查看支部发展党员档案材料。", []string{"+入党积极分子培养考察记录缺少季度考察意见", "~政审材料归档顺序不规范"}},
	{"2021-07-20", "talk", "座谈交流学习习近平总书记“七一”重要讲话精神情况。", []string{"+专题学习研讨发言材料不全"}},
	{"2021-08-24", "review", "检查支部组织生活会会前准备材料。", []string{"~谈心谈话记录过于简单", "对照检查材料问题查摆不够具体"}},
	{"2021-09-16", "talk", "座谈了解支部标准化建设自查情况。", []string{"+支部阵地建设资料未及时更新"}},
	{"2021-10-21", "review", "机关党委成立后首次检查支部台账，对照标准化清单逐项核对。", []string{"~“三会一课”记录缺少参会人员签到", "支部委员会会议未按月召开", "党员活动室制度牌未更新"}},
	{"2021-11-23", "talk", "座谈听取支部书记抓党建述职准备情况。", []string{"述职报告未体现以党建促业务的具体成效"}},
	{"2021-12-14", "review", "查看支部年度学习计划完成情况和学习强国积分情况。", []string{"~部分党员学习强国积分偏低", "年度学习计划有两次专题学习未完成"}},
}

// loadVisitsDemo adds the seed's study visit of 2021-11-18 (the 28 party
// workers at the tax bureau) and the committee's guidance of 12 organ
// branches over 2021. Deterministic.
func loadVisitsDemo(m *Module, ctx context.Context) error {
	workers, err := m.Dir.PositionHolders(ctx, directory.PosPartyWorker)
	if err != nil {
		return err
	}
	bs, err := m.Dir.BranchList(ctx, directory.KindOrganBranch)
	if err != nil {
		return err
	}
	at := time.Date(2021, 11, 18, 9, 0, 0, 0, time.UTC)
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		vid, err := tx.InsertID(ctx, `INSERT INTO visits (visited_on, host, title, topics, created_by, created_at) VALUES (?, ?, ?, ?, 0, ?)`,
			"2021-11-18", "税务局", "机关党委组织全区16个机关党支部28名党务工作者到税务局学习机关党建工作先进经验", "党支部建设、党务干部培养、以党建促业务", at)
		if err != nil {
			return err
		}
		for _, w := range workers {
			if _, err := tx.ExecContext(ctx, `INSERT INTO visits_participants (visit_id, person_id) VALUES (?, ?)`, vid, w.PersonID); err != nil {
				return err
			}
		}
		for _, a := range []struct{ body, owner, status string }{
			{"借鉴税务局“党建+业务”融合做法，各支部结合业务工作确定一个党建品牌项目", "机关党委办公室", "done"},
			{"建立党务工作者定期交流培训机制，每季度组织一次业务交流", "机关党委组织委员", "open"},
		} {
			if _, err := tx.ExecContext(ctx, `INSERT INTO visits_actions (visit_id, body, owner, status, updated_at) VALUES (?, ?, ?, ?, ?)`, vid, a.body, a.owner, a.status, at); err != nil {
				return err
			}
		}
		for i, g := range guidanceDemo {
			if len(bs) == 0 {
				break
			}
			b := bs[i%len(bs)]
			t, _ := time.ParseInLocation("2006-01-02", g.day, time.UTC)
			gid, err := tx.InsertID(ctx, `INSERT INTO visits_guidance (branch_id, guided_on, method, summary, created_by, created_at) VALUES (?, ?, ?, ?, 0, ?)`,
				b.ID, g.day, g.method, g.summary, t)
			if err != nil {
				return err
			}
			for _, p := range g.problems {
				status, note, closed := "open", "", ""
				switch p[0] {
				case '+':
					status, note, closed = "closed", "已按要求整改到位。", dayAdd(g.day, 21)
					p = p[1:]
				case '~':
					status, note = "rectifying", "已制定整改措施，正在落实。"
					p = p[1:]
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO visits_problems (guidance_id, body, status, note, closed_on, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
					gid, p, status, note, closed, t); err != nil {
					return fmt.Errorf("guidance demo: %w", err)
				}
			}
		}
		return nil
	})
}
