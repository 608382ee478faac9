package express

import (
	"context"
	"database/sql"
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

// PermBreakfastRead reads breakfast meetings: the office all, a liaison
// those of the assigned enterprises, a contact their own enterprise's.
// Scheduling and recording them is the office's (PermOffice): the
// 党工委/管委会 leaders hold them.
const PermBreakfastRead auth.Perm = "express:breakfast:read"

func init() {
	auth.Register(PermBreakfastRead, auth.Rule{Role: auth.Committee}, auth.Rule{Role: auth.Liaison}, auth.Rule{Role: auth.Enterprise})
}

// Breakfast is a one-to-one breakfast meeting (早餐会) with a 规上 or 限上
// enterprise.
type Breakfast struct {
	ID           int64   `json:"id"`
	EnterpriseID int64   `json:"enterprise_id"`
	Enterprise   string  `json:"enterprise"`
	AboveScale   bool    `json:"above_scale"`
	AboveQuota   bool    `json:"above_quota"`
	ScheduledOn  string  `json:"scheduled_on"`
	HeldOn       string  `json:"held_on,omitempty"`
	Status       string  `json:"status"` // scheduled, held
	Leaders      string  `json:"leaders"`
	Attendees    string  `json:"attendees"`
	Notes        string  `json:"notes"`
	IssueCount   int     `json:"issue_count"`
	Issues       []Issue `json:"issues"`
}

// Issue is an issue an enterprise raised at a breakfast meeting.
type Issue struct {
	ID          int64  `json:"id"`
	BreakfastID int64  `json:"breakfast_id"`
	Body        string `json:"body"`
	DemandID    int64  `json:"demand_id,omitempty"`
}

// BreakfastInput schedules a meeting.
type BreakfastInput struct {
	EnterpriseID int64  `json:"enterprise_id"`
	ScheduledOn  string `json:"scheduled_on"`
	Leaders      string `json:"leaders"`
	Attendees    string `json:"attendees"`
}

// HeldInput records a meeting as held, with who came and what was raised.
type HeldInput struct {
	HeldOn    string   `json:"held_on"`
	Leaders   string   `json:"leaders"`
	Attendees string   `json:"attendees"`
	Notes     string   `json:"notes"`
	Issues    []string `json:"issues"`
}

const breakfastCols = `b.id, b.enterprise_id, e.name, e.above_scale, e.above_quota, b.scheduled_on, b.held_on, b.status, b.leaders, b.attendees, b.notes,
	(SELECT COUNT(*) FROM express_breakfast_issues i WHERE i.breakfast_id = b.id)`

func scanBreakfast(s interface{ Scan(...any) error }) (*Breakfast, error) {
	var b Breakfast
	if err := s.Scan(&b.ID, &b.EnterpriseID, &b.Enterprise, &b.AboveScale, &b.AboveQuota, &b.ScheduledOn, &b.HeldOn, &b.Status, &b.Leaders, &b.Attendees, &b.Notes, &b.IssueCount); err != nil {
		return nil, err
	}
	b.Issues = []Issue{}
	return &b, nil
}

// Breakfasts lists the meetings the caller may see, in a year (or all).
func (m *Module) Breakfasts(ctx context.Context, p *auth.Principal, year string) ([]Breakfast, error) {
	if err := m.Auth.Authorize(ctx, p, PermBreakfastRead, auth.Anything, "express_breakfast", ""); err != nil {
		return nil, err
	}
	q := `SELECT ` + breakfastCols + ` FROM express_breakfasts b JOIN enterprises e ON e.id = b.enterprise_id WHERE 1 = 1`
	var args []any
	if ids, all := scopeEnterprises(p); !all {
		ph, a := db.In(ids)
		q += ` AND b.enterprise_id IN (` + ph + `)`
		args = append(args, a...)
	}
	if year != "" {
		q += ` AND b.scheduled_on >= ? AND b.scheduled_on <= ?`
		args = append(args, year+"-01-01", year+"-12-31")
	}
	rows, err := m.DB.Q(ctx).QueryContext(ctx, q+` ORDER BY b.scheduled_on DESC, b.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Breakfast{}
	for rows.Next() {
		b, err := scanBreakfast(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *b)
	}
	return out, rows.Err()
}

// BreakfastDetail reads one meeting with its issues.
func (m *Module) BreakfastDetail(ctx context.Context, p *auth.Principal, id int64) (*Breakfast, error) {
	q := m.DB.Q(ctx)
	b, err := scanBreakfast(q.QueryRowContext(ctx, `SELECT `+breakfastCols+` FROM express_breakfasts b JOIN enterprises e ON e.id = b.enterprise_id WHERE b.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		if err := m.Auth.Authorize(ctx, p, PermBreakfastRead, auth.Anything, "express_breakfast", fmt.Sprint(id)); err != nil {
			return nil, err
		}
		return nil, errs.NotFoundf("早餐会")
	}
	if err != nil {
		return nil, err
	}
	if err := m.Auth.Authorize(ctx, p, PermBreakfastRead, auth.Object{Enterprise: b.EnterpriseID}, "express_breakfast", fmt.Sprint(id)); err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT id, breakfast_id, body, COALESCE(demand_id, 0) FROM express_breakfast_issues WHERE breakfast_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var i Issue
		if err := rows.Scan(&i.ID, &i.BreakfastID, &i.Body, &i.DemandID); err != nil {
			return nil, err
		}
		b.Issues = append(b.Issues, i)
	}
	return b, rows.Err()
}

