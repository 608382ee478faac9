package village

import (
	"slices"
	"testing"
)

func TestLandEntitledRounding(t *testing.T) {
	cases := []struct {
		milli, fen, want int64
	}{
		{1000, 3_000_000, 3_000_000}, // 1 亩
		{2500, 3_000_000, 7_500_000}, // 2.5 亩
		{1, 1, 0},                    // 0.001 × 0.01 元 = 0.00001 元 → 0
		{500, 1, 1},                  // exactly half a fen rounds up
		{499, 1, 0},
		{1_000_000_000, 1_000_000_000, 1_000_000_000_000_000}, // the input caps do not overflow
	}
	for _, c := range cases {
		if got := LandEntitled(c.milli, c.fen); got != c.want {
			t.Errorf("LandEntitled(%d, %d) = %d, want %d", c.milli, c.fen, got, c.want)
		}
	}
}

// landTestProject: one household with 2 亩 of land at 100 元 (20,000 fen
// entitled) and no trees.
func landTestProject(pays ...LandPayment) *LandProject {
	p := &LandProject{ID: 1, Name: "测试", FundsFen: 20_000, DecisionID: 9,
		HouseholdList: []LandHousehold{{ID: 10, HeadName: "张三明", Items: []LandItem{{StandardID: 100, Code: "land", QuantityMilli: 2000, AmountFen: 20_000}}}},
		Payments:      pays}
	return p
}

func landKinds(fs []LandFinding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Kind)
	}
	return out
}

// The three audit checks (DOMAIN.md "Land compensation"), at their edges.
func TestLandChecks(t *testing.T) {
	pay := func(id, hh, std, amount int64, idx string) LandPayment {
		return LandPayment{ID: id, HouseholdID: hh, StandardID: std, AmountFen: amount, PayeeIdx: idx, Code: "land"}
	}
	cases := []struct {
		name string
		pays []LandPayment
		want []string
		diff int64 // of the last finding
	}{
		{"exactly the standard and the funds", []LandPayment{pay(1, 10, 100, 20_000, "a")}, nil, 0},
		{"one fen above the standard (and the funds)", []LandPayment{pay(1, 10, 100, 20_001, "a")}, []string{LandAboveStandard, LandFundsOver}, 1},
		{"one fen below: short of the funds", []LandPayment{pay(1, 10, 100, 19_999, "a")}, []string{LandFundsShort}, 1},
		{"an item the household does not hold", []LandPayment{pay(1, 10, 100, 10_000, "a"), pay(2, 10, 200, 10_000, "a")}, []string{LandAboveStandard}, 10_000},
		{"same payee, same item, twice (each within the standard)", []LandPayment{pay(1, 10, 100, 10_000, "a"), pay(2, 10, 100, 10_000, "a")}, []string{LandPaidTwice}, 10_000},
		{"same payee, different items", []LandPayment{pay(1, 10, 100, 20_000, "a"), pay(2, 10, 200, 1, "a")}, []string{LandAboveStandard, LandFundsOver}, 1},
		{"different payees, same item (installments to two people)", []LandPayment{pay(1, 10, 100, 10_000, "a"), pay(2, 10, 100, 10_000, "b")}, nil, 0},
		{"nothing paid", nil, []string{LandFundsShort}, 20_000},
	}
	for _, c := range cases {
		fs := LandChecks(landTestProject(c.pays...))
		if got := landKinds(fs); !slices.Equal(got, c.want) {
			t.Errorf("%s: findings %v, want %v", c.name, got, c.want)
			continue
		}
		if len(fs) > 0 && fs[len(fs)-1].DiffFen != c.diff {
			t.Errorf("%s: diff %d, want %d", c.name, fs[len(fs)-1].DiffFen, c.diff)
		}
	}
	// RULES.md 1.8: compensation needs a 村民会议 decision.
	p := landTestProject(pay(1, 10, 100, 20_000, "a"))
	p.DecisionID = 0
	if got := landKinds(LandChecks(p)); !slices.Equal(got, []string{LandNoDecision}) {
		t.Errorf("no decision: %v", got)
	}
	// Paid twice lists both payments.
	fs := LandCheckPaidTwice(landTestProject(pay(1, 10, 100, 5, "a"), pay(2, 10, 100, 7, "a"), pay(3, 10, 100, 9, "a")))
	if len(fs) != 1 || !slices.Equal(fs[0].PaymentIDs, []int64{1, 2, 3}) || fs[0].AmountFen != 21 {
		t.Errorf("paid thrice: %+v", fs)
	}
}

func TestLandParse(t *testing.T) {
	q := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"2.5", 2500, true}, {"12", 12000, true}, {"0.001", 1, true}, {"1000000", 1_000_000_000, true},
		{"1000000.001", 0, false}, {"0", 0, false}, {"0.0001", 0, false}, {"-1", 0, false}, {"1e3", 0, false}, {"", 0, false}, {".5", 0, false}, {"1.-5", 0, false},
	}
	for _, c := range q {
		got, err := LandParseQuantity("q", c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("quantity %q = %d, %v", c.in, got, err)
		}
	}
	y := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1234.5", 123450, true}, {"30,000.00", 3_000_000, true}, {"0.01", 1, true}, {"100000000", 10_000_000_000, true},
		{"100000000.01", 0, false}, {"0", 0, false}, {"1.005", 0, false}, {"abc", 0, false}, {"+5", 0, false},
	}
	for _, c := range y {
		got, err := LandParseYuan("a", c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("yuan %q = %d, %v", c.in, got, err)
		}
	}
	if LandYuan(123456789) != "1,234,567.89" || LandYuan(5) != "0.05" || LandYuan(-100000) != "-1,000.00" {
		t.Errorf("LandYuan: %s %s %s", LandYuan(123456789), LandYuan(5), LandYuan(-100000))
	}
	if LandQuantity(2500) != "2.5" || LandQuantity(12000) != "12" || LandQuantity(1) != "0.001" {
		t.Errorf("LandQuantity: %s %s %s", LandQuantity(2500), LandQuantity(12000), LandQuantity(1))
	}
}

func TestLandMaskName(t *testing.T) {
	for in, want := range map[string]string{"张玉明": "张*明", "张三": "张*", "欧阳娜娜": "欧**娜", "王": "*", "": "", " 李淑芬 ": "李*芬"} {
		if got := LandMaskName(in); got != want {
			t.Errorf("LandMaskName(%q) = %q, want %q", in, got, want)
		}
	}
}

// The amount and quantity parsers never panic and never accept what they
// cannot give back exactly (SECURITY.md §7 check 12).
func FuzzLandParse(f *testing.F) {
	for _, s := range []string{"2.5", "30,000.00", "0.001", "1e3", "-1", "..", "9999999999999.99", "1.2.3", "", "０.５"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if v, err := LandParseYuan("a", s); err == nil {
			if v <= 0 || v > 10_000_000_000 {
				t.Fatalf("%q → %d", s, v)
			}
			if back, err := LandParseYuan("a", LandYuan(v)); err != nil || back != v {
				t.Fatalf("%q → %d → %s → %d %v", s, v, LandYuan(v), back, err)
			}
		}
		if v, err := LandParseQuantity("q", s); err == nil {
			if v <= 0 || v > 1_000_000_000 {
				t.Fatalf("%q → %d", s, v)
			}
			if back, err := LandParseQuantity("q", LandQuantity(v)); err != nil || back != v {
				t.Fatalf("%q → %d → %s → %d %v", s, v, LandQuantity(v), back, err)
			}
		}
	})
}
