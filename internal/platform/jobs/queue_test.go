package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
)

var sources = []db.Source{Source()}

// at is a wall-clock time in the zone in January 2022.
func at(day, hour, min int) time.Time { return time.Date(2022, 1, day, hour, min, 0, 0, clock.Zone) }

func count(t *testing.T, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.Q(context.Background()).QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func getJob(t *testing.T, q *Queue, id int64) *Job {
	t.Helper()
	j, err := q.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func runDue(t *testing.T, q *Queue) int {
	t.Helper()
	n, err := q.RunDue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// calls counts handler runs per job id; handlers run in RunDue's goroutine
// but the replica test runs two queues at once.
type calls struct {
	mu sync.Mutex
	n  map[int64]int
}

func (c *calls) add(id int64) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[int64]int{}
	}
	c.n[id]++
	return c.n[id]
}

func (c *calls) get(id int64) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[id]
}

// The outbox rule: a job enqueued in a transaction that rolls back never
// existed; one enqueued in a committed transaction runs, once.
func TestEnqueueOutbox(t *testing.T) {
	db.ForEach(t, sources, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		q := NewQueue(d, clock.At(at(3, 9, 0)), nil)
		var c calls
		var gotArgs map[string]any
		q.Handle("test.push", 3, func(ctx context.Context, j *Job) error {
			c.add(j.ID)
			return json.Unmarshal(j.Args, &gotArgs)
		})

		boom := errors.New("quorum not met")
		err := d.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
			if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS business (x INTEGER)`); err != nil {
				return err
			}
			if _, err := q.Enqueue(ctx, "test.push", map[string]any{"branch": 1}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx = %v, want the business error", err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM jobs`); n != 0 {
			t.Fatalf("rolled-back transaction left %d jobs", n)
		}
		if n := runDue(t, q); n != 0 {
			t.Fatalf("RunDue ran %d jobs after a rollback", n)
		}

		var id int64
		err = d.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
			id, err = q.Enqueue(ctx, "test.push", map[string]any{"branch": 2})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM jobs`); n != 1 {
			t.Fatalf("committed transaction left %d jobs, want 1", n)
		}
		if n := runDue(t, q); n != 1 {
			t.Fatalf("RunDue ran %d, want 1", n)
		}
		if n := runDue(t, q); n != 0 {
			t.Fatalf("second RunDue ran %d, want 0", n)
		}
		if c.get(id) != 1 || gotArgs["branch"] != float64(2) {
			t.Fatalf("handler calls %d args %v; want 1 call with branch 2", c.get(id), gotArgs)
		}
		if j := getJob(t, q, id); j.State != StateCompleted || j.Attempt != 1 {
			t.Fatalf("job %+v; want completed after 1 attempt", j)
		}
		if _, err := q.Enqueue(ctx, "test.typo", nil); err == nil {
			t.Fatal("enqueueing a kind without a handler succeeded")
		}
	})
}

func TestDefaultBackoff(t *testing.T) {
	cases := []struct {
		attempt int
		want    time.Duration
	}{
		{0, 30 * time.Second}, {1, 30 * time.Second}, {2, time.Minute}, {3, 2 * time.Minute},
		{10, 512 * 30 * time.Second}, {11, 6 * time.Hour}, {1000, 6 * time.Hour},
	}
	for _, c := range cases {
		if got := DefaultBackoff(c.attempt); got != c.want {
			t.Errorf("DefaultBackoff(%d) = %s, want %s", c.attempt, got, c.want)
		}
	}
}

// A handler failing twice then succeeding runs three times, each retry
// exactly one backoff after the failure and not a second sooner.
func TestRetryBackoff(t *testing.T) {
	cases := []struct {
		name    string
		backoff func(int) time.Duration // nil: the default
		waits   []time.Duration         // after attempt 1, after attempt 2
	}{
		{"default", nil, []time.Duration{30 * time.Second, time.Minute}},
		{"linear hours", func(a int) time.Duration { return time.Duration(a) * time.Hour }, []time.Duration{time.Hour, 2 * time.Hour}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db.ForEach(t, sources, func(t *testing.T, d *db.DB) {
				clk := clock.At(at(3, 9, 0))
				q := NewQueue(d, clk, nil)
				if c.backoff != nil {
					q.Backoff = c.backoff
				}
				var attempts []int
				q.Handle("test.flaky", 5, func(ctx context.Context, j *Job) error {
					attempts = append(attempts, j.Attempt)
					if len(attempts) <= 2 {
						return errors.New("channel unreachable")
					}
					return nil
				})
				id, err := q.Enqueue(context.Background(), "test.flaky", nil)
				if err != nil {
					t.Fatal(err)
				}
				if n := runDue(t, q); n != 1 {
					t.Fatalf("first run: ran %d", n)
				}
				for i, w := range c.waits {
					j := getJob(t, q, id)
					if j.State != StateRetryable || j.LastError != "channel unreachable" || !j.RunAt.Equal(clk.Now().Add(w)) {
						t.Fatalf("after attempt %d: %+v; want retryable at +%s", i+1, j, w)
					}
					clk.Advance(w - time.Second)
					if n := runDue(t, q); n != 0 {
						t.Fatalf("retry %d ran %s early", i+1, time.Second)
					}
					clk.Advance(time.Second)
					if n := runDue(t, q); n != 1 {
						t.Fatalf("retry %d did not run when due", i+1)
					}
				}
				j := getJob(t, q, id)
				if j.State != StateCompleted || j.Attempt != 3 {
					t.Fatalf("job %+v; want completed after 3 attempts", j)
				}
				clk.Advance(24 * time.Hour)
				if n := runDue(t, q); n != 0 {
					t.Fatalf("a completed job ran again")
				}
				if want := []int{1, 2, 3}; len(attempts) != 3 || attempts[0] != 1 || attempts[2] != 3 {
					t.Fatalf("attempts seen %v, want %v", attempts, want)
				}
			})
		})
	}
}

// Out of attempts, a job goes to the dead-letter state where admins see it
// and can retry it; Permanent kills at once; Snooze does not count.
func TestDeadLetter(t *testing.T) {
	db.ForEach(t, sources, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := clock.At(at(3, 9, 0))
		q := NewQueue(d, clk, nil)
		fail := true
		var c calls
		q.Handle("test.always_fails", 3, func(ctx context.Context, j *Job) error {
			c.add(j.ID)
			if fail {
				return errors.New("robot webhook: 403")
			}
			return nil
		})
		q.Handle("test.bad_args", 10, func(ctx context.Context, j *Job) error {
			c.add(j.ID)
			return Permanent(errors.New("no such branch"))
		})
		snoozed := 0
		var snoozeAttempts []int
		q.Handle("test.rate_limited", 2, func(ctx context.Context, j *Job) error {
			c.add(j.ID)
			snoozeAttempts = append(snoozeAttempts, j.Attempt)
			if snoozed < 3 {
				snoozed++
				return Snooze(10 * time.Minute)
			}
			return nil
		})

		t.Run("max attempts", func(t *testing.T) {
			id, err := q.Enqueue(ctx, "test.always_fails", nil)
			if err != nil {
				t.Fatal(err)
			}
			for i := 1; i <= 3; i++ {
				if n := runDue(t, q); n != 1 {
					t.Fatalf("attempt %d: ran %d", i, n)
				}
				clk.Advance(q.Backoff(i))
			}
			clk.Advance(24 * time.Hour)
			if n := runDue(t, q); n != 0 || c.get(id) != 3 {
				t.Fatalf("ran %d more; calls %d; want exactly 3 attempts", n, c.get(id))
			}
			dead, err := q.List(ctx, StateDead, 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(dead) != 1 || dead[0].ID != id || dead[0].Attempt != 3 || dead[0].LastError != "robot webhook: 403" {
				t.Fatalf("dead list %+v", dead)
			}
			counts, err := q.Counts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if counts[StateDead] != 1 || counts[StateAvailable] != 0 || len(counts) != len(States) {
				t.Fatalf("counts %v", counts)
			}

			fail = false
			if err := q.Retry(ctx, id); err != nil {
				t.Fatal(err)
			}
			if j := getJob(t, q, id); j.State != StateAvailable || j.Attempt != 0 {
				t.Fatalf("after Retry: %+v", j)
			}
			if n := runDue(t, q); n != 1 || c.get(id) != 4 {
				t.Fatalf("retried job: ran %d, calls %d", n, c.get(id))
			}
			if j := getJob(t, q, id); j.State != StateCompleted || j.Attempt != 1 {
				t.Fatalf("after retried run: %+v", j)
			}
			if err := q.Retry(ctx, id); errs.KindOf(err) != errs.Conflict {
				t.Fatalf("Retry of a completed job: %v, want conflict", err)
			}
			if err := q.Retry(ctx, 999999); errs.KindOf(err) != errs.NotFound {
				t.Fatalf("Retry of no job: %v, want not found", err)
			}
		})

		t.Run("MaxAttempts option", func(t *testing.T) {
			fail = true
			id, err := q.Enqueue(ctx, "test.always_fails", nil, MaxAttempts(1))
			if err != nil {
				t.Fatal(err)
			}
			runDue(t, q)
			if j := getJob(t, q, id); j.State != StateDead || c.get(id) != 1 {
				t.Fatalf("MaxAttempts(1): %+v after %d calls", j, c.get(id))
			}
		})

		t.Run("permanent", func(t *testing.T) {
			id, err := q.Enqueue(ctx, "test.bad_args", nil)
			if err != nil {
				t.Fatal(err)
			}
			runDue(t, q)
			clk.Advance(24 * time.Hour)
			runDue(t, q)
			j := getJob(t, q, id)
			if j.State != StateDead || j.Attempt != 1 || c.get(id) != 1 || j.LastError != "permanent: no such branch" {
				t.Fatalf("permanent failure: %+v after %d calls", j, c.get(id))
			}
		})

		t.Run("snooze", func(t *testing.T) {
			// MaxAttempts 2 and three snoozes: it would be dead if snoozes counted.
			id, err := q.Enqueue(ctx, "test.rate_limited", nil)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 3; i++ {
				if n := runDue(t, q); n != 1 {
					t.Fatalf("snooze %d: ran %d", i, n)
				}
				j := getJob(t, q, id)
				if j.State != StateAvailable || j.Attempt != 0 || !j.RunAt.Equal(clk.Now().Add(10*time.Minute)) {
					t.Fatalf("after snooze %d: %+v", i, j)
				}
				clk.Advance(10*time.Minute - time.Second)
				if n := runDue(t, q); n != 0 {
					t.Fatal("snoozed job ran early")
				}
				clk.Advance(time.Second)
			}
			runDue(t, q)
			j := getJob(t, q, id)
			if j.State != StateCompleted || j.Attempt != 1 || c.get(id) != 4 {
				t.Fatalf("after snoozes: %+v, calls %d", j, c.get(id))
			}
			for _, a := range snoozeAttempts {
				if a != 1 {
					t.Fatalf("attempts seen %v; a snooze must not count", snoozeAttempts)
				}
			}
		})
	})
}

// Two enqueues with one key make one job, whichever transaction they are
// in; a key whose transaction rolled back is free again.
func TestUniqueKey(t *testing.T) {
	db.ForEach(t, sources, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		q := NewQueue(d, clock.At(at(3, 9, 0)), nil)
		q.Handle("test.push", 3, func(ctx context.Context, j *Job) error { return nil })

		_ = d.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
			_, _ = q.Enqueue(ctx, "test.push", nil, UniqueKey("push:1:2022-01-03"))
			return errors.New("rolled back")
		})
		a, err := q.Enqueue(ctx, "test.push", nil, UniqueKey("push:1:2022-01-03"))
		if err != nil {
			t.Fatal(err)
		}
		var b int64
		err = d.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
			b, err = q.Enqueue(ctx, "test.push", map[string]int{"other": 1}, UniqueKey("push:1:2022-01-03"))
			if err != nil {
				return err
			}
			// The transaction is still usable after the no-op (on
			// PostgreSQL a caught unique violation would have aborted it).
			_, err = q.Enqueue(ctx, "test.push", nil, UniqueKey("push:2:2022-01-03"))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if a != b {
			t.Fatalf("second Enqueue returned %d, want the first job's %d", b, a)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM jobs`); n != 2 {
			t.Fatalf("%d jobs, want 2", n)
		}
		if j := getJob(t, q, a); j.UniqueKey != "push:1:2022-01-03" || string(j.Args) != "{}" {
			t.Fatalf("deduped job %+v", j)
		}
		if n := runDue(t, q); n != 2 {
			t.Fatalf("ran %d, want 2", n)
		}
		if c, err := q.Enqueue(ctx, "test.push", nil, UniqueKey("push:1:2022-01-03")); err != nil || c != a {
			t.Fatalf("key of a completed job: %d, %v; want %d (keys are kept)", c, err, a)
		}
	})
}

