package village

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"zhongshu/internal/platform/errs"
)

// Land-compensation audit checks (seed: "加大对农村征地补偿的审计力度……各村将补偿
// 执行标准、补偿项目和补偿财务张榜公布"; DOMAIN.md: "a payment above the
// standard, a payee paid twice, payments that do not add up to the funds").
// They are pure functions of a project's standards, household items and
// payments, so the check page, the API and the tests agree.

// Finding kinds.
const (
	LandAboveStandard = "above_standard" // a payment larger than quantity × unit standard
	LandPaidTwice     = "paid_twice"     // one payee (by ID number) paid more than once for one item
	LandFundsOver     = "funds_over"     // payments add up to more than the project's funds
	LandFundsShort    = "funds_short"    // payments add up to less than the project's funds
	LandNoDecision    = "no_decision"    // no 村民会议 decision linked (RULES.md 1.8)
)

// LandFinding is one result of the checks.
type LandFinding struct {
	Kind        string  `json:"kind"`
	ProjectID   int64   `json:"project_id"`
	Project     string  `json:"project,omitempty"`
	HouseholdID int64   `json:"household_id,omitempty"`
	Household   string  `json:"household,omitempty"`
	Item        string  `json:"item,omitempty"` // standard code
	ItemName    string  `json:"item_name,omitempty"`
	PaymentIDs  []int64 `json:"payment_ids,omitempty"`
	AmountFen   int64   `json:"amount_fen"` // what was paid (one payment, or the total)
	LimitFen    int64   `json:"limit_fen"`  // what the standard or the funds allow
	DiffFen     int64   `json:"diff_fen"`   // how far apart: |AmountFen − LimitFen|
	Payee       string  `json:"payee,omitempty"`
	PayeeMask   string  `json:"payee_id_mask,omitempty"`
}

// LandEntitled is what quantityMilli thousandths of a unit earn at
// fenPerUnit: quantity × unit standard, rounded half up to the fen.
func LandEntitled(quantityMilli, fenPerUnit int64) int64 {
	return (quantityMilli*fenPerUnit + 500) / 1000
}

// LandCheckAboveStandard lists every payment above its standard: the
// amount is more than the household's quantity of that item × the unit
// standard. A payment for an item the household does not hold is judged
// against 0.
func LandCheckAboveStandard(p *LandProject) []LandFinding {
	ent := map[[2]int64]int64{}
	names := map[int64]string{}
	for _, h := range p.HouseholdList {
		names[h.ID] = h.HeadName
		for _, it := range h.Items {
			ent[[2]int64{h.ID, it.StandardID}] = it.AmountFen
		}
	}
	var out []LandFinding
	// Payments for one item of one household, in order: split payments
	// (to different payees, e.g. husband and wife) that only together
	// exceed the standard are above it too; one payee paid again is
	// LandCheckPaidTwice's finding.
	total, group, flagged := map[[2]int64]int64{}, map[[2]int64][]LandPayment{}, map[[2]int64]bool{}
	var order [][2]int64
	for _, pay := range p.Payments {
		k := [2]int64{pay.HouseholdID, pay.StandardID}
		limit := ent[k]
		if _, ok := group[k]; !ok {
			order = append(order, k)
		}
		total[k] += pay.AmountFen
		group[k] = append(group[k], pay)
		if pay.AmountFen > limit {
			flagged[k] = true
			out = append(out, LandFinding{Kind: LandAboveStandard, ProjectID: p.ID, Project: p.Name, HouseholdID: pay.HouseholdID, Household: names[pay.HouseholdID],
				Item: pay.Code, ItemName: pay.ItemName, PaymentIDs: []int64{pay.ID}, AmountFen: pay.AmountFen, LimitFen: limit, DiffFen: pay.AmountFen - limit,
				Payee: pay.PayeeName, PayeeMask: pay.PayeeMask})
		}
	}
	for _, k := range order {
		g := group[k]
		if len(g) < 2 || flagged[k] || total[k] <= ent[k] {
			continue
		}
		// One payee paid again for the item is paid_twice's finding.
		payees := map[string]bool{}
		for _, pay := range g {
			payees[pay.PayeeIdx] = true
		}
		if len(payees) < len(g) {
			continue
		}
		f := LandFinding{Kind: LandAboveStandard, ProjectID: p.ID, Project: p.Name, HouseholdID: k[0], Household: names[k[0]],
			Item: g[0].Code, ItemName: g[0].ItemName, AmountFen: total[k], LimitFen: ent[k], DiffFen: total[k] - ent[k],
			Payee: g[0].PayeeName, PayeeMask: g[0].PayeeMask}
		for _, pay := range g {
			f.PaymentIDs = append(f.PaymentIDs, pay.ID)
		}
		out = append(out, f)
	}
	return out
}

