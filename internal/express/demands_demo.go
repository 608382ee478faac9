package express

import (
	"context"
	"fmt"
	"strings"
	"time"

	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
)

// demandDemo is the demo year of demands (issue 6 item 10): the 直通车
// office opened in January 2021 (seed), liaisons report from August, and
// the departments the seed names (经发局、组织部、人社局、工会、投促局…)
// handle them. Each row: the day raised, the enterprise (name prefix, or
// "#n" for the n-th enterprise by id), category, lead department code,
// helper codes, and the plan — space-separated steps counted in working
// days: "rN" routed N working days after raising, "aN" signed N after
// routing, "sN" resolved N after routing, a rating (satisfied, basically,
// unsatisfied) given 2 working days after resolving, "X" complex, "E"
// extended, "R" reopened after an unsatisfied rating and resolved again
// 3 working days later, "A" left signed for but not started, "T" returned once by a wrong department before
// routing, "L" raised by the enterprise's liaison, "O" by the office.
var demandDemo = []struct {
	day, ent, cat, dept, helpers, plan, text string
}{
	{"2021-01-11", "天成药业", "policy", "ECON", "", "O r1 a1 s3 satisfied", "咨询2021年技术改造专项资金申报条件和时间安排"},
	{"2021-01-18", "北京现代", "production", "ECON", "INVEST", "O r1 a2 s5 satisfied", "配套供应商入园选址需要协调用地和厂房"},
	{"2021-01-26", "#7", "party_building", "ORG", "", "r1 a1 s4 satisfied", "企业党员人数达到3人，咨询成立党支部的程序"},
	{"2021-02-22", "#12", "production", "HRSS", "", "r1 a2 s5 basically", "春节后一线普工缺口较大，希望协助组织招聘"},
	{"2021-03-03", "岱摩斯", "policy", "TAX", "", "r0 a1 s2 satisfied", "咨询研发费用加计扣除政策和申报口径"},
	{"2021-03-15", "#21", "suggestion", "OFFICE", "", "r1 a2 s5 satisfied", "建议在园区主干道增设公交站点方便职工通勤"},
	{"2021-03-29", "#30", "production", "ECON", "", "r1 a3 s7 unsatisfied", "新厂房用电增容申请进展缓慢，影响设备调试"},
	{"2021-04-12", "唐威药业", "policy", "ECON", "", "r1 a1 s4 satisfied", "咨询专精特新示范企业认定标准和材料要求"},
	{"2021-04-26", "#38", "party_building", "ORG", "UNION", "r1 a2 s5 satisfied", "党支部活动场所不足，希望与周边企业共建党群活动室"},
	{"2021-05-10", "#44", "other", "SOC", "", "r2 a2 s5 basically", "企业职工子女入学咨询"},
	{"2021-05-24", "恒祥生粮食机械", "policy", "ECON", "", "r1 a1 s5 satisfied", "咨询专精特新中小企业申报流程"},
	{"2021-06-07", "#53", "production", "INVEST", "ECON", "X r1 a2 s9 satisfied", "扩产项目环评和能评手续办理周期长，希望协调加快"},
	{"2021-06-21", "#60", "suggestion", "UNION", "", "r1 a1 s3 satisfied", "建议工会组织夏季送清凉活动"},
	{"2021-07-05", "#66", "major", "ECON", "INVEST", "X r1 a2 s10 basically", "企业拟实施兼并重组，需协调相关手续"},
	{"2021-07-19", "#72", "party_building", "ORG", "", "r1 a2 s4 satisfied", "新任党支部书记缺乏党务工作经验，希望组织培训"},
	{"2021-08-09", "天成药业", "major", "ECON", "TAX", "L X E r1 a2 s18 satisfied", "申报河北省单项冠军企业，需要协调第三方评估和数据核实"},
	{"2021-08-16", "#80", "production", "HRSS", "", "L r1 a1 s4 satisfied", "技术工人社保补贴政策落实不到位"},
	{"2021-08-23", "#85", "suggestion", "YOUTH", "", "r1 a3 s6 basically", "建议组织青年职工联谊活动"},
	{"2021-09-06", "#91", "production", "ECON", "", "L T r1 a2 s5 satisfied", "原材料价格上涨，咨询稳企纾困资金"},
	{"2021-09-13", "慧科", "policy", "ECON", "", "r1 a1 s4 satisfied", "咨询新一代信息技术与制造业融合发展项目申报"},
	{"2021-09-27", "#97", "party_building", "ORG", "", "L r1 a2 s5 satisfied", "企业党组织换届选举程序咨询"},
	{"2021-10-11", "#103", "production", "INVEST", "", "r1 a2 s6 satisfied", "早餐会反映：物流车辆进出园区通行不便"},
	{"2021-10-18", "#109", "other", "WOMEN", "", "L r1 a1 s3 satisfied", "女职工权益保护专项宣讲需求"},
	{"2021-10-25", "#115", "production", "ECON", "OFFICE", "r1 a3 s8 unsatisfied R basically", "企业门前道路破损严重，影响货车通行"},
	{"2021-11-01", "#121", "policy", "TAX", "", "L r1 a1 s2 satisfied", "咨询小微企业增值税减免政策"},
	{"2021-11-08", "#127", "suggestion", "OFFICE", "", "r1 a2 s5 basically", "建议定期召开政企座谈会"},
	{"2021-11-15", "#133", "production", "HRSS", "", "L r1 a2 s6 satisfied", "冬季生产用工紧张，希望对接职业院校实习生"},
	{"2021-11-22", "北京现代", "major", "ECON", "INVEST", "X r1 a1", "新车型投产配套项目需协调供电、供气"},
	{"2021-11-29", "#139", "party_building", "ORG", "", "L r1 a2 s5", "非公企业党建示范点创建咨询"},
	{"2021-12-06", "#145", "production", "ECON", "", "r1 a2", "冬季错峰生产方案对订单交付有影响"},
	{"2021-12-08", "天成药业", "policy", "TAX", "", "r1 a1 s3", "咨询2022年出口退税办理时限"},
	{"2021-12-13", "#151", "suggestion", "UNION", "", "L r1", "建议为一线职工增设休息室"},
	{"2021-12-14", "#150", "policy", "HRSS", "", "r1 a1 A", "咨询2022年稳岗返还政策申领条件"},
	{"2021-12-16", "#157", "production", "INVEST", "", "", "厂区周边道路夜间照明不足，存在安全隐患"},
	{"2021-12-20", "天成药业", "party_building", "ORG", "", "", "党员活动室需要配备学习资料"},
}

