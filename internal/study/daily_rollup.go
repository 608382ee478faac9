package study

import (
	"context"

	"zhongshu/internal/platform/db"
)

// dailyRollupShards spreads a day's rollup over this many rows (person_id
// modulo it), so concurrent transactions rarely wait on the same row.
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
