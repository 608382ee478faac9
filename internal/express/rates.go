package express

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"

	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
)

// PermRates lets a role read the three rates: the committee for every
// department, department staff for their own.
const PermRates auth.Perm = "express:rates"

func init() {
	auth.Register(PermRates, auth.Rule{Role: auth.Committee}, auth.Rule{Role: auth.DeptStaff})
}

// DeptRates is one department's three rates (三率) over a period, with the
// counts they come from (issue 6 item 3, RULES.md §7). The definitions,
// for department D and the period [From, To] of zone days, counting the
// demands whose lead department is D now (a demand returned by D and
// routed elsewhere counts for the department that has it):
//
//   - response rate (响应率) = RespondedInTime ÷ Routed, where Routed is the
//     demands routed to D on a day in the period, and RespondedInTime those
//     of them D signed for (accepted) on or before their respond-by day;
//   - resolution rate (解决率) = Resolved ÷ Due, where Due is the
//     demands whose resolve-by day falls in the period and has arrived
//     (resolve-by < Today, or already resolved), and Resolved those of
//     them resolved by now, late or not: RULES.md says "resolved ÷ due"
//     while it says "responded in time" for the response rate, so
//     lateness is the response rate's and the overdue flag's business
//     (ResolvedInTime, those resolved on or before their resolve-by day,
//     is shown beside it);
//   - satisfaction rate (满意率) = (Satisfied + Basically) ÷ Rated, where
//     Rated is the demands rated on a day in the period (their latest
//     rating: a reopened demand counts once, with its new rating once
//     given, and until then with the 不满意 that reopened it).
//
// A rate with a zero denominator is absent (nil), not 0 or 100%.
type DeptRates struct {
	DepartmentID     int64    `json:"department_id"`
	Department       string   `json:"department"`
	From             string   `json:"from"`
	To               string   `json:"to"`
	Routed           int      `json:"routed"`
	RespondedInTime  int      `json:"responded_in_time"`
	ResponseRate     *float64 `json:"response_rate"`
	Due              int      `json:"due"`
	Resolved         int      `json:"resolved"`
	ResolvedInTime   int      `json:"resolved_in_time"`
	ResolutionRate   *float64 `json:"resolution_rate"`
	Rated            int      `json:"rated"`
	Satisfied        int      `json:"satisfied"`
	Basically        int      `json:"basically"`
	Unsatisfied      int      `json:"unsatisfied"`
	SatisfactionRate *float64 `json:"satisfaction_rate"`
	Score            *float64 `json:"score"` // weighted, 0–100
	Rank             int      `json:"rank"`  // 1 = best; 0 = no score
}

// RateWeights are the ranking weights in percent (RULES.md §7: 30/35/35).
type RateWeights struct {
	Response     int `json:"response"`
	Resolution   int `json:"resolution"`
	Satisfaction int `json:"satisfaction"`
}

// rateDemand is what the rates read of one demand.
type rateDemand struct {
	Dept                  int64
	RoutedOn, RespondBy   string
	RespondedOn           string
	ResolveBy, ResolvedOn string
	Rating, RatedOn       string
}

func ratio(n, d int) *float64 {
	if d == 0 {
		return nil
	}
	v := float64(n) / float64(d)
	return &v
}

// computeRates counts the rates of one department over [from, to] as of
// today (the definitions are on DeptRates). Pure.
func computeRates(ds []rateDemand, from, to, today string) DeptRates {
	r := DeptRates{From: from, To: to}
	in := func(day string) bool { return day != "" && day >= from && day <= to }
	for _, d := range ds {
		if in(d.RoutedOn) {
			r.Routed++
			if d.RespondedOn != "" && d.RespondedOn <= d.RespondBy {
				r.RespondedInTime++
			}
		}
		if in(d.ResolveBy) && (d.ResolveBy < today || d.ResolvedOn != "") {
			r.Due++
			if d.ResolvedOn != "" {
				r.Resolved++
			}
			if d.ResolvedOn != "" && d.ResolvedOn <= d.ResolveBy {
				r.ResolvedInTime++
			}
		}
		if in(d.RatedOn) && d.Rating != "" {
			r.Rated++
			switch d.Rating {
			case "satisfied":
				r.Satisfied++
			case "basically":
				r.Basically++
			default:
				r.Unsatisfied++
			}
		}
	}
	r.ResponseRate = ratio(r.RespondedInTime, r.Routed)
	r.ResolutionRate = ratio(r.Resolved, r.Due)
	r.SatisfactionRate = ratio(r.Satisfied+r.Basically, r.Rated)
	return r
}

