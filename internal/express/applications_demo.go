package express

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"zhongshu/internal/platform/db"
)

// applDemoRow is one demo application. Short is the start of a directory
// enterprise's name ("" with other for a zone body); Designation instead
// takes every enterprise holding that directory designation (the seed's
// "等11家", "等7家" lists whose other members the directory generated).
type applDemoRow struct {
	programme, short, other, designation string
	year                                 int
	status, submitted, outcome           string
	applied, granted                     int64 // yuan
	notes                                string
}

// applDemo follows the seed (今年以来，经发局、企业家直通车帮助…): every
// figure of that paragraph comes out of these rows through the totals
// query; the 2020 rejection and the 2022 preparation show that only the
// year's made applications count. 天成药业 comes first so that application
// 1 belongs to the demo `enterprise` account's company.
var applDemo = []applDemoRow{
	{programme: "tech_reform", short: "天成药业", year: 2021, status: ApplSubmitted, submitted: "2021-06-18", applied: 3000000, notes: "协助编制技术改造项目资金申请报告"},
	{programme: "tech_reform", short: "北京现代", year: 2021, status: ApplSubmitted, submitted: "2021-06-21", applied: 4000000, notes: "协助梳理设备投资清单和绩效目标"},
	{programme: "tech_reform", short: "岱摩斯", year: 2021, status: ApplSubmitted, submitted: "2021-06-25", applied: 2000000, notes: "协助准备项目备案和审计材料"},
	{programme: "passive_building", short: "金弘圣达", year: 2021, status: ApplApproved, submitted: "2021-04-12", outcome: "2021-07-30", notes: "解读被动式超低能耗建筑产业项目申报指南"},
	{programme: "passive_building", short: "卡林热泵", year: 2021, status: ApplApproved, submitted: "2021-04-15", outcome: "2021-07-30", notes: "协助整理产品检测报告"},
	{programme: "specialized_demo", short: "唐威药业", year: 2021, status: ApplApproved, submitted: "2021-05-10", outcome: "2021-09-03", notes: "协助准备专精特新示范企业申报材料"},
	{programme: "specialized", designation: "specialized", year: 2021, status: ApplApproved, submitted: "2021-05-20", outcome: "2021-08-16", notes: "帮助申报专精特新企业"},
	{programme: "single_champion", short: "天成药业", year: 2021, status: ApplSubmitted, submitted: "2021-09-27", notes: "协助测算主导产品市场占有率"},
	{programme: "it_integration", short: "慧科", year: 2021, status: ApplSubmitted, submitted: "2021-10-15", notes: "协助申报新一代信息技术与制造业融合发展项目"},
	{programme: "micro_base", other: "沧州经济开发区创业中心", year: 2021, status: ApplApproved, submitted: "2021-03-22", outcome: "2021-06-28", notes: "协助申报小微企业创业创新基地"},
	{programme: "eco_positive", designation: "eco_positive", year: 2021, status: ApplApproved, submitted: "2021-07-05", outcome: "2021-08-20", notes: "协助纳入生态环境监督执法正面清单"},
	{programme: "specialized", short: "天华移动", year: 2020, status: ApplRejected, submitted: "2020-05-18", outcome: "2020-08-21", notes: "2020 年首次申报"},
	{programme: "specialized", short: "慧科", year: 2022, status: ApplPreparing, notes: "准备 2022 年专精特新申报材料"},
}

// loadApplicationsDemo records the seed's applications, helped by 经发局
// and, after the liaisons were chosen (2021-08-01), by the enterprise's
// liaison too. Deterministic; one transaction.
func loadApplicationsDemo(m *Module, ctx context.Context) error {
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var dept int64
		if err := tx.QueryRowContext(ctx, `SELECT id FROM departments WHERE name = '经发局'`).Scan(&dept); err != nil {
			return fmt.Errorf("applications demo: 经发局: %w", err)
		}
		at := time.Date(2021, 12, 1, 1, 0, 0, 0, time.UTC)
		for _, d := range applDemo {
			var ents []int64
			switch {
			case d.short != "":
				var id int64
				if err := tx.QueryRowContext(ctx, `SELECT id FROM enterprises WHERE name LIKE ? ORDER BY id LIMIT 1`, d.short+"%").Scan(&id); err != nil {
					return fmt.Errorf("applications demo: enterprise %s: %w", d.short, err)
				}
				ents = append(ents, id)
			case d.designation != "":
				rows, err := tx.QueryContext(ctx, `SELECT enterprise_id FROM enterprise_designations WHERE designation = ? ORDER BY enterprise_id`, d.designation)
				if err != nil {
					return err
				}
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
			default:
				ents = append(ents, 0)
			}
			for _, ent := range ents {
				var helper int64
				if ent > 0 && d.submitted >= "2021-08-01" {
					err := tx.QueryRowContext(ctx, `SELECT person_id FROM liaison_assignments WHERE enterprise_id = ? AND since <= ? ORDER BY person_id LIMIT 1`, ent, d.submitted).Scan(&helper)
					if err != nil && !errors.Is(err, sql.ErrNoRows) {
						return err
					}
				}
				granted := int64(0)
				if d.status == ApplApproved {
					granted = d.granted * 100
				}
				id, err := tx.InsertID(ctx, `INSERT INTO appl_applications (programme, year, enterprise_id, applicant, helper_person_id, helper_department_id,
					help_notes, amount_applied, amount_granted, status, submitted_on, outcome_on, created_by, created_at, updated_at)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
					d.programme, d.year, applNull(ent), d.other, applNull(helper), dept, d.notes, d.applied*100, granted, d.status, d.submitted, d.outcome, at, at)
				if err != nil {
					return fmt.Errorf("applications demo: %s %d: %w", d.programme, ent, err)
				}
				steps := []struct{ from, to, day string }{}
				if d.submitted != "" {
					steps = append(steps, struct{ from, to, day string }{ApplPreparing, ApplSubmitted, d.submitted})
				}
				if d.outcome != "" {
					steps = append(steps, struct{ from, to, day string }{ApplSubmitted, d.status, d.outcome})
				}
				for _, s := range steps {
					if _, err := tx.ExecContext(ctx, `INSERT INTO appl_history (application_id, from_status, to_status, day, note, by_user, at) VALUES (?, ?, ?, ?, '', 0, ?)`,
						id, s.from, s.to, s.day, at); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
}