func checkLen(l *errs.List, field, zh, en, v string, min, max int) {
	if n := utf8.RuneCountInString(v); n < min || n > max {
		*l = append(*l, errs.Field(field, fmt.Sprintf("%s须为 %d–%d 个字（现 %d 字）", zh, min, max, n), fmt.Sprintf("%s must be %d–%d characters (now %d)", en, min, max, n)))
	}
}

// ScheduleBreakfast schedules a meeting with a 规上 or 限上 enterprise (the
// office). The seed's meetings are one-to-one with those two lists only.
func (m *Module) ScheduleBreakfast(ctx context.Context, p *auth.Principal, in BreakfastInput) (int64, error) {
	if err := m.Auth.Authorize(ctx, p, PermOffice, auth.Anything, "express_breakfast", ""); err != nil {
		return 0, err
	}
	in.ScheduledOn, in.Leaders, in.Attendees = strings.TrimSpace(in.ScheduledOn), strings.TrimSpace(in.Leaders), strings.TrimSpace(in.Attendees)
	var l errs.List
	var name string
	var scale, quota bool
	err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT name, above_scale, above_quota FROM enterprises WHERE id = ?`, in.EnterpriseID).Scan(&name, &scale, &quota)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		l = append(l, errs.Field("enterprise_id", fmt.Sprintf("企业 %d 不存在", in.EnterpriseID), fmt.Sprintf("enterprise %d does not exist", in.EnterpriseID)))
	case err != nil:
		return 0, err
	case !scale && !quota:
		l = append(l, errs.Field("enterprise_id", name+"不是规上或限上企业：早餐会面向所有规上、限上企业", name+" is neither above-scale nor above-quota: breakfast meetings are for those enterprises"))
	}
	if _, err := clock.ParseDay(in.ScheduledOn); err != nil {
		l = append(l, errs.Field("scheduled_on", "日期须为 YYYY-MM-DD", "scheduled_on must be a date YYYY-MM-DD"))
	}
	checkLen(&l, "leaders", "出席领导", "the leaders", in.Leaders, 2, 200)
	checkLen(&l, "attendees", "企业参加人员", "the enterprise's attendees", in.Attendees, 0, 500)
	if err := l.Err(); err != nil {
		return 0, err
	}
	var id int64
	now := m.Clock.Now()
	err = m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var err error
		if id, err = tx.InsertID(ctx, `INSERT INTO express_breakfasts (enterprise_id, scheduled_on, status, leaders, attendees, created_by, created_at, updated_at)
			VALUES (?, ?, 'scheduled', ?, ?, ?, ?, ?)`, in.EnterpriseID, in.ScheduledOn, in.Leaders, in.Attendees, p.UserID, now, now); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "express.breakfast.schedule", ObjectType: "express_breakfast", ObjectID: fmt.Sprint(id), Detail: name + " " + in.ScheduledOn})
	})
	return id, err
}

// HoldBreakfast records a scheduled meeting as held (the office): the day
// (not in the future), who attended and the issues raised. A held meeting
// is not recorded again.
func (m *Module) HoldBreakfast(ctx context.Context, p *auth.Principal, id int64, in HeldInput) error {
	if err := m.Auth.Authorize(ctx, p, PermOffice, auth.Anything, "express_breakfast", fmt.Sprint(id)); err != nil {
		return err
	}
	var status, scheduled string
	err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT status, scheduled_on FROM express_breakfasts WHERE id = ?`, id).Scan(&status, &scheduled)
	if errors.Is(err, sql.ErrNoRows) {
		return errs.NotFoundf("早餐会")
	}
	if err != nil {
		return err
	}
	in.HeldOn, in.Leaders, in.Attendees, in.Notes = strings.TrimSpace(in.HeldOn), strings.TrimSpace(in.Leaders), strings.TrimSpace(in.Attendees), strings.TrimSpace(in.Notes)
	if in.HeldOn == "" {
		in.HeldOn = scheduled
	}
	var l errs.List
	if _, err := clock.ParseDay(in.HeldOn); err != nil {
		l = append(l, errs.Field("held_on", "日期须为 YYYY-MM-DD", "held_on must be a date YYYY-MM-DD"))
	} else if in.HeldOn > clock.Day(m.Clock.Now()) {
		l = append(l, errs.Field("held_on", "举行日期不能晚于今天", "held_on cannot be in the future"))
	}
	checkLen(&l, "leaders", "出席领导", "the leaders", in.Leaders, 0, 200)
	checkLen(&l, "attendees", "企业参加人员", "the enterprise's attendees", in.Attendees, 2, 500)
	checkLen(&l, "notes", "交流情况", "the notes", in.Notes, 0, 2000)
	var issues []string
	for _, s := range in.Issues {
		if s = strings.TrimSpace(s); s != "" {
			if utf8.RuneCountInString(s) > 1000 {
				l = append(l, errs.Field("issues", "每个问题最多 1000 字", "each issue is at most 1000 characters"))
				break
			}
			issues = append(issues, s)
		}
	}
	if len(issues) > 20 {
		l = append(l, errs.Field("issues", "问题最多 20 个", "at most 20 issues"))
	}
	if err := l.Err(); err != nil {
		return err
	}
	if status == "held" {
		return errs.New(errs.Conflict, "该早餐会已记录为已举行", "this breakfast meeting is already recorded as held")
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		q := `UPDATE express_breakfasts SET status = 'held', held_on = ?, attendees = ?, notes = ?, updated_at = ?`
		args := []any{in.HeldOn, in.Attendees, in.Notes, m.Clock.Now()}
		if in.Leaders != "" {
			q += `, leaders = ?`
			args = append(args, in.Leaders)
		}
		res, err := tx.ExecContext(ctx, q+` WHERE id = ? AND status = 'scheduled'`, append(args, id)...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.New(errs.Conflict, "该早餐会已记录为已举行", "this breakfast meeting is already recorded as held")
		}
		for _, s := range issues {
			if _, err := tx.ExecContext(ctx, `INSERT INTO express_breakfast_issues (breakfast_id, body) VALUES (?, ?)`, id, s); err != nil {
				return err
			}
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "express.breakfast.held", ObjectType: "express_breakfast", ObjectID: fmt.Sprint(id), Detail: fmt.Sprintf("%s, %d issues", in.HeldOn, len(issues))})
	})
}

