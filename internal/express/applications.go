package express

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
)

// Permissions of policy-application help (政策申报帮办).
const (
	// PermApplications reads applications: the office everywhere; a
	// department's staff those their department helped with; a liaison
	// those of their assigned enterprises; an enterprise contact their own.
	PermApplications auth.Perm = "express:applications"
	// PermApplicationsWrite records an application and moves it through its
	// states: the office, and a liaison for an assigned enterprise.
	// Department staff read only: the help a department gives is recorded
	// by the office or the liaison, so that one record has one keeper.
	PermApplicationsWrite auth.Perm = "express:applications_write"
)

func init() {
	auth.Register(PermApplications, auth.Rule{Role: auth.Committee}, auth.Rule{Role: auth.DeptStaff},
		auth.Rule{Role: auth.Liaison}, auth.Rule{Role: auth.Enterprise})
	auth.Register(PermApplicationsWrite, auth.Rule{Role: auth.Committee}, auth.Rule{Role: auth.Liaison})
}

// Application statuses: 准备中 → 已申报 → 已获批 / 未获批.
const (
	ApplPreparing = "preparing"
	ApplSubmitted = "submitted"
	ApplApproved  = "approved"
	ApplRejected  = "rejected"
)

// ApplStatuses lists the statuses in their order.
var ApplStatuses = []string{ApplPreparing, ApplSubmitted, ApplApproved, ApplRejected}

var applStatusZh = map[string]string{ApplPreparing: "准备中", ApplSubmitted: "已申报", ApplApproved: "已获批", ApplRejected: "未获批"}

// ApplNext is the applications' state rule, a pure function: preparing may
// be submitted; a submitted application is approved or rejected; an
// outcome is final (a new year's application is a new record). It returns
// a Conflict naming both states for any other move.
func ApplNext(from, to string) error {
	if _, ok := applStatusZh[to]; !ok {
		return errs.Field("to", "目标状态须为 submitted（已申报）、approved（已获批）或 rejected（未获批）", "the target state must be submitted, approved or rejected")
	}
	ok := (from == ApplPreparing && to == ApplSubmitted) ||
		(from == ApplSubmitted && (to == ApplApproved || to == ApplRejected))
	if !ok {
		return errs.New(errs.Conflict, fmt.Sprintf("申报状态不能从“%s”改为“%s”：准备中只能申报，已申报只能获批或未获批，结果已定的申报不再变更", applStatusZh[from], applStatusZh[to]),
			fmt.Sprintf("an application cannot move from %s to %s: preparing may be submitted, submitted may be approved or rejected, an outcome is final", from, to))
	}
	return nil
}

// Programme is a programme enterprises apply to (configuration).
type Programme struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	NameEn string `json:"name_en"`
	Sort   int    `json:"sort"`
}

// Application is one applicant's application to a programme in a year,
// with the help given and the outcome. Amounts are fen.
type Application struct {
	ID             int64         `json:"id"`
	Programme      string        `json:"programme"`
	ProgrammeName  string        `json:"programme_name"`
	Year           int           `json:"year"`
	EnterpriseID   int64         `json:"enterprise_id,omitempty"`
	Applicant      string        `json:"applicant"` // the enterprise's name, or the zone body's
	HelperPersonID int64         `json:"helper_person_id,omitempty"`
	HelperPerson   string        `json:"helper_person,omitempty"`
	HelperDeptID   int64         `json:"helper_department_id,omitempty"`
	HelperDept     string        `json:"helper_department,omitempty"`
	HelpNotes      string        `json:"help_notes"`
	AmountApplied  int64         `json:"amount_applied"`
	AmountGranted  int64         `json:"amount_granted"`
	Status         string        `json:"status"`
	SubmittedOn    string        `json:"submitted_on,omitempty"`
	OutcomeOn      string        `json:"outcome_on,omitempty"`
	OutcomeNotes   string        `json:"outcome_notes,omitempty"`
	History        []ApplHistory `json:"history,omitempty"`
}

