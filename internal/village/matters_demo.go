package village

import (
	"context"
	"time"

	"zhongshu/internal/platform/db"
)

// mattersDemo is the demo year's boards (2021; the demo day is 2021-12-20):
// per village (by directory order), matters with their timelines. resp is
// the index of the village's two-committee member responsible; events are
// kind|day|body|evaluation.
var mattersDemo = []struct {
	village                                          int
	title, desc, raisedBy, raisedOn, solution, deadl string
	resp                                             int
	status, closedOn, eval                           string
	events                                           [][4]string
}{
	{0, "村东主街路灯维修", "村东主街 12 盏路灯损坏，夜间出行不便。", "村民代表 张秀兰等 9 户", "2021-09-06", "更换损坏灯具和线路，纳入村级公益事业维护", "2021-10-31", 0,
		"closed", "2021-10-28", "satisfied", [][4]string{
			{"progress", "2021-09-20", "已联系供电所勘察线路，确定更换 LED 灯具 12 盏。", ""},
			{"progress", "2021-10-15", "灯具到货，完成 8 盏安装。", ""},
			{"close_request", "2021-10-26", "12 盏路灯全部更换并通电。", ""},
			{"verify_pass", "2021-10-28", "村务监督委员会现场查看，路灯全部正常；群众代表评议满意。", "satisfied"}}},
	{0, "村西排水沟清淤", "雨季村西排水沟堵塞，部分农田积水。", "第三村民小组", "2021-10-12", "组织清淤并加固沟坡，疏通与干渠连接段", "2021-11-30", 1,
		"in_progress", "", "", [][4]string{
			{"progress", "2021-10-25", "完成 600 米沟段清淤，剩余与干渠连接段待机械进场。", ""}}},
	{0, "村民活动广场健身器材更新", "广场健身器材老化，存在安全隐患。", "村老年协会", "2021-11-15", "申请体育部门器材，拆除老化器材并重新安装", "2021-12-31", 2,
		"close_requested", "", "", [][4]string{
			{"progress", "2021-12-03", "新器材 10 件已到货，开始拆除旧器材。", ""},
			{"close_request", "2021-12-16", "新器材安装完毕并完成验收调试。", ""}}},
	{0, "冬季清洁取暖煤改气入户", "部分农户尚未完成煤改气入户安装。", "村民代表会议", "2021-12-01", "协调燃气公司逐户排查，完成剩余 23 户安装", "2022-01-15", 1,
		"listed", "", "", nil},
	{1, "村内坑塘治理", "村北坑塘淤积、垃圾堆放，影响环境。", "村民 王建国等", "2021-08-18", "清理垃圾、清淤护坡，纳入人居环境整治", "2021-11-20", 0,
		"in_progress", "", "", [][4]string{
			{"progress", "2021-09-10", "完成垃圾清运 40 余车。", ""},
			{"progress", "2021-11-05", "清淤完成七成，护坡方案报开发区审核。", ""}}},
	{1, "自来水管网改造", "村南片区水压不足。", "第二村民小组", "2021-05-10", "更换主管道并加装增压设备", "2021-08-31", 1,
		"closed", "2021-08-25", "basically", [][4]string{
			{"progress", "2021-06-20", "主管道更换完成。", ""},
			{"close_request", "2021-08-20", "增压设备安装运行。", ""},
			{"verify_pass", "2021-08-25", "监委会入户回访 20 户，水压正常。", "basically"}}},
	{2, "村委会至小学道路硬化", "雨天道路泥泞，学生上学不便。", "村民代表 李春梅等", "2021-07-02", "争取“村村通”配套资金硬化道路 800 米", "2021-10-31", 0,
		"closed", "2021-10-20", "satisfied", [][4]string{
			{"progress", "2021-08-30", "完成路基施工。", ""},
			{"close_request", "2021-10-15", "800 米道路硬化完成。", ""},
			{"verify_pass", "2021-10-20", "监委会和群众代表验收合格。", "satisfied"}}},
	{3, "村级卫生室设备更新", "卫生室血压计、消毒设备不足。", "村民 赵德明", "2021-09-15", "申请社发局配置设备", "2021-12-31", 0,
		"in_progress", "", "", [][4]string{
			{"progress", "2021-11-10", "社发局已批复配置清单。", ""}}},
	{4, "农村厕所改造遗留问题整改", "12 户改厕后出现渗漏。", "第一村民小组", "2021-06-21", "施工单位返修并落实管护", "2021-09-30", 1,
		"in_progress", "", "", [][4]string{
			{"progress", "2021-08-12", "完成 7 户返修。", ""}}},
	{5, "村内主干道排水改造", "主干道雨后积水严重。", "村民代表会议", "2021-10-08", "铺设排水管道 300 米", "2022-04-30", 0,
		"in_progress", "", "", [][4]string{
			{"progress", "2021-11-22", "完成设计并报开发区审核。", ""}}},
	{6, "集体闲置厂房盘活利用", "村集体厂房闲置多年。", "村民代表 孙国强等", "2021-04-12", "公开招租，收益纳入集体收入", "2021-09-30", 0,
		"closed", "2021-09-28", "satisfied", [][4]string{
			{"progress", "2021-06-15", "经“四议两公开”程序通过招租方案。", ""},
			{"close_request", "2021-09-20", "公开招租完成，签订租赁合同。", ""},
			{"verify_pass", "2021-09-28", "监委会核对合同与公示材料，群众满意。", "satisfied"}}},
}

// loadMattersDemo lists the demo boards: closed matters with their
// timelines, open ones, one overdue (东王村's drainage ditch) and one
// waiting for verification. Deterministic.
func loadMattersDemo(m *Module, ctx context.Context) error {
	vs, err := m.Dir.VillageList(ctx)
	if err != nil {
		return err
	}
	members := map[int64][]svPerson{}
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT ps.village_id, p.id, p.name FROM positions ps JOIN people p ON p.id = ps.person_id
		WHERE ps.title = 'village_committee' AND ps.ended_on = '' AND ps.village_id IS NOT NULL ORDER BY ps.id`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var v int64
		var sp svPerson
		if err := rows.Scan(&v, &sp.ID, &sp.Name); err != nil {
			rows.Close()
			return err
		}
		members[v] = append(members[v], sp)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	at := time.Date(2021, 12, 20, 1, 0, 0, 0, time.UTC)
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		for _, d := range mattersDemo {
			if d.village >= len(vs) {
				continue
			}
			v := vs[d.village]
			ms := members[v.ID]
			if len(ms) == 0 {
				continue
			}
			resp := ms[d.resp%len(ms)]
			id, err := tx.InsertID(ctx, `INSERT INTO matters (village_id, title, description, raised_by, raised_on, solution, responsible_person_id,
				responsible_name, deadline, status, evaluation, closed_on, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`,
				v.ID, d.title, d.desc, d.raisedBy, d.raisedOn, d.solution, resp.ID, resp.Name, d.deadl, d.status, d.eval, d.closedOn, at)
			if err != nil {
				return err
			}
			evs := append([][4]string{{"listed", d.raisedOn, d.solution, ""}}, d.events...)
			for _, e := range evs {
				actor := v.Secretary
				if e[0] == "verify_pass" {
					actor = "村务监督委员会"
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO matters_events (matter_id, kind, day, body, actor, evaluation, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?)`,
					id, e[0], e[1], e[2], actor, e[3], at); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func init() {
	demoParts = append(demoParts, demoPart{Order: 50, Load: loadMattersDemo})
}
