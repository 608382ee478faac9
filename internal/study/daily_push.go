package study

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/ident"
	"zhongshu/internal/platform/jobs"
	"zhongshu/internal/platform/notify"
)

// The daily rhythm (日督促、周总结) as scheduled work. Each schedule's Fire
// runs in the transaction that claims its slot (exactly once across
// replicas) and only enqueues one job per branch; the jobs do the posting.
// A job inserts its study_pushes row in the same transaction as its
// channel messages (which carry dedupe keys) and in-app notifications
// (which do not), so a job that runs twice — a retry after a crash, a
// duplicate — finds the row and does nothing.

// Job kinds.
const (
	dailyJobMorning = "study.morning_push"
	dailyJobEvening = "study.evening_push"
	dailyJobWeekly  = "study.weekly_push"
)

// The push kinds recorded in study_pushes.
const (
	dailyKindMorning = "morning"
	dailyKindEvening = "evening"
	dailyKindWeekly  = "weekly"
)

// dailyPushArgs are a push job's arguments: one branch (or the zone, Owner
// "zone") and one period (a zone day, or an ISO week for the summary).
type dailyPushArgs struct {
	Owner  string `json:"owner"` // notify.OwnerBranch or notify.OwnerZone
	Branch int64  `json:"branch"`
	Period string `json:"period"`
}

// The link members open from a push.
const dailyStudyLink = "/study"

func dailySchedules(m *Module) []jobs.Schedule {
	return []jobs.Schedule{
		{Name: "study.morning_sentence", Spec: fmt.Sprintf("0 %d * * *", m.PushHour),
			Doc: "每日同记一句话：每天早晨把当天的金句推送到各党支部的工作群，并给每位党员发站内通知", Fire: m.dailyFireMorning},
		{Name: "study.evening_reminder", Spec: fmt.Sprintf("0 %d * * *", m.RemindHour),
			Doc: "日督促：每天晚上在各党支部工作群点名提醒（@手机号）当天尚未打卡的党员，并发站内通知", Fire: m.dailyFireEvening},
		{Name: "study.weekly_summary", Spec: fmt.Sprintf("0 %d * * 1", m.WeeklyHour),
			Doc: "周总结：每周一汇总上一周各党支部和全区的打卡完成率、全勤和缺卡情况，推送到各党支部和开发区的工作群", Fire: m.dailyFireWeekly},
		{Name: "study.rollup_compact", Spec: "10 0 * * *",
			Doc: "打卡统计归并：每天零点后把已结束日期的分片统计合并为每天一行，全区看板汇总一年只需读约 365 行",
			Fire: func(ctx context.Context, slot time.Time) error {
				_, err := dailyRollupCompact(ctx, m.DB, clock.Day(slot))
				return err
			}},
	}
}

func dailyHandlers(m *Module) {
	m.Queue.Handle(dailyJobMorning, 8, m.dailyPushMorning)
	m.Queue.Handle(dailyJobEvening, 8, m.dailyPushEvening)
	m.Queue.Handle(dailyJobWeekly, 8, m.dailyPushWeekly)
}

