package study

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/db"
)

// The demo's outreach year (2021), after the seed: six lecture groups with
// their members from the directory and 216 lectures spread over the year
// ("集中宣讲200余场次") reaching all six targets, organs, enterprises and
// villages most; the 《信仰者》 screening with 51 reflections, most accepted,
// awards published ("撰写心得体会50余篇"); the essay contest "学党史、谈感悟"
// still open; 7,216 volumes bought for the seven villages' book rooms
// ("购置图书7000余册"); 26 display boards at the six kinds of site. All
// from a fixed random seed.

// lectureDemoMonths is how many lectures each month of 2021 held: the
// 党史学习教育 from late February, the centenary in June–July, the Sixth
// Plenum in November.
var lectureDemoMonths = [12]int{6, 6, 20, 24, 25, 28, 24, 12, 14, 16, 25, 16}

var lectureDemoTopics = []struct{ topic, from, to, only string }{
	{"学习习近平新时代中国特色社会主义思想", "2021-01-01", "", ""},
	{"“两转两促三思考”思想大讨论实干大行动", "2021-01-01", "", ""},
	{"新发展理念与开发区高质量发展", "2021-01-01", "", ""},
	{"民法典进万家", "2021-01-01", "", ""},
	{"党史学习教育专题宣讲", "2021-02-20", "", ""},
	{"学史明理、学史增信、学史崇德、学史力行", "2021-02-20", "", ""},
	{"全国文明城市创建：人人参与、人人共享", "2021-03-01", "", ""},
	{"“永远跟党走”红色故事分享", "2021-04-01", "", ""},
	{"庆祝中国共产党成立100周年", "2021-05-01", "2021-07-31", ""},
	{"弘扬伟大建党精神", "2021-07-01", "", ""},
	{"学习贯彻习近平总书记“七一”重要讲话精神", "2021-07-02", "", ""},
	{"学习贯彻党的十九届六中全会精神", "2021-11-12", "", ""},
	{"中国共产党百年奋斗的重大成就和历史经验", "2021-11-12", "", ""},
	{"乡村振兴战略与美丽乡村建设", "2021-01-01", "", "village"},
	{"“一肩挑”后的村级小微权力规范运行", "2021-03-01", "", "village"},
	{"安全生产与非公企业党建", "2021-01-01", "", "enterprise"},
	{"党建引领企业发展", "2021-01-01", "", "enterprise"},
	{"青少年心中的党史故事", "2021-03-01", "", "campus"},
}

// lectureDemoTargets: each kind of group's usual targets with weights, and
// the chance (in %) that a lecture is also streamed online.
var lectureDemoTargets = map[string]struct {
	primary []string
	weights []int
	online  int
}{
	"cadre":                {[]string{"organ", "enterprise", "village", "community"}, []int{40, 25, 25, 10}, 20},
	"organ_secretary":      {[]string{"organ", "community", "enterprise"}, []int{70, 20, 10}, 10},
	"enterprise_secretary": {[]string{"enterprise"}, []int{100}, 10},
	"village_secretary":    {[]string{"village", "community"}, []int{90, 10}, 5},
	"teacher":              {[]string{"campus", "community"}, []int{80, 20}, 20},
	"volunteer":            {[]string{"community", "village", "network"}, []int{50, 25, 25}, 10},
}

var lectureDemoGroupWeights = []int{28, 46, 44, 48, 22, 28} // in LectureGroupKinds order

func pick(g *rand.Rand, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := g.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

func loadOutreachDemo(m *Module, ctx context.Context) error {
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		d := &outreachDemo{m: m, tx: tx, ctx: ctx, g: rand.New(rand.NewPCG(2021, 628))}
		for _, step := range []func() error{d.groups, d.lectures, d.campaigns, d.books, d.boards} {
			if err := step(); err != nil {
				return err
			}
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "study.outreach.demo", ObjectType: "study_demo",
			Detail: fmt.Sprintf("demo: %d lecture groups, %d lectures, %d submissions, %d volumes, %d boards", len(d.groupIDs), d.nLectures, d.nSubmissions, d.nVolumes, d.nBoards)})
	})
}

