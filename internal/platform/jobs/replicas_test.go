package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
)

// replica is one `serve` process: its own database handle, scheduler and
// queue, sharing only the store (and, here, the stepped clock).
type replica struct {
	name string
	d    *db.DB
	s    *Scheduler
	q    *Queue
}

type push struct {
	Branch int    `json:"branch"`
	Day    string `json:"day"`
}

// The check: two replicas on one store stepped through 30 days send
// one morning push per branch per day, no more, no fewer — including a day
// when both were down from 06:59 to 07:30 (the push goes out at 07:30), a
// day when one was, and a stretch where both tick at the same moment — and
// then both workers draining the queue at once run each push exactly once.
func TestTwoReplicasMonth(t *testing.T) {
	const branches, days = 16, 30
	db.ForEach(t, sources, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		start := time.Date(2022, 3, 1, 0, 0, 0, 0, clock.Zone)
		clk := clock.At(start)

		// The second replica opens the same file or schema afresh (d.URL
		// carries the test schema's search_path on PostgreSQL).
		d2, err := db.Open(ctx, d.URL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d2.Close() })

		var mu sync.Mutex
		firedAt := map[string][]time.Time{} // zone day → clock at each Fire
		ran := map[int64]int{}              // job id → handler runs
		sent := map[push]int{}              // (branch, day) → handler runs

		reps := make([]*replica, 2)
		for i, h := range []*db.DB{d, d2} {
			r := &replica{name: fmt.Sprintf("replica %c", 'A'+i), d: h}
			r.q = NewQueue(h, clk, nil)
			r.s = NewScheduler(h, clk, nil)
			r.q.Handle("study.morning_push", 3, func(ctx context.Context, j *Job) error {
				var p push
				if err := json.Unmarshal(j.Args, &p); err != nil {
					return Permanent(err)
				}
				mu.Lock()
				defer mu.Unlock()
				ran[j.ID]++
				sent[p]++
				return nil
			})
			err := r.s.Add(Schedule{
				Name: "study.morning_sentence", Spec: "0 7 * * *", Doc: "每日早安一句：向各支部推送",
				Fire: func(ctx context.Context, slot time.Time) error {
					day := clock.Day(slot)
					mu.Lock()
					firedAt[day] = append(firedAt[day], clk.Now())
					mu.Unlock()
					for b := 1; b <= branches; b++ {
						if _, err := r.q.Enqueue(ctx, "study.morning_push", push{b, day},
							UniqueKey(fmt.Sprintf("study.morning_push:%s:%02d", day, b))); err != nil {
							return err
						}
					}
					return nil
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			reps[i] = r
		}

		tickAll := func(rs []*replica, concurrent bool) {
			if !concurrent {
				for _, r := range rs {
					if err := r.s.Tick(ctx); err != nil {
						t.Fatalf("%s at %s: %v", r.name, clk.Now().In(clock.Zone), err)
					}
				}
				return
			}
			var wg sync.WaitGroup
			errc := make(chan error, len(rs))
			for _, r := range rs {
				wg.Go(func() { errc <- r.s.Tick(ctx) })
			}
			wg.Wait()
			close(errc)
			for err := range errc {
				if err != nil {
					t.Fatalf("at %s: %v", clk.Now().In(clock.Zone), err)
				}
			}
		}

		end := start.AddDate(0, 0, days)
		for step := 0; clk.Now().Before(end); step++ {
			now := clk.Now().In(clock.Zone)
			hm := now.Hour()*60 + now.Minute()
			day := now.Day()
			down := hm > 6*60+59 && hm < 7*60+30 // inside an outage from 06:59 to 07:30
			order := []*replica{reps[step%2], reps[1-step%2]}
			switch {
			case day == 5 && down: // both replicas down
			case day == 8 && down: // replica A down, B carries on
				tickAll([]*replica{reps[1]}, false)
			case day >= 12 && day <= 14:
				tickAll(order, true)
			default:
				tickAll(order, false)
			}
			// One-minute steps around the slot, ten elsewhere.
			if hm >= 6*60+50 && hm < 7*60+40 {
				clk.Advance(time.Minute)
			} else {
				clk.Advance(10 * time.Minute)
			}
		}

		if n := count(t, d, `SELECT COUNT(*) FROM jobs`); n != days*branches {
			t.Fatalf("%d jobs, want %d", n, days*branches)
		}
		if n := count(t, d2, `SELECT COUNT(*) FROM schedule_runs WHERE state = 'done'`); n != days {
			t.Fatalf("%d done slots, want %d", n, days)
		}
		if n := count(t, d2, `SELECT COUNT(*) FROM schedule_runs`); n != days {
			t.Fatalf("%d recorded slots, want %d (none failed or missed)", n, days)
		}
		for i := 0; i < days; i++ {
			day := clock.Day(start.AddDate(0, 0, i))
			want := time.Date(2022, 3, i+1, 7, 0, 0, 0, clock.Zone)
			if i+1 == 5 {
				want = want.Add(30 * time.Minute) // caught up when the first replica came back
			}
			if got := firedAt[day]; len(got) != 1 || !got[0].Equal(want) {
				t.Fatalf("%s fired at %v, want once at %s", day, got, want)
			}
		}

		// Both workers drain the queue at the same time.
		var wg sync.WaitGroup
		counts := make([]int, len(reps))
		errs := make([]error, len(reps))
		for i, r := range reps {
			wg.Go(func() { counts[i], errs[i] = r.q.RunDue(ctx) })
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("%s RunDue: %v", reps[i].name, err)
			}
		}
		if counts[0]+counts[1] != days*branches {
			t.Fatalf("RunDue ran %d + %d, want %d", counts[0], counts[1], days*branches)
		}
		if len(ran) != days*branches || len(sent) != days*branches {
			t.Fatalf("%d jobs ran, %d distinct pushes; want %d", len(ran), len(sent), days*branches)
		}
		for id, n := range ran {
			if n != 1 {
				t.Fatalf("job %d ran %d times", id, n)
			}
		}
		for p, n := range sent {
			if n != 1 {
				t.Fatalf("push %+v sent %d times", p, n)
			}
		}
		t.Logf("RunDue split between replicas: %d / %d", counts[0], counts[1])
	})
}
