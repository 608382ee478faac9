package demo

import (
	"fmt"
	"strings"

	"zhongshu/internal/platform/auth"
)

// account is a demo sign-in to create.
type account struct {
	Account
	PersonID int64
	Grants   []auth.Grant
}

// accounts creates the demo sign-ins, all with the shared password hash,
// and returns them: the first account of each role (named after the role's
// code) in auth.AllRoles order, then the further ones (<role>_<n>).
func (l *loader) accounts(hash string) ([]Account, error) {
	by := map[auth.Role][]account{}
	add := func(r auth.Role, p personRef, scope string, gs ...auth.Grant) {
		name := p.Name
		if name == "" {
			name = auth.RoleNames[r][0]
		}
		by[r] = append(by[r], account{Account: Account{Role: r, Name: name, Scope: scope}, PersonID: p.ID, Grants: gs})
	}
	zone := func(r auth.Role) auth.Grant { return auth.Grant{Role: r, ScopeKind: auth.ScopeZone} }
	over := func(r auth.Role, kind string, id int64) auth.Grant {
		return auth.Grant{Role: r, ScopeKind: kind, ScopeID: id}
	}

	// 三员分立: the three administrators stand alone, with no person.
	for _, r := range []auth.Role{auth.Sysadmin, auth.Secadmin, auth.Auditor} {
		add(r, personRef{}, "", zone(r))
	}
	add(auth.Committee, l.leaders[1], "", zone(auth.Committee)) // 机关党委书记
	add(auth.Committee, l.leaders[0], "", zone(auth.Committee)) // 党工委书记
	for _, code := range []string{"ECON", "ORG", "SOC", "UNION", "INVEST"} {
		id := l.dept[code]
		add(auth.DeptStaff, l.deptStaff[code][0], l.deptName[id], over(auth.DeptStaff, auth.ScopeDepartment, id))
	}
	for _, li := range l.liaisonsOf[:5] {
		var gs []auth.Grant
		for _, e := range li.Ents {
			gs = append(gs, over(auth.Liaison, auth.ScopeEnterprise, e.ID))
		}
		add(auth.Liaison, li.personRef, fmt.Sprintf("%s 等 %d 家企业", li.Ents[0].Name, len(li.Ents)), gs...)
	}
	for _, s := range []string{"天成药业", "北京现代", "慧科"} {
		e := l.byShort(s)
		add(auth.Enterprise, e.Contact, e.Name, over(auth.Enterprise, auth.ScopeEnterprise, e.ID))
	}
	for _, v := range l.villages {
		add(auth.VillageSecretary, v.Secretary, v.Name, over(auth.VillageSecretary, auth.ScopeVillage, v.ID))
	}
	for _, v := range l.villages {
		add(auth.VillageSupervisor, v.Supervisor, v.Name, over(auth.VillageSupervisor, auth.ScopeVillage, v.ID))
	}
	add(auth.Discipline, l.discipline[0], "", zone(auth.Discipline))
	var gs []auth.Grant
	var names []string
	for _, v := range l.villages[4:] { // the second inspector looks after three villages
		gs = append(gs, over(auth.Discipline, auth.ScopeVillage, v.ID))
		names = append(names, v.Name)
	}
	add(auth.Discipline, l.discipline[1], strings.Join(names, "、"), gs...)
	for _, m := range l.members {
		add(auth.Member, m.personRef, m.Branch.Name, over(auth.Member, auth.ScopeBranch, m.Branch.ID))
	}

	var list []account
	for _, r := range auth.AllRoles {
		for i := range by[r] {
			by[r][i].Username = string(r)
			if i > 0 {
				by[r][i].Username = fmt.Sprintf("%s_%d", r, i+1)
			}
		}
		if len(by[r]) > 0 {
			list = append(list, by[r][0])
		}
	}
	for _, r := range auth.AllRoles {
		if len(by[r]) > 1 {
			list = append(list, by[r][1:]...)
		}
	}

	out := make([]Account, 0, len(list))
	for _, a := range list {
		_, err := l.d.Auth.CreateUser(l.ctx, auth.NewUser{Username: a.Username, DisplayName: a.Name, PersonID: a.PersonID,
			PasswordHash: hash, Grants: a.Grants, MustChange: false})
		if err != nil {
			return nil, fmt.Errorf("demo: create account %s: %w", a.Username, err)
		}
		out = append(out, a.Account)
	}
	return out, nil
}
