package express

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/jobs"
)

// Escalation (issue 6 item 2): every morning at 08:30 zone time a job
// flags the deadlines missed since the last run — each demand and deadline
// once, in demand_overdue — notifies the office (committee users) and the
// staff of the lead department in-app, and sends a digest of everything
// overdue that day: the office gets all, each department its own. The
// digest row (demand_digests, one per zone day) commits with the notices,
// so a second run the same day (a retry, a duplicate) does nothing.

const demandOverdueJob = "express.demands_overdue"

type demandOverdueArgs struct {
	Day string `json:"day"`
}

// overdueItem is one missed deadline of an open demand.
type overdueItem struct {
	DemandID     int64
	Title        string
	Enterprise   string
	DepartmentID int64
	Kind         string // route, respond, resolve
	Due          string
}

// openOverdue lists the deadlines open demands have missed by day: the
// route-by of a demand still new, the respond-by of one not signed for, the
// resolve-by of one not resolved.
func openOverdue(ds []Demand, day string) []overdueItem {
	var out []overdueItem
	for _, d := range ds {
		add := func(kind string, x Deadline) {
			if x.MetOn == "" && x.Due != "" && day > x.Due {
				out = append(out, overdueItem{DemandID: d.ID, Title: d.Title, Enterprise: d.Enterprise, DepartmentID: d.LeadID, Kind: kind, Due: x.Due})
			}
		}
		switch d.State {
		case StNew:
			add("route", d.Deadlines.RouteBy)
		case StRouted:
			add("respond", d.Deadlines.RespondBy)
			add("resolve", d.Deadlines.ResolveBy)
		case StAccepted, StInProgress:
			add("resolve", d.Deadlines.ResolveBy)
		}
	}
	return out
}

var overdueKindZh = map[string]string{"route": "交办", "respond": "响应签收", "resolve": "办结"}

// RunOverdue flags, notifies and digests the overdue demands of a zone
// day; it returns the number of overdue items, and does nothing (0, nil)
// when that day's digest is already sent.
func (m *Module) RunOverdue(ctx context.Context, day string) (int, error) {
	n := 0
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var done int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM demand_digests WHERE day = ?`, day).Scan(&done); err != nil {
			return err
		}
		if done > 0 {
			return nil
		}
		ds, err := m.allOpenDemands(ctx, day)
		if err != nil {
			return err
		}
		items := openOverdue(ds, day)
		n = len(items)
		office, err := m.usersWith(ctx, auth.Committee, auth.ScopeZone, 0)
		if err != nil {
			return err
		}
		deptUsers := map[int64][]int64{}
		staffOf := func(dep int64) ([]int64, error) {
			if us, ok := deptUsers[dep]; ok || dep == 0 {
				return us, nil
			}
			us, err := m.usersWith(ctx, auth.DeptStaff, auth.ScopeDepartment, dep)
			deptUsers[dep] = us
			return us, err
		}
		byDept := map[int64][]overdueItem{}
		for _, it := range items {
			res, err := tx.ExecContext(ctx, `INSERT INTO demand_overdue (demand_id, kind, due_on, flagged_on) SELECT ?, ?, ?, ?
				WHERE NOT EXISTS (SELECT 1 FROM demand_overdue WHERE demand_id = ? AND kind = ? AND due_on = ?)`,
				it.DemandID, it.Kind, it.Due, day, it.DemandID, it.Kind, it.Due)
			if err != nil {
				return err
			}
			if it.DepartmentID != 0 {
				byDept[it.DepartmentID] = append(byDept[it.DepartmentID], it)
			}
			if k, _ := res.RowsAffected(); k == 0 {
				continue // announced on an earlier day; it stays in the digest
			}
			title := fmt.Sprintf("企业诉求超期未%s", overdueKindZh[it.Kind])
			body := fmt.Sprintf("%s：%s（应于 %s 前%s）", it.Enterprise, it.Title, it.Due, overdueKindZh[it.Kind])
			link := fmt.Sprintf("/express/demands/%d", it.DemandID)
			to := append([]int64{}, office...)
			us, err := staffOf(it.DepartmentID)
			if err != nil {
				return err
			}
			to = append(to, us...)
			if err := m.notifyUsers(ctx, to, title, body, link); err != nil {
				return err
			}
		}
		recipients := 0
		if len(items) > 0 {
			if err := m.notifyUsers(ctx, office, fmt.Sprintf("%s 超期诉求日报：%d 项", day, len(items)), overdueDigest(items), "/express/demands?overdue=1"); err != nil {
				return err
			}
			recipients += len(office)
			deps := make([]int64, 0, len(byDept))
			for dep := range byDept {
				deps = append(deps, dep)
			}
			sort.Slice(deps, func(i, j int) bool { return deps[i] < deps[j] })
			for _, dep := range deps {
				us, err := staffOf(dep)
				if err != nil {
					return err
				}
				if err := m.notifyUsers(ctx, us, fmt.Sprintf("%s 本部门超期诉求：%d 项", day, len(byDept[dep])), overdueDigest(byDept[dep]), "/express/demands?overdue=1"); err != nil {
					return err
				}
				recipients += len(us)
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO demand_digests (day, overdue, recipients, sent_at) VALUES (?, ?, ?, ?)`, day, len(items), recipients, m.Clock.Now())
		return err
	})
	return n, err
}

// overdueDigest is a digest's body: one line per item, at most 30.
func overdueDigest(items []overdueItem) string {
	var b strings.Builder
	for i, it := range items {
		if i == 30 {
			fmt.Fprintf(&b, "……另有 %d 项\n", len(items)-30)
			break
		}
		fmt.Fprintf(&b, "%d. %s：%s——超期未%s（应于 %s）\n", i+1, it.Enterprise, it.Title, overdueKindZh[it.Kind], it.Due)
	}
	return strings.TrimSpace(b.String())
}

// allOpenDemands reads the demands not yet resolved, as seen on day.
func (m *Module) allOpenDemands(ctx context.Context, day string) ([]Demand, error) {
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT `+demandCols+demandFrom+` WHERE d.state IN ('new', 'routed', 'accepted', 'in_progress') ORDER BY d.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Demand
	for rows.Next() {
		d, err := scanDemand(rows, day)
		if err != nil {
			return nil, err
		}
		out = append(out, *d)
	}
	return out, rows.Err()
}

func init() {
	handlerParts = append(handlerParts, func(m *Module) {
		m.Queue.Handle(demandOverdueJob, 5, func(ctx context.Context, j *jobs.Job) error {
			var a demandOverdueArgs
			if err := json.Unmarshal(j.Args, &a); err != nil || a.Day == "" {
				return jobs.Permanent(fmt.Errorf("bad overdue arguments %s", j.Args))
			}
			_, err := m.RunOverdue(ctx, a.Day)
			return err
		})
	})
	scheduleParts = append(scheduleParts, func(m *Module) []jobs.Schedule {
		return []jobs.Schedule{{Name: "express.demands_overdue", Spec: "30 8 * * *",
			Doc: "企业诉求超期督办：每天 08:30 标记超期未交办、未响应、未办结的诉求，站内通知直通车办公室和牵头部门，并发送当日超期诉求日报",
			Fire: func(ctx context.Context, slot time.Time) error {
				day := clock.Day(slot)
				_, err := m.Queue.Enqueue(ctx, demandOverdueJob, demandOverdueArgs{Day: day}, jobs.UniqueKey(demandOverdueJob+"/"+day))
				return err
			}}}
	})
}
