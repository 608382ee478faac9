package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"zhongshu/internal/app"
	"zhongshu/internal/demo"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
)

// defaultDemoStart is just after the last events the seed reports, so that
// its "to date" figures are the seed's (2021-12-20 09:00 zone time).
const defaultDemoStart = "2021-12-20T09:00:00+08:00"

func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	at := fs.String("at", defaultDemoStart, "start the demo clock at this RFC 3339 time; it runs on from there")
	dbURL := fs.String("db", "", "keep the demo database here (sqlite:PATH); default a temporary file")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	start, err := time.Parse(time.RFC3339, *at)
	if err != nil {
		return fmt.Errorf("--at: want an RFC 3339 time such as %s: %w", defaultDemoStart, err)
	}
	url := *dbURL
	if url == "" {
		dir, err := os.MkdirTemp("", "zhongshu-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		url = "sqlite:" + filepath.Join(dir, "demo.db")
	}
	clk := clock.StartingAt(start)
	a, err := app.Open(ctx, app.Config{DB: url, Addr: *addr, Clock: clk, Log: logger(stderr), Demo: true})
	if err != nil {
		return err
	}
	defer a.Close()
	if _, err := a.Migrate(ctx); err != nil {
		return err
	}
	fresh, err := a.Fresh(ctx)
	if err != nil {
		return err
	}
	var accounts []demo.Account
	t0 := time.Now()
	if fresh {
		if accounts, err = a.LoadDemo(ctx); err != nil {
			return err
		}
	} else {
		// A kept demo database: list its accounts again.
		us, err := a.Auth.ListUsers(ctx)
		if err != nil {
			return err
		}
		for _, u := range us {
			if len(u.Grants) > 0 && string(u.Grants[0].Role) == u.Username {
				accounts = append(accounts, demo.Account{Username: u.Username, Role: u.Grants[0].Role})
			}
		}
	}
	a.SetDemoHint(accounts)
	return a.Serve(ctx, func(listen string) {
		fmt.Fprintf(stdout, "Zhongshu 中枢 demo — data loaded in %s, clock starts at %s\n", time.Since(t0).Round(time.Millisecond), start.In(clock.Zone).Format("2006-01-02 15:04 MST"))
		fmt.Fprintf(stdout, "Open http://%s/ and sign in as one of (password %s):\n", listen, demo.Password)
		for _, h := range a.Admin.DemoHint {
			fmt.Fprintf(stdout, "  %-20s %s / %s\n", h.Username, auth.RoleNames[h.Role][0], auth.RoleNames[h.Role][1])
		}
		fmt.Fprintf(stdout, "Database: %s (temporary unless --db was given). Ctrl-C stops.\n", url)
	})
}
