package express

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
)

// Permissions of party-organisation formation (非公党组织组建).
const (
	// PermFormation reads leads, visits and organisations formed: the
	// office everywhere; department staff the leads their department
	// reported; a liaison the leads of their assigned enterprises.
	PermFormation auth.Perm = "express:formation"
	// PermFormationReport reports a lead: the office; department staff for
	// their own department (the seed: 经发局、工会、投促局等部门提供意愿信息);
	// a liaison for an assigned enterprise.
	PermFormationReport auth.Perm = "express:formation_report"
	// PermFormationVisit records a visit to a lead: the office and the
	// lead's liaison (上门了解沟通).
	PermFormationVisit auth.Perm = "express:formation_visit"
	// PermFormationDecide records the organisation formed and closes or
	// reopens a lead: the 党工委 (the office), which approves forming a
	// party organisation and keeps the register of branches.
	PermFormationDecide auth.Perm = "express:formation_decide"
)

func init() {
	auth.Register(PermFormation, auth.Rule{Role: auth.Committee}, auth.Rule{Role: auth.DeptStaff}, auth.Rule{Role: auth.Liaison})
	auth.Register(PermFormationReport, auth.Rule{Role: auth.Committee}, auth.Rule{Role: auth.DeptStaff}, auth.Rule{Role: auth.Liaison})
	auth.Register(PermFormationVisit, auth.Rule{Role: auth.Committee}, auth.Rule{Role: auth.Liaison})
	auth.Register(PermFormationDecide, auth.Rule{Role: auth.Committee})
}

// Lead statuses.
const (
	LeadOpen   = "open"
	LeadFormed = "formed"
	LeadClosed = "closed"
)

// Organisation kinds: 单独组建 (one enterprise's own organisation) and
// 联合组建 (several small enterprises together).
const (
	OrgSingle = "single"
	OrgJoint  = "joint"
)

// MinMembersSingle is the number of full party members an organisation
// formed on its own needs: 中国共产党章程 第三十条 — 企业、农村、机关、学校…
// 凡是有正式党员三人以上的，都应当成立党的基层组织. With fewer, the
// enterprise joins a 联合组建 organisation.
const MinMembersSingle = 3

// FormationKindRule is the pure rule for the kind of an organisation with
// members full party members (党章 第三十条): single needs at least 3.
func FormationKindRule(kind string, members int) error {
	switch kind {
	case OrgSingle:
		if members < MinMembersSingle {
			return errs.Field("kind", fmt.Sprintf("单独组建须有正式党员 %d 人以上（党章第三十条），现有 %d 人；请选择联合组建", MinMembersSingle, members),
				fmt.Sprintf("forming on its own needs at least %d full party members (Party Constitution art. 30), there are %d; choose joint formation", MinMembersSingle, members))
		}
	case OrgJoint:
		if members < 0 {
			return errs.Field("party_members", "党员人数不能为负", "the number of party members cannot be negative")
		}
	default:
		return errs.Field("kind", "组建方式须为 single（单独组建）或 joint（联合组建）", "the kind must be single or joint")
	}
	return nil
}

// FormationLeadNext is the pure rule for a lead's status: an open lead is
// formed (by recording its organisation) or closed (the enterprise is no
// longer willing, moved away…); a closed lead may be reopened; a formed
// lead is final.
func FormationLeadNext(from, to string) error {
	ok := (from == LeadOpen && (to == LeadFormed || to == LeadClosed)) || (from == LeadClosed && to == LeadOpen)
	if !ok {
		zh := map[string]string{LeadOpen: "跟进中", LeadFormed: "已成立", LeadClosed: "已关闭"}
		if _, known := zh[to]; !known {
			return errs.Field("status", "状态须为 open（跟进中）或 closed（已关闭）", "the status must be open or closed")
		}
		return errs.New(errs.Conflict, fmt.Sprintf("组建线索不能从“%s”改为“%s”：跟进中的线索可成立或关闭，关闭的可重新跟进，已成立的不再变更", zh[from], zh[to]),
			fmt.Sprintf("a lead cannot move from %s to %s: an open lead is formed or closed, a closed one reopened, a formed one is final", from, to))
	}
	return nil
}

