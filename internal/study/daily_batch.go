package study

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"zhongshu/internal/platform/chain"
	"zhongshu/internal/platform/db"
)

// The morning burst, written set-based (issue 8). Concurrent check-ins are
// handed to one function as a batch (db.Batcher): one multi-row insert of
// the check-in rows, one read and one upsert of the members' chain heads,
// one multi-row insert of their ledger entries and one upsert of the day's
// rollups, in one transaction — instead of six or seven statements
// per check-in. A member's repeat or upgrade (their row already exists, or
// a second request of the same member in the same batch) takes the
// per-item path (checkinOne) in the same transaction, after the bulk work.

// checkinItem is one check-in as the batch writes it: already authorised,
// graded (a wrong recitation never gets here) and with the day's rules.
type checkinItem struct {
	person       int64
	day          string
	mode         string
	now          time.Time
	read, recite PointRule
}

func (it *checkinItem) rules() (acts []string, rules []PointRule) {
	if it.mode == CheckinRecite {
		return []string{ActSentenceRead, ActSentenceRecite}, []PointRule{it.read, it.recite}
	}
	return []string{ActSentenceRead}, []PointRule{it.read}
}

// checkinBatcher is the store's batcher of check-ins.
func (m *Module) checkinBatcher() *db.Batcher[checkinItem, CheckinResult] {
	return db.BatcherOf(m.DB, "study.checkin", m.checkinBatch)
}

// Chunk bounds of the multi-row statements (powers of two; see db.Chunks):
// rows × columns stays far under both stores' bound-parameter limits.
const (
	checkinChunk = 128 // 6 columns
	headChunk    = 128 // 4 columns; 1 for the lookups
	pointsChunk  = 128 // 14 columns
)

// checkinBatch writes a batch of check-ins (db.BatchFunc). outs[i] answers
// ins[i] exactly as the one-at-a-time path would, in some order of the
// batch's requests: the first request of a member and day in the batch is
// the one that may insert; the others see its row.
func (m *Module) checkinBatch(ctx context.Context, tx *db.Tx, ins []checkinItem, outs []CheckinResult) error {
	// Candidates for the bulk insert: the first item of each (person, day),
	// ordered by person so that concurrent batches (other replicas on
	// PostgreSQL) take the unique-index and row locks in one order.
	order := make([]int, len(ins))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		x, y := &ins[a], &ins[b]
		if x.person != y.person {
			return cmpInt64(x.person, y.person)
		}
		if x.day != y.day {
			if x.day < y.day {
				return -1
			}
			return 1
		}
		return a - b
	})
	cand := make([]int, 0, len(ins))
	for k, i := range order {
		if k > 0 {
			j := order[k-1]
			if ins[j].person == ins[i].person && ins[j].day == ins[i].day {
				continue
			}
		}
		if !checkinBulkRules(&ins[i]) {
			continue
		}
		cand = append(cand, i)
	}
	streaks := make([]int, len(ins)) // the candidates' streaks, should their row be new
	if err := m.checkinStreaks(ctx, tx, ins, cand, streaks); err != nil {
		return err
	}
	ids := make([]int64, len(ins)) // the new row's id for items that inserted one
	if err := checkinInsertMany(ctx, tx, ins, cand, streaks, ids); err != nil {
		return err
	}
	fresh := cand[:0]
	for _, i := range cand {
		if ids[i] != 0 {
			fresh = append(fresh, i)
		}
	}
	if len(fresh) > 0 {
		if err := m.checkinAwardsMany(ctx, tx, ins, fresh, ids, outs); err != nil {
			return err
		}
		for _, i := range fresh {
			outs[i].Streak = streaks[i]
		}
	}
	// Everything else, one by one, after the bulk work: repeats, upgrades,
	// a member's second request in the batch.
	for i := range ins {
		if ids[i] != 0 {
			continue
		}
		r, err := m.checkinOne(ctx, tx, &ins[i])
		if err != nil {
			return err
		}
		outs[i] = r
	}
	// The rollups last: every batch of the day updates the same 16 rows,
	// so on PostgreSQL their locks are held only from here to the commit
	// and concurrent batches overlap their other statements.
	if len(fresh) > 0 {
		return dailyRollupAddMany(ctx, tx, ins, fresh)
	}
	return nil
}

