package study

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"zhongshu/internal/platform/chain"
	"zhongshu/internal/platform/db"
)

// rule returns the rule of an activity in force on day.
func rule(ctx context.Context, q db.Querier, activity, day string) (PointRule, error) {
	r := PointRule{Activity: activity}
	err := q.QueryRowContext(ctx, `SELECT valid_from, points, daily_cap FROM study_point_rules
		WHERE activity = ? AND valid_from <= ? ORDER BY valid_from DESC LIMIT 1`, activity, day).Scan(&r.ValidFrom, &r.Points, &r.DailyCap)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("study: no point rule for %s on %s", activity, day)
	}
	return r, err
}

// Rules lists the point rules in force on day.
func (m *Module) Rules(ctx context.Context, day string) ([]PointRule, error) {
	var out []PointRule
	for _, a := range []string{ActSentenceRead, ActSentenceRecite, ActArticleRead, ActQuizFull, ActQuizPass, ActChallenge5, ActChallenge10, ActReflection} {
		r, err := rule(ctx, m.DB.Q(ctx), a, day)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

func pointsChain(personID int64) string { return fmt.Sprintf("study_points/%d", personID) }

type pointsPayload struct {
	Person   int64  `json:"p"`
	Day      string `json:"d"`
	Activity string `json:"a"`
	Points   int    `json:"n"`
	RefType  string `json:"rt"`
	RefID    int64  `json:"ri"`
	RuleFrom string `json:"rf"`
	Reverses int64  `json:"rv"`
	Reason   string `json:"r"`
	Seq      int64  `json:"s"`
}

// bytes is the payload a link hashes: exactly json.Marshal(p) (the
// verifier and every stored chain depend on these bytes). The common case
// — plain ASCII strings — is written by hand, without reflection: a
// check-in hashes two of these on the writer (issue 8); anything json
// would escape takes json.Marshal itself.
func (p pointsPayload) bytes() []byte {
	if !jsonPlain(p.Day) || !jsonPlain(p.Activity) || !jsonPlain(p.RefType) || !jsonPlain(p.RuleFrom) || !jsonPlain(p.Reason) {
		b, _ := json.Marshal(p)
		return b
	}
	b := make([]byte, 0, 96+len(p.Day)+len(p.Activity)+len(p.RefType)+len(p.RuleFrom)+len(p.Reason))
	b = append(b, `{"p":`...)
	b = strconv.AppendInt(b, p.Person, 10)
	b = append(b, `,"d":"`...)
	b = append(b, p.Day...)
	b = append(b, `","a":"`...)
	b = append(b, p.Activity...)
	b = append(b, `","n":`...)
	b = strconv.AppendInt(b, int64(p.Points), 10)
	b = append(b, `,"rt":"`...)
	b = append(b, p.RefType...)
	b = append(b, `","ri":`...)
	b = strconv.AppendInt(b, p.RefID, 10)
	b = append(b, `,"rf":"`...)
	b = append(b, p.RuleFrom...)
	b = append(b, `","rv":`...)
	b = strconv.AppendInt(b, p.Reverses, 10)
	b = append(b, `,"r":"`...)
	b = append(b, p.Reason...)
	b = append(b, `","s":`...)
	b = strconv.AppendInt(b, p.Seq, 10)
	return append(b, '}')
}

// jsonPlain reports a string that encoding/json writes as is: printable
// ASCII without a quote, a backslash or the HTML characters it escapes.
func jsonPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

// Award appends an award to a person's points ledger inside the
// transaction in ctx. The activity's rule gives the points (or base, when
// base > 0, for awards that depend on a result), the daily cap of its cap
// group trims them, and a record already awarded is not awarded again. It
// returns the points awarded (0 when capped or already awarded).
func (m *Module) Award(ctx context.Context, personID int64, day, activity string, base int, refType string, refID int64) (int, error) {
	var got int
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		r, err := rule(ctx, tx, activity, day)
		if err != nil {
			return err
		}
		var done int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM study_points WHERE person_id = ? AND activity = ? AND ref_type = ? AND ref_id = ? AND reverses IS NULL`,
			personID, activity, refType, refID).Scan(&done); err != nil {
			return err
		}
		if done > 0 {
			return nil
		}
		group := capGroup(activity)
		ph, args := db.In(group)
		var earned int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(points), 0) FROM study_points WHERE person_id = ? AND day = ? AND activity IN (`+ph+`)`,
			append([]any{personID, day}, args...)...).Scan(&earned); err != nil {
			return err
		}
		points := r.Points
		if base > 0 {
			points = base
		}
		got = Capped(points, r.DailyCap, earned)
		if got == 0 {
			return nil
		}
		return m.appendPoints(ctx, tx, pointsPayload{Person: personID, Day: day, Activity: activity, Points: got, RefType: refType, RefID: refID, RuleFrom: r.ValidFrom})
	})
	return got, err
}