// ApplHistory is one status change.
type ApplHistory struct {
	From string `json:"from"`
	To   string `json:"to"`
	Day  string `json:"day"`
	Note string `json:"note"`
	By   string `json:"by"`
}

// AppliedYuan and GrantedYuan format the amounts for pages.
func (a Application) AppliedYuan() string { return FenYuan(a.AmountApplied) }

// GrantedYuan formats the granted amount.
func (a Application) GrantedYuan() string { return FenYuan(a.AmountGranted) }

// FenYuan formats fen as yuan with two decimals ("9000000.00").
func FenYuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}

// ApplParseYuan reads a yuan amount ("12.5", "3000000") into fen; "" is 0.
func ApplParseYuan(s string) (int64, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, ",", ""))
	if s == "" {
		return 0, nil
	}
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 2 || whole == "" && frac == "" {
		return 0, fmt.Errorf("bad amount %q", s)
	}
	frac += strings.Repeat("0", 2-len(frac))
	if whole == "" {
		whole = "0"
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w < 0 || w > 1e10 {
		return 0, fmt.Errorf("bad amount %q", s)
	}
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil || f < 0 {
		return 0, fmt.Errorf("bad amount %q", s)
	}
	return w*100 + f, nil
}

// ApplicationInput records an application. Applicant is only for a
// non-company zone body (开发区创业中心) and only the office may use it.
// A liaison who names no helper is the helper.
type ApplicationInput struct {
	Programme          string `json:"programme"`
	Year               int    `json:"year"`
	EnterpriseID       int64  `json:"enterprise_id"`
	Applicant          string `json:"applicant"`
	HelperPersonID     int64  `json:"helper_person_id"`
	HelperDepartmentID int64  `json:"helper_department_id"`
	HelpNotes          string `json:"help_notes"`
	AmountApplied      int64  `json:"amount_applied"` // fen
}

// ApplTransition moves an application: To is submitted, approved or
// rejected; Day the submission or outcome day (default today);
// AmountApplied (on submission, if the amount changed) and AmountGranted
// (on approval) are fen.
type ApplTransition struct {
	To            string `json:"to"`
	Day           string `json:"day"`
	AmountApplied *int64 `json:"amount_applied"`
	AmountGranted int64  `json:"amount_granted"`
	Note          string `json:"note"`
}

// applMaxFen bounds amounts at 100 亿元.
const applMaxFen = int64(1e12)

func applText(l *errs.List, field, zh, en, s string, min, max int) {
	n := utf8.RuneCountInString(s)
	if n < min || n > max {
		if min > 0 && n == 0 {
			*l = append(*l, errs.Field(field, zh+"不能为空", en+" is required"))
			return
		}
		*l = append(*l, errs.Field(field, fmt.Sprintf("%s须为 %d–%d 字，现为 %d 字", zh, min, max, n), fmt.Sprintf("%s must be %d–%d characters, not %d", en, min, max, n)))
	}
}

func applDay(l *errs.List, field, zh, en, s, today string) {
	if _, err := clock.ParseDay(s); err != nil {
		*l = append(*l, errs.Field(field, zh+"须为 YYYY-MM-DD 格式的日期", en+" must be a date YYYY-MM-DD"))
		return
	}
	if s > today {
		*l = append(*l, errs.Field(field, fmt.Sprintf("%s（%s）不能晚于今天（%s）", zh, s, today), fmt.Sprintf("%s (%s) cannot be after today (%s)", en, s, today)))
	}
}

func (m *Module) applToday() string { return clock.Day(m.Clock.Now()) }

// applYear is the zone's current year.
func (m *Module) applYear() int { return m.Clock.Now().In(clock.Zone).Year() }

// applObject is the authorization object of a record tied to an
// enterprise (0: none) and a department (0: none). A missing scope is -1,
// never 0, so that a record outside every scope is not mistaken for
// auth.Anything and reaches zone grants only.
func applObject(enterpriseID, departmentID int64) auth.Object {
	o := auth.Object{Village: -1, Enterprise: -1, Department: -1, Branch: -1}
	if enterpriseID > 0 {
		o.Enterprise = enterpriseID
	}
	if departmentID > 0 {
		o.Department = departmentID
	}
	return o
}