// batchChunks splits n rows of a batch for its statements: on SQLite into
// power-of-two chunks of at most max (a few statement texts, each prepared
// once on the writer); on PostgreSQL, which takes the rows as arrays, into
// one.
func batchChunks(tx *db.Tx, n, max int) []int {
	if tx.Dialect == db.Postgres {
		if n == 0 {
			return nil
		}
		return []int{n}
	}
	return db.Chunks(n, max)
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// checkinBulkRules reports whether an item's awards can be computed by the
// bulk path: each activity its own cap group (a shared group needs Award's
// per-group sum, so such an item takes checkinOne).
func checkinBulkRules(it *checkinItem) bool {
	acts, _ := it.rules()
	for _, a := range acts {
		if len(capGroup(a)) != 1 {
			return false
		}
	}
	return true
}

// checkinStreaks sets streaks[i] for each candidate: the streak its row
// will record if it is new — one more than yesterday's row's, or 1 when
// there is none. One read of yesterday's rows for the batch (the key,
// (day, person_id)); a yesterday's row without a recorded streak (older
// data, generated history) is counted once, here.
func (m *Module) checkinStreaks(ctx context.Context, tx *db.Tx, ins []checkinItem, cand []int, streaks []int) error {
	// cand is sorted by person, then day: a batch is one day but for the
	// minutes around midnight, so group by day.
	byDay := map[string][]int{}
	for _, i := range cand {
		byDay[ins[i].day] = append(byDay[ins[i].day], i)
	}
	args := make([]any, 0, 1+min(len(cand), checkinChunk))
	for day, idx := range byDay {
		prev := map[int64]sql.NullInt64{}
		yesterday := dailyAddDays(day, -1)
		at := 0
		for _, n := range batchChunks(tx, len(idx), checkinChunk) {
			part := idx[at : at+n]
			at += n
			var rows *sql.Rows
			var err error
			if tx.Dialect == db.Postgres {
				people := make([]int64, len(part))
				for k, i := range part {
					people[k] = ins[i].person
				}
				rows, err = tx.QueryContext(ctx, `SELECT person_id, streak FROM study_checkins WHERE day = ? AND person_id = ANY(?::bigint[])`, yesterday, people)
			} else {
				args = append(args[:0], yesterday)
				for _, i := range part {
					args = append(args, ins[i].person)
				}
				rows, err = tx.QueryCached(ctx, `SELECT person_id, streak FROM study_checkins WHERE day = ? AND person_id IN `+db.Values(n, 1), args...)
			}
			if err != nil {
				return err
			}
			for rows.Next() {
				var p int64
				var s sql.NullInt64
				if err := rows.Scan(&p, &s); err != nil {
					rows.Close()
					return err
				}
				prev[p] = s
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		for _, i := range idx {
			s, ok := prev[ins[i].person]
			switch {
			case !ok:
				streaks[i] = 1
			case s.Valid:
				streaks[i] = min(int(s.Int64)+1, dailyStreakMax)
			default:
				n, err := m.dailyStreakOf(ctx, tx, ins[i].person, yesterday)
				if err != nil {
					return err
				}
				streaks[i] = min(n+1, dailyStreakMax)
			}
		}
	}
	return nil
}

// checkinInsertMany inserts the candidates' rows, skipping those whose row
// exists, and sets ids[i] for each row inserted.
func checkinInsertMany(ctx context.Context, tx *db.Tx, ins []checkinItem, cand []int, streaks []int, ids []int64) error {
	args := make([]any, 0, 6*min(len(cand), checkinChunk))
	at := 0
	for _, n := range batchChunks(tx, len(cand), checkinChunk) {
		part := cand[at : at+n]
		at += n
		var rows *sql.Rows
		var err error
		if tx.Dialect == db.Postgres {
			// One statement whatever the batch's size: arrays, not a
			// VALUES list per size (each a statement to parse and plan).
			var c struct {
				person  []int64
				day     []string
				mode    []string
				created []time.Time
				recited []*time.Time
				streak  []int32
			}
			for _, i := range part {
				it := &ins[i]
				var recited *time.Time
				if it.mode == CheckinRecite {
					recited = &it.now
				}
				c.person, c.day, c.mode = append(c.person, it.person), append(c.day, it.day), append(c.mode, it.mode)
				c.created, c.recited, c.streak = append(c.created, it.now), append(c.recited, recited), append(c.streak, int32(streaks[i]))
			}
			rows, err = tx.QueryContext(ctx, `INSERT INTO study_checkins (person_id, day, mode, created_at, recited_at, streak)
				SELECT * FROM unnest(?::bigint[], ?::text[], ?::text[], ?::timestamptz[], ?::timestamptz[], ?::int[])
				ON CONFLICT (day, person_id) DO NOTHING RETURNING id, person_id, day`, c.person, c.day, c.mode, c.created, c.recited, c.streak)
		} else {
			args = args[:0]
			for _, i := range part {
				it := &ins[i]
				var recited any
				if it.mode == CheckinRecite {
					recited = it.now
				}
				args = append(args, it.person, it.day, it.mode, it.now, recited, streaks[i])
			}
			rows, err = tx.QueryCached(ctx, `INSERT INTO study_checkins (person_id, day, mode, created_at, recited_at, streak) VALUES `+db.Values(6, n)+`
				ON CONFLICT (day, person_id) DO NOTHING RETURNING id, person_id, day`, args...)
		}
		if err != nil {
			return err
		}
		// RETURNING's order is unspecified: match the rows by key (part is
		// sorted by person, then day, and holds each key once).
		for rows.Next() {
			var id, person int64
			var day string
			if err := rows.Scan(&id, &person, &day); err != nil {
				rows.Close()
				return err
			}
			k, ok := slices.BinarySearchFunc(part, person, func(i int, p int64) int { return cmpInt64(ins[i].person, p) })
			for ok && k < len(part) && ins[part[k]].person == person && ins[part[k]].day != day {
				k++
			}
			if !ok || k == len(part) || ins[part[k]].person != person {
				rows.Close()
				return fmt.Errorf("study: check-in insert returned an unknown row (%d, %s)", person, day)
			}
			ids[part[k]] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// checkinAwardsMany appends the fresh check-ins' awards (read, and recite
// for a recitation) to their members' ledgers and answers them: the same
// entries, links and caps as checkinAwards one member at a time.
//
// The day's points of a fresh check-in's member are read as 0 rather than
// summed: the sentence points of a (person, day) are only ever written for
// that day's check-in row (a check-in's awards, an upgrade's, the demo
// year's — see Award's callers), and a row that did not exist a statement
// ago has none; check-in rows are never deleted.
func (m *Module) checkinAwardsMany(ctx context.Context, tx *db.Tx, ins []checkinItem, fresh []int, ids []int64, outs []CheckinResult) error {
	type entry struct {
		item int
		p    pointsPayload
	}
	// fresh is sorted by person, so one member's entries are adjacent (one
	// fresh item per (person, day); several days only across midnight).
	entries := make([]entry, 0, 2*len(fresh))
	for _, i := range fresh {
		it := &ins[i]
		acts, rules := it.rules()
		total := 0
		for k, a := range acts {
			got := Capped(rules[k].Points, rules[k].DailyCap, 0)
			if got == 0 {
				continue
			}
			total += got
			entries = append(entries, entry{i, pointsPayload{Person: it.person, Day: it.day, Activity: a, Points: got,
				RefType: dailyCheckinRef, RefID: ids[i], RuleFrom: rules[k].ValidFrom}})
		}
		r := &outs[i]
		*r = CheckinResult{Day: it.day, Mode: it.mode, New: true, Points: total}
		if it.mode == CheckinRecite {
			r.zh, r.en = fmt.Sprintf("背诵正确，打卡成功！获得 %d 积分", total), fmt.Sprintf("All blanks right — checked in by reciting! %d points", total)
		} else {
			r.zh, r.en = fmt.Sprintf("阅读打卡成功！获得 %d 积分", total), fmt.Sprintf("Checked in by reading! %d points", total)
		}
	}
	if len(entries) == 0 {
		return nil
	}
	// The members' chains, each once.
	people := make([]int64, 0, len(fresh))
	for _, e := range entries {
		if n := len(people); n == 0 || people[n-1] != e.p.Person {
			people = append(people, e.p.Person)
		}
	}
	heads, err := pointsHeadsLocked(ctx, tx, people)
	if err != nil {
		return err
	}
	now := m.Clock.Now()
	if tx.Dialect == db.Postgres {
		ps := make([]pointsPayload, len(entries))
		for i, e := range entries {
			ps[i] = e.p
		}
		return m.checkinAwardsArrays(ctx, tx, ps, people, heads, now)
	}
	args := make([]any, 0, 14*min(len(entries), pointsChunk))
	headArgs := make([]any, 0, 4*len(people))
	at := 0
	for _, n := range db.Chunks(len(entries), pointsChunk) {
		args = args[:0]
		for _, e := range entries[at : at+n] {
			h := heads[e.p.Person]
			h.Seq++
			e.p.Seq = h.Seq
			hash := chain.Hash(h.Hash, e.p.bytes())
			mac := chain.MAC(m.Seal, hash)
			args = append(args, e.p.Person, e.p.Day, e.p.Activity, e.p.Points, e.p.RefType, e.p.RefID, e.p.RuleFrom, nil, e.p.Reason, now, h.Seq, h.Hash, hash, mac)
			h.Hash, h.MAC = hash, mac
			heads[e.p.Person] = h
		}
		at += n
		if _, err := tx.ExecCached(ctx, `INSERT INTO study_points (person_id, day, activity, points, ref_type, ref_id, rule_from, reverses, reason, created_at, seq, prev_hash, hash, mac)
			VALUES `+db.Values(14, n), args...); err != nil {
			return err
		}
	}
	at = 0
	for _, n := range db.Chunks(len(people), headChunk) {
		headArgs = headArgs[:0]
		for _, p := range people[at : at+n] {
			h := heads[p]
			headArgs = append(headArgs, pointsChain(p), h.Seq, h.Hash, h.MAC)
		}
		at += n
		if _, err := tx.ExecCached(ctx, `INSERT INTO chain_heads (chain, seq, hash, mac) VALUES `+db.Values(4, n)+`
			ON CONFLICT (chain) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, mac = excluded.mac`, headArgs...); err != nil {
			return err
		}
	}
	return nil
}

// checkinAwardsArrays is checkinAwardsMany's writing on PostgreSQL: the
// entries and the moved heads as arrays, one statement each whatever the
// batch's size (the same links and hashes as the VALUES lists).
func (m *Module) checkinAwardsArrays(ctx context.Context, tx *db.Tx, entries []pointsPayload, people []int64, heads map[int64]chain.Link, now time.Time) error {
	var c struct {
		person, refID, seq                       []int64
		points                                   []int32
		day, activity, refType, ruleFrom, reason []string
		created                                  []time.Time
		prev, hash, mac                          []string
	}
	for _, p := range entries {
		h := heads[p.Person]
		h.Seq++
		p.Seq = h.Seq
		hash := chain.Hash(h.Hash, p.bytes())
		mac := chain.MAC(m.Seal, hash)
		c.person, c.day, c.activity, c.points = append(c.person, p.Person), append(c.day, p.Day), append(c.activity, p.Activity), append(c.points, int32(p.Points))
		c.refType, c.refID, c.ruleFrom, c.reason = append(c.refType, p.RefType), append(c.refID, p.RefID), append(c.ruleFrom, p.RuleFrom), append(c.reason, p.Reason)
		c.created, c.seq, c.prev, c.hash, c.mac = append(c.created, now), append(c.seq, h.Seq), append(c.prev, h.Hash), append(c.hash, hash), append(c.mac, mac)
		h.Hash, h.MAC = hash, mac
		heads[p.Person] = h
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO study_points (person_id, day, activity, points, ref_type, ref_id, rule_from, reason, created_at, seq, prev_hash, hash, mac)
		SELECT * FROM unnest(?::bigint[], ?::text[], ?::text[], ?::int[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::timestamptz[], ?::bigint[], ?::text[], ?::text[], ?::text[])`,
		c.person, c.day, c.activity, c.points, c.refType, c.refID, c.ruleFrom, c.reason, c.created, c.seq, c.prev, c.hash, c.mac); err != nil {
		return err
	}
	names, seqs := make([]string, len(people)), make([]int64, len(people))
	hashes, macs := make([]string, len(people)), make([]string, len(people))
	for i, p := range people {
		h := heads[p]
		names[i], seqs[i], hashes[i], macs[i] = pointsChain(p), h.Seq, h.Hash, h.MAC
	}
	_, err := tx.ExecContext(ctx, `UPDATE chain_heads h SET seq = v.seq, hash = v.hash, mac = v.mac
		FROM unnest(?::text[], ?::bigint[], ?::text[], ?::text[]) AS v(chain, seq, hash, mac) WHERE h.chain = v.chain`, names, seqs, hashes, macs)
	return err
}

// pointsHeadsLocked reads the points-chain heads of people (sorted,
// distinct), a missing head as seq 0. On PostgreSQL the heads are locked
// FOR UPDATE in name order (every batch locks in that order), and a
// missing head is first inserted empty so that a concurrent first appender
// meets ours at the row lock, as chain.Append does.
func pointsHeadsLocked(ctx context.Context, tx *db.Tx, people []int64) (map[int64]chain.Link, error) {
	names := make([]string, len(people))
	for i, p := range people {
		names[i] = pointsChain(p)
	}
	if tx.Dialect == db.Postgres {
		slices.Sort(names)
	}
	heads := make(map[int64]chain.Link, len(people))
	if err := pointsHeadsRead(ctx, tx, names, heads); err != nil {
		return nil, err
	}
	if tx.Dialect != db.Postgres || len(heads) == len(names) {
		return heads, nil
	}
	var missing []string
	for _, n := range names {
		if _, ok := heads[pointsPersonOf(n)]; !ok {
			missing = append(missing, n)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO chain_heads (chain, seq, hash, mac) SELECT unnest(?::text[]), 0, '', '' ON CONFLICT (chain) DO NOTHING`, missing); err != nil {
		return nil, err
	}
	if err := pointsHeadsRead(ctx, tx, missing, heads); err != nil {
		return nil, err
	}
	if len(heads) != len(names) {
		return nil, errors.New("study: a points chain head vanished")
	}
	return heads, nil
}

// pointsPersonOf is the person of a points chain's name.
func pointsPersonOf(name string) int64 {
	p, _ := strconv.ParseInt(strings.TrimPrefix(name, "study_points/"), 10, 64)
	return p
}

func pointsHeadsRead(ctx context.Context, tx *db.Tx, names []string, heads map[int64]chain.Link) error {
	lock := ""
	if tx.Dialect == db.Postgres {
		lock = " ORDER BY chain FOR UPDATE"
	}
	args := make([]any, 0, min(len(names), headChunk))
	at := 0
	for _, n := range batchChunks(tx, len(names), headChunk) {
		var rows *sql.Rows
		var err error
		if tx.Dialect == db.Postgres {
			rows, err = tx.QueryContext(ctx, `SELECT chain, seq, hash FROM chain_heads WHERE chain = ANY(?::text[])`+lock, names[at:at+n])
		} else {
			args = args[:0]
			for _, name := range names[at : at+n] {
				args = append(args, name)
			}
			rows, err = tx.QueryCached(ctx, `SELECT chain, seq, hash FROM chain_heads WHERE chain IN `+db.Values(n, 1)+lock, args...)
		}
		at += n
		if err != nil {
			return err
		}
		for rows.Next() {
			var name string
			var l chain.Link
			if err := rows.Scan(&name, &l.Seq, &l.Hash); err != nil {
				rows.Close()
				return err
			}
			heads[pointsPersonOf(name)] = l
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}
