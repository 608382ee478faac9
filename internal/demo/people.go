package demo

import "zhongshu/internal/directory"

// Seed figures for the organ branches.
const (
	partyWorkers = 28 // seed: 16个机关党支部28名党务工作者
	staffPerDept = 2  // 部门经办人 per department
)

// organPeople creates the members of the 16 organ branches (8–16 each, all
// party members), their secretaries and committee members, the 28 party
// workers, the zone's two party leaders and two discipline inspectors (in
// 党政办党支部) and two department staff per department.
func (l *loader) organPeople() {
	if l.err != nil {
		return
	}
	two := map[int]bool{} // branches with two party workers: 16 + 12 = 28
	for _, i := range l.g.r.Perm(len(l.branches))[:partyWorkers-len(l.branches)] {
		two[i] = true
	}
	for bi, ob := range l.branches {
		size := l.g.between(8, 16)
		mass := ob.Name == "群团工作部党支部"
		if bi == 0 || mass {
			size = max(size, 12)
		}
		if bi == 0 { // 党政办党支部 also holds the zone's leaders and discipline inspectors
			l.leaders[0] = l.organMember(ob, ob.Dept, 'M', 1965, 1972)
			l.post(l.leaders[0], directory.PosBranchSecretary, directory.Position{BranchID: l.zone})
			l.leaders[1] = l.organMember(ob, ob.Dept, l.gender(70), 1968, 1980)
			l.post(l.leaders[1], directory.PosBranchSecretary, directory.Position{BranchID: l.organ, StartedOn: organFoundedOn})
			for range 2 {
				d := l.organMember(ob, ob.Dept, l.gender(60), 1970, 1988)
				l.post(d, directory.PosDiscipline, directory.Position{})
				l.discipline = append(l.discipline, d)
			}
			for _, p := range append([]personRef{l.leaders[0], l.leaders[1]}, l.discipline...) {
				l.busy[p.ID] = true
			}
		}
		special := len(ob.Members)
		for len(ob.Members) < size {
			dept := ob.Dept
			if mass {
				dept = massDepts[len(ob.Members)%len(massDepts)]
			}
			l.organMember(ob, dept, l.gender(60), 1965, 1998)
		}
		regular := ob.Members[special:]
		at := directory.Position{BranchID: ob.ID}
		l.post(regular[0].personRef, directory.PosBranchSecretary, at)
		l.busy[regular[0].ID] = true
		n := l.g.between(1, 3)
		for _, m := range regular[1 : 1+n] {
			l.post(m.personRef, directory.PosBranchCommittee, at)
		}
		l.post(regular[1].personRef, directory.PosPartyWorker, at) // the 组织委员
		if two[bi] {
			l.post(regular[1+n].personRef, directory.PosPartyWorker, at)
		}
	}

	l.deptStaff = map[string][]personRef{}
	for _, d := range departments {
		for _, ob := range l.branches {
			for _, m := range ob.Members {
				if m.Dept == d.Code && !l.busy[m.ID] && len(l.deptStaff[d.Code]) < staffPerDept {
					l.post(m.personRef, directory.PosDeptStaff, directory.Position{DepartmentID: l.dept[d.Code]})
					l.deptStaff[d.Code] = append(l.deptStaff[d.Code], m.personRef)
					l.busy[m.ID] = true
				}
			}
		}
	}
}

// organMember creates a party member of an organ branch.
func (l *loader) organMember(ob *organBranch, dept string, gender byte, from, to int) personRef {
	p := l.person(who{gender: gender, from: from, to: to, party: true, branch: ob.ID, dept: l.dept[dept]})
	ob.Members = append(ob.Members, organMember{personRef: p, Dept: dept})
	return p
}

// villagePeople creates, for each village, the "一肩挑" secretary (also the
// committee director), the two committees (两委, 4–6 members), the
// supervision committee (村务监督委员会, 3–5), the party members (25–60 in
// all) and the villager representatives (one per ~20 households, 15–40),
// all in office since the January 2021 election.
func (l *loader) villagePeople() {
	for _, v := range l.villages {
		if l.err != nil {
			return
		}
		local := func(party bool, from, to int, gender byte) personRef {
			w := who{gender: gender, from: from, to: to, area: villageArea, party: party, village: v.ID}
			if l.g.chance(45) {
				w.surname = v.Clan
			}
			if l.g.chance(25) {
				w.area = ""
			}
			if party {
				w.branch = v.Branch
			}
			return l.person(w)
		}
		at := directory.Position{VillageID: v.ID, StartedOn: v.Election}
		party := 1
		v.Secretary = local(true, 1965, 1985, l.gender(85))
		l.post(v.Secretary, directory.PosVillageSecretary, directory.Position{VillageID: v.ID, BranchID: v.Branch, StartedOn: v.Election})
		l.post(v.Secretary, directory.PosVillageDirector, at)

		for i := range l.g.between(4, 6) {
			g, isParty := l.gender(75), i == 1 || l.g.chance(75)
			if i == 0 { // 妇女委员
				g = 'F'
			}
			l.post(local(isParty, 1962, 1992, g), directory.PosVillageCommittee, at)
			if isParty {
				party++
			}
		}
		for i := range l.g.between(3, 5) {
			isParty := i == 0 || l.g.chance(30)
			p := local(isParty, 1960, 1985, l.gender(65))
			l.post(p, directory.PosSupervisor, at)
			if i == 0 {
				v.Supervisor = p
			}
			if isParty {
				party++
			}
		}
		var ordinary []personRef
		for target := l.g.between(25, 60); party < target; party++ {
			ordinary = append(ordinary, local(true, 1960, 2000, l.gender(70)))
		}
		reps := min(max(v.Households/20, 15), 40)
		fromParty := min(reps/5, len(ordinary))
		for _, p := range ordinary[:fromParty] {
			l.post(p, directory.PosRepresentative, at)
		}
		for range reps - fromParty {
			l.post(local(false, 1960, 1995, l.gender(60)), directory.PosRepresentative, at)
		}
	}
}

// enterprisePeople creates the members of the enterprise and social party
// organisations (the first of each is its secretary) and one contact
// person (企业联系人) for every enterprise.
func (l *loader) enterprisePeople() {
	for _, o := range l.orgs {
		var ent int64
		if o.Ent != nil {
			ent = o.Ent.ID
		}
		for i := range o.Members {
			if l.err != nil {
				return
			}
			from, to := 1975, 2000
			if i == 0 {
				from, to = 1968, 1990
			}
			p := l.person(who{gender: l.gender(60), from: from, to: to, party: true, branch: o.ID, ent: ent})
			if i == 0 {
				l.post(p, directory.PosBranchSecretary, directory.Position{BranchID: o.ID, EnterpriseID: ent})
			}
		}
	}
	for _, e := range l.ents {
		if l.err != nil {
			return
		}
		e.Contact = l.person(who{gender: l.gender(55), from: 1970, to: 1995, ent: e.ID})
		l.post(e.Contact, directory.PosEnterpriseContact, directory.Position{EnterpriseID: e.ID})
	}
}
