package village

import (
	"context"
	"fmt"
	"time"

	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
)

// The demo's 三务公开 over 2021 (issue 5 item 13), as of the demo day
// 2021-12-20: every village disclosed village affairs for Q1–Q3, party
// affairs for H1, and finance monthly (the two heavy_finance villages,
// January–November) or quarterly (Q1–Q3), each in the first days of the
// following month — with the expenditures V1's demo paid in each period
// listed automatically. Exceptions the compliance view must flag: the
// seventh village never disclosed Q3 village affairs (overdue since
// 2021-10-10) and the sixth published its Q2 village affairs late
// (2021-07-16). The first village corrected its Q3 village affairs on
// 2021-12-06 (version 2 with a reason); the first two villages hold a
// draft for Q4 village affairs (never public).

// demoNum is a small deterministic number for a village, period and slot.
func demoNum(village int64, period string, slot, lo, hi int) int {
	h := uint32(2166136261)
	for _, b := range []byte(fmt.Sprintf("%d|%s|%d", village, period, slot)) {
		h = (h ^ uint32(b)) * 16777619
	}
	return lo + int(h%uint32(hi-lo+1))
}

func fenPtr(v int64) *int64 { return &v }

var quarterZh = []string{"", "第一季度", "第二季度", "第三季度", "第四季度"}

func demoVillageItems(vid int64, per string) []ItemInput {
	return []ItemInput{
		{Title: "村民代表会议议定事项", Body: fmt.Sprintf("本季度召开村民代表会议 %d 次，议定村内道路维修、环境整治等事项 %d 项，决议均已张贴公示。", demoNum(vid, per, 1, 1, 3), demoNum(vid, per, 2, 2, 6))},
		{Title: "惠农补贴发放", Body: fmt.Sprintf("耕地地力保护补贴发放 %d 户，资金已直接拨付到户。", demoNum(vid, per, 3, 180, 620)), AmountFen: fenPtr(int64(demoNum(vid, per, 4, 60000, 240000)) * 100)},
		{Title: "低保、特困供养对象", Body: fmt.Sprintf("在册低保 %d 户、特困供养 %d 人，名单（已隐去身份证号）张贴于公开栏。", demoNum(vid, per, 5, 6, 21), demoNum(vid, per, 6, 1, 5))},
		{Title: "宅基地审批", Body: fmt.Sprintf("本季度受理宅基地申请 %d 户，经村民代表会议审议后报开发区审批。", demoNum(vid, per, 7, 0, 3))},
		{Title: "村级公益事业建设", Body: "村内主街路灯维护、垃圾清运按计划实施，群众监督电话已公布。"},
	}
}

func demoFinanceItems(vid int64, per string) []ItemInput {
	in1 := int64(demoNum(vid, per, 11, 8000, 42000)) * 100
	in2 := int64(demoNum(vid, per, 12, 5000, 30000)) * 100
	bal := int64(demoNum(vid, per, 13, 200000, 900000)) * 100
	return []ItemInput{
		{Title: "本期收入：集体资产发包收入", AmountFen: &in1},
		{Title: "本期收入：上级转移支付", AmountFen: &in2},
		{Title: "期末银行存款余额", AmountFen: &bal, Body: "以村级资金代理记账账户对账单为准"},
	}
}

func demoPartyItems(vid int64, per string) []ItemInput {
	dues := int64(demoNum(vid, per, 21, 1800, 6800)) * 100
	return []ItemInput{
		{Title: "发展党员", Body: fmt.Sprintf("确定入党积极分子 %d 名、发展对象 %d 名，均经支部委员会研究并公示。", demoNum(vid, per, 22, 1, 4), demoNum(vid, per, 23, 0, 2))},
		{Title: "党费收缴", Body: "按月足额收缴，台账已核对。", AmountFen: &dues},
		{Title: "“三会一课”开展情况", Body: fmt.Sprintf("召开支部党员大会 %d 次、支委会 %d 次，讲党课 %d 次。", demoNum(vid, per, 24, 2, 3), demoNum(vid, per, 25, 6, 8), demoNum(vid, per, 26, 2, 3))},
		{Title: "主题党日", Body: "每月固定开展主题党日，结合党史学习教育开展“我为群众办实事”活动。"},
	}
}

// demoAt is 09:30 zone time on a day.
func demoAt(day string) time.Time {
	t, _ := clock.ParseDay(day)
	return t.Add(9*time.Hour + 30*time.Minute).UTC()
}

