package directory

import (
	"context"

	"zhongshu/internal/platform/auth"
)

// Stats are the directory's headline figures for dashboards (the seed's
// "16 branches / 28 party workers", "35 liaisons", "11 专精特新 enterprises").
type Stats struct {
	People         int `json:"people"`
	PartyMembers   int `json:"party_members"`
	Enterprises    int `json:"enterprises"`
	AboveScale     int `json:"above_scale"`
	AboveQuota     int `json:"above_quota"`
	Specialized    int `json:"specialized"`
	Villages       int `json:"villages"`
	Branches       int `json:"branches"`
	OrganBranches  int `json:"organ_branches"`
	PartyWorkers   int `json:"party_workers"`
	Liaisons       int `json:"liaisons"`
	EnterpriseOrgs int `json:"enterprise_orgs"`
	Departments    int `json:"departments"`
}

// Stats counts the directory for a zone-level viewer.
func (m *Module) Stats(ctx context.Context, p *auth.Principal) (*Stats, error) {
	if err := m.Auth.Authorize(ctx, p, auth.PeopleRead, auth.ZoneOnly, "stats", ""); err != nil {
		return nil, err
	}
	q := m.DB.Q(ctx)
	var s Stats
	for _, c := range []struct {
		dst *int
		sql string
	}{
		{&s.People, `SELECT COUNT(*) FROM people`},
		{&s.PartyMembers, `SELECT COUNT(*) FROM people WHERE party_member = TRUE`},
		{&s.Enterprises, `SELECT COUNT(*) FROM enterprises`},
		{&s.AboveScale, `SELECT COUNT(*) FROM enterprises WHERE above_scale = TRUE`},
		{&s.AboveQuota, `SELECT COUNT(*) FROM enterprises WHERE above_quota = TRUE`},
		{&s.Specialized, `SELECT COUNT(DISTINCT enterprise_id) FROM enterprise_designations WHERE designation = 'specialized'`},
		{&s.Villages, `SELECT COUNT(*) FROM villages`},
		{&s.Branches, `SELECT COUNT(*) FROM branches`},
		{&s.OrganBranches, `SELECT COUNT(*) FROM branches WHERE kind = 'organ_branch'`},
		{&s.EnterpriseOrgs, `SELECT COUNT(*) FROM branches WHERE kind IN ('enterprise', 'other')`},
		{&s.PartyWorkers, `SELECT COUNT(DISTINCT person_id) FROM positions WHERE title = 'party_worker' AND ended_on = ''`},
		{&s.Liaisons, `SELECT COUNT(DISTINCT person_id) FROM positions WHERE title = 'liaison' AND ended_on = ''`},
		{&s.Departments, `SELECT COUNT(*) FROM departments`},
	} {
		if err := q.QueryRowContext(ctx, c.sql).Scan(c.dst); err != nil {
			return nil, err
		}
	}
	return &s, nil
}
