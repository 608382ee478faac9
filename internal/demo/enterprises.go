package demo

import (
	"fmt"

	"zhongshu/internal/directory"
)

// enterprise is a created enterprise.
type enterprise struct {
	ID         int64
	Short      string // the seed's short name; "" for generated ones
	Name       string
	AboveScale bool
	Contact    personRef
}

// named are the enterprises the seed names, with fictional full names that
// start with the seed's short name (慧科 is named in full in the seed), and
// the designations the seed reports for 2021:
//   - 金弘圣达、卡林热泵: 被动式超低能耗建筑产业项目 (passive_building);
//   - 北京现代、岱摩斯、天成药业: 技术改造专项基金 (tech_reform);
//   - 唐威药业: 专精特新示范企业 (specialized_demo);
//   - 恒祥生粮食机械、天华移动、坤兴不锈钢 "等11家": 专精特新 (the other 8 are generated);
//   - 东盛、万岁、北京现代 "等7家": 生态环境正面清单 (the other 4 are generated).
//
// 天成药业's 单项冠军 application is only an application, so it holds no
// single_champion designation.
var named = []struct {
	Short, Name, Industry string
	AboveScale            bool
	Designations          []string
}{
	{"北京现代", "北京现代汽车有限公司沧州分公司", "汽车制造业", true, []string{"eco_positive", "tech_reform"}},
	{"岱摩斯", "岱摩斯（沧州）汽车零部件有限公司", "汽车制造业", true, []string{"tech_reform"}},
	{"天成药业", "天成药业有限公司", "医药制造业", true, []string{"tech_reform", "high_tech"}},
	{"唐威药业", "唐威药业（沧州）有限公司", "医药制造业", true, []string{"specialized_demo", "high_tech"}},
	{"恒祥生粮食机械", "恒祥生粮食机械制造有限公司", "专用设备制造业", true, []string{"specialized"}},
	{"天华移动", "天华移动装备科技有限公司", "专用设备制造业", true, []string{"specialized"}},
	{"坤兴不锈钢", "坤兴不锈钢制品有限公司", "金属制品业", true, []string{"specialized"}},
	{"金弘圣达", "金弘圣达新型建材有限公司", "非金属矿物制品业", false, []string{"passive_building"}},
	{"卡林热泵", "卡林热泵技术（沧州）有限公司", "通用设备制造业", false, []string{"passive_building"}},
	{"慧科", "慧科（沧州）科技有限公司", "软件和信息技术服务业", false, []string{"high_tech"}},
	{"东盛", "东盛精细化工有限公司", "化学原料和化学制品制造业", true, []string{"eco_positive"}},
	{"万岁", "万岁精密铸造有限公司", "金属制品业", true, []string{"eco_positive"}},
}

// Generated enterprises and how many of them carry each flag, so that the
// zone totals are 45 规上, 15 限上, 11 专精特新 and 7 on the positive list.
const (
	generated          = 150
	generatedScale     = 36 // + 9 named = 45 规上
	generatedQuota     = 15
	generatedSpecial   = 8 // + 3 named = 11
	generatedEco       = 4 // + 3 named = 7
	generatedHighTech  = 10
	generatedOldOrgs   = 6 // party organisations founded before 2021
	generatedNewOrgs   = 2 // of the 5 enterprise organisations founded in 2021
	generatedTradeEach = 5 // every 5th generated company (index 2 mod 5) trades
)

// enterprises creates the named and the generated enterprises.
func (l *loader) enterprises() {
	if l.err != nil {
		return
	}
	for _, n := range named {
		l.g.entNames[n.Name] = true
		l.enterprise(&enterprise{Short: n.Short, Name: n.Name, AboveScale: n.AboveScale}, directory.EnterpriseInput{
			Name: n.Name, CreditCode: l.g.creditCode(l.g.chance(50)), AboveScale: n.AboveScale,
			Industry: n.Industry, Address: l.g.address(), Designations: n.Designations,
		})
	}

	ins := make([]directory.EnterpriseInput, generated)
	var makersIdx, tradersIdx []int
	for i := range ins {
		k := pick(l.g, makers)
		if i%generatedTradeEach == 2 {
			k = pick(l.g, traders)
			tradersIdx = append(tradersIdx, i)
		} else {
			makersIdx = append(makersIdx, i)
		}
		ins[i] = directory.EnterpriseInput{Name: l.g.companyName(k), CreditCode: l.g.creditCode(l.g.chance(65)),
			Industry: k.Industry, Address: l.g.address()}
	}
	// One permutation of the manufacturers decides every flag, in slices
	// that fix which flags overlap (see slot).
	l.makers = permuted(l.g, makersIdx)
	for _, i := range l.makers[:generatedScale] {
		ins[i].AboveScale = true
	}
	for _, i := range permuted(l.g, tradersIdx)[:generatedQuota] {
		ins[i].AboveQuota = true
	}
	designate := func(s slot, code string) {
		for _, i := range l.makers[s.from:s.to] {
			ins[i].Designations = append(ins[i].Designations, code)
		}
	}
	designate(slotEco, "eco_positive")
	designate(slotHighTech, "high_tech")
	designate(slotSpecial, "specialized")
	for _, in := range ins {
		l.enterprise(&enterprise{Name: in.Name, AboveScale: in.AboveScale}, in)
	}
}

