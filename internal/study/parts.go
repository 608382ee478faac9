package study

import (
	"context"
	"sort"

	"zhongshu/internal/platform/jobs"
	"zhongshu/internal/platform/web"
)

// The study room is built from parts (daily sentence, quiz, column,
// challenge, outreach). Each part registers itself in its own file's init,
// so the parts stay independent of each other and of this file.
var (
	routeParts    []func(*Module, *web.Router)
	navItems      []web.NavItem
	scheduleParts []func(*Module) []jobs.Schedule
	handlerParts  []func(*Module)
	figureParts   []func(m *Module, ctx context.Context, from, to string) ([]Figure, error)
	demoParts     []demoPart
)

type demoPart struct {
	order int
	load  func(m *Module, ctx context.Context) error
}

func (m *Module) parts() []func(*web.Router) {
	var out []func(*web.Router)
	for _, p := range routeParts {
		out = append(out, func(r *web.Router) { p(m, r) })
	}
	return out
}

func nav() []web.NavItem { return navItems }

// Start registers the job handlers and declares the schedules of every
// part (the morning push, the evening reminder, the weekly summary …).
func (m *Module) Start() error {
	if m.PushHour == 0 {
		m.PushHour = 7
	}
	if m.RemindHour == 0 {
		m.RemindHour = 20
	}
	if m.WeeklyHour == 0 {
		m.WeeklyHour = 8
	}
	for _, h := range handlerParts {
		h(m)
	}
	for _, sp := range scheduleParts {
		for _, s := range sp(m) {
			if err := m.Scheduler.Add(s); err != nil {
				return err
			}
		}
	}
	return nil
}

// LoadDemo adds the demo year of study activity, part by part, after the
// directory's demo dataset.
func (m *Module) LoadDemo(ctx context.Context) error {
	parts := append([]demoPart(nil), demoParts...)
	sort.SliceStable(parts, func(i, j int) bool { return parts[i].order < parts[j].order })
	for _, p := range parts {
		if err := p.load(m, ctx); err != nil {
			return err
		}
	}
	return nil
}
