package village

// Major decisions (四议两公开, RULES.md §1).
//
// How refusals are kept. The engine refuses, with a message stating the
// rule and the numbers, every step that the rules forbid. Two kinds of
// refusal are different in nature:
//
//   - A record that cannot be right — out of order (1.1), numbers that do
//     not add up (1.11), a merge not allowed (1.2), a representatives'
//     resolution of a matter reserved to the villagers (1.8), a plan or a
//     notice sent too late (1.5, 1.7), a posting shorter than its period
//     (1.10), a result posted before the matter was carried out — changes
//     nothing: the API answers 422 and the decision is as it was.
//   - A meeting that really was held but sat below its quorum (1.4, 1.6,
//     1.7; RULES.md 5 for the branch committee's proposal) or voted the
//     matter down (1.3, 1.5, 1.6, 1.7) is a fact the villagers are entitled
//     to see. The API still answers 422 (the step is not recorded as
//     passed, and the procedure does not advance), but the meeting is kept
//     as a non-counting attempt (counted = false, outcome no_quorum or
//     vote_failed) and the decision's status becomes "stopped" (quorum) or
//     "rejected" (vote). The same step may be held again — a reconvened
//     meeting, or a revised motion — and a later passing meeting of that
//     step resumes the procedure; until then the decision stays stopped or
//     rejected, and the attempt stays in its history for good (steps are
//     append-only, also in the database).
//
// A decision is bound to the rules in force in its village on the day it
// was proposed: their row ids and a snapshot of the numbers are stored with
// it, so that a later change of rules never re-judges it.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
)

// Decision is a village major decision with its steps.
type Decision struct {
	ID                int64        `json:"id"`
	VillageID         int64        `json:"village_id"`
	Village           string       `json:"village"`
	Title             string       `json:"title"`
	Category          string       `json:"category"`
	AmountFen         int64        `json:"amount_fen"`
	Description       string       `json:"description"`
	Status            string       `json:"status"`
	ProposedOn        string       `json:"proposed_on"`
	PassedOn          string       `json:"passed_on,omitempty"`
	CompletedOn       string       `json:"completed_on,omitempty"`
	Merged            bool         `json:"merged"` // ①+② recorded as one (RULES.md 1.2)
	ProcedureRequired bool         `json:"procedure_required"`
	VillagersMeeting  bool         `json:"villagers_meeting_required"` // RULES.md 1.8 matter, representatives not authorised
	RulesVersion      RulesRef     `json:"rules_version"`
	Rules             Rules        `json:"rules"`
	Steps             []StepRecord `json:"steps"`    // counted steps, in order
	Attempts          []StepRecord `json:"attempts"` // meetings that did not count (below quorum, motion failed)
	History           []StepRecord `json:"-"`        // both, in order
	NextSteps         []string     `json:"next_steps"`
	NextStep          string       `json:"next_step"` // the first of NextSteps ("" when complete)
	MergeAvailable    bool         `json:"merge_available"`
}

// RulesRef names the rules version a record was decided under: the zone's
// and the village's rows (0 = the built-in default) in force on ValidOn.
type RulesRef struct {
	ZoneRulesID    int64  `json:"zone_rules_id"`
	VillageRulesID int64  `json:"village_rules_id"`
	ValidOn        string `json:"valid_on"`
}

// DecisionInput proposes a decision.
type DecisionInput struct {
	Title       string `json:"title"`
	Category    string `json:"category"`
	AmountFen   int64  `json:"amount_fen"`
	Description string `json:"description"`
	ProposedOn  string `json:"proposed_on"` // default today
}

var categoryRe = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// DecisionCategories are the categories offered in forms: RULES.md 1.8/1.9's
// matters plus "other". A decision's category is one of them, or a code the
// rules in force name (Rules.ProcedureMatters, VillagerMatters: a zone or
// village may add its own); which need the procedure is configuration.
var DecisionCategories = []string{"project", "land", "collective_assets", "borrowing", "village_rules", "development_plan",
	"collective_income", "public_welfare", "land_contracting", "homestead", "compensation", "allowance", "expenditure", "other"}

