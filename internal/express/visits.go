package express

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
)

// Visit permissions: the office everywhere; a liaison over the assigned
// enterprises (others read as absent); an enterprise contact reads the
// visits to their own enterprise.
const (
	PermVisitRead  auth.Perm = "express:visits:read"  // list and read visits
	PermVisitWrite auth.Perm = "express:visits:write" // record visits, convert findings
)

func init() {
	auth.Register(PermVisitRead, auth.Rule{Role: auth.Committee}, auth.Rule{Role: auth.Liaison}, auth.Rule{Role: auth.Enterprise})
	auth.Register(PermVisitWrite, auth.Rule{Role: auth.Committee}, auth.Rule{Role: auth.Liaison})
}

// VisitItem is one of the ten questions (十问) or seven findings (七找):
// configuration, kept in express_visit_items.
type VisitItem struct {
	Kind     string `json:"kind"` // question, finding
	Code     string `json:"code"`
	Position int    `json:"position"`
	Zh       string `json:"zh"`
	En       string `json:"en"`
}

// VisitItems is the configured lists.
type VisitItems struct {
	Questions []VisitItem `json:"questions"`
	Findings  []VisitItem `json:"findings"`
}

// Answer is the answer to one of the ten questions.
type Answer struct {
	Code   string `json:"code"`
	Answer string `json:"answer"`
}

// Finding is one of a visit's findings; it may become a demand.
type Finding struct {
	ID       int64  `json:"id"`
	VisitID  int64  `json:"visit_id"`
	Code     string `json:"code"`
	Body     string `json:"body"`
	DemandID int64  `json:"demand_id,omitempty"`
}

// ExpressVisit is a 企业大走访 visit record.
type ExpressVisit struct {
	ID           int64     `json:"id"`
	EnterpriseID int64     `json:"enterprise_id"`
	Enterprise   string    `json:"enterprise"`
	LiaisonID    int64     `json:"liaison_id,omitempty"`
	Liaison      string    `json:"liaison,omitempty"`
	VisitedOn    string    `json:"visited_on"`
	Leader       string    `json:"leader"`
	Participants string    `json:"participants"`
	Answers      []Answer  `json:"answers"`
	Briefing     string    `json:"briefing"`
	Findings     []Finding `json:"findings"`
	Answered     int       `json:"answered"`
	FindingCount int       `json:"finding_count"`
}

// VisitInput records a visit. LiaisonID is the liaison whose field work it
// is: a liaison recording a visit is themselves; the office names one of
// the enterprise's liaisons, or none.
type VisitInput struct {
	EnterpriseID int64     `json:"enterprise_id"`
	LiaisonID    int64     `json:"liaison_id"`
	VisitedOn    string    `json:"visited_on"`
	Leader       string    `json:"leader"`
	Participants string    `json:"participants"`
	Answers      []Answer  `json:"answers"`
	Briefing     string    `json:"briefing"`
	Findings     []Finding `json:"findings"`
}

// ReadVisitItems reads the configured question and finding lists.
func (m *Module) ReadVisitItems(ctx context.Context) (*VisitItems, error) {
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT kind, code, position, zh, en FROM express_visit_items ORDER BY kind, position, code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	v := &VisitItems{Questions: []VisitItem{}, Findings: []VisitItem{}}
	for rows.Next() {
		var it VisitItem
		if err := rows.Scan(&it.Kind, &it.Code, &it.Position, &it.Zh, &it.En); err != nil {
			return nil, err
		}
		if it.Kind == "question" {
			v.Questions = append(v.Questions, it)
		} else {
			v.Findings = append(v.Findings, it)
		}
	}
	return v, rows.Err()
}

