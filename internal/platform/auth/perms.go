package auth

// Perm is a permission named "module:action" (listmonk's habit): declared
// once here, checked by Can with the object's scope, and covered by the
// role × route matrix test.
type Perm string

// Rule lets a role use a permission. Any: the role's grant need not cover
// the object's scope. Self: the role reaches only objects about the person
// themselves.
// Confidential: the rule reaches objects labelled confidential.
type Rule struct {
	Role         Role
	Any          bool
	Self         bool
	Confidential bool
}

// Platform and directory permissions. Modules add theirs with Register.
const (
	UsersManage     Perm = "users:manage"    // accounts (sysadmin)
	SecurityManage  Perm = "security:manage" // roles, policy, lockouts (secadmin)
	AuditRead       Perm = "audit:read"      // the audit log and its verification (auditor)
	OrgRead         Perm = "org:read"        // departments, party organisations, villages
	OrgWrite        Perm = "org:write"
	PeopleRead      Perm = "people:read"
	PeopleWrite     Perm = "people:write"
	PeopleUnmask    Perm = "people:unmask" // see full 身份证号/mobile, with a reason, audited
	EnterpriseRead  Perm = "enterprises:read"
	EnterpriseWrite Perm = "enterprises:write"
	Import          Perm = "directory:import"
	Export          Perm = "directory:export"
	NotifyRead      Perm = "notify:read"     // own in-app notifications
	JobsManage      Perm = "jobs:manage"     // schedules, background jobs, dead letters (sysadmin)
	ChannelsManage  Perm = "channels:manage" // message channels and the delivery log (sysadmin)
)

// business roles: everyone but the three administrators (三员分立: they
// never read business data).
var business = []Role{Committee, DeptStaff, Liaison, Enterprise, VillageSecretary, VillageSupervisor, Discipline, Member}

func anyOf(roles ...Role) []Rule {
	out := make([]Rule, len(roles))
	for i, r := range roles {
		out[i] = Rule{Role: r, Any: true}
	}
	return out
}

var permissions = map[Perm][]Rule{
	UsersManage:    {{Role: Sysadmin}},
	SecurityManage: {{Role: Secadmin}},
	AuditRead:      {{Role: Auditor}},
	// The organisation's shape is not personal data: every signed-in role,
	// including sysadmin who maintains it, may see it.
	OrgRead:  anyOf(append([]Role{Sysadmin}, business...)...),
	OrgWrite: {{Role: Sysadmin}, {Role: Committee}},
	PeopleRead: {
		{Role: Committee},
		{Role: DeptStaff}, {Role: VillageSecretary}, {Role: VillageSupervisor}, {Role: Discipline},
		{Role: Member, Self: true},
	},
	PeopleWrite:  {{Role: Committee}, {Role: VillageSecretary}},
	PeopleUnmask: {{Role: Committee}},
	EnterpriseRead: {
		{Role: Committee}, {Role: DeptStaff, Any: true},
		{Role: Liaison}, {Role: Enterprise},
	},
	EnterpriseWrite: {{Role: Committee}},
	Import:          {{Role: Committee}},
	Export:          {{Role: Committee}, {Role: DeptStaff}},
	NotifyRead:      anyOf(append([]Role{Sysadmin, Secadmin, Auditor}, business...)...),
	JobsManage:      {{Role: Sysadmin}},
	ChannelsManage:  {{Role: Sysadmin}},
}

// Register adds a module's permissions. It panics on a duplicate, because
// two meanings for one name would be a security bug.
func Register(p Perm, rules ...Rule) {
	if _, dup := permissions[p]; dup {
		panic("auth: permission declared twice: " + string(p))
	}
	permissions[p] = rules
}

// Perms lists every declared permission (for the matrix test and the
// secadmin page).
func Perms() map[Perm][]Rule { return permissions }
