package organ

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/web"
)

// Visit is a study visit or exchange (学习交流).
type Visit struct {
	ID           int64         `json:"id"`
	VisitedOn    string        `json:"visited_on"`
	Host         string        `json:"host"`
	Title        string        `json:"title"`
	Topics       string        `json:"topics"`
	Participants int           `json:"participant_count"`
	OpenActions  int           `json:"open_actions"`
	People       []VisitPerson `json:"participants,omitempty"`
	Actions      []VisitAction `json:"actions,omitempty"`
	Files        []File        `json:"files,omitempty"`
}

// VisitPerson is a participant.
type VisitPerson struct {
	PersonID int64  `json:"person_id"`
	Name     string `json:"name"`
}

// VisitAction is a follow-up action of a visit.
type VisitAction struct {
	ID     int64  `json:"id"`
	Body   string `json:"body"`
	Owner  string `json:"owner"`
	Status string `json:"status"` // open, done
}

// VisitInput records a visit.
type VisitInput struct {
	VisitedOn    string  `json:"visited_on"`
	Host         string  `json:"host"`
	Title        string  `json:"title"`
	Topics       string  `json:"topics"`
	Participants []int64 `json:"participants"`
}

// ActionInput adds a follow-up action.
type ActionInput struct {
	Body  string `json:"body"`
	Owner string `json:"owner"`
}

func (in *VisitInput) check() error {
	in.VisitedOn, in.Host, in.Title, in.Topics = strings.TrimSpace(in.VisitedOn), strings.TrimSpace(in.Host), strings.TrimSpace(in.Title), strings.TrimSpace(in.Topics)
	var l errs.List
	exDay(&l, "visited_on", "日期", "the date", in.VisitedOn)
	exText(&l, "host", "接待单位", "the host", in.Host, 1, 100)
	exText(&l, "title", "标题", "the title", in.Title, 2, 200)
	exText(&l, "topics", "交流内容", "the topics", in.Topics, 0, 2000)
	if len(in.Participants) > 500 {
		l = append(l, errs.Field("participants", "参加人员最多 500 人", "at most 500 participants"))
	}
	return l.Err()
}

func (in *ActionInput) check() error {
	in.Body, in.Owner = strings.TrimSpace(in.Body), strings.TrimSpace(in.Owner)
	var l errs.List
	exText(&l, "body", "后续措施", "the action", in.Body, 2, 500)
	exText(&l, "owner", "责任人", "the owner", in.Owner, 0, 50)
	return l.Err()
}

