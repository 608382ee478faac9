package study

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/chain"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
)

// The demo's daily sentences: the activity began on 2021-11-16, so that on
// the demo clock's day (2021-12-20) exactly 35 sentences have been learned
// (the seed: "截至目前，全区共学习35句金句"); the calendar runs on to the end
// of January 2022, as editors plan ahead. Every sentence is a public,
// well-known quotation with its source.
const (
	dailyDemoStart = "2021-11-16"
	dailyDemoToday = "2021-12-20"
)

const (
	dailySrcCentenary  = "《在庆祝中国共产党成立100周年大会上的讲话》（2021年7月1日）"
	dailySrcResolution = "《中共中央关于党的百年奋斗重大成就和历史经验的决议》（2021年11月11日）"
	dailySrcMobilise   = "《在党史学习教育动员大会上的讲话》（2021年2月20日）"
	dailySrcPoverty    = "《在全国脱贫攻坚总结表彰大会上的讲话》（2021年2月25日）"
	dailySrcCovid      = "《在全国抗击新冠肺炎疫情表彰大会上的讲话》（2020年9月8日）"
	dailySrc19th       = "《决胜全面建成小康社会 夺取新时代中国特色社会主义伟大胜利》（党的十九大报告，2017年10月18日）"
	dailySrcReform40   = "《在庆祝改革开放40周年大会上的讲话》（2018年12月18日）"
	dailySrcPRC70      = "《在庆祝中华人民共和国成立70周年大会上的讲话》（2019年10月1日）"
	dailySrcPress2012  = "《在十八届中央政治局常委同中外记者见面时的讲话》（2012年11月15日）"
	dailySrcRevival    = "《在参观〈复兴之路〉展览时的讲话》（2012年11月29日）"
)

