package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// stats is one measured run: bounded by a duration and (when count > 0) a
// number of requests, whichever ends first.
type stats struct {
	Name     string
	N        int // requests completed (ok or not)
	Errors   int
	Elapsed  time.Duration
	RPS      float64
	P50      time.Duration
	P95      time.Duration
	P99      time.Duration
	Ratio    float64 // RPS ÷ the baseline's (0: this is a baseline)
	Unit     string  // "req" or "rows"
	FirstErr string
}

// request is one call of a load run; i counts from 0. It returns an error
// for anything but the expected answer.
type request func(ctx context.Context, c *http.Client, i int) error

// newClient is a keep-alive client for loopback load: one idle connection
// per worker, no proxy, no compression.
func newClient(conc int) *http.Client {
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConns:        conc * 2,
		MaxIdleConnsPerHost: conc * 2,
		IdleConnTimeout:     30 * time.Second,
		DisableCompression:  true,
	}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// runLoad runs conc workers issuing do until dur has passed or count
// requests have been issued (count 0: no count bound), and returns the
// latency percentiles and the throughput.
func runLoad(ctx context.Context, name string, conc int, dur time.Duration, count int, do request) stats {
	c := newClient(conc)
	defer c.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(ctx, dur)
	defer cancel()
	var next atomic.Int64
	var errN atomic.Int64
	var firstErr atomic.Value
	lats := make([][]time.Duration, conc)
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			local := make([]time.Duration, 0, 4096)
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if count > 0 && i >= count {
					break
				}
				t0 := time.Now()
				err := do(ctx, c, i)
				if ctx.Err() != nil && err != nil {
					// Cut off by the duration bound: not a server error and
					// not counted (the request did not complete).
					break
				}
				local = append(local, time.Since(t0))
				if err != nil {
					errN.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
				}
			}
			lats[w] = local
		}(w)
	}
	wg.Wait()
	el := time.Since(start)
	var all []time.Duration
	for _, l := range lats {
		all = append(all, l...)
	}
	slices.Sort(all)
	s := stats{Name: name, N: len(all), Errors: int(errN.Load()), Elapsed: el, Unit: "req"}
	if el > 0 {
		s.RPS = float64(len(all)) / el.Seconds()
	}
	s.P50, s.P95, s.P99 = pct(all, 50), pct(all, 95), pct(all, 99)
	if v, ok := firstErr.Load().(string); ok {
		s.FirstErr = v
	}
	return s
}

func pct(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return sorted[max(0, min(len(sorted)-1, i-1))]
}

// call sends req, reads and discards the body, and checks the status.
func call(c *http.Client, req *http.Request, want ...int) error {
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if !slices.Contains(want, resp.StatusCode) {
		return fmt.Errorf("%s %s: status %d, want %v", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, want)
	}
	return nil
}

// ---- the baseline: a minimal net/http handler in its own process ----

// helloEnv makes this program (or the test binary) serve the baseline
// instead of running: the baseline is served "the same way" as Zhongshu —
// a separate process on a loopback port.
const helloEnv = "ZHONGSHU_BENCH_HELLO"

// maybeServeHello serves the hello-world baseline and exits when the
// environment asks for it.
func maybeServeHello() {
	if os.Getenv(helloEnv) == "" {
		return
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("serving on http://%s\n", ln.Addr())
	body := []byte("Hello, World!\n")
	_ = http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write(body)
	}))
	os.Exit(0)
}

// ---- processes ----

// proc is a server process started by the harness.
type proc struct {
	cmd     *exec.Cmd
	URL     string        // http://127.0.0.1:PORT
	Ready   time.Duration // exec to the first 200 from the probe (/readyz for serve)
	waitErr chan error
	stderr  *tailBuf
}

var serving = regexp.MustCompile(`serving on (http://\S+)`)

// startProc runs a server and waits until it says where it listens and
// answers probe with 200.
func startProc(ctx context.Context, probe string, env []string, name string, args ...string) (*proc, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	tb := &tailBuf{}
	cmd.Stderr = tb
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &proc{cmd: cmd, waitErr: make(chan error, 1), stderr: tb}
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		sent := false
		for sc.Scan() {
			if m := serving.FindStringSubmatch(sc.Text()); m != nil && !sent {
				urlc <- m[1]
				sent = true
			}
		}
	}()
	go func() { p.waitErr <- cmd.Wait() }()
	select {
	case p.URL = <-urlc:
	case err := <-p.waitErr:
		return nil, fmt.Errorf("%s exited before serving: %v\n%s", filepath.Base(name), err, tb.String())
	case <-time.After(60 * time.Second):
		p.stop()
		return nil, fmt.Errorf("%s did not start in 60 s\n%s", filepath.Base(name), tb.String())
	}
	c := &http.Client{Timeout: 2 * time.Second}
	for {
		resp, err := c.Get(p.URL + probe)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Since(t0) > 60*time.Second {
			p.stop()
			return nil, fmt.Errorf("%s never answered %s", filepath.Base(name), probe)
		}
		time.Sleep(2 * time.Millisecond)
	}
	p.Ready = time.Since(t0)
	return p, nil
}

// stop ends the process gracefully (SIGTERM), then for sure.
func (p *proc) stop() error {
	if p == nil || p.cmd.Process == nil {
		return nil
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.waitErr:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return nil // a signalled exit is the expected end
		}
		return err
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.waitErr
		return errors.New("did not stop on SIGTERM in 15 s")
	}
}

// memory reads the process's resident set now and its peak (kB → bytes).
func (p *proc) memory() (rss, peak int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		v, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			rss = v * 1024
		case "VmHWM:":
			peak = v * 1024
		}
	}
	return
}

// tailBuf keeps the last 8 KB a process wrote to stderr, for error reports.
type tailBuf struct {
	mu sync.Mutex
	b  []byte
}

func (t *tailBuf) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > 8192 {
		t.b = t.b[len(t.b)-8192:]
	}
	return len(p), nil
}

func (t *tailBuf) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}

// startHello starts the baseline server: this executable again, told by
// the environment to serve hello-world.
func startHello(ctx context.Context) (*proc, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	return startProc(ctx, "/", []string{helloEnv + "=1"}, self, "-test.run=^$")
}

// moduleRoot finds the directory holding go.mod, from the working directory up.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// buildServer builds cmd/zhongshu into dir and returns the binary's path.
func buildServer(dir string) (string, error) {
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "zhongshu")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/zhongshu")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/zhongshu: %v\n%s", err, out)
	}
	return bin, nil
}

// sampleFile records the largest size a file reaches while sampling runs
// (the write-ahead log under the burst).
func sampleFile(ctx context.Context, path string) func() int64 {
	var maxSize atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			if fi, err := os.Stat(path); err == nil && fi.Size() > maxSize.Load() {
				maxSize.Store(fi.Size())
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return func() int64 { <-done; return maxSize.Load() }
}
