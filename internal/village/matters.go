package village

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
)

// PermMatterVerify is the verification (验收) of a major matter before it is
// closed (销号): the village supervision committee in its own village, or
// the zone committee — never the matter's responsible person (RULES.md §4).
const PermMatterVerify auth.Perm = "village:matter_verify"

func init() {
	auth.Register(PermMatterVerify, auth.Rule{Role: auth.Committee}, auth.Rule{Role: auth.VillageSupervisor})
}

// Matter states (RULES.md §4 last row): 挂牌 → 办理中 → 申请销号 → (验收) → 销号.
const (
	MatterListed         = "listed"          // 挂牌
	MatterInProgress     = "in_progress"     // 办理中
	MatterCloseRequested = "close_requested" // 申请销号
	MatterClosed         = "closed"          // 销号
)

// Matter actions, each a row of the public timeline.
const (
	MatterActProgress     = "progress"      // a public progress update
	MatterActCloseRequest = "close_request" // the responsible side asks to close
	MatterActVerifyPass   = "verify_pass"   // 验收 passed → 销号
	MatterActVerifyFail   = "verify_fail"   // 验收 failed → back to 办理中
)

// Villagers' evaluations recorded at verification.
var matterEvaluations = []string{"satisfied", "basically", "unsatisfied"}

// MatterNext is the board's state machine (RULES.md §4, 重大事项挂牌销号): the
// state a matter moves to when act is done in state from, or an error
// stating why the act is refused. A pure function.
func MatterNext(from, act string) (string, error) {
	switch act {
	case MatterActProgress:
		if from == MatterListed || from == MatterInProgress {
			return MatterInProgress, nil
		}
	case MatterActCloseRequest:
		if from == MatterInProgress {
			return MatterCloseRequested, nil
		}
		if from == MatterListed {
			return "", errs.New(errs.Conflict, "事项尚无办理进度，不能申请销号（RULES.md 4：挂牌 → 办理中 → 申请销号）",
				"the matter has no progress yet and cannot ask to be closed (RULES.md 4: listed → in progress → close requested)")
		}
	case MatterActVerifyPass, MatterActVerifyFail:
		if from == MatterCloseRequested {
			if act == MatterActVerifyPass {
				return MatterClosed, nil
			}
			return MatterInProgress, nil
		}
		return "", errs.New(errs.Conflict, "只有已申请销号的事项才能验收（RULES.md 4：申请销号 → 验收 → 销号）",
			"only a matter whose closing was requested can be verified (RULES.md 4: close requested → verification → closed)")
	default:
		return "", errs.Field("action", "未知的操作", "unknown action")
	}
	if from == MatterClosed {
		return "", errs.New(errs.Conflict, "事项已销号，时间线不再变化", "the matter is closed; its timeline no longer changes")
	}
	return "", errs.New(errs.Conflict, fmt.Sprintf("事项当前状态（%s）不允许该操作", from), fmt.Sprintf("the matter's state (%s) does not allow this", from))
}

// MatterOverdue reports 逾期 (RULES.md §4): past its deadline and not
// closed. On the deadline day itself a matter is not yet overdue.
func MatterOverdue(status, deadline, today string) bool {
	return status != MatterClosed && deadline != "" && today > deadline
}

// MatterVerifierOK refuses a verification by the matter's responsible person
// (RULES.md §4: 验收 by someone other than the responsible person), known
// by person id, or by name when the matter names no person.
func MatterVerifierOK(responsibleID int64, responsibleName string, verifierPerson int64, verifierName string) error {
	if (responsibleID != 0 && verifierPerson == responsibleID) ||
		(responsibleID == 0 && verifierName != "" && strings.TrimSpace(verifierName) == strings.TrimSpace(responsibleName)) {
		return errs.New(errs.Conflict, fmt.Sprintf("验收须由责任人（%s）以外的人进行（RULES.md 4）", responsibleName),
			fmt.Sprintf("the verification must be done by someone other than the responsible person (%s) (RULES.md 4)", responsibleName))
	}
	return nil
}

// Matter is a major matter on a village's board (重大事项挂牌). Every field
// here is public once listed: the board hangs on the village hall's wall.
type Matter struct {
	ID            int64         `json:"id"`
	VillageID     int64         `json:"village_id"`
	Village       string        `json:"village"`
	Title         string        `json:"title"`
	Description   string        `json:"description"`
	RaisedBy      string        `json:"raised_by"`
	RaisedOn      string        `json:"raised_on"`
	Solution      string        `json:"solution"`
	ResponsibleID int64         `json:"responsible_person_id,omitempty"`
	Responsible   string        `json:"responsible"`
	Deadline      string        `json:"deadline"`
	Status        string        `json:"status"`
	Overdue       bool          `json:"overdue"`
	ClosedLate    bool          `json:"closed_late,omitempty"`
	Evaluation    string        `json:"evaluation,omitempty"`
	ClosedOn      string        `json:"closed_on,omitempty"`
	Events        []MatterEvent `json:"events,omitempty"`
}