// LandCheckPaidTwice lists every payee (identified by the blind index of
// their ID number, so different spellings of a name do not hide it) paid
// more than once for the same item, in one household or across several.
func LandCheckPaidTwice(p *LandProject) []LandFinding {
	type key struct {
		idx string
		std int64
	}
	groups := map[key][]LandPayment{}
	var order []key
	for _, pay := range p.Payments {
		k := key{pay.PayeeIdx, pay.StandardID}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], pay)
	}
	var out []LandFinding
	for _, k := range order {
		g := groups[k]
		if len(g) < 2 {
			continue
		}
		f := LandFinding{Kind: LandPaidTwice, ProjectID: p.ID, Project: p.Name, HouseholdID: g[0].HouseholdID, Household: g[0].Household,
			Item: g[0].Code, ItemName: g[0].ItemName, Payee: g[0].PayeeName, PayeeMask: g[0].PayeeMask}
		for _, pay := range g {
			f.PaymentIDs = append(f.PaymentIDs, pay.ID)
			f.AmountFen += pay.AmountFen
		}
		f.LimitFen = g[0].AmountFen
		f.DiffFen = f.AmountFen - f.LimitFen
		out = append(out, f)
	}
	return out
}

// LandCheckFunds compares the payments' total with the project's funds:
// more is funds_over, less is funds_short, equal is no finding.
func LandCheckFunds(p *LandProject) []LandFinding {
	var paid int64
	for _, pay := range p.Payments {
		paid += pay.AmountFen
	}
	f := LandFinding{ProjectID: p.ID, Project: p.Name, AmountFen: paid, LimitFen: p.FundsFen, DiffFen: max(paid-p.FundsFen, p.FundsFen-paid)}
	switch {
	case paid > p.FundsFen:
		f.Kind = LandFundsOver
	case paid < p.FundsFen:
		f.Kind = LandFundsShort
	default:
		return nil
	}
	return []LandFinding{f}
}

// LandChecks runs every check on a project: the decision required by
// RULES.md 1.8 (征地补偿费 use and distribution needs a 村民会议 decision),
// payments above standard, payees paid twice, and the funds balance.
func LandChecks(p *LandProject) []LandFinding {
	out := []LandFinding{}
	if p.DecisionID == 0 {
		out = append(out, LandFinding{Kind: LandNoDecision, ProjectID: p.ID, Project: p.Name})
	}
	out = append(out, LandCheckAboveStandard(p)...)
	out = append(out, LandCheckPaidTwice(p)...)
	out = append(out, LandCheckFunds(p)...)
	return out
}

// LandParseQuantity reads a quantity such as "2.5" or "12" (at most three
// decimals, > 0, ≤ 1,000,000 units) into thousandths.
func LandParseQuantity(field, s string) (int64, error) {
	s = strings.TrimSpace(s)
	bad := errs.Field(field, fmt.Sprintf("数量“%s”须为大于 0、不超过 1000000 的数，最多三位小数", s),
		fmt.Sprintf("the quantity %q must be a number above 0 and at most 1000000, with at most three decimals", s))
	v, err := landParseFixed(s, 3)
	if err != nil || v <= 0 || v > 1_000_000_000 {
		return 0, bad
	}
	return v, nil
}

// LandParseYuan reads an amount in 元 ("1234.5", at most two decimals,
// > 0, ≤ 100,000,000 元) into fen.
func LandParseYuan(field, s string) (int64, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, ",", ""))
	v, err := landParseFixed(s, 2)
	if err != nil || v <= 0 || v > 10_000_000_000 {
		return 0, errs.Field(field, fmt.Sprintf("金额“%s”须为大于 0、不超过 1 亿元的数，最多两位小数", s),
			fmt.Sprintf("the amount %q must be above 0 and at most 100,000,000 yuan, with at most two decimals", s))
	}
	return v, nil
}

// landParseFixed parses a non-negative decimal with at most places
// decimals into an integer scaled by 10^places, without floats.
func landParseFixed(s string, places int) (int64, error) {
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(whole) > 12 || len(frac) > places || strings.HasPrefix(whole, "+") || strings.HasPrefix(whole, "-") {
		return 0, fmt.Errorf("bad number")
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, err
	}
	frac += strings.Repeat("0", places-len(frac))
	var f int64
	if places > 0 {
		if f, err = strconv.ParseInt(frac, 10, 64); err != nil || strings.HasPrefix(frac, "-") || strings.HasPrefix(frac, "+") {
			return 0, fmt.Errorf("bad number")
		}
	}
	scale := int64(1)
	for range places {
		scale *= 10
	}
	return w*scale + f, nil
}

// LandYuan formats fen as 元 with two decimals and thousands separators.
func LandYuan(fen int64) string {
	neg := fen < 0
	if neg {
		fen = -fen
	}
	s := strconv.FormatInt(fen/100, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	out := fmt.Sprintf("%s.%02d", b.String(), fen%100)
	if neg {
		out = "-" + out
	}
	return out
}

// LandQuantity formats thousandths without trailing zeros ("2.5", "12").
func LandQuantity(milli int64) string {
	s := fmt.Sprintf("%d.%03d", milli/1000, milli%1000)
	return strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
}

// landSortFindings orders findings by project then kind (stable).
func landSortFindings(fs []LandFinding) {
	rank := map[string]int{LandNoDecision: 0, LandAboveStandard: 1, LandPaidTwice: 2, LandFundsOver: 3, LandFundsShort: 4}
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].ProjectID != fs[j].ProjectID {
			return fs[i].ProjectID < fs[j].ProjectID
		}
		return rank[fs[i].Kind] < rank[fs[j].Kind]
	})
}