// A worker that died holding a job (state running) loses it once LockFor
// has passed: another claim takes it and counts the lost attempt; on its
// last allowed attempt it goes to the dead-letter state instead.
func TestCrashedWorker(t *testing.T) {
	db.ForEach(t, sources, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := clock.At(at(3, 9, 0))
		q := NewQueue(d, clk, nil)
		var attempts []int
		q.Handle("test.push", 3, func(ctx context.Context, j *Job) error {
			attempts = append(attempts, j.Attempt)
			return nil
		})
		id, _ := q.Enqueue(ctx, "test.push", nil)
		last, _ := q.Enqueue(ctx, "test.push", nil, MaxAttempts(1), RunAt(clk.Now().Add(time.Hour)))

		// The "crashed" worker claims and never reports back.
		j, err := q.claim(ctx, q.kinds())
		if err != nil || j == nil || j.ID != id || j.State != StateRunning || j.Attempt != 1 {
			t.Fatalf("claim: %+v, %v", j, err)
		}
		clk.Advance(q.LockFor - time.Second)
		if n := runDue(t, q); n != 0 {
			t.Fatal("a locked job was claimed again before LockFor passed")
		}
		clk.Advance(time.Second)
		if n := runDue(t, q); n != 1 || len(attempts) != 1 || attempts[0] != 2 {
			t.Fatalf("after LockFor: ran %d, attempts %v; want one run as attempt 2", n, attempts)
		}
		if j := getJob(t, q, id); j.State != StateCompleted {
			t.Fatalf("reclaimed job %+v", j)
		}

		clk.Set(at(3, 10, 0))
		if j, err := q.claim(ctx, q.kinds()); err != nil || j == nil || j.ID != last {
			t.Fatalf("claim: %+v, %v", j, err)
		}
		clk.Advance(q.LockFor)
		if n := runDue(t, q); n != 0 {
			t.Fatal("a job that died on its last attempt ran again")
		}
		if j := getJob(t, q, last); j.State != StateDead || j.LastError == "" {
			t.Fatalf("job lost on its last attempt: %+v", j)
		}
	})
}