// Reverse appends a reversing entry for an award, with a reason (a
// correction never edits the ledger).
func (m *Module) Reverse(ctx context.Context, entryID int64, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return fmt.Errorf("study: a reversal needs a reason")
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var p pointsPayload
		if err := tx.QueryRowContext(ctx, `SELECT person_id, day, activity, points, ref_type, ref_id, rule_from FROM study_points WHERE id = ? AND reverses IS NULL`, entryID).
			Scan(&p.Person, &p.Day, &p.Activity, &p.Points, &p.RefType, &p.RefID, &p.RuleFrom); err != nil {
			return err
		}
		p.Points, p.Reverses, p.Reason = -p.Points, entryID, reason
		return m.appendPoints(ctx, tx, p)
	})
}

func (m *Module) appendPoints(ctx context.Context, tx *db.Tx, p pointsPayload) error {
	link, err := chain.Append(ctx, tx, m.Seal, pointsChain(p.Person), func(seq int64) []byte { p.Seq = seq; return p.bytes() })
	if err != nil {
		return err
	}
	var rev any
	if p.Reverses != 0 {
		rev = p.Reverses
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO study_points (person_id, day, activity, points, ref_type, ref_id, rule_from, reverses, reason, created_at, seq, prev_hash, hash, mac)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.Person, p.Day, p.Activity, p.Points, p.RefType, p.RefID, p.RuleFrom, rev, p.Reason, m.Clock.Now(), link.Seq, link.Prev, link.Hash, link.MAC)
	return err
}

