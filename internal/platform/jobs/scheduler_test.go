package jobs

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
)

// fires records the slots a schedule's Fire was called with.
type fires struct {
	mu    sync.Mutex
	slots []time.Time
}

func (f *fires) fire(ctx context.Context, slot time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.slots = append(f.slots, slot)
	return nil
}

func (f *fires) get() []time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Time(nil), f.slots...)
}

func tick(t *testing.T, s *Scheduler) {
	t.Helper()
	if err := s.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func morning(f func(context.Context, time.Time) error) Schedule {
	return Schedule{Name: "study.morning_sentence", Spec: "0 7 * * *", Doc: "每日早安一句推送", Fire: f}
}

func TestAddRejects(t *testing.T) {
	s := NewScheduler(nil, clock.At(at(3, 0, 0)), nil)
	nop := func(context.Context, time.Time) error { return nil }
	if err := s.Add(Schedule{Name: "a", Spec: "0 7 * * *", Fire: nop}); err != nil {
		t.Fatal(err)
	}
	for name, sc := range map[string]Schedule{
		"duplicate":   {Name: "a", Spec: "0 8 * * *", Fire: nop},
		"bad spec":    {Name: "b", Spec: "0 25 * * *", Fire: nop},
		"six fields":  {Name: "c", Spec: "0 0 7 * * *", Fire: nop},
		"no name":     {Spec: "0 7 * * *", Fire: nop},
		"@every":      {Name: "e", Spec: "@every 10m", Fire: nop},
		"no function": {Name: "d", Spec: "0 7 * * *"},
	} {
		if err := s.Add(sc); err == nil {
			t.Errorf("%s: Add accepted %+v", name, sc)
		}
	}
}

func TestHandleDuplicatePanics(t *testing.T) {
	q := NewQueue(nil, clock.At(at(3, 0, 0)), nil)
	q.Handle("test.push", 3, func(context.Context, *Job) error { return nil })
	defer func() {
		if recover() == nil {
			t.Fatal("a second handler for one kind was accepted")
		}
	}()
	q.Handle("test.push", 3, func(context.Context, *Job) error { return nil })
}

// "0 7 * * *" fires once at 07:00 zone time, which is 23:00 UTC the day
// before, and neither a second tick nor a second replica fires it again.
func TestScheduleFiresOncePerSlot(t *testing.T) {
	db.ForEach(t, sources, func(t *testing.T, d *db.DB) {
		clk := clock.At(at(3, 6, 59))
		var f1, f2 fires
		s1 := NewScheduler(d, clk, nil)
		s2 := NewScheduler(d, clk, nil) // a second replica
		if err := s1.Add(morning(f1.fire)); err != nil {
			t.Fatal(err)
		}
		if err := s2.Add(morning(f2.fire)); err != nil {
			t.Fatal(err)
		}
		tick(t, s1)
		if len(f1.get()) != 0 {
			t.Fatalf("fired at 06:59: %v", f1.get())
		}
		clk.Set(at(3, 7, 0))
		tick(t, s1)
		tick(t, s1)
		tick(t, s2)
		clk.Advance(time.Minute)
		tick(t, s2)
		tick(t, s1)
		got := f1.get()
		if len(got) != 1 || len(f2.get()) != 0 {
			t.Fatalf("fires: replica 1 %v, replica 2 %v; want one in all", got, f2.get())
		}
		if want := time.Date(2022, 1, 2, 23, 0, 0, 0, time.UTC); !got[0].Equal(want) || got[0].Location() != clock.Zone {
			t.Fatalf("slot %s, want %s given in the zone", got[0], want)
		}
		runs, err := s2.Runs(context.Background(), "study.morning_sentence", 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) != 1 || runs[0].State != RunDone || !runs[0].Slot.Equal(time.Date(2022, 1, 2, 23, 0, 0, 0, time.UTC)) ||
			!runs[0].RanAt.Equal(at(3, 7, 0)) {
			t.Fatalf("runs %+v", runs)
		}
	})
}

// Catch-up: a process down across the slot that is back within the window
// runs it once when it comes back; back after the window, the slot is
// recorded missed and not run.
func TestScheduleCatchUp(t *testing.T) {
	cases := []struct {
		name       string
		back       time.Time   // when the process ticks again after its last tick at 06:59 on the 3rd
		wantFired  []time.Time // slots fired at that tick
		wantMissed []time.Time
		wantLast   string
	}{
		{"back at 07:30", at(3, 7, 30), []time.Time{at(3, 7, 0)}, nil, RunDone},
		{"back at 09:00, the window's edge", at(3, 9, 0), []time.Time{at(3, 7, 0)}, nil, RunDone},
		{"back at 09:30", at(3, 9, 30), nil, []time.Time{at(3, 7, 0)}, RunMissed},
		{"back three days later at 08:00", at(6, 8, 0), []time.Time{at(6, 7, 0)}, []time.Time{at(3, 7, 0), at(4, 7, 0), at(5, 7, 0)}, RunDone},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db.ForEach(t, sources, func(t *testing.T, d *db.DB) {
				ctx := context.Background()
				clk := clock.At(at(2, 7, 0))
				var f fires
				s := NewScheduler(d, clk, nil)
				if err := s.Add(morning(f.fire)); err != nil {
					t.Fatal(err)
				}
				tick(t, s) // the 2nd's slot, before the outage
				clk.Set(at(3, 6, 59))
				tick(t, s)
				clk.Set(c.back)
				tick(t, s)
				tick(t, s)
				got := f.get()[1:]
				if len(got) != len(c.wantFired) {
					t.Fatalf("fired %v, want %v", got, c.wantFired)
				}
				for i := range got {
					if !got[i].Equal(c.wantFired[i]) {
						t.Fatalf("fired %v, want %v", got, c.wantFired)
					}
				}
				runs, err := s.Runs(ctx, "", 100)
				if err != nil {
					t.Fatal(err)
				}
				var missed []time.Time
				for _, r := range runs {
					if r.State == RunMissed {
						missed = append([]time.Time{r.Slot}, missed...)
					}
				}
				if len(missed) != len(c.wantMissed) {
					t.Fatalf("missed %v, want %v", missed, c.wantMissed)
				}
				for i := range missed {
					if !missed[i].Equal(c.wantMissed[i]) {
						t.Fatalf("missed %v, want %v", missed, c.wantMissed)
					}
				}

				st, err := s.Status(ctx)
				if err != nil {
					t.Fatal(err)
				}
				lastSlot := at(c.back.In(clock.Zone).Day(), 7, 0)
				nextSlot := lastSlot.AddDate(0, 0, 1)
				if len(st) != 1 || st[0].Name != "study.morning_sentence" || st[0].Doc == "" || !st[0].Next.Equal(nextSlot) ||
					st[0].LastSlot == nil || !st[0].LastSlot.Equal(lastSlot) || st[0].LastState != c.wantLast ||
					st[0].LastRanAt == nil || !st[0].LastRanAt.Equal(c.back) {
					t.Fatalf("status %+v (last slot %v); want next %s, last %s %s", st, st[0].LastSlot, nextSlot, lastSlot, c.wantLast)
				}
			})
		})
	}
}