// MatterEvent is one row of a matter's public timeline (append-only).
type MatterEvent struct {
	ID         int64  `json:"id"`
	Kind       string `json:"kind"`
	Day        string `json:"day"`
	Body       string `json:"body"`
	Actor      string `json:"actor"`
	Evaluation string `json:"evaluation,omitempty"`
}

// MatterInput lists (挂牌) a matter. Either ResponsibleID (a person) or
// ResponsibleName.
type MatterInput struct {
	Title           string `json:"title"`
	Description     string `json:"description"`
	RaisedBy        string `json:"raised_by"`
	RaisedOn        string `json:"raised_on"`
	Solution        string `json:"solution"`
	ResponsibleID   int64  `json:"responsible_person_id"`
	ResponsibleName string `json:"responsible_name"`
	Deadline        string `json:"deadline"`
}

// MatterStep is a progress update, a close request or a verification.
type MatterStep struct {
	Day        string `json:"day"`
	Body       string `json:"body"`
	Passed     bool   `json:"passed"`     // verification only
	Evaluation string `json:"evaluation"` // verification only: satisfied, basically, unsatisfied
}

func (m *Module) checkMatter(ctx context.Context, villageID int64, in *MatterInput) error {
	in.Title, in.Description, in.RaisedBy = strings.TrimSpace(in.Title), strings.TrimSpace(in.Description), strings.TrimSpace(in.RaisedBy)
	in.RaisedOn, in.Solution, in.Deadline = strings.TrimSpace(in.RaisedOn), strings.TrimSpace(in.Solution), strings.TrimSpace(in.Deadline)
	in.ResponsibleName = strings.TrimSpace(in.ResponsibleName)
	var l errs.List
	svText(&l, "title", "事项名称", "the title", in.Title, 2, 200)
	svText(&l, "description", "群众反映情况", "the description", in.Description, 0, 2000)
	svText(&l, "raised_by", "反映人", "raised by", in.RaisedBy, 0, 100)
	svText(&l, "solution", "解决方案", "the solution", in.Solution, 2, 2000)
	okR := svDay(&l, "raised_on", "反映日期", "the day raised", in.RaisedOn)
	okD := svDay(&l, "deadline", "责任时限", "the deadline", in.Deadline)
	if okR {
		svNotFuture(&l, "raised_on", "反映日期", "the day raised", in.RaisedOn, m.svToday())
	}
	if okR && okD && in.Deadline < in.RaisedOn {
		l = append(l, errs.Field("deadline", fmt.Sprintf("责任时限 %s 早于反映日期 %s", in.Deadline, in.RaisedOn),
			fmt.Sprintf("the deadline %s is before the day raised %s", in.Deadline, in.RaisedOn)))
	}
	if in.ResponsibleID > 0 {
		// An absent person and one without a post in this village get the
		// same answer, without a name: an id is no way to look people up.
		name, err := m.svPersonName(ctx, "responsible_person_id", in.ResponsibleID)
		ok := err == nil
		if ok {
			if ok, err = m.svHoldsPost(ctx, in.ResponsibleID, villageID, ""); err != nil {
				return err
			}
		}
		if !ok {
			l = append(l, errs.Field("responsible_person_id", fmt.Sprintf("本村没有编号为 %d 的村干部，不能作为责任人；可直接填写责任人姓名", in.ResponsibleID),
				fmt.Sprintf("no official of this village has the id %d; name the responsible person instead", in.ResponsibleID)))
		} else {
			in.ResponsibleName = name
		}
	} else {
		svText(&l, "responsible_name", "责任人", "the responsible person", in.ResponsibleName, 2, 50)
	}
	return l.Err()
}

// matterAuth authorises perm over one matter: 403 for a role that may never,
// 404 for an absent matter or one outside the caller's villages.
func (m *Module) matterAuth(ctx context.Context, p *auth.Principal, perm auth.Perm, id int64) (*Matter, error) {
	if err := m.Auth.Authorize(ctx, p, perm, auth.Anything, "village_matter", fmt.Sprint(id)); err != nil {
		return nil, err
	}
	ms, err := m.matters(ctx, 0, id)
	if err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return nil, errs.NotFoundf("重大事项")
	}
	if err := m.Auth.Authorize(ctx, p, perm, auth.Object{Village: ms[0].VillageID}, "village_matter", fmt.Sprint(id)); err != nil {
		return nil, err
	}
	return &ms[0], nil
}

