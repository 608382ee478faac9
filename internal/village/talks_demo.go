package village

import (
	"context"
	"time"

	"zhongshu/internal/platform/db"
)

// talksDemo is the demo year's reminder talks: village (directory order),
// the talker's account (a cadre responsible for the village, 包村干部),
// day, summary, relay day. Villages 6 and 7 (北孙村, 南李村) have had no talk
// in 2021 yet, and 小赵庄村's talk is not yet relayed: the compliance view
// flags them (RULES.md 4).
var talksDemo = []struct {
	village                         int
	talker, day, summary, relayedOn string
}{
	{0, "dept_staff_3", "2021-03-18", "换届后首次谈话：提醒严格执行“四议两公开”，村级重大事项不搞“一言堂”；主动接受村务监督委员会监督。", "2021-03-22"},
	{0, "dept_staff_3", "2021-09-14", "针对村西排水沟工程：提醒工程项目须公开招投标，资金支出按权限审批，防止优亲厚友。", "2021-09-17"},
	{1, "dept_staff_2", "2021-04-08", "提醒规范集体资产租赁程序，坑塘承包合同到期须重新公开发包。", "2021-04-12"},
	{2, "dept_staff_2", "2021-05-20", "就群众反映的低保评议问题谈话提醒，要求评议过程公开透明，结果张榜公示。", ""},
	{3, "dept_staff_3", "2021-06-11", "提醒落实村级财务“村财镇管”制度，严禁坐收坐支、公款私存。", "2021-06-15"},
	{4, "dept_staff_2", "2021-07-07", "提醒征地补偿款发放须按标准逐户公示，接受群众监督。", "2021-07-09"},
}

func talksDemoPerson(ctx context.Context, tx *db.Tx, username string) (int64, string) {
	var id int64
	var name string
	if err := tx.QueryRowContext(ctx, `SELECT p.id, p.name FROM users u JOIN people p ON p.id = u.person_id WHERE u.username = ?`, username).Scan(&id, &name); err != nil {
		return 0, ""
	}
	return id, name
}

// loadTalksDemo records the demo year's talks. Deterministic.
func loadTalksDemo(m *Module, ctx context.Context) error {
	vs, err := m.Dir.VillageList(ctx)
	if err != nil {
		return err
	}
	secs, err := m.svSecretaries(ctx)
	if err != nil {
		return err
	}
	at := time.Date(2021, 12, 20, 1, 0, 0, 0, time.UTC)
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		for _, d := range talksDemo {
			if d.village >= len(vs) {
				continue
			}
			v := vs[d.village]
			sec, ok := secs[v.ID]
			if !ok {
				continue
			}
			tid, tname := talksDemoPerson(ctx, tx, d.talker)
			var talker any
			if tid > 0 {
				talker = tid
			} else {
				tname = "包村干部"
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO talks (village_id, subject_person_id, talker_person_id, talker_name, held_on, summary, relayed_on, created_by, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)`, v.ID, sec.ID, talker, tname, d.day, d.summary, d.relayedOn, at); err != nil {
				return err
			}
		}
		return nil
	})
}

func init() {
	demoParts = append(demoParts, demoPart{Order: 51, Load: loadTalksDemo})
}
