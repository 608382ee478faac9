package organ

import (
	"context"
	"fmt"
	"strings"
	"time"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/errs"
)

// branchScore is the branch's standardisation score (支部标准化建设), set
// by the standardisation part in its init; nil shows "—".
var branchScore func(m *Module, ctx context.Context, branchID int64) (int, bool, error)

// Person is a name on a branch page (identifiers stay in the directory).
type Person struct {
	Name string `json:"name"`
}

// BranchPage is one organ branch's page.
type BranchPage struct {
	Branch       *directory.Branch `json:"branch"`
	Secretary    []Person          `json:"secretary"`
	Committee    []Person          `json:"committee"`
	Members      []Person          `json:"members"`
	PartyWorkers []Person          `json:"party_workers"`
	SeesMeetings bool              `json:"sees_meetings"`
	CanRecord    bool              `json:"can_record"`
	Meetings     []*Meeting        `json:"meetings"`
	Study        *BranchStudy      `json:"study"` // last 30 days; null without the study module
	StudyFrom    string            `json:"study_from"`
	StudyTo      string            `json:"study_to"`
	Score        *int              `json:"score"` // null: no score
	Flags        int               `json:"compliance_flags"`
}

// Branch builds an organ branch's page (kind organ_branch; others 404).
func (m *Module) Branch(ctx context.Context, p *auth.Principal, id int64) (*BranchPage, error) {
	if err := m.Auth.Authorize(ctx, p, PermRead, auth.Anything, "organ_branch", fmt.Sprint(id)); err != nil {
		return nil, err
	}
	b, err := m.organBranch(ctx, id)
	if err != nil {
		return nil, err
	}
	bp := &BranchPage{Branch: b}
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT DISTINCT p.id, p.name, ps.title FROM positions ps JOIN people p ON p.id = ps.person_id
		WHERE ps.branch_id = ? AND ps.ended_on = '' AND ps.title IN ('branch_secretary', 'branch_committee', 'party_worker') ORDER BY p.id`, id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var pid int64
		var name, title string
		if err := rows.Scan(&pid, &name, &title); err != nil {
			rows.Close()
			return nil, err
		}
		switch title {
		case directory.PosBranchSecretary:
			bp.Secretary = append(bp.Secretary, Person{name})
		case directory.PosBranchCommittee:
			bp.Committee = append(bp.Committee, Person{name})
		default:
			bp.PartyWorkers = append(bp.PartyWorkers, Person{name})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ms, err := m.Dir.MembersOf(ctx, id, false)
	if err != nil {
		return nil, err
	}
	for _, mb := range ms {
		bp.Members = append(bp.Members, Person{mb.Name})
	}
	now := m.Clock.Now()
	bp.StudyTo, bp.StudyFrom = clock.Day(now), clock.Day(now.AddDate(0, 0, -29))
	if m.StudyFigures != nil {
		s, err := m.StudyFigures(ctx, id, bp.StudyFrom, bp.StudyTo)
		if err != nil {
			return nil, err
		}
		bp.Study = &s
	}
	if branchScore != nil {
		s, ok, err := branchScore(m, ctx, id)
		if err != nil {
			return nil, err
		}
		if ok {
			bp.Score = &s
		}
	}
	bp.SeesMeetings = seesBranch(p, id)
	if bp.SeesMeetings {
		if bp.CanRecord, err = m.CanRecord(ctx, p, id); err != nil {
			return nil, err
		}
		if bp.Meetings, err = m.meetingsWhere(ctx, `m.branch_id = ?`, id); err != nil {
			return nil, err
		}
	}
	c, err := m.compliance(ctx, now.In(clock.Zone).Year(), []*directory.Branch{b})
	if err != nil {
		return nil, err
	}
	bp.Flags = c.Rows[0].Flags
	return bp, nil
}

// ComplianceRow is one branch's year: cells per kind, and how many flags.
type ComplianceRow struct {
	BranchID   int64             `json:"branch_id"`
	BranchName string            `json:"branch"`
	Members    int               `json:"members"`
	Cells      map[string][]Cell `json:"cells"`
	Flags      int               `json:"flags"`
}

// Compliance is the organisational-life compliance view of a year.
type Compliance struct {
	Year  int              `json:"year"`
	Today string           `json:"today"`
	Kinds []string         `json:"kinds"`
	Rows  []*ComplianceRow `json:"rows"`
	Flags int              `json:"flags"`
}

// Compliance judges every organ branch's year (the flags are figures, not
// minutes: every organ reader sees them).
func (m *Module) Compliance(ctx context.Context, p *auth.Principal, year int) (*Compliance, error) {
	if err := m.Auth.Authorize(ctx, p, PermRead, auth.Anything, "organ_compliance", fmt.Sprint(year)); err != nil {
		return nil, err
	}
	bs, err := m.Dir.BranchList(ctx, directory.KindOrganBranch)
	if err != nil {
		return nil, err
	}
	return m.compliance(ctx, year, bs)
}

func (m *Module) compliance(ctx context.Context, year int, bs []*directory.Branch) (*Compliance, error) {
	c := &Compliance{Year: year, Today: clock.Day(m.Clock.Now()), Kinds: MeetingKinds}
	facts := map[int64][]MeetingFact{}
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT branch_id, kind, held_on, expected, present FROM organ_meetings WHERE held_on >= ? AND held_on <= ?`,
		fmt.Sprintf("%d-01-01", year), fmt.Sprintf("%d-12-31", year))
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var b int64
		var f MeetingFact
		if err := rows.Scan(&b, &f.Kind, &f.HeldOn, &f.Expected, &f.Present); err != nil {
			rows.Close()
			return nil, err
		}
		facts[b] = append(facts[b], f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, b := range bs {
		r := &ComplianceRow{BranchID: b.ID, BranchName: b.Name, Members: b.Members, Cells: CheckFrequency(year, c.Today, facts[b.ID])}
		for _, cells := range r.Cells {
			for _, cl := range cells {
				if cl.Flagged() {
					r.Flags++
				}
			}
		}
		c.Flags += r.Flags
		c.Rows = append(c.Rows, r)
	}
	return c, nil
}