// matters reads matters of a village (or one by id) with their timelines,
// board order: open overdue first, then open by deadline, then closed
// (latest first).
func (m *Module) matters(ctx context.Context, villageID, id int64) ([]Matter, error) {
	q := `SELECT mt.id, mt.village_id, v.name, mt.title, mt.description, mt.raised_by, mt.raised_on, mt.solution,
		COALESCE(mt.responsible_person_id, 0), mt.responsible_name, mt.deadline, mt.status, mt.evaluation, mt.closed_on
		FROM matters mt JOIN villages v ON v.id = mt.village_id WHERE 1 = 1`
	var args []any
	if villageID > 0 {
		q += ` AND mt.village_id = ?`
		args = append(args, villageID)
	}
	if id > 0 {
		q += ` AND mt.id = ?`
		args = append(args, id)
	}
	rows, err := m.DB.Q(ctx).QueryContext(ctx, q+` ORDER BY mt.id`, args...)
	if err != nil {
		return nil, err
	}
	out := []Matter{}
	idx := map[int64]int{}
	today := m.svToday()
	for rows.Next() {
		var mt Matter
		if err := rows.Scan(&mt.ID, &mt.VillageID, &mt.Village, &mt.Title, &mt.Description, &mt.RaisedBy, &mt.RaisedOn, &mt.Solution,
			&mt.ResponsibleID, &mt.Responsible, &mt.Deadline, &mt.Status, &mt.Evaluation, &mt.ClosedOn); err != nil {
			rows.Close()
			return nil, err
		}
		mt.Overdue = MatterOverdue(mt.Status, mt.Deadline, today)
		mt.ClosedLate = mt.Status == MatterClosed && mt.ClosedOn > mt.Deadline
		mt.Events = []MatterEvent{}
		idx[mt.ID] = len(out)
		out = append(out, mt)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	eq := `SELECT e.id, e.matter_id, e.kind, e.day, e.body, e.actor, e.evaluation FROM matters_events e`
	args = nil
	if id > 0 {
		eq += ` WHERE e.matter_id = ?`
		args = append(args, id)
	} else if villageID > 0 {
		eq += ` JOIN matters mt ON mt.id = e.matter_id WHERE mt.village_id = ?`
		args = append(args, villageID)
	}
	rows, err = m.DB.Q(ctx).QueryContext(ctx, eq+` ORDER BY e.day, e.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var ev MatterEvent
		var mid int64
		if err := rows.Scan(&ev.ID, &mid, &ev.Kind, &ev.Day, &ev.Body, &ev.Actor, &ev.Evaluation); err != nil {
			return nil, err
		}
		if i, ok := idx[mid]; ok {
			out[i].Events = append(out[i].Events, ev)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sortMattersBoard(out)
	return out, nil
}

// sortMattersBoard orders a board: open overdue (earliest deadline first), open,
// then closed (latest closed first).
func sortMattersBoard(ms []Matter) {
	rank := func(x Matter) int {
		switch {
		case x.Overdue:
			return 0
		case x.Status != MatterClosed:
			return 1
		}
		return 2
	}
	sort.SliceStable(ms, func(i, j int) bool {
		ri, rj := rank(ms[i]), rank(ms[j])
		if ri != rj {
			return ri < rj
		}
		if ri == 2 {
			return ms[i].ClosedOn > ms[j].ClosedOn
		}
		return ms[i].Deadline < ms[j].Deadline
	})
}

// Matters lists a village's board for its readers (PermRead).
func (m *Module) Matters(ctx context.Context, p *auth.Principal, villageID int64) ([]Matter, error) {
	if err := m.Auth.Authorize(ctx, p, PermRead, auth.Object{Village: villageID}, "village", fmt.Sprint(villageID)); err != nil {
		return nil, err
	}
	return m.matters(ctx, villageID, 0)
}

// PublicMatters is the board as the public sees it (no login): every
// listed matter of the village is public by nature (挂牌上墙).
func (m *Module) PublicMatters(ctx context.Context, villageID int64) ([]Matter, error) {
	ms, err := m.matters(ctx, villageID, 0)
	for i := range ms {
		// The responsible person's name is on the wall; their internal id
		// and the names of the villagers who raised the matter are not.
		ms[i].ResponsibleID, ms[i].RaisedBy = 0, ""
	}
	return ms, err
}

// Matter reads one matter with its timeline (PermRead in its village).
func (m *Module) Matter(ctx context.Context, p *auth.Principal, id int64) (*Matter, error) {
	return m.matterAuth(ctx, p, PermRead, id)
}

// CreateMatter lists (挂牌) a matter raised by villagers (PermManage in the
// village: its secretary, or the committee).
func (m *Module) CreateMatter(ctx context.Context, p *auth.Principal, villageID int64, in MatterInput) (int64, error) {
	if err := m.Auth.Authorize(ctx, p, PermManage, auth.Object{Village: villageID}, "village", fmt.Sprint(villageID)); err != nil {
		return 0, err
	}
	if _, err := m.village(ctx, villageID); err != nil {
		return 0, err
	}
	if err := m.checkMatter(ctx, villageID, &in); err != nil {
		return 0, err
	}
	var id int64
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var resp any
		if in.ResponsibleID > 0 {
			resp = in.ResponsibleID
		}
		var err error
		if id, err = tx.InsertID(ctx, `INSERT INTO matters (village_id, title, description, raised_by, raised_on, solution, responsible_person_id,
			responsible_name, deadline, status, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'listed', ?, ?)`,
			villageID, in.Title, in.Description, in.RaisedBy, in.RaisedOn, in.Solution, resp, in.ResponsibleName, in.Deadline, p.UserID, m.Clock.Now()); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO matters_events (matter_id, kind, day, body, actor, created_by, created_at) VALUES (?, 'listed', ?, ?, ?, ?, ?)`,
			id, m.svToday(), in.Solution, p.DisplayName, p.UserID, m.Clock.Now()); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "village.matter.create", ObjectType: "village_matter", ObjectID: fmt.Sprint(id),
			Scope: fmt.Sprintf("village:%d", villageID), Detail: in.Title})
	})
	return id, err
}

