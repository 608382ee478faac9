package village

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/seal"
)

// leadsDemo are the demo year's problem leads (issue 5 item 13): one per
// source and one per outcome, one overdue, one about the village-scoped
// discipline inspector herself (so that she, who covers 后屯村, must not see
// it). who is a position title in the village, or "user:<name>".
var leadsDemo = []struct {
	village                  int64
	who, source              string
	received, verify, done   string
	outcome                  string
	description, vnote, note string
	file                     bool
}{
	{1, "village_secretary", "petition", "2021-11-02", "2021-11-05", "", "",
		"群众来信反映村党组织书记在村东地块征地补偿款发放中优亲厚友，其亲属多领青苗补偿费。",
		"调取补偿花名册和支付凭证，约谈会计核对。", "", true},
	{1, "village_committee", "audit", "2021-09-14", "2021-09-16", "2021-10-08", LeadTalk,
		"征地补偿专项审计发现村两委委员经手的地上附着物清点记录与现场不符。",
		"与审计组核对清点底稿。", "清点记录不规范但未造成资金损失，由包村干部进行谈话提醒。", false},
	{5, "user:discipline_2", "daily", "2021-12-06", "", "", "",
		"日常监督中发现包村纪检委员在后屯村村务公开栏检查中未按要求签字确认。", "", "", false},
	{6, "village_secretary", "inspection", "2021-06-21", "2021-06-25", "2021-07-15", LeadInquiry,
		"巡察反馈村集体机动地对外发包未履行“四议两公开”程序。",
		"查阅发包合同和会议记录。", "发包合同缺少村民代表会议决议，向本人发函询问并要求书面说明。", false},
	{3, "village_supervisor", "other", "2021-04-12", "2021-04-15", "2021-05-10", LeadClosed,
		"反映村务监督委员会主任未参加季度财务审核。",
		"核查季度财务审核签字记录。", "经核实该主任因病请假并已书面委托，反映问题不属实，予以了结。", false},
	{7, "village_committee", "petition", "2021-08-03", "2021-08-05", "2021-08-30", LeadTransferred,
		"群众反映村两委委员私自收取宅基地审批“好处费”。",
		"询问相关村民并调取宅基地审批材料。", "初步核实涉嫌违纪违法，依规移交开发区纪工委审查调查。", false},
}

// leadDemoPDF is a minimal PDF attached to the first demo lead.
var leadDemoPDF = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")

func loadLeadsDemo(m *Module, ctx context.Context) error {
	at := time.Date(2021, 12, 20, 1, 0, 0, 0, time.UTC)
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		for _, d := range leadsDemo {
			var person int64
			var err error
			if len(d.who) > 5 && d.who[:5] == "user:" {
				err = tx.QueryRowContext(ctx, `SELECT COALESCE(person_id, 0) FROM users WHERE username = ?`, d.who[5:]).Scan(&person)
			} else {
				err = tx.QueryRowContext(ctx, `SELECT MIN(person_id) FROM positions WHERE village_id = ? AND title = ? AND ended_on = ''`, d.village, d.who).Scan(&person)
			}
			if errors.Is(err, sql.ErrNoRows) || person == 0 {
				return fmt.Errorf("leads demo: no %s in village %d", d.who, d.village)
			}
			if err != nil {
				return err
			}
			status := LeadReceived
			if d.verify != "" {
				status = LeadVerifying
			}
			if d.outcome != "" {
				status = d.outcome
			}
			id, err := tx.InsertID(ctx, `INSERT INTO village_leads (village_id, subject_person_id, source, description, received_on, status, verify_on, verify_note,
				outcome_on, outcome_note, due_days, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
				d.village, person, d.source, d.description, d.received, status, d.verify, d.vnote, d.done, d.note, DefaultLeadVerifyDays, at, at)
			if err != nil {
				return err
			}
			ev := [][3]string{{"receive", LeadReceived, d.received}}
			if d.verify != "" {
				ev = append(ev, [3]string{"verify", LeadVerifying, d.verify})
			}
			if d.outcome != "" {
				ev = append(ev, [3]string{"dispose", d.outcome, d.done})
			}
			for _, e := range ev {
				note := ""
				switch e[0] {
				case "verify":
					note = d.vnote
				case "dispose":
					note = d.note
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO village_lead_events (lead_id, action, status, day, note, by_user, at) VALUES (?, ?, ?, ?, ?, 0, ?)`,
					id, e[0], e[1], e[2], note, at); err != nil {
					return err
				}
			}
			if d.file {
				if _, err := tx.ExecContext(ctx, `INSERT INTO village_lead_files (lead_id, name, content_type, size, sm3, data, uploaded_by, uploaded_at)
					VALUES (?, ?, 'application/pdf', ?, ?, ?, 0, ?)`, id, "群众来信.pdf", len(leadDemoPDF), seal.SM3Hex(leadDemoPDF), leadDemoPDF, at); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func init() {
	demoParts = append(demoParts, demoPart{Order: 80, Load: loadLeadsDemo})
}
