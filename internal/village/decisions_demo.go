package village

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/db"
)

func init() {
	demoParts = append(demoParts, demoPart{Order: 10, Load: loadDecisionsDemo})
}

// demoUser is a demo account's user and person ids.
type demoUser struct{ UserID, PersonID int64 }

func (m *Module) demoUser(ctx context.Context, username string) (demoUser, error) {
	var u demoUser
	var pid sql.NullInt64
	err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT id, person_id FROM users WHERE username = ?`, username).Scan(&u.UserID, &pid)
	if errors.Is(err, sql.ErrNoRows) {
		return u, fmt.Errorf("village demo: no account %s", username)
	}
	u.PersonID = pid.Int64
	return u, err
}

// demoCount counts a village's serving holders of a position.
func (m *Module) demoCount(ctx context.Context, villageID int64, title string) (int, error) {
	var n int
	err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM positions WHERE village_id = ? AND title = ? AND ended_on = ''`, villageID, title).Scan(&n)
	return n, err
}

// loadDecisionsDemo gives 东王村 (the first village, `village_secretary`'s)
// a year of 四议两公开 decisions and expenditures in every tier, through
// the same engine the pages use (every step is judged by the rules), and
// 西马庄村 an unfinished decision and request (drafts another village's
// secretary must not see):
//
//   - the main-street hardening project: ①+② merged (一肩挑), party review,
//     villagers' meeting by households, both disclosures — completed, and
//     paid as a tier-3 expenditure reviewed by the 社发局 三资 office;
//   - the fish-pond contracting plan: the full six steps without merging,
//     a villagers' meeting by adults, the resolution posted — passed;
//   - the revision of the village rules (村规民约): stopped, its party
//     members' meeting sat below two thirds (RULES.md 1.4);
//   - winter snow clearing and street lights: passed in December, its
//     tier-3 expenditure waiting for the township review;
//   - tier-1 and tier-2 expenditures paid over the year (including exactly
//     1,000.00 and 10,000.00 元, the tier edges), each co-signed by a 两委
//     member other than the requester (联审联签 in a 一肩挑 village, every
//     tier: RULES.md §2), one tier-2 waiting for the supervision
//     committee's co-signature.
//
// Requests are filed by the committee's account acting as the township's
// bookkeeping agent (村账乡代管), so that the secretary can approve them
// (nobody approves their own request).
func loadDecisionsDemo(m *Module, ctx context.Context) error {
	vs, err := m.Dir.VillageList(ctx)
	if err != nil {
		return err
	}
	if len(vs) < 2 {
		return nil
	}
	sort.Slice(vs, func(i, j int) bool { return vs[i].Code < vs[j].Code })
	v1, v2 := vs[0], vs[1]
	agent, err := m.demoUser(ctx, "committee")
	if err != nil {
		return err
	}
	sec, err := m.demoUser(ctx, "village_secretary")
	if err != nil {
		return err
	}
	sec2, err := m.demoUser(ctx, "village_secretary_2")
	if err != nil {
		return err
	}
	sup, err := m.demoUser(ctx, "village_supervisor")
	if err != nil {
		return err
	}
	rev, err := m.demoUser(ctx, "dept_staff_3")
	if err != nil {
		return err
	}
	committee, err := m.demoCount(ctx, v1.ID, directory.PosVillageCommittee)
	if err != nil {
		return err
	}
	reps, err := m.demoCount(ctx, v1.ID, directory.PosRepresentative)
	if err != nil {
		return err
	}
	var cosigner int64
	if err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT MIN(person_id) FROM positions WHERE village_id = ? AND title = ? AND ended_on = ''`,
		v1.ID, directory.PosVillageCommittee).Scan(&cosigner); err != nil {
		return err
	}
	twoCommittees := committee + 1 // the 一肩挑 secretary-director and the members
	pm, hh, adults := max(v1.PartyMembers, 20), max(v1.Households, 100), max(v1.Adults, 200)
	_ = reps

	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		step := func(id int64, in StepInput) error {
			refusal, err := m.recordStep(ctx, sec.UserID, id, in)
			if err != nil {
				return fmt.Errorf("village demo: decision %d %s: %w", id, in.Step, err)
			}
			if refusal != nil && in.Step != StepPartyReview {
				return fmt.Errorf("village demo: decision %d %s refused: %w", id, in.Step, refusal)
			}
			return nil
		}
		merged := func(id int64, day, minutes string) error {
			return step(id, StepInput{Step: StepProposal, Merged: true, Date: day, Expected: twoCommittees, Present: twoCommittees, For: twoCommittees, Minutes: minutes})
		}
		party := func(id int64, day, sent string, present, against, abstain int) error {
			return step(id, StepInput{Step: StepPartyReview, Date: day, PlanSentOn: sent, Expected: pm, Present: present,
				For: present - against - abstain, Against: against, Abstain: abstain, Minutes: "党员大会审议，与会党员逐项讨论方案。"})
		}
		post := func(id int64, s, from, to, channel, carried, text string) error {
			return step(id, StepInput{Step: s, Date: from, PostedFrom: from, PostedTo: to, Channel: channel, CarriedOutOn: carried, Minutes: text})
		}

		// 1. The main street: completed, tier 3 paid.
		road, err := m.createDecision(ctx, sec.UserID, v1.ID, DecisionInput{Title: "村内主街道硬化工程", Category: "project", AmountFen: 38_000_000,
			ProposedOn: "2021-03-02", Description: "硬化村内主街道 1.2 公里，宽 6 米，资金来源为村集体收入和上级一事一议奖补资金。"})
		if err != nil {
			return err
		}
		hhPresent := (hh*3 + 3) / 4
		for _, f := range []func() error{
			func() error {
				return merged(road, "2021-03-02", "村党组织提议并经两委会议商议：实施主街道硬化工程，预算38万元。")
			},
			func() error { return party(road, "2021-03-09", "2021-03-04", pm*5/6+1, 1, 1) },
			func() error {
				return step(road, StepInput{Step: StepVillagers, Date: "2021-03-20", NoticeOn: "2021-03-08", Basis: "households", Expected: hh,
					Present: hhPresent, For: hhPresent - 9, Against: 5, Abstain: 4, Minutes: "户代表会议表决通过主街道硬化工程方案。"})
			},
			func() error {
				return post(road, StepResolutionDisclosure, "2021-03-22", "2021-03-31", "bulletin_board,website", "",
					"经村民会议决议：实施村内主街道硬化工程，长1.2公里，预算38万元，公开招标选定施工单位。")
			},
			func() error {
				return post(road, StepResultDisclosure, "2021-09-01", "2021-09-10", "bulletin_board,screen", "2021-08-30",
					"主街道硬化工程已于8月30日完工并通过验收，工程结算35.6万元，节余资金留存村集体。")
			},
		} {
			if err := f(); err != nil {
				return err
			}
		}

		// 2. The fish pond: six steps, no merge, passed.
		pond, err := m.createDecision(ctx, sec.UserID, v1.ID, DecisionInput{Title: "村集体坑塘承包经营方案", Category: "collective_assets",
			ProposedOn: "2021-05-06", Description: "村东集体坑塘（约12亩）公开竞价发包，期限5年，承包费归村集体。"})
		if err != nil {
			return err
		}
		adultPresent := adults/2 + 21
		for _, in := range []StepInput{
			{Step: StepProposal, Date: "2021-05-06", Expected: 5, Present: 5, For: 5, Minutes: "支委会提议公开发包村东坑塘。"},
			{Step: StepConsultation, Date: "2021-05-08", Expected: twoCommittees, Present: twoCommittees, For: twoCommittees - 1, Abstain: 1, Minutes: "两委会议商议发包方案和底价。"},
			{Step: StepPartyReview, Date: "2021-05-14", PlanSentOn: "2021-05-10", Expected: pm, Present: pm - 2, For: pm - 4, Against: 1, Abstain: 1},
			{Step: StepVillagers, Date: "2021-05-28", NoticeOn: "2021-05-15", Basis: "adults", Expected: adults, Present: adultPresent, For: adultPresent - 30, Against: 18, Abstain: 12},
		} {
			if err := step(pond, in); err != nil {
				return err
			}
		}
		if err := post(pond, StepResolutionDisclosure, "2021-05-30", "2021-06-08", "bulletin_board,wechat", "",
			"经村民会议决议：村东集体坑塘公开竞价发包，期限5年（2021年7月至2026年6月），底价每年8000元。"); err != nil {
			return err
		}

		// 3. The village rules: stopped by the party meeting's quorum.
		rules, err := m.createDecision(ctx, sec.UserID, v1.ID, DecisionInput{Title: "修订村规民约", Category: "village_rules",
			ProposedOn: "2021-10-12", Description: "增加移风易俗、红白事简办和人居环境维护条款。"})
		if err != nil {
			return err
		}
		if err := merged(rules, "2021-10-12", "提议并商议修订村规民约，形成征求意见稿。"); err != nil {
			return err
		}
		short := pm * 3 / 5 // below two thirds: the meeting does not sit (RULES.md 1.4)
		if err := party(rules, "2021-10-20", "2021-10-15", short, 2, 1); err != nil {
			return err
		}

		// 4. Winter works: passed, its expenditure awaits the township review.
		winter, err := m.createDecision(ctx, sec.UserID, v1.ID, DecisionInput{Title: "冬季清雪及公共照明维修", Category: "public_welfare",
			AmountFen: 1_850_000, ProposedOn: "2021-11-15", Description: "购置清雪设备，维修更换村内路灯42盏。"})
		if err != nil {
			return err
		}
		for _, f := range []func() error{
			func() error {
				return merged(winter, "2021-11-15", "提议并商议冬季清雪及路灯维修，预算1.85万元。")
			},
			func() error { return party(winter, "2021-11-22", "2021-11-18", pm-3, 0, 2) },
			func() error {
				return step(winter, StepInput{Step: StepVillagers, Date: "2021-12-06", NoticeOn: "2021-11-24", Basis: "households", Expected: hh,
					Present: hhPresent + 5, For: hhPresent - 2, Against: 4, Abstain: 3})
			},
			func() error {
				return post(winter, StepResolutionDisclosure, "2021-12-08", "2021-12-17", "bulletin_board,screen", "",
					"经村民会议决议：购置清雪设备并维修村内路灯42盏，预算1.85万元。")
			},
		} {
			if err := f(); err != nil {
				return err
			}
		}

		// 5. 西马庄村: a decision just proposed and a request just filed.
		draft, err := m.createDecision(ctx, sec2.UserID, v2.ID, DecisionInput{Title: "村委会办公用房维修", Category: "project", AmountFen: 2_400_000,
			ProposedOn: "2021-12-13", Description: "屋面防水和门窗更换。"})
		if err != nil {
			return err
		}
		if _, err := m.recordStep(ctx, sec2.UserID, draft, StepInput{Step: StepProposal, Date: "2021-12-13", Expected: 5, Present: 4, For: 4}); err != nil {
			return err
		}

		// Expenditures of 东王村.
		type sig struct {
			kind, day, note string
			by              demoUser
		}
		spend := func(in ExpenditureInput, signs []sig, paidOn, voucher string) error {
			id, err := m.createExpenditure(ctx, agent.UserID, agent.PersonID, v1.ID, in)
			if err != nil {
				return fmt.Errorf("village demo: expenditure %s: %w", in.Purpose, err)
			}
			for _, s := range signs {
				si := SignInput{Kind: s.kind, SignedOn: s.day, Note: s.note}
				if s.kind == SignCosign {
					si.CosignerPersonID = cosigner
				}
				if err := m.sign(ctx, signer{UserID: s.by.UserID, PersonID: s.by.PersonID}, id, si); err != nil {
					return fmt.Errorf("village demo: expenditure %s %s: %w", in.Purpose, s.kind, err)
				}
			}
			if paidOn != "" {
				if err := m.pay(ctx, agent.UserID, id, PayInput{PaidOn: paidOn, Voucher: voucher}); err != nil {
					return fmt.Errorf("village demo: expenditure %s paid: %w", in.Purpose, err)
				}
			}
			return nil
		}
		// Tier 1: the secretary approves and, 东王村 being a 一肩挑 village,
		// one more 两委 member co-signs (联审联签, RULES.md §2).
		approve := func(day string) []sig {
			return []sig{{SignApprove, day, "同意", sec}, {SignCosign, day, "同意", sec}}
		}
		tier2 := func(meeting, meetingNote, signed string) []sig {
			return []sig{{SignMeeting, meeting, meetingNote, sec}, {SignSupervisor, signed, "已核对票据，同意", sup}, {SignCosign, signed, "同意", sec}}
		}
		for _, x := range []struct {
			in      ExpenditureInput
			signs   []sig
			paid, v string
		}{
			{ExpenditureInput{AmountFen: 68_000, Purpose: "村委会办公用品", Payee: "开发区惠民文具店", Category: "office", RequestedOn: "2021-01-18"}, approve("2021-01-19"), "2021-01-20", "记-2021-01-03"},
			{ExpenditureInput{AmountFen: 45_000, Purpose: "党员活动室饮用水及茶叶", Payee: "开发区清泉水站", Category: "office", RequestedOn: "2021-02-22"}, approve("2021-02-22"), "2021-02-24", "记-2021-02-02"},
			{ExpenditureInput{AmountFen: 100_000, Purpose: "村务公开栏维护", Payee: "沧州市新华广告制作部", Category: "disclosure", RequestedOn: "2021-04-12"}, approve("2021-04-13"), "2021-04-15", "记-2021-04-05"},
			{ExpenditureInput{AmountFen: 860_000, Purpose: "防汛物资（编织袋、铁锹、雨衣）", Payee: "沧州市运河区五金建材商店", Category: "flood", RequestedOn: "2021-07-05"},
				tier2("2021-07-06", "两委会议决定采购防汛物资，限额8600元。", "2021-07-07"), "2021-07-09", "记-2021-07-04"},
			{ExpenditureInput{AmountFen: 35_600_000, Purpose: "主街道硬化工程款", Payee: "沧州市通达路桥工程有限公司", Category: "project", DecisionID: road, RequestedOn: "2021-09-02"},
				[]sig{{SignSupervisor, "2021-09-03", "已核对验收资料和结算书", sup}, {SignCosign, "2021-09-03", "同意", sec}, {SignReview, "2021-09-08", "经审核，结算资料齐全，同意支付", rev}}, "2021-09-15", "记-2021-09-11"},
			{ExpenditureInput{AmountFen: 1_000_000, Purpose: "村内路灯维修（第一批）", Payee: "沧州市光明电气安装有限公司", Category: "repair", RequestedOn: "2021-10-25"},
				tier2("2021-10-26", "两委会议决定维修村内主路路灯，限额1万元。", "2021-10-27"), "2021-11-02", "记-2021-11-01"},
			{ExpenditureInput{AmountFen: 72_000, Purpose: "村委会办公用品", Payee: "开发区惠民文具店", Category: "office", RequestedOn: "2021-11-29"}, approve("2021-11-30"), "2021-12-01", "记-2021-12-01"},
			{ExpenditureInput{AmountFen: 452_000, Purpose: "村委会及党员活动室冬季取暖用煤", Payee: "沧州市运东煤炭经销部", Category: "office", RequestedOn: "2021-12-15"},
				[]sig{{SignMeeting, "2021-12-16", "两委会议决定采购取暖用煤8吨。", sec}}, "", ""},
			{ExpenditureInput{AmountFen: 1_850_000, Purpose: "清雪设备购置及路灯维修", Payee: "沧州市光明电气安装有限公司", Category: "public_welfare", DecisionID: winter, RequestedOn: "2021-12-18"},
				[]sig{{SignSupervisor, "2021-12-18", "同意", sup}, {SignCosign, "2021-12-18", "同意", sec}}, "", ""},
		} {
			if err := spend(x.in, x.signs, x.paid, x.v); err != nil {
				return err
			}
		}
		_, err = m.createExpenditure(ctx, agent.UserID, agent.PersonID, v2.ID, ExpenditureInput{AmountFen: 56_000, Purpose: "村委会冬季取暖用煤",
			Payee: "沧州市运东煤炭经销部", Category: "office", RequestedOn: "2021-12-14"})
		return err
	})
}