// IssueToDemand raises a demand from a breakfast issue in one step (the
// office, one transaction). An issue becomes at most one demand.
func (m *Module) IssueToDemand(ctx context.Context, p *auth.Principal, issueID int64, in ToDemandInput) (int64, error) {
	if err := m.Auth.Authorize(ctx, p, PermOffice, auth.Anything, "express_breakfast_issue", fmt.Sprint(issueID)); err != nil {
		return 0, err
	}
	var bid, eid, done int64
	var body string
	err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT i.breakfast_id, b.enterprise_id, i.body, COALESCE(i.demand_id, 0) FROM express_breakfast_issues i JOIN express_breakfasts b ON b.id = i.breakfast_id WHERE i.id = ?`,
		issueID).Scan(&bid, &eid, &body, &done)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errs.NotFoundf("早餐会问题")
	}
	if err != nil {
		return 0, err
	}
	if done > 0 {
		return 0, errs.New(errs.Conflict, fmt.Sprintf("该问题已转为诉求 %d", done), fmt.Sprintf("this issue already became demand %d", done))
	}
	desc := strings.TrimSpace(in.Description)
	if desc == "" {
		desc = body
	}
	var id int64
	err = m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var err error
		if id, err = m.CreateDemand(ctx, p, DemandInput{EnterpriseID: eid, Category: in.Category, Title: in.Title, Description: desc, Source: "breakfast", SourceID: bid}); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE express_breakfast_issues SET demand_id = ? WHERE id = ? AND demand_id IS NULL`, id, issueID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.New(errs.Conflict, "该问题已转为诉求", "this issue already became a demand")
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "express.breakfast.issue_demand", ObjectType: "express_breakfast", ObjectID: fmt.Sprint(bid), Detail: fmt.Sprintf("issue %d → demand %d", issueID, id)})
	})
	return id, err
}

