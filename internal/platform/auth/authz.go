package auth

import (
	"slices"
	"sort"
)

// Principal is an authenticated caller: a user with their grants.
type Principal struct {
	UserID      int64   `json:"id"`
	Username    string  `json:"username"`
	DisplayName string  `json:"display_name"`
	PersonID    int64   `json:"person_id,omitempty"`
	Grants      []Grant `json:"grants"`
	MustChange  bool    `json:"must_change_password"`
	ViaToken    bool    `json:"-"`
	SessionHash string  `json:"-"`
}

// Roles lists the distinct roles held.
func (p *Principal) Roles() []Role {
	if p == nil {
		return nil
	}
	var out []Role
	for _, g := range p.Grants {
		if !slices.Contains(out, g.Role) {
			out = append(out, g.Role)
		}
	}
	sort.Slice(out, func(i, j int) bool { return slices.Index(AllRoles, out[i]) < slices.Index(AllRoles, out[j]) })
	return out
}

// Has reports whether p holds role r over any scope.
func (p *Principal) Has(r Role) bool {
	if p == nil {
		return false
	}
	for _, g := range p.Grants {
		if g.Role == r {
			return true
		}
	}
	return false
}

// IsAdminOnly reports a principal whose roles are all administrator roles:
// such accounts get the 15-minute idle timeout.
func (p *Principal) IsAdmin() bool {
	for _, g := range p.Grants {
		if g.Role.IsAdmin() {
			return true
		}
	}
	return false
}

// ScopeIDs returns the ids of kind that role r is granted over, and whether
// one of its grants covers the whole zone. List queries pass these as
// parameters (listmonk's `id = ANY($n)` habit), never spliced into SQL.
func (p *Principal) ScopeIDs(r Role, kind string) (ids []int64, zone bool) {
	if p == nil {
		return nil, false
	}
	for _, g := range p.Grants {
		if g.Role != r {
			continue
		}
		if g.ScopeKind == ScopeZone {
			zone = true
		} else if g.ScopeKind == kind {
			ids = append(ids, g.ScopeID)
		}
	}
	return ids, zone
}

// Object is what an action touches, described by the scopes it belongs to.
// A zero field means "not in any such scope"; Zone marks zone-wide objects
// (configuration, lists) that only zone-level grants reach.
type Object struct {
	Village      int64
	Department   int64
	Enterprise   int64
	Branch       int64
	Person       int64 // the person the object is about or belongs to
	Confidential bool  // 等保 8.1.4.2g security label (problem leads)
}

// ZoneOnly is an object in no village, department, enterprise or branch:
// only zone-level grants reach it (zone-wide figures, people not yet placed
// in any unit).
var ZoneOnly = Object{Village: -1, Department: -1, Enterprise: -1, Branch: -1}

// Anything is the object of a function-level check ("may this role list
// enterprises at all?"); lists are then filtered by scope in SQL.
var Anything = Object{}

// Can is the one authorization decision: may p do perm on obj? Deny by
// default. A rule for a role either covers any object (Any) or only objects
// inside the grant's scope; a zone grant covers every scope. With obj ==
// Anything, the question is whether p may use the function at all.
func Can(p *Principal, perm Perm, obj Object) bool {
	if p == nil || p.MustChange {
		return false
	}
	rules, ok := permissions[perm]
	if !ok {
		return false
	}
	for _, rule := range rules {
		for _, g := range p.Grants {
			if g.Role != rule.Role {
				continue
			}
			if obj.Confidential && !rule.Confidential {
				continue
			}
			if rule.Self {
				// A self rule reaches only the person's own records (and
				// the function itself, for listing them).
				if obj == Anything || (obj.Person != 0 && obj.Person == p.PersonID) {
					return true
				}
				continue
			}
			if rule.Any || obj == Anything || g.ScopeKind == ScopeZone || covers(g, obj) {
				return true
			}
		}
	}
	return false
}

func covers(g Grant, o Object) bool {
	switch g.ScopeKind {
	case ScopeVillage:
		return o.Village != 0 && o.Village == g.ScopeID
	case ScopeDepartment:
		return o.Department != 0 && o.Department == g.ScopeID
	case ScopeEnterprise:
		return o.Enterprise != 0 && o.Enterprise == g.ScopeID
	case ScopeBranch:
		return o.Branch != 0 && o.Branch == g.ScopeID
	}
	return false
}