var dailyDemoSentences = []struct {
	text, source string
	phrases      []string
}{
	// 2021-11-16 …: the centenary and the historical resolution.
	{"中国共产党立志于中华民族千秋伟业，百年恰是风华正茂！", dailySrcCentenary, []string{"千秋伟业", "风华正茂"}},
	{"江山就是人民、人民就是江山，打江山、守江山，守的是人民的心。", dailySrcCentenary, []string{"江山就是人民", "守的是人民的心"}},
	{"党的百年奋斗从根本上改变了中国人民的前途命运。", dailySrcResolution, []string{"从根本上改变", "前途命运"}},
	{"党的百年奋斗开辟了实现中华民族伟大复兴的正确道路。", dailySrcResolution, []string{"开辟", "正确道路"}},
	{"党的百年奋斗展示了马克思主义的强大生命力。", dailySrcResolution, []string{"马克思主义", "强大生命力"}},
	{"党的百年奋斗深刻影响了世界历史进程。", dailySrcResolution, []string{"深刻影响", "世界历史进程"}},
	{"党的百年奋斗锻造了走在时代前列的中国共产党。", dailySrcResolution, []string{"锻造", "走在时代前列"}},
	{"坚持党的领导，坚持人民至上，坚持理论创新，坚持独立自主，坚持中国道路。", dailySrcResolution, []string{"党的领导", "人民至上", "理论创新", "独立自主", "中国道路"}},
	{"坚持胸怀天下，坚持开拓创新，坚持敢于斗争，坚持统一战线，坚持自我革命。", dailySrcResolution, []string{"胸怀天下", "开拓创新", "敢于斗争", "统一战线", "自我革命"}},
	{"中国共产党根基在人民、血脉在人民、力量在人民。", dailySrcCentenary, []string{"根基", "血脉", "力量"}},
	{"一百年来，中国共产党团结带领中国人民进行的一切奋斗、一切牺牲、一切创造，归结起来就是一个主题：实现中华民族伟大复兴。", dailySrcCentenary, []string{"一切奋斗", "一切牺牲", "一切创造", "实现中华民族伟大复兴"}},
	{"坚持真理、坚守理想，践行初心、担当使命，不怕牺牲、英勇斗争，对党忠诚、不负人民的伟大建党精神，这是中国共产党的精神之源。", dailySrcCentenary, []string{"坚持真理", "践行初心", "对党忠诚", "精神之源"}},
	{"中国共产党为什么能，中国特色社会主义为什么好，归根到底是因为马克思主义行！", dailySrcCentenary, []string{"为什么能", "为什么好", "马克思主义行"}},
	{"以史为鉴、开创未来，必须坚持中国共产党坚强领导。", dailySrcCentenary, []string{"以史为鉴", "坚强领导"}},
	{"以史为鉴、开创未来，必须团结带领中国人民不断为美好生活而奋斗。", dailySrcCentenary, []string{"开创未来", "美好生活"}},
	// 2021-12-01 …: party history.
	{"以史为鉴、开创未来，必须继续推进马克思主义中国化。", dailySrcCentenary, []string{"马克思主义中国化"}},
	{"以史为鉴、开创未来，必须坚持和发展中国特色社会主义。", dailySrcCentenary, []string{"坚持和发展", "中国特色社会主义"}},
	{"以史为鉴、开创未来，必须不断推进党的建设新的伟大工程。", dailySrcCentenary, []string{"党的建设", "新的伟大工程"}},
	{"敢于斗争、敢于胜利，是中国共产党不可战胜的强大精神力量。", dailySrcCentenary, []string{"敢于斗争", "敢于胜利", "不可战胜"}},
	{"全党同志要做到学史明理、学史增信、学史崇德、学史力行。", dailySrcMobilise, []string{"学史明理", "学史增信", "学史崇德", "学史力行"}},
	{"党的历史是最生动、最有说服力的教科书。", dailySrcMobilise, []string{"最生动", "最有说服力", "教科书"}},
	{"我们党的一百年，是矢志践行初心使命的一百年，是筚路蓝缕奠基立业的一百年，是创造辉煌开辟未来的一百年。", dailySrcMobilise, []string{"初心使命", "筚路蓝缕", "创造辉煌"}},
	{"深刻认识红色政权来之不易、新中国来之不易、中国特色社会主义来之不易。", dailySrcMobilise, []string{"红色政权", "新中国", "中国特色社会主义"}},
	{"星星之火，可以燎原。", "毛泽东《星星之火，可以燎原》（1930年1月5日）", []string{"星星之火", "燎原"}},
	{"红军不怕远征难，万水千山只等闲。", "毛泽东《七律·长征》（1935年10月）", []string{"远征难", "万水千山"}},
	{"雄关漫道真如铁，而今迈步从头越。", "毛泽东《忆秦娥·娄山关》（1935年2月）", []string{"雄关漫道", "从头越"}},
	{"为有牺牲多壮志，敢教日月换新天。", "毛泽东《七律·到韶山》（1959年6月）", []string{"多壮志", "日月换新天"}},
	{"从群众中来，到群众中去。", "毛泽东《关于领导方法的若干问题》（1943年6月1日）", []string{"从群众中来", "到群众中去"}},
	{"务必使同志们继续地保持谦虚、谨慎、不骄、不躁的作风，务必使同志们继续地保持艰苦奋斗的作风。", "毛泽东《在中国共产党第七届中央委员会第二次全体会议上的报告》（1949年3月5日）", []string{"谦虚、谨慎、不骄、不躁", "艰苦奋斗"}},
	{"开天辟地、敢为人先的首创精神，坚定理想、百折不挠的奋斗精神，立党为公、忠诚为民的奉献精神。", "习近平《弘扬“红船精神” 走在时代前列》（《光明日报》2005年6月21日）", []string{"首创精神", "奋斗精神", "奉献精神"}},
	{"中国产生了共产党，这是开天辟地的大事变。", dailySrcCentenary, []string{"开天辟地的大事变"}},
	{"发展才是硬道理。", "邓小平《在武昌、深圳、珠海、上海等地的谈话要点》（1992年1月18日—2月21日）", []string{"硬道理"}},
	{"实践是检验真理的唯一标准。", "《光明日报》特约评论员文章《实践是检验真理的唯一标准》（1978年5月11日）", []string{"检验真理", "唯一标准"}},
	{"我国脱贫攻坚战取得了全面胜利，现行标准下9899万农村贫困人口全部脱贫，832个贫困县全部摘帽，12.8万个贫困村全部出列。", dailySrcPoverty, []string{"全面胜利", "9899万", "832个", "12.8万个"}},
	{"上下同心、尽锐出战、精准务实、开拓创新、攻坚克难、不负人民的脱贫攻坚精神。", dailySrcPoverty, []string{"上下同心", "尽锐出战", "精准务实", "攻坚克难", "不负人民"}},
	// 2021-12-21 … 2022-01-31: planned ahead.
	{"生命至上、举国同心、舍生忘死、尊重科学、命运与共的伟大抗疫精神。", dailySrcCovid, []string{"生命至上", "举国同心", "命运与共"}},
	{"我们实现了第一个百年奋斗目标，在中华大地上全面建成了小康社会，历史性地解决了绝对贫困问题，正在意气风发向着全面建成社会主义现代化强国的第二个百年奋斗目标迈进。", dailySrcCentenary, []string{"第一个百年奋斗目标", "全面建成了小康社会", "绝对贫困问题", "第二个百年奋斗目标"}},
	{"新时代的中国青年要以实现中华民族伟大复兴为己任，增强做中国人的志气、骨气、底气，不负时代，不负韶华，不负党和人民的殷切期望！", dailySrcCentenary, []string{"志气", "骨气", "底气", "不负韶华"}},
	{"我们要弘扬光荣传统、赓续红色血脉，永远把伟大建党精神继承下去、发扬光大！", dailySrcCentenary, []string{"光荣传统", "赓续红色血脉", "发扬光大"}},
	{"以史为鉴、开创未来，必须加强中华儿女大团结。", dailySrcCentenary, []string{"中华儿女大团结"}},
	{"以史为鉴、开创未来，必须不断推动构建人类命运共同体。", dailySrcCentenary, []string{"人类命运共同体"}},
	{"确立习近平同志党中央的核心、全党的核心地位，确立习近平新时代中国特色社会主义思想的指导地位，反映了全党全军全国各族人民共同心愿。", dailySrcResolution, []string{"核心地位", "指导地位", "共同心愿"}},
	{"不忘初心，方得始终。中国共产党人的初心和使命，就是为中国人民谋幸福，为中华民族谋复兴。", dailySrc19th, []string{"不忘初心", "方得始终", "谋幸福", "谋复兴"}},
	{"中国特色社会主义进入了新时代，这是我国发展新的历史方位。", dailySrc19th, []string{"进入了新时代", "新的历史方位"}},
	{"党政军民学，东西南北中，党是领导一切的。", dailySrc19th, []string{"党政军民学", "东西南北中", "领导一切"}},
	{"青年兴则国家兴，青年强则国家强。", dailySrc19th, []string{"国家兴", "国家强"}},
	{"青年一代有理想、有本领、有担当，国家就有前途，民族就有希望。", dailySrc19th, []string{"有理想", "有本领", "有担当", "有希望"}},
	{"打铁必须自身硬。", dailySrc19th, []string{"自身硬"}},
	{"全面从严治党永远在路上。", dailySrc19th, []string{"全面从严治党", "永远在路上"}},
	{"人民是历史的创造者，是决定党和国家前途命运的根本力量。", dailySrc19th, []string{"历史的创造者", "根本力量"}},
	{"文化自信是一个国家、一个民族发展中更基本、更深沉、更持久的力量。", dailySrc19th, []string{"更基本", "更深沉", "更持久"}},
	{"实践没有止境，理论创新也没有止境。", dailySrc19th, []string{"实践没有止境", "理论创新"}},
	{"中华民族伟大复兴，绝不是轻轻松松、敲锣打鼓就能实现的。", dailySrc19th, []string{"轻轻松松", "敲锣打鼓"}},
	{"绿水青山就是金山银山。", dailySrc19th, []string{"绿水青山", "金山银山"}},
	{"我国社会主要矛盾已经转化为人民日益增长的美好生活需要和不平衡不充分的发展之间的矛盾。", dailySrc19th, []string{"美好生活需要", "不平衡不充分"}},
	{"使人民获得感、幸福感、安全感更加充实、更有保障、更可持续。", dailySrc19th, []string{"获得感", "幸福感", "安全感"}},
	{"全党要更加自觉地增强道路自信、理论自信、制度自信、文化自信。", dailySrc19th, []string{"道路自信", "理论自信", "制度自信", "文化自信"}},
	{"人民对美好生活的向往，就是我们的奋斗目标。", dailySrcPress2012, []string{"美好生活的向往", "奋斗目标"}},
	{"空谈误国，实干兴邦。", dailySrcRevival, []string{"空谈误国", "实干兴邦"}},
	{"实现中华民族伟大复兴，就是中华民族近代以来最伟大的梦想。", dailySrcRevival, []string{"最伟大的梦想"}},
	{"历史只会眷顾坚定者、奋进者、搏击者，而不会等待犹豫者、懈怠者、畏难者。", dailySrcReform40, []string{"坚定者", "奋进者", "搏击者"}},
	{"改革开放是决定当代中国命运的关键一招。", dailySrcReform40, []string{"关键一招"}},
	{"没有任何力量能够撼动我们伟大祖国的地位，没有任何力量能够阻挡中国人民和中华民族的前进步伐。", dailySrcPRC70, []string{"撼动", "前进步伐"}},
	{"发展是第一要务，人才是第一资源，创新是第一动力。", "《在参加十三届全国人大一次会议广东代表团审议时的讲话》（2018年3月7日）", []string{"第一要务", "第一资源", "第一动力"}},
	{"必须牢固树立并切实贯彻创新、协调、绿色、开放、共享的发展理念。", "《中共中央关于制定国民经济和社会发展第十三个五年规划的建议》（2015年10月29日）", []string{"创新、协调、绿色、开放、共享"}},
	{"我将无我，不负人民。", "《会见意大利众议长菲科时的谈话》（2019年3月22日）", []string{"我将无我", "不负人民"}},
	{"幸福都是奋斗出来的。", "《二〇一八年新年贺词》", []string{"奋斗出来的"}},
	{"我们都在努力奔跑，我们都是追梦人。", "《二〇一九年新年贺词》", []string{"努力奔跑", "追梦人"}},
	{"撸起袖子加油干。", "《二〇一七年新年贺词》", []string{"撸起袖子"}},
	{"平凡铸就伟大，英雄来自人民。每个人都了不起！", "《二〇二一年新年贺词》", []string{"平凡铸就伟大", "英雄来自人民"}},
	{"紧紧地和中国人民站在一起，全心全意地为中国人民服务，就是这个军队的唯一的宗旨。", "毛泽东《论联合政府》（1945年4月24日）", []string{"全心全意", "唯一的宗旨"}},
	{"以史为鉴、开创未来，必须加快国防和军队现代化。", dailySrcCentenary, []string{"国防和军队现代化"}},
	{"以史为鉴、开创未来，必须进行具有许多新的历史特点的伟大斗争。", dailySrcCentenary, []string{"新的历史特点", "伟大斗争"}},
	{"建设生态文明是中华民族永续发展的千年大计。", dailySrc19th, []string{"生态文明", "千年大计"}},
	{"既不走封闭僵化的老路，也不走改旗易帜的邪路。", dailySrc19th, []string{"封闭僵化", "改旗易帜"}},
	{"一个政党，一个政权，其前途命运取决于人心向背。", dailySrc19th, []string{"人心向背"}},
	{"新的征程上，我们必须紧紧依靠人民创造历史，坚持全心全意为人民服务的根本宗旨。", dailySrcCentenary, []string{"依靠人民创造历史", "根本宗旨"}},
}

