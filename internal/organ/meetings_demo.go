package organ

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/db"
)

func init() { demoParts = append(demoParts, demoPart{Order: 10, Load: loadMeetingsDemo}) }

// demoTopics are 党史学习教育 themes of 2021.
var demoTopics = []string{"学习习近平总书记在党史学习教育动员大会上的重要讲话", "学党史、悟思想、办实事、开新局", "学习《中国共产党简史》", "庆祝建党100周年", "学习习近平总书记“七一”重要讲话精神",
	"我为群众办实事实践活动", "学习党的十九届六中全会精神", "传承红色基因 赓续精神血脉", "弘扬伟大建党精神", "学习《论中国共产党历史》"}

// loadMeetingsDemo records 2021's meetings of the 16 organ branches up to
// the demo day: most branches compliant; 5th branch misses its Q3 general
// meeting, the 10th its May theme day, the 14th holds an inquorate August
// committee meeting.
func loadMeetingsDemo(m *Module, ctx context.Context) error {
	bs, err := m.Dir.BranchList(ctx, directory.KindOrganBranch)
	if err != nil {
		return err
	}
	rnd := rand.New(rand.NewPCG(2021, 10))
	end := "2021-12-19"
	now := m.Clock.Now()
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		for bi, b := range bs {
			committee, err := m.committeeSize(ctx, tx, b.ID)
			if err != nil {
				return err
			}
			add := func(kind, day, topic string, expected, present int, lecturer string) error {
				if day > end || expected == 0 {
					return nil
				}
				absent := ""
				if present < expected {
					absent = fmt.Sprintf("%d人因公出差、病假，已个别补学", expected-present)
				}
				minutes := fmt.Sprintf("会议由支部书记主持，围绕“%s”开展学习讨论。与会党员结合岗位实际逐一发言，查找差距，明确整改措施。会议要求把学习成果转化为推动工作的实际成效。", topic)
				_, err := tx.ExecContext(ctx, `INSERT INTO organ_meetings (branch_id, kind, held_on, topic, expected, present, absent, lecturer, minutes, created_at, updated_at)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, b.ID, kind, day, topic, expected, present, absent, lecturer, minutes, now, now)
				return err
			}
			att := func(n int) int { return n - rnd.IntN(min(3, n)) }
			for mo := 1; mo <= 12; mo++ {
				d := func(day int) string {
					return time.Date(2021, time.Month(mo), day, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
				}
				topic := demoTopics[(mo+bi)%len(demoTopics)]
				cp := committee
				if committee >= 3 {
					cp -= rnd.IntN(2)
				}
				if bi == 13 && mo == 8 {
					cp = committee / 2
				}
				if err := add(KindCommittee, d(3+rnd.IntN(5)), "研究部署"+topic+"工作", committee, max(cp, 0), ""); err != nil {
					return err
				}
				if !(bi == 9 && mo == 5) {
					if err := add(KindThemeDay, d(10+rnd.IntN(6)), topic+"主题党日", b.Members, att(b.Members), ""); err != nil {
						return err
					}
				}
				if err := add(KindGroup, d(16+rnd.IntN(3)), "党小组学习："+topic, b.Members, att(b.Members), ""); err != nil {
					return err
				}
				if mo%3 == 2 && !(bi == 4 && mo == 8) {
					if err := add(KindGeneral, d(20+rnd.IntN(5)), "支部党员大会："+topic, b.Members, att(b.Members), ""); err != nil {
						return err
					}
				}
				if mo%3 == 1 {
					if err := add(KindLecture, d(25+rnd.IntN(3)), "专题党课："+topic, b.Members, att(b.Members), "支部书记"); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
}