// Lead is a lead of an enterprise (or social organisation) willing to
// form a party organisation, with its visits and the organisation formed.
type Lead struct {
	ID           int64       `json:"id"`
	EnterpriseID int64       `json:"enterprise_id,omitempty"`
	Name         string      `json:"name"` // the enterprise's or the organisation's
	DepartmentID int64       `json:"department_id"`
	Department   string      `json:"department"`
	LiaisonID    int64       `json:"liaison_id,omitempty"`
	Liaison      string      `json:"liaison,omitempty"`
	ReportedOn   string      `json:"reported_on"`
	PartyMembers int         `json:"party_members"`
	Notes        string      `json:"notes"`
	Status       string      `json:"status"`
	ClosedReason string      `json:"closed_reason,omitempty"`
	VisitCount   int         `json:"visit_count"`
	Visits       []LeadVisit `json:"visits,omitempty"`
	Org          *FormedOrg  `json:"organisation,omitempty"`
}

// LeadVisit is a visit made for a lead.
type LeadVisit struct {
	ID        int64  `json:"id"`
	VisitedOn string `json:"visited_on"`
	Visitors  string `json:"visitors"`
	Notes     string `json:"notes"`
}

// FormedOrg is the party organisation formed from a lead, linked to its
// branch in the directory.
type FormedOrg struct {
	ID           int64  `json:"id"`
	FormedOn     string `json:"formed_on"`
	Name         string `json:"name"`
	Kind         string `json:"kind"`
	PartyMembers int    `json:"party_members"`
	BranchID     int64  `json:"branch_id,omitempty"`
}

// LeadInput reports a lead. OrgName is for a social organisation that is
// not in the enterprise register. DepartmentID defaults to the reporter's
// department (a department's staff: theirs; a liaison: the department
// they work in).
type LeadInput struct {
	EnterpriseID int64  `json:"enterprise_id"`
	OrgName      string `json:"org_name"`
	DepartmentID int64  `json:"department_id"`
	ReportedOn   string `json:"reported_on"`
	PartyMembers int    `json:"party_members"`
	Notes        string `json:"notes"`
}

// LeadVisitInput records a visit made for a lead.
type LeadVisitInput struct {
	VisitedOn string `json:"visited_on"`
	Visitors  string `json:"visitors"`
	Notes     string `json:"notes"`
}

// OrgInput records the organisation formed. BranchID links an existing
// enterprise or social-organisation branch of the directory; with
// CreateBranch the branch is created under the 党工委 in the same
// transaction; with neither the organisation stands without a branch.
type OrgInput struct {
	FormedOn     string `json:"formed_on"`
	Name         string `json:"name"`
	Kind         string `json:"kind"`
	PartyMembers int    `json:"party_members"`
	BranchID     int64  `json:"branch_id"`
	CreateBranch bool   `json:"create_branch"`
}

// LeadStatusInput closes or reopens a lead.
type LeadStatusInput struct {
	Status string `json:"status"`
	Reason string `json:"reason"`
}

var fmnReaders = []auth.Role{auth.Committee, auth.DeptStaff, auth.Liaison}

const fmnSelect = `SELECT l.id, COALESCE(l.enterprise_id, 0), COALESCE(e.name, l.org_name), l.department_id, d.name,
	COALESCE(l.liaison_id, 0), COALESCE(lp.name, ''), l.reported_on, l.party_members, l.notes, l.status, l.closed_reason,
	(SELECT COUNT(*) FROM fmn_visits v WHERE v.lead_id = l.id),
	COALESCE(o.id, 0), COALESCE(o.formed_on, ''), COALESCE(o.name, ''), COALESCE(o.kind, ''), COALESCE(o.party_members, 0), COALESCE(o.branch_id, 0)
	FROM fmn_leads l JOIN departments d ON d.id = l.department_id
	LEFT JOIN enterprises e ON e.id = l.enterprise_id
	LEFT JOIN people lp ON lp.id = l.liaison_id
	LEFT JOIN fmn_orgs o ON o.lead_id = l.id`

