// Package auth holds accounts, passwords, sessions, API tokens, roles with
// their scopes, the security policy, and the one authorization function that
// every handler calls (deny by default: role AND the object's scope).
package auth

// Role is a code name from DOMAIN.md.
type Role string

// The roles of DOMAIN.md.
const (
	Sysadmin          Role = "sysadmin"
	Secadmin          Role = "secadmin"
	Auditor           Role = "auditor"
	Committee         Role = "committee"
	DeptStaff         Role = "dept_staff"
	Liaison           Role = "liaison"
	Enterprise        Role = "enterprise"
	VillageSecretary  Role = "village_secretary"
	VillageSupervisor Role = "village_supervisor"
	Discipline        Role = "discipline"
	Member            Role = "member"
)

// AllRoles in display order.
var AllRoles = []Role{Committee, DeptStaff, Liaison, Enterprise, VillageSecretary, VillageSupervisor, Discipline, Member, Sysadmin, Secadmin, Auditor}

// RoleNames gives each role's Chinese and English name.
var RoleNames = map[Role][2]string{
	Sysadmin:          {"系统管理员", "System administrator"},
	Secadmin:          {"安全管理员", "Security administrator"},
	Auditor:           {"审计管理员", "Audit administrator"},
	Committee:         {"党工委/机关党委", "Party Working Committee"},
	DeptStaff:         {"部门经办人", "Department staff"},
	Liaison:           {"非公党建指导员（联络员）", "Liaison"},
	Enterprise:        {"企业联系人", "Enterprise contact"},
	VillageSecretary:  {"村党组织书记（一肩挑）", "Village secretary"},
	VillageSupervisor: {"村务监督委员会", "Village supervision committee"},
	Discipline:        {"纪检委员", "Discipline inspector"},
	Member:            {"党员/机关干部", "Party member"},
}

// IsAdmin reports the three administrator roles of 三员分立 (等保 8.1.4.2d).
func (r Role) IsAdmin() bool { return r == Sysadmin || r == Secadmin || r == Auditor }

// Valid reports a known role.
func (r Role) Valid() bool { _, ok := RoleNames[r]; return ok }

// Scope kinds of a grant or an object.
const (
	ScopeZone       = "zone"
	ScopeVillage    = "village"
	ScopeDepartment = "department"
	ScopeEnterprise = "enterprise"
	ScopeBranch     = "branch"
)

// roleScopes lists the scope kinds a role may be granted over.
var roleScopes = map[Role][]string{
	Sysadmin:          {ScopeZone},
	Secadmin:          {ScopeZone},
	Auditor:           {ScopeZone},
	Committee:         {ScopeZone},
	DeptStaff:         {ScopeDepartment},
	Liaison:           {ScopeEnterprise},
	Enterprise:        {ScopeEnterprise},
	VillageSecretary:  {ScopeVillage},
	VillageSupervisor: {ScopeVillage},
	Discipline:        {ScopeZone, ScopeVillage},
	Member:            {ScopeBranch},
}

// Grant is one role held over one scope.
type Grant struct {
	Role      Role   `json:"role"`
	ScopeKind string `json:"scope_kind"`
	ScopeID   int64  `json:"scope_id"`
}
