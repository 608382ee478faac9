package study

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/jobs"
	"zhongshu/internal/platform/notify"
	"zhongshu/internal/platform/seal"
)

// dailyRobot is a WeCom group robot that accepts every message and counts
// them per robot key.
type dailyRobot struct {
	mu   sync.Mutex
	got  map[string]int
	body map[string][]string
	srv  *httptest.Server
}

func newDailyRobot(t *testing.T) *dailyRobot {
	r := &dailyRobot{got: map[string]int{}, body: map[string][]string{}}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		k := req.URL.Query().Get("key")
		r.got[k]++
		r.body[k] = append(r.body[k], string(b))
		r.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"errcode":0,"errmsg":"ok"}`))
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *dailyRobot) url(key string) string {
	return r.srv.URL + "/cgi-bin/webhook/send?key=" + key
}

func (r *dailyRobot) count(key string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.got[key]
}

// channels gives every branch with members (and the zone) a WeCom robot
// channel whose key names its owner.
func (e *testEnv) channels(t *testing.T, r *dailyRobot) []int64 {
	t.Helper()
	ctx := context.Background()
	ids, _, err := e.M.dailyBranchesWithMembers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range ids {
		if _, err := e.M.Notify.CreateChannel(ctx, notify.ChannelInput{OwnerKind: notify.OwnerBranch, OwnerID: b, Kind: notify.KindWeCom,
			Name: "工作群", WebhookURL: r.url(fmt.Sprintf("branch-%d", b))}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.M.Notify.CreateChannel(ctx, notify.ChannelInput{OwnerKind: notify.OwnerZone, Kind: notify.KindWeCom,
		Name: "党工委工作群", WebhookURL: r.url("zone")}); err != nil {
		t.Fatal(err)
	}
	return ids
}

// dailyReplica is a second `serve` process over the same store: its own
// database handle, queue, scheduler, notification service and module,
// sharing only the store and the stepped clock.
func dailyReplica(t *testing.T, url string, clk *clock.Fixed) *Module {
	t.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	keys, _ := seal.New(bytes.Repeat([]byte{9}, 32)) // the installation's key, as in newTestEnv
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	al := &audit.Log{DB: d, Seal: keys, Clock: clk}
	as := &auth.Service{DB: d, Audit: al, Clock: clk}
	q := jobs.NewQueue(d, clk, log)
	ns := &notify.Service{DB: d, Seal: keys, Clock: clk, Queue: q, Audit: al, Log: log}
	ns.Register()
	m := &Module{DB: d, Auth: as, Audit: al, Seal: keys, Clock: clk, Dir: &directory.Module{DB: d, Auth: as, Audit: al, Seal: keys, Clock: clk},
		Queue: q, Scheduler: jobs.NewScheduler(d, clk, log), Notify: ns}
	if err := m.Start(); err != nil {
		t.Fatal(err)
	}
	return m
}

// tickAll ticks every replica's scheduler at the same moment.
func tickAll(t *testing.T, reps ...*Module) {
	t.Helper()
	var wg sync.WaitGroup
	errc := make(chan error, len(reps))
	for _, r := range reps {
		wg.Go(func() { errc <- r.Scheduler.Tick(context.Background()) })
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		if err != nil {
			t.Fatalf("tick: %v", err)
		}
	}
}

// drainAll runs every due job on every replica's worker at once.
func drainAll(t *testing.T, reps ...*Module) {
	t.Helper()
	var wg sync.WaitGroup
	errc := make(chan error, len(reps))
	for _, r := range reps {
		wg.Go(func() { _, err := r.Queue.RunDue(context.Background()); errc <- err })
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	}
}

// perOwner counts channel messages with a dedupe prefix per owner.
func (e *testEnv) perOwner(t *testing.T, prefix string) map[int64]int {
	t.Helper()
	ctx := context.Background()
	rows, err := e.DB.Q(ctx).QueryContext(ctx, `SELECT c.owner_id, COUNT(*) FROM messages m JOIN channels c ON c.id = m.channel_id
		WHERE m.dedupe_key LIKE ? GROUP BY c.owner_id`, prefix+"%")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			t.Fatal(err)
		}
		out[id] = n
	}
	return out
}

// The check: nothing is pushed at 06:59, exactly one push per
// branch at 07:00 — also with two replicas on one store ticking and
// working at the same moment — and a job run again adds nothing. A day with
// no sentence pushes nothing and its slot still completes.
func TestMorningPushTwoReplicas(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		robot := newDailyRobot(t)
		branches := e.channels(t, robot)
		e.schedule(t, "2021-12-21", "星星之火，可以燎原。", "燎原")
		e.schedule(t, "2021-12-23", "发展才是硬道理。", "硬道理")
		second := dailyReplica(t, e.DB.URL, e.Clock)
		reps := []*Module{e.M, second}

		e.Clock.Set(zoneAt("2021-12-21", 6, 50))
		for i := 0; i < 10; i++ { // 06:50 … 06:59
			tickAll(t, reps...)
			drainAll(t, reps...)
			e.Clock.Advance(time.Minute)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM jobs WHERE kind = ?`, dailyJobMorning); n != 0 {
			t.Fatalf("%d morning jobs before 07:00", n)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM messages`); n != 0 {
			t.Fatalf("%d messages before 07:00", n)
		}
		if got := e.Clock.Now().In(clock.Zone).Format("15:04"); got != "07:00" {
			t.Fatalf("clock at %s", got)
		}
		for i := 0; i < 5; i++ { // 07:00 … 07:04, both replicas each minute
			tickAll(t, reps...)
			drainAll(t, reps...)
			e.Clock.Advance(time.Minute)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM jobs WHERE kind = ?`, dailyJobMorning); n != len(branches) {
			t.Fatalf("%d morning jobs for %d branches", n, len(branches))
		}
		per := e.perOwner(t, "study.sentence/")
		if len(per) != len(branches) {
			t.Fatalf("pushed to %d branches, want %d", len(per), len(branches))
		}
		for _, b := range branches {
			if per[b] != 1 || robot.count(fmt.Sprintf("branch-%d", b)) != 1 {
				t.Fatalf("branch %d: %d messages, %d received", b, per[b], robot.count(fmt.Sprintf("branch-%d", b)))
			}
		}
		if robot.count("zone") != 0 {
			t.Fatal("the morning sentence went to the zone's group")
		}
		body := robot.body[fmt.Sprintf("branch-%d", branches[0])][0]
		if !strings.Contains(body, "星星之火，可以燎原。") || !strings.Contains(body, "测试用出处") {
			t.Fatalf("message %s", body)
		}
		// Each member with an account has it once under the bell.
		all, _ := e.M.Dir.MembersOf(ctx, 0, false)
		users := 0
		for _, mb := range all {
			if mb.UserID != 0 {
				users++
				if n := e.count(t, `SELECT COUNT(*) FROM notifications WHERE user_id = ? AND link = '/study'`, mb.UserID); n != 1 {
					t.Fatalf("user %d has %d notices", mb.UserID, n)
				}
			}
		}
		if users == 0 || e.count(t, `SELECT COUNT(*) FROM notifications`) != users {
			t.Fatalf("%d notifications for %d members with accounts", e.count(t, `SELECT COUNT(*) FROM notifications`), users)
		}
		// A job that runs again (a retry after a crash) changes nothing.
		args, _ := json.Marshal(dailyPushArgs{Owner: notify.OwnerBranch, Branch: branches[0], Period: "2021-12-21"})
		if err := second.dailyPushMorning(ctx, &jobs.Job{Kind: dailyJobMorning, Args: args}); err != nil {
			t.Fatal(err)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM messages`); n != len(branches) || e.count(t, `SELECT COUNT(*) FROM notifications`) != users {
			t.Fatalf("a second run added messages or notices: %d", n)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM schedule_runs WHERE name = 'study.morning_sentence'`); n != 1 {
			t.Fatalf("%d morning slots recorded", n)
		}

		// 2021-12-22 has no sentence: nothing is pushed, the slot is done.
		e.Clock.Set(zoneAt("2021-12-22", 7, 0))
		tickAll(t, reps...)
		drainAll(t, reps...)
		if n := e.count(t, `SELECT COUNT(*) FROM schedule_runs WHERE name = 'study.morning_sentence' AND state = 'done'`); n != 2 {
			t.Fatalf("%d done slots", n)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM jobs WHERE kind = ?`, dailyJobMorning); n != len(branches) {
			t.Fatalf("jobs enqueued for a day without a sentence: %d", n)
		}
		// A replica that was down from 06:59 to 07:30 catches up once.
		e.Clock.Set(zoneAt("2021-12-23", 7, 30))
		tickAll(t, reps...)
		drainAll(t, reps...)
		per = e.perOwner(t, "study.sentence/")
		for _, b := range branches {
			if per[b] != 2 {
				t.Fatalf("branch %d after the second day: %d", b, per[b])
			}
		}
	})
}

// 日督促: at 20:00 each branch's group gets one message naming (and
// @-mentioning by mobile) its members not yet checked in, who also get an
// in-app reminder; a branch where everyone checked in gets nothing.
func TestEveningReminder(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		robot := newDailyRobot(t)
		branches := e.channels(t, robot)
		e.schedule(t, "2021-12-21", "星星之火，可以燎原。", "燎原")
		mem := e.principal(t, "member")
		own, _ := e.M.Dir.BranchOf(ctx, mem.PersonID)
		var full int64 // a branch whose members all check in
		for _, b := range branches {
			if b != own {
				full = b
				break
			}
		}
		e.Clock.Set(zoneAt("2021-12-21", 12, 0))
		mine, _ := e.M.Dir.MembersOf(ctx, own, true)
		theirs, _ := e.M.Dir.MembersOf(ctx, full, false)
		checkIn := func(person int64) {
			p := &auth.Principal{UserID: 1, PersonID: person, Grants: []auth.Grant{{Role: auth.Member, ScopeKind: auth.ScopeBranch, ScopeID: own}}}
			if _, err := e.M.CheckIn(ctx, p, CheckinInput{Mode: CheckinRead}); err != nil {
				t.Fatal(err)
			}
		}
		for _, mb := range theirs {
			checkIn(mb.PersonID)
		}
		var done, missing []directory.Member
		for i, mb := range mine {
			if i%3 == 0 && mb.PersonID != mem.PersonID {
				checkIn(mb.PersonID)
				done = append(done, mb)
			} else {
				missing = append(missing, mb)
			}
		}
		e.Clock.Set(zoneAt("2021-12-21", 19, 59))
		tickAll(t, e.M)
		drainAll(t, e.M)
		if n := e.count(t, `SELECT COUNT(*) FROM jobs WHERE kind = ?`, dailyJobEvening); n != 0 {
			t.Fatalf("%d reminders before 20:00", n)
		}
		e.Clock.Set(zoneAt("2021-12-21", 20, 0))
		tickAll(t, e.M)
		drainAll(t, e.M)
		per := e.perOwner(t, "study.remind/")
		if per[own] != 1 || per[full] != 0 {
			t.Fatalf("reminders: own branch %d, fully checked-in branch %d", per[own], per[full])
		}
		var id int64
		var body string
		var enc []byte
		if err := e.DB.Q(ctx).QueryRowContext(ctx, `SELECT m.id, m.body, m.mentions_enc FROM messages m JOIN channels c ON c.id = m.channel_id
			WHERE c.owner_id = ? AND m.dedupe_key LIKE 'study.remind/%'`, own).Scan(&id, &body, &enc); err != nil {
			t.Fatal(err)
		}
		list := body[strings.Index(body, "：")+len("："):]
		list = list[:strings.Index(list, "。")]
		var want []string
		for _, mb := range missing {
			want = append(want, mb.Name)
		}
		if list != strings.Join(want, "、") || len(done) == 0 {
			t.Fatalf("reminder names %q, want %q", list, want)
		}
		if !strings.Contains(body, fmt.Sprintf("还有 %d 位同志未打卡", len(missing))) {
			t.Fatalf("body %s", body)
		}
		plain, err := e.M.Seal.Decrypt(enc, []byte(fmt.Sprintf("notify.message.mentions/%d", id)))
		if err != nil {
			t.Fatal(err)
		}
		var mentions []string
		_ = json.Unmarshal(plain, &mentions)
		if len(mentions) != len(missing) {
			t.Fatalf("%d mentions for %d missing members", len(mentions), len(missing))
		}
		for i, mb := range missing {
			if mentions[i] != mb.Mobile {
				t.Fatalf("mention %d is not %s's mobile", i, mb.Name)
			}
		}
		robot.mu.Lock()
		sent := robot.body[fmt.Sprintf("branch-%d", own)]
		robot.mu.Unlock()
		if len(sent) != 1 || !strings.Contains(sent[0], `"mentioned_mobile_list"`) {
			t.Fatalf("robot got %v", sent)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM notifications WHERE user_id = ? AND title = '今天的金句还没有打卡'`, mem.UserID); n != 1 {
			t.Fatalf("member reminded in-app %d times", n)
		}
		// Run again: nothing more.
		args, _ := json.Marshal(dailyPushArgs{Owner: notify.OwnerBranch, Branch: own, Period: "2021-12-21"})
		if err := e.M.dailyPushEvening(ctx, &jobs.Job{Args: args}); err != nil {
			t.Fatal(err)
		}
		if e.perOwner(t, "study.remind/")[own] != 1 || e.count(t, `SELECT COUNT(*) FROM notifications WHERE user_id = ? AND title = '今天的金句还没有打卡'`, mem.UserID) != 1 {
			t.Fatal("a second run reminded again")
		}
	})
}