func scanLeads(rows *sql.Rows) ([]Lead, error) {
	defer rows.Close()
	out := []Lead{}
	for rows.Next() {
		var l Lead
		var o FormedOrg
		if err := rows.Scan(&l.ID, &l.EnterpriseID, &l.Name, &l.DepartmentID, &l.Department, &l.LiaisonID, &l.Liaison, &l.ReportedOn,
			&l.PartyMembers, &l.Notes, &l.Status, &l.ClosedReason, &l.VisitCount, &o.ID, &o.FormedOn, &o.Name, &o.Kind, &o.PartyMembers, &o.BranchID); err != nil {
			return nil, err
		}
		if o.ID > 0 {
			l.Org = &o
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// Leads lists the leads p may see reported in a year (0: every year),
// newest first.
func (m *Module) Leads(ctx context.Context, p *auth.Principal, year int) ([]Lead, error) {
	if err := m.Auth.Authorize(ctx, p, PermFormation, auth.Anything, "fmn_lead", ""); err != nil {
		return nil, err
	}
	where, args := applScope(p, "l.enterprise_id", "l.department_id", fmnReaders...)
	if year > 0 {
		where, args = where+" AND l.reported_on >= ? AND l.reported_on <= ?", append(args, fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year))
	}
	rows, err := m.DB.Q(ctx).QueryContext(ctx, fmnSelect+` WHERE `+where+` ORDER BY l.reported_on DESC, l.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	return scanLeads(rows)
}

func (m *Module) leadRow(ctx context.Context, id int64) (*Lead, error) {
	rows, err := m.DB.Q(ctx).QueryContext(ctx, fmnSelect+` WHERE l.id = ?`, id)
	if err != nil {
		return nil, err
	}
	ls, err := scanLeads(rows)
	if err != nil || len(ls) == 0 {
		return nil, err
	}
	return &ls[0], nil
}

// leadFor reads a lead and checks perm on it (absent and out of scope
// answer the same 404).
func (m *Module) leadFor(ctx context.Context, p *auth.Principal, perm auth.Perm, id int64) (*Lead, error) {
	l, err := m.leadRow(ctx, id)
	if err != nil {
		return nil, err
	}
	if l == nil {
		if err := m.Auth.Authorize(ctx, p, perm, auth.Anything, "fmn_lead", fmt.Sprint(id)); err != nil {
			return nil, err
		}
		return nil, errs.NotFoundf("组建线索")
	}
	if err := m.Auth.Authorize(ctx, p, perm, applObject(l.EnterpriseID, l.DepartmentID), "fmn_lead", fmt.Sprint(id)); err != nil {
		return nil, err
	}
	return l, nil
}

// Lead reads one lead with its visits and organisation.
func (m *Module) Lead(ctx context.Context, p *auth.Principal, id int64) (*Lead, error) {
	l, err := m.leadFor(ctx, p, PermFormation, id)
	if err != nil {
		return nil, err
	}
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT id, visited_on, visitors, notes FROM fmn_visits WHERE lead_id = ? ORDER BY visited_on, id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	l.Visits = []LeadVisit{}
	for rows.Next() {
		var v LeadVisit
		if err := rows.Scan(&v.ID, &v.VisitedOn, &v.Visitors, &v.Notes); err != nil {
			return nil, err
		}
		l.Visits = append(l.Visits, v)
	}
	return l, rows.Err()
}

// fmnAsLiaison reports a caller acting as a liaison only (no office or
// department role): their scope is their assigned enterprises.
func fmnAsLiaison(p *auth.Principal) bool {
	return p != nil && p.Has(auth.Liaison) && !p.Has(auth.Committee) && !p.Has(auth.DeptStaff)
}

// leadLiaison is the liaison who follows a lead and earns its points: the
// reporter when a liaison reports it, else the enterprise's liaison
// assigned on the day it was reported (none for a social organisation, or
// before the liaisons were chosen).
func (m *Module) leadLiaison(ctx context.Context, p *auth.Principal, enterpriseID int64, day string) (int64, error) {
	if fmnAsLiaison(p) && p.PersonID > 0 && enterpriseID > 0 {
		return p.PersonID, nil
	}
	if enterpriseID == 0 {
		return 0, nil
	}
	var id int64
	err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT person_id FROM liaison_assignments WHERE enterprise_id = ? AND since <= ? ORDER BY since DESC, person_id LIMIT 1`,
		enterpriseID, day).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// CreateLead reports a lead. The liaison who follows it earns the point
// table's 党组织组建 (lead) points in the same transaction.
func (m *Module) CreateLead(ctx context.Context, p *auth.Principal, in LeadInput) (int64, error) {
	if err := m.Auth.Authorize(ctx, p, PermFormationReport, auth.Anything, "fmn_lead", ""); err != nil {
		return 0, err
	}
	in.OrgName, in.ReportedOn, in.Notes = strings.TrimSpace(in.OrgName), strings.TrimSpace(in.ReportedOn), strings.TrimSpace(in.Notes)
	q := m.DB.Q(ctx)
	if in.DepartmentID == 0 {
		if ids, _ := p.ScopeIDs(auth.DeptStaff, auth.ScopeDepartment); len(ids) == 1 {
			in.DepartmentID = ids[0]
		} else if p.PersonID > 0 {
			var d sql.NullInt64
			// the person's department, else the department of a post they
			// hold (a liaison's post names it), else their branch's
			if err := q.QueryRowContext(ctx, `SELECT COALESCE(p.department_id,
				(SELECT ps.department_id FROM positions ps WHERE ps.person_id = p.id AND ps.department_id IS NOT NULL AND ps.ended_on = '' ORDER BY ps.id LIMIT 1),
				b.department_id) FROM people p LEFT JOIN branches b ON b.id = p.branch_id WHERE p.id = ?`, p.PersonID).Scan(&d); err != nil && !errors.Is(err, sql.ErrNoRows) {
				return 0, err
			}
			in.DepartmentID = d.Int64
		}
	}
	today := m.applToday()
	if in.ReportedOn == "" {
		in.ReportedOn = today
	}
	var l errs.List
	switch {
	case in.EnterpriseID > 0 && in.OrgName != "":
		l = append(l, errs.Field("org_name", "线索对象只能是名录中的企业或一个社会组织名称，二者选一", "give either a directory enterprise or a social organisation's name, not both"))
	case in.EnterpriseID <= 0 && in.OrgName == "":
		l = append(l, errs.Field("enterprise_id", "须选择有组建意愿的企业，或填写社会组织名称", "choose the enterprise, or name the social organisation"))
	case in.OrgName != "":
		applText(&l, "org_name", "社会组织名称", "the organisation's name", in.OrgName, 2, 100)
	}
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM departments WHERE id = ?`, in.DepartmentID).Scan(&n); err != nil {
		return 0, err
	}
	if n == 0 {
		l = append(l, errs.Field("department_id", "须写明提供意愿信息的部门", "name the department that reported the lead"))
	}
	applDay(&l, "reported_on", "报送日期", "the report day", in.ReportedOn, today)
	if in.PartyMembers < 0 || in.PartyMembers > 10000 {
		l = append(l, errs.Field("party_members", "企业党员人数须在 0–10000 之间", "the number of party members must be 0–10000"))
	}
	applText(&l, "notes", "情况说明", "the notes", in.Notes, 0, 2000)
	if err := l.Err(); err != nil {
		return 0, err
	}
	// Scope: a department's staff report for their own department; a
	// liaison for an assigned enterprise; the office for anyone.
	obj := applObject(in.EnterpriseID, in.DepartmentID)
	if fmnAsLiaison(p) {
		obj = applObject(in.EnterpriseID, 0)
	}
	if err := m.Auth.Authorize(ctx, p, PermFormationReport, obj, "fmn_lead", ""); err != nil {
		return 0, err
	}
	if in.EnterpriseID > 0 {
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM enterprises WHERE id = ?`, in.EnterpriseID).Scan(&n); err != nil {
			return 0, err
		}
		if n == 0 {
			return 0, errs.NotFoundf("企业")
		}
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM fmn_leads WHERE enterprise_id = ? AND status = 'open'`, in.EnterpriseID).Scan(&n); err != nil {
			return 0, err
		}
		if n > 0 {
			return 0, errs.New(errs.Conflict, "该企业已有跟进中的组建线索", "the enterprise already has an open lead")
		}
	}
	liaison, err := m.leadLiaison(ctx, p, in.EnterpriseID, in.ReportedOn)
	if err != nil {
		return 0, err
	}
	var id int64
	err = m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO fmn_leads (enterprise_id, org_name, department_id, liaison_id, reported_on, party_members, notes, status, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)`,
			applNull(in.EnterpriseID), in.OrgName, in.DepartmentID, applNull(liaison), in.ReportedOn, in.PartyMembers, in.Notes, p.UserID, m.Clock.Now())
		if err != nil {
			return err
		}
		if liaison > 0 {
			if err := m.earn(ctx, Earning{PersonID: liaison, Kind: KindPartyLead, RefType: "formation_lead", RefID: id, EnterpriseID: in.EnterpriseID, Day: in.ReportedOn}); err != nil {
				return err
			}
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "express.formation.lead", ObjectType: "fmn_lead", ObjectID: fmt.Sprint(id),
			Detail: fmt.Sprintf("enterprise %d %s department %d", in.EnterpriseID, in.OrgName, in.DepartmentID)})
	})
	return id, err
}