// Coverage is how many of the 规上 and of the 限上 enterprises had a held
// breakfast meeting in a year, with the uncovered ones listed.
type Coverage struct {
	Year             string         `json:"year"`
	AboveScale       int            `json:"above_scale"`
	AboveScaleMet    int            `json:"above_scale_met"`
	AboveQuota       int            `json:"above_quota"`
	AboveQuotaMet    int            `json:"above_quota_met"`
	Total            int            `json:"total"` // enterprises on either list
	TotalMet         int            `json:"total_met"`
	Uncovered        []CoverageItem `json:"uncovered"`
	ScheduledPending int            `json:"scheduled_pending"` // uncovered with a meeting scheduled
}

// CoverageItem is an enterprise without a held meeting in the year.
type CoverageItem struct {
	EnterpriseID int64  `json:"enterprise_id"`
	Name         string `json:"name"`
	AboveScale   bool   `json:"above_scale"`
	AboveQuota   bool   `json:"above_quota"`
	ScheduledOn  string `json:"scheduled_on,omitempty"` // the next meeting scheduled, if any
}

// CoverageFigures counts coverage as defined: an enterprise is covered when
// a meeting with it was held in the year; an enterprise on both lists
// counts in each.
func CoverageFigures(year string, rows []CoverageItem, met map[int64]bool) *Coverage {
	c := &Coverage{Year: year, Uncovered: []CoverageItem{}}
	for _, r := range rows {
		if !r.AboveScale && !r.AboveQuota {
			continue
		}
		c.Total++
		if r.AboveScale {
			c.AboveScale++
		}
		if r.AboveQuota {
			c.AboveQuota++
		}
		if met[r.EnterpriseID] {
			c.TotalMet++
			if r.AboveScale {
				c.AboveScaleMet++
			}
			if r.AboveQuota {
				c.AboveQuotaMet++
			}
			continue
		}
		if r.ScheduledOn != "" {
			c.ScheduledPending++
		}
		c.Uncovered = append(c.Uncovered, r)
	}
	return c
}

// BreakfastCoverage computes a year's coverage (the office).
func (m *Module) BreakfastCoverage(ctx context.Context, p *auth.Principal, year string) (*Coverage, error) {
	if err := m.Auth.Authorize(ctx, p, PermOffice, auth.Anything, "express_breakfast", "coverage"); err != nil {
		return nil, err
	}
	if len(year) != 4 || year < "2000" || year > "2100" {
		return nil, errs.Field("year", "年份须为四位数字，如 2021", "the year must be four digits, e.g. 2021")
	}
	from, to := year+"-01-01", year+"-12-31"
	q := m.DB.Q(ctx)
	rows, err := q.QueryContext(ctx, `SELECT e.id, e.name, e.above_scale, e.above_quota,
		COALESCE((SELECT MIN(b.scheduled_on) FROM express_breakfasts b WHERE b.enterprise_id = e.id AND b.status = 'scheduled' AND b.scheduled_on >= ? AND b.scheduled_on <= ?), '')
		FROM enterprises e WHERE e.above_scale = TRUE OR e.above_quota = TRUE ORDER BY e.id`, from, to)
	if err != nil {
		return nil, err
	}
	var items []CoverageItem
	for rows.Next() {
		var it CoverageItem
		if err := rows.Scan(&it.EnterpriseID, &it.Name, &it.AboveScale, &it.AboveQuota, &it.ScheduledOn); err != nil {
			rows.Close()
			return nil, err
		}
		items = append(items, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	met := map[int64]bool{}
	rows, err = q.QueryContext(ctx, `SELECT DISTINCT enterprise_id FROM express_breakfasts WHERE status = 'held' AND held_on >= ? AND held_on <= ?`, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		met[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return CoverageFigures(year, items, met), nil
}
