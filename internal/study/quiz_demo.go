package study

import (
	"context"
	"fmt"
	"time"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
)

// The monthly quiz's demo: the November 2021 quiz, closed (open 11-28…30,
// make-up 12-01…03), taken by most members of the organ branches, most of
// whom pass; and the December 2021 quiz, published and scheduled for
// 12-29…31 (make-up 2022-01-01…03), not yet open at the demo clock. Both
// take their blanks from the month's daily sentences as the daily part's
// demo left them; their choice questions ask about the month's column
// articles (linked by the column's demo, which loads after this one).

type quizDemoChoice struct {
	Kind    string
	Prompt  string
	Options []string
	Correct []int
	Article string // the column article's title
}

var quizDemoNovember = []quizDemoChoice{
	{QuizSingle, "1949年9月召开的中国人民政治协商会议第一届全体会议，通过了起临时宪法作用的哪一文件？",
		[]string{"《中国人民政治协商会议共同纲领》", "《中华人民共和国宪法》", "《论人民民主专政》", "《中国土地法大纲》"}, []int{0},
		"1949年9月：中国人民政治协商会议第一届全体会议召开"},
	{QuizSingle, "作出把党和国家工作中心转移到经济建设上来、实行改革开放历史性决策的会议是？",
		[]string{"党的十一届三中全会", "党的十一届六中全会", "中共十二大", "中共十三大"}, []int{0},
		"1978年12月：党的十一届三中全会召开"},
	{QuizMultiple, "1980年8月，全国人大常委会批准在哪些地方设置经济特区？",
		[]string{"深圳", "珠海", "天津", "汕头", "厦门"}, []int{0, 1, 3, 4},
		"1980年8月：设立经济特区"},
	{QuizSingle, "我国第一颗原子弹爆炸成功是在哪一年？",
		[]string{"1960年", "1964年", "1967年", "1970年"}, []int{1},
		"1964年10月：我国第一颗原子弹爆炸成功"},
	{QuizMultiple, "到1956年底基本完成的社会主义改造，包括对哪些方面的改造？",
		[]string{"农业", "手工业", "资本主义工商业", "对外贸易"}, []int{0, 1, 2},
		"1956年底：社会主义改造基本完成"},
}

var quizDemoDecember = []quizDemoChoice{
	{QuizSingle, "党的十八届五中全会提出的新发展理念是？",
		[]string{"创新、协调、绿色、开放、共享", "改革、发展、稳定、开放、共享", "创新、改革、绿色、协调、安全", "科学、协调、绿色、开放、共享"}, []int{0},
		"2015年10月：十八届五中全会提出新发展理念"},
	{QuizSingle, "“精准扶贫”是在哪里首次提出的？",
		[]string{"湖南湘西花垣县十八洞村", "河北阜平县骆驼湾村", "安徽凤阳县小岗村", "河南林县"}, []int{0},
		"2013年11月：首次提出“精准扶贫”"},
	{QuizMultiple, "2021年2月召开的党史学习教育动员大会号召全党做到哪几点？",
		[]string{"学史明理", "学史增信", "学史崇德", "学史力行", "学史博闻"}, []int{0, 1, 2, 3},
		"2021年2月：党史学习教育动员大会召开"},
	{QuizSingle, "2012年12月中央政治局审议通过的、关于改进工作作风和密切联系群众的规定是？",
		[]string{"中央八项规定", "《中国共产党党内监督条例》", "《关于新形势下党内政治生活的若干准则》", "《中国共产党廉洁自律准则》"}, []int{0},
		"2012年12月：中央八项规定出台"},
}

// quizDemo is one demo quiz.
type quizDemo struct {
	in        QuizInput
	created   time.Time
	published time.Time
	choices   []quizDemoChoice
}

func quizZoneTime(y int, mo time.Month, d, h, mi int) time.Time {
	return time.Date(y, mo, d, h, mi, 0, 0, clock.Zone).UTC()
}