// SetVisitItems replaces one configured list (the office): kind question
// or finding, each item a code and its zh/en text. Visits already recorded
// keep the codes they used.
func (m *Module) SetVisitItems(ctx context.Context, p *auth.Principal, kind string, items []VisitItem) error {
	if err := m.Auth.Authorize(ctx, p, PermOffice, auth.Anything, "express_visit_items", kind); err != nil {
		return err
	}
	var l errs.List
	if kind != "question" && kind != "finding" {
		l = append(l, errs.Field("kind", "清单须为 question（十问）或 finding（七找）", "the list must be question or finding"))
	}
	if len(items) < 1 || len(items) > 20 {
		l = append(l, errs.Field("items", "清单须有 1–20 项", "the list needs 1–20 items"))
	}
	seen := map[string]bool{}
	for i := range items {
		it := &items[i]
		it.Code, it.Zh, it.En = strings.TrimSpace(it.Code), strings.TrimSpace(it.Zh), strings.TrimSpace(it.En)
		if it.Code == "" || len(it.Code) > 20 || seen[it.Code] || it.Zh == "" || utf8.RuneCountInString(it.Zh) > 200 || utf8.RuneCountInString(it.En) > 200 {
			l = append(l, errs.Field("items", fmt.Sprintf("第 %d 项须有唯一编码（≤20）和中文（≤200 字）", i+1), fmt.Sprintf("item %d needs a unique code (≤20) and Chinese text (≤200)", i+1)))
			break
		}
		seen[it.Code] = true
	}
	if err := l.Err(); err != nil {
		return err
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM express_visit_items WHERE kind = ?`, kind); err != nil {
			return err
		}
		for i, it := range items {
			if it.En == "" {
				it.En = it.Zh
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO express_visit_items (kind, code, position, zh, en) VALUES (?, ?, ?, ?, ?)`, kind, it.Code, i+1, it.Zh, it.En); err != nil {
				return err
			}
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "express.visit_items.set", ObjectType: "express_visit_items", ObjectID: kind, Detail: fmt.Sprintf("%d items", len(items))})
	})
}

// scopeEnterprises returns the enterprises a principal reaches through
// enterprise-scoped roles, or all when a committee (zone) grant holds.
func scopeEnterprises(p *auth.Principal) (ids []int64, all bool) {
	if _, zone := p.ScopeIDs(auth.Committee, auth.ScopeZone); zone {
		return nil, true
	}
	for _, r := range []auth.Role{auth.Liaison, auth.Enterprise} {
		x, zone := p.ScopeIDs(r, auth.ScopeEnterprise)
		if zone {
			return nil, true
		}
		ids = append(ids, x...)
	}
	return ids, false
}

// VisitFilter narrows the visit list.
type VisitFilter struct {
	EnterpriseID int64
	Year         string
}

