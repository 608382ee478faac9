package auth

import "testing"

// Micro-benchmarks of the scope check every request makes (issue 8): a
// member's own-branch check, a liaison with many enterprise grants asked
// about the last one, and an out-of-scope miss (the 404 path).
func BenchmarkCan(b *testing.B) {
	const perm Perm = "bench:scoped"
	Register(perm, Rule{Role: Member}, Rule{Role: Liaison}, Rule{Role: Committee})
	member := &Principal{UserID: 1, PersonID: 7, Grants: []Grant{{Role: Member, ScopeKind: ScopeBranch, ScopeID: 42}}}
	var gs []Grant
	for i := int64(1); i <= 40; i++ {
		gs = append(gs, Grant{Role: Liaison, ScopeKind: ScopeEnterprise, ScopeID: i})
	}
	liaison := &Principal{UserID: 2, Grants: gs}
	for _, c := range []struct {
		name string
		p    *Principal
		obj  Object
		want bool
	}{
		{"member/own-branch", member, Object{Branch: 42}, true},
		{"member/anything", member, Anything, true},
		{"liaison/40-grants-last", liaison, Object{Enterprise: 40}, true},
		{"liaison/out-of-scope", liaison, Object{Enterprise: 41}, false},
	} {
		if Can(c.p, perm, c.obj) != c.want {
			b.Fatalf("%s: Can = %v, want %v", c.name, !c.want, c.want)
		}
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				Can(c.p, perm, c.obj)
			}
		})
	}
}
