package express

import (
	"context"
	"time"
	"zhongshu/internal/platform/db"

	"zhongshu/internal/platform/clock"
)

func init() {
	demoParts = append(demoParts, demoPart{Order: 51, Load: loadBreakfastDemo})
}

// demoIssues are issues enterprises raised over breakfast, in turn.
var demoIssues = []string{
	"企业扩产急需新增用电容量，申请协调供电部门加快增容审批",
	"希望协调解决职工通勤公交线路问题",
	"申请协助对接银行办理技术改造项目贷款",
	"企业新建研发中心，希望了解省级企业技术中心认定条件",
	"周边道路施工影响原料运输，希望协调施工时段",
	"希望帮助招聘数控机床操作等技术工人",
}

// demoAttendees are the enterprises' people at the table, in turn.
var demoAttendees = []string{"董事长、总经理", "总经理、财务总监", "董事长、党支部书记", "总经理、生产副总"}

// loadBreakfastDemo holds the breakfast meetings the seed describes: from
// 2021-10-08 the 党工委 and 管委会 leaders meet every 规上 and 限上 enterprise
// one to one. By the demo day (2021-12-20) all but six were held on the
// working days up to 2021-12-17 (one in three with an issue raised); four
// are scheduled for the week after and two are not yet scheduled, so the
// coverage page has something to show. Deterministic.
func loadBreakfastDemo(m *Module, ctx context.Context) error {
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id FROM enterprises WHERE above_scale = TRUE OR above_quota = TRUE ORDER BY id`)
		if err != nil {
			return err
		}
		var ents []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ents = append(ents, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		// The demo enterprise account's company first (breakfast 1), if on a list.
		var mine int64
		if err := tx.QueryRowContext(ctx, `SELECT r.scope_id FROM user_roles r JOIN users u ON u.id = r.user_id WHERE u.username = 'enterprise'`).Scan(&mine); err == nil {
			for i, id := range ents {
				if id == mine {
					copy(ents[1:i+1], ents[:i])
					ents[0] = mine
					break
				}
			}
		}
		// weekdays from 2021-10-08 to 2021-12-17
		var days []string
		for d := time.Date(2021, 10, 8, 12, 0, 0, 0, clock.Zone); d.Before(time.Date(2021, 12, 18, 0, 0, 0, 0, clock.Zone)); d = d.AddDate(0, 0, 1) {
			if d.Weekday() != time.Saturday && d.Weekday() != time.Sunday {
				days = append(days, d.Format("2006-01-02"))
			}
		}
		leaders := demoLeaders(ctx, tx)
		table := leaders[0]
		if len(leaders) > 1 {
			table += "、" + leaders[1]
		}
		at := time.Date(2021, 12, 20, 1, 0, 0, 0, time.UTC)
		held := len(ents) - 6
		if held < 0 {
			held = 0
		}
		later := []string{"2021-12-21", "2021-12-22", "2021-12-23", "2021-12-24"}
		for i, e := range ents {
			switch {
			case i < held:
				day := days[i*len(days)/max(held, 1)]
				id, err := tx.InsertID(ctx, `INSERT INTO express_breakfasts (enterprise_id, scheduled_on, held_on, status, leaders, attendees, notes, created_by, created_at, updated_at)
					VALUES (?, ?, ?, 'held', ?, ?, ?, 0, ?, ?)`, e, day, day, table, demoAttendees[i%len(demoAttendees)], "听取企业生产经营情况和发展中遇到的问题、意见建议", at, at)
				if err != nil {
					return err
				}
				if i%3 == 1 {
					if _, err := tx.ExecContext(ctx, `INSERT INTO express_breakfast_issues (breakfast_id, body) VALUES (?, ?)`, id, demoIssues[(i/3)%len(demoIssues)]); err != nil {
						return err
					}
				}
			case i-held < len(later):
				if _, err := tx.ExecContext(ctx, `INSERT INTO express_breakfasts (enterprise_id, scheduled_on, status, leaders, attendees, created_by, created_at, updated_at)
					VALUES (?, ?, 'scheduled', ?, '', 0, ?, ?)`, e, later[i-held], table, at, at); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