func loadDisclosuresDemo(m *Module, ctx context.Context) error {
	vs, err := m.Dir.VillageList(ctx)
	if err != nil {
		return err
	}
	channels := []string{"website", "bulletin_board", "screen", "wechat"}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		add := func(vid int64, kind, per, title string, items []ItemInput, day string, publish bool) (int64, error) {
			pd := 7 + demoNum(vid, per, 30, 0, 1)*3
			in := DisclosureInput{Kind: kind, Period: per, Title: title, Items: items, Channels: channels, PostingDays: &pd}
			at := demoAt(day)
			id, err := m.createDraft(ctx, tx, vid, in, 0, at)
			if err != nil || !publish {
				return id, err
			}
			return id, m.publish(ctx, tx, id, 0, at)
		}
		for i, v := range vs {
			late := demoNum(v.ID, "day", 0, 0, 3)
			// 村务, quarterly.
			for q := 1; q <= 3; q++ {
				if i == 6 && q == 3 {
					continue // overdue: never disclosed
				}
				day := fmt.Sprintf("2021-%02d-%02d", q*3+1, 5+late)
				if i == 5 && q == 2 {
					day = "2021-07-16" // published late
				}
				per := fmt.Sprintf("2021-Q%d", q)
				id, err := add(v.ID, KindVillage, per, fmt.Sprintf("%s2021年%s村务公开", v.Name, quarterZh[q]), demoVillageItems(v.ID, per), day, true)
				if err != nil {
					return fmt.Errorf("demo disclosure %s %s: %w", v.Name, per, err)
				}
				if i == 0 && q == 3 {
					old, err := m.disclosure(ctx, id)
					if err != nil {
						return err
					}
					items := demoVillageItems(v.ID, per)
					items[3].Body = fmt.Sprintf("本季度受理宅基地申请 %d 户，经村民代表会议审议后报开发区审批；其中 1 户因不符合“一户一宅”规定未通过。", demoNum(v.ID, per, 7, 0, 3)+1)
					if _, err := m.correct(ctx, tx, old, DisclosureInput{Items: items, Reason: "原公开漏记 1 户宅基地申请（未通过审批），更正第 4 项受理户数"}, 0, demoAt("2021-12-06")); err != nil {
						return err
					}
				}
			}
			// 财务: monthly in heavy villages, else quarterly.
			if v.HeavyFinance {
				for mo := 1; mo <= 11; mo++ {
					per := fmt.Sprintf("2021-%02d", mo)
					next := time.Date(2021, time.Month(mo+1), 5+late, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
					if _, err := add(v.ID, KindFinance, per, fmt.Sprintf("%s2021年%d月财务公开", v.Name, mo), demoFinanceItems(v.ID, per), next, true); err != nil {
						return fmt.Errorf("demo disclosure %s %s: %w", v.Name, per, err)
					}
				}
			} else {
				for q := 1; q <= 3; q++ {
					per := fmt.Sprintf("2021-Q%d", q)
					day := fmt.Sprintf("2021-%02d-%02d", q*3+1, 6+late)
					if _, err := add(v.ID, KindFinance, per, fmt.Sprintf("%s2021年%s财务公开", v.Name, quarterZh[q]), demoFinanceItems(v.ID, per), day, true); err != nil {
						return fmt.Errorf("demo disclosure %s %s: %w", v.Name, per, err)
					}
				}
			}
			// 党务, half-yearly.
			if _, err := add(v.ID, KindParty, "2021-H1", fmt.Sprintf("%s党支部2021年上半年党务公开", v.Name), demoPartyItems(v.ID, "2021-H1"), fmt.Sprintf("2021-07-%02d", 2+late), true); err != nil {
				return fmt.Errorf("demo disclosure %s H1: %w", v.Name, err)
			}
			// Drafts of Q4 village affairs in the first two villages.
			if i < 2 {
				if _, err := add(v.ID, KindVillage, "2021-Q4", fmt.Sprintf("%s2021年第四季度村务公开（草稿）", v.Name), demoVillageItems(v.ID, "2021-Q4"), "2021-12-18", false); err != nil {
					return fmt.Errorf("demo draft %s: %w", v.Name, err)
				}
			}
		}
		return nil
	})
}

func init() {
	demoParts = append(demoParts, demoPart{Order: 45, Load: loadDisclosuresDemo})
}