// decisionCategoryNames are the names secretaries and clients write for
// the categories, in Chinese (the forms' names and the everyday ones) and
// in English, mapped to the codes: "征地补偿" is compensation. Every code of
// DecisionCategories has its form name (decisionCategoryZh) here (tested).
var decisionCategoryNames = map[string]string{
	"集体项目": "project", "工程项目": "project", "项目建设": "project", "集体项目审批": "project", "项目": "project",
	"土地": "land", "集体土地": "land", "集体土地发包租赁流转": "land",
	"集体资产": "collective_assets", "集体资产处置": "collective_assets", "资产处置": "collective_assets",
	"集体借款": "borrowing", "举债": "borrowing", "集体举债": "borrowing", "借款": "borrowing",
	"村规民约": "village_rules", "村民自治章程": "village_rules",
	"发展规划": "development_plan", "村庄规划": "development_plan",
	"集体收益": "collective_income", "集体收益使用": "collective_income", "集体经济收益": "collective_income",
	"公益事业": "public_welfare", "公益事业筹资筹劳": "public_welfare", "筹资筹劳": "public_welfare", "一事一议": "public_welfare",
	"土地承包": "land_contracting", "土地承包方案": "land_contracting", "承包方案": "land_contracting",
	"宅基地": "homestead", "宅基地使用方案": "homestead",
	"征地补偿": "compensation", "征地补偿费": "compensation", "征地补偿费使用": "compensation", "征地补偿费使用分配": "compensation",
	"误工补贴": "allowance", "误工补贴人员及标准": "allowance",
	"资金支出": "expenditure", "大额支出": "expenditure", "大额资金支出": "expenditure",
	"其他": "other", "其它": "other",
	// English names (as the English pages show them), after lower-casing
	// and joining words with "_".
	"collective_project": "project", "collective_land": "land", "collective_borrowing": "borrowing",
	"use_of_collective_income": "collective_income", "collective_income_use": "collective_income",
	"public_welfare_projects": "public_welfare", "public_welfare_project": "public_welfare",
	"land_contracting_plan": "land_contracting", "homesteads": "homestead", "land_compensation": "compensation",
	"allowances": "allowance", "large_expenditure": "expenditure", "expenditures": "expenditure",
}

// decisionCategoryZh are the categories' Chinese names as the forms show
// them (the decisions catalog), for the message naming the categories.
var decisionCategoryZh = map[string]string{
	"project": "集体项目", "land": "集体土地", "collective_assets": "集体资产处置", "borrowing": "集体举债", "village_rules": "村规民约",
	"development_plan": "发展规划", "collective_income": "集体收益使用", "public_welfare": "公益事业筹资筹劳", "land_contracting": "土地承包方案",
	"homestead": "宅基地", "compensation": "征地补偿费使用", "allowance": "误工补贴", "expenditure": "大额支出", "other": "其他",
}

// NormaliseDecisionCategory turns what a client wrote into a category code:
// a Chinese or English name (decisionCategoryNames) becomes its code, and
// "Public-Welfare" or "public welfare" is public_welfare. Whether the code
// exists is judged against the rules in force (unknownCategory).
func NormaliseDecisionCategory(s string) string {
	s = strings.TrimSpace(s)
	if c, ok := decisionCategoryNames[strings.Join(strings.Fields(s), "")]; ok {
		return c
	}
	s = strings.Join(strings.Fields(strings.ToLower(strings.ReplaceAll(s, "-", " "))), "_")
	if c, ok := decisionCategoryNames[s]; ok {
		return c
	}
	return s
}

