package express

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/chain"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
)

// PermPoints reads a liaison's points ledger: the office every liaison's,
// a liaison only their own (Self), so another's reads as absent (404).
const PermPoints auth.Perm = "express:points"

func init() {
	auth.Register(PermPoints, auth.Rule{Role: auth.Committee}, auth.Rule{Role: auth.Liaison, Self: true})
	earnHook = earnPoints
	demandListeners = append(demandListeners, demandPoints)
	verifierParts = append(verifierParts, func(m *Module) chain.Verifier { return pointsVerifier{m} })
}

// PointRule is one version of a kind's row of the point table.
type PointRule struct {
	Kind       string `json:"kind"`
	ValidFrom  string `json:"valid_from"`
	Points     int    `json:"points"`
	MonthlyCap int    `json:"monthly_cap"` // per liaison, enterprise and month; 0 = none
}

// PointEntry is one line of a liaison's ledger.
type PointEntry struct {
	ID           int64  `json:"id"`
	Day          string `json:"day"`
	Kind         string `json:"kind"`
	Points       int    `json:"points"`
	RefType      string `json:"ref_type"`
	RefID        int64  `json:"ref_id"`
	EnterpriseID int64  `json:"enterprise_id,omitempty"`
	Enterprise   string `json:"enterprise,omitempty"`
	RuleFrom     string `json:"rule_from"`
	Reverses     int64  `json:"reverses,omitempty"`
	ReversedBy   int64  `json:"reversed_by,omitempty"`
	Reason       string `json:"reason,omitempty"`
	Note         string `json:"note,omitempty"`
}

func pointRule(ctx context.Context, q db.Querier, kind, day string) (PointRule, error) {
	r := PointRule{Kind: kind}
	err := q.QueryRowContext(ctx, `SELECT valid_from, points, monthly_cap FROM express_point_rules
		WHERE kind = ? AND valid_from <= ? ORDER BY valid_from DESC LIMIT 1`, kind, day).Scan(&r.ValidFrom, &r.Points, &r.MonthlyCap)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("express: no point rule for %s on %s", kind, day)
	}
	return r, err
}

func pointsChain(personID int64) string { return fmt.Sprintf("express_points/%d", personID) }

type pointsPayload struct {
	Person     int64  `json:"p"`
	Day        string `json:"d"`
	Kind       string `json:"k"`
	Points     int    `json:"n"`
	RefType    string `json:"rt"`
	RefID      int64  `json:"ri"`
	Enterprise int64  `json:"e"`
	RuleFrom   string `json:"rf"`
	Reverses   int64  `json:"rv"`
	Reason     string `json:"r"`
	Note       string `json:"nt"`
	Seq        int64  `json:"s"`
}

func (p pointsPayload) bytes() []byte { b, _ := json.Marshal(p); return b }

