package study

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/xuri/excelize/v2"

	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/errs"
)

// WeeklyBranch is one branch's (or the zone's, BranchID 0) week.
type WeeklyBranch struct {
	BranchID int64  `json:"branch_id"`
	Name     string `json:"branch"`
	WeeklyFigures
	// The week before, and the trend: the rate's change in percentage
	// points (one decimal).
	PrevTenths  int     `json:"-"`
	PrevRate    float64 `json:"previous_rate"`
	TrendTenths int     `json:"-"`
	Trend       float64 `json:"trend"`
}

// WeeklyReport is a week's summary: the zone and its branches, or one
// branch.
type WeeklyReport struct {
	Week     string         `json:"week"` // YYYY-Www
	From     string         `json:"from"` // Monday
	To       string         `json:"to"`   // Sunday
	Prev     string         `json:"previous_week"`
	Next     string         `json:"next_week,omitempty"`
	Partial  bool           `json:"partial"` // the week is not over yet
	Zone     *WeeklyBranch  `json:"zone,omitempty"`
	Branches []WeeklyBranch `json:"branches"`
	Days     [7]string      `json:"days"`
	// Detail is the per-member grid of one branch (days checked in per
	// day of the week), shown when the report is about one branch.
	Detail []WeeklyRow `json:"member_days,omitempty"`
}

// WeeklyRow is a member's week: which of the seven days they checked in.
type WeeklyRow struct {
	PersonID int64   `json:"person_id"`
	Name     string  `json:"name"`
	Branch   string  `json:"branch,omitempty"`
	Days     [7]bool `json:"days"`
	Count    int     `json:"count"`
}

