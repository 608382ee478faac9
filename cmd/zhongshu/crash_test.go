package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"zhongshu/internal/app"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
)

// SECURITY.md §7.8: `kill -9` in the middle of a burst of check-ins loses
// no acknowledged check-in, duplicates no (member, day), and the store
// passes integrity_check and chain verification after the restart.
func TestCrashDuringCheckins(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills a server")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "zhongshu")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	url, key := "sqlite:"+filepath.Join(dir, "z.db"), filepath.Join(dir, "z.key")
	ctx := context.Background()

	// Prepare: the demo dataset, today's sentence, and an API token for
	// every party member (tokens avoid a password hash per request).
	a, err := app.Open(ctx, app.Config{DB: url, KeyFile: key})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := a.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	today := clock.Day(time.Now())
	if _, err := a.DB.W.ExecContext(ctx, `INSERT INTO study_sentences (day, text, source, key_phrases, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
		today, "不忘初心、牢记使命。", "测试", `["不忘初心"]`, time.Now().UTC(), time.Now().UTC()); err != nil {
		t.Fatal(err)
	}
	members, err := a.Directory.MembersOf(ctx, 0, false)
	if err != nil {
		t.Fatal(err)
	}
	hash := auth.HashPassword("Crash#Test2021")
	var tokens []string
	person := map[string]int64{}
	for i, mb := range members {
		uid, err := a.Auth.CreateUser(ctx, auth.NewUser{Username: fmt.Sprintf("crash%04d", i), PersonID: mb.PersonID, PasswordHash: hash,
			Grants: []auth.Grant{{Role: auth.Member, ScopeKind: auth.ScopeBranch, ScopeID: mb.BranchID}}})
		if err != nil {
			t.Fatal(err)
		}
		tok, err := a.Auth.CreateToken(ctx, uid, "crash test", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, tok)
		person[tok] = mb.PersonID
	}
	a.Close()

	// Serve, fire the check-ins from 16 clients, and kill -9 mid-burst.
	srv := exec.Command(bin, "serve", "--db", url, "--key", key, "--addr", "127.0.0.1:0")
	stdout, _ := srv.StdoutPipe()
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer srv.Process.Kill()
	addr := ""
	sc := bufio.NewScanner(stdout)
	re := regexp.MustCompile(`serving on (http://\S+)`)
	for sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			addr = m[1]
			break
		}
	}
	if addr == "" {
		t.Fatal("the server did not say where it listens")
	}
	var (
		mu    sync.Mutex
		acked []int64
		wg    sync.WaitGroup
		next  = make(chan string)
		done  = make(chan struct{})
		cl    = &http.Client{Timeout: 10 * time.Second}
		kill  sync.Once
	)
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for tok := range next {
				req, _ := http.NewRequest("POST", addr+"/api/v1/checkins", strings.NewReader(`{"mode":"read"}`))
				req.Header.Set("Authorization", "Bearer "+tok)
				req.Header.Set("Content-Type", "application/json")
				resp, err := cl.Do(req)
				if err != nil {
					continue // the server died under us: not acknowledged
				}
				resp.Body.Close()
				if resp.StatusCode == http.StatusCreated {
					mu.Lock()
					acked = append(acked, person[tok])
					n := len(acked)
					mu.Unlock()
					if n == len(tokens)/2 {
						kill.Do(func() { _ = srv.Process.Signal(syscall.SIGKILL); close(done) })
					}
				}
			}
		}()
	}
	deadline := time.After(60 * time.Second)
feed:
	for _, tok := range tokens {
		select {
		case next <- tok:
		case <-done:
			break feed
		case <-deadline:
			t.Fatal("the burst did not finish in 60 s")
		}
	}
	close(next)
	wg.Wait()
	_ = srv.Wait()
	mu.Lock()
	defer mu.Unlock()
	if len(acked) < len(tokens)/2 {
		t.Fatalf("only %d check-ins acknowledged before the kill", len(acked))
	}

	// Restart on the same files: every acknowledged check-in is there.
	a, err = app.Open(ctx, app.Config{DB: url, KeyFile: key})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var ok string
	if err := a.DB.R.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check: %q %v", ok, err)
	}
	var stored, dup int
	if err := a.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM study_checkins WHERE day = ?`, today).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if err := a.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT person_id FROM study_checkins GROUP BY person_id, day HAVING COUNT(*) > 1) x`).Scan(&dup); err != nil || dup != 0 {
		t.Fatalf("duplicated (member, day): %d %v", dup, err)
	}
	for _, p := range acked {
		var n int
		if err := a.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM study_checkins WHERE person_id = ? AND day = ?`, p, today).Scan(&n); err != nil || n != 1 {
			t.Fatalf("acknowledged check-in of person %d is missing after kill -9", p)
		}
	}
	for _, v := range a.Verifiers() {
		if b, _, err := v.Verify(ctx); err != nil || b != nil {
			t.Fatalf("%s after kill -9: %v %v", v.ChainName(), b, err)
		}
	}
	t.Logf("%d members, %d acknowledged before kill -9, %d stored after restart", len(tokens), len(acked), stored)
	_ = os.Remove(bin)
}
