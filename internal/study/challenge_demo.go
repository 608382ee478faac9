package study

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
)

// The demo's challenge: the 2021 "学习强国"挑战赛 on 2021-11-25, three rounds
// of five questions, 32 registered players who all played ("共30余名选手参赛"),
// results published the next morning. Every choice and every second comes
// from a fixed random seed, so the standings are the same on every load.

var challengeDemoRounds = []ChallengeRoundInput{
	{TimeLimitS: 60, Questions: []ChallengeQuestionInput{
		{"中国共产党第一次全国代表大会于哪一年召开？", []string{"1919年", "1921年", "1927年", "1949年"}, "B"},
		{"庆祝中国共产党成立100周年大会于哪一天在天安门广场隆重举行？", []string{"2021年6月30日", "2021年7月1日", "2021年8月1日", "2021年10月1日"}, "B"},
		{"中共一大最后一天的会议转移到何处举行？", []string{"上海法租界", "浙江嘉兴南湖的一条游船上", "江西井冈山", "陕西延安"}, "B"},
		{"遵义会议召开于哪一年？", []string{"1927年", "1931年", "1935年", "1937年"}, "C"},
		{"党史学习教育的要求是学史明理、学史增信、学史崇德、____。", []string{"学史力行", "学史育人", "学史为民", "学史奋进"}, "A"},
	}},
	{TimeLimitS: 60, Questions: []ChallengeQuestionInput{
		{"党的十九届六中全会审议通过的决议是？", []string{"《关于若干历史问题的决议》", "《关于建国以来党的若干历史问题的决议》", "《中共中央关于党的百年奋斗重大成就和历史经验的决议》", "《中共中央关于全面深化改革若干重大问题的决定》"}, "C"},
		{"党的十九届六中全会于2021年几月召开？", []string{"9月", "10月", "11月", "12月"}, "C"},
		{"新发展理念是创新、协调、绿色、开放、____的发展理念。", []string{"共享", "共赢", "共建", "共治"}, "A"},
		{"在庆祝中国共产党成立100周年大会上，习近平总书记庄严宣告：在中华大地上全面建成了？", []string{"社会主义现代化强国", "小康社会", "创新型国家", "制造强国"}, "B"},
		{"第二个百年奋斗目标是在新中国成立一百年时？", []string{"全面建成小康社会", "实现工业化", "建成富强民主文明和谐美丽的社会主义现代化强国", "消除绝对贫困"}, "C"},
	}},
	{TimeLimitS: 90, Questions: []ChallengeQuestionInput{
		{"按照《中国共产党支部工作条例（试行）》，党支部党员人数一般不超过多少人？", []string{"30人", "50人", "70人", "100人"}, "B"},
		{"“三会一课”中的“一课”是指？", []string{"党课", "团课", "法治课", "业务课"}, "A"},
		{"党的最高领导机关是？", []string{"中央政治局", "党的全国代表大会和它所产生的中央委员会", "中央书记处", "中央纪律检查委员会"}, "B"},
		{"党章规定，预备党员的预备期为？", []string{"半年", "一年", "两年", "三年"}, "B"},
		{"村级重大事项“四议两公开”中的“两公开”是决议公开和？", []string{"财务公开", "实施结果公开", "党务公开", "村务公开"}, "B"},
	}},
}

const (
	challengeDemoPlayers = 32
	challengeDemoDay     = "2021-11-25"
)

// challengeDemoAt is a zone-time instant of the demo, stored in UTC.
func challengeDemoAt(day string, h, mi, s int) time.Time {
	t, _ := clock.ParseDay(day)
	return t.Add(time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute + time.Duration(s)*time.Second).UTC()
}