// Visits lists the visits the caller may see, newest first.
func (m *Module) Visits(ctx context.Context, p *auth.Principal, f VisitFilter) ([]ExpressVisit, error) {
	if err := m.Auth.Authorize(ctx, p, PermVisitRead, auth.Anything, "express_visit", ""); err != nil {
		return nil, err
	}
	q := `SELECT v.id, v.enterprise_id, e.name, COALESCE(v.liaison_id, 0), COALESCE(pp.name, ''), v.visited_on, v.leader, v.participants, v.answers, v.briefing,
		(SELECT COUNT(*) FROM express_visit_findings f WHERE f.visit_id = v.id)
		FROM express_visits v JOIN enterprises e ON e.id = v.enterprise_id LEFT JOIN people pp ON pp.id = v.liaison_id WHERE 1 = 1`
	var args []any
	if ids, all := scopeEnterprises(p); !all {
		ph, a := db.In(ids)
		q += ` AND v.enterprise_id IN (` + ph + `)`
		args = append(args, a...)
	}
	if f.EnterpriseID > 0 {
		q += ` AND v.enterprise_id = ?`
		args = append(args, f.EnterpriseID)
	}
	if f.Year != "" {
		q += ` AND v.visited_on >= ? AND v.visited_on <= ?`
		args = append(args, f.Year+"-01-01", f.Year+"-12-31")
	}
	rows, err := m.DB.Q(ctx).QueryContext(ctx, q+` ORDER BY v.visited_on DESC, v.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []ExpressVisit{}
	for rows.Next() {
		v, err := scanVisit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *v)
	}
	return out, rows.Err()
}

func scanVisit(s interface{ Scan(...any) error }) (*ExpressVisit, error) {
	var v ExpressVisit
	var answers string
	if err := s.Scan(&v.ID, &v.EnterpriseID, &v.Enterprise, &v.LiaisonID, &v.Liaison, &v.VisitedOn, &v.Leader, &v.Participants, &answers, &v.Briefing, &v.FindingCount); err != nil {
		return nil, err
	}
	v.Answers = []Answer{}
	if err := json.Unmarshal([]byte(answers), &v.Answers); err != nil {
		return nil, err
	}
	for _, a := range v.Answers {
		if a.Answer != "" {
			v.Answered++
		}
	}
	v.Findings = []Finding{}
	return &v, nil
}

// VisitDetail reads one visit with its findings.
func (m *Module) VisitDetail(ctx context.Context, p *auth.Principal, id int64) (*ExpressVisit, error) {
	q := m.DB.Q(ctx)
	v, err := scanVisit(q.QueryRowContext(ctx, `SELECT v.id, v.enterprise_id, e.name, COALESCE(v.liaison_id, 0), COALESCE(pp.name, ''), v.visited_on, v.leader, v.participants, v.answers, v.briefing,
		(SELECT COUNT(*) FROM express_visit_findings f WHERE f.visit_id = v.id)
		FROM express_visits v JOIN enterprises e ON e.id = v.enterprise_id LEFT JOIN people pp ON pp.id = v.liaison_id WHERE v.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		if err := m.Auth.Authorize(ctx, p, PermVisitRead, auth.Anything, "express_visit", fmt.Sprint(id)); err != nil {
			return nil, err
		}
		return nil, errs.NotFoundf("走访记录")
	}
	if err != nil {
		return nil, err
	}
	if err := m.Auth.Authorize(ctx, p, PermVisitRead, auth.Object{Enterprise: v.EnterpriseID}, "express_visit", fmt.Sprint(id)); err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT id, visit_id, code, body, COALESCE(demand_id, 0) FROM express_visit_findings WHERE visit_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var f Finding
		if err := rows.Scan(&f.ID, &f.VisitID, &f.Code, &f.Body, &f.DemandID); err != nil {
			return nil, err
		}
		v.Findings = append(v.Findings, f)
	}
	return v, rows.Err()
}

