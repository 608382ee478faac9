package demo

import (
	"fmt"

	"zhongshu/internal/directory"
)

// Liaison figures (seed: 今年8月，沧州经济开发区重新选派35名非公党建指导员).
const (
	liaisonCount = 35
	liaisonSince = "2021-08-01"
)

// liaison is a 非公党建指导员 and the enterprises assigned to them.
type liaison struct {
	personRef
	Ents []*enterprise
}

// memberAccount is an organ cadre who gets a `member` demo account.
type memberAccount struct {
	personRef
	Branch *organBranch
}

// memberBranches are the organ branches of the member accounts: 经发局,
// 组织部 and 税务局 (the branch the seed's study visit went to).
var memberBranches = []string{"经发局党支部", "组织部党支部", "税务局党支部"}

// liaisons picks the member accounts' cadres, then 35 other organ cadres as
// liaisons, and assigns every enterprise to one of them (4 or 5 each). The
// first liaison looks after 天成药业 and the second after 北京现代, the
// enterprises of the first two `enterprise` accounts, so the demo's liaison
// and enterprise sign-ins meet over the same demands.
func (l *loader) liaisons() {
	if l.err != nil {
		return
	}
	for _, name := range memberBranches {
		for _, ob := range l.branches {
			if ob.Name != name {
				continue
			}
			for _, m := range ob.Members {
				if !l.busy[m.ID] {
					l.members = append(l.members, memberAccount{personRef: m.personRef, Branch: ob})
					l.busy[m.ID] = true
					break
				}
			}
		}
	}

	var pool []organMember
	for _, ob := range l.branches {
		for _, m := range ob.Members {
			if !l.busy[m.ID] {
				pool = append(pool, m)
			}
		}
	}
	if len(pool) < liaisonCount {
		l.fail("choose liaisons", fmt.Errorf("only %d organ cadres free", len(pool)))
		return
	}
	order := l.g.r.Perm(len(pool))

	ents := make([]*enterprise, len(l.ents))
	for i, p := range l.g.r.Perm(len(l.ents)) {
		ents[i] = l.ents[p]
	}
	base, extra := len(ents)/liaisonCount, len(ents)%liaisonCount
	moveTo := func(e *enterprise, at int) {
		for i := range ents {
			if ents[i] == e {
				ents[i], ents[at] = ents[at], ents[i]
				return
			}
		}
	}
	moveTo(l.byShort("天成药业"), 0)
	moveTo(l.byShort("北京现代"), base+min(1, extra))

	next := 0
	for i := range liaisonCount {
		m := pool[order[i]]
		n := base
		if i < extra {
			n++
		}
		li := liaison{personRef: m.personRef, Ents: ents[next : next+n]}
		next += n
		l.busy[m.ID] = true
		l.post(m.personRef, directory.PosLiaison, directory.Position{DepartmentID: l.dept[m.Dept], StartedOn: liaisonSince})
		for _, e := range li.Ents {
			if l.err == nil {
				l.fail("assign liaison "+m.Name, l.d.Dir.AssignLiaison(l.ctx, system, m.ID, e.ID, liaisonSince))
			}
		}
		l.liaisonsOf = append(l.liaisonsOf, li)
	}
}