func loadQuizDemo(m *Module, ctx context.Context) error {
	readers, err := columnDemoReaders(ctx, m.Dir)
	if err != nil {
		return err
	}
	quizzes := []quizDemo{
		{QuizInput{Month: "2021-11", Title: "2021年11月月问答", TimeLimitMin: 20, OpensOn: "2021-11-28", ClosesOn: "2021-11-30",
			MakeupFrom: "2021-12-01", MakeupTo: "2021-12-03", BlankPoints: 2},
			quizZoneTime(2021, 11, 24, 10, 0), quizZoneTime(2021, 11, 25, 9, 30), quizDemoNovember},
		{QuizInput{Month: "2021-12", Title: "2021年12月月问答", TimeLimitMin: 20, OpensOn: "2021-12-29", ClosesOn: "2021-12-31",
			MakeupFrom: "2022-01-01", MakeupTo: "2022-01-03", BlankPoints: 2},
			quizZoneTime(2021, 12, 17, 10, 0), quizZoneTime(2021, 12, 18, 9, 30), quizDemoDecember},
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var ids []int64
		for _, d := range quizzes {
			in, l := quizValidate(d.in)
			if len(l) > 0 {
				return l
			}
			id, err := quizInsert(ctx, tx, in, 0, d.created)
			if err != nil {
				return err
			}
			if _, err := quizReplaceBlanks(ctx, tx, id, in.Month, in.BlankPoints); err != nil {
				return err
			}
			for i, c := range d.choices {
				if _, err := quizInsertQuestion(ctx, tx, id, QuizQuestion{Seq: 1000 + i, Kind: c.Kind, Prompt: c.Prompt, Options: c.Options,
					Correct: c.Correct, Points: quizDefaultChoicePt}); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `UPDATE study_quizzes SET published = TRUE, published_at = ? WHERE id = ?`, d.published, id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return quizDemoAttempts(ctx, m, tx, ids[0], readers)
	})
}

// quizDemoAttempts: the organ members take the November quiz — about four
// in five in the open window, a few in the make-up, the rest absent (every
// member with an account takes it). Each knows a share of the answers that
// is their own, from 55% to all of them, so most pass and some have full
// marks. The answers go through the real grader and the points through
// the real ledger.
func quizDemoAttempts(ctx context.Context, m *Module, tx *db.Tx, quizID int64, readers []directory.Member) error {
	qs, err := quizQuestions(ctx, tx, quizID)
	if err != nil {
		return err
	}
	if len(qs) == 0 {
		return nil
	}
	mainDays := []string{"2021-11-28", "2021-11-29", "2021-11-30"}
	makeupDays := []string{"2021-12-01", "2021-12-02", "2021-12-03"}
	for _, r := range readers {
		h := columnDemoHash(r.PersonID, quizID, 3)
		var day, sitting string
		switch p := h % 100; {
		case r.UserID != 0 || p < 80:
			day, sitting = mainDays[h>>8%3], SittingMain
		case p < 90:
			day, sitting = makeupDays[h>>8%3], SittingMakeup
		default:
			continue // absent
		}
		skill := 55 + int(h>>16%46) // percent of questions answered right
		if h>>24%100 < 15 {
			skill = 100
		}
		var answers []QuizAnswer
		for _, q := range qs {
			right := int(columnDemoHash(r.PersonID, q.ID, 5)%100) < skill
			a := QuizAnswer{Question: q.ID}
			switch {
			case q.Kind == QuizBlank && right:
				a.Text = q.Phrase
			case q.Kind == QuizBlank:
				a.Text = "记不清了"
			case right:
				a.Choices = q.Correct
			default:
				a.Choices = []int{(q.Correct[0] + 1) % len(q.Options)}
			}
			answers = append(answers, a)
		}
		marks, score, max := quizGrade(qs, answers)
		d, _ := clock.ParseDay(day)
		start := d.Add(time.Duration(12+h>>32%9)*time.Hour + time.Duration(h>>40%60)*time.Minute)
		sub := start.Add(time.Duration(6+h>>48%13)*time.Minute + time.Duration(h>>52%60)*time.Second)
		at := &QuizAttempt{QuizID: quizID, PersonID: r.PersonID, Sitting: sitting, StartedAt: start.UTC(),
			DeadlineAt: start.UTC().Add(20 * time.Minute), MaxScore: max}
		if _, err := quizInsertAttempt(ctx, tx, at); err != nil {
			return err
		}
		subUTC := sub.UTC()
		at.Marks, at.Score, at.SubmittedAt = marks, score, &subUTC
		if _, err := quizFinishAttempt(ctx, tx, at); err != nil {
			return err
		}
		if act := quizAwardFor(score, max); act != "" {
			if _, err := m.Award(ctx, r.PersonID, clock.Day(sub), act, 0, "quiz", quizID); err != nil {
				return fmt.Errorf("quiz demo award: %w", err)
			}
		}
	}
	return nil
}