func (m *Module) checkVisit(ctx context.Context, p *auth.Principal, in *VisitInput, items *VisitItems) error {
	in.VisitedOn, in.Leader, in.Participants, in.Briefing = strings.TrimSpace(in.VisitedOn), strings.TrimSpace(in.Leader), strings.TrimSpace(in.Participants), strings.TrimSpace(in.Briefing)
	var l errs.List
	if d, err := clock.ParseDay(in.VisitedOn); err != nil {
		l = append(l, errs.Field("visited_on", "走访日期须为 YYYY-MM-DD", "visited_on must be a date YYYY-MM-DD"))
	} else if in.VisitedOn > clock.Day(m.Clock.Now()) {
		l = append(l, errs.Field("visited_on", "走访日期不能晚于今天：记录的是已完成的走访", "a visit is recorded once made: visited_on cannot be in the future"))
	} else if d.Year() < 2000 {
		l = append(l, errs.Field("visited_on", "走访日期无效", "visited_on is not valid"))
	}
	if n := utf8.RuneCountInString(in.Leader); n < 2 || n > 100 {
		l = append(l, errs.Field("leader", "须填写带队领导（2–100 字）", "name the cadre leading the visit (2–100 characters)"))
	}
	if utf8.RuneCountInString(in.Participants) > 500 {
		l = append(l, errs.Field("participants", "参加人员最多 500 字", "participants are at most 500 characters"))
	}
	if utf8.RuneCountInString(in.Briefing) > 1000 {
		l = append(l, errs.Field("briefing", "政策宣讲内容最多 1000 字", "the briefing is at most 1000 characters"))
	}
	qs := map[string]bool{}
	for _, it := range items.Questions {
		qs[it.Code] = true
	}
	var answers []Answer
	seen := map[string]bool{}
	for _, a := range in.Answers {
		a.Code, a.Answer = strings.TrimSpace(a.Code), strings.TrimSpace(a.Answer)
		if a.Answer == "" {
			continue
		}
		if !qs[a.Code] || seen[a.Code] {
			l = append(l, errs.Field("answers", fmt.Sprintf("“%s”不是十问清单中的问题，或重复回答", a.Code), fmt.Sprintf("%q is not one of the ten questions, or answered twice", a.Code)))
			break
		}
		if utf8.RuneCountInString(a.Answer) > 1000 {
			l = append(l, errs.Field("answers", "每问的回答最多 1000 字", "each answer is at most 1000 characters"))
			break
		}
		seen[a.Code] = true
		answers = append(answers, a)
	}
	if len(answers) == 0 {
		l = append(l, errs.Field("answers", "至少记录十问中的一问的回答", "record the answer to at least one of the ten questions"))
	}
	in.Answers = answers
	fs := map[string]bool{}
	for _, it := range items.Findings {
		fs[it.Code] = true
	}
	var findings []Finding
	for _, f := range in.Findings {
		f.Code, f.Body = strings.TrimSpace(f.Code), strings.TrimSpace(f.Body)
		if f.Body == "" {
			continue
		}
		if !fs[f.Code] {
			l = append(l, errs.Field("findings", fmt.Sprintf("“%s”不是七找清单中的一项", f.Code), fmt.Sprintf("%q is not one of the seven findings", f.Code)))
			break
		}
		if utf8.RuneCountInString(f.Body) > 1000 {
			l = append(l, errs.Field("findings", "每条发现最多 1000 字", "each finding is at most 1000 characters"))
			break
		}
		findings = append(findings, f)
	}
	if len(findings) > 30 {
		l = append(l, errs.Field("findings", "发现最多 30 条", "at most 30 findings"))
	}
	in.Findings = findings
	// whose field work it is
	if p.Has(auth.Liaison) && !auth.Can(p, PermOffice, auth.Anything) {
		in.LiaisonID = p.PersonID
	}
	if in.LiaisonID > 0 {
		ok, err := m.liaisonOf(ctx, in.LiaisonID, in.EnterpriseID)
		if err != nil {
			return err
		}
		if !ok {
			l = append(l, errs.Field("liaison_id", "所选联络员未联系该企业", "that liaison is not assigned to the enterprise"))
		}
	}
	return l.Err()
}

