package app

import (
	"context"
	"fmt"

	"zhongshu/internal/admin"
	"zhongshu/internal/demo"
	"zhongshu/internal/platform/auth"
)

// LoadDemo fills an empty, migrated installation with the demo dataset —
// the directory first, then each module's demo year — and lists the first
// account of each role on the sign-in page, as `zhongshu demo` shows them.
func (a *App) LoadDemo(ctx context.Context) ([]demo.Account, error) {
	accounts, err := demo.Load(ctx, demo.Deps{DB: a.DB, Auth: a.Auth, Dir: a.Directory, Clock: a.Clock})
	if err != nil {
		return nil, fmt.Errorf("demo data: %w", err)
	}
	if err := a.Study.LoadDemo(ctx); err != nil {
		return nil, fmt.Errorf("demo study data: %w", err)
	}
	if err := a.Organ.LoadDemo(ctx); err != nil {
		return nil, fmt.Errorf("demo organ data: %w", err)
	}
	if err := a.Express.LoadDemo(ctx); err != nil {
		return nil, fmt.Errorf("demo express data: %w", err)
	}
	if err := a.Village.LoadDemo(ctx); err != nil {
		return nil, fmt.Errorf("demo village data: %w", err)
	}
	a.SetDemoHint(accounts)
	return accounts, nil
}

// SetDemoHint shows the first account of each role on the sign-in page.
func (a *App) SetDemoHint(accounts []demo.Account) {
	seen := map[auth.Role]bool{}
	a.Admin.DemoHint = nil
	for _, acc := range accounts {
		if !seen[acc.Role] {
			seen[acc.Role] = true
			a.Admin.DemoHint = append(a.Admin.DemoHint, admin.DemoAccount{Username: acc.Username, Role: acc.Role})
		}
	}
}