// applScope limits a list to the rows p reaches through the roles given:
// zone grants reach everything; enterprise-scoped grants (liaison,
// enterprise contact) reach rows whose entCol is theirs; department
// grants rows whose deptCol is theirs. Ids are parameters.
func applScope(p *auth.Principal, entCol, deptCol string, roles ...auth.Role) (string, []any) {
	var ents, depts []int64
	for _, r := range roles {
		if ids, zone := p.ScopeIDs(r, auth.ScopeZone); zone || len(ids) > 0 {
			return "1 = 1", nil
		}
		ids, _ := p.ScopeIDs(r, auth.ScopeEnterprise)
		ents = append(ents, ids...)
		ids, _ = p.ScopeIDs(r, auth.ScopeDepartment)
		depts = append(depts, ids...)
	}
	var conds []string
	var args []any
	if len(ents) > 0 && entCol != "" {
		ph, a := db.In(ents)
		conds, args = append(conds, entCol+" IN ("+ph+")"), append(args, a...)
	}
	if len(depts) > 0 && deptCol != "" {
		ph, a := db.In(depts)
		conds, args = append(conds, deptCol+" IN ("+ph+")"), append(args, a...)
	}
	if len(conds) == 0 {
		return "1 = 0", nil
	}
	return "(" + strings.Join(conds, " OR ") + ")", args
}

// applReaders are the roles that read applications.
var applReaders = []auth.Role{auth.Committee, auth.DeptStaff, auth.Liaison, auth.Enterprise}

// Programmes lists the programmes in their order.
func (m *Module) Programmes(ctx context.Context) ([]Programme, error) {
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT code, name, name_en, sort FROM appl_programmes ORDER BY sort, code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Programme{}
	for rows.Next() {
		var p Programme
		if err := rows.Scan(&p.Code, &p.Name, &p.NameEn, &p.Sort); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// AddProgramme adds a programme to the configuration (the office).
func (m *Module) AddProgramme(ctx context.Context, p *auth.Principal, pr Programme) error {
	if err := m.Auth.Authorize(ctx, p, PermOffice, auth.Anything, "appl_programme", ""); err != nil {
		return err
	}
	pr.Code, pr.Name, pr.NameEn = strings.TrimSpace(pr.Code), strings.TrimSpace(pr.Name), strings.TrimSpace(pr.NameEn)
	var l errs.List
	ok := len(pr.Code) >= 2 && len(pr.Code) <= 40
	for _, c := range pr.Code {
		ok = ok && (c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_')
	}
	if !ok {
		l = append(l, errs.Field("code", "编码须为 2–40 位小写字母、数字或下划线", "the code must be 2–40 lower-case letters, digits or underscores"))
	}
	applText(&l, "name", "项目名称", "the name", pr.Name, 2, 100)
	applText(&l, "name_en", "英文名称", "the English name", pr.NameEn, 0, 200)
	if err := l.Err(); err != nil {
		return err
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		if pr.Sort == 0 {
			if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(sort), 0) + 10 FROM appl_programmes`).Scan(&pr.Sort); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO appl_programmes (code, name, name_en, sort) VALUES (?, ?, ?, ?)`, pr.Code, pr.Name, pr.NameEn, pr.Sort); err != nil {
			if db.IsUniqueViolation(err) {
				return errs.New(errs.Conflict, "项目编码或名称已存在", "the programme code or name already exists")
			}
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "express.programme.add", ObjectType: "appl_programme", ObjectID: pr.Code, Detail: pr.Name})
	})
}

// ApplFilter narrows the list; zero values do not filter.
type ApplFilter struct {
	Year      int
	Programme string
	Status    string
}

