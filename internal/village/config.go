package village

import (
	"context"
	"encoding/json"
	"fmt"
)

// Rules are the numbers a village works under (RULES.md §1–§4). The
// built-in defaults are DefaultRules; the zone may override them (a row with
// village_id 0) and each village may override the zone (its own row), each
// version applying from its valid_from day. Money is fen.
type Rules struct {
	// §1 四议两公开
	MergeAllowed        bool     `json:"merge_allowed"`          // 1.2 steps ① and ② merged in 一肩挑 villages
	PartyQuorumNum      int      `json:"party_quorum_num"`       // 1.4 党员大会 attendance ≥ num/den of members
	PartyQuorumDen      int      `json:"party_quorum_den"`       //
	PlanNoticeDays      int      `json:"plan_notice_days"`       // 1.5 plan sent to members ≥ N days before ③
	VillagerNoticeDays  int      `json:"villager_notice_days"`   // 1.7 村民会议 notice ≥ N days before
	PostingDays         int      `json:"posting_days"`           // 1.10 ⑤ and ⑥ posted ≥ N days
	ProcedureMatters    []string `json:"procedure_matters"`      // 1.9 categories that must use 四议两公开
	VillagerMatters     []string `json:"villager_matters"`       // 1.8 categories that need a 村民会议
	RepresentativesMay  bool     `json:"representatives_may"`    // 1.8 the 村民会议 authorised its representatives
	Tier1MaxFen         int64    `json:"tier1_max_fen"`          // §2 tier 1: ≤ this
	Tier2MaxFen         int64    `json:"tier2_max_fen"`          // §2 tier 2: ≤ this; above it tier 3 needs a decision
	ReviewDepartment    string   `json:"review_department"`      // §2 tier 3: the township 三资 office (department code)
	Tier1Signs          []string `json:"tier1_signs"`            // §2 signatures a tier-1 expenditure needs (see ExpenditureSignKinds; cosign only in 一肩挑 villages)
	Tier2Signs          []string `json:"tier2_signs"`            // §2 tier 2 (cosign applies only in 一肩挑 villages)
	Tier3Signs          []string `json:"tier3_signs"`            // §2 tier 3 (besides the linked passed decision)
	VillageAffairsMonth int      `json:"village_affairs_months"` // §3 村务 at least every N months
	FinanceMonths       int      `json:"finance_months"`         // §3 财务, villages without heavy activity
	FinanceHeavyMonths  int      `json:"finance_heavy_months"`   // §3 财务, villages flagged heavy_finance
	PartyMonths         int      `json:"party_months"`           // §3 党务
	MajorMatterDays     int      `json:"major_matter_days"`      // §3 major matters disclosed within N days
	QuarterDay          int      `json:"quarter_day"`            // §3 quarterly disclosure by this day of the quarter's first month
	ObjectionDays       int      `json:"objection_days"`         // §3 objections answered within N days
	CommitteeSeesLeads  bool     `json:"committee_sees_leads"`   // §4 committee heads may read problem leads
	LeadVerifyDays      int      `json:"lead_verify_days"`       // §4 a lead's preliminary verification due within N days of receipt
}

// DefaultRules are RULES.md's defaults.
var DefaultRules = Rules{
	MergeAllowed: true, PartyQuorumNum: 2, PartyQuorumDen: 3, PlanNoticeDays: 3, VillagerNoticeDays: 10, PostingDays: 7,
	ProcedureMatters: []string{"land", "collective_assets", "project", "borrowing", "village_rules", "development_plan",
		"collective_income", "public_welfare", "land_contracting", "homestead", "compensation", "allowance", "expenditure"},
	VillagerMatters: []string{"allowance", "collective_income", "public_welfare", "land_contracting", "project", "homestead", "compensation", "collective_assets"},
	// [local] a village's 村民会议 commonly authorises its 村民代表会议 to
	// decide the matters of 村民委员会组织法 art. 24 (RULES.md 1.8); a
	// village that has not authorised it turns this off in its rules.
	RepresentativesMay: true,
	Tier1MaxFen:        100_000, Tier2MaxFen: 1_000_000, ReviewDepartment: "SOC",
	// RULES.md §2: "in a 一肩挑 village one more 两委 member co-signs" holds
	// for every tier, tier 1 included; RequiredSigns drops cosign outside
	// 一肩挑 villages.
	Tier1Signs: []string{"approve", "cosign"}, Tier2Signs: []string{"meeting", "supervisor", "cosign"}, Tier3Signs: []string{"supervisor", "cosign", "review"},
	VillageAffairsMonth: 3, FinanceMonths: 3, FinanceHeavyMonths: 1, PartyMonths: 6, MajorMatterDays: 5, QuarterDay: 10, ObjectionDays: 10,
	LeadVerifyDays: DefaultLeadVerifyDays,
}

// RulesVersion is the rules in force for a village on a day, with the ids
// of the rows they came from (0 = built-in default).
type RulesVersion struct {
	Rules
	ZoneID    int64 `json:"zone_rules_id"`
	VillageID int64 `json:"village_rules_id"`
}

// Rules returns the rules in force for a village on a zone day: the
// defaults, overlaid by the zone's latest version on or before day, then the
// village's.
func (m *Module) Rules(ctx context.Context, villageID int64, day string) (RulesVersion, error) {
	rv := RulesVersion{Rules: DefaultRules}
	rv.ProcedureMatters = append([]string(nil), DefaultRules.ProcedureMatters...)
	rv.VillagerMatters = append([]string(nil), DefaultRules.VillagerMatters...)
	// json.Unmarshal reuses a slice's backing array: copy every slice so
	// that an override never writes into DefaultRules.
	rv.Tier1Signs = append([]string(nil), DefaultRules.Tier1Signs...)
	rv.Tier2Signs = append([]string(nil), DefaultRules.Tier2Signs...)
	rv.Tier3Signs = append([]string(nil), DefaultRules.Tier3Signs...)
	for _, v := range []int64{0, villageID} {
		var id int64
		var body string
		rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT id, body FROM village_rules WHERE village_id = ? AND valid_from <= ?
			ORDER BY valid_from DESC LIMIT 1`, v, day)
		if err != nil {
			return rv, err
		}
		for rows.Next() {
			if err := rows.Scan(&id, &body); err != nil {
				rows.Close()
				return rv, err
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return rv, err
		}
		if id == 0 {
			continue
		}
		if err := json.Unmarshal([]byte(body), &rv.Rules); err != nil {
			return rv, fmt.Errorf("village rules %d: %w", id, err)
		}
		if v == 0 {
			rv.ZoneID = id
		} else {
			rv.VillageID = id
		}
		if v == 0 && villageID == 0 {
			break
		}
	}
	return rv, nil
}