// PointsOf sums a person's points between two days (inclusive).
func (m *Module) PointsOf(ctx context.Context, personID int64, from, to string) (int, error) {
	var n int
	err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT COALESCE(SUM(points), 0) FROM study_points WHERE person_id = ? AND day >= ? AND day <= ?`, personID, from, to).Scan(&n)
	return n, err
}

// PointsEntry is one line of a person's ledger.
type PointsEntry struct {
	ID       int64  `json:"id"`
	Day      string `json:"day"`
	Activity string `json:"activity"`
	Points   int    `json:"points"`
	RefType  string `json:"ref_type"`
	RefID    int64  `json:"ref_id"`
	Reverses int64  `json:"reverses,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

// Ledger lists a person's latest ledger entries.
func (m *Module) Ledger(ctx context.Context, personID int64, limit int) ([]PointsEntry, error) {
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT id, day, activity, points, ref_type, ref_id, COALESCE(reverses, 0), reason FROM study_points
		WHERE person_id = ? ORDER BY id DESC LIMIT ?`, personID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PointsEntry
	for rows.Next() {
		var e PointsEntry
		if err := rows.Scan(&e.ID, &e.Day, &e.Activity, &e.Points, &e.RefType, &e.RefID, &e.Reverses, &e.Reason); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// pointsVerifier re-walks every person's points chain.
type pointsVerifier struct{ m *Module }

// Verifier returns the chain verifier of the points ledgers.
func (m *Module) Verifier() chain.Verifier { return pointsVerifier{m} }

func (v pointsVerifier) ChainName() string { return "study_points" }

func (v pointsVerifier) Verify(ctx context.Context) (*chain.Break, int64, error) {
	m := v.m
	rows, err := m.DB.R.QueryContext(ctx, `SELECT id, person_id, day, activity, points, ref_type, ref_id, rule_from, COALESCE(reverses, 0), reason, seq, prev_hash, hash, mac
		FROM study_points ORDER BY person_id, seq`)
	if err != nil {
		return nil, 0, err
	}
	type row struct {
		id      int64
		p       pointsPayload
		prev, h string
		mac     string
	}
	var all []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.p.Person, &r.p.Day, &r.p.Activity, &r.p.Points, &r.p.RefType, &r.p.RefID, &r.p.RuleFrom, &r.p.Reverses, &r.p.Reason, &r.p.Seq, &r.prev, &r.h, &r.mac); err != nil {
			rows.Close()
			return nil, 0, err
		}
		all = append(all, r)
	}
	rows.Close()
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
	for _, r := range all {
		if r.p.Person != person {
			if b, err := finish(); err != nil || b != nil {
				return b, n, err
			}
			person = r.p.Person
			w = &chain.Walker{Name: pointsChain(person), Sealer: m.Seal}
		}
		n++
		if !w.Step(fmt.Sprintf("study_points id=%d", r.id), r.p.Seq, r.prev, r.h, r.mac, r.p.bytes()) {
			return w.Broken, n, nil
		}
	}
	b, err := finish()
	if err != nil || b != nil {
		return b, n, err
	}
	// A person whose rows were all deleted still has a head.
	heads, err := m.DB.R.QueryContext(ctx, `SELECT chain, seq FROM chain_heads WHERE chain LIKE 'study_points/%'`)
	if err != nil {
		return nil, n, err
	}
	defer heads.Close()
	seen := map[string]bool{}
	for _, r := range all {
		seen[pointsChain(r.p.Person)] = true
	}
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

// checkinAwards appends a fresh check-in's awards (read, and recite for a
// recitation) to the member's ledger in one pass: the same entries, links
// and caps as one Award per activity, but with the rules read before the
// transaction, one read of the day's earned points, one read and one
// update of the chain head, and one insert — the check-in is the hot
// write of the platform (issue 8). The check-in row is new, so none of
// its awards can exist yet (Award's "already awarded" read is moot).
func (m *Module) checkinAwards(ctx context.Context, tx *db.Tx, personID int64, day string, refID int64, acts []string, rules []PointRule) (int, error) {
	ph, args := db.In(acts)
	rows, err := tx.QueryCached(ctx, `SELECT activity, COALESCE(SUM(points), 0) FROM study_points WHERE person_id = ? AND day = ? AND activity IN (`+ph+`) GROUP BY activity`,
		append([]any{personID, day}, args...)...)
	if err != nil {
		return 0, err
	}
	earned := map[string]int{}
	for rows.Next() {
		var a string
		var n int
		if err := rows.Scan(&a, &n); err != nil {
			rows.Close()
			return 0, err
		}
		earned[a] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	var ps []pointsPayload
	total := 0
	for i, a := range acts {
		if len(capGroup(a)) != 1 {
			// A shared cap group needs Award's per-group sum.
			n, err := m.Award(ctx, personID, day, a, 0, dailyCheckinRef, refID)
			if err != nil {
				return 0, err
			}
			total += n
			continue
		}
		got := Capped(rules[i].Points, rules[i].DailyCap, earned[a])
		if got == 0 {
			continue
		}
		total += got
		ps = append(ps, pointsPayload{Person: personID, Day: day, Activity: a, Points: got, RefType: dailyCheckinRef, RefID: refID, RuleFrom: rules[i].ValidFrom})
	}
	if len(ps) == 0 {
		return total, nil
	}
	return total, m.appendPointsMany(ctx, tx, ps)
}

// appendPointsMany appends entries of one person's chain in order, as
// appendPoints would one by one, moving the chain head once.
func (m *Module) appendPointsMany(ctx context.Context, tx *db.Tx, ps []pointsPayload) error {
	name := pointsChain(ps[0].Person)
	q := `SELECT seq, hash FROM chain_heads WHERE chain = ?`
	if tx.Dialect == db.Postgres {
		q += ` FOR UPDATE`
	}
	var seq int64
	var prev string
	err := tx.QueryRowCached(ctx, q, name).Scan(&seq, &prev)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		seq, prev = 0, ""
		if _, err := tx.ExecContext(ctx, `INSERT INTO chain_heads (chain, seq, hash, mac) VALUES (?, 0, '', '') ON CONFLICT (chain) DO NOTHING`, name); err != nil {
			return err
		}
		if tx.Dialect == db.Postgres {
			if err := tx.QueryRowCached(ctx, q, name).Scan(&seq, &prev); err != nil {
				return err
			}
		}
	case err != nil:
		return err
	}
	now := m.Clock.Now()
	vals := make([]string, len(ps))
	args := make([]any, 0, 14*len(ps))
	var hash, mac string
	for i, p := range ps {
		seq++
		p.Seq = seq
		hash = chain.Hash(prev, p.bytes())
		mac = chain.MAC(m.Seal, hash)
		var rev any
		if p.Reverses != 0 {
			rev = p.Reverses
		}
		vals[i] = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
		args = append(args, p.Person, p.Day, p.Activity, p.Points, p.RefType, p.RefID, p.RuleFrom, rev, p.Reason, now, seq, prev, hash, mac)
		prev = hash
	}
	if _, err := tx.ExecCached(ctx, `UPDATE chain_heads SET seq = ?, hash = ?, mac = ? WHERE chain = ?`, seq, hash, mac, name); err != nil {
		return err
	}
	_, err = tx.ExecCached(ctx, `INSERT INTO study_points (person_id, day, activity, points, ref_type, ref_id, rule_from, reverses, reason, created_at, seq, prev_hash, hash, mac)
		VALUES `+strings.Join(vals, ", "), args...)
	return err
}
