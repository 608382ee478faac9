// Command bench is Zhongshu's load harness (issue 8). It builds and starts
// `zhongshu serve` on a loopback port against a fresh store filled by the
// demo generator at the chosen scale, drives one scenario from this process
// with a bounded duration and count, measures a baseline in the same run —
// a minimal net/http handler served the same way (its own process on
// loopback) and, for writes, a raw insert loop with the same driver and
// durability — and prints requests/s, p50/p95/p99, errors and the ratio to
// the baseline. A write scenario then counts what the store holds and fails
// if any acknowledged write is missing.
//
//	go run ./bench -scenario checkin [-db sqlite:…|postgres://…] [-duration 20s] [-members N]
//
// Scenarios: checkin, portal, dashboard, demands, import, export.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// config is what the command line decides.
type config struct {
	Scenario string
	DB       string        // "" or "sqlite:" = a temporary SQLite file; postgres://… = a fresh database on that server
	Duration time.Duration // bound of each measured run
	Baseline time.Duration // bound of each baseline run
	Members  int           // virtual members (checkin), generated members (dashboard), rows (import, export)
	Days     int           // days of generated check-ins (dashboard, export)
	Rate     int           // percent of member-days with a check-in (dashboard)
	Conc     int           // concurrent clients
	Bin      string        // a prebuilt zhongshu binary ("" = go build)
	Keep     bool          // keep the temporary directory
	InProc   string        // serve in this process and write a CPU profile here (development)
	Repeat   int           // read scenarios (portal, dashboard): measure each page this many times on one store
	Order    string        // checkin: the order the members arrive in, "random" (seeded) or "id"
	Out      io.Writer
}

// defaults per scenario when -members / -days are not given (the issue's
// full figures are documented commands in docs/performance.md).
var scenarioDefaults = map[string]struct{ members, days int }{
	"checkin":   {20000, 0},
	"portal":    {0, 0},
	"dashboard": {100000, 365}, // the 36.5 M rows; generation takes minutes
	"demands":   {200, 0},
	"import":    {100000, 0},
	"export":    {2000, 365},
}

