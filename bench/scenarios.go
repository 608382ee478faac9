package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"time"

	"zhongshu/internal/demo"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/study"
)

// The sentence the check-in scenario recites: two blanks, answered right.
const (
	benchSentence = "不忘初心、牢记使命，为中国人民谋幸福，为中华民族谋复兴。"
	benchPhrases  = `["不忘初心","牢记使命"]`
	benchRecite   = `{"mode":"recite","answers":["不忘初心","牢记使命"]}`
)

// ratio sets each row's ratio to a baseline's throughput.
func ratio(base stats, rows ...*stats) {
	for _, r := range rows {
		if base.RPS > 0 {
			r.Ratio = r.RPS / base.RPS
		}
	}
}

// scenarioCheckin is the morning burst: N members, each with their own
// credentials, POST today's check-in by recitation once, concurrently; full
// stack. Afterwards every acknowledged (201) check-in must be in the store,
// once, with its rollup and its two points-ledger entries, and the ledger's
// hash chains must verify.
func scenarioCheckin(ctx context.Context, fx *fixture) error {
	cfg, rep := fx.cfg, fx.rep
	rep.Scale = fmt.Sprintf("%d members", cfg.Members)
	a, err := fx.open(ctx)
	if err != nil {
		return err
	}
	today := clock.Day(time.Now())
	now := time.Now().UTC()
	if _, err := a.DB.W.ExecContext(ctx, a.DB.Rebind(`INSERT INTO study_sentences (day, text, source, key_phrases, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`),
		today, benchSentence, "负载测试", benchPhrases, now, now); err != nil {
		a.Close()
		return err
	}
	t0 := time.Now()
	ms, err := demo.LoadScale(ctx, demo.Deps{DB: a.DB, Auth: a.Auth, Dir: a.Directory, Clock: a.Clock},
		demo.Scale{Members: cfg.Members, Accounts: cfg.Members, TokenTTL: 24 * time.Hour})
	if err != nil {
		a.Close()
		return err
	}
	rep.note("generated %d members with accounts and API tokens in %s (the virtual users' credentials; a password login per user would be an argon2id hash each)", len(ms), time.Since(t0).Round(time.Millisecond))
	if cfg.Days > 0 {
		// The zone's history: every member checked in on each of the
		// days before today, each row with its streak, as a zone's
		// store holds it after that many mornings.
		t0 = time.Now()
		persons := make([]int64, len(ms))
		for i, m := range ms {
			persons[i] = m.PersonID
		}
		n, err := study.GenerateCheckins(ctx, a.DB, persons, clock.Day(time.Now().AddDate(0, 0, -cfg.Days)), clock.Day(time.Now().AddDate(0, 0, -1)), 100, 2021)
		if err != nil {
			a.Close()
			return err
		}
		rep.Scale += fmt.Sprintf(" with %d days of history", cfg.Days)
		rep.note("history: %d check-ins (%d members × the %d days before today) generated in %s", n, len(ms), cfg.Days, time.Since(t0).Round(time.Millisecond))
		// A store that has run for a year has its pages on disk, not a
		// gigabyte of them in the kernel's write-back queue: flushed here,
		// the burst's log syncs do not wait behind the generator's writes.
		t0 = time.Now()
		syscall.Sync()
		rep.note("history written to disk (sync) in %s", time.Since(t0).Round(time.Millisecond))
	}
	a.Close()
	// A zone's members check in in no particular order. The generator
	// numbers them in sequence, so the load in that order would make every
	// index that begins with the person append at its end, which the
	// morning never does; -order id measures that case.
	if cfg.Order == "random" {
		rand.New(rand.NewPCG(20211220, 7)).Shuffle(len(ms), func(i, j int) { ms[i], ms[j] = ms[j], ms[i] })
		rep.note("members check in in a random order (seeded, the same every run)")
	} else {
		rep.note("members check in in the order of their ids (-order id)")
	}

	hello, err := fx.helloThenServe(ctx)
	if err != nil {
		return err
	}
	walMax := func() int64 { return 0 }
	if strings.HasPrefix(fx.url, "sqlite:") {
		sctx, stop := context.WithCancel(ctx)
		walMax = sampleFile(sctx, strings.TrimPrefix(fx.url, "sqlite:")+"-wal")
		defer stop()
		defer func() {
			stop()
			rep.note("write-ahead log: largest size seen during the burst %.1f MB (bound ≤ 16 MB)", mb(walMax()))
		}()
	}
	var mu sync.Mutex
	acked := make([]int64, 0, len(ms))
	base := fx.srvURL
	s := runLoad(ctx, "POST /api/v1/checkins (recite)", cfg.Conc, cfg.Duration, len(ms), func(ctx context.Context, c *http.Client, i int) error {
		req, _ := http.NewRequestWithContext(ctx, "POST", base+"/api/v1/checkins", strings.NewReader(benchRecite))
		req.Header.Set("Authorization", "Bearer "+ms[i].Token)
		req.Header.Set("Content-Type", "application/json")
		if err := call(c, req, http.StatusCreated); err != nil {
			return err
		}
		// 201 Created: acknowledged, so it must be in the store.
		mu.Lock()
		acked = append(acked, ms[i].PersonID)
		mu.Unlock()
		return nil
	})
	ratio(hello, &s)
	rep.Rows = append(rep.Rows, s)
	if fx.endProfile != nil {
		fx.endProfile()
	}
	if fx.srv != nil {
		rss, peak := fx.srv.memory()
		rep.note("serve memory after the check-in burst (before the sign-ins): RSS %.1f MB, peak %.1f MB (target ≤ 150 MB)", mb(rss), mb(peak))
	}
	// The sign-ins, measured apart: a password login is an argon2id hash
	// (19 MiB, t=2) by design, so it is the CPU's, not the store's, figure.
	// A sign-in takes tens of milliseconds of CPU, seconds when many run at
	// once on a busy machine, so this phase gets at least 15 s (it is bounded
	// by its count too).
	nl := min(len(ms), max(50, cfg.Conc*4))
	ls := runLoad(ctx, fmt.Sprintf("POST /api/v1/login (password, %d members)", nl), cfg.Conc, max(cfg.Duration, 15*time.Second), nl, func(ctx context.Context, c *http.Client, i int) error {
		body := fmt.Sprintf(`{"username":%q,"password":%q}`, ms[i].Username, demo.Password)
		req, _ := http.NewRequestWithContext(ctx, "POST", base+"/api/v1/login", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		return call(c, req, http.StatusOK)
	})
	ratio(hello, &ls)
	rep.Rows = append(rep.Rows, ls)
	rep.check(ls.Errors == 0, "sign-ins: %d errors", ls.Errors)
	if s.N < len(ms) {
		rep.note("the duration bound ended the burst after %d of %d members", s.N, len(ms))
	}
	fx.stopServer()

	// What the store holds.
	a, err = fx.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	stored := map[int64]int{}
	rows, err := a.DB.R.QueryContext(ctx, a.DB.Rebind(`SELECT person_id, mode FROM study_checkins WHERE day = ?`), today)
	if err != nil {
		return err
	}
	recited := 0
	for rows.Next() {
		var p int64
		var mode string
		if err := rows.Scan(&p, &mode); err != nil {
			rows.Close()
			return err
		}
		stored[p]++
		if mode == "recite" {
			recited++
		}
	}
	rows.Close()
	missing := 0
	for _, p := range acked {
		if stored[p] != 1 {
			missing++
		}
	}
	rep.check(missing == 0, "acknowledged check-ins: %d, stored today: %d, acknowledged but missing: %d", len(acked), len(stored), missing)
	rep.check(s.Errors == 0, "errors during the burst: %d", s.Errors)
	var roll, rollRecite, points int
	if err := a.DB.R.QueryRowContext(ctx, a.DB.Rebind(`SELECT COALESCE(SUM(checkins), 0), COALESCE(SUM(recites), 0) FROM study_checkin_rollups WHERE day = ?`), today).Scan(&roll, &rollRecite); err != nil {
		return err
	}
	rep.check(roll == len(stored) && rollRecite == recited, "rollup of today = direct count (%d check-ins, %d recited; rollup %d, %d)", len(stored), recited, roll, rollRecite)
	if err := a.DB.R.QueryRowContext(ctx, a.DB.Rebind(`SELECT COUNT(*) FROM study_points WHERE day = ? AND ref_type = 'study_checkin'`), today).Scan(&points); err != nil {
		return err
	}
	rep.check(points == 2*len(stored), "points ledger: %d entries for %d recitations (read 1 + recite 2 each, RULES.md §6)", points, len(stored))
	t0 = time.Now()
	b, n, err := a.Study.Verifier().Verify(ctx)
	rep.check(err == nil && b == nil, "points hash chains verify (%d links in %s)", n, time.Since(t0).Round(time.Millisecond))

	// The write baselines, on the same store with the server stopped.
	perTx, grouped, err := fx.baselineInserts(ctx)
	if err != nil {
		return err
	}
	rep.note("check-ins per s vs raw inserts: %.2f× one-row-per-transaction, %.2f× group-committed", s.RPS/perTx.RPS, s.RPS/grouped.RPS)
	return nil
}

// decode reads a JSON body into v, checking the status:
// decode(c.Do(req))(&v, 200).
func decode(resp *http.Response, err error) func(v any, want int) error {
	return func(v any, want int) error {
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode != want {
			return fmt.Errorf("%s %s: status %d, want %d", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, want)
		}
		return json.NewDecoder(resp.Body).Decode(v)
	}
}