// AddLeadVisit records a visit made for an open lead.
func (m *Module) AddLeadVisit(ctx context.Context, p *auth.Principal, leadID int64, in LeadVisitInput) (int64, error) {
	ld, err := m.leadFor(ctx, p, PermFormationVisit, leadID)
	if err != nil {
		return 0, err
	}
	in.VisitedOn, in.Visitors, in.Notes = strings.TrimSpace(in.VisitedOn), strings.TrimSpace(in.Visitors), strings.TrimSpace(in.Notes)
	today := m.applToday()
	if in.VisitedOn == "" {
		in.VisitedOn = today
	}
	var l errs.List
	applDay(&l, "visited_on", "走访日期", "the visit day", in.VisitedOn, today)
	if in.VisitedOn < ld.ReportedOn {
		l = append(l, errs.Field("visited_on", fmt.Sprintf("走访日期（%s）不能早于线索报送日期（%s）", in.VisitedOn, ld.ReportedOn),
			fmt.Sprintf("the visit (%s) cannot be before the lead was reported (%s)", in.VisitedOn, ld.ReportedOn)))
	}
	applText(&l, "visitors", "走访人员", "the visitors", in.Visitors, 2, 200)
	applText(&l, "notes", "沟通情况", "the notes", in.Notes, 0, 2000)
	if err := l.Err(); err != nil {
		return 0, err
	}
	if ld.Status != LeadOpen {
		return 0, errs.New(errs.Conflict, "只有跟进中的线索可以记录走访", "only an open lead takes visits")
	}
	var id int64
	err = m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var err error
		if id, err = tx.InsertID(ctx, `INSERT INTO fmn_visits (lead_id, visited_on, visitors, notes, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			leadID, in.VisitedOn, in.Visitors, in.Notes, p.UserID, m.Clock.Now()); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "express.formation.visit", ObjectType: "fmn_lead", ObjectID: fmt.Sprint(leadID), Detail: in.VisitedOn})
	})
	return id, err
}

// FormOrg records the party organisation formed from an open lead (the
// 党工委): the lead must have been visited on or before the day
// (上门了解沟通, then 成立); 单独组建 needs 3 full party members (党章 第三十条);
// the branch is linked or created in the directory. The lead's liaison
// earns the 党组织组建 (formed) points in the same transaction.
func (m *Module) FormOrg(ctx context.Context, p *auth.Principal, leadID int64, in OrgInput) (int64, error) {
	ld, err := m.leadFor(ctx, p, PermFormationDecide, leadID)
	if err != nil {
		return 0, err
	}
	in.FormedOn, in.Name, in.Kind = strings.TrimSpace(in.FormedOn), strings.TrimSpace(in.Name), strings.TrimSpace(in.Kind)
	today := m.applToday()
	if in.FormedOn == "" {
		in.FormedOn = today
	}
	var l errs.List
	applDay(&l, "formed_on", "成立日期", "the founding day", in.FormedOn, today)
	applText(&l, "name", "党组织名称", "the organisation's name", in.Name, 2, 100)
	if in.PartyMembers < 0 || in.PartyMembers > 10000 {
		l = append(l, errs.Field("party_members", "党员人数须在 0–10000 之间", "the number of party members must be 0–10000"))
	} else if err := FormationKindRule(in.Kind, in.PartyMembers); err != nil {
		l = append(l, errs.As(err))
	}
	if in.BranchID > 0 && in.CreateBranch {
		l = append(l, errs.Field("branch_id", "关联已有党组织与新建党组织只能选一", "link an existing branch or create one, not both"))
	}
	q := m.DB.Q(ctx)
	if in.BranchID > 0 {
		var kind string
		var ent sql.NullInt64
		err := q.QueryRowContext(ctx, `SELECT kind, enterprise_id FROM branches WHERE id = ?`, in.BranchID).Scan(&kind, &ent)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			l = append(l, errs.Field("branch_id", fmt.Sprintf("党组织 %d 不存在", in.BranchID), fmt.Sprintf("branch %d does not exist", in.BranchID)))
		case err != nil:
			return 0, err
		case kind != directory.KindEnterprise && kind != directory.KindOther:
			l = append(l, errs.Field("branch_id", "只能关联非公企业或社会组织党组织", "link an enterprise or social-organisation branch only"))
		case ld.EnterpriseID > 0 && ent.Valid && ent.Int64 != ld.EnterpriseID:
			l = append(l, errs.Field("branch_id", "该党组织属于另一家企业", "the branch belongs to another enterprise"))
		case ld.EnterpriseID == 0 && ent.Valid:
			l = append(l, errs.Field("branch_id", "社会组织的线索不能关联企业党组织", "a social organisation's lead cannot link an enterprise's branch"))
		}
	}
	if err := l.Err(); err != nil {
		return 0, err
	}
	if err := FormationLeadNext(ld.Status, LeadFormed); err != nil {
		return 0, err
	}
	var visits int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM fmn_visits WHERE lead_id = ? AND visited_on <= ?`, leadID, in.FormedOn).Scan(&visits); err != nil {
		return 0, err
	}
	if visits == 0 {
		return 0, errs.New(errs.Conflict, fmt.Sprintf("成立党组织前须上门了解沟通：该线索在 %s 前没有走访记录", in.FormedOn),
			fmt.Sprintf("a lead is visited before its organisation is formed: no visit on or before %s", in.FormedOn))
	}
	var id int64
	err = m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		branch := in.BranchID
		if in.CreateBranch {
			var parent int64
			if err := tx.QueryRowContext(ctx, `SELECT id FROM branches WHERE kind = ? ORDER BY id LIMIT 1`, directory.KindWorkingCommittee).Scan(&parent); err != nil {
				if errors.Is(err, sql.ErrNoRows) {
					return errs.Field("create_branch", "名录中没有党工委，无法新建党组织", "the directory holds no working committee to create the branch under")
				}
				return err
			}
			kind := directory.KindEnterprise
			if ld.EnterpriseID == 0 {
				kind = directory.KindOther
			}
			var err error
			if branch, err = m.Dir.CreateBranch(ctx, p, directory.Branch{Kind: kind, Name: in.Name, ParentID: parent, EnterpriseID: ld.EnterpriseID, FoundedOn: in.FormedOn}); err != nil {
				return err
			}
		}
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO fmn_orgs (lead_id, formed_on, name, kind, party_members, branch_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			leadID, in.FormedOn, in.Name, in.Kind, in.PartyMembers, applNull(branch), p.UserID, m.Clock.Now())
		if err != nil {
			if db.IsUniqueViolation(err) {
				return errs.New(errs.Conflict, "该党组织已登记为另一条线索的组建结果", "the branch is already the result of another lead")
			}
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE fmn_leads SET status = 'formed' WHERE id = ? AND status = 'open'`, leadID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.New(errs.Conflict, "线索状态已被他人更改，请刷新后重试", "the lead changed meanwhile; reload and try again")
		}
		if ld.LiaisonID > 0 {
			if err := m.earn(ctx, Earning{PersonID: ld.LiaisonID, Kind: KindPartyFormed, RefType: "formation_org", RefID: id, EnterpriseID: ld.EnterpriseID, Day: in.FormedOn}); err != nil {
				return err
			}
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "express.formation.formed", ObjectType: "fmn_lead", ObjectID: fmt.Sprint(leadID),
			Detail: fmt.Sprintf("%s %s %s branch %d", in.Name, in.Kind, in.FormedOn, branch)})
	})
	return id, err
}

// SetLeadStatus closes an open lead (with a reason) or reopens a closed
// one (the 党工委).
func (m *Module) SetLeadStatus(ctx context.Context, p *auth.Principal, leadID int64, in LeadStatusInput) error {
	ld, err := m.leadFor(ctx, p, PermFormationDecide, leadID)
	if err != nil {
		return err
	}
	in.Status, in.Reason = strings.TrimSpace(in.Status), strings.TrimSpace(in.Reason)
	if in.Status == LeadFormed {
		return errs.Field("status", "成立须登记党组织，不能直接改状态", "record the organisation to mark a lead formed")
	}
	if err := FormationLeadNext(ld.Status, in.Status); err != nil {
		return err
	}
	var l errs.List
	if in.Status == LeadClosed {
		applText(&l, "reason", "关闭原因", "the reason", in.Reason, 2, 500)
	}
	if err := l.Err(); err != nil {
		return err
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE fmn_leads SET status = ?, closed_reason = ? WHERE id = ? AND status = ?`, in.Status, in.Reason, leadID, ld.Status)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.New(errs.Conflict, "线索状态已被他人更改，请刷新后重试", "the lead changed meanwhile; reload and try again")
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "express.formation." + in.Status, ObjectType: "fmn_lead", ObjectID: fmt.Sprint(leadID), Detail: in.Reason})
	})
}

