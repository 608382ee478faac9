package organ

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
)

// Meeting is a record of 三会一课 or a 主题党日.
type Meeting struct {
	ID         int64  `json:"id"`
	BranchID   int64  `json:"branch_id"`
	BranchName string `json:"branch"`
	Kind       string `json:"kind"`
	HeldOn     string `json:"held_on"`
	Topic      string `json:"topic"`
	Expected   int    `json:"expected"` // 应到
	Present    int    `json:"present"`  // 实到
	Absent     string `json:"absent"`   // 缺席及原因
	Lecturer   string `json:"lecturer,omitempty"`
	Minutes    string `json:"minutes,omitempty"`
	Inquorate  bool   `json:"inquorate"` // a committee meeting without > 1/2 present
	Files      []File `json:"files,omitempty"`
}

// MeetingInput is a meeting as recorded or edited. Expected 0 means the
// default: the branch's member count (the committee's size for a 支委会).
type MeetingInput struct {
	BranchID int64  `json:"branch_id"`
	Kind     string `json:"kind"`
	HeldOn   string `json:"held_on"`
	Topic    string `json:"topic"`
	Expected int    `json:"expected"`
	Present  int    `json:"present"`
	Absent   string `json:"absent"`
	Lecturer string `json:"lecturer"`
	Minutes  string `json:"minutes"`
}

func validKind(k string) bool {
	for _, x := range MeetingKinds {
		if x == k {
			return true
		}
	}
	return false
}

// validateMeeting checks an input (expected already defaulted) against
// today; bad input changes nothing.
func validateMeeting(in *MeetingInput, today string) error {
	in.Topic, in.Absent, in.Lecturer, in.Minutes = strings.TrimSpace(in.Topic), strings.TrimSpace(in.Absent), strings.TrimSpace(in.Lecturer), strings.TrimSpace(in.Minutes)
	in.HeldOn = strings.TrimSpace(in.HeldOn)
	var l errs.List
	if !validKind(in.Kind) {
		l = append(l, errs.Field("kind", "请选择会议类型（支部党员大会、支委会、党小组会、党课、主题党日）", "choose the kind: general meeting, committee, party group, lecture or theme day"))
	}
	if t, err := time.Parse(time.DateOnly, in.HeldOn); err != nil || t.Format(time.DateOnly) != in.HeldOn {
		l = append(l, errs.Field("held_on", "日期格式应为 YYYY-MM-DD", "the date must be YYYY-MM-DD"))
	} else if in.HeldOn > today {
		l = append(l, errs.Field("held_on", "不能登记今天以后的会议", "a meeting cannot be recorded before it is held (date after today)"))
	}
	if n := utf8.RuneCountInString(in.Topic); n < 2 || n > 200 {
		l = append(l, errs.Field("topic", "主题应为 2–200 个字", "the topic must be 2–200 characters"))
	}
	if in.Expected < 1 || in.Expected > 500 {
		l = append(l, errs.Field("expected", "应到人数应为 1–500", "expected attendance must be 1–500"))
	}
	if in.Present < 0 || in.Present > in.Expected {
		l = append(l, errs.Field("present", fmt.Sprintf("实到人数应为 0–%d（不超过应到）", in.Expected), fmt.Sprintf("present must be 0–%d (no more than expected)", in.Expected)))
	}
	if in.Present < in.Expected && in.Absent == "" {
		l = append(l, errs.Field("absent", "有人缺席时请写明缺席人员及原因", "name the absent and their reasons"))
	}
	if utf8.RuneCountInString(in.Absent) > 1000 {
		l = append(l, errs.Field("absent", "缺席说明最多 1000 字", "absences: at most 1000 characters"))
	}
	if in.Kind == KindLecture && in.Lecturer == "" {
		l = append(l, errs.Field("lecturer", "党课请填写授课人", "a party lecture needs its lecturer"))
	}
	if utf8.RuneCountInString(in.Lecturer) > 50 {
		l = append(l, errs.Field("lecturer", "授课人最多 50 字", "lecturer: at most 50 characters"))
	}
	if utf8.RuneCountInString(in.Minutes) > 20000 {
		l = append(l, errs.Field("minutes", "会议记录最多 20000 字", "minutes: at most 20000 characters"))
	}
	return l.Err()
}

