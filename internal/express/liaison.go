package express

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
)

// PermLiaisonWork reads and files a liaison's own work records (信息报送):
// a liaison their own (Self), the office everyone's. Trainings and
// meetings are recorded by the office (PermOffice) and read by both.
const PermLiaisonWork auth.Perm = "express:liaison"

func init() {
	auth.Register(PermLiaisonWork, auth.Rule{Role: auth.Committee}, auth.Rule{Role: auth.Liaison, Self: true})
}

// Report is an information report (信息报送) a liaison filed.
type Report struct {
	ID           int64  `json:"id"`
	PersonID     int64  `json:"person_id"`
	Person       string `json:"person"`
	EnterpriseID int64  `json:"enterprise_id,omitempty"`
	Enterprise   string `json:"enterprise,omitempty"`
	Kind         string `json:"kind"` // info, practice (经验做法)
	FiledOn      string `json:"filed_on"`
	Title        string `json:"title"`
	Body         string `json:"body"`
	AdoptedOn    string `json:"adopted_on,omitempty"`
}

// ReportInput files a report; the enterprise is optional (a report may be
// about the liaison's enterprises in general) but must be assigned.
type ReportInput struct {
	EnterpriseID int64  `json:"enterprise_id"`
	Kind         string `json:"kind"` // info (default) or practice
	Title        string `json:"title"`
	Body         string `json:"body"`
}