func (m *Module) appendPoints(ctx context.Context, tx *db.Tx, p pointsPayload, by int64) (int64, error) {
	link, err := chain.Append(ctx, tx, m.Seal, pointsChain(p.Person), func(seq int64) []byte { p.Seq = seq; return p.bytes() })
	if err != nil {
		return 0, err
	}
	var rev any
	if p.Reverses != 0 {
		rev = p.Reverses
	}
	return tx.InsertID(ctx, `INSERT INTO express_points (person_id, day, kind, points, ref_type, ref_id, enterprise_id, rule_from, reverses, reason, note, created_by, created_at, seq, prev_hash, hash, mac)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.Person, p.Day, p.Kind, p.Points, p.RefType, p.RefID, p.Enterprise, p.RuleFrom, rev, p.Reason, p.Note, by, m.Clock.Now(), link.Seq, link.Prev, link.Hash, link.MAC)
}

// liaisonOf reports whether a person is a liaison (of enterprise, when
// enterpriseID > 0).
func (m *Module) liaisonOf(ctx context.Context, personID, enterpriseID int64) (bool, error) {
	if personID <= 0 {
		return false, nil
	}
	q := `SELECT COUNT(*) FROM liaison_assignments WHERE person_id = ?`
	args := []any{personID}
	if enterpriseID > 0 {
		q += ` AND enterprise_id = ?`
		args = append(args, enterpriseID)
	}
	var n int
	err := m.DB.Q(ctx).QueryRowContext(ctx, q, args...).Scan(&n)
	return n > 0, err
}

// earnPoints is the ledger behind m.earn: the rule in force on the day
// gives the points, the kind's monthly cap per enterprise trims them
// (Capped), and a record that already earned this kind earns nothing
// again. A capped record still gets its entry, at 0, saying why.
func earnPoints(m *Module, ctx context.Context, e Earning) error {
	if e.PersonID <= 0 || e.RefType == "" || e.RefID <= 0 || !validKind(e.Kind) {
		return fmt.Errorf("express: bad earning %+v", e)
	}
	if e.Day == "" {
		e.Day = clock.Day(m.Clock.Now())
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		// the rule in force on the day, and whether this record already earned this kind
		r := PointRule{Kind: e.Kind}
		var done int
		err := tx.QueryRowContext(ctx, `SELECT r.valid_from, r.points, r.monthly_cap,
			(SELECT COUNT(*) FROM express_points x WHERE x.person_id = ? AND x.kind = r.kind AND x.ref_type = ? AND x.ref_id = ? AND x.reverses IS NULL)
			FROM express_point_rules r WHERE r.kind = ? AND r.valid_from <= ? ORDER BY r.valid_from DESC LIMIT 1`,
			e.PersonID, e.RefType, e.RefID, e.Kind, e.Day).Scan(&r.ValidFrom, &r.Points, &r.MonthlyCap, &done)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("express: no point rule for %s on %s", e.Kind, e.Day)
		}
		if err != nil || done > 0 {
			return err
		}
		got, note := r.Points, ""
		if r.MonthlyCap > 0 && e.EnterpriseID > 0 {
			var earned int
			month := e.Day[:7]
			if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(points), 0) FROM express_points WHERE person_id = ? AND kind = ? AND enterprise_id = ? AND day >= ? AND day <= ?`,
				e.PersonID, e.Kind, e.EnterpriseID, month+"-01", month+"-31").Scan(&earned); err != nil {
				return err
			}
			got = Capped(r.Points, r.MonthlyCap, earned)
			if got < r.Points {
				note = fmt.Sprintf("本月该企业此项已得 %d 分，上限 %d 分（RULES.md §8），本次计 %d 分 / %d of the monthly cap of %d already earned for this enterprise (RULES.md §8): %d this time",
					earned, r.MonthlyCap, got, earned, r.MonthlyCap, got)
			}
		}
		_, err = m.appendPoints(ctx, tx, pointsPayload{Person: e.PersonID, Day: e.Day, Kind: e.Kind, Points: got, RefType: e.RefType, RefID: e.RefID,
			Enterprise: e.EnterpriseID, RuleFrom: r.ValidFrom, Note: note}, 0)
		return err
	})
}

// demandPoints turns demand events into points (RULES.md §8): a demand a
// liaison raised for an assigned enterprise earns 收集意见建议 and its
// category's bonus; when it is resolved, 反映实际问题并推动解决.
// raiserEarningSQL finds who earned for raising a demand, when it is
// resolved: by the reference's index (migration 014), not a scan of the
// whole ledger.
const raiserEarningSQL = `SELECT person_id FROM express_points WHERE kind = ? AND ref_type = 'demand' AND ref_id = ? AND reverses IS NULL ORDER BY id LIMIT 1`