// organBranch loads an organ branch (kind organ_branch); others are 404.
func (m *Module) organBranch(ctx context.Context, id int64) (*directory.Branch, error) {
	bs, err := m.Dir.BranchList(ctx, directory.KindOrganBranch)
	if err != nil {
		return nil, err
	}
	for _, b := range bs {
		if b.ID == id {
			return b, nil
		}
	}
	return nil, errs.NotFoundf("支部")
}

// committeeSize is the branch's committee: its secretary and committee
// members (支部书记、支委委员) in office.
func (m *Module) committeeSize(ctx context.Context, q db.Querier, branchID int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(DISTINCT person_id) FROM positions WHERE branch_id = ? AND ended_on = ''
		AND title IN ('branch_secretary', 'branch_committee')`, branchID).Scan(&n)
	return n, err
}

// defaultExpected is 应到 when none is given: the branch's members, or the
// committee's size for a committee meeting.
func (m *Module) defaultExpected(ctx context.Context, b *directory.Branch, kind string) (int, error) {
	if kind == KindCommittee {
		return m.committeeSize(ctx, m.DB.Q(ctx), b.ID)
	}
	return b.Members, nil
}

// mayRecord is the record check: PermRecord over the branch (404 outside
// one's own branch, audited by Authorize), then CanRecord (403, audited).
func (m *Module) mayRecord(ctx context.Context, p *auth.Principal, branchID int64, objID string) error {
	if err := m.Auth.Authorize(ctx, p, PermRecord, auth.Object{Branch: branchID}, "organ_meeting", objID); err != nil {
		return err
	}
	ok, err := m.CanRecord(ctx, p, branchID)
	if err != nil {
		return err
	}
	if !ok {
		_ = m.Audit.Record(ctx, audit.Entry{Action: "organ.meeting.record", ObjectType: "organ_meeting", ObjectID: objID, Result: audit.Denied,
			Detail: fmt.Sprintf("branch %d: not its secretary or committee member", branchID)})
		return errs.New(errs.Forbidden, "只有本支部书记、支委委员或机关党委可以登记本支部的会议", "only the branch's secretary or committee members, or the organ committee, may record its meetings")
	}
	return nil
}

// maySee is the read check for a meeting's record, minutes and files: the
// committee, or members of the same branch (PermRead, then the branch scope;
// out of scope is 404 and audited).
func (m *Module) maySee(ctx context.Context, p *auth.Principal, branchID int64, objID string) error {
	if err := m.Auth.Authorize(ctx, p, PermRead, auth.Anything, "organ_meeting", objID); err != nil {
		return err
	}
	return m.Auth.Authorize(ctx, p, PermRecord, auth.Object{Branch: branchID}, "organ_meeting", objID)
}

// seesBranch reports (without auditing) whether p sees a branch's meetings.
func seesBranch(p *auth.Principal, branchID int64) bool {
	return auth.Can(p, PermRead, auth.Anything) && auth.Can(p, PermRecord, auth.Object{Branch: branchID})
}

const meetingCols = `m.id, m.branch_id, b.name, m.kind, m.held_on, m.topic, m.expected, m.present, m.absent, m.lecturer, m.minutes`

func scanMeeting(row interface{ Scan(...any) error }) (*Meeting, error) {
	var x Meeting
	if err := row.Scan(&x.ID, &x.BranchID, &x.BranchName, &x.Kind, &x.HeldOn, &x.Topic, &x.Expected, &x.Present, &x.Absent, &x.Lecturer, &x.Minutes); err != nil {
		return nil, err
	}
	x.Inquorate = x.Kind == KindCommittee && !Quorate(x.Present, x.Expected)
	return &x, nil
}

func (m *Module) getMeeting(ctx context.Context, id int64) (*Meeting, error) {
	x, err := scanMeeting(m.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+meetingCols+` FROM organ_meetings m JOIN branches b ON b.id = m.branch_id WHERE m.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFoundf("会议")
	}
	return x, err
}