// dailyDemoCheckin is one generated check-in.
type dailyDemoCheckin struct {
	person    int64
	day       string
	recite    bool
	at, recAt time.Time
}

// dailyLoadDemo schedules the demo sentences and fills the members'
// check-ins from 2021-11-16 to the day before the demo clock,
// plus today's early risers (before 09:00), with their points.
// Deterministic (a fixed seed); realistic (most members most days, a few
// laggards, some recite). The many rows go in with multi-row INSERTs and
// the points ledger is extended link by link exactly as Award would, so
// that `zhongshu verify` passes — the whole part stays well under 2 s.
func dailyLoadDemo(m *Module, ctx context.Context) error {
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		now := m.Clock.Now()
		// The sentences.
		var vals []string
		var args []any
		for i, s := range dailyDemoSentences {
			day := dailyAddDays(dailyDemoStart, i)
			vals = append(vals, "(?, ?, ?, ?, ?, ?)")
			args = append(args, day, s.text, s.source, dailyPhrasesJSON(s.phrases), now, now)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO study_sentences (day, text, source, key_phrases, created_at, updated_at) VALUES `+strings.Join(vals, ", "), args...); err != nil {
			return fmt.Errorf("demo sentences: %w", err)
		}
		organ, err := m.Dir.BranchList(ctx, directory.KindOrganBranch)
		if err != nil {
			return err
		}
		inOrgan := map[int64]bool{}
		for _, b := range organ {
			inOrgan[b.ID] = true
		}
		all, err := m.Dir.MembersOf(ctx, 0, false)
		if err != nil {
			return err
		}
		cs := dailyDemoCheckins(all, inOrgan)
		ids, err := dailyDemoInsertCheckins(ctx, tx, cs)
		if err != nil {
			return err
		}
		if err := dailyDemoRollups(ctx, tx, cs); err != nil {
			return err
		}
		return m.dailyDemoPoints(ctx, tx, cs, ids)
	})
}

// dailyDemoRollups writes the rollups of the generated check-ins (counted
// here: cheaper than a GROUP BY over the inserted rows).
func dailyDemoRollups(ctx context.Context, tx *db.Tx, cs []dailyDemoCheckin) error {
	type key struct {
		day   string
		shard int64
	}
	type count struct{ c, r int }
	agg := map[key]*count{}
	var keys []key
	for _, c := range cs {
		k := key{c.day, c.person % dailyRollupShards}
		n := agg[k]
		if n == nil {
			n = &count{}
			agg[k] = n
			keys = append(keys, k)
		}
		n.c++
		if c.recite {
			n.r++
		}
	}
	const batch = 400
	for i := 0; i < len(keys); i += batch {
		part := keys[i:min(i+batch, len(keys))]
		vals := make([]string, len(part))
		args := make([]any, 0, 4*len(part))
		for j, k := range part {
			vals[j] = "(?, ?, ?, ?)"
			args = append(args, k.day, k.shard, agg[k].c, agg[k].r)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO study_checkin_rollups (day, shard, checkins, recites) VALUES `+strings.Join(vals, ", "), args...); err != nil {
			return fmt.Errorf("demo check-in rollups: %w", err)
		}
	}
	return nil
}

