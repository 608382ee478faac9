package village

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/jobs"
)

// The daily deadline reminder of 三务公开 (RULES.md §3): three days before a
// period's disclosure is due and still unpublished, the village's
// secretaries are reminded; the day after it became overdue, they and the
// committee are told. Each notice is sent once (it depends only on the day).

const disclosureDueJob = "village.disclosures_due"

// disclosureRemindDays is how many days before the due day the secretary
// is reminded.
const disclosureRemindDays = 3

type disclosureDueArgs struct {
	Day string `json:"day"`
}

// usersWith lists the enabled accounts holding a role over a scope.
func (m *Module) usersWith(ctx context.Context, role, scopeKind string, scopeID int64) ([]int64, error) {
	return db.Column[int64](ctx, m.DB.Q(ctx), `SELECT DISTINCT u.id FROM users u JOIN user_roles r ON r.user_id = u.id
		WHERE r.role = ? AND r.scope_kind = ? AND r.scope_id = ? AND u.disabled = FALSE ORDER BY u.id`, role, scopeKind, scopeID)
}

// RunDisclosureReminders sends the day's reminders and overdue notices; it
// returns how many notices it sent.
func (m *Module) RunDisclosureReminders(ctx context.Context, day string) (int, error) {
	vs, err := m.Dir.VillageList(ctx)
	if err != nil {
		return 0, err
	}
	committee, err := m.usersWith(ctx, "committee", "zone", 0)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, v := range vs {
		due, err := m.villageDue(ctx, v, day)
		if err != nil {
			return sent, err
		}
		secs, err := m.usersWith(ctx, "village_secretary", "village", v.ID)
		if err != nil {
			return sent, err
		}
		link := fmt.Sprintf("/villages/%d/disclosures", v.ID)
		for _, f := range due.Flags {
			var to []int64
			var title, body string
			switch {
			case f.Status == DuePending && daysBetween(day, f.Due) == disclosureRemindDays:
				to = secs
				title = fmt.Sprintf("%s%s公开将于 %s 到期", f.Period, kindZh(f.Kind), f.Due)
				body = fmt.Sprintf("%s %s期间的%s公开尚未发布，应于 %s 前公开（RULES.md §3）。", v.Name, f.Period, kindZh(f.Kind), f.Due)
			case f.Status == DueOverdue && f.DaysLate == 1:
				to = append(append([]int64(nil), secs...), committee...)
				title = fmt.Sprintf("%s %s%s公开已逾期", v.Name, f.Period, kindZh(f.Kind))
				body = fmt.Sprintf("%s %s期间的%s公开应于 %s 前公开，至今未发布（RULES.md §3）。", v.Name, f.Period, kindZh(f.Kind), f.Due)
			default:
				continue
			}
			for _, u := range to {
				if err := m.Notify.Notify(ctx, u, title, body, link); err != nil {
					return sent, err
				}
				sent++
			}
		}
	}
	return sent, nil
}

func init() {
	handlerParts = append(handlerParts, func(m *Module) {
		m.Queue.Handle(disclosureDueJob, 5, func(ctx context.Context, j *jobs.Job) error {
			var a disclosureDueArgs
			if err := json.Unmarshal(j.Args, &a); err != nil || a.Day == "" {
				return jobs.Permanent(fmt.Errorf("bad disclosure reminder arguments %s", j.Args))
			}
			_, err := m.RunDisclosureReminders(ctx, a.Day)
			return err
		})
	})
	scheduleParts = append(scheduleParts, func(m *Module) []jobs.Schedule {
		return []jobs.Schedule{{Name: disclosureDueJob, Spec: "0 8 * * *",
			Doc: "三务公开时限提醒：每天 08:00 提醒村党组织书记 3 天内到期的未发布公开，逾期次日通知书记和党工委",
			Fire: func(ctx context.Context, slot time.Time) error {
				day := clock.Day(slot)
				_, err := m.Queue.Enqueue(ctx, disclosureDueJob, disclosureDueArgs{Day: day}, jobs.UniqueKey(disclosureDueJob+"/"+day))
				return err
			}}}
	})
}