// meetingsWhere lists meetings by a condition, latest first.
func (m *Module) meetingsWhere(ctx context.Context, cond string, args ...any) ([]*Meeting, error) {
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT `+meetingCols+` FROM organ_meetings m JOIN branches b ON b.id = m.branch_id WHERE `+cond+` ORDER BY m.held_on DESC, m.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Meeting
	for rows.Next() {
		x, err := scanMeeting(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// Meeting returns a meeting with its files to someone who may see it.
func (m *Module) Meeting(ctx context.Context, p *auth.Principal, id int64) (*Meeting, error) {
	x, err := m.getMeeting(ctx, id)
	if err != nil {
		if errs.KindOf(err) == errs.NotFound {
			if aerr := m.Auth.Authorize(ctx, p, PermRead, auth.Anything, "organ_meeting", fmt.Sprint(id)); aerr != nil {
				return nil, aerr
			}
		}
		return nil, err
	}
	if err := m.maySee(ctx, p, x.BranchID, fmt.Sprint(id)); err != nil {
		return nil, err
	}
	if x.Files, err = m.FilesOf(ctx, "meeting", id); err != nil {
		return nil, err
	}
	return x, nil
}

// SaveMeeting records a new meeting (id 0) or edits one; the branch of an
// existing meeting never changes.
func (m *Module) SaveMeeting(ctx context.Context, p *auth.Principal, id int64, in MeetingInput, files []Upload) (int64, error) {
	objID := fmt.Sprint(id)
	if id != 0 {
		old, err := m.getMeeting(ctx, id)
		if err != nil {
			if aerr := m.Auth.Authorize(ctx, p, PermRecord, auth.Anything, "organ_meeting", objID); aerr != nil {
				return 0, aerr
			}
			return 0, err
		}
		in.BranchID = old.BranchID
	} else {
		objID = fmt.Sprintf("branch:%d", in.BranchID)
	}
	if err := m.mayRecord(ctx, p, in.BranchID, objID); err != nil {
		return 0, err
	}
	b, err := m.organBranch(ctx, in.BranchID)
	if err != nil {
		return 0, errs.Field("branch_id", "请选择一个机关党支部", "choose an organ branch")
	}
	if in.Expected == 0 && validKind(in.Kind) {
		if in.Expected, err = m.defaultExpected(ctx, b, in.Kind); err != nil {
			return 0, err
		}
	}
	if err := validateMeeting(&in, clock.Day(m.Clock.Now())); err != nil {
		return 0, err
	}
	now := m.Clock.Now()
	err = m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		verb := "update"
		if id == 0 {
			verb = "create"
			if err := tx.QueryRowContext(ctx, `INSERT INTO organ_meetings (branch_id, kind, held_on, topic, expected, present, absent, lecturer, minutes, created_by, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, in.BranchID, in.Kind, in.HeldOn, in.Topic, in.Expected, in.Present, in.Absent, in.Lecturer, in.Minutes, p.UserID, now, now).Scan(&id); err != nil {
				return err
			}
		} else if _, err := tx.ExecContext(ctx, `UPDATE organ_meetings SET kind = ?, held_on = ?, topic = ?, expected = ?, present = ?, absent = ?, lecturer = ?, minutes = ?, updated_at = ? WHERE id = ?`,
			in.Kind, in.HeldOn, in.Topic, in.Expected, in.Present, in.Absent, in.Lecturer, in.Minutes, now, id); err != nil {
			return err
		}
		if err := m.SaveFiles(ctx, tx, "meeting", id, files, p.UserID); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "organ.meeting." + verb, ObjectType: "organ_meeting", ObjectID: fmt.Sprint(id),
			Detail: fmt.Sprintf("branch %d %s %s %d/%d, %d files", in.BranchID, in.Kind, in.HeldOn, in.Present, in.Expected, len(files))})
	})
	return id, err
}
