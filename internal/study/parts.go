package study

import (
	"context"

	"zhongshu/internal/platform/jobs"
	"zhongshu/internal/platform/parts"
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
	figureParts   []func(m *Module, from, to string) []figureQuery
	demoParts     []demoPart
)

// demoPart is a part's demo loader.
type demoPart = parts.Demo[*Module]

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
	return parts.Start(m, m.Scheduler, handlerParts, scheduleParts)
}

// LoadDemo adds the demo year of study activity, part by part, after the
// directory's demo dataset.
func (m *Module) LoadDemo(ctx context.Context) error {
	return parts.LoadDemo(ctx, m, demoParts)
}
