package express

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
)

// PermRaise lets a role raise a demand for an enterprise in its scope: the
// committee (the 直通车 office) for any, a liaison for an assigned one, an
// enterprise contact for their own.
const PermRaise auth.Perm = "express:demand_raise"

func init() {
	auth.Register(PermRaise, auth.Rule{Role: auth.Committee}, auth.Rule{Role: auth.Liaison}, auth.Rule{Role: auth.Enterprise})
}

// Demand is an enterprise's demand (企业诉求) with where it stands.
type Demand struct {
	ID             int64          `json:"id"`
	EnterpriseID   int64          `json:"enterprise_id"`
	Enterprise     string         `json:"enterprise"`
	Category       string         `json:"category"`
	Title          string         `json:"title"`
	Description    string         `json:"description"`
	Source         string         `json:"source"`
	SourceID       int64          `json:"source_id,omitempty"`
	State          string         `json:"state"`
	StateZh        string         `json:"state_zh"` // 待受理 … 已评价
	LeadID         int64          `json:"department_id,omitempty"`
	Lead           string         `json:"department,omitempty"`
	Helpers        []DemandDept   `json:"helpers"`
	Complex        bool           `json:"complex"`
	Extended       bool           `json:"extended"`
	Reopened       bool           `json:"reopened"`
	RaisedOn       string         `json:"raised_on"`
	RoutedOn       string         `json:"routed_on,omitempty"`
	RespondedOn    string         `json:"responded_on,omitempty"`
	ResolvedOn     string         `json:"resolved_on,omitempty"`
	Reply          string         `json:"reply,omitempty"`
	Rating         string         `json:"rating,omitempty"`
	RatedOn        string         `json:"rated_on,omitempty"`
	Deadlines      DemandDeadline `json:"deadlines"`
	Overdue        bool           `json:"overdue"`
	History        []DemandStep   `json:"history,omitempty"`
	Files          []DemandFile   `json:"files,omitempty"`
	Allowed        []string       `json:"allowed_transitions,omitempty"`
	raisedByPerson int64
	// nFiles is how many files the demand had when read, if filesCounted
	// (demandByID): filesOf skips the query when there are none.
	nFiles       int
	filesCounted bool
	steps        []DemandStep // the history, when read with the demand (demandRead)
}

// DemandDept is a department on a demand.
type DemandDept struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// DemandDeadline is a demand's three deadlines (RULES.md §7), each with the
// day it was met and its overdue flag.
type DemandDeadline struct {
	RouteBy   Deadline `json:"route_by"`
	RespondBy Deadline `json:"respond_by"`
	ResolveBy Deadline `json:"resolve_by"`
}

// Deadline is one deadline: due day, the day it was met (empty if not yet)
// and whether it is missed.
type Deadline struct {
	Due     string `json:"due"`
	MetOn   string `json:"met_on"`
	Overdue bool   `json:"overdue"`
}

// DemandStep is one accepted transition in a demand's history.
type DemandStep struct {
	Transition string `json:"transition"`
	From       string `json:"from"`
	To         string `json:"to"`
	Actor      string `json:"actor"`
	ActorRole  string `json:"actor_role"`
	Reason     string `json:"reason,omitempty"`
	Detail     string `json:"detail,omitempty"`
	Day        string `json:"day"`
	At         string `json:"at"`
}

// TransitionInput is a transition asked for (POST …/transitions).
type TransitionInput struct {
	To           string  `json:"to"`
	DepartmentID int64   `json:"department_id,omitempty"`
	Helpers      []int64 `json:"helpers,omitempty"`
	Complex      bool    `json:"complex,omitempty"`
	Reason       string  `json:"reason,omitempty"`
	Rating       string  `json:"rating,omitempty"`
}

// demandSources: who or what raised a demand.
var demandSources = []string{"enterprise", "liaison", "office", "visit", "breakfast"}

func demandText(l *errs.List, field, zh, en, v string, min, max int) {
	if n := utf8.RuneCountInString(v); n < min || n > max {
		*l = append(*l, errs.Field(field, fmt.Sprintf("%s须为 %d–%d 个字（现 %d 字）", zh, min, max, n), fmt.Sprintf("%s must be %d–%d characters (now %d)", en, min, max, n)))
	}
}

// today is the zone day of the module's clock.
func (m *Module) today() string { return clock.Day(m.Clock.Now()) }

// CreateDemand raises a demand (企业诉求) for an enterprise. It joins the
// caller's transaction (visits and breakfast meetings turn a finding into a
// demand in one step) and tells the points part ("raised"). The caller
// must be allowed to raise for the enterprise: its contact, an assigned
// liaison, or the office. The office must route it within the category's
// route_days working days (RULES.md §7).
func (m *Module) CreateDemand(ctx context.Context, p *auth.Principal, in DemandInput) (int64, error) {
	d, err := m.createDemand(ctx, p, in, nil)
	if err != nil {
		return 0, err
	}
	return d.ID, nil
}