// Visits lists the visits, newest first.
func (m *Module) Visits(ctx context.Context, p *auth.Principal) ([]Visit, error) {
	if err := m.Auth.Authorize(ctx, p, PermRead, auth.Anything, "organ_visit", ""); err != nil {
		return nil, err
	}
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT v.id, v.visited_on, v.host, v.title, v.topics,
		(SELECT COUNT(*) FROM visits_participants vp WHERE vp.visit_id = v.id),
		(SELECT COUNT(*) FROM visits_actions va WHERE va.visit_id = v.id AND va.status = 'open')
		FROM visits v ORDER BY v.visited_on DESC, v.id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Visit{}
	for rows.Next() {
		var v Visit
		if err := rows.Scan(&v.ID, &v.VisitedOn, &v.Host, &v.Title, &v.Topics, &v.Participants, &v.OpenActions); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Visit reads one visit with participants, actions and files.
func (m *Module) Visit(ctx context.Context, p *auth.Principal, id int64) (*Visit, error) {
	if err := m.Auth.Authorize(ctx, p, PermRead, auth.Anything, "organ_visit", fmt.Sprint(id)); err != nil {
		return nil, err
	}
	q := m.DB.Q(ctx)
	var v Visit
	err := q.QueryRowContext(ctx, `SELECT id, visited_on, host, title, topics FROM visits WHERE id = ?`, id).Scan(&v.ID, &v.VisitedOn, &v.Host, &v.Title, &v.Topics)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFoundf("学习交流")
	}
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.name FROM visits_participants vp JOIN people p ON p.id = vp.person_id WHERE vp.visit_id = ? ORDER BY p.id`, id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var vp VisitPerson
		if err := rows.Scan(&vp.PersonID, &vp.Name); err != nil {
			rows.Close()
			return nil, err
		}
		v.People = append(v.People, vp)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	v.Participants = len(v.People)
	rows, err = q.QueryContext(ctx, `SELECT id, body, owner, status FROM visits_actions WHERE visit_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var a VisitAction
		if err := rows.Scan(&a.ID, &a.Body, &a.Owner, &a.Status); err != nil {
			rows.Close()
			return nil, err
		}
		if a.Status == "open" {
			v.OpenActions++
		}
		v.Actions = append(v.Actions, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if v.Files, err = m.FilesOf(ctx, "visit", id); err != nil {
		return nil, err
	}
	return &v, nil
}

// CreateVisit records a visit (the committee).
func (m *Module) CreateVisit(ctx context.Context, p *auth.Principal, in VisitInput, files []Upload) (int64, error) {
	if err := m.Auth.Authorize(ctx, p, PermManage, auth.Anything, "organ_visit", ""); err != nil {
		return 0, err
	}
	if err := in.check(); err != nil {
		return 0, err
	}
	seen := map[int64]bool{}
	for _, pid := range in.Participants {
		var n int
		if err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM people WHERE id = ?`, pid).Scan(&n); err != nil {
			return 0, err
		}
		if n == 0 {
			return 0, errs.Field("participants", fmt.Sprintf("人员 %d 不存在", pid), fmt.Sprintf("person %d does not exist", pid))
		}
	}
	var id int64
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var err error
		if id, err = tx.InsertID(ctx, `INSERT INTO visits (visited_on, host, title, topics, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			in.VisitedOn, in.Host, in.Title, in.Topics, p.UserID, m.Clock.Now()); err != nil {
			return err
		}
		for _, pid := range in.Participants {
			if seen[pid] {
				continue
			}
			seen[pid] = true
			if _, err := tx.ExecContext(ctx, `INSERT INTO visits_participants (visit_id, person_id) VALUES (?, ?)`, id, pid); err != nil {
				return err
			}
		}
		if err := m.SaveFiles(ctx, tx, "visit", id, files, p.UserID); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "organ.visit.create", ObjectType: "organ_visit", ObjectID: fmt.Sprint(id), Detail: in.Title})
	})
	return id, err
}

// AddVisitAction adds a follow-up action to a visit (the committee).
func (m *Module) AddVisitAction(ctx context.Context, p *auth.Principal, visitID int64, in ActionInput) (int64, error) {
	if err := m.Auth.Authorize(ctx, p, PermManage, auth.Anything, "organ_visit", fmt.Sprint(visitID)); err != nil {
		return 0, err
	}
	if _, err := m.Visit(ctx, p, visitID); err != nil {
		return 0, err
	}
	if err := in.check(); err != nil {
		return 0, err
	}
	var id int64
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var err error
		if id, err = tx.InsertID(ctx, `INSERT INTO visits_actions (visit_id, body, owner, status, updated_at) VALUES (?, ?, ?, 'open', ?)`,
			visitID, in.Body, in.Owner, m.Clock.Now()); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "organ.visit.action_add", ObjectType: "organ_visit", ObjectID: fmt.Sprint(visitID), Detail: in.Body})
	})
	return id, err
}

// SetActionStatus marks a follow-up action open or done (the committee);
// it returns the action's visit.
func (m *Module) SetActionStatus(ctx context.Context, p *auth.Principal, actionID int64, status string) (int64, error) {
	if err := m.Auth.Authorize(ctx, p, PermManage, auth.Anything, "organ_visit_action", fmt.Sprint(actionID)); err != nil {
		return 0, err
	}
	if status != "open" && status != "done" {
		return 0, errs.Field("status", "状态须为 open 或 done", "the status must be open or done")
	}
	var visitID int64
	err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT visit_id FROM visits_actions WHERE id = ?`, actionID).Scan(&visitID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errs.NotFoundf("后续措施")
	}
	if err != nil {
		return 0, err
	}
	return visitID, m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE visits_actions SET status = ?, updated_at = ? WHERE id = ?`, status, m.Clock.Now(), actionID); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "organ.visit.action_" + status, ObjectType: "organ_visit_action", ObjectID: fmt.Sprint(actionID)})
	})
}

// ---- guidance ----

// Guidance methods.
var guidanceMethods = []string{"talk", "review", "other"}

