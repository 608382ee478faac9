package study

import (
	"context"
	"fmt"
	"html"
	"strings"
	"time"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
)

// The column's demo: exactly 98 articles published from 2021-09-14 (about
// one a day: a few days skipped, a few with two) up to 2021-12-20 07:00 —
// the seed's "已推送学习资料98篇" at the demo clock, 2021-12-20 09:00 — and
// ten more scheduled for 2021-12-21…30; reads by the organ branches'
// members with their study points. Everything is derived from fixed dates
// and a hash of ids, so every load gives the same data.

// columnDemoNow is the demo clock's start (2021-12-20 09:00 zone time): the
// dataset is written as of then, whatever the clock of the loading process.
var columnDemoNow = time.Date(2021, 12, 20, 1, 0, 0, 0, time.UTC)

// columnDemoHash is splitmix64 over a few numbers: a fixed, well-mixed
// pseudo-random value for (person, article, purpose).
func columnDemoHash(xs ...int64) uint64 {
	h := uint64(0x9E3779B97F4A7C15)
	for _, x := range xs {
		h ^= uint64(x)
		h += 0x9E3779B97F4A7C15
		z := h
		z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
		z = (z ^ (z >> 27)) * 0x94D049BB133111EB
		h = z ^ (z >> 31)
	}
	return h
}

// columnDemoSchedule returns the publish instants of the demo articles: the
// days from 2021-09-14 to 2021-12-20 at 07:00, skipping six (the National
// Day holiday among them) and adding a noon article on six others; then
// 2021-12-21…30 at 07:00.
func columnDemoSchedule() []time.Time {
	start := time.Date(2021, 9, 14, 0, 0, 0, 0, clock.Zone)
	skip := map[int]bool{17: true, 18: true, 19: true, 45: true, 66: true, 80: true}
	twice := map[int]bool{16: true, 26: true, 50: true, 71: true, 85: true, 90: true}
	var out []time.Time
	for i := 0; i < 98; i++ {
		d := start.AddDate(0, 0, i)
		if skip[i] {
			continue
		}
		out = append(out, d.Add(7*time.Hour))
		if twice[i] {
			out = append(out, d.Add(12*time.Hour))
		}
	}
	for i := 1; i <= 10; i++ {
		out = append(out, time.Date(2021, 12, 20+i, 7, 0, 0, 0, clock.Zone))
	}
	return out
}

// Second paragraphs and study questions, in rotation.
var columnDemoThoughts = []string{
	"回望这段历史，我们更加深刻地认识到，党之所以能够不断从胜利走向胜利，靠的是坚定的理想信念，靠的是始终同人民群众站在一起。",
	"学习这段历史，要把握它的来龙去脉和重大意义，并联系本职工作想一想：在新的征程上，怎样传承好红色基因、担当好肩上的责任。",
	"党史是最生动、最有说服力的教科书。机关党员干部要在学史中明理、增信、崇德、力行，把学习成果转化为推动开发区高质量发展的实际行动。",
	"这段历史告诉我们，实事求是、独立自主是党的事业不断取得成功的重要法宝，任何时候都不能丢。",
	"历史不会忘记为民族独立、人民解放和国家富强而奋斗的先辈。今天的幸福生活来之不易，更需倍加珍惜、接续奋斗。",
	"从这段历史中汲取智慧和力量，就要坚持以人民为中心，在为群众办实事、解难题中检验学习成效。",
	"结合开发区建设的实践来学习这段历史，更能体会敢闯敢试、敢为人先的精神和真抓实干、久久为功的作风。",
	"学习这段历史，有助于我们理解党的理论为什么能够与时俱进，为什么始终能够指引事业向前发展。",
}

var columnDemoQuestions = [][2]string{
	{"这一事件在党的历史上处于什么位置？", "它对我们今天做好本职工作有哪些启示？"},
	{"这段历史中最打动你的人物或细节是什么？", "你所在的支部可以怎样把这段历史讲给群众听？"},
	{"这段历史体现了怎样的精神品格？", "在日常工作中，我们可以从哪些小事做起？"},
}

// columnDemoBody writes an article body of 2–4 blocks from its lead.
func columnDemoBody(i int, lead string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<p>%s</p>\n<p>%s</p>\n", html.EscapeString(lead), html.EscapeString(columnDemoThoughts[i%len(columnDemoThoughts)]))
	if i%3 == 0 {
		q := columnDemoQuestions[(i/3)%len(columnDemoQuestions)]
		fmt.Fprintf(&b, "<h3>学习思考</h3>\n<ul><li>%s</li><li>%s</li></ul>\n", html.EscapeString(q[0]), html.EscapeString(q[1]))
	}
	if i%2 == 0 {
		b.WriteString("<p><em>本文为开发区机关党委《党史天天学》栏目学习材料，根据公开史料整理，供党员干部自学使用。</em></p>\n")
	}
	return b.String()
}

