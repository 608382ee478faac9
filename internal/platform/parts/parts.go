// Package parts is what the rooms built from parts (study, organ, express,
// village) share: each part registers its routes, job handlers, schedules
// and demo data in its own file's init, and the room's module runs them
// through these helpers in one way.
package parts

import (
	"context"
	"sort"

	"zhongshu/internal/platform/jobs"
	"zhongshu/internal/platform/web"
)

// Demo is one part's demo loader; loaders run in Order (then registration
// order), so a part can build on the records of an earlier one.
type Demo[M any] struct {
	Order int
	Load  func(m M, ctx context.Context) error
}

// Routes mounts every part's routes.
func Routes[M any](m M, mux *web.Router, routes []func(M, *web.Router)) {
	for _, r := range routes {
		r(m, mux)
	}
}

// Start registers every part's job handlers, then adds its schedules.
func Start[M any](m M, s *jobs.Scheduler, handlers []func(M), schedules []func(M) []jobs.Schedule) error {
	for _, h := range handlers {
		h(m)
	}
	for _, sp := range schedules {
		for _, sc := range sp(m) {
			if err := s.Add(sc); err != nil {
				return err
			}
		}
	}
	return nil
}

// LoadDemo runs the demo loaders in order.
func LoadDemo[M any](ctx context.Context, m M, demos []Demo[M]) error {
	ds := append([]Demo[M](nil), demos...)
	sort.SliceStable(ds, func(i, j int) bool { return ds[i].Order < ds[j].Order })
	for _, d := range ds {
		if err := d.Load(m, ctx); err != nil {
			return err
		}
	}
	return nil
}
