package express

import (
	"context"
	"testing"
	"time"
)

// seedFigures are the express figures the seed quotes for 2021
// (开通非公企业“党建直通车”), by figure key. The figures come out of the demo
// records through ExpressFigures' queries; none is typed into the code.
var seedFigures = map[string]float64{
	"liaisons":              35, // 重新选派35名非公党建指导员
	"formation.formed":      7,  // 成立非公经济、社会组织党组织7个
	"formation.departments": 3,  // 经发局、工会、投促局等部门
	"points.categories":     7,  // 确定7方面具体工作
	// 帮助金弘圣达、卡林热泵成功申报2021年河北省被动式超低能耗建筑产业项目
	"applications.helped.passive_building":   2,
	"applications.approved.passive_building": 2,
	// 帮助北京现代、岱摩斯、天成药业申报2021年技术改造专项基金900万元
	"applications.helped.tech_reform":         3,
	"applications.amount_applied.tech_reform": 900,
	// 帮助唐威药业成功申报专精特新示范企业
	"applications.helped.specialized_demo":   1,
	"applications.approved.specialized_demo": 1,
	// 帮助恒祥生粮食机械、天华移动、坤兴不锈钢等11家企业成功申报专精特新企业
	"applications.helped.specialized":   11,
	"applications.approved.specialized": 11,
	// 帮助天成药业申报2021年河北省单项冠军企业
	"applications.helped.single_champion": 1,
	// 帮助慧科（沧州）科技有限公司申报河北省新一代信息技术与制造业融合发展项目
	"applications.helped.it_integration": 1,
	// 帮助开发区创业中心成功申报河北省小微企业创业创新基地
	"applications.helped.micro_base":   1,
	"applications.approved.micro_base": 1,
	// 帮助东盛、万岁、北京现代等7家企业纳入生态环境正面清单
	"applications.helped.eco_positive":   7,
	"applications.approved.eco_positive": 7,
}

// TestFiguresMatchSeed loads the module's demo year and checks every
// figure against the seed; then changes the records and sees the figures
// follow (they are queries).
func TestFiguresMatchSeed(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		start := time.Now()
		if err := e.M.LoadDemo(ctx); err != nil {
			t.Fatal(err)
		}
		t.Logf("module demo loaded in %v", time.Since(start))
		office := e.principal(t, "committee")
		f, err := e.M.ExpressFigures(ctx, office, 2021, "zh-CN")
		if err != nil {
			t.Fatal(err)
		}
		for k, want := range seedFigures {
			g := f.Get(k)
			if g == nil {
				t.Errorf("figure %s missing", k)
				continue
			}
			if g.Value != want {
				t.Errorf("%s (%s) = %v, seed says %v", k, g.Label, g.Value, want)
			}
			if g.Definition == "" || g.Unit == "" || g.Label == "" || g.Label == "fig.label."+k {
				t.Errorf("%s: label %q unit %q definition %q", k, g.Label, g.Unit, g.Definition)
			}
		}
		// 意愿信息10余条: more than ten, fewer than twenty.
		if g := f.Get("formation.leads"); g == nil || g.Value <= 10 || g.Value >= 20 {
			t.Errorf("formation.leads = %+v, seed says 10余条", g)
		}
		if g, l := f.Get("formation.visited"), f.Get("formation.leads"); g == nil || g.Value < seedFigures["formation.formed"] || g.Value > l.Value {
			t.Errorf("formation.visited = %+v", g)
		}
		for _, g := range f.Figures {
			t.Logf("%-45s %8v %s", g.Key, g.Value, g.Label)
		}

		// Another year holds other records: 2020's rejected application.
		f20, err := e.M.ExpressFigures(ctx, office, 2020, "en")
		if err != nil {
			t.Fatal(err)
		}
		if g := f20.Get("applications.helped.specialized"); g == nil || g.Value != 1 || f20.Get("applications.approved.specialized").Value != 0 {
			t.Errorf("2020 specialized: %+v", g)
		}
		if g := f20.Get("formation.formed"); g.Value != 0 {
			t.Errorf("2020 formed: %v", g.Value)
		}

		// The figures follow the records: the 2022 preparation submitted and
		// approved as a 2021 application would make 12; moving the year of one
		// tech-reform application lowers the 900.
		if _, err := e.M.DB.Q(ctx).ExecContext(ctx, `UPDATE appl_applications SET year = 2020 WHERE programme = 'tech_reform' AND amount_applied = 200000000`); err != nil {
			t.Fatal(err)
		}
		f, _ = e.M.ExpressFigures(ctx, office, 2021, "zh-CN")
		if g := f.Get("applications.amount_applied.tech_reform"); g.Value != 700 {
			t.Errorf("after moving 200万元 to 2020: %v", g.Value)
		}
		// Only the office reads the zone's figures.
		if _, err := e.M.ExpressFigures(ctx, e.principal(t, "liaison"), 2021, "zh-CN"); err == nil {
			t.Error("liaison read the figures")
		}
	})
}
