package study

import (
	"context"
	"fmt"
	"slices"
	"time"

	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
)

// GenerateCheckins fills a year (or any span) of check-ins for load tests
// and the dashboard benchmark (bench/, issue 8): each member checks in on
// each zone day in [from, to] with probability about pct %, one in five of
// them by recitation, chosen by a fixed hash of (member, day, seed) so that
// a run is repeatable. Days without a sentence get a generated one
// (check-ins reference their day's sentence). The members must have no
// check-ins in the span yet (fresh generated members). At pct 100 each row
// records its streak, as a check-in does.
//
// The rows are made by the store itself — one INSERT … SELECT per chunk of
// members over every day, in the key's (day, member) order, so that the
// key takes a chunk at one place per day — and each chunk's rollups are
// added from the same generated set. Going row by row
// through the driver, 100,000 members × 365 days (36.5 M rows, the issue's
// dashboard scale) took ~20 minutes; this takes a few. No points are
// generated: the ledger is not what the dashboards read. It returns the
// rows inserted.
func GenerateCheckins(ctx context.Context, d *db.DB, persons []int64, from, to string, pct int, seed uint64) (int64, error) {
	start, err := time.Parse(time.DateOnly, from)
	if err != nil {
		return 0, err
	}
	end, err := time.Parse(time.DateOnly, to)
	if err != nil {
		return 0, err
	}
	if end.Before(start) || len(persons) == 0 {
		return 0, nil
	}
	days := int(end.Sub(start).Hours()/24) + 1
	// The first day's 07:30 zone time; day i is i days later.
	at0 := time.Date(start.Year(), start.Month(), start.Day(), 7, 30, 0, 0, clock.Zone).UTC()
	err = d.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		for i := 0; i < days; i++ {
			ds := start.AddDate(0, 0, i).Format(time.DateOnly)
			at := at0.AddDate(0, 0, i)
			if _, err := tx.ExecContext(ctx, `INSERT INTO study_sentences (day, text, source, key_phrases, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
				ON CONFLICT (day) DO NOTHING`, ds, "不忘初心、牢记使命，为中国人民谋幸福，为中华民族谋复兴。", "生成数据（负载测试）", `["不忘初心","牢记使命"]`, at, at); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("generate sentences: %w", err)
	}
	var total int64
	for _, r := range generateRanges(persons, 1000) {
		n, err := generateChunk(ctx, d, r, from, to, days, at0, pct, int64(seed%generateMod))
		if err != nil {
			return total, fmt.Errorf("generate check-ins of members %d–%d: %w", r[0], r[1], err)
		}
		total += n
	}
	// The finished days' shards folded as the nightly job does
	// (dailyRollupCompact): a year of use leaves one rollup row a day.
	if _, err := dailyRollupCompact(ctx, d, to); err != nil {
		return total, fmt.Errorf("generate: compact rollups: %w", err)
	}
	if d.Dialect == db.Postgres {
		// Leave the store as a year of daily check-ins would have left it,
		// not as a bulk load does: vacuumed and analysed (the planner's
		// estimates; the visibility map, so that sums are index-only
		// scans), and checkpointed — otherwise autovacuum and the
		// checkpointer work through gigabytes during the measurement and
		// their I/O, not the pages, makes the tail latency.
		for _, q := range []string{`VACUUM ANALYZE study_checkins`, `VACUUM ANALYZE study_checkin_rollups`} {
			if _, err := d.W.ExecContext(ctx, q); err != nil {
				return total, fmt.Errorf("generate: %s: %w", q, err)
			}
		}
		// CHECKPOINT needs a superuser (or pg_checkpoint); without one the
		// checkpointer just does it on its own schedule.
		_, _ = d.W.ExecContext(ctx, `CHECKPOINT`)
	}
	return total, nil
}

// generateMod is the prime of the hash that picks who checks in when.
const generateMod = 1000003

// generateRanges cuts the members into runs of consecutive ids of at most
// size members each: [lo, hi] inclusive. Generated members have
// consecutive ids, so this is usually len/size ranges.
func generateRanges(persons []int64, size int) [][2]int64 {
	ps := slices.Clone(persons)
	slices.Sort(ps)
	ps = slices.Compact(ps)
	var out [][2]int64
	for i := 0; i < len(ps); {
		j := i
		for j+1 < len(ps) && ps[j+1] == ps[j]+1 && j+1-i < size {
			j++
		}
		out = append(out, [2]int64{ps[i], ps[j]})
		i = j + 1
	}
	return out
}