func demandPoints(m *Module, ctx context.Context, ev DemandEvent) error {
	switch ev.Kind {
	case "raised":
		ok := false
		if ev.raiserLiaison != nil {
			ok = *ev.raiserLiaison
		} else {
			var err error
			if ok, err = m.liaisonOf(ctx, ev.RaisedBy, ev.EnterpriseID); err != nil {
				return err
			}
		}
		if !ok {
			return nil
		}
		e := Earning{PersonID: ev.RaisedBy, Kind: KindDemandRaised, RefType: "demand", RefID: ev.DemandID, EnterpriseID: ev.EnterpriseID, Day: ev.Day}
		if err := m.earn(ctx, e); err != nil {
			return err
		}
		if b, ok := categoryBonus[ev.Category]; ok {
			e.Kind = b
			return m.earn(ctx, e)
		}
	case "resolved":
		// whoever earned for raising it; else the raiser, if a liaison of the enterprise
		// On the writer (a resolution's shared transaction), through the
		// statement prepared once there.
		var row *sql.Row
		if tx := db.TxFrom(ctx); tx != nil {
			row = tx.QueryRowCached(ctx, raiserEarningSQL, KindDemandRaised, ev.DemandID)
		} else {
			row = m.DB.Q(ctx).QueryRowContext(ctx, raiserEarningSQL, KindDemandRaised, ev.DemandID)
		}
		var person int64
		err := row.Scan(&person)
		if errors.Is(err, sql.ErrNoRows) {
			ok, err := m.liaisonOf(ctx, ev.RaisedBy, ev.EnterpriseID)
			if err != nil || !ok {
				return err
			}
			person = ev.RaisedBy
		} else if err != nil {
			return err
		}
		return m.earn(ctx, Earning{PersonID: person, Kind: KindDemandResolved, RefType: "demand", RefID: ev.DemandID, EnterpriseID: ev.EnterpriseID, Day: ev.Day})
	}
	return nil
}

// ---- reading ----

// Ledger is a liaison's entries between two days with their total and rank.
type Ledger struct {
	PersonID int64        `json:"person_id"`
	Name     string       `json:"name"`
	From     string       `json:"from"`
	To       string       `json:"to"`
	Total    int          `json:"total"`
	Rank     int          `json:"rank"`
	Of       int          `json:"of"`
	ByKind   []KindTotal  `json:"by_kind"`
	Entries  []PointEntry `json:"entries"`
}

// KindTotal is a ledger's subtotal for one kind.
type KindTotal struct {
	Kind   string `json:"kind"`
	Count  int    `json:"count"`
	Points int    `json:"points"`
}

func pointsRange(from, to string) error {
	var l errs.List
	if _, err := clock.ParseDay(from); err != nil {
		l = append(l, errs.Field("from", "起始日期须为 YYYY-MM-DD", "from must be a date YYYY-MM-DD"))
	}
	if _, err := clock.ParseDay(to); err != nil {
		l = append(l, errs.Field("to", "截止日期须为 YYYY-MM-DD", "to must be a date YYYY-MM-DD"))
	}
	if len(l) == 0 && from > to {
		l = append(l, errs.Field("to", "截止日期不能早于起始日期", "to must not be before from"))
	}
	return l.Err()
}

