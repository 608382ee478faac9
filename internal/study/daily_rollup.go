package study

import (
	"context"
	"slices"
	"strings"

	"zhongshu/internal/platform/db"
)

// dailyRollupShards spreads a day's rollup over this many rows (person_id
// modulo it; a batch of check-ins uses its first member's), so concurrent
// transactions rarely wait on the same row.
const dailyRollupShards = 16

// dailyRollupAdd counts a check-in into its day's rollup inside the
// check-in's own transaction: checkins+1 for a new row, recites+1 when the
// row is (or becomes) a recitation. An upgrade read → recite adds only the
// recitation.
func dailyRollupAdd(ctx context.Context, tx *db.Tx, person int64, day string, newRow, recite bool) error {
	var c, r int
	if newRow {
		c = 1
	}
	if recite {
		r = 1
	}
	_, err := tx.ExecCached(ctx, `INSERT INTO study_checkin_rollups (day, shard, checkins, recites) VALUES (?, ?, ?, ?)
		ON CONFLICT (day, shard) DO UPDATE SET checkins = study_checkin_rollups.checkins + excluded.checkins,
		recites = study_checkin_rollups.recites + excluded.recites`, day, person%dailyRollupShards, c, r)
	return err
}

// dailyRollupRebuild recomputes the rollups of the days in [from, to] from
// the check-ins themselves (bulk loads: the demo year, generated data).
func dailyRollupRebuild(ctx context.Context, tx *db.Tx, from, to string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM study_checkin_rollups WHERE day >= ? AND day <= ?`, from, to); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO study_checkin_rollups (day, shard, checkins, recites)
		SELECT day, person_id % 16, COUNT(*), SUM(CASE WHEN mode = 'recite' THEN 1 ELSE 0 END)
		FROM study_checkins WHERE day >= ? AND day <= ? GROUP BY day, person_id % 16`, from, to)
	return err
}

// CheckinCount is the number of check-ins (and of recitations among them)
// on the zone days in [from, to], read from the rollups: at most 16 rows a
// day, whatever the number of members.
func (m *Module) CheckinCount(ctx context.Context, from, to string) (checkins, recites int, err error) {
	err = m.DB.Q(ctx).QueryRowContext(ctx, `SELECT COALESCE(SUM(checkins), 0), COALESCE(SUM(recites), 0) FROM study_checkin_rollups WHERE day >= ? AND day <= ?`, from, to).
		Scan(&checkins, &recites)
	return
}

// dailyRollupAddMany counts fresh check-ins (ins[i] for i in fresh, each a
// new row) into their days' rollups with one upsert: the increments of a
// day summed in Go and counted into ONE shard row — the shard of the
// batch's first member that day — rather than spread over all sixteen.
// Readers only ever sum a day's shards, so the figures are the same as one
// dailyRollupAdd per check-in; what it buys is that concurrent batches
// (PostgreSQL: several per replica) rarely wait on the same row, where
// spread over every shard each batch would queue behind the previous
// one's commit. The rows go in day order, so batches lock in one order.
func dailyRollupAddMany(ctx context.Context, tx *db.Tx, ins []checkinItem, fresh []int) error {
	type incr struct {
		day   string
		shard int64
		c, r  int
	}
	var rows []incr
	for _, i := range fresh {
		it := &ins[i]
		r := 0
		if it.mode == CheckinRecite {
			r = 1
		}
		found := false
		for j := range rows {
			if rows[j].day == it.day {
				rows[j].c++
				rows[j].r += r
				found = true
				break
			}
		}
		if !found {
			rows = append(rows, incr{it.day, it.person % dailyRollupShards, 1, r})
		}
	}
	slices.SortFunc(rows, func(a, b incr) int { return strings.Compare(a.day, b.day) })
	args := make([]any, 0, 4*len(rows))
	for _, r := range rows {
		args = append(args, r.day, r.shard, r.c, r.r)
	}
	_, err := tx.ExecCached(ctx, `INSERT INTO study_checkin_rollups (day, shard, checkins, recites) VALUES `+db.Values(4, len(rows))+`
		ON CONFLICT (day, shard) DO UPDATE SET checkins = study_checkin_rollups.checkins + excluded.checkins,
		recites = study_checkin_rollups.recites + excluded.recites`, args...)
	return err
}

// dailyRollupCompactShard is the shard of a day's row once the day is over
// and its shards have been folded together.
const dailyRollupCompactShard = -1

// dailyRollupCompact folds the shard rows of every day before `before`
// into one row per day, so that a year of zone figures sums ≈ 365 rows
// rather than up to 16 a day (issue 8: on PostgreSQL the 5,840-row sum was
// most of the dashboard's time). Shards exist so that the day's concurrent
// writers do not queue on one row; once the day is over nobody writes it.
// The rows removed are exactly the rows summed (DELETE … RETURNING), so a
// row written meanwhile — a bulk load, say — is never lost: it stays as
// its own shard until the next compaction. Readers sum whatever rows a day
// has, so the figures are the same before, during and after. It returns
// the days compacted.
func dailyRollupCompact(ctx context.Context, d *db.DB, before string) (int, error) {
	var n int
	err := d.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, `DELETE FROM study_checkin_rollups WHERE day < ? AND shard <> ? RETURNING day, checkins, recites`,
			before, dailyRollupCompactShard)
		if err != nil {
			return err
		}
		sums := map[string][2]int64{}
		for rows.Next() {
			var day string
			var c, r int64
			if err := rows.Scan(&day, &c, &r); err != nil {
				rows.Close()
				return err
			}
			s := sums[day]
			sums[day] = [2]int64{s[0] + c, s[1] + r}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		days := make([]string, 0, len(sums))
		for day := range sums {
			days = append(days, day)
		}
		slices.Sort(days)
		n = len(days)
		for len(days) > 0 {
			k := min(len(days), 128)
			args := make([]any, 0, 4*k)
			for _, day := range days[:k] {
				args = append(args, day, dailyRollupCompactShard, sums[day][0], sums[day][1])
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO study_checkin_rollups (day, shard, checkins, recites) VALUES `+db.Values(4, k)+`
				ON CONFLICT (day, shard) DO UPDATE SET checkins = study_checkin_rollups.checkins + excluded.checkins,
				recites = study_checkin_rollups.recites + excluded.recites`, args...); err != nil {
				return err
			}
			days = days[k:]
		}
		return nil
	})
	return n, err
}