// A Fire that fails rolls back what it enqueued and leaves the slot
// "failed"; a later tick inside the window fires it again, and once it
// succeeds the slot is done and fires no more. Outside the window a failed
// slot is left alone.
func TestScheduleFailedSlotRetried(t *testing.T) {
	db.ForEach(t, sources, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := clock.At(at(3, 7, 0))
		q := NewQueue(d, clk, nil)
		q.Handle("test.push", 3, func(context.Context, *Job) error { return nil })
		s := NewScheduler(d, clk, nil)
		s2 := NewScheduler(d, clk, nil)
		calls, failUntil := 0, 2
		fire := func(ctx context.Context, slot time.Time) error {
			calls++
			if _, err := q.Enqueue(ctx, "test.push", nil, UniqueKey("push:"+clock.Day(slot))); err != nil {
				return err
			}
			if calls <= failUntil {
				return errors.New("directory unavailable")
			}
			return nil
		}
		if err := s.Add(morning(fire)); err != nil {
			t.Fatal(err)
		}
		if err := s2.Add(morning(fire)); err != nil {
			t.Fatal(err)
		}
		if err := s.Tick(ctx); err == nil {
			t.Fatal("Tick hid a failed Fire")
		}
		runs, _ := s.Runs(ctx, "", 10)
		if len(runs) != 1 || runs[0].State != RunFailed || runs[0].Error != "directory unavailable" {
			t.Fatalf("runs after a failed Fire: %+v", runs)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM jobs`); n != 0 {
			t.Fatalf("a failed Fire left %d jobs", n)
		}
		clk.Advance(time.Minute)
		_ = s2.Tick(ctx) // the other replica retries, fails again
		clk.Advance(time.Minute)
		tick(t, s)
		tick(t, s2)
		clk.Advance(time.Hour)
		tick(t, s)
		if calls != 3 {
			t.Fatalf("Fire called %d times, want 3 (two failures, one success)", calls)
		}
		runs, _ = s.Runs(ctx, "", 10)
		if len(runs) != 1 || runs[0].State != RunDone || runs[0].Error != "" {
			t.Fatalf("runs after the retry: %+v", runs)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM jobs`); n != 1 {
			t.Fatalf("%d jobs, want 1", n)
		}

		// Failing for good: retried while inside the window, then left failed.
		calls, failUntil = 0, 1000
		clk.Set(at(4, 7, 0))
		for clk.Now().Before(at(4, 10, 0)) {
			_ = s.Tick(ctx)
			clk.Advance(30 * time.Minute)
		}
		if calls != 5 { // 07:00, 07:30, 08:00, 08:30, 09:00
			t.Fatalf("Fire called %d times for a failing slot, want 5 (inside the window only)", calls)
		}
		runs, _ = s.Runs(ctx, "", 1)
		if runs[0].State != RunFailed || !runs[0].RanAt.Equal(at(4, 9, 0)) {
			t.Fatalf("last run %+v", runs[0])
		}
	})
}
