package study

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
)

// GenerateCheckins fills a year (or any span) of check-ins for load tests
// and the dashboard benchmark (bench/, issue 8): each member checks in on
// each zone day in [from, to] with probability pct %, one in five of them by
// recitation, from a fixed seed. Days without a sentence get a generated
// one (check-ins reference their day's sentence). Rows go in day order —
// the (day, person) index appends — in multi-row inserts, committed every
// day, and the day's rollups are rebuilt from the rows, so the dashboards
// read the same figures a direct count gives. No points are generated:
// the ledger is not what the dashboards read. It returns the rows inserted.
func GenerateCheckins(ctx context.Context, d *db.DB, persons []int64, from, to string, pct int, seed uint64) (int64, error) {
	start, err := time.Parse(time.DateOnly, from)
	if err != nil {
		return 0, err
	}
	end, err := time.Parse(time.DateOnly, to)
	if err != nil {
		return 0, err
	}
	r := rand.New(rand.NewPCG(seed, 2021))
	var total int64
	const chunk = 500
	for day := start; !day.After(end); day = day.AddDate(0, 0, 1) {
		ds := day.Format(time.DateOnly)
		at := time.Date(day.Year(), day.Month(), day.Day(), 7, 30, 0, 0, clock.Zone).UTC()
		err := d.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO study_sentences (day, text, source, key_phrases, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
				ON CONFLICT (day) DO NOTHING`, ds, "不忘初心、牢记使命，为中国人民谋幸福，为中华民族谋复兴。", "生成数据（负载测试）", `["不忘初心","牢记使命"]`, at, at); err != nil {
				return err
			}
			vals := make([]string, 0, chunk)
			args := make([]any, 0, chunk*5)
			flush := func() error {
				if len(vals) == 0 {
					return nil
				}
				_, err := tx.ExecContext(ctx, `INSERT INTO study_checkins (person_id, day, mode, created_at, recited_at) VALUES `+strings.Join(vals, ",")+
					` ON CONFLICT (person_id, day) DO NOTHING`, args...)
				total += int64(len(vals))
				vals, args = vals[:0], args[:0]
				return err
			}
			for _, p := range persons {
				if r.IntN(100) >= pct {
					continue
				}
				mode, rec := CheckinRead, any(nil)
				if r.IntN(5) == 0 {
					mode, rec = CheckinRecite, at
				}
				vals = append(vals, "(?, ?, ?, ?, ?)")
				args = append(args, p, ds, mode, at, rec)
				if len(vals) == chunk {
					if err := flush(); err != nil {
						return err
					}
				}
			}
			if err := flush(); err != nil {
				return err
			}
			return dailyRollupRebuild(ctx, tx, ds, ds)
		})
		if err != nil {
			return total, fmt.Errorf("generate check-ins of %s: %w", ds, err)
		}
	}
	return total, nil
}