// LiaisonLedger reads a liaison's ledger (personID is the liaison's person
// id) between from and to inclusive: the office any liaison's, a liaison
// their own; anyone else's, or a person who is no liaison, reads as absent.
func (m *Module) LiaisonLedger(ctx context.Context, p *auth.Principal, personID int64, from, to string) (*Ledger, error) {
	if err := m.Auth.Authorize(ctx, p, PermPoints, auth.Object{Person: personID}, "express_points", fmt.Sprint(personID)); err != nil {
		return nil, err
	}
	if err := pointsRange(from, to); err != nil {
		return nil, err
	}
	ok, err := m.liaisonOf(ctx, personID, 0)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errs.NotFoundf("联络员")
	}
	q := m.DB.Q(ctx)
	l := &Ledger{PersonID: personID, From: from, To: to, Entries: []PointEntry{}, ByKind: []KindTotal{}}
	if err := q.QueryRowContext(ctx, `SELECT name FROM people WHERE id = ?`, personID).Scan(&l.Name); err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT x.id, x.day, x.kind, x.points, x.ref_type, x.ref_id, x.enterprise_id, COALESCE(e.name, ''), x.rule_from,
		COALESCE(x.reverses, 0), COALESCE((SELECT r.id FROM express_points r WHERE r.reverses = x.id), 0), x.reason, x.note
		FROM express_points x LEFT JOIN enterprises e ON e.id = x.enterprise_id
		WHERE x.person_id = ? AND x.day >= ? AND x.day <= ? ORDER BY x.day DESC, x.id DESC`, personID, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	sub := map[string]*KindTotal{}
	for rows.Next() {
		var e PointEntry
		if err := rows.Scan(&e.ID, &e.Day, &e.Kind, &e.Points, &e.RefType, &e.RefID, &e.EnterpriseID, &e.Enterprise, &e.RuleFrom, &e.Reverses, &e.ReversedBy, &e.Reason, &e.Note); err != nil {
			return nil, err
		}
		l.Total += e.Points
		k := sub[e.Kind]
		if k == nil {
			k = &KindTotal{Kind: e.Kind}
			sub[e.Kind] = k
		}
		k.Points += e.Points
		if e.Reverses == 0 {
			k.Count++
		} else {
			k.Count--
		}
		l.Entries = append(l.Entries, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, k := range PointKinds {
		if s := sub[k]; s != nil {
			l.ByKind = append(l.ByKind, *s)
		}
	}
	ss, err := m.standings(ctx, from, to)
	if err != nil {
		return nil, err
	}
	ss = Rank(ss)
	l.Of = len(ss)
	for _, s := range ss {
		if s.PersonID == personID {
			l.Rank = s.Rank
		}
	}
	return l, nil
}

// standings sums every liaison's points between from and to, with the tie
// rule's figures (resolved demands, last day earned) and months served.
func (m *Module) standings(ctx context.Context, from, to string) ([]Standing, error) {
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT p.id, p.name, MIN(a.since),
		COALESCE((SELECT SUM(x.points) FROM express_points x WHERE x.person_id = p.id AND x.day >= ? AND x.day <= ?), 0),
		COALESCE((SELECT SUM(CASE WHEN x.reverses IS NULL THEN 1 ELSE -1 END) FROM express_points x WHERE x.person_id = p.id AND x.kind = ? AND x.day >= ? AND x.day <= ?), 0),
		COALESCE((SELECT MAX(x.day) FROM express_points x WHERE x.person_id = p.id AND x.points > 0 AND x.reverses IS NULL AND x.day >= ? AND x.day <= ?), '')
		FROM people p JOIN liaison_assignments a ON a.person_id = p.id
		GROUP BY p.id, p.name ORDER BY p.id`, from, to, KindDemandResolved, from, to, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Standing{}
	for rows.Next() {
		var s Standing
		var since string
		if err := rows.Scan(&s.PersonID, &s.Name, &since, &s.Total, &s.Resolved, &s.LastEarned); err != nil {
			return nil, err
		}
		s.Months = MonthsServed(from, to, since)
		if s.Months == 0 && s.Total == 0 {
			continue // not yet a liaison in this period
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// tierConfig is the tier configuration in force on day.
func (m *Module) tierConfig(ctx context.Context, day string) (TierConfig, error) {
	var c TierConfig
	err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT valid_from, excellent_pct, competent_per_month, basic_per_month FROM express_assessment_config
		WHERE valid_from <= ? ORDER BY valid_from DESC LIMIT 1`, day).Scan(&c.ValidFrom, &c.ExcellentPct, &c.CompetentPerMonth, &c.BasicPerMonth)
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("express: no assessment configuration on %s", day)
	}
	return c, err
}

// Assessment is the office's view of a period: every liaison's standing,
// ranked and tiered, with the rewards and penalties recorded against it.
type Assessment struct {
	Period    Period             `json:"period"`
	Config    TierConfig         `json:"config"`
	Quota     int                `json:"excellent_quota"`
	Standings []Standing         `json:"standings"`
	Actions   []AssessmentAction `json:"actions"`
}

// AssessmentAction is a reward or penalty recorded against a standing.
type AssessmentAction struct {
	ID        int64  `json:"id"`
	Period    string `json:"period"`
	PersonID  int64  `json:"person_id"`
	Name      string `json:"name"`
	Kind      string `json:"kind"` // reward, penalty
	Body      string `json:"body"`
	AmountFen *int64 `json:"amount_fen,omitempty"`
	Total     int    `json:"total"`
	Rank      int    `json:"rank"`
	Tier      string `json:"tier"`
	CreatedAt string `json:"created_at"`
}

// Assess computes a period's assessment (the office).
func (m *Module) Assess(ctx context.Context, p *auth.Principal, period string) (*Assessment, error) {
	if err := m.Auth.Authorize(ctx, p, PermOffice, auth.Anything, "express_assessment", period); err != nil {
		return nil, err
	}
	return m.assess(ctx, period)
}

func (m *Module) assess(ctx context.Context, period string) (*Assessment, error) {
	per, err := ParsePeriod(period)
	if err != nil {
		return nil, err
	}
	cfg, err := m.tierConfig(ctx, per.To)
	if err != nil {
		return nil, err
	}
	ss, err := m.standings(ctx, per.From, per.To)
	if err != nil {
		return nil, err
	}
	a := &Assessment{Period: per, Config: cfg, Quota: ExcellentQuota(len(ss), cfg.ExcellentPct), Standings: AssignTiers(Rank(ss), cfg), Actions: []AssessmentAction{}}
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT a.id, a.period, a.person_id, p.name, a.kind, a.body, a.amount_fen, a.total, a.rank, a.tier, a.created_at
		FROM express_assessment_actions a JOIN people p ON p.id = a.person_id WHERE a.period = ? ORDER BY a.id`, per.Key)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var x AssessmentAction
		var amt sql.NullInt64
		var at sql.NullTime
		if err := rows.Scan(&x.ID, &x.Period, &x.PersonID, &x.Name, &x.Kind, &x.Body, &amt, &x.Total, &x.Rank, &x.Tier, &at); err != nil {
			return nil, err
		}
		if amt.Valid {
			v := amt.Int64
			x.AmountFen = &v
		}
		if at.Valid {
			x.CreatedAt = clock.Day(at.Time)
		}
		a.Actions = append(a.Actions, x)
	}
	return a, rows.Err()
}