// dailyBranchesWithMembers lists the ids of the branches that have party
// members, in id order, with their members.
func (m *Module) dailyBranchesWithMembers(ctx context.Context) ([]int64, map[int64][]directory.Member, error) {
	all, err := m.Dir.MembersOf(ctx, 0, false)
	if err != nil {
		return nil, nil, err
	}
	by := map[int64][]directory.Member{}
	var ids []int64
	for _, mb := range all {
		if _, ok := by[mb.BranchID]; !ok {
			ids = append(ids, mb.BranchID)
		}
		by[mb.BranchID] = append(by[mb.BranchID], mb)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids, by, nil
}

// dailyFireMorning enqueues the day's push for every branch with members. With
// no sentence scheduled for the day nothing is pushed; the slot completes.
func (m *Module) dailyFireMorning(ctx context.Context, slot time.Time) error {
	day := clock.Day(slot)
	s, err := dailySentenceOn(ctx, m.DB.Q(ctx), day)
	if err != nil {
		return err
	}
	if s == nil {
		m.dailyLog().Warn("study: no sentence scheduled for the day; nothing pushed", "day", day)
		return nil
	}
	return m.dailyEnqueuePushes(ctx, dailyJobMorning, day, false)
}

// dailyFireEvening enqueues the day's reminder for every branch with members.
func (m *Module) dailyFireEvening(ctx context.Context, slot time.Time) error {
	day := clock.Day(slot)
	s, err := dailySentenceOn(ctx, m.DB.Q(ctx), day)
	if err != nil {
		return err
	}
	if s == nil {
		m.dailyLog().Info("study: no sentence today, so no check-in reminder", "day", day)
		return nil
	}
	return m.dailyEnqueuePushes(ctx, dailyJobEvening, day, false)
}

// dailyFireWeekly enqueues last ISO week's summary for every branch with
// members and for the zone. The slot is a Monday; last week is the week of
// the day before.
func (m *Module) dailyFireWeekly(ctx context.Context, slot time.Time) error {
	week := ISOWeekOf(dailyAddDays(clock.Day(slot), -1))
	return m.dailyEnqueuePushes(ctx, dailyJobWeekly, week.String(), true)
}

func (m *Module) dailyEnqueuePushes(ctx context.Context, kind, period string, zone bool) error {
	ids, _, err := m.dailyBranchesWithMembers(ctx)
	if err != nil {
		return err
	}
	for _, b := range ids {
		if _, err := m.Queue.Enqueue(ctx, kind, dailyPushArgs{Owner: notify.OwnerBranch, Branch: b, Period: period},
			jobs.UniqueKey(fmt.Sprintf("%s:%s:branch:%d", kind, period, b))); err != nil {
			return err
		}
	}
	if zone {
		if _, err := m.Queue.Enqueue(ctx, kind, dailyPushArgs{Owner: notify.OwnerZone, Period: period},
			jobs.UniqueKey(fmt.Sprintf("%s:%s:zone", kind, period))); err != nil {
			return err
		}
	}
	return nil
}

func dailyReadPushArgs(j *jobs.Job) (dailyPushArgs, error) {
	var a dailyPushArgs
	if err := json.Unmarshal(j.Args, &a); err != nil {
		return a, jobs.Permanent(err)
	}
	if a.Owner == "" {
		a.Owner = notify.OwnerBranch
	}
	if (a.Owner != notify.OwnerBranch && a.Owner != notify.OwnerZone) || a.Period == "" {
		return a, jobs.Permanent(fmt.Errorf("bad push arguments %s", j.Args))
	}
	return a, nil
}

// claimPush records a push in the job's transaction; false means it was
// already done (by an earlier run of the same job or a duplicate).
func dailyClaimPush(ctx context.Context, tx *db.Tx, kind string, a dailyPushArgs, now time.Time) (bool, error) {
	var k string
	err := tx.QueryRowContext(ctx, `INSERT INTO study_pushes (kind, owner_kind, owner_id, period, pushed_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (kind, owner_kind, owner_id, period) DO NOTHING RETURNING kind`, kind, a.Owner, a.Branch, a.Period, now).Scan(&k)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

func dailySetRecipients(ctx context.Context, tx *db.Tx, kind string, a dailyPushArgs, n int) error {
	_, err := tx.ExecContext(ctx, `UPDATE study_pushes SET recipients = ? WHERE kind = ? AND owner_kind = ? AND owner_id = ? AND period = ?`,
		n, kind, a.Owner, a.Branch, a.Period)
	return err
}

// shortDate is 12月20日 (messages go to Chinese work groups).
func dailyShortDate(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return fmt.Sprintf("%d月%d日", t.Month(), t.Day())
}

// dailyKindMorning posts the day's sentence to a branch's channels and puts it
// under the bell of each member who has an account.
func (m *Module) dailyPushMorning(ctx context.Context, j *jobs.Job) error {
	a, err := dailyReadPushArgs(j)
	if err != nil {
		return err
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		fresh, err := dailyClaimPush(ctx, tx, dailyKindMorning, a, m.Clock.Now())
		if err != nil || !fresh {
			return err
		}
		s, err := dailySentenceOn(ctx, tx, a.Period)
		if err != nil || s == nil {
			return err
		}
		title := "每日金句 · " + dailyShortDate(s.Day)
		body := fmt.Sprintf("**%s**\n> %s\n\n出处：%s\n\n请打开中枢“每日学习”阅读或背诵打卡。", title, s.Text, s.Source)
		if _, err := m.Notify.PostTo(ctx, notify.OwnerBranch, a.Branch, notify.Message{Kind: notify.Markdown, Title: title, Body: body},
			fmt.Sprintf("study.sentence/%d/%s", a.Branch, s.Day)); err != nil {
			return err
		}
		members, err := m.Dir.MembersOf(ctx, a.Branch, false)
		if err != nil {
			return err
		}
		n := 0
		for _, mb := range members {
			if mb.UserID == 0 {
				continue
			}
			if err := m.Notify.Notify(ctx, mb.UserID, title, s.Text+"——"+s.Source, dailyStudyLink); err != nil {
				return err
			}
			n++
		}
		return dailySetRecipients(ctx, tx, dailyKindMorning, a, n)
	})
}

// dailyMaxMentions is what one group-robot message may @ (notify's bound).
const dailyMaxMentions = 100

// dailyKindEvening names, in a branch's channels, the members not yet checked
// in today, @-mentioning them by mobile, and reminds each of them in-app.
// Nobody missing: no message.
func (m *Module) dailyPushEvening(ctx context.Context, j *jobs.Job) error {
	a, err := dailyReadPushArgs(j)
	if err != nil {
		return err
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		fresh, err := dailyClaimPush(ctx, tx, dailyKindEvening, a, m.Clock.Now())
		if err != nil || !fresh {
			return err
		}
		members, err := m.Dir.MembersOf(ctx, a.Branch, true)
		if err != nil {
			return err
		}
		done, err := dailyCheckedInOn(ctx, tx, a.Branch, a.Period)
		if err != nil {
			return err
		}
		var names, mentions []string
		var missing []directory.Member
		for _, mb := range members {
			if done[mb.PersonID] {
				continue
			}
			missing = append(missing, mb)
			names = append(names, mb.Name)
			if mob, err := ident.Mobile(mb.Mobile); err == nil && len(mentions) < dailyMaxMentions {
				mentions = append(mentions, mob)
			}
		}
		if len(missing) == 0 {
			return nil
		}
		title := "日督促 · " + dailyShortDate(a.Period)
		body := fmt.Sprintf("%s的金句还有 %d 位同志未打卡：%s。请抽空打开中枢“每日学习”阅读或背诵打卡。", dailyShortDate(a.Period), len(missing), strings.Join(names, "、"))
		if _, err := m.Notify.PostTo(ctx, notify.OwnerBranch, a.Branch, notify.Message{Kind: notify.Text, Title: title, Body: body, Mentions: mentions},
			fmt.Sprintf("study.remind/%d/%s", a.Branch, a.Period)); err != nil {
			return err
		}
		for _, mb := range missing {
			if mb.UserID == 0 {
				continue
			}
			if err := m.Notify.Notify(ctx, mb.UserID, "今天的金句还没有打卡", "阅读或背诵今天的金句即可打卡，坚持每日同记一句话。", dailyStudyLink); err != nil {
				return err
			}
		}
		return dailySetRecipients(ctx, tx, dailyKindEvening, a, len(missing))
	})
}