// Guidance is the organ committee's guidance at one branch (指导帮扶).
type Guidance struct {
	ID           int64     `json:"id"`
	BranchID     int64     `json:"branch_id"`
	Branch       string    `json:"branch"`
	GuidedOn     string    `json:"guided_on"`
	Method       string    `json:"method"`
	Summary      string    `json:"summary"`
	Problems     []Problem `json:"problems"`
	OpenProblems int       `json:"open_problems"` // not yet closed
}

// Problem is a problem found during guidance.
type Problem struct {
	ID       int64  `json:"id"`
	Body     string `json:"body"`
	Status   string `json:"status"` // open, rectifying, closed
	Note     string `json:"note"`
	ClosedOn string `json:"closed_on"`
}

// GuidanceInput records guidance with its problems.
type GuidanceInput struct {
	BranchID int64    `json:"branch_id"`
	GuidedOn string   `json:"guided_on"`
	Method   string   `json:"method"`
	Summary  string   `json:"summary"`
	Problems []string `json:"problems"`
}

func (m *Module) checkGuidance(ctx context.Context, in *GuidanceInput) error {
	in.GuidedOn, in.Summary = strings.TrimSpace(in.GuidedOn), strings.TrimSpace(in.Summary)
	var l errs.List
	var kind string
	err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT kind FROM branches WHERE id = ?`, in.BranchID).Scan(&kind)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if kind != directory.KindOrganBranch {
		l = append(l, errs.Field("branch_id", "须选择一个机关党支部", "choose an organ branch"))
	}
	exDay(&l, "guided_on", "日期", "the date", in.GuidedOn)
	ok := false
	for _, x := range guidanceMethods {
		ok = ok || x == in.Method
	}
	if !ok {
		l = append(l, errs.Field("method", "方式须为 talk（座谈）、review（查看资料）或 other（其他）", "the method must be talk, review or other"))
	}
	exText(&l, "summary", "情况概要", "the summary", in.Summary, 2, 2000)
	var ps []string
	for _, s := range in.Problems {
		if s = strings.TrimSpace(s); s != "" {
			ps = append(ps, s)
		}
	}
	in.Problems = ps
	if len(ps) > 20 {
		l = append(l, errs.Field("problems", "问题最多 20 条", "at most 20 problems"))
	}
	for _, s := range ps {
		if utf8.RuneCountInString(s) > 500 {
			l = append(l, errs.Field("problems", "每条问题最多 500 字", "each problem is at most 500 characters"))
			break
		}
	}
	return l.Err()
}

// GuidanceList lists guidance records, newest first, optionally for one
// branch.
func (m *Module) GuidanceList(ctx context.Context, p *auth.Principal, branchID int64) ([]Guidance, error) {
	if err := m.Auth.Authorize(ctx, p, PermRead, auth.Anything, "organ_guidance", ""); err != nil {
		return nil, err
	}
	return m.guidance(ctx, branchID, 0)
}

func (m *Module) guidance(ctx context.Context, branchID, id int64) ([]Guidance, error) {
	q := `SELECT g.id, g.branch_id, b.name, g.guided_on, g.method, g.summary FROM visits_guidance g JOIN branches b ON b.id = g.branch_id WHERE 1 = 1`
	var args []any
	if branchID > 0 {
		q += ` AND g.branch_id = ?`
		args = append(args, branchID)
	}
	if id > 0 {
		q += ` AND g.id = ?`
		args = append(args, id)
	}
	rows, err := m.DB.Q(ctx).QueryContext(ctx, q+` ORDER BY g.guided_on DESC, g.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	out := []Guidance{}
	idx := map[int64]int{}
	for rows.Next() {
		var g Guidance
		if err := rows.Scan(&g.ID, &g.BranchID, &g.Branch, &g.GuidedOn, &g.Method, &g.Summary); err != nil {
			rows.Close()
			return nil, err
		}
		g.Problems = []Problem{}
		idx[g.ID] = len(out)
		out = append(out, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	pq := `SELECT id, guidance_id, body, status, note, closed_on FROM visits_problems`
	args = nil
	if id > 0 {
		pq += ` WHERE guidance_id = ?`
		args = append(args, id)
	}
	rows, err = m.DB.Q(ctx).QueryContext(ctx, pq+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var pr Problem
		var gid int64
		if err := rows.Scan(&pr.ID, &gid, &pr.Body, &pr.Status, &pr.Note, &pr.ClosedOn); err != nil {
			return nil, err
		}
		if i, ok := idx[gid]; ok {
			out[i].Problems = append(out[i].Problems, pr)
			if pr.Status != "closed" {
				out[i].OpenProblems++
			}
		}
	}
	return out, rows.Err()
}

// GuidanceDetail reads one guidance record.
func (m *Module) GuidanceDetail(ctx context.Context, p *auth.Principal, id int64) (*Guidance, error) {
	if err := m.Auth.Authorize(ctx, p, PermRead, auth.Anything, "organ_guidance", fmt.Sprint(id)); err != nil {
		return nil, err
	}
	gs, err := m.guidance(ctx, 0, id)
	if err != nil {
		return nil, err
	}
	if len(gs) == 0 {
		return nil, errs.NotFoundf("指导帮扶记录")
	}
	return &gs[0], nil
}

// CreateGuidance records guidance with its problems (the committee).
func (m *Module) CreateGuidance(ctx context.Context, p *auth.Principal, in GuidanceInput) (int64, error) {
	if err := m.Auth.Authorize(ctx, p, PermManage, auth.Anything, "organ_guidance", ""); err != nil {
		return 0, err
	}
	if err := m.checkGuidance(ctx, &in); err != nil {
		return 0, err
	}
	var id int64
	now := m.Clock.Now()
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var err error
		if id, err = tx.InsertID(ctx, `INSERT INTO visits_guidance (branch_id, guided_on, method, summary, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			in.BranchID, in.GuidedOn, in.Method, in.Summary, p.UserID, now); err != nil {
			return err
		}
		for _, s := range in.Problems {
			if _, err := tx.ExecContext(ctx, `INSERT INTO visits_problems (guidance_id, body, status, updated_at) VALUES (?, ?, 'open', ?)`, id, s, now); err != nil {
				return err
			}
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "organ.guidance.create", ObjectType: "organ_guidance", ObjectID: fmt.Sprint(id),
			Detail: fmt.Sprintf("branch %d, %d problems", in.BranchID, len(in.Problems))})
	})
	return id, err
}

func (m *Module) problemOf(ctx context.Context, id int64) (guidanceID, branchID int64, status string, err error) {
	err = m.DB.Q(ctx).QueryRowContext(ctx, `SELECT g.id, g.branch_id, pr.status FROM visits_problems pr JOIN visits_guidance g ON g.id = pr.guidance_id WHERE pr.id = ?`, id).
		Scan(&guidanceID, &branchID, &status)
	if errors.Is(err, sql.ErrNoRows) {
		err = errs.NotFoundf("问题")
	}
	return
}

// CloseProblem closes a problem on today's date (the committee); it
// returns the problem's guidance record.
func (m *Module) CloseProblem(ctx context.Context, p *auth.Principal, id int64) (int64, error) {
	if err := m.Auth.Authorize(ctx, p, PermManage, auth.Anything, "organ_problem", fmt.Sprint(id)); err != nil {
		return 0, err
	}
	gid, _, status, err := m.problemOf(ctx, id)
	if err != nil {
		return 0, err
	}
	if status == "closed" {
		return 0, errs.New(errs.Conflict, "该问题已销号", "the problem is already closed")
	}
	return gid, m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE visits_problems SET status = 'closed', closed_on = ?, updated_at = ? WHERE id = ? AND status <> 'closed'`,
			m.today(), m.Clock.Now(), id); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "organ.guidance.problem_close", ObjectType: "organ_problem", ObjectID: fmt.Sprint(id)})
	})
}

