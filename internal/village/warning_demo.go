package village

import (
	"context"
	"time"

	"zhongshu/internal/platform/db"
)

// loadWarningDemo records the demo year's warning education: the
// zone-wide 警示教育大会 of April and a second meeting for three villages,
// two trainings with their warning-education lesson and one without it
// (flagged, RULES.md 4). Deterministic.
func loadWarningDemo(m *Module, ctx context.Context) error {
	vs, err := m.Dir.VillageList(ctx)
	if err != nil {
		return err
	}
	at := time.Date(2021, 12, 20, 1, 0, 0, 0, time.UTC)
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO warning_meetings (held_on, title, expected, present, notes, created_by, created_at) VALUES (?, ?, ?, ?, ?, 0, ?)`,
			"2021-04-16", "全区农村党员干部警示教育大会", 64, 61,
			"通报近年农村基层干部违纪违法典型案例 6 起，观看警示教育片《蝇贪之害》，各村党组织书记作廉洁表态发言。", at); err != nil {
			return err
		}
		id, err := tx.InsertID(ctx, `INSERT INTO warning_meetings (held_on, title, expected, present, notes, created_by, created_at) VALUES (?, ?, ?, ?, ?, 0, ?)`,
			"2021-10-22", "征地补偿领域专项警示教育会", 21, 20, "以征地补偿资金审计发现的问题为镜鉴，逐项对照整改。", at)
		if err != nil {
			return err
		}
		for i, v := range vs {
			if i >= 4 && i <= 6 {
				if _, err := tx.ExecContext(ctx, `INSERT INTO warning_meeting_villages (meeting_id, village_id) VALUES (?, ?)`, id, v.ID); err != nil {
					return err
				}
			}
		}
		for _, t := range []struct {
			day, title string
			lesson     bool
			lessonT    string
		}{
			{"2021-03-25", "村“两委”换届后新任干部履职能力培训", true, "以案为鉴——农村集体“三资”管理典型案例剖析"},
			{"2021-07-15", "村级财务管理与“三务”公开业务培训", true, "从身边案例看“小微权力”的边界"},
			{"2021-11-18", "乡村振兴产业发展专题培训班", false, ""},
		} {
			if _, err := tx.ExecContext(ctx, `INSERT INTO warning_trainings (held_on, title, has_lesson, lesson_title, created_by, created_at) VALUES (?, ?, ?, ?, 0, ?)`,
				t.day, t.title, t.lesson, t.lessonT, at); err != nil {
				return err
			}
		}
		return nil
	})
}

func init() {
	demoParts = append(demoParts, demoPart{Order: 52, Load: loadWarningDemo})
}