// checkedInOn is the set of a branch's people who checked in on a day:
// the branch's members, then one seek of the check-ins' key each.
func dailyCheckedInOn(ctx context.Context, q db.Querier, branch int64, day string) (map[int64]bool, error) {
	rows, err := q.QueryContext(ctx, `SELECT c.person_id FROM people p CROSS JOIN study_checkins c WHERE c.day = ? AND c.person_id = p.id AND p.branch_id = ?`, day, branch)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// dailyKindWeekly posts last week's summary as markdown: a branch's to its
// channels, the zone's (every branch in one table) to the zone's.
func (m *Module) dailyPushWeekly(ctx context.Context, j *jobs.Job) error {
	a, err := dailyReadPushArgs(j)
	if err != nil {
		return err
	}
	week, err := ParseISOWeek(a.Period)
	if err != nil {
		return jobs.Permanent(err)
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		fresh, err := dailyClaimPush(ctx, tx, dailyKindWeekly, a, m.Clock.Now())
		if err != nil || !fresh {
			return err
		}
		rep, err := m.dailyWeeklyReport(ctx, week, a.Branch)
		if err != nil {
			return err
		}
		var title, body string
		if a.Owner == notify.OwnerZone {
			title, body = dailyWeeklyZoneMarkdown(rep)
		} else {
			if len(rep.Branches) == 0 {
				return nil // the branch has no members any more
			}
			title, body = dailyWeeklyBranchMarkdown(rep, rep.Branches[0])
		}
		_, err = m.Notify.PostTo(ctx, a.Owner, a.Branch, notify.Message{Kind: notify.Markdown, Title: title, Body: body},
			fmt.Sprintf("study.weekly/%s/%d/%s", a.Owner, a.Branch, a.Period))
		return err
	})
}