// scoreRates is the weighted score (0–100) of the rates present, the
// weights of absent rates left out and the rest scaled to 100; nil when
// no rate is present.
func scoreRates(r DeptRates, w RateWeights) *float64 {
	num, den := 0.0, 0
	for _, x := range []struct {
		v *float64
		w int
	}{{r.ResponseRate, w.Response}, {r.ResolutionRate, w.Resolution}, {r.SatisfactionRate, w.Satisfaction}} {
		if x.v != nil {
			num += *x.v * float64(x.w)
			den += x.w
		}
	}
	if den == 0 {
		return nil
	}
	s := math.Round(num/float64(den)*100*100) / 100
	return &s
}

// rankRates scores and ranks departments (RULES.md §7 weights): higher
// score first; equal scores share a rank (1, 2, 2, 4); ties are listed by
// more demands routed, then by department order; departments with no
// score come last, unranked.
func rankRates(rs []DeptRates, w RateWeights) {
	for i := range rs {
		rs[i].Score = scoreRates(rs[i], w)
	}
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i].Score, rs[j].Score
		if (a == nil) != (b == nil) {
			return a != nil
		}
		if a != nil && *a != *b {
			return *a > *b
		}
		return rs[i].Routed > rs[j].Routed
	})
	for i := range rs {
		switch {
		case rs[i].Score == nil:
			rs[i].Rank = 0
		case i > 0 && rs[i-1].Score != nil && *rs[i-1].Score == *rs[i].Score:
			rs[i].Rank = rs[i-1].Rank
		default:
			rs[i].Rank = i + 1
		}
	}
}

func (m *Module) rateWeights(ctx context.Context) (RateWeights, error) {
	w := RateWeights{30, 35, 35}
	err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT response, resolution, satisfaction FROM rates_weights WHERE id = 1`).Scan(&w.Response, &w.Resolution, &w.Satisfaction)
	return w, err
}

// RateWeightsOf reads the ranking weights.
func (m *Module) RateWeightsOf(ctx context.Context, p *auth.Principal) (RateWeights, error) {
	if err := m.Auth.Authorize(ctx, p, PermRates, auth.Anything, "rates_weights", ""); err != nil {
		return RateWeights{}, err
	}
	return m.rateWeights(ctx)
}

// SetRateWeights changes the ranking weights (the office); they must be
// whole percents summing to 100.
func (m *Module) SetRateWeights(ctx context.Context, p *auth.Principal, w RateWeights) error {
	if err := m.Auth.Authorize(ctx, p, PermOffice, auth.Anything, "rates_weights", ""); err != nil {
		return err
	}
	var l errs.List
	for _, x := range []struct {
		f, zh string
		v     int
	}{{"response", "响应率权重", w.Response}, {"resolution", "解决率权重", w.Resolution}, {"satisfaction", "满意率权重", w.Satisfaction}} {
		if x.v < 0 || x.v > 100 {
			l = append(l, errs.Field(x.f, x.zh+"须为 0–100", "the "+x.f+" weight must be 0–100"))
		}
	}
	if len(l) == 0 && w.Response+w.Resolution+w.Satisfaction != 100 {
		l = append(l, errs.Field("response", fmt.Sprintf("三项权重之和须为 100（现为 %d）", w.Response+w.Resolution+w.Satisfaction),
			fmt.Sprintf("the three weights must sum to 100 (now %d)", w.Response+w.Resolution+w.Satisfaction)))
	}
	if err := l.Err(); err != nil {
		return err
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE rates_weights SET response = ?, resolution = ?, satisfaction = ?, updated_at = ? WHERE id = 1`,
			w.Response, w.Resolution, w.Satisfaction, m.Clock.Now()); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "express.rates_weights.set", ObjectType: "rates_weights", ObjectID: "1",
			Detail: fmt.Sprintf("%d/%d/%d", w.Response, w.Resolution, w.Satisfaction)})
	})
}

// ratePeriod checks a period; empty from/to default to the year so far.
func (m *Module) ratePeriod(from, to string) (string, string, error) {
	today := m.today()
	if from == "" {
		from = today[:4] + "-01-01"
	}
	if to == "" {
		to = today
	}
	var l errs.List
	if _, err := clock.ParseDay(from); err != nil {
		l = append(l, errs.Field("from", "起始日期须为 YYYY-MM-DD", "from must be YYYY-MM-DD"))
	}
	if _, err := clock.ParseDay(to); err != nil {
		l = append(l, errs.Field("to", "截止日期须为 YYYY-MM-DD", "to must be YYYY-MM-DD"))
	}
	if len(l) == 0 && from > to {
		l = append(l, errs.Field("to", "截止日期不能早于起始日期", "to cannot be before from"))
	}
	return from, to, l.Err()
}