// Calendar is a month's meetings of the branches the viewer sees.
type Calendar struct {
	Month    string     `json:"month"`
	Prev     string     `json:"prev"`
	Next     string     `json:"next"`
	All      bool       `json:"all_branches"`
	Meetings []*Meeting `json:"meetings"`
	Days     []CalDay   `json:"-"`
}

// CalDay groups a day's meetings for the page.
type CalDay struct {
	Day      string
	Meetings []*Meeting
}

// parseMonth reads YYYY-MM, defaulting to this month.
func (m *Module) parseMonth(s string) (time.Time, error) {
	if strings.TrimSpace(s) == "" {
		n := m.Clock.Now().In(clock.Zone)
		return time.Date(n.Year(), n.Month(), 1, 0, 0, 0, 0, time.UTC), nil
	}
	t, err := time.Parse("2006-01", s)
	if err != nil || t.Year() < 2000 || t.Year() > 2100 {
		return time.Time{}, errs.Field("month", "月份格式应为 YYYY-MM", "the month must be YYYY-MM")
	}
	return t, nil
}

// MeetingCalendar lists a month's meetings: the committee sees every
// branch's, a member only their own branch's.
func (m *Module) MeetingCalendar(ctx context.Context, p *auth.Principal, month string) (*Calendar, error) {
	if err := m.Auth.Authorize(ctx, p, PermRead, auth.Anything, "organ_meeting", ""); err != nil {
		return nil, err
	}
	t, err := m.parseMonth(month)
	if err != nil {
		return nil, err
	}
	c := &Calendar{Month: t.Format("2006-01"), Prev: t.AddDate(0, -1, 0).Format("2006-01"), Next: t.AddDate(0, 1, 0).Format("2006-01"), All: p.Has(auth.Committee)}
	all, err := m.meetingsWhere(ctx, `m.held_on >= ? AND m.held_on <= ?`, t.Format(time.DateOnly), t.AddDate(0, 1, -1).Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	c.Meetings = []*Meeting{}
	for i := len(all) - 1; i >= 0; i-- { // earliest first in a calendar
		x := all[i]
		if !seesBranch(p, x.BranchID) {
			continue
		}
		x.Minutes = ""
		c.Meetings = append(c.Meetings, x)
		if n := len(c.Days); n == 0 || c.Days[n-1].Day != x.HeldOn {
			c.Days = append(c.Days, CalDay{Day: x.HeldOn})
		}
		c.Days[len(c.Days)-1].Meetings = append(c.Days[len(c.Days)-1].Meetings, x)
	}
	return c, nil
}

// BranchRow is a line of the branch list.
type BranchRow struct {
	*directory.Branch
	Secretary string `json:"secretary"`
	Meetings  int    `json:"meetings_this_year"`
	Flags     int    `json:"compliance_flags"`
}

// BranchList lists the organ branches with this year's compliance flags.
func (m *Module) BranchRows(ctx context.Context, p *auth.Principal) ([]BranchRow, error) {
	c, err := m.Compliance(ctx, p, m.Clock.Now().In(clock.Zone).Year())
	if err != nil {
		return nil, err
	}
	bs, err := m.Dir.BranchList(ctx, directory.KindOrganBranch)
	if err != nil {
		return nil, err
	}
	secs := map[int64]string{}
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT ps.branch_id, p.name FROM positions ps JOIN people p ON p.id = ps.person_id WHERE ps.title = 'branch_secretary' AND ps.ended_on = '' ORDER BY ps.id`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var b int64
		var n string
		if err := rows.Scan(&b, &n); err != nil {
			rows.Close()
			return nil, err
		}
		if secs[b] == "" {
			secs[b] = n
		}
	}
	rows.Close()
	out := []BranchRow{}
	for i, b := range bs {
		r := BranchRow{Branch: b, Secretary: secs[b.ID], Flags: c.Rows[i].Flags}
		for _, cells := range c.Rows[i].Cells {
			for _, cl := range cells {
				r.Meetings += cl.Held
			}
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
