package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"

	"zhongshu/internal/platform/notify"
)

// cmdNotify: `zhongshu notify test CHANNEL` queues a test message to a
// channel (by id or name), delivers it at once and prints the outcome.
func cmdNotify(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	if len(args) == 0 || args[0] != "test" {
		return 2, errors.New("notify test CHANNEL")
	}
	fs := flag.NewFlagSet("notify test", flag.ContinueOnError)
	var sf storeFlags
	sf.add(fs)
	pos, err := parse(fs, args[1:])
	if err != nil {
		return 2, err
	}
	if len(pos) != 1 {
		return 2, errors.New("notify test CHANNEL: name one channel by id or name")
	}
	a, err := open(ctx, sf, stderr)
	if err != nil {
		return 2, err
	}
	defer a.Close()
	if err := a.CheckSchema(ctx); err != nil {
		return 2, err
	}
	cs, err := a.Notify.Channels(ctx)
	if err != nil {
		return 2, err
	}
	var ch *notify.Channel
	id, _ := strconv.ParseInt(pos[0], 10, 64)
	for i := range cs {
		if cs[i].ID == id || cs[i].Name == pos[0] {
			ch = &cs[i]
			break
		}
	}
	if ch == nil {
		return 2, fmt.Errorf("no channel %q; `zhongshu notify test` takes a channel id or name", pos[0])
	}
	msg, err := a.Notify.SendTest(ctx, ch.ID)
	if err != nil {
		return 1, err
	}
	if _, err := a.Queue.RunDue(ctx); err != nil {
		return 1, err
	}
	atts, err := a.Notify.Attempts(ctx, msg)
	if err != nil {
		return 1, err
	}
	if len(atts) == 0 {
		fmt.Fprintf(stdout, "message %d to %s queued; a running server will deliver it\n", msg, ch.Name)
		return 0, nil
	}
	last := atts[len(atts)-1]
	if last.Error != "" {
		fmt.Fprintf(stdout, "message %d to %s (%s): attempt %d failed: HTTP %d %s — it will be retried\n", msg, ch.Name, ch.Target, last.N, last.Status, last.Error)
		return 1, nil
	}
	fmt.Fprintf(stdout, "message %d delivered to %s (%s) in %d ms\n", msg, ch.Name, ch.Target, last.Millis)
	return 0, nil
}