// AssessmentActionInput records a reward or penalty against a liaison's standing in
// a period.
type AssessmentActionInput struct {
	Period    string `json:"period"`
	PersonID  int64  `json:"person_id"`
	Kind      string `json:"kind"`
	Body      string `json:"body"`
	AmountFen *int64 `json:"amount_fen"`
}

// RecordAction records a reward or penalty (the office); the liaison's
// total, rank and tier at that moment are kept with it.
func (m *Module) RecordAction(ctx context.Context, p *auth.Principal, in AssessmentActionInput) (int64, error) {
	if err := m.Auth.Authorize(ctx, p, PermOffice, auth.Anything, "express_assessment", in.Period); err != nil {
		return 0, err
	}
	in.Body = strings.TrimSpace(in.Body)
	var l errs.List
	if in.Kind != "reward" && in.Kind != "penalty" {
		l = append(l, errs.Field("kind", "类型须为 reward（奖励）或 penalty（惩处）", "kind must be reward or penalty"))
	}
	if n := utf8.RuneCountInString(in.Body); n < 2 || n > 500 {
		l = append(l, errs.Field("body", "奖惩内容须为 2–500 字", "the text must be 2–500 characters"))
	}
	if in.AmountFen != nil && (*in.AmountFen < 0 || *in.AmountFen > 100000000) {
		l = append(l, errs.Field("amount_fen", "金额须在 0–100 万元之间（以分计）", "the amount must be between 0 and 1,000,000 yuan (in fen)"))
	}
	if _, err := ParsePeriod(in.Period); err != nil {
		l = append(l, err.(*errs.Error))
	}
	if err := l.Err(); err != nil {
		return 0, err
	}
	a, err := m.assess(ctx, in.Period)
	if err != nil {
		return 0, err
	}
	var st *Standing
	for i := range a.Standings {
		if a.Standings[i].PersonID == in.PersonID {
			st = &a.Standings[i]
		}
	}
	if st == nil {
		return 0, errs.Field("person_id", "该人员不是本考核期的联络员", "this person is not a liaison in the period")
	}
	var id int64
	err = m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var amt any
		if in.AmountFen != nil {
			amt = *in.AmountFen
		}
		var err error
		if id, err = tx.InsertID(ctx, `INSERT INTO express_assessment_actions (period, person_id, kind, body, amount_fen, total, rank, tier, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.Period.Key, in.PersonID, in.Kind, in.Body, amt, st.Total, st.Rank, st.Tier, p.UserID, m.Clock.Now()); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "express.assessment." + in.Kind, ObjectType: "person", ObjectID: fmt.Sprint(in.PersonID),
			Detail: fmt.Sprintf("%s: %s", a.Period.Key, in.Body)})
	})
	return id, err
}

// Reverse corrects a ledger entry with a reversing entry and a reason (the
// office): the entry is never edited; the reversal points at it, carries
// the opposite points and is chained like any entry. An entry is reversed
// at most once, and a reversal is not itself reversed.
func (m *Module) Reverse(ctx context.Context, p *auth.Principal, entryID int64, reason string) (int64, error) {
	if err := m.Auth.Authorize(ctx, p, PermOffice, auth.Anything, "express_points", fmt.Sprint(entryID)); err != nil {
		return 0, err
	}
	reason = strings.TrimSpace(reason)
	if n := utf8.RuneCountInString(reason); n < 2 || n > 500 {
		return 0, errs.Field("reason", "冲正须写明理由（2–500 字）", "a correction needs a reason (2–500 characters)")
	}
	var id int64
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var x pointsPayload
		var rev sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT person_id, kind, points, ref_type, ref_id, enterprise_id, rule_from, reverses FROM express_points WHERE id = ?`, entryID).
			Scan(&x.Person, &x.Kind, &x.Points, &x.RefType, &x.RefID, &x.Enterprise, &x.RuleFrom, &rev)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NotFoundf("积分记录")
		}
		if err != nil {
			return err
		}
		if rev.Valid {
			return errs.New(errs.Conflict, "冲正记录不能再冲正", "a reversing entry cannot itself be reversed")
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM express_points WHERE reverses = ?`, entryID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return errs.New(errs.Conflict, fmt.Sprintf("积分记录 %d 已冲正过", entryID), fmt.Sprintf("entry %d is already reversed", entryID))
		}
		x.Day, x.Points, x.Reverses, x.Reason = clock.Day(m.Clock.Now()), -x.Points, entryID, reason
		if id, err = m.appendPoints(ctx, tx, x, p.UserID); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "express.points.reverse", ObjectType: "express_points", ObjectID: fmt.Sprint(entryID), Detail: reason})
	})
	return id, err
}

// ---- the point table ----

// PointTable is the point table in force on a day, with every version.
type PointTable struct {
	Day      string      `json:"day"`
	InForce  []PointRule `json:"in_force"`
	Versions []PointRule `json:"versions"`
	Tiers    TierConfig  `json:"tiers"`
}

// ReadPointTable reads the point table (anyone at the express desk).
func (m *Module) ReadPointTable(ctx context.Context, p *auth.Principal) (*PointTable, error) {
	if err := m.Auth.Authorize(ctx, p, PermRead, auth.Anything, "express_point_rules", ""); err != nil {
		return nil, err
	}
	day := clock.Day(m.Clock.Now())
	t := &PointTable{Day: day, InForce: []PointRule{}, Versions: []PointRule{}}
	for _, k := range PointKinds {
		r, err := pointRule(ctx, m.DB.Q(ctx), k, day)
		if err != nil {
			return nil, err
		}
		t.InForce = append(t.InForce, r)
	}
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT kind, valid_from, points, monthly_cap FROM express_point_rules ORDER BY valid_from DESC, kind`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var r PointRule
		if err := rows.Scan(&r.Kind, &r.ValidFrom, &r.Points, &r.MonthlyCap); err != nil {
			return nil, err
		}
		t.Versions = append(t.Versions, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	t.Tiers, err = m.tierConfig(ctx, day)
	return t, err
}

// SetPointRule adds a version of a kind's points from a date (the office). A
// version starting before today would rewrite the past, so it must start
// today or later; entries already earned keep the version they were earned
// under.
func (m *Module) SetPointRule(ctx context.Context, p *auth.Principal, r PointRule) error {
	if err := m.Auth.Authorize(ctx, p, PermOffice, auth.Anything, "express_point_rules", r.Kind); err != nil {
		return err
	}
	var l errs.List
	if !validKind(r.Kind) {
		l = append(l, errs.Field("kind", "未知的积分项目："+r.Kind, "unknown point kind: "+r.Kind))
	}
	if _, err := clock.ParseDay(r.ValidFrom); err != nil {
		l = append(l, errs.Field("valid_from", "生效日期须为 YYYY-MM-DD", "valid_from must be a date YYYY-MM-DD"))
	} else if today := clock.Day(m.Clock.Now()); r.ValidFrom < today {
		l = append(l, errs.Field("valid_from", fmt.Sprintf("生效日期不能早于今天（%s）：已记的积分按原分值", today), fmt.Sprintf("valid_from cannot be before today (%s): earned points keep their rule", today)))
	}
	if r.Points < 0 || r.Points > 100 {
		l = append(l, errs.Field("points", "分值须在 0–100 之间", "points must be between 0 and 100"))
	}
	if r.MonthlyCap < 0 || r.MonthlyCap > 1000 {
		l = append(l, errs.Field("monthly_cap", "月上限须在 0–1000 之间（0 为不设上限）", "the monthly cap must be between 0 and 1000 (0: none)"))
	}
	if err := l.Err(); err != nil {
		return err
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO express_point_rules (kind, valid_from, points, monthly_cap, created_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (kind, valid_from) DO UPDATE SET points = excluded.points, monthly_cap = excluded.monthly_cap, created_at = excluded.created_at`,
			r.Kind, r.ValidFrom, r.Points, r.MonthlyCap, m.Clock.Now()); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "express.points.rule", ObjectType: "express_point_rules", ObjectID: r.Kind,
			Detail: fmt.Sprintf("from %s: %d points, cap %d", r.ValidFrom, r.Points, r.MonthlyCap)})
	})
}

// SetTiers adds a version of the tier configuration from a date (the
// office), today or later.
func (m *Module) SetTiers(ctx context.Context, p *auth.Principal, c TierConfig) error {
	if err := m.Auth.Authorize(ctx, p, PermOffice, auth.Anything, "express_assessment_config", ""); err != nil {
		return err
	}
	var l errs.List
	if _, err := clock.ParseDay(c.ValidFrom); err != nil {
		l = append(l, errs.Field("valid_from", "生效日期须为 YYYY-MM-DD", "valid_from must be a date YYYY-MM-DD"))
	} else if today := clock.Day(m.Clock.Now()); c.ValidFrom < today {
		l = append(l, errs.Field("valid_from", fmt.Sprintf("生效日期不能早于今天（%s）", today), fmt.Sprintf("valid_from cannot be before today (%s)", today)))
	}
	if c.ExcellentPct < 0 || c.ExcellentPct > 15 {
		l = append(l, errs.Field("excellent_pct", "优秀比例须在 0–15% 之间（RULES.md §8）", "the 优秀 share must be 0–15% (RULES.md §8)"))
	}
	if c.BasicPerMonth < 0 || c.CompetentPerMonth < c.BasicPerMonth || c.CompetentPerMonth > 1000 {
		l = append(l, errs.Field("competent_per_month", "须满足 0 ≤ 基本称职月分 ≤ 称职月分 ≤ 1000", "need 0 ≤ basic ≤ competent ≤ 1000 points a month"))
	}
	if err := l.Err(); err != nil {
		return err
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO express_assessment_config (valid_from, excellent_pct, competent_per_month, basic_per_month, created_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (valid_from) DO UPDATE SET excellent_pct = excluded.excellent_pct, competent_per_month = excluded.competent_per_month, basic_per_month = excluded.basic_per_month`,
			c.ValidFrom, c.ExcellentPct, c.CompetentPerMonth, c.BasicPerMonth, m.Clock.Now()); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "express.points.tiers", ObjectType: "express_assessment_config", ObjectID: c.ValidFrom,
			Detail: fmt.Sprintf("%d%% excellent, %d/%d a month", c.ExcellentPct, c.CompetentPerMonth, c.BasicPerMonth)})
	})
}