// RectifyProblem records the branch's rectification note (整改情况) on an
// open or rectifying problem: the committee, or the branch's own secretary
// or committee member. The problem moves to rectifying.
func (m *Module) RectifyProblem(ctx context.Context, p *auth.Principal, id int64, note string) (int64, error) {
	gid, branchID, status, err := m.problemOf(ctx, id)
	if err != nil {
		// an unknown problem reads as out of scope
		if aerr := m.Auth.Authorize(ctx, p, PermRecord, auth.Anything, "organ_problem", fmt.Sprint(id)); aerr != nil {
			return 0, aerr
		}
		return 0, err
	}
	if err := m.Auth.Authorize(ctx, p, PermRecord, auth.Object{Branch: branchID}, "organ_problem", fmt.Sprint(id)); err != nil {
		return 0, err
	}
	ok, err := m.CanRecord(ctx, p, branchID)
	if err != nil {
		return 0, err
	}
	if !ok {
		_ = m.Audit.Record(ctx, audit.Entry{Action: "organ.guidance.problem_note", ObjectType: "organ_problem", ObjectID: fmt.Sprint(id), Result: audit.Denied,
			Detail: fmt.Sprintf("branch %d: not its secretary or committee member", branchID)})
		return 0, errs.New(errs.Forbidden, "只有本支部书记、支委委员或机关党委可以填写整改情况", "only the branch's secretary or committee members, or the organ committee, may record the rectification")
	}
	note = strings.TrimSpace(note)
	var l errs.List
	exText(&l, "note", "整改情况", "the note", note, 2, 1000)
	if err := l.Err(); err != nil {
		return 0, err
	}
	if status == "closed" {
		return 0, errs.New(errs.Conflict, "该问题已销号，不能再填写整改情况", "the problem is closed")
	}
	return gid, m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE visits_problems SET status = 'rectifying', note = ?, updated_at = ? WHERE id = ? AND status <> 'closed'`,
			note, m.Clock.Now(), id); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "organ.guidance.problem_note", ObjectType: "organ_problem", ObjectID: fmt.Sprint(id), Detail: note})
	})
}

// ---- handlers ----

type visitsPage struct {
	Items     []Visit `json:"items"`
	CanManage bool    `json:"-"`
}

func (m *Module) visitsData(r *http.Request) (*visitsPage, error) {
	items, err := m.Visits(r.Context(), web.Principal(r))
	if err != nil {
		return nil, err
	}
	return &visitsPage{Items: items, CanManage: auth.Can(web.Principal(r), PermManage, auth.Anything)}, nil
}

func (m *Module) apiVisits(w http.ResponseWriter, r *http.Request) error {
	d, err := m.visitsData(r)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d)
	return nil
}

func (m *Module) pageVisits(w http.ResponseWriter, r *http.Request) error {
	d, err := m.visitsData(r)
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "visits_list", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "nav.organ_visits"), D: d})
}

type visitPage struct {
	V         *Visit
	CanManage bool
}

func (m *Module) apiVisit(w http.ResponseWriter, r *http.Request) error {
	id, err := stdID(r)
	if err != nil {
		return err
	}
	v, err := m.Visit(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (m *Module) pageVisit(w http.ResponseWriter, r *http.Request) error {
	id, err := stdID(r)
	if err != nil {
		return err
	}
	v, err := m.Visit(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "visits_visit", &web.Page{Title: v.Title, D: &visitPage{V: v, CanManage: auth.Can(web.Principal(r), PermManage, auth.Anything)}})
}

func (m *Module) apiCreateVisit(w http.ResponseWriter, r *http.Request) error {
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermManage, auth.Anything, "organ_visit", ""); err != nil {
		return err
	}
	var in VisitInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	id, err := m.CreateVisit(r.Context(), web.Principal(r), in, nil)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]int64{"id": id})
	return nil
}

func (m *Module) postVisit(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	if err := m.Auth.Authorize(r.Context(), p, PermManage, auth.Anything, "organ_visit", ""); err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxFiles*(10<<20)+(1<<20))
	files, err := ReadUploads(r)
	if err != nil {
		return err
	}
	in := VisitInput{VisitedOn: r.FormValue("visited_on"), Host: r.FormValue("host"), Title: r.FormValue("title"), Topics: r.FormValue("topics")}
	if r.FormValue("party_workers") != "" {
		ws, err := m.Dir.PositionHolders(r.Context(), directory.PosPartyWorker)
		if err != nil {
			return err
		}
		for _, w := range ws {
			in.Participants = append(in.Participants, w.PersonID)
		}
	}
	id, err := m.CreateVisit(r.Context(), p, in, files)
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/organ/visits/%d?ok=saved", id), http.StatusSeeOther)
	return nil
}

func (m *Module) visitActionAdd(api bool) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := stdID(r)
		if err != nil {
			return err
		}
		if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermManage, auth.Anything, "organ_visit", fmt.Sprint(id)); err != nil {
			return err
		}
		var in ActionInput
		if api {
			if err := web.DecodeJSON(r, &in); err != nil {
				return err
			}
		} else {
			in = ActionInput{Body: r.FormValue("body"), Owner: r.FormValue("owner")}
		}
		if _, err := m.AddVisitAction(r.Context(), web.Principal(r), id, in); err != nil {
			return err
		}
		if api {
			return m.apiVisit(w, r)
		}
		http.Redirect(w, r, fmt.Sprintf("/organ/visits/%d?ok=saved", id), http.StatusSeeOther)
		return nil
	}
}

func (m *Module) visitActionStatus(api bool) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := stdID(r)
		if err != nil {
			return err
		}
		if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermManage, auth.Anything, "organ_visit_action", fmt.Sprint(id)); err != nil {
			return err
		}
		var in struct {
			Status string `json:"status"`
		}
		if api {
			if err := web.DecodeJSON(r, &in); err != nil {
				return err
			}
		} else {
			in.Status = r.FormValue("status")
		}
		vid, err := m.SetActionStatus(r.Context(), web.Principal(r), id, in.Status)
		if err != nil {
			return err
		}
		if api {
			v, err := m.Visit(r.Context(), web.Principal(r), vid)
			if err != nil {
				return err
			}
			web.WriteJSON(w, http.StatusOK, v)
			return nil
		}
		http.Redirect(w, r, fmt.Sprintf("/organ/visits/%d?ok=saved", vid), http.StatusSeeOther)
		return nil
	}
}

type guidanceListPage struct {
	Items     []Guidance          `json:"items"`
	BranchID  int64               `json:"branch_id"`
	Branches  []*directory.Branch `json:"-"`
	Methods   []string            `json:"-"`
	Open      int                 `json:"open_problems"`
	CanManage bool                `json:"-"`
}

func (m *Module) guidanceData(r *http.Request) (*guidanceListPage, error) {
	b, _ := strconv.ParseInt(r.URL.Query().Get("branch"), 10, 64)
	items, err := m.GuidanceList(r.Context(), web.Principal(r), b)
	if err != nil {
		return nil, err
	}
	d := &guidanceListPage{Items: items, BranchID: b, Methods: guidanceMethods, CanManage: auth.Can(web.Principal(r), PermManage, auth.Anything)}
	for _, g := range items {
		d.Open += g.OpenProblems
	}
	if d.Branches, err = m.Dir.BranchList(r.Context(), directory.KindOrganBranch); err != nil {
		return nil, err
	}
	return d, nil
}

func (m *Module) apiGuidanceList(w http.ResponseWriter, r *http.Request) error {
	d, err := m.guidanceData(r)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d)
	return nil
}

func (m *Module) pageGuidanceList(w http.ResponseWriter, r *http.Request) error {
	d, err := m.guidanceData(r)
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "visits_guidance_list", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "nav.organ_guidance"), D: d})
}

type guidancePage struct {
	G         *Guidance
	CanManage bool
	CanRecord bool
}

func (m *Module) apiGuidance(w http.ResponseWriter, r *http.Request) error {
	id, err := stdID(r)
	if err != nil {
		return err
	}
	g, err := m.GuidanceDetail(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, g)
	return nil
}

func (m *Module) pageGuidance(w http.ResponseWriter, r *http.Request) error {
	id, err := stdID(r)
	if err != nil {
		return err
	}
	p := web.Principal(r)
	g, err := m.GuidanceDetail(r.Context(), p, id)
	if err != nil {
		return err
	}
	can, err := m.CanRecord(r.Context(), p, g.BranchID)
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "visits_guidance", &web.Page{Title: g.Branch + " " + g.GuidedOn,
		D: &guidancePage{G: g, CanManage: auth.Can(p, PermManage, auth.Anything), CanRecord: can}})
}

func (m *Module) apiCreateGuidance(w http.ResponseWriter, r *http.Request) error {
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermManage, auth.Anything, "organ_guidance", ""); err != nil {
		return err
	}
	var in GuidanceInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	id, err := m.CreateGuidance(r.Context(), web.Principal(r), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]int64{"id": id})
	return nil
}

func (m *Module) postGuidance(w http.ResponseWriter, r *http.Request) error {
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermManage, auth.Anything, "organ_guidance", ""); err != nil {
		return err
	}
	b, _ := strconv.ParseInt(r.FormValue("branch_id"), 10, 64)
	in := GuidanceInput{BranchID: b, GuidedOn: r.FormValue("guided_on"), Method: r.FormValue("method"), Summary: r.FormValue("summary"),
		Problems: strings.Split(strings.ReplaceAll(r.FormValue("problems"), "\r\n", "\n"), "\n")}
	id, err := m.CreateGuidance(r.Context(), web.Principal(r), in)
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/organ/guidance/%d?ok=saved", id), http.StatusSeeOther)
	return nil
}

func (m *Module) problemHandler(close, api bool) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := stdID(r)
		if err != nil {
			return err
		}
		var gid int64
		if close {
			gid, err = m.CloseProblem(r.Context(), web.Principal(r), id)
		} else {
			var in struct {
				Note string `json:"note"`
			}
			if api {
				if err := web.DecodeJSON(r, &in); err != nil {
					return err
				}
			} else {
				in.Note = r.FormValue("note")
			}
			gid, err = m.RectifyProblem(r.Context(), web.Principal(r), id, in.Note)
		}
		if err != nil {
			return err
		}
		if api {
			g, err := m.GuidanceDetail(r.Context(), web.Principal(r), gid)
			if err != nil {
				return err
			}
			web.WriteJSON(w, http.StatusOK, g)
			return nil
		}
		http.Redirect(w, r, fmt.Sprintf("/organ/guidance/%d?ok=saved", gid), http.StatusSeeOther)
		return nil
	}
}

func init() {
	routeParts = append(routeParts, func(m *Module, r *web.Router) {
		r.Handle("GET /organ/visits", web.Handler(m.pageVisits))
		r.Handle("POST /organ/visits", web.Handler(m.postVisit))
		r.Handle("GET /organ/visits/{id}", web.Handler(m.pageVisit))
		r.Handle("POST /organ/visits/{id}/actions", m.visitActionAdd(false))
		r.Handle("POST /organ/visit-actions/{id}", m.visitActionStatus(false))
		r.Handle("GET /api/v1/organ/visits", web.Handler(m.apiVisits))
		r.Handle("POST /api/v1/organ/visits", web.Handler(m.apiCreateVisit))
		r.Handle("GET /api/v1/organ/visits/{id}", web.Handler(m.apiVisit))
		r.Handle("POST /api/v1/organ/visits/{id}/actions", m.visitActionAdd(true))
		r.Handle("POST /api/v1/organ/visit-actions/{id}", m.visitActionStatus(true))

		r.Handle("GET /organ/guidance", web.Handler(m.pageGuidanceList))
		r.Handle("POST /organ/guidance", web.Handler(m.postGuidance))
		r.Handle("GET /organ/guidance/{id}", web.Handler(m.pageGuidance))
		r.Handle("POST /organ/guidance-problems/{id}/close", m.problemHandler(true, false))
		r.Handle("POST /organ/guidance-problems/{id}/note", m.problemHandler(false, false))
		r.Handle("GET /api/v1/organ/guidance", web.Handler(m.apiGuidanceList))
		r.Handle("POST /api/v1/organ/guidance", web.Handler(m.apiCreateGuidance))
		r.Handle("GET /api/v1/organ/guidance/{id}", web.Handler(m.apiGuidance))
		r.Handle("POST /api/v1/organ/guidance-problems/{id}/close", m.problemHandler(true, true))
		r.Handle("POST /api/v1/organ/guidance-problems/{id}/note", m.problemHandler(false, true))
	})
	navItems = append(navItems,
		web.NavItem{Key: "nav.organ_visits", Path: "/organ/visits", Perm: PermRead, Order: 55},
		web.NavItem{Key: "nav.organ_guidance", Path: "/organ/guidance", Perm: PermRead, Order: 57})
	demoParts = append(demoParts, demoPart{Order: 40, Load: loadVisitsDemo})
	fileAccess["visit"] = func(m *Module, r *http.Request, ownerID int64) error {
		_, err := m.Visit(r.Context(), web.Principal(r), ownerID)
		return err
	}
}