// createDemand is CreateDemand with attachments (the raise form's files).
// It returns the new demand as DemandDetail would show it to p, built from
// what it wrote rather than read back (issue 8: the read-back was four
// queries of the raise request) — or, when p would not see it, a Demand
// holding only its ID and no History: the caller then asks DemandDetail,
// which answers as it always did.
func (m *Module) createDemand(ctx context.Context, p *auth.Principal, in DemandInput, files []demandUpload) (*Demand, error) {
	if err := m.Auth.Authorize(ctx, p, PermRaise, auth.Object{Enterprise: in.EnterpriseID}, "demand", ""); err != nil {
		return nil, err
	}
	in.Title, in.Description, in.Source, in.Category = strings.TrimSpace(in.Title), strings.TrimSpace(in.Description), strings.TrimSpace(in.Source), strings.TrimSpace(in.Category)
	for code, zh := range demandCategoryZh {
		if in.Category == zh {
			in.Category = code // 生产经营困难 … as the enterprise says it, like the ratings
		}
	}
	if in.Source == "" {
		switch {
		case auth.Can(p, PermOffice, auth.Anything):
			in.Source = "office"
		case p.Has(auth.Liaison) && auth.Can(p, PermRaise, auth.Object{Enterprise: in.EnterpriseID}) && !p.Has(auth.Enterprise):
			in.Source = "liaison"
		default:
			in.Source = "enterprise"
		}
	}
	var l errs.List
	if !slices.Contains(demandCategories, in.Category) {
		l = append(l, errs.Field("category", fmt.Sprintf("诉求类别“%s”无效，可选：production（生产经营困难）、party_building（党建工作难题）、suggestion（意见建议）、major（重大事项）、policy（政策咨询）、other（其他）", in.Category),
			fmt.Sprintf("unknown category %q; use production, party_building, suggestion, major, policy or other", in.Category)))
	}
	demandText(&l, "title", "标题", "the title", in.Title, 0, 100)
	demandText(&l, "description", "诉求内容", "the description", in.Description, 5, 2000)
	if !slices.Contains(demandSources, in.Source) {
		l = append(l, errs.Field("source", "来源须为 enterprise、liaison、office、visit 或 breakfast", "the source must be enterprise, liaison, office, visit or breakfast"))
	}
	if (in.Source == "visit" || in.Source == "breakfast") != (in.SourceID > 0) {
		l = append(l, errs.Field("source_id", "来自走访或早餐会的诉求须注明其记录编号，其他来源不填", "a demand from a visit or breakfast meeting names its record; other sources leave it empty"))
	}
	// Who hears of it, and whether the raiser is a liaison of the
	// enterprise (for points), are read before the write with the
	// enterprise's name: the writer (one connection on SQLite, shared by a
	// group of requests; one serial round trip each on PostgreSQL) does
	// only the writes (issue 8).
	ename, office, liaison, found, err := m.raiseFacts(ctx, in.EnterpriseID, p.PersonID)
	if err != nil {
		return nil, err
	}
	if !found {
		l = append(l, errs.Field("enterprise_id", fmt.Sprintf("企业 %d 不存在", in.EnterpriseID), fmt.Sprintf("enterprise %d does not exist", in.EnterpriseID)))
	}
	if err := l.Err(); err != nil {
		return nil, err
	}
	if in.Title == "" {
		in.Title = demandTitleOf(in.Description)
	}
	cal, err := m.loadCalendar(ctx)
	if err != nil {
		return nil, err
	}
	dl, err := m.deadlinesOf(ctx, in.Category)
	if err != nil {
		return nil, err
	}
	now := m.Clock.Now()
	day := clock.Day(now)
	routeBy, err := addWorkingDays(day, dl.RouteDays, cal)
	if err != nil {
		return nil, err
	}
	// On PostgreSQL the shared writer runs its callers' statements one
	// round trip after another on one connection: a raise without files
	// that is not part of a larger transaction takes its id from the
	// sequence here, in parallel with the others, and leaves its row and
	// its first history step to one multi-row INSERT per batch just before
	// the COMMIT (issue 8: the INSERT … RETURNING was half the writer's
	// round trips of an iteration). Its row is checked above (category,
	// source, enterprise), so the INSERT is not expected to fail; if it
	// does, the batch fails as any failed commit does.
	var preID int64
	if m.DB.Dialect == db.Postgres && db.TxFrom(ctx) == nil && len(files) == 0 {
		if err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT nextval(pg_get_serial_sequence('demands', 'id'))`).Scan(&preID); err != nil {
			return nil, err
		}
	}
	var id int64
	var step DemandStep
	var saved []DemandFile
	// A group commit: concurrent raises and transitions share one
	// transaction, one fsync and one lock of the audit chain's head; each
	// returns only after the commit holding it (db.InSharedTx).
	err = m.DB.InSharedTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var err error
		if preID > 0 {
			id = preID
			var hrow []any
			hrow, step = historyRow(id, p, now, "raised", "", StNew, "", in.Source)
			v := pendingDemand{row: []any{id, in.EnterpriseID, in.Category, in.Title, in.Description, in.Source, in.SourceID, StNew, p.UserID, p.PersonID, day, routeBy, now, now}, history: hrow}
			if !tx.Defer(demandRowKey{}, v, insertDemandRows) {
				if err = insertDemandRows(ctx, tx, []any{v}); err != nil {
					return err
				}
			}
		} else {
			if id, err = insertDemand(ctx, tx, in.EnterpriseID, in.Category, in.Title, in.Description, in.Source, in.SourceID, p.UserID, p.PersonID, day, routeBy, now); err != nil {
				return err
			}
			if step, err = m.demandHistory(ctx, tx, id, p, now, "raised", "", StNew, "", in.Source); err != nil {
				return err
			}
		}
		if saved, err = m.saveDemandFiles(ctx, tx, id, files, p.UserID); err != nil {
			return err
		}
		if err := m.Audit.Record(ctx, audit.Entry{Action: "express.demand.create", ObjectType: "demand", ObjectID: fmt.Sprint(id),
			Detail: fmt.Sprintf("%s %s %s (%d files)", ename, in.Category, in.Title, len(files))}); err != nil {
			return err
		}
		if err := m.notifyUsers(ctx, office, "新的企业诉求待受理", fmt.Sprintf("%s：%s（须于 %s 前交办）", ename, in.Title, routeBy), demandLink(id)); err != nil {
			return err
		}
		return m.demandEvent(ctx, DemandEvent{Kind: "raised", DemandID: id, EnterpriseID: in.EnterpriseID, Category: in.Category,
			Source: in.Source, RaisedBy: p.PersonID, Day: day, raiserLiaison: &liaison})
	})
	if err != nil {
		return nil, err
	}
	d := &Demand{ID: id, EnterpriseID: in.EnterpriseID, Enterprise: ename, Category: in.Category, Title: in.Title, Description: in.Description,
		Source: in.Source, SourceID: in.SourceID, State: StNew, Helpers: []DemandDept{}, RaisedOn: day, raisedByPerson: p.PersonID}
	d.Deadlines.RouteBy.Due = routeBy
	d.settle(m.today())
	a := actorOf(p, d)
	if !auth.Can(p, PermRead, auth.Anything) || !a.any() {
		return &Demand{ID: id}, nil
	}
	d.History, d.Files = []DemandStep{step}, saved
	d.Allowed = allowedTransitions(a, d.facts())
	return d, nil
}

const insertDemandSQL = `INSERT INTO demands (enterprise_id, category, title, description, source, source_id, state,
	raised_by_user, raised_by_person, raised_on, route_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'new', ?, ?, ?, ?, ?, ?)`

// insertDemand writes a new demand's row and returns its id. On SQLite
// it takes the id from the statement's result: RETURNING costs the single
// writer a result table and a row to scan, about a third more than the
// plain INSERT (issue 8); PostgreSQL has no last-insert id.
func insertDemand(ctx context.Context, tx *db.Tx, enterpriseID int64, category, title, description, source string, sourceID, userID, personID int64, day, routeBy string, now time.Time) (int64, error) {
	args := []any{enterpriseID, category, title, description, source, sourceID, userID, personID, day, routeBy, now, now}
	if tx.Dialect == db.SQLite {
		res, err := tx.ExecCached(ctx, insertDemandSQL, args...)
		if err != nil {
			return 0, err
		}
		return res.LastInsertId()
	}
	var id int64
	err := tx.QueryRowCached(ctx, insertDemandSQL+` RETURNING id`, args...).Scan(&id)
	return id, err
}

// demandRowKey queues the rows of raises whose id was taken ahead
// (createDemand on PostgreSQL), each with its first history step: the
// flush writes the demands, then their steps, which reference them.
type demandRowKey struct{}

type pendingDemand struct {
	row     []any // id, then insertDemandSQL's columns
	history []any // historyRow's
}

func insertDemandRows(ctx context.Context, tx *db.Tx, vs []any) error {
	rows, hist := make([][]any, len(vs)), make([]any, len(vs))
	for i, v := range vs {
		p := v.(pendingDemand)
		rows[i], hist[i] = p.row, p.history
	}
	if err := tx.InsertRows(ctx, `INSERT INTO demands (id, enterprise_id, category, title, description, source, source_id, state,
	raised_by_user, raised_by_person, raised_on, route_by, created_at, updated_at)`, 14, rows); err != nil {
		return err
	}
	return insertHistory(ctx, tx, hist)
}

// raiseFacts reads, in one query, what a raise needs besides its input:
// the enterprise's name (found false: no such enterprise), the office
// users told of it (usersWith(Committee, zone) — active, by id) and
// whether personID is a liaison assigned to the enterprise (liaisonOf).
// It was three queries, the last inside the shared write (issue 8).
func (m *Module) raiseFacts(ctx context.Context, enterpriseID, personID int64) (name string, office []int64, liaison, found bool, err error) {
	// No DISTINCT or ORDER BY: SQLite built a temporary B-tree for each;
	// the few office users are sorted and deduplicated here.
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT e.name,
		(SELECT COUNT(*) FROM liaison_assignments la WHERE la.person_id = ? AND la.enterprise_id = e.id),
		COALESCE(u.id, 0)
		FROM enterprises e LEFT JOIN user_roles r ON r.role = ? AND r.scope_kind = ?
		LEFT JOIN users u ON u.id = r.user_id AND u.disabled = FALSE
		WHERE e.id = ?`, personID, string(auth.Committee), auth.ScopeZone, enterpriseID)
	if err != nil {
		return "", nil, false, false, err
	}
	defer rows.Close()
	for rows.Next() {
		var n int
		var uid int64
		if err := rows.Scan(&name, &n, &uid); err != nil {
			return "", nil, false, false, err
		}
		found, liaison = true, personID > 0 && n > 0
		if uid != 0 {
			office = append(office, uid)
		}
	}
	slices.Sort(office)
	return name, slices.Compact(office), liaison, found, rows.Err()
}

