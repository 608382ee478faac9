// Package directory is the zone's register of who and what exists:
// departments, party organisations (a tree from 党工委 down to branches),
// villages, enterprises (with their 统一社会信用代码 and designations), people
// (with encrypted, masked 身份证号 and mobile numbers) and the positions they
// hold. Every module builds on it; it builds only on the platform.
package directory

import "time"

// Department is a zone department (组织部、经发局 …).
type Department struct {
	ID     int64  `json:"id"`
	Code   string `json:"code"`
	Name   string `json:"name"`
	NameEn string `json:"name_en"`
	Sort   int    `json:"-"`
	People int    `json:"people"`
}

// Village is one of the zone's villages (七村).
type Village struct {
	ID           int64  `json:"id"`
	Code         string `json:"code"`
	Name         string `json:"name"`
	HeavyFinance bool   `json:"heavy_finance"`
	Households   int    `json:"households"`
	Adults       int    `json:"adults"`
	OneShoulder  bool   `json:"one_shoulder"` // secretary also heads the village committee (一肩挑)
	Secretary    string `json:"secretary"`
	PartyMembers int    `json:"party_members"`
}

// Branch kinds.
const (
	KindWorkingCommittee = "working_committee" // 党工委
	KindOrganCommittee   = "organ_committee"   // 机关党委
	KindOrganBranch      = "organ_branch"      // 机关党支部
	KindVillage          = "village"           // 村党组织
	KindEnterprise       = "enterprise"        // 非公企业党组织
	KindOther            = "other"             // 社会组织等
)

// Branch is a party organisation (党组织) at any level.
type Branch struct {
	ID           int64     `json:"id"`
	ParentID     int64     `json:"parent_id,omitempty"`
	Kind         string    `json:"kind"`
	Name         string    `json:"name"`
	VillageID    int64     `json:"village_id,omitempty"`
	EnterpriseID int64     `json:"enterprise_id,omitempty"`
	DepartmentID int64     `json:"department_id,omitempty"`
	FoundedOn    string    `json:"founded_on,omitempty"`
	Members      int       `json:"members"`
	Children     []*Branch `json:"children,omitempty"`
}

// Designations an enterprise can hold.
var Designations = []struct{ Code, Zh, En string }{
	{"specialized", "专精特新", "Specialised & innovative"},
	{"specialized_demo", "专精特新示范", "Specialised & innovative (demonstration)"},
	{"single_champion", "单项冠军", "Single champion"},
	{"eco_positive", "生态环境正面清单", "Environmental positive list"},
	{"tech_reform", "技术改造专项", "Technical transformation fund"},
	{"passive_building", "被动式超低能耗建筑", "Passive ultra-low-energy building"},
	{"high_tech", "高新技术企业", "High-tech enterprise"},
}

// Designation records that an enterprise holds a designation in a year.
type Designation struct {
	Code string `json:"code"`
	Year int    `json:"year"`
}

// Enterprise is a company in the zone.
type Enterprise struct {
	ID           int64         `json:"id"`
	Name         string        `json:"name"`
	CreditCode   string        `json:"credit_code"`
	AboveScale   bool          `json:"above_scale"` // 规上
	AboveQuota   bool          `json:"above_quota"` // 限上
	Industry     string        `json:"industry"`
	Address      string        `json:"address"`
	Designations []Designation `json:"designations"`
	CreatedAt    time.Time     `json:"created_at"`
}

// EnterpriseInput is what a form, the API or an import row supplies.
type EnterpriseInput struct {
	Name         string   `json:"name"`
	CreditCode   string   `json:"credit_code"`
	AboveScale   bool     `json:"above_scale"`
	AboveQuota   bool     `json:"above_quota"`
	Industry     string   `json:"industry"`
	Address      string   `json:"address"`
	Designations []string `json:"designations"`
}

