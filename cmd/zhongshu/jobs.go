package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/jobs"
)

// cmdJobs lists the schedules with their next and last runs, the queue's
// counts, dead letters and recent runs — the operator's view.
func cmdJobs(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("jobs", flag.ContinueOnError)
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
	if err := a.CheckSchema(ctx); err != nil {
		return err
	}
	st, err := a.Scheduler.Status(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SCHEDULE\tCRON\tNEXT (zone)\tLAST SLOT\tSTATE")
	for _, s := range st {
		last, state := "—", "—"
		if s.LastSlot != nil {
			last, state = s.LastSlot.In(clock.Zone).Format("2006-01-02 15:04"), s.LastState
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.Name, s.Spec, s.Next.In(clock.Zone).Format("2006-01-02 15:04"), last, state)
	}
	tw.Flush()
	counts, err := a.Queue.Counts(ctx)
	if err != nil {
		return err
	}
	fmt.Fprint(stdout, "\nJOBS  ")
	for _, s := range jobs.States {
		fmt.Fprintf(stdout, "%s=%d  ", s, counts[s])
	}
	fmt.Fprintln(stdout)
	dead, err := a.Queue.List(ctx, jobs.StateDead, 20)
	if err != nil {
		return err
	}
	for _, j := range dead {
		fmt.Fprintf(stdout, "  dead #%d %s after %d attempts: %s\n", j.ID, j.Kind, j.Attempt, j.LastError)
	}
	runs, err := a.Scheduler.Runs(ctx, "", 20)
	if err != nil {
		return err
	}
	if len(runs) > 0 {
		fmt.Fprintln(stdout, "\nRECENT RUNS")
		for _, r := range runs {
			fmt.Fprintf(stdout, "  %s  %-28s %s %s\n", r.Slot.In(clock.Zone).Format("2006-01-02 15:04"), r.Name, r.State, r.Error)
		}
	}
	return nil
}