// loadDemandsDemo writes the demo demands with their history in one
// transaction, counting every deadline on the calendar as a live demand
// would, and tells the points part of each raise and resolution.
// Deterministic: the enterprises are picked by name or id order.
func loadDemandsDemo(m *Module, ctx context.Context) error {
	cal, err := m.loadCalendar(ctx)
	if err != nil {
		return err
	}
	type ent struct {
		id      int64
		name    string
		contact int64
		liaison int64
	}
	var ents []ent
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT e.id, e.name,
		COALESCE((SELECT MIN(p.person_id) FROM positions p WHERE p.enterprise_id = e.id AND p.title = 'enterprise_contact'), 0),
		COALESCE((SELECT MIN(l.person_id) FROM liaison_assignments l WHERE l.enterprise_id = e.id), 0)
		FROM enterprises e ORDER BY e.id`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var e ent
		if err := rows.Scan(&e.id, &e.name, &e.contact, &e.liaison); err != nil {
			rows.Close()
			return err
		}
		ents = append(ents, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(ents) == 0 {
		return nil
	}
	deps := map[string]int64{}
	depStaff := map[int64]string{}
	rows, err = m.DB.Q(ctx).QueryContext(ctx, `SELECT d.code, d.id, COALESCE((SELECT MIN(u.display_name) FROM users u JOIN user_roles r ON r.user_id = u.id
		WHERE r.role = 'dept_staff' AND r.scope_kind = 'department' AND r.scope_id = d.id), d.name) FROM departments d`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var code, name string
		var id int64
		if err := rows.Scan(&code, &id, &name); err != nil {
			rows.Close()
			return err
		}
		deps[code], depStaff[id] = id, name
	}
	rows.Close()
	var office string
	_ = m.DB.Q(ctx).QueryRowContext(ctx, `SELECT COALESCE(MIN(u.display_name), '直通车办公室') FROM users u JOIN user_roles r ON r.user_id = u.id WHERE r.role = 'committee'`).Scan(&office)
	pick := func(sel string) ent {
		if strings.HasPrefix(sel, "#") {
			var n int
			fmt.Sscan(sel[1:], &n)
			return ents[n%len(ents)]
		}
		for _, e := range ents {
			if strings.HasPrefix(e.name, sel) {
				return e
			}
		}
		return ents[0]
	}
	wd := func(day string, n int) string { s, _ := addWorkingDays(day, n, cal); return s }
	at := func(day string, hour int) time.Time {
		t, _ := clock.ParseDay(day)
		return t.Add(time.Duration(hour) * time.Hour).UTC()
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		for _, dm := range demandDemo {
			e := pick(dm.ent)
			dep := deps[dm.dept]
			steps := strings.Fields(dm.plan)
			has := func(s string) bool {
				for _, x := range steps {
					if x == s {
						return true
					}
				}
				return false
			}
			num := func(prefix string) int {
				for _, x := range steps {
					if strings.HasPrefix(x, prefix) && len(x) > 1 && x[1] >= '0' && x[1] <= '9' {
						var n int
						fmt.Sscan(x[1:], &n)
						return n
					}
				}
				return -1
			}
			rating := ""
			var ratings []string
			for _, x := range steps {
				if x == "satisfied" || x == "basically" || x == "unsatisfied" {
					ratings = append(ratings, x)
				}
			}
			source, raiser, raiserName := "enterprise", e.contact, e.name+"联系人"
			switch {
			case has("L") && e.liaison != 0:
				source, raiser, raiserName = "liaison", e.liaison, "联络员"
			case has("O"):
				source, raiser, raiserName = "office", 0, office
			}
			dl := defaultDeadlines
			var hist [][6]string // transition, from, to, actor, reason, day
			add := func(tr, from, to, actor, reason, day string) {
				hist = append(hist, [6]string{tr, from, to, actor, reason, day})
			}
			add("raised", "", StNew, raiserName, "", dm.day)
			state, routeBy := StNew, wd(dm.day, dl.RouteDays)
			var routedOn, respondBy, respondedOn, resolveBy, resolvedOn, ratedOn, reply string
			lead := int64(0)
			complex, extended, reopened := has("X"), false, false
			if r := num("r"); r >= 0 {
				routedOn = wd(dm.day, r)
				if has("T") {
					// routed first to the wrong department, returned the next working day
					wrong := deps["SOC"]
					add(TrRouted, StNew, StRouted, office, "", routedOn)
					back := wd(routedOn, 1)
					add(TrReturned, StRouted, StNew, depStaff[wrong], "不属于本部门职责，请改交经发局办理", back)
					routeBy = wd(back, dl.RouteDays)
					routedOn = wd(back, 1)
				}
				lead, state = dep, StRouted
				respondBy = wd(routedOn, dl.RespondDays)
				days := dl.ResolveDays
				if complex {
					days = dl.ComplexDays
				}
				resolveBy = wd(routedOn, days)
				add(TrRouted, StNew, StRouted, office, "", routedOn)
				if a := num("a"); a >= 0 {
					respondedOn, state = wd(routedOn, a), StAccepted
					add(TrAccepted, StRouted, StAccepted, depStaff[dep], "", respondedOn)
					if has("E") {
						extended = true
						resolveBy = wd(routedOn, dl.ExtendedDays)
						add(TrExtended, StAccepted, StAccepted, office, "需第三方评估，延期办理", wd(routedOn, dl.ComplexDays-1))
					}
					if s := num("s"); s >= 0 {
						add(TrInProgress, StAccepted, StInProgress, depStaff[dep], "", respondedOn)
						resolvedOn, state, reply = wd(routedOn, s), StResolved, "已办结："+dm.text+"，已与企业沟通办理结果。"
						add(TrResolved, StInProgress, StResolved, depStaff[dep], reply, resolvedOn)
						if len(ratings) > 0 {
							rating, ratedOn, state = ratings[0], wd(resolvedOn, 2), StRated
							add(TrRated, StResolved, StRated, e.name+"联系人", "", ratedOn)
						}
						if has("R") && len(ratings) > 1 {
							reopened = true
							again := wd(ratedOn, 1)
							add(TrReopened, StRated, StInProgress, e.name+"联系人", "问题未彻底解决，申请重办", again)
							days := dl.ResolveDays
							if complex {
								days = dl.ComplexDays
							}
							resolveBy = wd(again, days)
							resolvedOn = wd(again, 3)
							add(TrResolved, StInProgress, StResolved, depStaff[dep], "重办：已协调完成整改。", resolvedOn)
							rating, ratedOn = ratings[1], wd(resolvedOn, 2)
							add(TrRated, StResolved, StRated, e.name+"联系人", "", ratedOn)
						}
					} else if !has("A") {
						state = StInProgress
						add(TrInProgress, StAccepted, StInProgress, depStaff[dep], "", respondedOn)
					}
				}
			}
			var leadArg any
			if lead != 0 {
				leadArg = lead
			}
			id, err := tx.InsertID(ctx, `INSERT INTO demands (enterprise_id, category, title, description, source, source_id, state, lead_department_id, complex, extended, reopened,
				raised_by_user, raised_by_person, raised_on, route_by, routed_on, respond_by, responded_on, resolve_by, resolved_on, reply, rating, rated_on, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				e.id, dm.cat, demandTitleOf(dm.text), dm.text+"。", source, state, leadArg, complex, extended, reopened,
				raiser, dm.day, routeBy, routedOn, respondBy, respondedOn, resolveBy, resolvedOn, reply, rating, ratedOn, at(dm.day, 1), at(dm.day, 1))
			if err != nil {
				return fmt.Errorf("demands demo: %w", err)
			}
			if lead != 0 {
				for _, h := range strings.Fields(dm.helpers) {
					if _, err := tx.ExecContext(ctx, `INSERT INTO demand_helpers (demand_id, department_id) VALUES (?, ?)`, id, deps[h]); err != nil {
						return err
					}
				}
			}
			for i, h := range hist {
				if _, err := tx.ExecContext(ctx, `INSERT INTO demand_history (demand_id, transition, from_state, to_state, actor_user, actor_name, actor_role, reason, detail, day, at)
					VALUES (?, ?, ?, ?, 0, ?, '', ?, '', ?, ?)`, id, h[0], h[1], h[2], h[3], h[4], h[5], at(h[5], 1+i%8)); err != nil {
					return err
				}
			}
			if err := m.demandEvent(ctx, DemandEvent{Kind: "raised", DemandID: id, EnterpriseID: e.id, Category: dm.cat, Source: source, RaisedBy: raiser, Day: dm.day}); err != nil {
				return err
			}
			if resolvedOn != "" {
				first := resolvedOn
				for _, h := range hist {
					if h[0] == TrResolved {
						first = h[5]
						break
					}
				}
				if err := m.demandEvent(ctx, DemandEvent{Kind: "resolved", DemandID: id, EnterpriseID: e.id, Category: dm.cat, Source: source, RaisedBy: raiser, Day: first}); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func init() {
	demoParts = append(demoParts, demoPart{Order: 10, Load: loadDemandsDemo})
}