// Person is someone in the directory. IDNumber and Mobile hold the masked
// forms unless the caller asked to unmask and was allowed to.
type Person struct {
	ID             int64     `json:"id"`
	Name           string    `json:"name"`
	Gender         string    `json:"gender"`
	BirthYear      int       `json:"birth_year"`
	IDNumber       string    `json:"id_number"`
	Mobile         string    `json:"mobile"`
	Masked         bool      `json:"masked"`
	PartyMember    bool      `json:"party_member"`
	JoinedPartyOn  string    `json:"joined_party_on,omitempty"`
	BranchID       int64     `json:"branch_id,omitempty"`
	BranchName     string    `json:"branch,omitempty"`
	VillageID      int64     `json:"village_id,omitempty"`
	VillageName    string    `json:"village,omitempty"`
	DepartmentID   int64     `json:"department_id,omitempty"`
	DepartmentName string    `json:"department,omitempty"`
	EnterpriseID   int64     `json:"enterprise_id,omitempty"`
	EnterpriseName string    `json:"enterprise,omitempty"`
	Positions      []string  `json:"positions,omitempty"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// PersonInput is what a form, the API or an import row supplies.
type PersonInput struct {
	Name          string `json:"name"`
	IDNumber      string `json:"id_number"`
	Mobile        string `json:"mobile"`
	PartyMember   bool   `json:"party_member"`
	JoinedPartyOn string `json:"joined_party_on"`
	BranchID      int64  `json:"branch_id"`
	VillageID     int64  `json:"village_id"`
	DepartmentID  int64  `json:"department_id"`
	EnterpriseID  int64  `json:"enterprise_id"`
}

// Position codes (岗位).
const (
	PosVillageSecretary  = "village_secretary"  // 村党组织书记
	PosVillageDirector   = "village_director"   // 村委会主任
	PosVillageCommittee  = "village_committee"  // 村"两委"委员
	PosSupervisor        = "village_supervisor" // 村务监督委员会委员
	PosRepresentative    = "representative"     // 村民代表
	PosPartyWorker       = "party_worker"       // 党务工作者
	PosBranchSecretary   = "branch_secretary"   // 支部书记
	PosBranchCommittee   = "branch_committee"   // 支委委员
	PosLiaison           = "liaison"            // 非公党建指导员（联络员）
	PosEnterpriseContact = "enterprise_contact" // 企业联系人
	PosDeptStaff         = "dept_staff"         // 部门经办人
	PosDiscipline        = "discipline"         // 纪检委员
)

// PositionNames gives each position's Chinese and English name.
var PositionNames = map[string][2]string{
	PosVillageSecretary:  {"村党组织书记", "Village Party secretary"},
	PosVillageDirector:   {"村委会主任", "Village committee director"},
	PosVillageCommittee:  {"村两委委员", "Village committee member"},
	PosSupervisor:        {"村务监督委员会委员", "Village supervision committee member"},
	PosRepresentative:    {"村民代表", "Villager representative"},
	PosPartyWorker:       {"党务工作者", "Party worker"},
	PosBranchSecretary:   {"支部书记", "Branch secretary"},
	PosBranchCommittee:   {"支委委员", "Branch committee member"},
	PosLiaison:           {"非公党建指导员（联络员）", "Liaison"},
	PosEnterpriseContact: {"企业联系人", "Enterprise contact"},
	PosDeptStaff:         {"部门经办人", "Department staff"},
	PosDiscipline:        {"纪检委员", "Discipline inspector"},
}

// Position is a post a person holds in a unit.
type Position struct {
	ID           int64  `json:"id"`
	PersonID     int64  `json:"person_id"`
	Title        string `json:"title"`
	VillageID    int64  `json:"village_id,omitempty"`
	BranchID     int64  `json:"branch_id,omitempty"`
	DepartmentID int64  `json:"department_id,omitempty"`
	EnterpriseID int64  `json:"enterprise_id,omitempty"`
	StartedOn    string `json:"started_on,omitempty"`
}
