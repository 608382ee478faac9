package village

// Village fund rules and thresholds as configuration (issue 5 item 12).
// The zone keeps defaults (rows with village_id 0) and each village may
// override them (its own rows); every version applies from its valid_from
// day, and records keep the version they were decided under. A new version
// of a scope starts from that scope's version in force on its day and
// changes only the fields given, so a version is always complete for its
// scope. Only the committee (PermConfig) writes; every change is audited.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
)

// RulesRow is one stored version of a scope's rules.
type RulesRow struct {
	ID        int64           `json:"id"`
	VillageID int64           `json:"village_id"` // 0 = the zone
	ValidFrom string          `json:"valid_from"`
	Body      json.RawMessage `json:"rules"`
	Reason    string          `json:"reason"`
	CreatedBy string          `json:"created_by"`
	CreatedAt time.Time       `json:"created_at"`
}

// RulesInfo is the rules in force for a scope on a day, with the scope's
// versions (and, for a village, the zone's).
type RulesInfo struct {
	VillageID int64        `json:"village_id"`
	Village   string       `json:"village,omitempty"`
	Day       string       `json:"day"`
	Effective RulesVersion `json:"effective"`
	Defaults  Rules        `json:"defaults"`
	Versions  []RulesRow   `json:"versions"`
	Zone      []RulesRow   `json:"zone_versions,omitempty"`
}

// RulesChange is a new version: the fields that change, from a day.
type RulesChange struct {
	ValidFrom string          `json:"valid_from"`
	Reason    string          `json:"reason"`
	Rules     json.RawMessage `json:"rules"`
}

// RulesOf reads the rules of the zone (villageID 0) or of a village on a
// day (PermRead; a village outside the caller's scope is "not found").
func (m *Module) RulesOf(ctx context.Context, p *auth.Principal, villageID int64, day string) (*RulesInfo, error) {
	obj := auth.Anything
	if villageID != 0 {
		obj = auth.Object{Village: villageID}
	}
	if err := m.Auth.Authorize(ctx, p, PermRead, obj, "village_rules", fmt.Sprint(villageID)); err != nil {
		return nil, err
	}
	if day == "" {
		day = clock.Day(m.Clock.Now())
	}
	if !dxValidDay(day) {
		return nil, errs.Field("day", "日期须为 YYYY-MM-DD", "day must be YYYY-MM-DD")
	}
	info := &RulesInfo{VillageID: villageID, Day: day, Defaults: DefaultRules}
	if villageID != 0 {
		v, err := m.village(ctx, villageID)
		if err != nil {
			return nil, err
		}
		info.Village = v.Name
	}
	var err error
	if info.Effective, err = m.Rules(ctx, villageID, day); err != nil {
		return nil, err
	}
	if info.Versions, err = m.rulesRows(ctx, villageID); err != nil {
		return nil, err
	}
	if villageID != 0 {
		if info.Zone, err = m.rulesRows(ctx, 0); err != nil {
			return nil, err
		}
	}
	return info, nil
}