type outreachDemo struct {
	m   *Module
	tx  *db.Tx
	ctx context.Context
	g   *rand.Rand

	groupIDs     []int64
	members      [][]int64 // per group, in LectureGroupKinds order
	nLectures    int
	nSubmissions int
	nVolumes     int
	nBoards      int
}

func (d *outreachDemo) ids(q string, args ...any) ([]int64, error) {
	return db.Column[int64](d.ctx, d.tx, q, args...)
}

func (d *outreachDemo) shuffled(ids []int64) []int64 {
	out := append([]int64(nil), ids...)
	d.g.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

func (d *outreachDemo) personByUser(username string) int64 {
	var id int64
	_ = d.tx.QueryRowContext(d.ctx, `SELECT COALESCE(MAX(person_id), 0) FROM users WHERE username = ?`, username).Scan(&id)
	return id
}

// groups creates the six groups (founded in March 2021, when the
// 党史学习教育 began) with members drawn from the directory.
func (d *outreachDemo) groups() error {
	organ, err := d.ids(`SELECT p.id FROM people p JOIN branches b ON b.id = p.branch_id WHERE b.kind = 'organ_branch' AND p.party_member = TRUE ORDER BY p.id`)
	if err != nil {
		return err
	}
	organSecs, err := d.ids(`SELECT DISTINCT ps.person_id FROM positions ps JOIN branches b ON b.id = ps.branch_id WHERE ps.title = 'branch_secretary' AND b.kind = 'organ_branch' ORDER BY ps.person_id`)
	if err != nil {
		return err
	}
	entSecs, err := d.ids(`SELECT DISTINCT ps.person_id FROM positions ps JOIN branches b ON b.id = ps.branch_id WHERE ps.title = 'branch_secretary' AND b.kind = 'enterprise' ORDER BY ps.person_id`)
	if err != nil {
		return err
	}
	villSecs, err := d.ids(`SELECT DISTINCT person_id FROM positions WHERE title = 'village_secretary' AND ended_on = '' ORDER BY person_id`)
	if err != nil {
		return err
	}
	soc, err := d.ids(`SELECT p.id FROM people p JOIN branches b ON b.id = p.branch_id WHERE b.name = '社发局党支部' AND p.party_member = TRUE ORDER BY p.id`)
	if err != nil {
		return err
	}
	grass, err := d.ids(`SELECT p.id FROM people p JOIN branches b ON b.id = p.branch_id WHERE b.kind IN ('village', 'enterprise') AND p.party_member = TRUE ORDER BY p.id`)
	if err != nil {
		return err
	}
	taken := map[int64]bool{}
	take := func(from []int64, n int) []int64 {
		var out []int64
		for _, id := range from {
			if len(out) >= n {
				break
			}
			if id != 0 && !taken[id] {
				taken[id] = true
				out = append(out, id)
			}
		}
		return out
	}
	leaders := []int64{d.personByUser("committee_2"), d.personByUser("committee")}
	cadre := take(append(leaders, d.shuffled(organ)...), 9)
	members := [][]int64{
		cadre,
		take(organSecs, 16),
		take(d.shuffled(entSecs), 12),
		take(villSecs, 7),
		take(d.shuffled(soc), 8),
		take(d.shuffled(grass), 12),
	}
	founded := []string{"2021-03-01", "2021-03-03", "2021-03-05", "2021-03-05", "2021-03-10", "2021-03-12"}
	now := d.m.Clock.Now()
	for i, k := range LectureGroupKinds {
		if len(members[i]) == 0 {
			return fmt.Errorf("study demo: no members for %s", k.Zh)
		}
		id, err := d.tx.InsertID(d.ctx, `INSERT INTO study_lecture_groups (kind, name, founded_on, created_at) VALUES (?, ?, ?, ?)`, k.Code, k.Zh, founded[i], now)
		if err != nil {
			return err
		}
		for j, pid := range members[i] {
			role := "member"
			if j == 0 {
				role = "leader"
			}
			if _, err := d.tx.ExecContext(d.ctx, `INSERT INTO study_lecture_group_members (group_id, person_id, role, joined_on) VALUES (?, ?, ?, ?)`, id, pid, role, founded[i]); err != nil {
				return err
			}
		}
		d.groupIDs = append(d.groupIDs, id)
	}
	d.members = members
	return nil
}

var (
	lectureDemoGuests   = []string{"市委党校教师 周立新", "市委宣讲团成员 陈晓燕", "退休老党员 王振国"}
	lectureDemoOrgans   = []string{"管委会机关三楼会议室", "管委会党员活动室", "党群服务中心报告厅"}
	lectureDemoCampuses = []string{"开发区第一小学", "开发区实验小学", "开发区第一中学", "开发区职业技术学校"}
	lectureDemoCommunes = []string{"滨河社区新时代文明实践站", "康宁社区党群服务中心", "和平社区文化广场", "幸福里社区活动室"}
)

// lectures spreads 216 lectures over 2021.
func (d *outreachDemo) lectures() error {
	ents, err := db.Column[string](d.ctx, d.tx, `SELECT name FROM enterprises ORDER BY id LIMIT 40`)
	if err != nil {
		return err
	}
	vills, err := db.Column[string](d.ctx, d.tx, `SELECT name FROM villages ORDER BY code`)
	if err != nil {
		return err
	}
	now := d.m.Clock.Now()
	for mo := 1; mo <= 12; mo++ {
		days := 28
		if mo == 12 {
			days = 18 // the demo's clock stands at 2021-12-20
		}
		for range lectureDemoMonths[mo-1] {
			gi := pick(d.g, lectureDemoGroupWeights)
			kind := LectureGroupKinds[gi].Code
			day := fmt.Sprintf("2021-%02d-%02d", mo, 1+d.g.IntN(days))
			if mo == 2 && day < "2021-02-20" && d.g.IntN(2) == 0 {
				day = fmt.Sprintf("2021-02-%02d", 20+d.g.IntN(9))
			}
			tg := lectureDemoTargets[kind]
			primary := tg.primary[pick(d.g, tg.weights)]
			targets := []string{primary}
			if primary != "network" && d.g.IntN(100) < tg.online {
				targets = append(targets, "network")
			}
			var place string
			audience := 0
			switch primary {
			case "organ":
				place, audience = lectureDemoOrgans[d.g.IntN(len(lectureDemoOrgans))], 30+d.g.IntN(50)
			case "enterprise":
				place, audience = ents[d.g.IntN(len(ents))]+"会议室", 20+d.g.IntN(100)
			case "village":
				place, audience = vills[d.g.IntN(len(vills))]+"党群服务中心", 25+d.g.IntN(65)
			case "campus":
				place, audience = lectureDemoCampuses[d.g.IntN(len(lectureDemoCampuses))], 100+d.g.IntN(300)
			case "community":
				place, audience = lectureDemoCommunes[d.g.IntN(len(lectureDemoCommunes))], 30+d.g.IntN(120)
			default:
				place, audience = "开发区微信公众号线上直播", 300+d.g.IntN(1700)
			}
			var topics []string
			for _, t := range lectureDemoTopics {
				if day >= t.from && (t.to == "" || day <= t.to) && (t.only == "" || t.only == primary) {
					topics = append(topics, t.topic)
					if t.only != "" {
						topics = append(topics, t.topic) // the audience's own subject, twice as likely
					}
				}
			}
			topic := topics[d.g.IntN(len(topics))]
			var speaker any
			name := ""
			if kind == "teacher" && d.g.IntN(100) < 30 {
				name = lectureDemoGuests[d.g.IntN(len(lectureDemoGuests))]
			} else {
				ms := d.members[gi]
				speaker = ms[d.g.IntN(len(ms))]
			}
			id, err := d.tx.InsertID(d.ctx, `INSERT INTO study_lectures (group_id, speaker_person_id, speaker_name, held_on, place, topic, audience, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, d.groupIDs[gi], speaker, name, day, place, topic, audience, now, now)
			if err != nil {
				return err
			}
			for _, t := range targets {
				if _, err := d.tx.ExecContext(d.ctx, `INSERT INTO study_lecture_targets (lecture_id, target) VALUES (?, ?)`, id, t); err != nil {
					return err
				}
			}
			d.nLectures++
		}
	}
	return nil
}

var (
	reflectionDemoTitles = []string{"观《信仰者》有感", "信仰的力量", "坚定理想信念 永葆初心本色", "从《信仰者》中汲取奋进力量", "让信仰之光照亮前行之路",
		"守初心 担使命——观影心得", "做新时代的信仰者", "铭记历史 砥砺前行", "以坚定信仰践行为民初心", "信仰如炬 照亮征程", "观影悟初心 奋进新征程", "把信仰融入日常工作"}
	reflectionDemoOpen = []string{
		"近日，按照开发区党工委的统一安排，我参加了电影《信仰者》集中观影活动，深受触动。",
		"在庆祝中国共产党成立100周年之际，我和同事们一起观看了电影《信仰者》，心情久久不能平静。",
		"电影《信仰者》用朴实的镜头再现了共产党人为理想信念不懈奋斗的历程，让我对“信仰”二字有了更深的理解。",
		"走出影院，影片中的一幕幕仍在眼前浮现。信仰是什么？影片给出了最有力的回答。",
	}
	reflectionDemoMiddle = []string{
		"影片告诉我们，坚定的理想信念是共产党人的政治灵魂，是经受住各种考验的精神支柱。",
		"百年党史就是一部共产党人为了信仰矢志奋斗的历史，先辈们用行动诠释了对党的忠诚。",
		"学史明理、学史增信、学史崇德、学史力行，观影正是一堂生动的党史课。",
		"对照先辈，我深感在工作中还存在担当不够、钻研不深的问题，需要在今后的工作中加以改进。",
		"信仰不是空洞的口号，而是体现在每一次为群众办实事、为企业解难题的具体行动中。",
		"开发区正处在高质量发展的关键时期，更需要我们把信仰转化为干事创业的强大动力。",
	}
	reflectionDemoClose = []string{
		"今后，我将以先辈为榜样，立足岗位、履职尽责，为开发区高质量发展贡献力量。",
		"我将把观影收获转化为工作动力，坚持“每日同记一句话”，不断提高理论素养。",
		"作为一名党员，我要始终牢记初心使命，在服务群众中践行信仰。",
		"让我们以信仰为灯、以实干为桨，在新的征程上交出合格答卷。",
	}
	essayDemoOpen = []string{
		"今年以来，我认真参加党史学习教育，通读了指定学习材料，收获很大。",
		"百年党史是一部波澜壮阔的奋斗史，也是一本常读常新的教科书。",
		"学党史，最重要的是从历史中汲取智慧和力量，用来指导今天的工作。",
	}
	essayDemoMiddle = []string{
		"百年党史就是一部共产党人为了信仰矢志奋斗的历史，先辈们用行动诠释了对党的忠诚。",
		"对照先辈，我深感在工作中还存在担当不够、钻研不深的问题，需要在今后的工作中加以改进。",
		"信仰不是空洞的口号，而是体现在每一次为群众办实事、为企业解难题的具体行动中。",
		"开发区正处在高质量发展的关键时期，更需要我们把学习成果转化为干事创业的强大动力。",
		"通过“每日同记一句话”，我养成了每天学习的习惯，理论素养有了明显提高。",
	}
	essayDemoTitles = []string{"百年党史照初心", "从党史中汲取前行力量", "学党史 悟思想 办实事", "在党史学习中坚定信仰", "我身边的共产党员", "读懂百年奋斗史", "党史照亮奋进路"}
)

// essay draws one paragraph from each pool, never the same one twice.
func (d *outreachDemo) essay(pools ...[]string) string {
	var parts []string
	used := map[string]bool{}
	for _, p := range pools {
		i := d.g.IntN(len(p))
		for used[p[i]] {
			i = (i + 1) % len(p)
		}
		used[p[i]] = true
		parts = append(parts, p[i])
	}
	return strings.Join(parts, "\n\n")
}

// demoPDF is a small valid one-page PDF for the demo's attachment.
func demoPDF(text string) []byte {
	content := fmt.Sprintf("BT /F1 14 Tf 72 720 Td (%s) Tj ET", text)
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b strings.Builder
	b.WriteString("%PDF-1.4\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return []byte(b.String())
}

func demoInstant(day string, h, mi int) time.Time { return challengeDemoAt(day, h, mi, 0) }

// campaigns: the 《信仰者》 screening with its reflections, reviews and
// published awards; the essay contest under way; the works collection.
func (d *outreachDemo) campaigns() error {
	tx, ctx := d.tx, d.ctx
	now := d.m.Clock.Now()
	film, err := tx.InsertID(ctx, `INSERT INTO study_campaigns (kind, title, description, starts_on, ends_on, attendance, awards_published_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		"film", "集中观看电影《信仰者》并撰写心得体会",
		"组织机关、企业、学校、七村“两委”干部集中观看电影《信仰者》，观影后撰写心得体会，经评审择优评奖。",
		"2021-06-25", "2021-07-15", 186, demoInstant("2021-07-28", 9, 0), now, now)
	if err != nil {
		return err
	}
	essay, err := tx.InsertID(ctx, `INSERT INTO study_campaigns (kind, title, description, starts_on, ends_on, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		"essay", "“学党史、谈感悟”主题征文比赛", "围绕党史学习教育，结合本职工作谈感悟、谈收获，每人限投一篇，年底前评审。", "2021-09-01", "2021-12-31", now, now)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO study_campaigns (kind, title, description, starts_on, ends_on, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		"works", "“永远跟党走”——365百姓故事汇作品征集", "征集群众身边的党员故事、红色故事，形式不限（文字、照片均可）。", "2021-10-01", "2021-12-31", now, now); err != nil {
		return err
	}

	// Authors: the demo member first (so their reflection, with its PDF,
	// is submission 1), then organ cadres, village cadres and enterprise
	// branch secretaries — the screening's audience.
	member := d.personByUser("member")
	organ, err := d.ids(`SELECT p.id FROM people p JOIN branches b ON b.id = p.branch_id WHERE b.kind = 'organ_branch' AND p.party_member = TRUE ORDER BY p.id`)
	if err != nil {
		return err
	}
	vill, err := d.ids(`SELECT DISTINCT person_id FROM positions WHERE title IN ('village_secretary', 'village_committee') AND ended_on = '' ORDER BY person_id`)
	if err != nil {
		return err
	}
	ent, err := d.ids(`SELECT DISTINCT ps.person_id FROM positions ps JOIN branches b ON b.id = ps.branch_id WHERE ps.title = 'branch_secretary' AND b.kind = 'enterprise' ORDER BY ps.person_id`)
	if err != nil {
		return err
	}
	seen := map[int64]bool{member: true}
	authors := []int64{member}
	for _, part := range []struct {
		ids []int64
		n   int
	}{{d.shuffled(organ), 26}, {d.shuffled(vill), 15}, {d.shuffled(ent), 9}} {
		k := 0
		for _, id := range part.ids {
			if k >= part.n {
				break
			}
			if !seen[id] {
				seen[id] = true
				authors = append(authors, id)
				k++
			}
		}
	}
	var reviewerUser int64
	_ = tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM users WHERE username = 'committee'`).Scan(&reviewerUser)
	type scored struct {
		id    int64
		score int
	}
	var accepted []scored
	for i, pid := range authors {
		day := fmt.Sprintf("2021-%s", []string{"06-26", "06-27", "06-28", "06-29", "06-30", "07-01", "07-02", "07-05", "07-06", "07-08", "07-12", "07-14"}[min(i/4, 11)])
		title := reflectionDemoTitles[d.g.IntN(len(reflectionDemoTitles))]
		body := d.essay(reflectionDemoOpen, reflectionDemoMiddle, reflectionDemoMiddle, reflectionDemoClose)
		if i == 0 {
			title, day = "观《信仰者》有感：让信仰在岗位上发光", "2021-06-26"
		}
		at := demoInstant(day, 19+d.g.IntN(3), d.g.IntN(60))
		sid, err := tx.InsertID(ctx, `INSERT INTO study_submissions (campaign_id, person_id, title, body, submitted_on, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			film, pid, title, body, day, at)
		if err != nil {
			return err
		}
		if i == 0 {
			if err := insertSubmissionFile(ctx, tx, sid, UploadedFile{Name: "观《信仰者》有感.pdf", Data: demoPDF("Reflection on the film (demo attachment)")}, "application/pdf", at); err != nil {
				return err
			}
		}
		reviewDay := fmt.Sprintf("2021-07-%02d", 19+i%5)
		status, score, comment := "accepted", 70+d.g.IntN(28), ""
		if i > 0 && i%13 == 0 {
			status, score = "rejected", 50+d.g.IntN(12)
			comment = []string{"内容与观影主题联系不够紧密。", "篇幅过短，未能结合本职工作谈体会。"}[i%2]
		}
		if i == 0 {
			score, comment = 97, "结合岗位谈体会，真挚感人。"
		}
		if _, err := tx.ExecContext(ctx, `UPDATE study_submissions SET status = ?, score = ?, review_comment = ?, reviewed_by = ?, reviewed_at = ? WHERE id = ?`,
			status, score, comment, reviewerUser, demoInstant(reviewDay, 10, i%60), sid); err != nil {
			return err
		}
		if status == "accepted" {
			accepted = append(accepted, scored{sid, score})
			if _, err := d.m.Award(ctx, pid, reviewDay, ActReflection, 0, "reflection", sid); err != nil {
				return err
			}
		}
		d.nSubmissions++
	}
	// Awards by score (the member's 97 among the first prizes): 1 first,
	// 2 second, 3 third, 6 excellent.
	for i := 1; i < len(accepted); i++ {
		for j := i; j > 0 && (accepted[j].score > accepted[j-1].score || (accepted[j].score == accepted[j-1].score && accepted[j].id < accepted[j-1].id)); j-- {
			accepted[j], accepted[j-1] = accepted[j-1], accepted[j]
		}
	}
	levels := []string{"first", "second", "second", "third", "third", "third", "excellent", "excellent", "excellent", "excellent", "excellent", "excellent"}
	for i, lv := range levels {
		if i >= len(accepted) {
			break
		}
		if _, err := tx.ExecContext(ctx, `UPDATE study_submissions SET award = ? WHERE id = ?`, lv, accepted[i].id); err != nil {
			return err
		}
	}

	// The essay contest: seven entries so far, those before November
	// reviewed and accepted.
	k := 0
	for _, pid := range d.shuffled(organ) {
		if k >= len(essayDemoTitles) {
			break
		}
		if pid == member {
			continue // the demo member can still take part
		}
		day := fmt.Sprintf("2021-%02d-%02d", 9+k%4, 3+d.g.IntN(14))
		sid, err := tx.InsertID(ctx, `INSERT INTO study_submissions (campaign_id, person_id, title, body, submitted_on, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			essay, pid, essayDemoTitles[k], d.essay(essayDemoOpen, essayDemoMiddle, essayDemoMiddle, reflectionDemoClose), day, demoInstant(day, 20, k))
		if err != nil {
			return err
		}
		if day < "2021-11-01" {
			reviewDay := fmt.Sprintf("2021-11-%02d", 10+k)
			if _, err := tx.ExecContext(ctx, `UPDATE study_submissions SET status = 'accepted', score = ?, reviewed_by = ?, reviewed_at = ? WHERE id = ?`,
				75+d.g.IntN(20), reviewerUser, demoInstant(reviewDay, 15, 0), sid); err != nil {
				return err
			}
			if _, err := d.m.Award(ctx, pid, reviewDay, ActReflection, 0, "reflection", sid); err != nil {
				return err
			}
		}
		d.nSubmissions++
		k++
	}
	return nil
}

// bookDemo is 2021's acquisitions per village (in code order): 7,216
// volumes ("购置图书7000余册"), on top of each room's first stock of 2019.
var bookDemo = [][]struct {
	day     string
	volumes int
	source  string
}{
	{{"2021-04-12", 560, "区财政农家书屋专项资金"}, {"2021-09-16", 480, "党史学习教育专项经费"}},
	{{"2021-04-12", 520, "区财政农家书屋专项资金"}, {"2021-06-30", 120, "新华书店捐赠"}, {"2021-09-16", 460, "党史学习教育专项经费"}},
	{{"2021-04-13", 500, "区财政农家书屋专项资金"}, {"2021-09-17", 450, "党史学习教育专项经费"}},
	{{"2021-04-13", 540, "区财政农家书屋专项资金"}, {"2021-09-17", 470, "党史学习教育专项经费"}, {"2021-11-20", 150, "开发区图书馆配送"}},
	{{"2021-04-14", 510, "区财政农家书屋专项资金"}, {"2021-09-18", 440, "党史学习教育专项经费"}},
	{{"2021-04-14", 530, "区财政农家书屋专项资金"}, {"2021-09-18", 456, "党史学习教育专项经费"}},
	{{"2021-04-15", 550, "区财政农家书屋专项资金"}, {"2021-09-22", 480, "党史学习教育专项经费"}},
}

func (d *outreachDemo) books() error {
	vs, err := d.ids(`SELECT id FROM villages ORDER BY code`)
	if err != nil {
		return err
	}
	now := d.m.Clock.Now()
	for i, v := range vs {
		if _, err := d.tx.ExecContext(d.ctx, `INSERT INTO study_book_acquisitions (village_id, acquired_on, volumes, source, note, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			v, "2019-06-18", 1500, "农家书屋工程配书", "建室首批配书", now); err != nil {
			return err
		}
		for _, a := range bookDemo[i%len(bookDemo)] {
			note := ""
			if strings.Contains(a.source, "党史") {
				note = "党史学习教育读物"
			}
			if _, err := d.tx.ExecContext(d.ctx, `INSERT INTO study_book_acquisitions (village_id, acquired_on, volumes, source, note, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
				v, a.day, a.volumes, a.source, note, now); err != nil {
				return err
			}
			d.nVolumes += a.volumes
		}
	}
	return nil
}

var boardDemo = []struct{ kind, place, day string }{
	{"road", "渤海路（开发区段）", "2021-04-20"}, {"road", "黄河路", "2021-04-20"}, {"road", "东海路", "2021-04-22"},
	{"road", "长江路", "2021-05-08"}, {"road", "宁波路", "2021-05-08"}, {"road", "九河路", "2021-06-15"},
	{"site_hoarding", "汽车零部件产业园三期工地", "2021-04-26"}, {"site_hoarding", "人才公寓项目工地", "2021-05-12"},
	{"site_hoarding", "生物医药产业园项目工地", "2021-05-20"}, {"site_hoarding", "创业中心二期工地", "2021-07-06"},
	{"site_hoarding", "污水处理厂扩建工地", "2021-09-14"},
	{"crossing", "渤海路与黄河路交叉口", "2021-04-21"}, {"crossing", "东海路与长江路交叉口", "2021-04-23"},
	{"crossing", "宁波路与九河路交叉口", "2021-05-10"}, {"crossing", "黄河路与东海路交叉口", "2021-06-16"}, {"crossing", "长江路与渤海路交叉口", "2021-08-03"},
	{"organ", "管委会办公楼一层大厅", "2021-03-29"}, {"organ", "管委会机关大院宣传栏", "2021-03-29"}, {"organ", "党群服务中心门前", "2021-06-28"},
	{"campus", "开发区第一小学", "2021-09-01"}, {"campus", "开发区实验小学", "2021-09-01"}, {"campus", "开发区第一中学", "2021-09-03"}, {"campus", "开发区职业技术学校", "2021-09-06"},
	{"square", "滨河社区文化广场", "2021-05-18"}, {"square", "康宁社区广场", "2021-06-22"}, {"square", "和平社区广场", "2021-10-12"},
}

func (d *outreachDemo) boards() error {
	now := d.m.Clock.Now()
	for _, b := range boardDemo {
		if _, err := d.tx.ExecContext(d.ctx, `INSERT INTO study_display_boards (kind, place, erected_on, note, created_at) VALUES (?, ?, ?, ?, ?)`,
			b.kind, b.place, b.day, "全国文明城市创建", now); err != nil {
			return err
		}
		d.nBoards++
	}
	return nil
}