// decisionCategoriesOf lists the categories a decision may take under
// rules: DecisionCategories and any other code the rules name.
func decisionCategoriesOf(r Rules) []string {
	out := slices.Clone(DecisionCategories)
	for _, c := range append(slices.Clone(r.ProcedureMatters), r.VillagerMatters...) {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// unknownCategory is the 422 for a category that is not one of cats: it
// names them, with the Chinese names the forms show.
func unknownCategory(given string, cats []string) *errs.Error {
	zs := make([]string, 0, len(cats))
	for _, c := range cats {
		if n, ok := decisionCategoryZh[c]; ok {
			zs = append(zs, c+"（"+n+"）")
		} else {
			zs = append(zs, c)
		}
	}
	return errs.Field("category", fmt.Sprintf("事项类别“%s”不存在。可用类别：%s；也可写中文名称，如 征地补偿、工程项目、村规民约", given, strings.Join(zs, "、")),
		fmt.Sprintf("unknown category %q. The categories are: %s; Chinese names such as 征地补偿 (compensation) are accepted too", given, strings.Join(cats, ", ")))
}

func (m *Module) checkDecision(in *DecisionInput) error {
	in.Title, in.Description, in.ProposedOn = strings.TrimSpace(in.Title), strings.TrimSpace(in.Description), strings.TrimSpace(in.ProposedOn)
	given := strings.TrimSpace(in.Category)
	in.Category = NormaliseDecisionCategory(in.Category)
	if in.ProposedOn == "" {
		in.ProposedOn = clock.Day(m.Clock.Now())
	}
	var l errs.List
	if n := utf8.RuneCountInString(in.Title); n < 2 || n > 200 {
		l = append(l, errs.Field("title", "事项名称须为 2–200 个字", "the title must be 2–200 characters"))
	}
	if !categoryRe.MatchString(in.Category) {
		l = append(l, unknownCategory(given, DecisionCategories))
	}
	if in.AmountFen < 0 || in.AmountFen > 1e14 {
		l = append(l, errs.Field("amount_fen", "金额（分）须为 0 至 1e14 之间的整数", "amount_fen must be between 0 and 1e14"))
	}
	if utf8.RuneCountInString(in.Description) > 5000 {
		l = append(l, errs.Field("description", "事项说明最多 5000 字", "the description is at most 5000 characters"))
	}
	if !dxValidDay(in.ProposedOn) {
		l = append(l, errs.Field("proposed_on", "提议日期须为 YYYY-MM-DD", "proposed_on must be YYYY-MM-DD"))
	}
	return l.Err()
}

// CreateDecision proposes a decision in a village (PermManage there).
func (m *Module) CreateDecision(ctx context.Context, p *auth.Principal, villageID int64, in DecisionInput) (*Decision, error) {
	if err := m.Auth.Authorize(ctx, p, PermManage, auth.Object{Village: villageID}, "village_decision", ""); err != nil {
		return nil, err
	}
	id, err := m.createDecision(ctx, p.UserID, villageID, in)
	if err != nil {
		return nil, err
	}
	return m.loadDecision(ctx, id)
}

func (m *Module) createDecision(ctx context.Context, userID, villageID int64, in DecisionInput) (int64, error) {
	if _, err := m.village(ctx, villageID); err != nil {
		return 0, err
	}
	if err := m.checkDecision(&in); err != nil {
		return 0, err
	}
	rv, err := m.Rules(ctx, villageID, in.ProposedOn)
	if err != nil {
		return 0, err
	}
	if cats := decisionCategoriesOf(rv.Rules); !slices.Contains(cats, in.Category) {
		return 0, unknownCategory(in.Category, cats)
	}
	body, err := json.Marshal(rv.Rules)
	if err != nil {
		return 0, err
	}
	var id int64
	err = m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		now := m.Clock.Now()
		if id, err = tx.InsertID(ctx, `INSERT INTO village_decisions (village_id, title, category, amount_fen, description, status, proposed_on,
			rules_zone_id, rules_village_id, rules_body, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			villageID, in.Title, in.Category, in.AmountFen, in.Description, DecisionInProgress, in.ProposedOn,
			rv.ZoneID, rv.VillageID, string(body), userID, now, now); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "village.decision.create", ObjectType: "village_decision", ObjectID: fmt.Sprint(id),
			Scope: fmt.Sprintf("village:%d", villageID), Detail: fmt.Sprintf("%s (%s, %d fen)", in.Title, in.Category, in.AmountFen)})
	})
	return id, err
}

// decisionVillage returns a decision's village (0 and NotFound if absent).
func (m *Module) decisionVillage(ctx context.Context, id int64) (int64, error) {
	var v int64
	err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT village_id FROM village_decisions WHERE id = ?`, id).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errs.NotFoundf("village_decision")
	}
	return v, err
}

// Decision reads one decision with its steps (PermRead over its village;
// another village's decision is "not found").
func (m *Module) Decision(ctx context.Context, p *auth.Principal, id int64) (*Decision, error) {
	v, err := m.decisionVillage(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := m.Auth.Authorize(ctx, p, PermRead, auth.Object{Village: v}, "village_decision", fmt.Sprint(id)); err != nil {
		return nil, err
	}
	return m.loadDecision(ctx, id)
}

func (m *Module) loadDecision(ctx context.Context, id int64) (*Decision, error) {
	q := m.DB.Q(ctx)
	var d Decision
	var body string
	err := q.QueryRowContext(ctx, `SELECT d.id, d.village_id, v.name, d.title, d.category, d.amount_fen, d.description, d.status, d.proposed_on,
		d.passed_on, d.completed_on, d.merged, d.rules_zone_id, d.rules_village_id, d.rules_body
		FROM village_decisions d JOIN villages v ON v.id = d.village_id WHERE d.id = ?`, id).Scan(&d.ID, &d.VillageID, &d.Village, &d.Title,
		&d.Category, &d.AmountFen, &d.Description, &d.Status, &d.ProposedOn, &d.PassedOn, &d.CompletedOn, &d.Merged,
		&d.RulesVersion.ZoneRulesID, &d.RulesVersion.VillageRulesID, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFoundf("village_decision")
	}
	if err != nil {
		return nil, err
	}
	d.RulesVersion.ValidOn = d.ProposedOn
	if err := json.Unmarshal([]byte(body), &d.Rules); err != nil {
		return nil, fmt.Errorf("decision %d rules: %w", id, err)
	}
	if d.History, err = m.decisionSteps(ctx, id); err != nil {
		return nil, err
	}
	d.Steps, d.Attempts = []StepRecord{}, []StepRecord{}
	for _, s := range d.History {
		if s.Counted {
			d.Steps = append(d.Steps, s)
		} else {
			d.Attempts = append(d.Attempts, s)
		}
	}
	pr, err := m.procedureOf(ctx, &d)
	if err != nil {
		return nil, err
	}
	// VillagersMeeting: only a 村民会议 may resolve it — a RULES.md 1.8
	// matter in a village whose 村民会议 has not authorised its
	// representatives.
	d.ProcedureRequired, d.VillagersMeeting = pr.required(), pr.needsVillagers()
	if d.Status == DecisionPassed || d.Status == DecisionCompleted || d.Status == DecisionInProgress || d.Status == DecisionStopped || d.Status == DecisionRejected {
		d.NextSteps, d.MergeAvailable = pr.Next(), pr.MergeAvailable()
	}
	if len(d.NextSteps) > 0 {
		d.NextStep = d.NextSteps[0]
	}
	return &d, nil
}

func (m *Module) procedureOf(ctx context.Context, d *Decision) (procedure, error) {
	v, err := m.village(ctx, d.VillageID)
	if err != nil {
		return procedure{}, err
	}
	return procedure{Category: d.Category, OneShoulder: v.OneShoulder, Rules: d.Rules, Steps: d.History}, nil
}

func (m *Module) decisionSteps(ctx context.Context, id int64) ([]StepRecord, error) {
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT id, step, held_on, counted, outcome, refusal, refusal_en, merged, expected, present, votes_for,
		votes_against, votes_abstain, basis, emergency, notice_on, posted_from, posted_to, channel, carried_out_on, minutes
		FROM village_decision_steps WHERE decision_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []StepRecord{}
	for rows.Next() {
		var s StepRecord
		if err := rows.Scan(&s.ID, &s.Step, &s.Date, &s.Counted, &s.Outcome, &s.Refusal, &s.RefusalEn, &s.Merged, &s.Expected, &s.Present, &s.For,
			&s.Against, &s.Abstain, &s.Basis, &s.Emergency, &s.NoticeOn, &s.PostedFrom, &s.PostedTo, &s.Channel, &s.CarriedOutOn, &s.Minutes); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// RecordStep records the next step of a decision (PermManage over its
// village). It answers the decision as it now stands. A refused step
// changes nothing, except a meeting below its quorum or with a failed vote,
// which is kept as a non-counting attempt (see the file comment) — the
// error is returned all the same.
func (m *Module) RecordStep(ctx context.Context, p *auth.Principal, decisionID int64, in StepInput) (*Decision, error) {
	v, err := m.decisionVillage(ctx, decisionID)
	if err != nil {
		return nil, err
	}
	// Out of the reader's scope is "not found" like an absent id, before
	// the role is judged: a 403 here would tell that the id exists.
	if err := m.Auth.Authorize(ctx, p, PermRead, auth.Object{Village: v}, "village_decision", fmt.Sprint(decisionID)); err != nil {
		return nil, err
	}
	if err := m.Auth.Authorize(ctx, p, PermManage, auth.Object{Village: v}, "village_decision", fmt.Sprint(decisionID)); err != nil {
		return nil, err
	}
	refusal, err := m.recordStep(ctx, p.UserID, decisionID, in)
	if err != nil {
		return nil, err
	}
	d, err := m.loadDecision(ctx, decisionID)
	if err != nil {
		return nil, err
	}
	if refusal != nil {
		return d, refusal
	}
	return d, nil
}

// recordStep judges and stores a step; the returned refusal (if any) is
// the rule a kept attempt broke; err is a refusal that changed nothing or
// a failure.
func (m *Module) recordStep(ctx context.Context, userID, decisionID int64, in StepInput) (refusal *errs.Error, err error) {
	err = m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		// Take the decision's row first, so that two concurrent steps are
		// judged one after the other.
		now := m.Clock.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE village_decisions SET updated_at = ? WHERE id = ?`, now, decisionID); err != nil {
			return err
		}
		d, err := m.loadDecision(ctx, decisionID)
		if err != nil {
			return err
		}
		pr, err := m.procedureOf(ctx, d)
		if err != nil {
			return err
		}
		rec, bad := judgeStep(pr, in)
		if bad != nil && rec.Outcome == "" {
			return bad
		}
		refusal = bad
		sid, err := tx.InsertID(ctx, `INSERT INTO village_decision_steps (decision_id, step, held_on, counted, outcome, refusal, refusal_en, merged, expected, present,
			votes_for, votes_against, votes_abstain, basis, emergency, notice_on, posted_from, posted_to, channel, carried_out_on, minutes, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			decisionID, rec.Step, rec.Date, rec.Counted, rec.Outcome, rec.Refusal, rec.RefusalEn, rec.Merged, rec.Expected, rec.Present,
			rec.For, rec.Against, rec.Abstain, rec.Basis, rec.Emergency, rec.NoticeOn, rec.PostedFrom, rec.PostedTo, rec.Channel,
			rec.CarriedOutOn, rec.Minutes, userID, now)
		if err != nil {
			return err
		}
		rec.ID = sid
		pr.Steps = append(pr.Steps, rec)
		status := pr.Status()
		passedOn, completedOn := d.PassedOn, d.CompletedOn
		if status == DecisionPassed && passedOn == "" {
			passedOn = rec.Date
		}
		if status == DecisionCompleted {
			completedOn = rec.Date
		}
		if _, err := tx.ExecContext(ctx, `UPDATE village_decisions SET status = ?, passed_on = ?, completed_on = ?, merged = ? WHERE id = ?`,
			status, passedOn, completedOn, d.Merged || (rec.Counted && rec.Merged), decisionID); err != nil {
			return err
		}
		detail := fmt.Sprintf("%s %s %s %d/%d for %d against %d abstain %d → %s", rec.Step, rec.Date, rec.Outcome, rec.Present, rec.Expected,
			rec.For, rec.Against, rec.Abstain, status)
		if rec.Merged {
			detail += " (merged ①+②)"
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "village.decision.step", ObjectType: "village_decision", ObjectID: fmt.Sprint(decisionID),
			Scope: fmt.Sprintf("village:%d", d.VillageID), Detail: detail})
	})
	return refusal, err
}

// DecisionFilter narrows a decision list.
type DecisionFilter struct {
	Status string
	Year   string
}

// Decisions lists a village's decisions, newest first (PermRead there).
func (m *Module) Decisions(ctx context.Context, p *auth.Principal, villageID int64, f DecisionFilter) ([]Decision, error) {
	if err := m.Auth.Authorize(ctx, p, PermRead, auth.Object{Village: villageID}, "village_decision", ""); err != nil {
		return nil, err
	}
	return m.decisionList(ctx, villageID, f)
}

func (m *Module) decisionList(ctx context.Context, villageID int64, f DecisionFilter) ([]Decision, error) {
	q := `SELECT d.id, d.village_id, v.name, d.title, d.category, d.amount_fen, d.status, d.proposed_on, d.passed_on, d.completed_on, d.merged
		FROM village_decisions d JOIN villages v ON v.id = d.village_id WHERE d.village_id = ?`
	args := []any{villageID}
	if f.Status != "" {
		q += ` AND d.status = ?`
		args = append(args, f.Status)
	}
	if f.Year != "" {
		q += ` AND d.proposed_on >= ? AND d.proposed_on <= ?`
		args = append(args, f.Year+"-01-01", f.Year+"-12-31")
	}
	rows, err := m.DB.Q(ctx).QueryContext(ctx, q+` ORDER BY d.proposed_on DESC, d.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Decision{}
	for rows.Next() {
		var d Decision
		if err := rows.Scan(&d.ID, &d.VillageID, &d.Village, &d.Title, &d.Category, &d.AmountFen, &d.Status, &d.ProposedOn, &d.PassedOn,
			&d.CompletedOn, &d.Merged); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// passedDecision reports whether a decision of the village has passed
// (passed or completed), for expenditures above tier 2 (RULES.md §2, 1.9).
func (m *Module) passedDecision(ctx context.Context, villageID, decisionID int64) (*Decision, error) {
	var v int64
	var status, title string
	err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT village_id, status, title FROM village_decisions WHERE id = ?`, decisionID).Scan(&v, &status, &title)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && v != villageID) {
		return nil, errs.Field("decision_id", fmt.Sprintf("本村没有编号为 %d 的四议两公开决策", decisionID),
			fmt.Sprintf("there is no decision %d in this village", decisionID))
	}
	if err != nil {
		return nil, err
	}
	if status != DecisionPassed && status != DecisionCompleted {
		return nil, errs.Field("decision_id", fmt.Sprintf("关联的决策“%s”状态为 %s，尚未通过四议两公开程序（RULES.md §2、1.9）", title, status),
			fmt.Sprintf("the linked decision “%s” is %s, not passed through 四议两公开 (RULES.md §2, 1.9)", title, status))
	}
	return &Decision{ID: decisionID, VillageID: v, Status: status, Title: title}, nil
}