// PointsOf sums a person's points between two days (inclusive), for tiles.
func (m *Module) PointsOf(ctx context.Context, personID int64, from, to string) (int, error) {
	var n int
	err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT COALESCE(SUM(points), 0) FROM express_points WHERE person_id = ? AND day >= ? AND day <= ?`, personID, from, to).Scan(&n)
	return n, err
}

// ---- verification ----

// pointsVerifier re-walks every liaison's points chain.
type pointsVerifier struct{ m *Module }

// ChainName names the family of chains (express_points/{person}).
func (v pointsVerifier) ChainName() string { return "express_points" }

// Verify re-walks every liaison's chain in seq order and checks each head.
func (v pointsVerifier) Verify(ctx context.Context) (*chain.Break, int64, error) {
	m := v.m
	rows, err := m.DB.R.QueryContext(ctx, `SELECT id, person_id, day, kind, points, ref_type, ref_id, enterprise_id, rule_from, COALESCE(reverses, 0), reason, note, seq, prev_hash, hash, mac
		FROM express_points ORDER BY person_id, seq`)
	if err != nil {
		return nil, 0, err
	}
	type row struct {
		id           int64
		p            pointsPayload
		prev, h, mac string
	}
	var all []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.p.Person, &r.p.Day, &r.p.Kind, &r.p.Points, &r.p.RefType, &r.p.RefID, &r.p.Enterprise, &r.p.RuleFrom, &r.p.Reverses, &r.p.Reason, &r.p.Note,
			&r.p.Seq, &r.prev, &r.h, &r.mac); err != nil {
			rows.Close()
			return nil, 0, err
		}
		all = append(all, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	var n int64
	var w *chain.Walker
	var person int64 = -1
	finish := func() (*chain.Break, error) {
		if w == nil {
			return nil, nil
		}
		head, err := chain.Head(ctx, m.DB.Q(ctx), w.Name)
		if err != nil {
			return nil, err
		}
		return w.End(head), nil
	}
	seen := map[string]bool{}
	for _, r := range all {
		if r.p.Person != person {
			if b, err := finish(); err != nil || b != nil {
				return b, n, err
			}
			person = r.p.Person
			w = &chain.Walker{Name: pointsChain(person), Sealer: m.Seal}
			seen[w.Name] = true
		}
		n++
		if !w.Step(fmt.Sprintf("express_points id=%d", r.id), r.p.Seq, r.prev, r.h, r.mac, r.p.bytes()) {
			return w.Broken, n, nil
		}
	}
	if b, err := finish(); err != nil || b != nil {
		return b, n, err
	}
	// A liaison whose rows were all deleted still has a head.
	heads, err := m.DB.R.QueryContext(ctx, `SELECT chain, seq FROM chain_heads WHERE chain LIKE 'express_points/%'`)
	if err != nil {
		return nil, n, err
	}
	defer heads.Close()
	for heads.Next() {
		var name string
		var seq int64
		if err := heads.Scan(&name, &seq); err != nil {
			return nil, n, err
		}
		if !seen[name] && seq > 0 {
			return &chain.Break{Chain: name, Seq: 1, Ref: "chain head", Reason: "every link of this ledger is missing (rows deleted)"}, n, nil
		}
	}
	return nil, n, heads.Err()
}

// NoteIn returns the entry's note in one language: notes are stored as
// "中文 / English".
func (e PointEntry) NoteIn(en bool) string {
	zh, eng, ok := strings.Cut(e.Note, " / ")
	if !ok {
		return e.Note
	}
	if en {
		return eng
	}
	return zh
}

// Amount is the action's amount in fen (0 when none), for templates.
func (a AssessmentAction) Amount() int64 {
	if a.AmountFen == nil {
		return 0
	}
	return *a.AmountFen
}
