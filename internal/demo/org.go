package demo

import (
	"fmt"
	"slices"

	"zhongshu/internal/directory"
)

// departments are the ten the seed names (组织部、人社局、经发局、社发局、工会、
// 共青团、妇联、党政办、投促局、税务局).
var departments = []struct{ Code, Name, En string }{
	{"ORG", "组织部", "Organisation Department"},
	{"HRSS", "人社局", "Human Resources and Social Security Bureau"},
	{"ECON", "经发局", "Economic Development Bureau"},
	{"SOC", "社发局", "Social Development Bureau"},
	{"UNION", "工会", "Trade Union"},
	{"YOUTH", "共青团", "Communist Youth League"},
	{"WOMEN", "妇联", "Women's Federation"},
	{"OFFICE", "党政办", "Party and Government Office"},
	{"INVEST", "投促局", "Investment Promotion Bureau"},
	{"TAX", "税务局", "Taxation Bureau"},
}

// Names of the party organisations above the branches.
const (
	zoneCommitteeName  = "沧州经济开发区党工委"
	organCommitteeName = "沧州经济开发区机关党委"
	organFoundedOn     = "2021-10-09" // seed: 今年10月9日，机关党委正式成立
)

// organUnits are the 16 机关党支部 (seed: 全区16个机关党支部) and the
// department each belongs to, where the department exists. The members of
// 群团工作部党支部 work for 工会, 共青团 and 妇联.
var organUnits = []struct{ Name, Dept string }{
	{"党政办党支部", "OFFICE"}, {"组织部党支部", "ORG"}, {"经发局党支部", "ECON"}, {"社发局党支部", "SOC"},
	{"投促局党支部", "INVEST"}, {"税务局党支部", "TAX"}, {"人社局党支部", "HRSS"}, {"财政局党支部", ""},
	{"建设局党支部", ""}, {"自然资源局党支部", ""}, {"生态环境局党支部", ""}, {"应急管理局党支部", ""},
	{"行政审批局党支部", ""}, {"综合执法局党支部", ""}, {"群团工作部党支部", ""}, {"创业中心党支部", ""},
}

// massDepts are the departments of 群团工作部党支部's members, in rotation.
var massDepts = []string{"UNION", "YOUTH", "WOMEN"}

// villageNames are the seven villages (seed: 七村), fictional, each with the
// surname most of its families share.
var villageNames = []struct{ Name, Clan string }{
	{"东王村", "王"}, {"西马庄村", "马"}, {"小赵庄村", "赵"}, {"前屯村", "张"}, {"后屯村", "刘"}, {"北孙村", "孙"}, {"南李村", "李"},
}

// organBranch is a 机关党支部 and its members.
type organBranch struct {
	ID      int64
	Name    string
	Dept    string // department code or ""
	Members []organMember
}

// organMember is a member of an organ branch with the department they work for.
type organMember struct {
	personRef
	Dept string
}

// village is one of the seven and its officers.
type village struct {
	ID         int64
	Code, Name string
	Clan       string
	Households int
	Branch     int64
	Election   string // the 2021 两委换届 day
	Secretary  personRef
	Supervisor personRef // chair of 村务监督委员会
}

// orgUnits creates the departments, the villages and the party
// organisations above and of them.
func (l *loader) orgUnits() {
	for i, d := range departments {
		id, err := l.d.Dir.CreateDepartment(l.ctx, system, directory.Department{Code: d.Code, Name: d.Name, NameEn: d.En, Sort: i + 1})
		l.fail("create department "+d.Name, err)
		l.dept[d.Code], l.deptName[id] = id, d.Name
	}

	hh := make([]int, len(villageNames))
	for i := range hh {
		hh[i] = l.g.between(300, 900)
	}
	// Collective finances are heaviest in the two largest villages (monthly 财务 disclosure).
	order := []int{0, 1, 2, 3, 4, 5, 6}
	slices.SortStableFunc(order, func(a, b int) int { return hh[b] - hh[a] })
	heavy := map[int]bool{order[0]: true, order[1]: true}
	for i, vn := range villageNames {
		v := &village{Code: fmt.Sprintf("V%02d", i+1), Name: vn.Name, Clan: vn.Clan, Households: hh[i], Election: l.g.date(2021, 1, 1)}
		adults := hh[i] * l.g.between(230, 270) / 100
		id, err := l.d.Dir.CreateVillage(l.ctx, system, directory.Village{Code: v.Code, Name: v.Name, HeavyFinance: heavy[i],
			Households: v.Households, Adults: adults, OneShoulder: true})
		l.fail("create village "+v.Name, err)
		v.ID = id
		l.villages = append(l.villages, v)
	}

	l.zone = l.branch(directory.Branch{Kind: directory.KindWorkingCommittee, Name: zoneCommitteeName})
	l.organ = l.branch(directory.Branch{Kind: directory.KindOrganCommittee, Name: organCommitteeName, ParentID: l.zone, FoundedOn: organFoundedOn})
	for _, u := range organUnits {
		ob := &organBranch{Name: u.Name, Dept: u.Dept}
		ob.ID = l.branch(directory.Branch{Kind: directory.KindOrganBranch, Name: u.Name, ParentID: l.organ, DepartmentID: l.dept[u.Dept]})
		l.branches = append(l.branches, ob)
	}
	for _, v := range l.villages {
		v.Branch = l.branch(directory.Branch{Kind: directory.KindVillage, Name: v.Name + "党支部", ParentID: l.zone, VillageID: v.ID})
	}
}

// branch creates a party organisation.
func (l *loader) branch(b directory.Branch) int64 {
	if l.err != nil {
		return 0
	}
	id, err := l.d.Dir.CreateBranch(l.ctx, system, b)
	l.fail("create organisation "+b.Name, err)
	return id
}
