// Package clock gives Zhongshu an injectable notion of "now" and of the
// zone's calendar day, so tests can stand at 06:59 and 07:00 and the demo
// can start its clock on 2021-12-20 and run on from there.
package clock

import (
	"sync/atomic"
	"time"
)

// Clock tells the time.
type Clock interface{ Now() time.Time }

// System is the real clock.
type System struct{}

// Now returns the current UTC time.
func (System) Now() time.Time { return time.Now().UTC() }

// Offset is a clock that started at a chosen instant and runs on normally
// (zhongshu demo --at).
type Offset struct{ d time.Duration }

// StartingAt returns a clock whose Now is t at the moment of the call.
func StartingAt(t time.Time) *Offset { return &Offset{d: time.Until(t)} }

// Now returns the shifted time.
func (o *Offset) Now() time.Time { return time.Now().Add(o.d).UTC() }

// Fixed is a test clock that moves only when told.
type Fixed struct{ ns atomic.Int64 }

// At returns a fixed clock standing at t.
func At(t time.Time) *Fixed { f := &Fixed{}; f.Set(t); return f }

// Now returns the fixed instant.
func (f *Fixed) Now() time.Time { return time.Unix(0, f.ns.Load()).UTC() }

// Set moves the clock to t.
func (f *Fixed) Set(t time.Time) { f.ns.Store(t.UnixNano()) }

// Advance moves the clock forward by d.
func (f *Fixed) Advance(d time.Duration) { f.ns.Add(int64(d)) }

// Zone is the development zone's time zone (RULES.md §9: Asia/Shanghai).
var Zone = mustZone("Asia/Shanghai")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		// China has had no DST since 1991; a fixed +08:00 is exact for our dates.
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}

// Day returns the zone calendar day of t as "YYYY-MM-DD".
func Day(t time.Time) string { return t.In(Zone).Format("2006-01-02") }

// ParseDay parses "YYYY-MM-DD" as midnight in the zone.
func ParseDay(s string) (time.Time, error) { return time.ParseInLocation("2006-01-02", s, Zone) }