// dailyDemoCheckins generates the check-ins (pure: members in, rows out).
// The organ cadres are the most diligent (the seed's daily rhythm is theirs);
// village and enterprise members take part less often, as a working zone's
// weekly summary would show.
func dailyDemoCheckins(members []directory.Member, organ map[int64]bool) []dailyDemoCheckin {
	rng := rand.New(rand.NewPCG(2021, 1116))
	at := func(day string, h, mi int) time.Time {
		t, _ := time.ParseInLocation(time.DateOnly, day, clock.Zone)
		return t.Add(time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute).UTC()
	}
	var out []dailyDemoCheckin
	for _, mb := range members {
		// A member's habit: most are diligent, some regular, a few lag.
		p, recite := 0.97, 0.1+0.3*rng.Float64()
		switch u := rng.Float64(); {
		case u > 0.92:
			p, recite = 0.45, 0.03
		case u > 0.72:
			p = 0.82
		}
		if !organ[mb.BranchID] {
			p, recite = p*0.72, recite*0.5
		}
		for d := dailyDemoStart; d <= dailyDemoToday; d = dailyAddDays(d, 1) {
			pd := p
			if wd := dailyWeekday(d, "en"); wd == "Sat" || wd == "Sun" {
				pd *= 0.93
			}
			checked := rng.Float64() < pd
			morning := rng.Float64() < 0.72
			h, mi := 7+rng.IntN(3), rng.IntN(60)
			if !morning {
				h = 12 + rng.IntN(11)
			}
			rec := rng.Float64() < recite
			later := rng.IntN(180)
			if d == dailyDemoToday {
				// Only early risers have checked in by 09:00, and not the
				// members with demo accounts: they try it themselves.
				if !checked || !morning || h >= 9 || mb.UserID != 0 || rng.Float64() > 0.45 {
					continue
				}
				later = rng.IntN(9)
			} else if !checked {
				continue
			}
			c := dailyDemoCheckin{person: mb.PersonID, day: d, recite: rec, at: at(d, h, mi)}
			if rec {
				c.recAt = c.at.Add(time.Duration(later) * time.Minute)
				if c.recAt.In(clock.Zone).Format(time.DateOnly) != d {
					c.recAt = c.at
				}
			}
			out = append(out, c)
		}
	}
	return out
}