// columnDemoReaders are the organ branches' party members (the column's
// daily readers in the seed): with their accounts, by person id.
func columnDemoReaders(ctx context.Context, dir *directory.Module) ([]directory.Member, error) {
	organ, err := dir.BranchList(ctx, directory.KindOrganBranch)
	if err != nil {
		return nil, err
	}
	in := map[int64]bool{}
	for _, b := range organ {
		in[b.ID] = true
	}
	all, err := dir.MembersOf(ctx, 0, false)
	if err != nil {
		return nil, err
	}
	var out []directory.Member
	for _, mb := range all {
		if in[mb.BranchID] {
			out = append(out, mb)
		}
	}
	return out, nil
}

func loadColumnDemo(m *Module, ctx context.Context) error {
	sched := columnDemoSchedule()
	if len(sched) != len(columnDemoTopics) {
		return fmt.Errorf("study demo: %d publish times for %d articles", len(sched), len(columnDemoTopics))
	}
	readers, err := columnDemoReaders(ctx, m.Dir)
	if err != nil {
		return err
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		ids := make([]int64, len(sched))
		for i, at := range sched {
			t := columnDemoTopics[i]
			in := ArticleInput{Title: t.Title, Author: "开发区机关党委", Source: "机关党委宣传组整理", Body: columnSanitize(columnDemoBody(i, t.Lead))}
			written := at.AddDate(0, 0, -3).Add(3 * time.Hour) // prepared three days ahead, at 10:00
			id, err := columnInsert(ctx, tx, in, at.UTC(), 0, written.UTC())
			if err != nil {
				return err
			}
			ids[i] = id
			if !at.After(columnDemoNow) {
				// Pushed by the next 07:30 morning push.
				day := at.In(clock.Zone)
				push := time.Date(day.Year(), day.Month(), day.Day(), 7, 30, 0, 0, clock.Zone)
				if push.Before(at) {
					push = push.AddDate(0, 0, 1)
				}
				if push.After(columnDemoNow) {
					continue
				}
				if _, err := tx.ExecContext(ctx, `UPDATE study_articles SET pushed_at = ? WHERE id = ?`, push.UTC(), id); err != nil {
					return err
				}
			}
		}
		// The monthly quizzes' choice questions name the articles they ask
		// about (the quiz demo loads before the column).
		for _, c := range append(append([]quizDemoChoice(nil), quizDemoNovember...), quizDemoDecember...) {
			if _, err := tx.ExecContext(ctx, `UPDATE study_quiz_questions SET article_id = (SELECT MIN(id) FROM study_articles WHERE title = ?)
				WHERE prompt = ? AND article_id IS NULL`, c.Article, c.Prompt); err != nil {
				return err
			}
		}
		return columnDemoReads(ctx, m, tx, readers, sched, ids)
	})
}

// columnDemoReads: each organ member reads a share of the articles that is
// their own (a few never open the column; the demo accounts are keen),
// within two days of publishing and never after the demo's "now"; most
// reads last a few minutes and count, a few are opened and left.
func columnDemoReads(ctx context.Context, m *Module, tx *db.Tx, readers []directory.Member, sched []time.Time, ids []int64) error {
	for _, r := range readers {
		h := columnDemoHash(r.PersonID, 7)
		share := int(h%26) + 4 // percent of the articles this member reads
		if r.UserID != 0 {
			share = 45
		} else if h%100 < 12 {
			continue // never opens the column
		}
		for i, at := range sched {
			if at.After(columnDemoNow) {
				break
			}
			hr := columnDemoHash(r.PersonID, ids[i], 11)
			if int(hr%100) >= share {
				continue
			}
			start := at.Add(time.Duration(hr>>8%3)*24*time.Hour + time.Duration(1+hr>>16%13)*time.Hour + time.Duration(hr>>24%60)*time.Minute)
			if start.After(columnDemoNow) {
				continue
			}
			if err := columnStartRead(ctx, tx, r.PersonID, ids[i], start.UTC()); err != nil {
				return err
			}
			if hr>>32%100 < 4 {
				continue // opened, not finished
			}
			done := start.Add(columnMinRead + time.Duration(hr>>40%540)*time.Second)
			if done.After(columnDemoNow) {
				continue
			}
			if _, err := columnCountRead(ctx, tx, r.PersonID, ids[i], done.UTC()); err != nil {
				return err
			}
			if _, err := m.Award(ctx, r.PersonID, clock.Day(done), ActArticleRead, 0, "article", ids[i]); err != nil {
				return err
			}
		}
	}
	return nil
}