// resolvedDecision refuses a passed decision without a resolution of the
// villagers or their representatives (④): a matter outside the procedure
// list passes with the two committees (②), but a tier-3 expenditure needs
// the whole 四议两公开 procedure (RULES.md §2, 1.9).
func (m *Module) resolvedDecision(ctx context.Context, d *Decision) error {
	var resolved int
	if err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM village_decision_steps WHERE decision_id = ? AND counted = TRUE AND step IN (?, ?)`,
		d.ID, StepRepresentatives, StepVillagers).Scan(&resolved); err != nil {
		return err
	}
	if resolved == 0 {
		return errs.Field("decision_id", fmt.Sprintf("关联的决策“%s”只经两委商议通过，未经村民代表会议或村民会议决议（④），第三档支出须经完整的四议两公开程序（RULES.md §2、1.9）", d.Title),
			fmt.Sprintf("the linked decision “%s” passed the two committees only, without a resolution of the villagers or their representatives (④); a tier-3 expenditure needs the whole 四议两公开 procedure (RULES.md §2, 1.9)", d.Title))
	}
	return nil
}

// PublicDecision is a passed decision as the portal shows it: the matter,
// the resolution's numbers and the postings, nothing about people.
type PublicDecision struct {
	ID          int64        `json:"id"`
	Title       string       `json:"title"`
	Category    string       `json:"category"`
	AmountFen   int64        `json:"amount_fen"`
	Status      string       `json:"status"`
	PassedOn    string       `json:"passed_on"`
	CompletedOn string       `json:"completed_on,omitempty"`
	Resolution  *StepRecord  `json:"resolution,omitempty"`
	Disclosures []StepRecord `json:"disclosures"`
}

// PublicDecisions lists a village's passed decisions that have a posted
// resolution disclosure on or before day, newest first — what the portal
// may show. Minutes of meetings stay inside; only the disclosures' texts
// and the resolution's vote numbers go out.
func (m *Module) PublicDecisions(ctx context.Context, villageID int64, day string) ([]PublicDecision, error) {
	ds, err := m.decisionList(ctx, villageID, DecisionFilter{})
	if err != nil {
		return nil, err
	}
	out := []PublicDecision{}
	for _, d := range ds {
		if d.Status != DecisionPassed && d.Status != DecisionCompleted {
			continue
		}
		steps, err := m.decisionSteps(ctx, d.ID)
		if err != nil {
			return nil, err
		}
		pd := PublicDecision{ID: d.ID, Title: d.Title, Category: d.Category, AmountFen: d.AmountFen, Status: d.Status, PassedOn: d.PassedOn, Disclosures: []StepRecord{}}
		for _, s := range steps {
			if !s.Counted {
				continue
			}
			switch s.Step {
			case StepRepresentatives, StepVillagers:
				r := s
				r.Minutes, r.NoticeOn, r.RefusalEn = "", "", ""
				pd.Resolution = &r
			case StepResolutionDisclosure, StepResultDisclosure:
				if s.PostedFrom <= day {
					pd.Disclosures = append(pd.Disclosures, s)
				}
			}
		}
		if len(pd.Disclosures) == 0 {
			continue
		}
		if d.Status == DecisionCompleted {
			pd.CompletedOn = d.CompletedOn
		}
		out = append(out, pd)
	}
	return out, nil
}

func dxID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.NotFoundf("id")
	}
	return id, nil
}
