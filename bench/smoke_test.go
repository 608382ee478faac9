package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"zhongshu/internal/platform/db"
)

// TestMain lets the test binary serve the hello-world baseline when the
// harness re-executes it (see startHello).
func TestMain(m *testing.M) {
	maybeServeHello()
	os.Exit(m.Run())
}

// The CI smoke of the load harness (issue 8): every scenario for about two
// seconds at a tiny scale. It checks correctness — no acknowledged write
// missing, dashboard figures equal to a direct count, no errors — not
// speed; the measured runs are documented commands (docs/performance.md).
func TestBenchSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and serves zhongshu")
	}
	dir := t.TempDir()
	bin, err := buildServer(dir)
	if err != nil {
		t.Fatal(err)
	}
	stores := []string{""}
	if pg := os.Getenv(db.EnvPostgres); pg != "" {
		stores = append(stores, pg)
	}
	for _, store := range stores {
		name := "sqlite"
		if store != "" {
			name = "postgres"
		}
		for _, sc := range []struct {
			name          string
			members, days int
		}{
			{"checkin", 300, 0}, {"portal", 0, 0}, {"dashboard", 200, 14}, {"demands", 0, 0}, {"import", 500, 0}, {"export", 200, 14},
		} {
			if name == "postgres" && sc.name != "checkin" && sc.name != "dashboard" && sc.name != "demands" {
				continue // the write paths and the rollups are what differ by store
			}
			t.Run(name+"/"+sc.name, func(t *testing.T) {
				var out bytes.Buffer
				dur := 2 * time.Second
				if name == "postgres" {
					dur = time.Second // the demo load on PostgreSQL takes most of the budget
				}
				cfg := config{Scenario: sc.name, DB: store, Duration: dur, Baseline: 300 * time.Millisecond,
					Members: sc.members, Days: sc.days, Conc: 16, Bin: bin, Out: &out}
				rep, err := run(context.Background(), cfg)
				if rep != nil {
					rep.print(&out)
				}
				t.Log(out.String())
				if err != nil {
					t.Fatal(err)
				}
				if len(rep.Checks) == 0 {
					t.Fatal("the scenario checked nothing")
				}
				if sc.name == "portal" && len(rep.Rows) < 2 {
					t.Fatal("portal measured nothing")
				}
				for _, r := range rep.Rows {
					if r.N == 0 {
						t.Errorf("%s: no request completed", r.Name)
					}
				}
				if sc.name == "checkin" && !strings.Contains(strings.Join(rep.Checks, "\n"), "acknowledged but missing: 0") {
					t.Errorf("no acknowledged-write check: %v", rep.Checks)
				}
			})
		}
	}
}

// The percentiles are nearest-rank.
func TestPct(t *testing.T) {
	var xs []time.Duration
	for i := 1; i <= 100; i++ {
		xs = append(xs, time.Duration(i))
	}
	for _, c := range []struct{ p, want int }{{50, 50}, {95, 95}, {99, 99}, {100, 100}} {
		if got := pct(xs, c.p); got != time.Duration(c.want) {
			t.Errorf("p%d = %d, want %d", c.p, got, c.want)
		}
	}
	if pct(nil, 99) != 0 || pct(xs[:1], 99) != 1 {
		t.Error("edge cases")
	}
}

// The 身份证号 check character of GB 11643's worked example.
func TestIDCheck(t *testing.T) {
	if c := idCheck("11010519491231002"); c != 'X' {
		t.Fatalf("check of 11010519491231002 = %c, want X", c)
	}
}