func (m *Module) rulesRows(ctx context.Context, villageID int64) ([]RulesRow, error) {
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT r.id, r.village_id, r.valid_from, r.body, r.reason, COALESCE(u.display_name, ''), r.created_at
		FROM village_rules r LEFT JOIN users u ON u.id = r.created_by WHERE r.village_id = ? ORDER BY r.valid_from DESC, r.id DESC`, villageID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []RulesRow{}
	for rows.Next() {
		var r RulesRow
		var body string
		if err := rows.Scan(&r.ID, &r.VillageID, &r.ValidFrom, &body, &r.Reason, &r.CreatedBy, &r.CreatedAt); err != nil {
			return nil, err
		}
		r.Body = json.RawMessage(body)
		out = append(out, r)
	}
	return out, rows.Err()
}

// ValidateRules checks a complete set of rules for sense: quorum fractions
// above one half and at most one, positive periods, tier 1 below tier 2,
// known signature kinds and category codes.
func ValidateRules(r Rules) error {
	var l errs.List
	if r.PartyQuorumDen <= 0 || r.PartyQuorumNum <= 0 || r.PartyQuorumNum > r.PartyQuorumDen || 2*r.PartyQuorumNum <= r.PartyQuorumDen {
		l = append(l, errs.Field("party_quorum_num", fmt.Sprintf("党员大会到会比例 %d/%d 须大于二分之一且不超过 1（RULES.md 1.4）", r.PartyQuorumNum, r.PartyQuorumDen),
			fmt.Sprintf("the party meeting quorum %d/%d must be above 1/2 and at most 1 (RULES.md 1.4)", r.PartyQuorumNum, r.PartyQuorumDen)))
	}
	for _, x := range []struct {
		f      string
		v, lo  int
		hi     int
		zh, en string
	}{
		{"plan_notice_days", r.PlanNoticeDays, 0, 60, "方案提前送达天数", "plan notice days"},
		{"villager_notice_days", r.VillagerNoticeDays, 0, 60, "村民会议提前通知天数", "villagers' meeting notice days"},
		{"posting_days", r.PostingDays, 1, 365, "公示天数", "posting days"},
		{"village_affairs_months", r.VillageAffairsMonth, 1, 12, "村务公开间隔月数", "village affairs months"},
		{"finance_months", r.FinanceMonths, 1, 12, "财务公开间隔月数", "finance months"},
		{"finance_heavy_months", r.FinanceHeavyMonths, 1, 12, "财务活动频繁村财务公开间隔月数", "heavy-finance months"},
		{"party_months", r.PartyMonths, 1, 12, "党务公开间隔月数", "party affairs months"},
		{"major_matter_days", r.MajorMatterDays, 0, 60, "重大事项公开天数", "major matter days"},
		{"quarter_day", r.QuarterDay, 1, 31, "季度公开日", "quarterly disclosure day"},
		{"objection_days", r.ObjectionDays, 1, 60, "异议答复天数", "objection days"},
		{"lead_verify_days", r.LeadVerifyDays, 1, 365, "问题线索初核期限天数", "lead verification days"},
	} {
		if x.v < x.lo || x.v > x.hi {
			l = append(l, errs.Field(x.f, fmt.Sprintf("%s须在 %d–%d 之间", x.zh, x.lo, x.hi), fmt.Sprintf("%s must be %d–%d", x.en, x.lo, x.hi)))
		}
	}
	if r.Tier1MaxFen < 0 || r.Tier2MaxFen <= r.Tier1MaxFen {
		l = append(l, errs.Field("tier2_max_fen", fmt.Sprintf("第一档上限 %s 元须低于第二档上限 %s 元（RULES.md §2）", yuan(r.Tier1MaxFen), yuan(r.Tier2MaxFen)),
			fmt.Sprintf("the tier-1 limit %s yuan must be below the tier-2 limit %s yuan (RULES.md §2)", yuan(r.Tier1MaxFen), yuan(r.Tier2MaxFen))))
	}
	if strings.TrimSpace(r.ReviewDepartment) == "" {
		l = append(l, errs.Field("review_department", "须指定审核第三档支出的部门代码", "name the department that reviews tier-3 expenditures"))
	}
	for f, signs := range map[string][]string{"tier1_signs": r.Tier1Signs, "tier2_signs": r.Tier2Signs, "tier3_signs": r.Tier3Signs} {
		if len(signs) == 0 {
			l = append(l, errs.Field(f, "每档至少需要一项签批（RULES.md §2）", "every tier needs at least one signature (RULES.md §2)"))
		}
		for _, s := range signs {
			if !slices.Contains(ExpenditureSignKinds, s) {
				l = append(l, errs.Field(f, "签批类型须为 "+strings.Join(ExpenditureSignKinds, "、")+" 之一", "signatures are among "+strings.Join(ExpenditureSignKinds, ", ")))
				break
			}
		}
	}
	if !slices.Contains(r.Tier3Signs, SignReview) && len(r.Tier3Signs) > 0 {
		l = append(l, errs.Field("tier3_signs", "第三档须经乡镇三资办审核（review；RULES.md §2）", "tier 3 needs the township review (review; RULES.md §2)"))
	}
	for f, cs := range map[string][]string{"procedure_matters": r.ProcedureMatters, "villager_matters": r.VillagerMatters} {
		for _, c := range cs {
			if !categoryRe.MatchString(c) {
				l = append(l, errs.Field(f, fmt.Sprintf("事项类别“%s”须为小写英文代码", c), fmt.Sprintf("the category %q must be a lower-case code", c)))
				break
			}
		}
	}
	return l.Err()
}

// SetRules adds a version of the zone's (villageID 0) or a village's rules
// from a day (PermConfig: the committee only).
func (m *Module) SetRules(ctx context.Context, p *auth.Principal, villageID int64, in RulesChange) (*RulesInfo, error) {
	obj := auth.ZoneOnly
	if villageID != 0 {
		obj = auth.Object{Village: villageID}
	}
	if err := m.Auth.Authorize(ctx, p, PermConfig, obj, "village_rules", fmt.Sprint(villageID)); err != nil {
		return nil, err
	}
	if err := m.setRules(ctx, p.UserID, villageID, in); err != nil {
		return nil, err
	}
	return m.RulesOf(ctx, p, villageID, in.ValidFrom)
}

func (m *Module) setRules(ctx context.Context, userID, villageID int64, in RulesChange) error {
	in.ValidFrom, in.Reason = strings.TrimSpace(in.ValidFrom), strings.TrimSpace(in.Reason)
	var l errs.List
	if !dxValidDay(in.ValidFrom) {
		l = append(l, errs.Field("valid_from", "生效日期须为 YYYY-MM-DD", "valid_from must be YYYY-MM-DD"))
	}
	if n := utf8.RuneCountInString(in.Reason); n < 2 || n > 500 {
		l = append(l, errs.Field("reason", "须写明调整理由（2–500 字）", "give the reason (2–500 characters)"))
	}
	if len(bytes.TrimSpace(in.Rules)) == 0 || bytes.TrimSpace(in.Rules)[0] != '{' {
		l = append(l, errs.Field("rules", "rules 须为要调整的规则字段组成的 JSON 对象", "rules must be a JSON object of the fields that change"))
	}
	if err := l.Err(); err != nil {
		return err
	}
	if villageID != 0 {
		if _, err := m.village(ctx, villageID); err != nil {
			return err
		}
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		// The scope's version in force on that day, as a field map.
		prev := map[string]json.RawMessage{}
		var body string
		err := tx.QueryRowContext(ctx, `SELECT body FROM village_rules WHERE village_id = ? AND valid_from <= ? ORDER BY valid_from DESC LIMIT 1`,
			villageID, in.ValidFrom).Scan(&body)
		if err == nil {
			if err := json.Unmarshal([]byte(body), &prev); err != nil {
				return err
			}
		}
		// Only known fields may change.
		var probe Rules
		dec := json.NewDecoder(bytes.NewReader(in.Rules))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&probe); err != nil {
			return errs.Field("rules", "规则字段有误："+err.Error(), "unknown or malformed rule field: "+err.Error())
		}
		change := map[string]json.RawMessage{}
		if err := json.Unmarshal(in.Rules, &change); err != nil {
			return errs.Field("rules", "规则字段有误："+err.Error(), "malformed rules: "+err.Error())
		}
		if len(change) == 0 {
			return errs.Field("rules", "没有要调整的规则字段", "no rule field to change")
		}
		for k, v := range change {
			prev[k] = v
		}
		merged, err := json.Marshal(prev)
		if err != nil {
			return err
		}
		// The result, over the zone's version for a village, must make sense.
		base, err := m.Rules(ctx, 0, in.ValidFrom)
		if err != nil {
			return err
		}
		full := base.Rules
		if villageID == 0 {
			full = DefaultRules
			full.ProcedureMatters = slices.Clone(DefaultRules.ProcedureMatters)
			full.VillagerMatters = slices.Clone(DefaultRules.VillagerMatters)
			full.Tier1Signs, full.Tier2Signs, full.Tier3Signs = slices.Clone(DefaultRules.Tier1Signs), slices.Clone(DefaultRules.Tier2Signs), slices.Clone(DefaultRules.Tier3Signs)
		}
		if err := json.Unmarshal(merged, &full); err != nil {
			return errs.Field("rules", "规则字段类型有误："+err.Error(), "a rule field has the wrong type: "+err.Error())
		}
		if err := ValidateRules(full); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM departments WHERE code = ?`, full.ReviewDepartment).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return errs.Field("review_department", fmt.Sprintf("没有代码为 %s 的部门", full.ReviewDepartment), fmt.Sprintf("there is no department with code %s", full.ReviewDepartment))
		}
		var exists int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM village_rules WHERE village_id = ? AND valid_from = ?`, villageID, in.ValidFrom).Scan(&exists); err != nil {
			return err
		}
		if exists > 0 {
			return errs.New(errs.Conflict, fmt.Sprintf("已有自 %s 起生效的版本；版本不可修改，请另选生效日期", in.ValidFrom),
				fmt.Sprintf("a version from %s exists; versions are never edited — choose another day", in.ValidFrom))
		}
		id, err := tx.InsertID(ctx, `INSERT INTO village_rules (village_id, valid_from, body, reason, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			villageID, in.ValidFrom, string(merged), in.Reason, userID, m.Clock.Now())
		if err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "village.rules.set", ObjectType: "village_rules", ObjectID: fmt.Sprint(id),
			Scope: fmt.Sprintf("village:%d", villageID), Detail: fmt.Sprintf("from %s: %s (%s)", in.ValidFrom, string(in.Rules), in.Reason)})
	})
}