// demandTitleOf makes a title from the description's first 30 characters.
func demandTitleOf(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 30 {
		return string(r[:30]) + "…"
	}
	return s
}

// demandHistory writes one step of a demand's history at now (the row
// goes in just before the commit, with the transaction's other steps) and
// returns it as the history shows it.
func (m *Module) demandHistory(ctx context.Context, tx *db.Tx, id int64, p *auth.Principal, now time.Time, tr, from, to, reason, detail string) (DemandStep, error) {
	row, step := historyRow(id, p, now, tr, from, to, reason, detail)
	var err error
	if !tx.Defer(historyKey{}, row, insertHistory) {
		err = insertHistory(ctx, tx, []any{row})
	}
	return step, err
}

// historyRow is one step of a demand's history as insertHistory writes it
// and as the history shows it.
func historyRow(id int64, p *auth.Principal, now time.Time, tr, from, to, reason, detail string) ([]any, DemandStep) {
	name, role := "", ""
	var uid int64
	if p != nil {
		uid, name = p.UserID, p.DisplayName
		if name == "" {
			name = p.Username
		}
		if rs := p.Roles(); len(rs) > 0 {
			role = string(rs[0])
		}
	}
	return []any{id, tr, from, to, uid, name, role, reason, detail, clock.Day(now), now},
		DemandStep{Transition: tr, From: from, To: to, Actor: name, ActorRole: role, Reason: reason, Detail: detail, Day: clock.Day(now), At: stepAt(now)}
}

// historyKey queues a transaction's history rows (db.Tx.Defer): they are
// written together just before the commit, in the order they were made.
type historyKey struct{}