// MatterAct records a progress update (PermManage), a close request
// (PermManage) or a verification (PermMatterVerify, never by the
// responsible person; a pass needs the villagers' evaluation and is
// refused when they are unsatisfied).
func (m *Module) MatterAct(ctx context.Context, p *auth.Principal, id int64, act string, in MatterStep) error {
	perm := PermManage
	if act == MatterActVerifyPass || act == MatterActVerifyFail {
		perm = PermMatterVerify
	}
	mt, err := m.matterAuth(ctx, p, perm, id)
	if err != nil {
		return err
	}
	in.Day, in.Body, in.Evaluation = strings.TrimSpace(in.Day), strings.TrimSpace(in.Body), strings.TrimSpace(in.Evaluation)
	if in.Day == "" {
		in.Day = m.svToday()
	}
	var l errs.List
	if svDay(&l, "day", "日期", "the day", in.Day) {
		svNotFuture(&l, "day", "日期", "the day", in.Day, m.svToday())
		if in.Day < mt.RaisedOn {
			l = append(l, errs.Field("day", fmt.Sprintf("日期 %s 早于挂牌事项的反映日期 %s", in.Day, mt.RaisedOn),
				fmt.Sprintf("the day %s is before the matter was raised (%s)", in.Day, mt.RaisedOn)))
		}
	}
	min := 2
	if perm == PermMatterVerify {
		min = 0
		ok := false
		for _, e := range matterEvaluations {
			ok = ok || e == in.Evaluation
		}
		if !ok {
			l = append(l, errs.Field("evaluation", "验收须记录群众评价：满意、基本满意或不满意（RULES.md 4）",
				"the verification records the villagers' evaluation: satisfied, basically or unsatisfied (RULES.md 4)"))
		}
	}
	svText(&l, "body", "内容", "the text", in.Body, min, 2000)
	if err := l.Err(); err != nil {
		return err
	}
	next, err := MatterNext(mt.Status, act)
	if err != nil {
		return err
	}
	if perm == PermMatterVerify {
		if err := MatterVerifierOK(mt.ResponsibleID, mt.Responsible, p.PersonID, p.DisplayName); err != nil {
			return err
		}
		if act == MatterActVerifyPass && in.Evaluation == "unsatisfied" {
			return errs.New(errs.Conflict, "群众评价为不满意，不能销号；请退回继续办理（RULES.md 4）",
				"the villagers are unsatisfied, so the matter cannot be closed; return it for further work (RULES.md 4)")
		}
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		closedOn, eval := "", ""
		if next == MatterClosed {
			closedOn, eval = in.Day, in.Evaluation
		}
		res, err := tx.ExecContext(ctx, `UPDATE matters SET status = ?, closed_on = ?, evaluation = ? WHERE id = ? AND status = ?`, next, closedOn, eval, id, mt.Status)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.New(errs.Conflict, "事项已被他人更新，请刷新后重试", "the matter changed meanwhile; reload and try again")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO matters_events (matter_id, kind, day, body, actor, evaluation, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			id, act, in.Day, in.Body, p.DisplayName, in.Evaluation, p.UserID, m.Clock.Now()); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "village.matter." + act, ObjectType: "village_matter", ObjectID: fmt.Sprint(id),
			Scope: fmt.Sprintf("village:%d", mt.VillageID), Detail: fmt.Sprintf("%s → %s", mt.Status, next)})
	})
}