// generateChunk inserts the check-ins of the members with ids in r over
// the days, and adds them to the rollups, in one transaction. The rollups
// are counted from the same generated set, not read back from the table:
// the check-ins' key begins with the day, so a chunk of members' rows is
// no range of it. A member who already has a check-in on one of the days
// meets the key, and the chunk fails whole.
func generateChunk(ctx context.Context, d *db.DB, r [2]int64, from, to string, days int, at0 time.Time, pct int, seed int64) (int64, error) {
	var n int64
	err := d.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		// h is a hash of (member, day, seed) in [0, generateMod): the member
		// checks in when h % 100 < pct, and recites when (h / 100) % 5 = 0.
		// set is the generated (x.id, x.i, x.h) of the chunk, its arguments
		// in setArgs; day, at and recite are expressions over it.
		const h = `(((p.id * 7919 + g.i * 104729 + ?) % 1000003) * ((p.id * 7919 + g.i * 104729 + ?) % 1000003)) % 1000003`
		var set, day, at string
		var setArgs []any
		if tx.Dialect == db.Postgres {
			set = `(SELECT p.id AS id, g.i AS i, ` + h + ` AS h FROM people p CROSS JOIN generate_series(0, CAST(? AS INTEGER) - 1) AS g(i)
				WHERE p.id >= ? AND p.id <= ?) x`
			setArgs = []any{seed, seed, days, r[0], r[1]}
			day = `to_char(CAST(? AS DATE) + x.i, 'YYYY-MM-DD')`
			at = `CAST(? AS TIMESTAMPTZ) + x.i * INTERVAL '1 day'`
		} else {
			set = `(WITH RECURSIVE g(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM g WHERE i + 1 < ?)
				SELECT p.id AS id, g.i AS i, ` + h + ` AS h FROM people p CROSS JOIN g WHERE p.id >= ? AND p.id <= ?) x`
			setArgs = []any{days, seed, seed, r[0], r[1]}
			day = `date(?, '+' || x.i || ' days')`
			// SQLite keeps a timestamp as the driver writes a time.Time in
			// UTC: "2006-01-02 15:04:05+00:00"; 07:30 in the zone is 23:30
			// UTC the day before.
			at = `datetime(?, '+' || x.i || ' days') || '+00:00'`
		}
		ts := at0.Format(time.RFC3339)
		if tx.Dialect != db.Postgres {
			ts = at0.Format(time.DateTime)
		}
		const recite = `(x.h / 100) % 5 = 0`
		// The streak each row records (migration 009): with every member
		// checking in every day, the days since the span's first (the
		// members are fresh); otherwise none, and the first check-in after
		// the span counts it once (dailyStreakOf).
		streak := `NULL`
		if pct >= 100 {
			streak = fmt.Sprintf(`MIN(x.i + 1, %d)`, dailyStreakMax)
			if tx.Dialect == db.Postgres {
				streak = fmt.Sprintf(`LEAST(x.i + 1, %d)`, dailyStreakMax)
			}
		}
		// In key order: each day's rows of the chunk land at one place of
		// the key.
		q := `INSERT INTO study_checkins (person_id, day, mode, created_at, recited_at, streak)
			SELECT x.id, ` + day + `, CASE WHEN ` + recite + ` THEN 'recite' ELSE 'read' END, ` + at + `, CASE WHEN ` + recite + ` THEN ` + at + ` END, ` + streak + `
			FROM ` + set + ` WHERE x.h % 100 < ? ORDER BY x.i, x.id`
		args := append([]any{from, ts, ts}, setArgs...)
		res, err := tx.ExecContext(ctx, q, append(args, pct)...)
		if db.IsUniqueViolation(err) {
			return fmt.Errorf("check-ins already there: generated members must be fresh (%w)", err)
		}
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO study_checkin_rollups (day, shard, checkins, recites)
			SELECT `+day+`, x.id % 16, COUNT(*), SUM(CASE WHEN `+recite+` THEN 1 ELSE 0 END)
			FROM `+set+` WHERE x.h % 100 < ? GROUP BY x.i, x.id % 16
			ON CONFLICT (day, shard) DO UPDATE SET checkins = study_checkin_rollups.checkins + excluded.checkins,
			recites = study_checkin_rollups.recites + excluded.recites`, append(append([]any{from}, setArgs...), pct)...)
		return err
	})
	return n, err
}
