package express

import (
	"context"
	"fmt"
	"strings"
	"time"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
)

// fmnDemoDepts are the departments the seed says reported leads
// (经发局、工会、投促局等部门提供企业成立党组织意愿信息), in turn.
var fmnDemoDepts = []string{"经发局", "工会", "投促局"}

// fmnDemoOpen are the 2021 leads that did not (yet) form an organisation:
// days after the liaisons were chosen, party members, visit day ("" none),
// closing reason ("" open).
var fmnDemoOpen = []struct {
	reported    string
	members     int
	visited     string
	closeReason string
	notes       string
}{
	{"2021-09-14", 2, "2021-10-12", "", "企业有党员 2 名，拟与周边企业联合组建"},
	{"2021-10-19", 4, "2021-11-16", "", "企业负责人有意愿，待党员组织关系转入"},
	{"2021-11-08", 1, "2021-11-30", "企业年内迁出开发区", "企业有党员 1 名"},
	{"2021-11-25", 3, "", "", "经发局走访时了解到组建意愿"},
	{"2021-12-09", 0, "", "", "企业有入党积极分子 2 名，暂无正式党员"},
}

// loadFormationDemo builds the 2021 funnel of the seed (意愿信息10余条 →
// 成立7个) around the directory's demo: each of the seven enterprise and
// social-organisation branches founded in 2021 gets the lead reported
// about six weeks before, a visit or two, and its organisation record
// linked to the branch; five more leads stay open or closed. Liaisons
// assigned on a lead's day earn its points through the ledger.
func loadFormationDemo(m *Module, ctx context.Context) error {
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		depts := make([]int64, len(fmnDemoDepts))
		for i, n := range fmnDemoDepts {
			if err := tx.QueryRowContext(ctx, `SELECT id FROM departments WHERE name = ?`, n).Scan(&depts[i]); err != nil {
				return fmt.Errorf("formation demo: department %s: %w", n, err)
			}
		}
		type branch struct {
			id, ent, members int64
			name, founded    string
		}
		rows, err := tx.QueryContext(ctx, `SELECT b.id, COALESCE(b.enterprise_id, 0), b.name, b.founded_on,
			(SELECT COUNT(*) FROM people p WHERE p.branch_id = b.id AND p.party_member = TRUE)
			FROM branches b WHERE b.kind IN (?, ?) AND b.founded_on >= '2021-01-01' AND b.founded_on <= '2021-12-31' ORDER BY b.founded_on, b.id`,
			directory.KindEnterprise, directory.KindOther)
		if err != nil {
			return err
		}
		var bs []branch
		for rows.Next() {
			var b branch
			if err := rows.Scan(&b.id, &b.ent, &b.name, &b.founded, &b.members); err != nil {
				rows.Close()
				return err
			}
			bs = append(bs, b)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		at := time.Date(2021, 12, 1, 1, 0, 0, 0, time.UTC)
		shift := func(day string, days int) string {
			t, _ := clock.ParseDay(day)
			s := clock.Day(t.AddDate(0, 0, days))
			if s < "2021-01-20" { // the 党建直通车 office opened in January
				s = "2021-01-20"
			}
			return s
		}
		lead := func(ent int64, orgName string, dept int64, reported string, members int, status, reason, notes string) (int64, int64, error) {
			liaison, err := m.leadLiaison(ctx, nil, ent, reported)
			if err != nil {
				return 0, 0, err
			}
			id, err := tx.InsertID(ctx, `INSERT INTO fmn_leads (enterprise_id, org_name, department_id, liaison_id, reported_on, party_members, notes, status, closed_reason, created_by, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`, applNull(ent), orgName, dept, applNull(liaison), reported, members, notes, status, reason, at)
			if err != nil {
				return 0, 0, err
			}
			if liaison > 0 {
				if err := m.earn(ctx, Earning{PersonID: liaison, Kind: KindPartyLead, RefType: "formation_lead", RefID: id, EnterpriseID: ent, Day: reported}); err != nil {
					return 0, 0, err
				}
			}
			return id, liaison, nil
		}
		visit := func(leadID int64, day, visitors, notes string) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO fmn_visits (lead_id, visited_on, visitors, notes, created_by, created_at) VALUES (?, ?, ?, ?, 0, ?)`,
				leadID, day, visitors, notes, at)
			return err
		}
		for i, b := range bs {
			orgName := ""
			if b.ent == 0 {
				orgName = strings.TrimSuffix(b.name, "党支部")
			}
			members := int(b.members)
			if members < MinMembersSingle {
				members = MinMembersSingle
			}
			reported := shift(b.founded, -45)
			id, liaison, err := lead(b.ent, orgName, depts[i%len(depts)], reported, members, LeadFormed, "", "提供企业成立党组织意愿信息")
			if err != nil {
				return err
			}
			if err := visit(id, shift(b.founded, -30), "党工委组织部、非公党建指导员", "上门了解党员情况和组建意愿，讲解组建程序"); err != nil {
				return err
			}
			if err := visit(id, shift(b.founded, -10), "党工委组织部", "指导召开党员大会筹备工作"); err != nil {
				return err
			}
			orgID, err := tx.InsertID(ctx, `INSERT INTO fmn_orgs (lead_id, formed_on, name, kind, party_members, branch_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?)`,
				id, b.founded, b.name, OrgSingle, members, b.id, at)
			if err != nil {
				return err
			}
			if liaison > 0 {
				if err := m.earn(ctx, Earning{PersonID: liaison, Kind: KindPartyFormed, RefType: "formation_org", RefID: orgID, EnterpriseID: b.ent, Day: b.founded}); err != nil {
					return err
				}
			}
		}
		// Five more leads, from the last-registered enterprises that have no
		// party organisation (generated ones, not the seed's named companies).
		rows, err = tx.QueryContext(ctx, `SELECT e.id FROM enterprises e WHERE NOT EXISTS (SELECT 1 FROM branches b WHERE b.enterprise_id = e.id)
			AND NOT EXISTS (SELECT 1 FROM fmn_leads l WHERE l.enterprise_id = e.id) ORDER BY e.id DESC LIMIT ?`, len(fmnDemoOpen))
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
		for i, o := range fmnDemoOpen {
			if i >= len(ents) {
				break
			}
			status := LeadOpen
			if o.closeReason != "" {
				status = LeadClosed
			}
			id, _, err := lead(ents[i], "", depts[(len(bs)+i)%len(depts)], o.reported, o.members, status, o.closeReason, o.notes)
			if err != nil {
				return err
			}
			if o.visited != "" {
				if err := visit(id, o.visited, "非公党建指导员", "上门了解党员情况和组建意愿"); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
