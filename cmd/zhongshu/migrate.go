package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"zhongshu/internal/app"
	"zhongshu/internal/platform/db"
)

func loadCount(s db.Source, a *app.App) (int, error) {
	ms, err := db.Load(s, a.DB.Dialect)
	return len(ms), err
}

func cmdMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	var sf storeFlags
	sf.add(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	a, err := open(ctx, sf, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	applied, err := a.Migrate(ctx)
	for _, m := range applied {
		fmt.Fprintln(stdout, "applied", m)
	}
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintln(stdout, "schema is up to date")
	}
	return nil
}