func loadChallengeDemo(m *Module, ctx context.Context) error {
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		g := rand.New(rand.NewPCG(2021, 1125))
		// Players: the demo member accounts, then organ cadres drawn from
		// the 机关党支部, registered by branch a week before.
		var players []int64
		seen := map[int64]bool{}
		mine, err := db.Column[int64](ctx, tx, `SELECT person_id FROM users WHERE username IN ('member', 'member_2', 'member_3') AND person_id IS NOT NULL ORDER BY username`)
		if err != nil {
			return err
		}
		for _, id := range mine {
			if !seen[id] {
				seen[id] = true
				players = append(players, id)
			}
		}
		// Other demo accounts stay out, so who may play is plain to see.
		all, err := db.Column[int64](ctx, tx, `SELECT p.id FROM people p JOIN branches b ON b.id = p.branch_id
			WHERE b.kind = 'organ_branch' AND p.party_member = TRUE AND NOT EXISTS (SELECT 1 FROM users u WHERE u.person_id = p.id) ORDER BY p.id`)
		if err != nil {
			return err
		}
		var pool []int64
		for _, id := range all {
			if !seen[id] {
				pool = append(pool, id)
			}
		}
		g.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
		for _, id := range pool {
			if len(players) >= challengeDemoPlayers {
				break
			}
			seen[id] = true
			players = append(players, id)
		}
		if len(players) < challengeDemoPlayers {
			return fmt.Errorf("study demo: only %d organ party members for the challenge", len(players))
		}

		created := challengeDemoAt("2021-11-15", 9, 30, 0)
		cid, err := tx.InsertID(ctx, `INSERT INTO study_challenges (title, held_on, status, created_at, opened_at, closed_at, published_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			"2021年“学习强国”挑战赛", challengeDemoDay, ChallengePublished, created,
			challengeDemoAt(challengeDemoDay, 14, 0, 0), challengeDemoAt(challengeDemoDay, 16, 30, 0), challengeDemoAt("2021-11-26", 10, 0, 0))
		if err != nil {
			return err
		}
		type qrow struct {
			id     int64
			answer string
		}
		var roundIDs []int64
		var rq [][]qrow
		for i, r := range challengeDemoRounds {
			rid, err := insertRound(ctx, tx, cid, i+1, r)
			if err != nil {
				return err
			}
			roundIDs = append(roundIDs, rid)
			qs, err := roundQuestions(ctx, tx, rid, true)
			if err != nil {
				return err
			}
			var list []qrow
			for _, q := range qs {
				list = append(list, qrow{q.ID, q.Answer})
			}
			rq = append(rq, list)
		}
		for i, pid := range players {
			by, at := "editor", created.Add(time.Duration(i)*time.Minute)
			if i%5 == 4 { // a few signed up themselves during the week
				by, at = "self", challengeDemoAt(fmt.Sprintf("2021-11-%02d", 16+i%7), 8+i%10, i%60, 0)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO study_challenge_players (challenge_id, person_id, registered_by, registered_at) VALUES (?, ?, ?, ?)`, cid, pid, by, at); err != nil {
				return err
			}
		}
		// Play: each player has a skill (chance of a right answer) and a
		// pace; rounds start a few minutes apart.
		for i, pid := range players {
			skill := 0.55 + 0.4*g.Float64()
			start := challengeDemoAt(challengeDemoDay, 14, 2+g.IntN(20), g.IntN(60))
			correct := 0
			for ri, rid := range roundIDs {
				limit := challengeDemoRounds[ri].TimeLimitS
				aid, err := tx.InsertID(ctx, `INSERT INTO study_challenge_attempts (challenge_id, round_id, person_id, started_at) VALUES (?, ?, ?, ?)`, cid, rid, pid, start)
				if err != nil {
					return err
				}
				elapsed := int64(0)
				var last time.Time
				for qi, q := range rq[ri] {
					elapsed += int64(3000 + g.IntN(limit*1000/5-4000))
					if i == len(players)-1 && ri == 2 && qi == 4 {
						elapsed = int64(limit)*1000 + 4200 // one player ran out of time on the last question
					}
					choice := q.answer
					if g.Float64() > skill {
						wrong := []string{"A", "B", "C", "D"}
						for k, l := range wrong {
							if l == q.answer {
								wrong = append(wrong[:k], wrong[k+1:]...)
								break
							}
						}
						choice = wrong[g.IntN(3)]
					}
					inTime := InTime(elapsed, limit)
					ok := inTime && choice == q.answer
					if ok {
						correct++
					}
					last = start.Add(time.Duration(elapsed) * time.Millisecond)
					if _, err := tx.ExecContext(ctx, `INSERT INTO study_challenge_answers (attempt_id, question_id, choice, answered_at, elapsed_ms, in_time, correct) VALUES (?, ?, ?, ?, ?, ?, ?)`,
						aid, q.id, choice, last, elapsed, inTime, ok); err != nil {
						return err
					}
				}
				if _, err := tx.ExecContext(ctx, `UPDATE study_challenge_attempts SET finished_at = ? WHERE id = ?`, last, aid); err != nil {
					return err
				}
				start = last.Add(time.Duration(60+g.IntN(240)) * time.Second)
			}
			if _, err := m.challengeAward(ctx, pid, challengeDemoDay, cid, correct); err != nil {
				return err
			}
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "study.challenge.create", ObjectType: "study_challenge", ObjectID: fmt.Sprint(cid),
			Detail: fmt.Sprintf("demo: %s, %d rounds, %d players, published", challengeDemoDay, len(roundIDs), len(players))})
	})
}