func insertHistory(ctx context.Context, tx *db.Tx, vs []any) error {
	rows := make([][]any, len(vs))
	for i, v := range vs {
		rows[i] = v.([]any)
	}
	return tx.InsertRows(ctx, `INSERT INTO demand_history (demand_id, transition, from_state, to_state, actor_user, actor_name, actor_role, reason, detail, day, at)`, 11, rows)
}

// stepAt is how the history shows a step's time: UTC to the second (a
// stored time keeps at least microseconds, so the second never moves).
func stepAt(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// actorOf says what p is to demand d.
func actorOf(p *auth.Principal, d *Demand) actorRoles {
	var a actorRoles
	a.Office = auth.Can(p, PermOffice, auth.Anything)
	if ids, zone := p.ScopeIDs(auth.DeptStaff, auth.ScopeDepartment); len(ids) > 0 || zone {
		a.Lead = d.LeadID != 0 && (zone || slices.Contains(ids, d.LeadID))
		for _, h := range d.Helpers {
			a.Helper = a.Helper || zone || slices.Contains(ids, h.ID)
		}
	}
	if ids, zone := p.ScopeIDs(auth.Enterprise, auth.ScopeEnterprise); zone || slices.Contains(ids, d.EnterpriseID) {
		a.Contact = true
	}
	if ids, zone := p.ScopeIDs(auth.Liaison, auth.ScopeEnterprise); zone || slices.Contains(ids, d.EnterpriseID) {
		a.Liaison = true
	}
	if p == nil || p.MustChange {
		return actorRoles{}
	}
	return a
}

func (a actorRoles) any() bool { return a.Office || a.Lead || a.Helper || a.Contact || a.Liaison }

// demandScope is the SQL filter (on alias d) for the demands p may see:
// the office all; department staff those their department leads or helps
// with; liaisons and contacts those of their enterprises.
func demandScope(p *auth.Principal) (string, []any) {
	if auth.Can(p, PermOffice, auth.Anything) {
		return "1 = 1", nil
	}
	var conds []string
	var args []any
	if ids, _ := p.ScopeIDs(auth.DeptStaff, auth.ScopeDepartment); len(ids) > 0 {
		ph, a := db.In(ids)
		conds = append(conds, "d.lead_department_id IN ("+ph+") OR d.id IN (SELECT demand_id FROM demand_helpers WHERE department_id IN ("+ph+"))")
		args = append(append(args, a...), a...)
	}
	var ents []int64
	for _, r := range []auth.Role{auth.Liaison, auth.Enterprise} {
		ids, _ := p.ScopeIDs(r, auth.ScopeEnterprise)
		ents = append(ents, ids...)
	}
	if len(ents) > 0 {
		ph, a := db.In(ents)
		conds = append(conds, "d.enterprise_id IN ("+ph+")")
		args = append(args, a...)
	}
	if len(conds) == 0 {
		return "1 = 0", nil
	}
	return "(" + strings.Join(conds, " OR ") + ")", args
}

const demandCols = `d.id, d.enterprise_id, e.name, d.category, d.title, d.description, d.source, d.source_id, d.state,
	COALESCE(d.lead_department_id, 0), COALESCE(dp.name, ''), d.complex, d.extended, d.reopened, d.raised_on, d.route_by, d.routed_on,
	d.respond_by, d.responded_on, d.resolve_by, d.resolved_on, d.reply, d.rating, d.rated_on, d.raised_by_person`

const demandFrom = ` FROM demands d JOIN enterprises e ON e.id = d.enterprise_id LEFT JOIN departments dp ON dp.id = d.lead_department_id`

// scanDemand scans demandCols, then into more (columns the query adds).
func scanDemand(s interface{ Scan(...any) error }, today string, more ...any) (*Demand, error) {
	d := &Demand{Helpers: []DemandDept{}}
	var dl DemandDeadline
	err := s.Scan(append([]any{&d.ID, &d.EnterpriseID, &d.Enterprise, &d.Category, &d.Title, &d.Description, &d.Source, &d.SourceID, &d.State,
		&d.LeadID, &d.Lead, &d.Complex, &d.Extended, &d.Reopened, &d.RaisedOn, &dl.RouteBy.Due, &d.RoutedOn,
		&dl.RespondBy.Due, &d.RespondedOn, &dl.ResolveBy.Due, &d.ResolvedOn, &d.Reply, &d.Rating, &d.RatedOn, &d.raisedByPerson}, more...)...)
	if err != nil {
		return nil, err
	}
	d.Deadlines = dl
	d.settle(today)
	return d, nil
}

// settle derives what follows from a demand's stored fields: its state's
// name, each deadline's met day and overdue flag, and the demand's.
func (d *Demand) settle(today string) {
	d.StateZh = demandStateZh[d.State]
	dl := &d.Deadlines
	dl.RouteBy.MetOn, dl.RespondBy.MetOn, dl.ResolveBy.MetOn = d.RoutedOn, d.RespondedOn, d.ResolvedOn
	for _, x := range []*Deadline{&dl.RouteBy, &dl.RespondBy, &dl.ResolveBy} {
		x.Overdue = deadlineOverdue(x.Due, x.MetOn, today)
	}
	d.Overdue = demandOpenOverdue(d)
}

// facts is what the state machine looks at.
func (d *Demand) facts() demandFacts {
	return demandFacts{State: d.State, Complex: d.Complex, Extended: d.Extended, Reopened: d.Reopened, Rating: d.Rating}
}

// demandOpenOverdue: a demand is flagged overdue while a deadline it has
// not met yet is past.
func demandOpenOverdue(d *Demand) bool {
	for _, x := range []Deadline{d.Deadlines.RouteBy, d.Deadlines.RespondBy, d.Deadlines.ResolveBy} {
		if x.Overdue && x.MetOn == "" {
			return true
		}
	}
	return false
}

// demandByID reads a demand with its helpers, without any check.
func (m *Module) demandByID(ctx context.Context, id int64) (*Demand, error) {
	return m.demandRead(ctx, id, false)
}

// demandRead is demandByID, with the demand's history in d.steps when
// withSteps. The row also counts the demand's helpers and files, so that a
// demand without them (most, and every one being routed) and its history
// cost one query, not four (issue 8): the history comes joined, one row
// per step (a demand has a handful).
func (m *Module) demandRead(ctx context.Context, id int64, withSteps bool) (*Demand, error) {
	q := `SELECT ` + demandCols + `,
		(SELECT COUNT(*) FROM demand_helpers h WHERE h.demand_id = d.id), (SELECT COUNT(*) FROM demand_files f WHERE f.demand_id = d.id)`
	if withSteps {
		q += `, COALESCE(s.id, 0), COALESCE(s.transition, ''), COALESCE(s.from_state, ''), COALESCE(s.to_state, ''), COALESCE(s.actor_name, ''),
		COALESCE(s.actor_role, ''), COALESCE(s.reason, ''), COALESCE(s.detail, ''), COALESCE(s.day, ''), s.at` + demandFrom +
			` LEFT JOIN demand_history s ON s.demand_id = d.id WHERE d.id = ? ORDER BY s.id`
	} else {
		q += demandFrom + ` WHERE d.id = ?`
	}
	rows, err := m.DB.Q(ctx).QueryContext(ctx, q, id)
	if err != nil {
		return nil, err
	}
	today := m.today()
	var d *Demand
	var helpers, files int
	var steps []DemandStep
	for rows.Next() {
		var sid int64
		var st DemandStep
		var at sql.NullTime
		more := []any{&helpers, &files}
		if withSteps {
			more = append(more, &sid, &st.Transition, &st.From, &st.To, &st.Actor, &st.ActorRole, &st.Reason, &st.Detail, &st.Day, &at)
		}
		r, err := scanDemand(rows, today, more...)
		if err != nil {
			rows.Close()
			return nil, err
		}
		if d == nil {
			d, steps = r, []DemandStep{}
		}
		if sid != 0 {
			if at.Valid {
				st.At = stepAt(at.Time)
			}
			steps = append(steps, st)
		}
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if d == nil {
		return nil, errs.NotFoundf("企业诉求")
	}
	d.nFiles, d.filesCounted = files, true
	if withSteps {
		d.steps = steps
	}
	if helpers == 0 {
		return d, nil
	}
	rows, err = m.DB.Q(ctx).QueryContext(ctx, `SELECT dp.id, dp.name FROM demand_helpers h JOIN departments dp ON dp.id = h.department_id WHERE h.demand_id = ? ORDER BY dp.sort, dp.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var h DemandDept
		if err := rows.Scan(&h.ID, &h.Name); err != nil {
			return nil, err
		}
		d.Helpers = append(d.Helpers, h)
	}
	return d, rows.Err()
}

// demandFor reads a demand the caller may see, or 404 (absent and out of
// scope answer the same; the denial is audited); withSteps: with its
// history in d.steps.
func (m *Module) demandFor(ctx context.Context, p *auth.Principal, id int64, withSteps bool) (*Demand, actorRoles, error) {
	if err := m.Auth.Authorize(ctx, p, PermRead, auth.Anything, "demand", fmt.Sprint(id)); err != nil {
		return nil, actorRoles{}, err
	}
	d, err := m.demandRead(ctx, id, withSteps)
	if err != nil {
		return nil, actorRoles{}, err
	}
	a := actorOf(p, d)
	if !a.any() {
		_ = m.Audit.Record(ctx, audit.Entry{Action: "access.denied", ObjectType: "demand", ObjectID: fmt.Sprint(id), Result: audit.Denied, Detail: string(PermRead) + " (scope)"})
		return nil, a, errs.NotFoundf("企业诉求")
	}
	return d, a, nil
}

// DemandDetail reads one demand with its deadlines, history and the
// transitions the caller may make now.
func (m *Module) DemandDetail(ctx context.Context, p *auth.Principal, id int64) (*Demand, error) {
	d, a, err := m.demandFor(ctx, p, id, true)
	if err != nil {
		return nil, err
	}
	d.History = d.steps
	if d.Files, err = m.filesOf(ctx, d); err != nil {
		return nil, err
	}
	d.Allowed = allowedTransitions(a, d.facts())
	return d, nil
}

// DemandFilter narrows the demand list.
type DemandFilter struct {
	State        string
	Category     string
	DepartmentID int64
	EnterpriseID int64
	Overdue      bool
	Limit        int
}

// Demands lists the demands the caller may see, newest first.
func (m *Module) Demands(ctx context.Context, p *auth.Principal, f DemandFilter) ([]Demand, error) {
	if err := m.Auth.Authorize(ctx, p, PermRead, auth.Anything, "demands", ""); err != nil {
		return nil, err
	}
	where, args := demandScope(p)
	q := `SELECT ` + demandCols + demandFrom + ` WHERE ` + where
	if f.State != "" {
		q += ` AND d.state = ?`
		args = append(args, f.State)
	}
	if f.Category != "" {
		q += ` AND d.category = ?`
		args = append(args, f.Category)
	}
	if f.DepartmentID > 0 {
		q += ` AND d.lead_department_id = ?`
		args = append(args, f.DepartmentID)
	}
	if f.EnterpriseID > 0 {
		q += ` AND d.enterprise_id = ?`
		args = append(args, f.EnterpriseID)
	}
	q += ` ORDER BY d.raised_on DESC, d.id DESC`
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 1000
	}
	rows, err := m.DB.Q(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	today := m.today()
	out := []Demand{}
	for rows.Next() {
		d, err := scanDemand(rows, today)
		if err != nil {
			return nil, err
		}
		if f.Overdue && !d.Overdue {
			continue
		}
		if len(out) < f.Limit {
			out = append(out, *d)
		}
	}
	return out, rows.Err()
}

// Transition moves a demand one step (issue 6 item 1): the state machine
// says who may do it from which state (checkTransition); the input is
// checked; the change, its history row, its audit entry, the deadlines it
// sets and the notices it sends commit together, or nothing changes.
func (m *Module) Transition(ctx context.Context, p *auth.Principal, id int64, in TransitionInput) (*Demand, error) {
	d, a, err := m.demandFor(ctx, p, id, true)
	if err != nil {
		return nil, err
	}
	in.To, in.Reason, in.Rating = strings.TrimSpace(in.To), strings.TrimSpace(in.Reason), strings.TrimSpace(in.Rating)
	if code, ok := demandRatingZh[in.Rating]; ok {
		in.Rating = code // 满意 / 基本满意 / 不满意 as the enterprise says it
	}
	if err := checkTransition(a, d.facts(), in.To); err != nil {
		if errs.KindOf(err) == errs.Forbidden {
			_ = m.Audit.Record(ctx, audit.Entry{Action: "access.denied", ObjectType: "demand", ObjectID: fmt.Sprint(id), Result: audit.Denied, Detail: "transition " + in.To})
		}
		return nil, err
	}
	depts, err := m.checkTransitionInput(ctx, d, &in)
	if err != nil {
		return nil, err
	}
	cal, err := m.loadCalendar(ctx)
	if err != nil {
		return nil, err
	}
	dl, err := m.deadlinesOf(ctx, d.Category)
	if err != nil {
		return nil, err
	}
	now := m.Clock.Now()
	day := clock.Day(now)
	add := func(from string, n int) string { s, _ := addWorkingDays(from, n, cal); return s }
	notices, err := m.demandTransitionNotices(ctx, d, in, depts)
	if err != nil {
		return nil, err
	}
	// The answer is the demand as DemandDetail shows it after the step,
	// built from the row read above, the history and files read here and
	// what the step changes (nd) — not read back (issue 8: four queries).
	hist := d.steps
	files, err := m.filesOf(ctx, d)
	if err != nil {
		return nil, err
	}
	var nd Demand
	var step DemandStep
	exact := true
	// A group commit (see createDemand). The state read above decided who
	// may do what; inside the transaction each UPDATE checks the state it
	// started from again (… AND state = ?), so a demand changed meanwhile
	// answers 409 and nothing is written.
	err = m.DB.InSharedTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		from, to, detail := d.State, d.State, ""
		var res sql.Result
		var err error
		nd = *d
		switch in.To {
		case TrRouted:
			to = StRouted
			resolveDays := dl.ResolveDays
			if in.Complex {
				resolveDays = dl.ComplexDays
			}
			respondBy, resolveBy := add(day, dl.RespondDays), add(day, resolveDays)
			res, err = tx.ExecCached(ctx, `UPDATE demands SET state = ?, lead_department_id = ?, complex = ?, routed_on = ?, respond_by = ?, resolve_by = ?, updated_at = ? WHERE id = ? AND state = ?`,
				to, in.DepartmentID, in.Complex, day, respondBy, resolveBy, now, id, from)
			if err == nil {
				for _, h := range in.Helpers {
					if _, err = tx.ExecCached(ctx, `INSERT INTO demand_helpers (demand_id, department_id) VALUES (?, ?)`, id, h); err != nil {
						break
					}
				}
			}
			detail = fmt.Sprintf("lead %d helpers %v complex %t respond_by %s resolve_by %s", in.DepartmentID, in.Helpers, in.Complex, respondBy, resolveBy)
			nd.LeadID, nd.Lead, nd.Complex, nd.RoutedOn = in.DepartmentID, depts[in.DepartmentID].Name, in.Complex, day
			nd.Deadlines.RespondBy.Due, nd.Deadlines.ResolveBy.Due = respondBy, resolveBy
			nd.Helpers, exact = helpersOf(depts, in.Helpers), len(d.Helpers) == 0
		case TrAccepted:
			to = StAccepted
			res, err = tx.ExecCached(ctx, `UPDATE demands SET state = ?, responded_on = ?, updated_at = ? WHERE id = ? AND state = ?`, to, day, now, id, from)
			nd.RespondedOn = day
		case TrInProgress:
			to = StInProgress
			res, err = tx.ExecCached(ctx, `UPDATE demands SET state = ?, updated_at = ? WHERE id = ? AND state = ?`, to, now, id, from)
		case TrResolved:
			to = StResolved
			res, err = tx.ExecCached(ctx, `UPDATE demands SET state = ?, resolved_on = ?, reply = ?, updated_at = ? WHERE id = ? AND state = ?`, to, day, in.Reason, now, id, from)
			nd.ResolvedOn, nd.Reply = day, in.Reason
		case TrReturned:
			to = StNew
			routeBy := add(day, dl.RouteDays)
			res, err = tx.ExecContext(ctx, `UPDATE demands SET state = ?, lead_department_id = NULL, complex = FALSE, extended = FALSE, route_by = ?, routed_on = '',
				respond_by = '', responded_on = '', resolve_by = '', updated_at = ? WHERE id = ? AND state = ?`, to, routeBy, now, id, from)
			if err == nil {
				_, err = tx.ExecContext(ctx, `DELETE FROM demand_helpers WHERE demand_id = ?`, id)
			}
			detail = fmt.Sprintf("from department %d; route_by %s", d.LeadID, routeBy)
			nd.LeadID, nd.Lead, nd.Complex, nd.Extended, nd.RoutedOn, nd.RespondedOn = 0, "", false, false, "", ""
			nd.Deadlines.RouteBy.Due, nd.Deadlines.RespondBy.Due, nd.Deadlines.ResolveBy.Due = routeBy, "", ""
			nd.Helpers = []DemandDept{}
		case TrRated:
			to = StRated
			res, err = tx.ExecCached(ctx, `UPDATE demands SET state = ?, rating = ?, rated_on = ?, updated_at = ? WHERE id = ? AND state = ?`, to, in.Rating, day, now, id, from)
			detail = in.Rating
			nd.Rating, nd.RatedOn = in.Rating, day
		case TrReopened:
			to = StInProgress
			days := dl.ResolveDays
			if d.Complex {
				days = dl.ComplexDays
			}
			resolveBy := add(day, days)
			res, err = tx.ExecContext(ctx, `UPDATE demands SET state = ?, reopened = TRUE, resolve_by = ?, resolved_on = '', rating = '', rated_on = '', updated_at = ? WHERE id = ? AND state = ? AND reopened = FALSE`,
				to, resolveBy, now, id, from)
			detail = fmt.Sprintf("previous rating %s; resolve_by %s", d.Rating, resolveBy)
			nd.Reopened, nd.Deadlines.ResolveBy.Due, nd.ResolvedOn, nd.Rating, nd.RatedOn = true, resolveBy, "", "", ""
		case TrExtended:
			resolveBy := add(d.RoutedOn, dl.ExtendedDays)
			res, err = tx.ExecContext(ctx, `UPDATE demands SET extended = TRUE, resolve_by = ?, updated_at = ? WHERE id = ? AND state = ? AND extended = FALSE`, resolveBy, now, id, from)
			detail = fmt.Sprintf("resolve_by %s → %s", d.Deadlines.ResolveBy.Due, resolveBy)
			nd.Extended, nd.Deadlines.ResolveBy.Due = true, resolveBy
		}
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.New(errs.Conflict, "诉求已被他人处理，请刷新后重试", "the demand was changed meanwhile; reload and try again")
		}
		nd.State = to
		if step, err = m.demandHistory(ctx, tx, id, p, now, in.To, from, to, in.Reason, detail); err != nil {
			return err
		}
		if err := m.Audit.Record(ctx, audit.Entry{Action: "express.demand." + in.To, ObjectType: "demand", ObjectID: fmt.Sprint(id),
			Detail: strings.TrimSpace(from + " → " + to + " " + in.Reason + " " + detail)}); err != nil {
			return err
		}
		for _, n := range notices {
			if err := m.notifyUsers(ctx, n.users, n.title, n.body, n.link); err != nil {
				return err
			}
		}
		if in.To == TrResolved && !d.Reopened {
			return m.demandEvent(ctx, DemandEvent{Kind: "resolved", DemandID: id, EnterpriseID: d.EnterpriseID, Category: d.Category,
				Source: d.Source, RaisedBy: d.raisedByPerson, Day: day})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	nd.settle(m.today())
	if in.To == TrReturned && !a.Office {
		// The returning department no longer sees the demand: answer with
		// what it did (the demand alone, as demandByID reads it), not with
		// a 404 for a transition that succeeded.
		nd.History, nd.Files, nd.Allowed = nil, nil, nil
		return &nd, nil
	}
	na := actorOf(p, &nd)
	if !exact || !na.any() {
		return m.DemandDetail(ctx, p, id)
	}
	nd.History, nd.Files, nd.Allowed = append(hist, step), files, allowedTransitions(na, nd.facts())
	return &nd, nil
}

// checkTransitionInput checks what a transition carries (422 naming the
// field): a lead department and distinct existing helpers to route; a
// reason to return or extend (optional to resolve — the reply — and to
// reopen); a rating.
func (m *Module) checkTransitionInput(ctx context.Context, d *Demand, in *TransitionInput) (map[int64]deptRef, error) {
	var l errs.List
	depts := map[int64]deptRef{}
	var qerr error
	exists := func(id int64) bool {
		r, ok, err := m.department(ctx, id)
		if ok {
			depts[id] = r
		}
		if err != nil && qerr == nil {
			qerr = err
		}
		return ok
	}
	switch in.To {
	case TrRouted:
		if in.DepartmentID <= 0 || !exists(in.DepartmentID) {
			l = append(l, errs.Field("department_id", "交办须指定一个存在的牵头部门", "routing needs an existing lead department"))
		}
		seen := map[int64]bool{}
		for _, h := range in.Helpers {
			switch {
			case h == in.DepartmentID:
				l = append(l, errs.Field("helpers", "协办部门不能是牵头部门", "a helper department cannot be the lead department"))
			case seen[h]:
				l = append(l, errs.Field("helpers", fmt.Sprintf("协办部门 %d 重复", h), fmt.Sprintf("helper department %d is listed twice", h)))
			case !exists(h):
				l = append(l, errs.Field("helpers", fmt.Sprintf("协办部门 %d 不存在", h), fmt.Sprintf("helper department %d does not exist", h)))
			}
			seen[h] = true
		}
		if len(in.Helpers) > 5 {
			l = append(l, errs.Field("helpers", "协办部门最多 5 个", "at most 5 helper departments"))
		}
		demandText(&l, "reason", "交办意见", "the routing note", in.Reason, 0, 500)
	case TrReturned:
		demandText(&l, "reason", "退回理由", "the reason for returning", in.Reason, 2, 500)
	case TrResolved:
		// The reply is asked for by the form; over the API it may be
		// given later by phone and so is optional.
		demandText(&l, "reason", "办理结果答复", "the reply on the outcome", in.Reason, 0, 2000)
	case TrReopened:
		demandText(&l, "reason", "重办理由", "the reason for reopening", in.Reason, 0, 500)
	case TrExtended:
		demandText(&l, "reason", "延期理由", "the reason for the extension", in.Reason, 2, 500)
	case TrRated:
		if !slices.Contains(demandRatings, in.Rating) {
			l = append(l, errs.Field("rating", "评价须为 satisfied（满意）、basically（基本满意）或 unsatisfied（不满意）", "the rating must be satisfied, basically or unsatisfied"))
		}
		demandText(&l, "reason", "评价意见", "the comment", in.Reason, 0, 500)
	default:
		demandText(&l, "reason", "说明", "the note", in.Reason, 0, 500)
	}
	if in.To != TrRouted && (in.DepartmentID != 0 || len(in.Helpers) > 0 || in.Complex) {
		l = append(l, errs.Field("department_id", "只有交办时才能指定部门和复杂标记", "departments and the complex flag are given only when routing"))
	}
	if in.To != TrRated && in.Rating != "" {
		l = append(l, errs.Field("rating", "只有评价时才填写评价结果", "a rating is given only when rating"))
	}
	if qerr != nil {
		return nil, qerr
	}
	return depts, l.Err()
}

// deptRef is a department as a demand shows it, with its place in lists
// and its staff (the active dept_staff users, by id: who is told when a
// demand is routed to it).
type deptRef struct {
	DemandDept
	sort  int
	staff []int64
}

// department reads a department with its staff, reporting whether it
// exists: one query where it was two (the name, then usersWith for the
// routing notice; issue 8).
func (m *Module) department(ctx context.Context, id int64) (deptRef, bool, error) {
	r := deptRef{DemandDept: DemandDept{ID: id}}
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT dp.name, dp.sort, COALESCE(u.id, 0) FROM departments dp
		LEFT JOIN user_roles r ON r.scope_id = dp.id AND r.role = ? AND r.scope_kind = ?
		LEFT JOIN users u ON u.id = r.user_id AND u.disabled = FALSE
		WHERE dp.id = ?`, string(auth.DeptStaff), auth.ScopeDepartment, id)
	if err != nil {
		return r, false, err
	}
	defer rows.Close()
	found := false
	for rows.Next() {
		var uid int64
		if err := rows.Scan(&r.Name, &r.sort, &uid); err != nil {
			return r, false, err
		}
		found = true
		if uid != 0 {
			r.staff = append(r.staff, uid)
		}
	}
	slices.Sort(r.staff) // as usersWith lists them (no ORDER BY: see raiseFacts)
	r.staff = slices.Compact(r.staff)
	return r, found, rows.Err()
}

// helpersOf lists helper departments as demandByID does (by sort, then id).
func helpersOf(depts map[int64]deptRef, ids []int64) []DemandDept {
	rs := make([]deptRef, 0, len(ids))
	for _, id := range ids {
		rs = append(rs, depts[id])
	}
	slices.SortFunc(rs, func(a, b deptRef) int { return cmp.Or(cmp.Compare(a.sort, b.sort), cmp.Compare(a.ID, b.ID)) })
	out := make([]DemandDept, len(rs))
	for i, r := range rs {
		out[i] = r.DemandDept
	}
	return out
}

// usersWith lists the active users holding role over a scope (scopeID 0:
// any scope of that kind, e.g. every committee user).
func (m *Module) usersWith(ctx context.Context, role auth.Role, scopeKind string, scopeID int64) ([]int64, error) {
	q := `SELECT DISTINCT u.id FROM users u JOIN user_roles r ON r.user_id = u.id WHERE u.disabled = FALSE AND r.role = ? AND r.scope_kind = ?`
	args := []any{string(role), scopeKind}
	if scopeID != 0 {
		q += ` AND r.scope_id = ?`
		args = append(args, scopeID)
	}
	return db.Column[int64](ctx, m.DB.Q(ctx), q+` ORDER BY u.id`, args...)
}

func (m *Module) notifyUsers(ctx context.Context, ids []int64, title, body, link string) error {
	for _, u := range ids {
		if err := m.Notify.Notify(ctx, u, title, body, link); err != nil {
			return err
		}
	}
	return nil
}

func demandLink(id int64) string { return fmt.Sprintf("/express/demands/%d", id) }

// demandNotice is one in-app notice to a list of users.
type demandNotice struct {
	users             []int64
	title, body, link string
}

// demandTransitionNotices says who is told of a transition (in-app): the
// lead and helper departments when routed, the office when returned or
// reopened, the enterprise's contacts when resolved. It only reads (the
// recipients), before the transaction that sends them; a routing's
// departments come with their staff from checkTransitionInput (depts).
func (m *Module) demandTransitionNotices(ctx context.Context, d *Demand, in TransitionInput, depts map[int64]deptRef) ([]demandNotice, error) {
	link := demandLink(d.ID)
	body := d.Enterprise + "：" + d.Title
	var out []demandNotice
	add := func(role auth.Role, kind string, scope int64, title, body string) error {
		us, err := m.usersWith(ctx, role, kind, scope)
		if err == nil {
			out = append(out, demandNotice{us, title, body, link})
		}
		return err
	}
	var err error
	switch in.To {
	case TrRouted:
		for i, dep := range append([]int64{in.DepartmentID}, in.Helpers...) {
			title := "企业诉求已交办贵部门牵头办理，请签收"
			if i > 0 {
				title = "企业诉求请贵部门协办"
			}
			if r, ok := depts[dep]; ok {
				out = append(out, demandNotice{r.staff, title, body, link})
				continue
			}
			if err = add(auth.DeptStaff, auth.ScopeDepartment, dep, title, body); err != nil {
				break
			}
		}
	case TrReturned:
		err = add(auth.Committee, auth.ScopeZone, 0, "企业诉求被部门退回，请重新交办", body+"（"+in.Reason+"）")
	case TrReopened:
		if err = add(auth.Committee, auth.ScopeZone, 0, "企业诉求评价不满意，已重办", body); err == nil {
			err = add(auth.DeptStaff, auth.ScopeDepartment, d.LeadID, "企业诉求评价不满意，请重办", body)
		}
	case TrResolved:
		err = add(auth.Enterprise, auth.ScopeEnterprise, d.EnterpriseID, "您的诉求已办结，请评价", body)
	}
	return out, err
}