// Reports lists reports, newest first: a liaison their own, the office all.
func (m *Module) Reports(ctx context.Context, p *auth.Principal) ([]Report, error) {
	if err := m.Auth.Authorize(ctx, p, PermLiaisonWork, auth.Anything, "express_report", ""); err != nil {
		return nil, err
	}
	q := `SELECT r.id, r.person_id, pp.name, COALESCE(r.enterprise_id, 0), COALESCE(e.name, ''), r.kind, r.filed_on, r.title, r.body, r.adopted_on
		FROM express_reports r JOIN people pp ON pp.id = r.person_id LEFT JOIN enterprises e ON e.id = r.enterprise_id`
	var args []any
	if !auth.Can(p, PermOffice, auth.Anything) {
		q += ` WHERE r.person_id = ?`
		args = append(args, p.PersonID)
	}
	rows, err := m.DB.Q(ctx).QueryContext(ctx, q+` ORDER BY r.filed_on DESC, r.id DESC LIMIT 500`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Report{}
	for rows.Next() {
		var r Report
		if err := rows.Scan(&r.ID, &r.PersonID, &r.Person, &r.EnterpriseID, &r.Enterprise, &r.Kind, &r.FiledOn, &r.Title, &r.Body, &r.AdoptedOn); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// FileReport files a report as the calling liaison (today), earning 信息报送.
func (m *Module) FileReport(ctx context.Context, p *auth.Principal, in ReportInput) (int64, error) {
	if err := m.Auth.Authorize(ctx, p, PermLiaisonWork, auth.Object{Person: p.PersonID}, "express_report", ""); err != nil {
		return 0, err
	}
	ok, err := m.liaisonOf(ctx, p.PersonID, 0)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, errs.New(errs.Forbidden, "只有联络员可以报送信息", "only a liaison files information reports")
	}
	in.Title, in.Body = strings.TrimSpace(in.Title), strings.TrimSpace(in.Body)
	var l errs.List
	if in.Kind == "" {
		in.Kind = "info"
	}
	if in.Kind != "info" && in.Kind != "practice" {
		l = append(l, errs.Field("kind", "类型须为 info（信息）或 practice（经验做法）", "kind must be info or practice"))
	}
	checkLen(&l, "title", "标题", "the title", in.Title, 2, 100)
	checkLen(&l, "body", "报送内容", "the report", in.Body, 10, 5000)
	if in.EnterpriseID != 0 {
		ok, err := m.liaisonOf(ctx, p.PersonID, in.EnterpriseID)
		if err != nil {
			return 0, err
		}
		if !ok {
			l = append(l, errs.Field("enterprise_id", "只能就所联系的企业报送信息", "report only on your assigned enterprises"))
		}
	}
	if err := l.Err(); err != nil {
		return 0, err
	}
	day := clock.Day(m.Clock.Now())
	var id int64
	err = m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var ent any
		if in.EnterpriseID > 0 {
			ent = in.EnterpriseID
		}
		var err error
		if id, err = tx.InsertID(ctx, `INSERT INTO express_reports (person_id, enterprise_id, kind, filed_on, title, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			p.PersonID, ent, in.Kind, day, in.Title, in.Body, m.Clock.Now()); err != nil {
			return err
		}
		if err := m.earn(ctx, Earning{PersonID: p.PersonID, Kind: KindReport, RefType: "report", RefID: id, EnterpriseID: in.EnterpriseID, Day: day}); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "express.report.file", ObjectType: "express_report", ObjectID: fmt.Sprint(id), Detail: in.Title})
	})
	return id, err
}

// AdoptPractice records that the office adopted a good practice a liaison
// reported (经验做法被采纳): the report's liaison earns the 经验做法 bonus
// (RULES.md §8) on the day of adoption, once.
func (m *Module) AdoptPractice(ctx context.Context, p *auth.Principal, reportID int64) error {
	if err := m.Auth.Authorize(ctx, p, PermOffice, auth.Anything, "express_report", fmt.Sprint(reportID)); err != nil {
		return err
	}
	var person, ent int64
	var kind, adopted string
	err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT person_id, COALESCE(enterprise_id, 0), kind, adopted_on FROM express_reports WHERE id = ?`, reportID).Scan(&person, &ent, &kind, &adopted)
	if errors.Is(err, sql.ErrNoRows) {
		return errs.NotFoundf("信息报送")
	}
	if err != nil {
		return err
	}
	if kind != "practice" {
		return errs.New(errs.Conflict, "只有经验做法类报送可以采纳", "only a good-practice report can be adopted")
	}
	if adopted != "" {
		return errs.New(errs.Conflict, "该经验做法已于 "+adopted+" 采纳", "this practice was adopted on "+adopted)
	}
	day := clock.Day(m.Clock.Now())
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE express_reports SET adopted_on = ?, adopted_by = ? WHERE id = ? AND adopted_on = ''`, day, p.UserID, reportID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.New(errs.Conflict, "该经验做法已采纳", "this practice is already adopted")
		}
		if err := m.earn(ctx, Earning{PersonID: person, Kind: KindBonusPractice, RefType: "report", RefID: reportID, EnterpriseID: ent, Day: day}); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "express.report.adopt", ObjectType: "express_report", ObjectID: fmt.Sprint(reportID)})
	})
}

// Training is a training or meeting liaisons attended.
type Training struct {
	ID        int64            `json:"id"`
	HeldOn    string           `json:"held_on"`
	Kind      string           `json:"kind"` // training, meeting
	Title     string           `json:"title"`
	Count     int              `json:"attendee_count"`
	Attendees []TrainingPerson `json:"attendees,omitempty"`
	Attended  bool             `json:"attended"` // the caller attended
}

// TrainingPerson is an attendee.
type TrainingPerson struct {
	PersonID int64  `json:"person_id"`
	Name     string `json:"name"`
}

// TrainingInput records a training or meeting with the liaisons who came.
type TrainingInput struct {
	HeldOn    string  `json:"held_on"`
	Kind      string  `json:"kind"`
	Title     string  `json:"title"`
	Attendees []int64 `json:"attendees"`
}

// Trainings lists trainings and meetings, newest first, marking those the
// caller attended.
func (m *Module) Trainings(ctx context.Context, p *auth.Principal) ([]Training, error) {
	if err := m.Auth.Authorize(ctx, p, PermLiaisonWork, auth.Anything, "express_training", ""); err != nil {
		return nil, err
	}
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT t.id, t.held_on, t.kind, t.title,
		(SELECT COUNT(*) FROM express_training_attendees a WHERE a.training_id = t.id),
		(SELECT COUNT(*) FROM express_training_attendees a WHERE a.training_id = t.id AND a.person_id = ?)
		FROM express_trainings t ORDER BY t.held_on DESC, t.id DESC`, p.PersonID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Training{}
	for rows.Next() {
		var t Training
		var mine int
		if err := rows.Scan(&t.ID, &t.HeldOn, &t.Kind, &t.Title, &t.Count, &mine); err != nil {
			return nil, err
		}
		t.Attended = mine > 0
		out = append(out, t)
	}
	return out, rows.Err()
}

// RecordTraining records a training or meeting (the office); each liaison
// attending earns 参加培训和会议 on its day. Attendees must be liaisons.
func (m *Module) RecordTraining(ctx context.Context, p *auth.Principal, in TrainingInput) (int64, error) {
	if err := m.Auth.Authorize(ctx, p, PermOffice, auth.Anything, "express_training", ""); err != nil {
		return 0, err
	}
	in.HeldOn, in.Title = strings.TrimSpace(in.HeldOn), strings.TrimSpace(in.Title)
	var l errs.List
	if _, err := clock.ParseDay(in.HeldOn); err != nil {
		l = append(l, errs.Field("held_on", "日期须为 YYYY-MM-DD", "held_on must be a date YYYY-MM-DD"))
	} else if in.HeldOn > clock.Day(m.Clock.Now()) {
		l = append(l, errs.Field("held_on", "只记录已举行的培训或会议：日期不能晚于今天", "record trainings once held: held_on cannot be in the future"))
	}
	if in.Kind != "training" && in.Kind != "meeting" {
		l = append(l, errs.Field("kind", "类型须为 training（培训）或 meeting（会议）", "kind must be training or meeting"))
	}
	checkLen(&l, "title", "名称", "the title", in.Title, 2, 200)
	seen := map[int64]bool{}
	var people []int64
	for _, id := range in.Attendees {
		if seen[id] {
			continue
		}
		seen[id] = true
		ok, err := m.liaisonOf(ctx, id, 0)
		if err != nil {
			return 0, err
		}
		if !ok {
			l = append(l, errs.Field("attendees", fmt.Sprintf("人员 %d 不是联络员", id), fmt.Sprintf("person %d is not a liaison", id)))
			break
		}
		people = append(people, id)
	}
	if len(people) == 0 {
		l = append(l, errs.Field("attendees", "至少选择一名参加的联络员", "choose at least one liaison who attended"))
	}
	if err := l.Err(); err != nil {
		return 0, err
	}
	var id int64
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var err error
		if id, err = tx.InsertID(ctx, `INSERT INTO express_trainings (held_on, kind, title, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
			in.HeldOn, in.Kind, in.Title, p.UserID, m.Clock.Now()); err != nil {
			return err
		}
		for _, pid := range people {
			if _, err := tx.ExecContext(ctx, `INSERT INTO express_training_attendees (training_id, person_id) VALUES (?, ?)`, id, pid); err != nil {
				return err
			}
			if err := m.earn(ctx, Earning{PersonID: pid, Kind: KindTraining, RefType: "training", RefID: id, Day: in.HeldOn}); err != nil {
				return err
			}
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "express.training.record", ObjectType: "express_training", ObjectID: fmt.Sprint(id),
			Detail: fmt.Sprintf("%s %s, %d liaisons", in.HeldOn, in.Title, len(people))})
	})
	return id, err
}

// Liaisons lists every liaison (person id and name) for the office's forms.
func (m *Module) Liaisons(ctx context.Context) ([]TrainingPerson, error) {
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT DISTINCT p.id, p.name FROM people p JOIN liaison_assignments a ON a.person_id = p.id ORDER BY p.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TrainingPerson
	for rows.Next() {
		var t TrainingPerson
		if err := rows.Scan(&t.PersonID, &t.Name); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