type dailyDemoKey struct {
	person int64
	day    string
}

// dailyDemoInsertCheckins inserts the check-ins in batches and returns
// their ids.
func dailyDemoInsertCheckins(ctx context.Context, tx *db.Tx, cs []dailyDemoCheckin) (map[dailyDemoKey]int64, error) {
	ids := make(map[dailyDemoKey]int64, len(cs))
	const batch = 400
	for i := 0; i < len(cs); i += batch {
		part := cs[i:min(i+batch, len(cs))]
		vals := make([]string, len(part))
		args := make([]any, 0, len(part)*5)
		for j, c := range part {
			vals[j] = "(?, ?, ?, ?, ?)"
			mode, rec := CheckinRead, any(nil)
			if c.recite {
				mode, rec = CheckinRecite, c.recAt
			}
			args = append(args, c.person, c.day, mode, c.at, rec)
		}
		rows, err := tx.QueryContext(ctx, `INSERT INTO study_checkins (person_id, day, mode, created_at, recited_at) VALUES `+strings.Join(vals, ", ")+` RETURNING id, person_id, day`, args...)
		if err != nil {
			return nil, fmt.Errorf("demo check-ins: %w", err)
		}
		for rows.Next() {
			var id int64
			var k dailyDemoKey
			if err := rows.Scan(&id, &k.person, &k.day); err != nil {
				rows.Close()
				return nil, err
			}
			ids[k] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// dailyDemoPoints appends each check-in's awards to its member's points
// ledger, in the order Award would have appended them, with the links that
// chain.Append would have computed, and moves the chain heads.
func (m *Module) dailyDemoPoints(ctx context.Context, tx *db.Tx, cs []dailyDemoCheckin, ids map[dailyDemoKey]int64) error {
	type award struct {
		p  pointsPayload
		at time.Time
	}
	rules := map[string]PointRule{}
	ruleOf := func(act, day string) (PointRule, error) {
		k := act + "/" + day
		if r, ok := rules[k]; ok {
			return r, nil
		}
		r, err := rule(ctx, tx, act, day)
		rules[k] = r
		return r, err
	}
	byPerson := map[int64][]award{}
	for _, c := range cs {
		id := ids[dailyDemoKey{c.person, c.day}]
		acts := []string{ActSentenceRead}
		if c.recite {
			acts = append(acts, ActSentenceRecite)
		}
		for _, a := range acts {
			r, err := ruleOf(a, c.day)
			if err != nil {
				return err
			}
			pts := Capped(r.Points, r.DailyCap, 0)
			if pts == 0 {
				continue
			}
			at := c.at
			if a == ActSentenceRecite {
				at = c.recAt
			}
			byPerson[c.person] = append(byPerson[c.person], award{pointsPayload{Person: c.person, Day: c.day, Activity: a, Points: pts,
				RefType: dailyCheckinRef, RefID: id, RuleFrom: r.ValidFrom}, at})
		}
	}
	// Where each chain stands now (other demo parts may have begun them).
	heads := map[string]chain.Link{}
	rows, err := tx.QueryContext(ctx, `SELECT chain, seq, hash FROM chain_heads WHERE chain LIKE 'study_points/%'`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var name string
		var l chain.Link
		if err := rows.Scan(&name, &l.Seq, &l.Hash); err != nil {
			rows.Close()
			return err
		}
		heads[name] = l
	}
	rows.Close()
	people := make([]int64, 0, len(byPerson))
	for p := range byPerson {
		people = append(people, p)
	}
	sort.Slice(people, func(i, j int) bool { return people[i] < people[j] })
	const batch = 300
	var vals []string
	var args []any
	flush := func() error {
		if len(vals) == 0 {
			return nil
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO study_points (person_id, day, activity, points, ref_type, ref_id, rule_from, reverses, reason, created_at, seq, prev_hash, hash, mac)
			VALUES `+strings.Join(vals, ", "), args...)
		vals, args = vals[:0], args[:0]
		return err
	}
	var headVals []string
	var headArgs []any
	for _, person := range people {
		as := byPerson[person]
		sort.SliceStable(as, func(i, j int) bool { return as[i].at.Before(as[j].at) })
		name := pointsChain(person)
		h := heads[name]
		seq, prev := h.Seq, h.Hash
		for _, a := range as {
			seq++
			a.p.Seq = seq
			hash := chain.Hash(prev, a.p.bytes())
			vals = append(vals, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
			args = append(args, a.p.Person, a.p.Day, a.p.Activity, a.p.Points, a.p.RefType, a.p.RefID, a.p.RuleFrom, nil, "", a.at,
				seq, prev, hash, chain.MAC(m.Seal, hash))
			prev = hash
			if len(vals) == batch {
				if err := flush(); err != nil {
					return fmt.Errorf("demo points: %w", err)
				}
			}
		}
		headVals = append(headVals, "(?, ?, ?, ?)")
		headArgs = append(headArgs, name, seq, prev, chain.MAC(m.Seal, prev))
	}
	if err := flush(); err != nil {
		return fmt.Errorf("demo points: %w", err)
	}
	for i := 0; i < len(headVals); i += batch {
		j := min(i+batch, len(headVals))
		if _, err := tx.ExecContext(ctx, `INSERT INTO chain_heads (chain, seq, hash, mac) VALUES `+strings.Join(headVals[i:j], ", ")+`
			ON CONFLICT (chain) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, mac = excluded.mac`, headArgs[i*4:j*4]...); err != nil {
			return fmt.Errorf("demo chain heads: %w", err)
		}
	}
	return nil
}