// Funnel is the formation funnel of a year (意愿信息10余条 → 成立7个): the
// leads reported that year, how many of them were visited, and how many
// formed an organisation; Formed counts the organisations formed in the
// year (from leads of any year), Departments the departments that reported.
type Funnel struct {
	Year        int `json:"year"`
	Leads       int `json:"leads"`
	Visited     int `json:"visited"`
	LeadsFormed int `json:"leads_formed"`
	Formed      int `json:"formed"`
	Open        int `json:"open"`
	Closed      int `json:"closed"`
	Departments int `json:"departments"`
}

// FormationFunnel computes the funnel over the leads p may see.
func (m *Module) FormationFunnel(ctx context.Context, p *auth.Principal, year int) (*Funnel, error) {
	if err := m.Auth.Authorize(ctx, p, PermFormation, auth.Anything, "fmn_lead", ""); err != nil {
		return nil, err
	}
	where, args := applScope(p, "l.enterprise_id", "l.department_id", fmnReaders...)
	return m.funnel(ctx, where, args, year)
}

func (m *Module) funnel(ctx context.Context, where string, args []any, year int) (*Funnel, error) {
	from, to := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)
	f := &Funnel{Year: year}
	q := m.DB.Q(ctx)
	a := append(append([]any{}, args...), from, to)
	err := q.QueryRowContext(ctx, `SELECT COUNT(*),
		COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM fmn_visits v WHERE v.lead_id = l.id) THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN l.status = 'formed' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN l.status = 'open' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN l.status = 'closed' THEN 1 ELSE 0 END), 0),
		COUNT(DISTINCT l.department_id)
		FROM fmn_leads l WHERE `+where+` AND l.reported_on >= ? AND l.reported_on <= ?`, a...).
		Scan(&f.Leads, &f.Visited, &f.LeadsFormed, &f.Open, &f.Closed, &f.Departments)
	if err != nil {
		return nil, err
	}
	err = q.QueryRowContext(ctx, `SELECT COUNT(*) FROM fmn_orgs o JOIN fmn_leads l ON l.id = o.lead_id WHERE `+where+` AND o.formed_on >= ? AND o.formed_on <= ?`, a...).Scan(&f.Formed)
	return f, err
}