// Ranking computes every department's rates over [from, to] and ranks
// them; department staff get their own department's row(s) only (with
// their rank among all).
func (m *Module) Ranking(ctx context.Context, p *auth.Principal, from, to string) ([]DeptRates, RateWeights, error) {
	if err := m.Auth.Authorize(ctx, p, PermRates, auth.Anything, "rates", ""); err != nil {
		return nil, RateWeights{}, err
	}
	from, to, err := m.ratePeriod(from, to)
	if err != nil {
		return nil, RateWeights{}, err
	}
	all, w, err := m.allRates(ctx, from, to)
	if err != nil {
		return nil, w, err
	}
	if auth.Can(p, PermOffice, auth.Anything) {
		return all, w, nil
	}
	out := []DeptRates{}
	for _, r := range all {
		if auth.Can(p, PermRates, auth.Object{Department: r.DepartmentID}) {
			out = append(out, r)
		}
	}
	return out, w, nil
}

// DepartmentRates is one department's rates and rank over [from, to]:
// the committee for any department, department staff for their own
// (another department: 404).
func (m *Module) DepartmentRates(ctx context.Context, p *auth.Principal, id int64, from, to string) (*DeptRates, error) {
	if err := m.Auth.Authorize(ctx, p, PermRates, auth.Object{Department: id}, "department_rates", fmt.Sprint(id)); err != nil {
		return nil, err
	}
	from, to, err := m.ratePeriod(from, to)
	if err != nil {
		return nil, err
	}
	all, _, err := m.allRates(ctx, from, to)
	if err != nil {
		return nil, err
	}
	for _, r := range all {
		if r.DepartmentID == id {
			return &r, nil
		}
	}
	return nil, errs.NotFoundf("部门")
}

func (m *Module) allRates(ctx context.Context, from, to string) ([]DeptRates, RateWeights, error) {
	w, err := m.rateWeights(ctx)
	if err != nil {
		return nil, w, err
	}
	deps, err := m.demandOptions(ctx, `SELECT id, name FROM departments ORDER BY sort, id`)
	if err != nil {
		return nil, w, err
	}
	// A demand reopened after 不满意 and not rated again keeps that rating
	// (from its history) until a new one replaces it: reopening must not
	// take an unsatisfied rating out of the department's satisfaction rate.
	prev := map[int64][2]string{}
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT h.demand_id, h.detail, h.day FROM demand_history h JOIN demands d ON d.id = h.demand_id
		WHERE h.transition = 'rated' AND d.reopened = TRUE AND d.rating = '' ORDER BY h.id`)
	if err != nil {
		return nil, w, err
	}
	for rows.Next() {
		var id int64
		var rating, day string
		if err := rows.Scan(&id, &rating, &day); err != nil {
			rows.Close()
			return nil, w, err
		}
		prev[id] = [2]string{rating, day}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, w, err
	}
	rows, err = m.DB.Q(ctx).QueryContext(ctx, `SELECT id, lead_department_id, routed_on, respond_by, responded_on, resolve_by, resolved_on, rating, rated_on
		FROM demands WHERE lead_department_id IS NOT NULL`)
	if err != nil {
		return nil, w, err
	}
	by := map[int64][]rateDemand{}
	for rows.Next() {
		var d rateDemand
		var id int64
		if err := rows.Scan(&id, &d.Dept, &d.RoutedOn, &d.RespondBy, &d.RespondedOn, &d.ResolveBy, &d.ResolvedOn, &d.Rating, &d.RatedOn); err != nil {
			rows.Close()
			return nil, w, err
		}
		if p, ok := prev[id]; ok && d.Rating == "" && slices.Contains(demandRatings, p[0]) {
			d.Rating, d.RatedOn = p[0], p[1]
		}
		by[d.Dept] = append(by[d.Dept], d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, w, err
	}
	today := m.today()
	out := make([]DeptRates, 0, len(deps))
	for _, dp := range deps {
		r := computeRates(by[dp.ID], from, to, today)
		r.DepartmentID, r.Department = dp.ID, dp.Name
		out = append(out, r)
	}
	rankRates(out, w)
	return out, w, nil
}