const applSelect = `SELECT a.id, a.programme, pr.name, a.year, COALESCE(a.enterprise_id, 0), COALESCE(e.name, a.applicant),
	COALESCE(a.helper_person_id, 0), COALESCE(hp.name, ''), COALESCE(a.helper_department_id, 0), COALESCE(hd.name, ''),
	a.help_notes, a.amount_applied, a.amount_granted, a.status, a.submitted_on, a.outcome_on, a.outcome_notes
	FROM appl_applications a JOIN appl_programmes pr ON pr.code = a.programme
	LEFT JOIN enterprises e ON e.id = a.enterprise_id
	LEFT JOIN people hp ON hp.id = a.helper_person_id
	LEFT JOIN departments hd ON hd.id = a.helper_department_id`

func scanApplications(rows *sql.Rows) ([]Application, error) {
	defer rows.Close()
	out := []Application{}
	for rows.Next() {
		var a Application
		if err := rows.Scan(&a.ID, &a.Programme, &a.ProgrammeName, &a.Year, &a.EnterpriseID, &a.Applicant, &a.HelperPersonID, &a.HelperPerson,
			&a.HelperDeptID, &a.HelperDept, &a.HelpNotes, &a.AmountApplied, &a.AmountGranted, &a.Status, &a.SubmittedOn, &a.OutcomeOn, &a.OutcomeNotes); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Applications lists the applications p may see, by year (newest), then
// programme and applicant.
func (m *Module) Applications(ctx context.Context, p *auth.Principal, f ApplFilter) ([]Application, error) {
	if err := m.Auth.Authorize(ctx, p, PermApplications, auth.Anything, "appl_application", ""); err != nil {
		return nil, err
	}
	where, args := applScope(p, "a.enterprise_id", "a.helper_department_id", applReaders...)
	if f.Year > 0 {
		where, args = where+" AND a.year = ?", append(args, f.Year)
	}
	if f.Programme != "" {
		where, args = where+" AND a.programme = ?", append(args, f.Programme)
	}
	if f.Status != "" {
		where, args = where+" AND a.status = ?", append(args, f.Status)
	}
	rows, err := m.DB.Q(ctx).QueryContext(ctx, applSelect+` WHERE `+where+` ORDER BY a.year DESC, pr.sort, a.id`, args...)
	if err != nil {
		return nil, err
	}
	return scanApplications(rows)
}

// applRow reads one application without authorization (callers authorize).
func (m *Module) applRow(ctx context.Context, id int64) (*Application, error) {
	rows, err := m.DB.Q(ctx).QueryContext(ctx, applSelect+` WHERE a.id = ?`, id)
	if err != nil {
		return nil, err
	}
	as, err := scanApplications(rows)
	if err != nil {
		return nil, err
	}
	if len(as) == 0 {
		return nil, nil
	}
	return &as[0], nil
}

// applFor reads an application and checks perm on it: an absent one and
// one outside p's scope answer the same 404.
func (m *Module) applFor(ctx context.Context, p *auth.Principal, perm auth.Perm, id int64) (*Application, error) {
	a, err := m.applRow(ctx, id)
	if err != nil {
		return nil, err
	}
	if a == nil {
		if err := m.Auth.Authorize(ctx, p, perm, auth.Anything, "appl_application", fmt.Sprint(id)); err != nil {
			return nil, err
		}
		return nil, errs.NotFoundf("申报记录")
	}
	if err := m.Auth.Authorize(ctx, p, perm, applObject(a.EnterpriseID, a.HelperDeptID), "appl_application", fmt.Sprint(id)); err != nil {
		return nil, err
	}
	return a, nil
}

// Application reads one application with its history.
func (m *Module) Application(ctx context.Context, p *auth.Principal, id int64) (*Application, error) {
	a, err := m.applFor(ctx, p, PermApplications, id)
	if err != nil {
		return nil, err
	}
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT h.from_status, h.to_status, h.day, h.note, COALESCE(u.display_name, '')
		FROM appl_history h LEFT JOIN users u ON u.id = h.by_user WHERE h.application_id = ? ORDER BY h.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	a.History = []ApplHistory{}
	for rows.Next() {
		var h ApplHistory
		if err := rows.Scan(&h.From, &h.To, &h.Day, &h.Note, &h.By); err != nil {
			return nil, err
		}
		a.History = append(a.History, h)
	}
	return a, rows.Err()
}

func (m *Module) checkApplication(ctx context.Context, p *auth.Principal, in *ApplicationInput) error {
	in.Programme, in.Applicant, in.HelpNotes = strings.TrimSpace(in.Programme), strings.TrimSpace(in.Applicant), strings.TrimSpace(in.HelpNotes)
	q := m.DB.Q(ctx)
	var l errs.List
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM appl_programmes WHERE code = ?`, in.Programme).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		l = append(l, errs.Field("programme", fmt.Sprintf("未知的申报项目“%s”", in.Programme), fmt.Sprintf("unknown programme %q", in.Programme)))
	}
	if y := m.applYear(); in.Year < 2000 || in.Year > y+1 {
		l = append(l, errs.Field("year", fmt.Sprintf("申报年度须在 2000–%d 之间", y+1), fmt.Sprintf("the year must be 2000–%d", y+1)))
	}
	switch {
	case in.EnterpriseID > 0 && in.Applicant != "":
		l = append(l, errs.Field("applicant", "申报主体只能是名录中的企业或一个非企业主体名称，二者选一", "give either a directory enterprise or a non-company applicant's name, not both"))
	case in.EnterpriseID <= 0 && in.Applicant == "":
		l = append(l, errs.Field("enterprise_id", "须选择申报企业", "choose the applying enterprise"))
	case in.Applicant != "":
		applText(&l, "applicant", "申报主体名称", "the applicant's name", in.Applicant, 2, 100)
	}
	if p.PersonID > 0 && in.HelperPersonID == 0 && in.HelperDepartmentID == 0 && p.Has(auth.Liaison) {
		in.HelperPersonID = p.PersonID
	}
	if in.HelperPersonID == 0 && in.HelperDepartmentID == 0 {
		l = append(l, errs.Field("helper_department_id", "须写明帮办的部门或联络员", "name the department or liaison who helped"))
	}
	if in.HelperPersonID > 0 {
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM people WHERE id = ?`, in.HelperPersonID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			l = append(l, errs.Field("helper_person_id", fmt.Sprintf("人员 %d 不存在", in.HelperPersonID), fmt.Sprintf("person %d does not exist", in.HelperPersonID)))
		}
	}
	if in.HelperDepartmentID > 0 {
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM departments WHERE id = ?`, in.HelperDepartmentID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			l = append(l, errs.Field("helper_department_id", fmt.Sprintf("部门 %d 不存在", in.HelperDepartmentID), fmt.Sprintf("department %d does not exist", in.HelperDepartmentID)))
		}
	}
	applText(&l, "help_notes", "帮办情况", "the help notes", in.HelpNotes, 0, 2000)
	if in.AmountApplied < 0 || in.AmountApplied > applMaxFen {
		l = append(l, errs.Field("amount_applied", "申报金额须在 0 到 100 亿元之间", "the amount applied for must be between 0 and 10 billion yuan"))
	}
	return l.Err()
}

// CreateApplication records an application in preparation (准备中). The
// office may record any; a liaison only for an assigned enterprise (404
// otherwise, as if the enterprise did not exist).
func (m *Module) CreateApplication(ctx context.Context, p *auth.Principal, in ApplicationInput) (int64, error) {
	if err := m.Auth.Authorize(ctx, p, PermApplicationsWrite, auth.Anything, "appl_application", ""); err != nil {
		return 0, err
	}
	if err := m.checkApplication(ctx, p, &in); err != nil {
		return 0, err
	}
	if in.EnterpriseID > 0 {
		var n int
		if err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM enterprises WHERE id = ?`, in.EnterpriseID).Scan(&n); err != nil {
			return 0, err
		}
		if err := m.Auth.Authorize(ctx, p, PermApplicationsWrite, applObject(in.EnterpriseID, 0), "enterprise", fmt.Sprint(in.EnterpriseID)); err != nil {
			return 0, err
		}
		if n == 0 {
			return 0, errs.NotFoundf("企业")
		}
	} else if err := m.Auth.Authorize(ctx, p, PermApplicationsWrite, applObject(0, 0), "appl_application", ""); err != nil {
		return 0, err
	}
	var id int64
	now := m.Clock.Now()
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO appl_applications (programme, year, enterprise_id, applicant, helper_person_id, helper_department_id,
			help_notes, amount_applied, status, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'preparing', ?, ?, ?)`,
			in.Programme, in.Year, applNull(in.EnterpriseID), in.Applicant, applNull(in.HelperPersonID), applNull(in.HelperDepartmentID),
			in.HelpNotes, in.AmountApplied, p.UserID, now, now)
		if err != nil {
			if db.IsUniqueViolation(err) {
				return errs.New(errs.Conflict, fmt.Sprintf("该主体 %d 年已有此项目的申报记录", in.Year), fmt.Sprintf("this applicant already has an application to the programme in %d", in.Year))
			}
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "express.application.create", ObjectType: "appl_application", ObjectID: fmt.Sprint(id),
			Detail: fmt.Sprintf("%s %d enterprise %d %s", in.Programme, in.Year, in.EnterpriseID, in.Applicant)})
	})
	return id, err
}

// TransitionApplication moves an application to its next state (ApplNext)
// and records the change: submission sets the submission day (and may
// restate the amount applied for); approval and rejection set the outcome
// day, approval the amount granted. The office, or the enterprise's liaison.
func (m *Module) TransitionApplication(ctx context.Context, p *auth.Principal, id int64, tr ApplTransition) error {
	a, err := m.applFor(ctx, p, PermApplicationsWrite, id)
	if err != nil {
		return err
	}
	tr.To, tr.Day, tr.Note = strings.TrimSpace(tr.To), strings.TrimSpace(tr.Day), strings.TrimSpace(tr.Note)
	if tr.To == "" {
		return errs.Field("to", "须指定目标状态", "the target state is required")
	}
	if err := ApplNext(a.Status, tr.To); err != nil {
		return err
	}
	today := m.applToday()
	if tr.Day == "" {
		tr.Day = today
	}
	var l errs.List
	applDay(&l, "day", "日期", "the day", tr.Day, today)
	if tr.To != ApplSubmitted && a.SubmittedOn != "" && tr.Day < a.SubmittedOn {
		l = append(l, errs.Field("day", fmt.Sprintf("结果日期（%s）不能早于申报日期（%s）", tr.Day, a.SubmittedOn), fmt.Sprintf("the outcome day (%s) cannot be before the submission day (%s)", tr.Day, a.SubmittedOn)))
	}
	applied := a.AmountApplied
	if tr.AmountApplied != nil {
		if tr.To != ApplSubmitted {
			l = append(l, errs.Field("amount_applied", "申报金额只能在申报时填写", "the amount applied for is set on submission"))
		}
		applied = *tr.AmountApplied
		if applied < 0 || applied > applMaxFen {
			l = append(l, errs.Field("amount_applied", "申报金额须在 0 到 100 亿元之间", "the amount applied for must be between 0 and 10 billion yuan"))
		}
	}
	if tr.AmountGranted != 0 && tr.To != ApplApproved {
		l = append(l, errs.Field("amount_granted", "获批金额只在获批时填写", "the amount granted is set on approval"))
	}
	if tr.AmountGranted < 0 || tr.AmountGranted > applMaxFen {
		l = append(l, errs.Field("amount_granted", "获批金额须在 0 到 100 亿元之间", "the amount granted must be between 0 and 10 billion yuan"))
	}
	applText(&l, "note", "说明", "the note", tr.Note, 0, 1000)
	if err := l.Err(); err != nil {
		return err
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		now := m.Clock.Now()
		var res sql.Result
		var err error
		switch tr.To {
		case ApplSubmitted:
			res, err = tx.ExecContext(ctx, `UPDATE appl_applications SET status = ?, submitted_on = ?, amount_applied = ?, updated_at = ? WHERE id = ? AND status = ?`,
				tr.To, tr.Day, applied, now, id, a.Status)
		default:
			res, err = tx.ExecContext(ctx, `UPDATE appl_applications SET status = ?, outcome_on = ?, amount_granted = ?, outcome_notes = ?, updated_at = ? WHERE id = ? AND status = ?`,
				tr.To, tr.Day, tr.AmountGranted, tr.Note, now, id, a.Status)
		}
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.New(errs.Conflict, "申报状态已被他人更改，请刷新后重试", "the application changed meanwhile; reload and try again")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO appl_history (application_id, from_status, to_status, day, note, by_user, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			id, a.Status, tr.To, tr.Day, tr.Note, p.UserID, now); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "express.application." + tr.To, ObjectType: "appl_application", ObjectID: fmt.Sprint(id),
			Detail: fmt.Sprintf("%s → %s %s", a.Status, tr.To, tr.Day)})
	})
}

// ApplTotal is one programme's totals in one year: Helped counts the
// applicants helped to apply (submitted, approved or rejected — an
// application still in preparation has not been made), Approved those
// approved; amounts are fen (applied: over submitted applications;
// granted: over approved ones).
type ApplTotal struct {
	Year          int    `json:"year"`
	Programme     string `json:"programme"`
	ProgrammeName string `json:"programme_name"`
	Helped        int    `json:"helped"`
	Approved      int    `json:"approved"`
	Rejected      int    `json:"rejected"`
	Preparing     int    `json:"preparing"`
	AmountApplied int64  `json:"amount_applied"`
	AmountGranted int64  `json:"amount_granted"`
}

// AppliedYuan formats the amount applied for.
func (t ApplTotal) AppliedYuan() string { return FenYuan(t.AmountApplied) }

// GrantedYuan formats the amount granted.
func (t ApplTotal) GrantedYuan() string { return FenYuan(t.AmountGranted) }

// applTotalsSQL counts per year and programme. One application per
// applicant, programme and year (unique indexes), so rows are applicants.
const applTotalsSQL = `SELECT a.year, a.programme, pr.name,
	SUM(CASE WHEN a.status <> 'preparing' THEN 1 ELSE 0 END),
	SUM(CASE WHEN a.status = 'approved' THEN 1 ELSE 0 END),
	SUM(CASE WHEN a.status = 'rejected' THEN 1 ELSE 0 END),
	SUM(CASE WHEN a.status = 'preparing' THEN 1 ELSE 0 END),
	COALESCE(SUM(CASE WHEN a.status <> 'preparing' THEN a.amount_applied ELSE 0 END), 0),
	COALESCE(SUM(CASE WHEN a.status = 'approved' THEN a.amount_granted ELSE 0 END), 0)
	FROM appl_applications a JOIN appl_programmes pr ON pr.code = a.programme`

// ApplicationTotals sums the applications p may see by programme and year
// (year 0: every year), newest year first, programmes in their order.
func (m *Module) ApplicationTotals(ctx context.Context, p *auth.Principal, year int) ([]ApplTotal, error) {
	if err := m.Auth.Authorize(ctx, p, PermApplications, auth.Anything, "appl_application", ""); err != nil {
		return nil, err
	}
	where, args := applScope(p, "a.enterprise_id", "a.helper_department_id", applReaders...)
	return m.applTotals(ctx, where, args, year)
}

func (m *Module) applTotals(ctx context.Context, where string, args []any, year int) ([]ApplTotal, error) {
	if year > 0 {
		where, args = where+" AND a.year = ?", append(args, year)
	}
	rows, err := m.DB.Q(ctx).QueryContext(ctx, applTotalsSQL+` WHERE `+where+` GROUP BY a.year, a.programme, pr.name, pr.sort ORDER BY a.year DESC, pr.sort`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []ApplTotal{}
	for rows.Next() {
		var t ApplTotal
		if err := rows.Scan(&t.Year, &t.Programme, &t.ProgrammeName, &t.Helped, &t.Approved, &t.Rejected, &t.Preparing, &t.AmountApplied, &t.AmountGranted); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// applNull stores 0 as NULL for optional references.
func applNull(id int64) any {
	if id <= 0 {
		return nil
	}
	return id
}