// slot is a range of the manufacturers' permutation; ranges below
// generatedScale are above-scale companies.
type slot struct{ from, to int }

var (
	slotEco      = slot{0, generatedEco}                                           // 规上, on the positive list
	slotOldOrgs  = slot{4, 4 + generatedOldOrgs}                                   // 规上, party organisation before 2021
	slotHighTech = slot{10, 10 + generatedHighTech}                                // 规上, high-tech
	slotNewOrgs  = slot{20, 20 + generatedNewOrgs}                                 // 规上, party organisation formed in 2021
	slotSpecial  = slot{generatedScale - 6, generatedScale - 6 + generatedSpecial} // 6 规上 + 2 smaller 专精特新
)

func permuted(g *gen, xs []int) []int {
	out := make([]int, len(xs))
	for i, p := range g.r.Perm(len(xs)) {
		out[i] = xs[p]
	}
	return out
}

// enterprise creates one enterprise and remembers it.
func (l *loader) enterprise(e *enterprise, in directory.EnterpriseInput) {
	if l.err != nil {
		return
	}
	id, err := l.d.Dir.CreateEnterprise(l.ctx, system, in)
	l.fail("create enterprise "+in.Name, err)
	e.ID = id
	l.ents = append(l.ents, e)
}

// byShort returns a named enterprise.
func (l *loader) byShort(short string) *enterprise {
	for _, e := range l.ents {
		if e.Short == short {
			return e
		}
	}
	panic("demo: no named enterprise " + short)
}

// generatedEnt returns the generated enterprise at index i of the generated list.
func (l *loader) generatedEnt(i int) *enterprise { return l.ents[len(named)+i] }

// partyOrg is a non-public party organisation (enterprise or social).
type partyOrg struct {
	ID      int64
	Name    string
	Ent     *enterprise // nil for a social organisation
	Members int
}

// socialOrgs are the two social organisations whose party organisations
// were formed in 2021.
var socialOrgs = []string{"沧州经济开发区企业家协会党支部", "沧州经济开发区物流行业协会党支部"}

// partyOrgs creates the enterprise and social party organisations under
// 党工委: some founded years ago, and the seven formed in 2021 (seed:
// 成立非公经济、社会组织党组织7个) — five in enterprises, two in social
// organisations.
func (l *loader) partyOrgs() {
	if l.err != nil {
		return
	}
	var old []*enterprise
	for _, s := range []string{"北京现代", "岱摩斯", "天成药业", "唐威药业", "东盛", "恒祥生粮食机械"} {
		old = append(old, l.byShort(s))
	}
	for _, i := range l.makers[slotOldOrgs.from:slotOldOrgs.to] {
		old = append(old, l.generatedEnt(i))
	}
	for _, e := range old {
		name, size, founded := e.Name+"党支部", l.g.between(8, 20), l.g.date(l.g.between(2008, 2020), 1, 12)
		if e.Short == "北京现代" {
			name, size, founded = e.Name+"党委", l.g.between(30, 40), l.g.date(2017, 3, 6)
		}
		l.org(directory.KindEnterprise, name, e, founded, size)
	}

	// Formed in 2021, after the 党建直通车 office opened in January.
	gen := l.makers[slotNewOrgs.from:slotNewOrgs.to]
	type formed struct {
		ent   *enterprise
		other string
	}
	list := []formed{
		{ent: l.byShort("坤兴不锈钢")}, {ent: l.byShort("天华移动")}, {ent: l.generatedEnt(gen[0])}, {ent: l.byShort("慧科")},
		{other: socialOrgs[0]}, {ent: l.generatedEnt(gen[1])}, {other: socialOrgs[1]},
	}
	for i, f := range list {
		month := []int{3, 5, 6, 7, 9, 10, 11}[i]
		founded := fmt.Sprintf("2021-%02d-%02d", month, l.g.between(1, 28))
		if f.ent == nil {
			l.org(directory.KindOther, f.other, nil, founded, l.g.between(3, 6))
		} else {
			l.org(directory.KindEnterprise, f.ent.Name+"党支部", f.ent, founded, l.g.between(3, 7))
		}
	}
}

func (l *loader) org(kind, name string, e *enterprise, founded string, size int) {
	b := directory.Branch{Kind: kind, Name: name, ParentID: l.zone, FoundedOn: founded}
	if e != nil {
		b.EnterpriseID = e.ID
	}
	l.orgs = append(l.orgs, &partyOrg{ID: l.branch(b), Name: name, Ent: e, Members: size})
}