func dailyWeekSpan(rep *WeeklyReport) string {
	return fmt.Sprintf("%s（%s—%s）", rep.Week, dailyShortDate(rep.From), dailyShortDate(rep.To))
}

func dailyNames(ps []WeeklyPerson) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Name)
	}
	return strings.Join(out, "、")
}

func dailyWeeklyBranchMarkdown(rep *WeeklyReport, b WeeklyBranch) (string, string) {
	title := "周总结 · " + b.Name
	var s strings.Builder
	fmt.Fprintf(&s, "**%s · %s**\n", title, dailyWeekSpan(rep))
	fmt.Fprintf(&s, "党员 %d 人，打卡 %d 人次，完成率 **%s%%**（上周 %s%%，%s 个百分点）\n", b.Members, b.Checkins,
		dailyTenths(b.RateTenths, false), dailyTenths(b.PrevTenths, false), dailyTenths(b.TrendTenths, true))
	if len(b.Full) > 0 {
		fmt.Fprintf(&s, "> 全勤（7/7）%d 人：%s\n", len(b.Full), dailyNames(b.Full))
	} else {
		s.WriteString("> 全勤（7/7）：无\n")
	}
	if len(b.Missed3) > 0 {
		fmt.Fprintf(&s, "> 缺卡 3 天及以上 %d 人：%s\n", len(b.Missed3), dailyNames(b.Missed3))
	} else {
		s.WriteString("> 缺卡 3 天及以上：无\n")
	}
	return title, s.String()
}

func dailyWeeklyZoneMarkdown(rep *WeeklyReport) (string, string) {
	z := rep.Zone
	title := "周总结 · 全区"
	var s strings.Builder
	fmt.Fprintf(&s, "**%s · %s**\n", title, dailyWeekSpan(rep))
	fmt.Fprintf(&s, "党员 %d 人，打卡 %d 人次，完成率 **%s%%**（%s 个百分点），全勤 %d 人，缺卡 3 天及以上 %d 人\n", z.Members, z.Checkins,
		dailyTenths(z.RateTenths, false), dailyTenths(z.TrendTenths, true), len(z.Full), len(z.Missed3))
	for _, b := range rep.Branches {
		fmt.Fprintf(&s, "> %s：%s%%（%s），全勤 %d，缺卡≥3天 %d\n", b.Name, dailyTenths(b.RateTenths, false), dailyTenths(b.TrendTenths, true), len(b.Full), len(b.Missed3))
	}
	return title, s.String()
}
