package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"

	"zhongshu/internal/app"
)

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var sf storeFlags
	sf.add(fs)
	addr := fs.String("addr", envOr("ZHONGSHU_ADDR", "127.0.0.1:8080"), "listen address")
	var proxies stringList
	fs.Var(&proxies, "trusted-proxy", "address of a reverse proxy whose X-Forwarded-For is believed (repeatable)")
	publicURL := fs.String("public-url", os.Getenv("ZHONGSHU_PUBLIC_URL"), "the site's public address (https://…), printed into disclosures' QR codes")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	tuneGC(os.Getenv)
	log, logBuf := bufferedLogger(stderr)
	defer logBuf.Close()
	a, err := app.Open(ctx, app.Config{DB: sf.db, KeyFile: sf.key, Addr: *addr, TrustedProxies: proxies, Log: log, AccessLog: logBuf, PublicURL: *publicURL})
	if err != nil {
		return err
	}
	defer a.Close()
	fresh, err := freshDB(ctx, a)
	if err != nil {
		return err
	}
	if fresh {
		// First run on an empty database: create the schema and the three
		// administrator accounts with one-time passwords.
		if _, err := a.Migrate(ctx); err != nil {
			return err
		}
		pw, err := a.Bootstrap(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, "首次启动：已创建三员账号，初始密码只显示这一次，首次登录须修改。")
		fmt.Fprintln(stdout, "First run: the three administrator accounts were created; their one-time passwords follow.")
		names := make([]string, 0, len(pw))
		for n := range pw {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintf(stdout, "  %-10s %s\n", n, pw[n])
		}
	} else if err := a.CheckSchema(ctx); err != nil {
		return err
	}
	return a.Serve(ctx, func(addr string) {
		fmt.Fprintf(stdout, "Zhongshu 中枢 serving on http://%s (key: %s)\n", addr, a.KeySource)
	})
}

// freshDB reports a database without any migration applied.
func freshDB(ctx context.Context, a *app.App) (bool, error) {
	p, err := a.DB.Pending(ctx, app.Sources())
	if err != nil {
		return false, err
	}
	all := 0
	for _, s := range app.Sources() {
		ms, err := loadCount(s, a)
		if err != nil {
			return false, err
		}
		all += ms
	}
	return len(p) == all, nil
}
