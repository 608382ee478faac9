package village

import (
	"context"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
)

// VillageDue is one village's disclosure calendar (RULES.md §3): every
// required period of each kind from the start of its record, with the
// flagged ones counted.
type VillageDue struct {
	Village directory.Village `json:"village"`
	Flags   []DueFlag         `json:"periods"`
	Overdue int               `json:"overdue"`
	Late    int               `json:"late"`
	Pending int               `json:"pending"`
}

// Flagged lists the periods that need attention.
func (v VillageDue) Flagged() []DueFlag {
	var out []DueFlag
	for _, f := range v.Flags {
		if f.Flagged() {
			out = append(out, f)
		}
	}
	return out
}

// villageDue checks one village on a day. The record starts at the first
// published period of the village, at most a year back (a village with no
// disclosure at all is checked over the last year).
func (m *Module) villageDue(ctx context.Context, v directory.Village, today string) (VillageDue, error) {
	out := VillageDue{Village: v, Flags: []DueFlag{}}
	rv, err := m.Rules(ctx, v.ID, today)
	if err != nil {
		return out, err
	}
	t, err := clock.ParseDay(today)
	if err != nil {
		return out, err
	}
	yearAgo := clock.Day(t.AddDate(-1, 0, 1).Add(12 * 3600e9))
	var first string
	if err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT COALESCE(MIN(period_from), '') FROM village_disclosures WHERE village_id = ? AND status = 'published'`, v.ID).Scan(&first); err != nil {
		return out, err
	}
	from := yearAgo
	if first > from {
		from = first
	}
	pubs := map[string][]PublishedPeriod{}
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT kind, period, published_on FROM village_disclosures WHERE village_id = ? AND status = 'published'`, v.ID)
	if err != nil {
		return out, err
	}
	for rows.Next() {
		var k string
		var p PublishedPeriod
		if err := rows.Scan(&k, &p.Period, &p.PublishedOn); err != nil {
			rows.Close()
			return out, err
		}
		pubs[k] = append(pubs[k], p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, err
	}
	for _, k := range DisclosureKinds {
		fs, err := DueFlags(k, FrequencyMonths(rv.Rules, k, v.HeavyFinance), rv.QuarterDay, pubs[k], from, today)
		if err != nil {
			return out, err
		}
		for _, f := range fs {
			switch f.Status {
			case DueOverdue:
				out.Overdue++
			case DueLate:
				out.Late++
			case DuePending:
				out.Pending++
			}
		}
		out.Flags = append(out.Flags, fs...)
	}
	return out, nil
}

// DisclosureCompliance lists, for every village the caller may read, the
// missing, overdue and late disclosures (the committee's view over all
// villages).
func (m *Module) DisclosureCompliance(ctx context.Context, p *auth.Principal) ([]VillageDue, error) {
	if err := m.Auth.Authorize(ctx, p, PermRead, auth.Anything, "village_disclosure_compliance", ""); err != nil {
		return nil, err
	}
	vs, err := m.villagesFor(ctx, p)
	if err != nil {
		return nil, err
	}
	today := m.today()
	out := []VillageDue{}
	for _, v := range vs {
		d, err := m.villageDue(ctx, v, today)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}
