// Command zhongshu is the whole platform in one binary: serve, demo,
// migrate, user, backup, restore and verify.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // zone rules even where the system has none

	"zhongshu/internal/app"
	"zhongshu/internal/platform/actor"
)

const usage = `zhongshu — 中枢：开发区党建与基层治理工作平台

Usage:
  zhongshu serve   [--db sqlite:PATH|postgres://…] [--addr HOST:PORT] [--key FILE] [--trusted-proxy IP]… [--public-url URL]
  zhongshu demo    [--addr 127.0.0.1:8080] [--at 2021-12-20T09:00:00+08:00] [--db sqlite:PATH]
  zhongshu migrate [--db …]
  zhongshu user add USERNAME [--name NAME] [--role ROLE[@KIND:ID]]… [--person ID] [--password-stdin]
  zhongshu user passwd|lock|unlock USERNAME [--password-stdin]
  zhongshu backup FILE  [--db …]
  zhongshu restore FILE [--db …]
  zhongshu verify  [--db …]
  zhongshu jobs    [--db …]                 schedules, next and last runs, dead letters
  zhongshu notify test CHANNEL [--db …]     send a test message to a channel (id or name)

The default database is sqlite:./data/zhongshu.db. The field-encryption key
is read from ZHONGSHU_KEY, or from zhongshu.key beside the SQLite file
(created on first run); keep it safe and back it up apart from the data.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx = actor.With(ctx, actor.Actor{Username: "cli", IP: "local"})
	code, err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "zhongshu:", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

type stringList []string

func (s *stringList) String() string     { return fmt.Sprint(*s) }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// common flags of commands that open the store.
type storeFlags struct {
	db, key string
}

func (f *storeFlags) add(fs *flag.FlagSet) {
	fs.StringVar(&f.db, "db", envOr("ZHONGSHU_DB", "sqlite:./data/zhongshu.db"), "database: sqlite:PATH or postgres://…")
	fs.StringVar(&f.key, "key", os.Getenv("ZHONGSHU_KEY_FILE"), "field-encryption key file (default: beside the SQLite file)")
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func logger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// run dispatches a command; it returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		return 0, nil
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return 0, cmdServe(ctx, rest, stdout, stderr)
	case "demo":
		return 0, cmdDemo(ctx, rest, stdout, stderr)
	case "migrate":
		return 0, cmdMigrate(ctx, rest, stdout, stderr)
	case "user":
		return 0, cmdUser(ctx, rest, stdin, stdout, stderr)
	case "backup":
		return 0, cmdBackup(ctx, rest, stdout, stderr)
	case "restore":
		return 0, cmdRestore(ctx, rest, stdout, stderr)
	case "verify":
		return cmdVerify(ctx, rest, stdout, stderr)
	case "jobs":
		return 0, cmdJobs(ctx, rest, stdout, stderr)
	case "notify":
		return cmdNotify(ctx, rest, stdout, stderr)
	}
	fmt.Fprint(stderr, usage)
	return 2, errors.New("unknown command " + cmd)
}

// parse parses flags that may come before or after positional arguments.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func open(ctx context.Context, sf storeFlags, stderr io.Writer) (*app.App, error) {
	return app.Open(ctx, app.Config{DB: sf.db, KeyFile: sf.key, Log: logger(stderr)})
}
