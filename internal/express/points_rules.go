package express

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/errs"
)

// Point kinds (RULES.md §8): the seven work categories and the four bonus
// items of the point table. Parts earn by kind through m.earn; the office
// changes a kind's points from a date, never a ledger entry.
const (
	KindVisit          = "visit"               // 企业走访
	KindDemandRaised   = "demand_raised"       // 收集意见建议
	KindDemandResolved = "demand_resolved"     // 反映实际问题并推动解决
	KindPartyLead      = "party_lead"          // 党组织组建：意愿线索
	KindPartyFormed    = "party_formed"        // 党组织组建：成立
	KindBriefing       = "briefing"            // 政策宣讲
	KindReport         = "report"              // 信息报送
	KindTraining       = "training"            // 参加培训和会议
	KindBonusMajor     = "bonus_major"         // 加分：反映重大事项
	KindBonusDifficult = "bonus_difficulty"    // 加分：生产经营困难
	KindBonusParty     = "bonus_party_problem" // 加分：党建工作难题
	KindBonusPractice  = "bonus_practice"      // 加分：经验做法被采纳
)

// PointKinds lists the kinds in the point table's order.
var PointKinds = []string{KindVisit, KindDemandRaised, KindDemandResolved, KindPartyLead, KindPartyFormed, KindBriefing,
	KindReport, KindTraining, KindBonusMajor, KindBonusDifficult, KindBonusParty, KindBonusPractice}

// categoryBonus maps a demand category (demands.category) to the bonus item
// its raising earns (RULES.md §8 bonus rows).
var categoryBonus = map[string]string{
	"major":          KindBonusMajor,
	"production":     KindBonusDifficult,
	"party_building": KindBonusParty,
}

func validKind(k string) bool {
	for _, x := range PointKinds {
		if x == k {
			return true
		}
	}
	return false
}

// Capped returns the points a record earns under a cap: the full value
// while earned+points stays within cap, the remainder up to the cap, and 0
// once the cap is reached (cap 0 means no cap). RULES.md §8: a visit earns
// 2, capped at 8 a month per enterprise, so the 5th visit earns 0.
func Capped(points, cap, earned int) int {
	if points <= 0 {
		return 0
	}
	if cap <= 0 {
		return points
	}
	left := cap - earned
	if left <= 0 {
		return 0
	}
	if points > left {
		return left
	}
	return points
}

// Period is an assessment period: a month (2021-12), a quarter (2021-Q4)
// or a year (2021), with its first and last day.
type Period struct {
	Key  string `json:"key"`
	Kind string `json:"kind"` // month, quarter, year
	From string `json:"from"`
	To   string `json:"to"`
}

// ParsePeriod reads "2021", "2021-Q4" or "2021-12".
func ParsePeriod(s string) (Period, error) {
	s = strings.TrimSpace(s)
	bad := errs.Field("period", "考核期须为 2021（年）、2021-Q4（季度）或 2021-12（月）", "the period must be 2021 (year), 2021-Q4 (quarter) or 2021-12 (month)")
	var y, m0, m1 int
	var kind string
	switch {
	case len(s) == 4:
		n, err := strconv.Atoi(s)
		if err != nil {
			return Period{}, bad
		}
		y, m0, m1, kind = n, 1, 12, "year"
	case len(s) == 7 && (s[5] == 'Q' || s[5] == 'q'):
		n, err := strconv.Atoi(s[:4])
		q, err2 := strconv.Atoi(s[6:])
		if err != nil || err2 != nil || s[4] != '-' || q < 1 || q > 4 {
			return Period{}, bad
		}
		y, m0, m1, kind = n, 3*q-2, 3*q, "quarter"
		s = fmt.Sprintf("%04d-Q%d", n, q)
	case len(s) == 7:
		t, err := time.Parse("2006-01", s)
		if err != nil {
			return Period{}, bad
		}
		y, m0, m1, kind = t.Year(), int(t.Month()), int(t.Month()), "month"
	default:
		return Period{}, bad
	}
	if y < 2000 || y > 2100 {
		return Period{}, bad
	}
	last := time.Date(y, time.Month(m1)+1, 0, 0, 0, 0, 0, clock.Zone)
	return Period{Key: s, Kind: kind, From: fmt.Sprintf("%04d-%02d-01", y, m0), To: last.Format("2006-01-02")}, nil
}