func main() {
	maybeServeHello()
	cfg := config{Out: os.Stdout}
	fs := flag.NewFlagSet("bench", flag.ExitOnError)
	fs.StringVar(&cfg.Scenario, "scenario", "", "checkin, portal, dashboard, demands, import or export")
	fs.StringVar(&cfg.DB, "db", "", "store: sqlite:PATH (must not exist; default a temporary file) or postgres://… (a fresh database is created on that server and dropped)")
	fs.DurationVar(&cfg.Duration, "duration", 20*time.Second, "bound of each measured run")
	fs.DurationVar(&cfg.Baseline, "baseline", 5*time.Second, "bound of each baseline run")
	fs.IntVar(&cfg.Members, "members", 0, "members (checkin: virtual users; dashboard/export: generated members; import: rows; demands: users)")
	fs.IntVar(&cfg.Days, "days", 0, "days of generated check-ins (dashboard, export; checkin: the members' history before today, default none)")
	fs.IntVar(&cfg.Rate, "rate", 100, "dashboard: percent of member-days with a check-in (100: members × days rows)")
	fs.IntVar(&cfg.Conc, "c", 64, "concurrent clients")
	fs.StringVar(&cfg.Bin, "bin", "", "a prebuilt zhongshu binary (default: go build ./cmd/zhongshu)")
	fs.IntVar(&cfg.Repeat, "repeat", 1, "portal, dashboard: measure each page this many times on the same store (medians of 3: -repeat 3)")
	fs.StringVar(&cfg.Order, "order", "random", "checkin: the order the members check in, random (seeded, as a zone does) or id (ascending person ids: every person-keyed index appends)")
	fs.BoolVar(&cfg.Keep, "keep", false, "keep the temporary directory (store, logs)")
	fs.StringVar(&cfg.InProc, "cpuprofile", "", "development: serve in this process instead of the binary and write a CPU profile of the load to this file (and the process's allocations to this file + \".mem\")")
	_ = fs.Parse(os.Args[1:])
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := run(ctx, cfg)
	if rep != nil {
		rep.print(cfg.Out)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// run prepares the store, runs the scenario and its baselines, and checks
// what the store holds. An error means the run is not to be believed (a
// missing acknowledged write, a figure that differs from a direct count).
func run(ctx context.Context, cfg config) (*report, error) {
	d, ok := scenarioDefaults[cfg.Scenario]
	if !ok {
		return nil, fmt.Errorf("unknown scenario %q: want one of checkin, portal, dashboard, demands, import, export", cfg.Scenario)
	}
	if cfg.Members <= 0 {
		cfg.Members = d.members
	}
	if cfg.Days <= 0 {
		cfg.Days = d.days
	}
	if cfg.Conc <= 0 {
		cfg.Conc = 64
	}
	if cfg.Duration <= 0 {
		cfg.Duration = 20 * time.Second
	}
	if cfg.Baseline <= 0 {
		cfg.Baseline = 5 * time.Second
	}
	if cfg.Out == nil {
		cfg.Out = os.Stdout
	}
	switch cfg.Order {
	case "":
		cfg.Order = "random"
	case "random", "id":
	default:
		return nil, fmt.Errorf("unknown -order %q: want random or id", cfg.Order)
	}
	if cfg.Repeat <= 0 {
		cfg.Repeat = 1
	}
	rep := &report{Scenario: cfg.Scenario, Started: time.Now().UTC(), Conc: cfg.Conc}
	fx, err := newFixture(ctx, cfg, rep)
	if err != nil {
		return rep, err
	}
	defer fx.cleanup()
	switch cfg.Scenario {
	case "checkin":
		err = scenarioCheckin(ctx, fx)
	case "portal":
		err = scenarioPortal(ctx, fx)
	case "dashboard":
		err = scenarioDashboard(ctx, fx)
	case "demands":
		err = scenarioDemands(ctx, fx)
	case "import":
		err = scenarioImport(ctx, fx)
	case "export":
		err = scenarioExport(ctx, fx)
	}
	if err == nil && len(rep.Failed) > 0 {
		err = fmt.Errorf("%s: %s", cfg.Scenario, strings.Join(rep.Failed, "; "))
	}
	return rep, err
}

// report is what a run prints.
type report struct {
	Scenario string
	Store    string
	Started  time.Time
	Conc     int
	Scale    string
	Rows     []stats
	Notes    []string
	Checks   []string // passed correctness checks
	Failed   []string // failed ones
}

func (r *report) note(format string, args ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
}

func (r *report) check(ok bool, format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	if ok {
		r.Checks = append(r.Checks, s)
	} else {
		r.Failed = append(r.Failed, s)
	}
}

func (r *report) print(w io.Writer) {
	fmt.Fprintf(w, "\nscenario %s · store %s · %s · %d clients · %s\n\n", r.Scenario, r.Store, r.Scale, r.Conc, r.Started.Format(time.RFC3339))
	fmt.Fprintln(w, "| run | count | errors | per s | p50 ms | p95 ms | p99 ms | × baseline |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|")
	for _, s := range r.Rows {
		ratio := "baseline"
		if s.Ratio > 0 {
			ratio = fmt.Sprintf("%.2f×", s.Ratio)
		} else if s.Ratio < 0 {
			ratio = "—"
		}
		unit := ""
		if s.Unit != "" && s.Unit != "req" {
			unit = " " + s.Unit
		}
		fmt.Fprintf(w, "| %s | %d%s | %d | %.0f | %s | %s | %s | %s |\n", s.Name, s.N, unit, s.Errors, s.RPS, ms(s.P50), ms(s.P95), ms(s.P99), ratio)
	}
	fmt.Fprintln(w)
	for _, n := range r.Notes {
		fmt.Fprintln(w, "- "+n)
	}
	for _, s := range r.Rows {
		if s.FirstErr != "" {
			fmt.Fprintf(w, "- first error of %s: %s\n", s.Name, s.FirstErr)
		}
	}
	for _, c := range r.Checks {
		fmt.Fprintln(w, "- ok: "+c)
	}
	for _, c := range r.Failed {
		fmt.Fprintln(w, "- FAILED: "+c)
	}
}

func ms(d time.Duration) string {
	if d == 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f", float64(d.Microseconds())/1000)
}