// dailyWeeklyReport computes a week's figures for one branch (branch > 0) or
// for the zone and every branch with members (branch 0), each with the week
// before for the trend. It checks no principal (the weekly job calls it).
func (m *Module) dailyWeeklyReport(ctx context.Context, week ISOWeek, branch int64) (*WeeklyReport, error) {
	days := week.Days()
	prev := week.Prev()
	rep := &WeeklyReport{Week: week.String(), From: days[0], To: days[6], Prev: prev.String(), Days: days, Branches: []WeeklyBranch{}}
	today := m.dailyToday()
	if days[6] >= today {
		rep.Partial = true
	} else {
		rep.Next = week.Next().String()
	}
	members, err := m.Dir.MembersOf(ctx, branch, false)
	if err != nil {
		return nil, err
	}
	// Names only (not BranchList, which counts every branch's members: a
	// city has thousands of branches — issue 8).
	var names map[int64]string
	if branch != 0 {
		name, err := m.Dir.BranchName(ctx, branch)
		if err != nil {
			return nil, err
		}
		names = map[int64]string{branch: name}
	} else if names, err = m.Dir.BranchNames(ctx); err != nil {
		return nil, err
	}
	// Every check-in of these members over the two weeks.
	q := m.DB.Q(ctx)
	sqlText := `SELECT c.person_id, c.day FROM study_checkins c JOIN people p ON p.id = c.person_id
		WHERE p.party_member = TRUE AND p.branch_id IS NOT NULL AND c.day >= ? AND c.day <= ?`
	args := []any{prev.Monday(), days[6]}
	if branch != 0 {
		// One branch: its members' fourteen days by the check-ins' key
		// (daily_days.go) — not the zone's fortnight, which is 100,000s of
		// rows in a city (issue 8).
		sqlText, args = dailyMembersDays(m.DB.Dialect, branch, members, prev.Monday(), days[6])
	}
	rows, err := q.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return nil, err
	}
	checked := map[int64][]string{}
	for rows.Next() {
		var id int64
		var d string
		if err := rows.Scan(&id, &d); err != nil {
			rows.Close()
			return nil, err
		}
		checked[id] = append(checked[id], d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	byBranch := map[int64][]WeeklyMember{}
	var order []int64
	var all []WeeklyMember
	for _, mb := range members {
		if _, ok := byBranch[mb.BranchID]; !ok {
			order = append(order, mb.BranchID)
		}
		wm := WeeklyMember{PersonID: mb.PersonID, Name: mb.Name}
		byBranch[mb.BranchID] = append(byBranch[mb.BranchID], wm)
		all = append(all, wm)
	}
	slices.Sort(order)
	figure := func(id int64, name string, ms []WeeklyMember) WeeklyBranch {
		cur, before := WeeklyOf(ms, checked, week), WeeklyOf(ms, checked, prev)
		return WeeklyBranch{BranchID: id, Name: name, WeeklyFigures: cur,
			PrevTenths: before.RateTenths, PrevRate: before.Rate,
			TrendTenths: cur.RateTenths - before.RateTenths, Trend: float64(cur.RateTenths-before.RateTenths) / 10}
	}
	for _, id := range order {
		rep.Branches = append(rep.Branches, figure(id, names[id], byBranch[id]))
	}
	if branch == 0 {
		z := figure(0, "全区", all)
		rep.Zone = &z
	}
	if branch != 0 {
		in := map[string]int{}
		for i, d := range days {
			in[d] = i
		}
		for _, mb := range members {
			r := WeeklyRow{PersonID: mb.PersonID, Name: mb.Name}
			for _, d := range checked[mb.PersonID] {
				if i, ok := in[d]; ok && !r.Days[i] {
					r.Days[i] = true
					r.Count++
				}
			}
			rep.Detail = append(rep.Detail, r)
		}
	}
	return rep, nil
}

// dailyWeekParam reads ?week= (default: the last complete week) and refuses a
// week that has not begun.
func (m *Module) dailyWeekParam(s string) (ISOWeek, error) {
	today := m.dailyToday()
	if s == "" {
		return ISOWeekOf(dailyAddDays(today, -7)), nil
	}
	w, err := ParseISOWeek(s)
	if err != nil {
		return w, err
	}
	if w.Monday() > today {
		return w, errs.Field("week", fmt.Sprintf("%s 尚未开始（今天是 %s）", w, today), fmt.Sprintf("%s has not begun (today is %s)", w, today))
	}
	return w, nil
}

// BranchWeekly is one branch's week for a principal: the committee any
// branch's, a member only their own branch's (another branch answers
// NotFound, audited).
func (m *Module) BranchWeekly(ctx context.Context, p *auth.Principal, branch int64, week string) (*WeeklyReport, error) {
	if err := m.Auth.Authorize(ctx, p, PermBranch, auth.Object{Branch: branch}, "branch", strconv.FormatInt(branch, 10)); err != nil {
		return nil, err
	}
	w, err := m.dailyWeekParam(week)
	if err != nil {
		return nil, err
	}
	name, err := m.Dir.BranchName(ctx, branch)
	if err != nil {
		return nil, err
	}
	if name == "" {
		return nil, errs.NotFoundf(fmt.Sprintf("branch %d", branch))
	}
	rep, err := m.dailyWeeklyReport(ctx, w, branch)
	if err != nil {
		return nil, err
	}
	if len(rep.Branches) == 0 { // a branch without members: all zero
		rep.Branches = []WeeklyBranch{{BranchID: branch, Name: name, WeeklyFigures: WeeklyOf(nil, nil, w)}}
	}
	return rep, nil
}

// Weekly is the weekly summary a principal may see: the zone and every
// branch for the committee (or one branch, when branch > 0), a member's own
// branch for a member.
func (m *Module) Weekly(ctx context.Context, p *auth.Principal, branch int64, week string) (*WeeklyReport, error) {
	if err := m.Auth.Authorize(ctx, p, PermBranch, auth.Anything, "study_weekly", ""); err != nil {
		return nil, err
	}
	if branch == 0 && !auth.Can(p, PermBranch, auth.ZoneOnly) {
		branch = m.dailyOwnBranch(ctx, p)
		if branch == 0 {
			return nil, errs.NotFoundf("own branch")
		}
	}
	if branch != 0 {
		return m.BranchWeekly(ctx, p, branch, week)
	}
	w, err := m.dailyWeekParam(week)
	if err != nil {
		return nil, err
	}
	return m.dailyWeeklyReport(ctx, w, 0)
}

// dailyOwnBranch is the branch a member's grant is over (or, failing that, the
// branch of their person).
func (m *Module) dailyOwnBranch(ctx context.Context, p *auth.Principal) int64 {
	if ids, _ := p.ScopeIDs(auth.Member, auth.ScopeBranch); len(ids) > 0 {
		return ids[0]
	}
	if p.PersonID != 0 {
		if b, err := m.Dir.BranchOf(ctx, p.PersonID); err == nil {
			return b
		}
	}
	return 0
}

// dailyWriteWeeklyXLSX writes the summary (one row per branch, the zone last)
// and, for one branch, the member grid.
func dailyWriteWeeklyXLSX(w io.Writer, rep *WeeklyReport, lang string) error {
	pick := func(zh, en string) string {
		if lang == "en" {
			return en
		}
		return zh
	}
	f := excelize.NewFile()
	defer f.Close()
	sum := pick("周总结", "Weekly summary")
	if err := f.SetSheetName("Sheet1", sum); err != nil {
		return err
	}
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	set := func(sheet string, row int, vals []any) error {
		cell, _ := excelize.CoordinatesToCellName(1, row)
		return f.SetSheetRow(sheet, cell, &vals)
	}
	if err := set(sum, 1, []any{pick("周", "Week"), rep.Week, rep.From + " — " + rep.To}); err != nil {
		return err
	}
	head := []any{pick("党组织", "Party organisation"), pick("党员数", "Members"), pick("打卡人次", "Check-ins"), pick("应打卡人次", "Possible"),
		pick("完成率（%）", "Completion (%)"), pick("全勤人数（7/7）", "Full attendance (7/7)"), pick("缺卡3天及以上人数", "Missed 3+ days"),
		pick("上周完成率（%）", "Previous week (%)"), pick("较上周（百分点）", "Trend (points)")}
	if err := set(sum, 3, head); err != nil {
		return err
	}
	_ = f.SetRowStyle(sum, 3, 3, bold)
	row := 4
	line := func(b WeeklyBranch) error {
		err := set(sum, row, []any{b.Name, b.Members, b.Checkins, b.Possible, b.Rate, len(b.Full), len(b.Missed3), b.PrevRate, b.Trend})
		row++
		return err
	}
	for _, b := range rep.Branches {
		if err := line(b); err != nil {
			return err
		}
	}
	if rep.Zone != nil {
		if err := line(*rep.Zone); err != nil {
			return err
		}
		_ = f.SetRowStyle(sum, row-1, row-1, bold)
	}
	_ = f.SetColWidth(sum, "A", "A", 28)
	_ = f.SetColWidth(sum, "B", "I", 14)
	if len(rep.Detail) > 0 {
		det := pick("打卡明细", "Check-ins")
		if _, err := f.NewSheet(det); err != nil {
			return err
		}
		h := []any{pick("姓名", "Name")}
		for _, d := range rep.Days {
			h = append(h, d[5:]+" "+dailyWeekday(d, lang))
		}
		h = append(h, pick("打卡天数", "Days"))
		if err := set(det, 1, h); err != nil {
			return err
		}
		_ = f.SetRowStyle(det, 1, 1, bold)
		for i, r := range rep.Detail {
			vals := []any{r.Name}
			for _, ok := range r.Days {
				v := ""
				if ok {
					v = "✓"
				}
				vals = append(vals, v)
			}
			vals = append(vals, r.Count)
			if err := set(det, i+2, vals); err != nil {
				return err
			}
		}
		_ = f.SetColWidth(det, "A", "A", 12)
		_ = f.SetColWidth(det, "B", "H", 10)
	}
	return f.Write(w)
}