// CreateVisit records a visit. A liaison records visits only to assigned
// enterprises (others read as absent); the office anywhere. The visit
// earns its liaison 企业走访 (capped per enterprise and month) and, when a
// briefing was given, 政策宣讲 — in the same transaction.
func (m *Module) CreateVisit(ctx context.Context, p *auth.Principal, in VisitInput) (int64, error) {
	if err := m.Auth.Authorize(ctx, p, PermVisitWrite, auth.Object{Enterprise: in.EnterpriseID}, "express_visit", ""); err != nil {
		return 0, err
	}
	var ename string
	err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT name FROM enterprises WHERE id = ?`, in.EnterpriseID).Scan(&ename)
	if errors.Is(err, sql.ErrNoRows) {
		if in.EnterpriseID <= 0 {
			return 0, errs.Field("enterprise_id", "请选择走访的企业", "choose the enterprise visited")
		}
		return 0, errs.NotFoundf("企业")
	}
	if err != nil {
		return 0, err
	}
	items, err := m.ReadVisitItems(ctx)
	if err != nil {
		return 0, err
	}
	if err := m.checkVisit(ctx, p, &in, items); err != nil {
		return 0, err
	}
	answers, _ := json.Marshal(in.Answers)
	var id int64
	err = m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var liaison any
		if in.LiaisonID > 0 {
			liaison = in.LiaisonID
		}
		var err error
		if id, err = tx.InsertID(ctx, `INSERT INTO express_visits (enterprise_id, liaison_id, visited_on, leader, participants, answers, briefing, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, in.EnterpriseID, liaison, in.VisitedOn, in.Leader, in.Participants, string(answers), in.Briefing, p.UserID, m.Clock.Now()); err != nil {
			return err
		}
		for _, f := range in.Findings {
			if _, err := tx.ExecContext(ctx, `INSERT INTO express_visit_findings (visit_id, code, body) VALUES (?, ?, ?)`, id, f.Code, f.Body); err != nil {
				return err
			}
		}
		if in.LiaisonID > 0 {
			e := Earning{PersonID: in.LiaisonID, Kind: KindVisit, RefType: "visit", RefID: id, EnterpriseID: in.EnterpriseID, Day: in.VisitedOn}
			if err := m.earn(ctx, e); err != nil {
				return err
			}
			if in.Briefing != "" {
				e.Kind = KindBriefing
				if err := m.earn(ctx, e); err != nil {
					return err
				}
			}
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "express.visit.create", ObjectType: "express_visit", ObjectID: fmt.Sprint(id),
			Detail: fmt.Sprintf("%s %s, %d answers, %d findings", ename, in.VisitedOn, len(in.Answers), len(in.Findings))})
	})
	return id, err
}

// ToDemandInput turns a finding or a breakfast issue into a demand: the
// category, and optionally a title and a fuller description (the finding
// itself by default).
type ToDemandInput struct {
	Category    string `json:"category"`
	Title       string `json:"title"`
	Description string `json:"description"`
}

// FindingToDemand raises a demand from a visit's finding in one step (one
// transaction): whoever may record visits for the enterprise. A finding
// becomes at most one demand.
func (m *Module) FindingToDemand(ctx context.Context, p *auth.Principal, findingID int64, in ToDemandInput) (int64, error) {
	var visitID, enterpriseID, done int64
	var body string
	err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT f.visit_id, v.enterprise_id, f.body, COALESCE(f.demand_id, 0) FROM express_visit_findings f JOIN express_visits v ON v.id = f.visit_id WHERE f.id = ?`,
		findingID).Scan(&visitID, &enterpriseID, &body, &done)
	if errors.Is(err, sql.ErrNoRows) {
		if err := m.Auth.Authorize(ctx, p, PermVisitWrite, auth.Anything, "express_visit_finding", fmt.Sprint(findingID)); err != nil {
			return 0, err
		}
		return 0, errs.NotFoundf("走访发现")
	}
	if err != nil {
		return 0, err
	}
	if err := m.Auth.Authorize(ctx, p, PermVisitWrite, auth.Object{Enterprise: enterpriseID}, "express_visit_finding", fmt.Sprint(findingID)); err != nil {
		return 0, err
	}
	if done > 0 {
		return 0, errs.New(errs.Conflict, fmt.Sprintf("该发现已转为诉求 %d", done), fmt.Sprintf("this finding already became demand %d", done))
	}
	desc := strings.TrimSpace(in.Description)
	if desc == "" {
		desc = body
	}
	var id int64
	err = m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var err error
		if id, err = m.CreateDemand(ctx, p, DemandInput{EnterpriseID: enterpriseID, Category: in.Category, Title: in.Title, Description: desc, Source: "visit", SourceID: visitID}); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE express_visit_findings SET demand_id = ? WHERE id = ? AND demand_id IS NULL`, id, findingID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.New(errs.Conflict, "该发现已转为诉求", "this finding already became a demand")
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "express.visit.finding_demand", ObjectType: "express_visit", ObjectID: fmt.Sprint(visitID), Detail: fmt.Sprintf("finding %d → demand %d", findingID, id)})
	})
	return id, err
}