// 周总结: every Monday at 08:00 last week's summary goes to each branch's
// group and the zone's; its figures are the weekly report's.
func TestWeeklySummaryPush(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		if err := dailyLoadDemo(e.M, ctx); err != nil {
			t.Fatal(err)
		}
		robot := newDailyRobot(t)
		branches := e.channels(t, robot)
		e.Clock.Set(zoneAt("2021-12-20", 7, 59))
		tickAll(t, e.M)
		if n := e.count(t, `SELECT COUNT(*) FROM jobs WHERE kind = ?`, dailyJobWeekly); n != 0 {
			t.Fatalf("%d weekly jobs before 08:00", n)
		}
		e.Clock.Set(zoneAt("2021-12-20", 8, 0))
		tickAll(t, e.M)
		drainAll(t, e.M)
		if n := e.count(t, `SELECT COUNT(*) FROM jobs WHERE kind = ?`, dailyJobWeekly); n != len(branches)+1 {
			t.Fatalf("%d weekly jobs for %d branches and the zone", n, len(branches))
		}
		per := e.perOwner(t, "study.weekly/")
		for _, b := range branches {
			if per[b] != 1 {
				t.Fatalf("branch %d: %d summaries", b, per[b])
			}
		}
		if robot.count("zone") != 1 {
			t.Fatalf("zone summaries: %d", robot.count("zone"))
		}
		w, _ := ParseISOWeek("2021-W50")
		rep, err := e.M.dailyWeeklyReport(ctx, w, 0)
		if err != nil {
			t.Fatal(err)
		}
		var body string
		if err := e.DB.Q(ctx).QueryRowContext(ctx, `SELECT body FROM messages WHERE dedupe_key LIKE 'study.weekly/zone/0/2021-W50%'`).Scan(&body); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(body, "2021-W50（12月13日—12月19日）") || !strings.Contains(body, dailyTenths(rep.Zone.RateTenths, false)+"%") {
			t.Fatalf("zone summary %s", body)
		}
		b := rep.Branches[0]
		if err := e.DB.Q(ctx).QueryRowContext(ctx, `SELECT body FROM messages WHERE dedupe_key LIKE ?`, fmt.Sprintf("study.weekly/branch/%d/2021-W50%%", b.BranchID)).Scan(&body); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(body, fmt.Sprintf("党员 %d 人，打卡 %d 人次，完成率 **%s%%**", b.Members, b.Checkins, dailyTenths(b.RateTenths, false))) {
			t.Fatalf("branch summary %s", body)
		}
	})
}