// MonthsServed counts the months of [from, to] from the month a liaison
// was appointed (since, a day; empty: the whole period). Liaisons appointed
// in 2021-08 served 5 months of 2021.
func MonthsServed(from, to, since string) int {
	start := from
	if since > start {
		start = since
	}
	if start > to || len(start) < 7 || len(to) < 7 {
		return 0
	}
	y0, _ := strconv.Atoi(start[:4])
	m0, _ := strconv.Atoi(start[5:7])
	y1, _ := strconv.Atoi(to[:4])
	m1, _ := strconv.Atoi(to[5:7])
	return (y1-y0)*12 + m1 - m0 + 1
}

// Standing is a liaison's place in an assessment.
type Standing struct {
	PersonID   int64  `json:"person_id"`
	Name       string `json:"name"`
	Total      int    `json:"total"`
	Resolved   int    `json:"resolved"`    // demands raised and resolved in the period (tie rule 1)
	LastEarned string `json:"last_earned"` // last day points were earned (tie rule 2: earlier first)
	Months     int    `json:"months"`      // months served in the period
	Rank       int    `json:"rank"`
	Tier       string `json:"tier"` // excellent 优秀, competent 称职, basic 基本称职, unfit 不称职
}

// Tiers in order (RULES.md §8).
const (
	TierExcellent = "excellent" // 优秀 (≤ 15%)
	TierCompetent = "competent" // 称职
	TierBasic     = "basic"     // 基本称职
	TierUnfit     = "unfit"     // 不称职
)

// TierConfig is the assessment's tier configuration (RULES.md §8).
type TierConfig struct {
	ValidFrom         string `json:"valid_from"`
	ExcellentPct      int    `json:"excellent_pct"`
	CompetentPerMonth int    `json:"competent_per_month"`
	BasicPerMonth     int    `json:"basic_per_month"`
}

// before reports whether a ranks ahead of b: more points, then more
// resolved demands, then the earlier last-earned day (RULES.md §8). A
// liaison who never earned ranks after one who did.
func before(a, b Standing) bool {
	if a.Total != b.Total {
		return a.Total > b.Total
	}
	if a.Resolved != b.Resolved {
		return a.Resolved > b.Resolved
	}
	if a.LastEarned != b.LastEarned {
		if a.LastEarned == "" || b.LastEarned == "" {
			return b.LastEarned == ""
		}
		return a.LastEarned < b.LastEarned
	}
	return false
}

// Rank orders standings by RULES.md §8 (total, then resolved demands, then
// earlier last-earned day) and numbers them; standings equal on all three
// share a rank (competition ranking: 1, 2, 2, 4) and are listed by person
// id.
func Rank(ss []Standing) []Standing {
	out := append([]Standing(nil), ss...)
	sort.SliceStable(out, func(i, j int) bool {
		if before(out[i], out[j]) {
			return true
		}
		if before(out[j], out[i]) {
			return false
		}
		return out[i].PersonID < out[j].PersonID
	})
	for i := range out {
		out[i].Rank = i + 1
		if i > 0 && !before(out[i-1], out[i]) {
			out[i].Rank = out[i-1].Rank
		}
	}
	return out
}

// ExcellentQuota is the most 优秀 a group of n may have: floor(n × pct /
// 100), so never more than pct % (RULES.md §8: ≤ 15%; 35 liaisons → 5).
func ExcellentQuota(n, pct int) int {
	if n <= 0 || pct <= 0 {
		return 0
	}
	return n * pct / 100
}

// AssignTiers gives each ranked standing its tier: 优秀 to those ranked
// within the quota who also reach 称职's minimum — a tie group straddling
// the quota's edge is left out whole, so the share never exceeds it; then
// 称职 at competent_per_month × months served, 基本称职 at basic_per_month ×
// months, else 不称职. Standings must come from Rank.
func AssignTiers(ss []Standing, c TierConfig) []Standing {
	out := append([]Standing(nil), ss...)
	quota := ExcellentQuota(len(out), c.ExcellentPct)
	// last position (1-based) of each rank's tie group
	lastOf := map[int]int{}
	for i, s := range out {
		lastOf[s.Rank] = i + 1
	}
	for i := range out {
		s := &out[i]
		competent := c.CompetentPerMonth * s.Months
		basic := c.BasicPerMonth * s.Months
		switch {
		case lastOf[s.Rank] <= quota && s.Total > 0 && s.Total >= competent:
			s.Tier = TierExcellent
		case s.Total >= competent:
			s.Tier = TierCompetent
		case s.Total >= basic:
			s.Tier = TierBasic
		default:
			s.Tier = TierUnfit
		}
	}
	return out
}
