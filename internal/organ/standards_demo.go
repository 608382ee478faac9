package organ

import (
	"context"
	"fmt"
	"time"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/seal"
)

func init() {
	demoParts = append(demoParts, demoPart{Order: 20, Load: loadStandardsDemo})
}

// The seed's four documents, issued in October–November 2021 after the
// organ committee's founding; bodies are short neutral summaries.
var demoDocuments = []struct{ title, number, on, body string }{
	{"关于加强和改进机关党的建设的若干措施", "开机党〔2021〕1号", "2021-10-15",
		"为深入贯彻新时代党的建设总要求，推动机关党建与业务工作深度融合，结合开发区实际，制定本措施。\n一、强化政治机关意识，把政治建设摆在首位，落实“第一议题”制度。\n二、夯实基层基础，推进机关党支部标准化建设，严格落实“三会一课”等组织生活制度。\n三、加强党员教育管理，完善年度培训计划，提升党员干部能力素质。\n四、持续改进作风，推动党员亮身份、践承诺，服务企业和群众。"},
	{"机关党建工作责任制实施方案", "开机党〔2021〕2号", "2021-10-22",
		"为落实全面从严治党主体责任，明确机关党建工作责任，制定本方案。\n一、机关党委履行机关党建工作主体责任，机关党委书记为第一责任人。\n二、各党支部书记履行直接责任，支委委员按分工履行“一岗双责”。\n三、建立责任清单、任务清单，年度述职评议考核结果作为评先评优的重要依据。"},
	{"关于机关党支部标准化建设的指导意见", "开机党〔2021〕4号", "2021-11-05",
		"为推进机关党支部标准化规范化建设，制定本意见。\n一、标准化建设围绕管党责任、政治建设、学习教育、组织建设、发展党员、组织生活、党员管理、作风服务、制度建设、基础建设十个方面开展。\n二、实行百分制考评，逐项扣分，年度考评结果在机关党委范围内排名通报。\n三、各党支部对照清单逐项整改，及时上传佐证材料。"},
	{"机关党员干部年度培训计划", "开机党〔2021〕5号", "2021-11-19",
		"为提高机关党员干部政治素质和业务能力，制定本年度培训计划。\n一、培训对象为全体机关党员干部，并对党务工作者、支部书记开展专题培训。\n二、培训内容包括党的理论、党史学习教育、党务工作实务和业务知识。\n三、各党支部做好组织和考勤，培训完成情况纳入年度考核。"},
}

// The 2021 plan: past courses get attendance, later ones (after the demo
// clock, 2021-12-20) wait.
var demoCourses = []struct {
	title, from, to, audience, place string
	hours                            int
}{
	{"党史学习教育专题辅导", "2021-03-18", "2021-03-18", "all", "管委会三楼会议室", 4},
	{"党务工作者业务培训（一）", "2021-05-12", "2021-05-13", "party_workers", "党员活动中心", 12},
	{"庆祝建党100周年专题学习", "2021-06-25", "2021-06-25", "all", "管委会三楼会议室", 4},
	{"习近平总书记“七一”重要讲话精神专题培训", "2021-07-15", "2021-07-15", "all", "管委会三楼会议室", 4},
	{"支部书记履职能力培训", "2021-10-28", "2021-10-29", "branch_secretaries", "区委党校", 12},
	{"党的十九届六中全会精神专题学习", "2021-12-22", "2021-12-22", "all", "管委会三楼会议室", 4},
	{"党务工作者业务培训（二）：组织生活规范", "2021-12-27", "2021-12-28", "party_workers", "党员活动中心", 12},
	{"机关党员干部年度轮训", "2021-12-30", "2021-12-30", "all", "区委党校", 6},
}

// demoPDF is a tiny document that passes the upload check.
func demoPDF(title string) []byte {
	return []byte("%PDF-1.4\n%demo evidence: " + title + "\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
}

func loadStandardsDemo(m *Module, ctx context.Context) error {
	var n int
	if err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM organ_documents`).Scan(&n); err != nil || n > 0 {
		return err
	}
	items, err := m.stdItems(ctx)
	if err != nil {
		return err
	}
	bs, err := m.Dir.BranchList(ctx, directory.KindOrganBranch)
	if err != nil {
		return err
	}
	ts, err := m.trainees(ctx)
	if err != nil {
		return err
	}
	now := m.Clock.Now()
	at := func(day string) time.Time {
		t, _ := time.Parse("2006-01-02", day)
		return t.Add(2 * time.Hour)
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		for _, d := range demoDocuments {
			if _, err := tx.ExecContext(ctx, `INSERT INTO organ_documents (title, number, issued_on, status, body, created_at, updated_at) VALUES (?, ?, ?, 'issued', ?, ?, ?)`,
				d.title, d.number, d.on, d.body, at(d.on), at(d.on)); err != nil {
				return err
			}
		}
		today := "2021-12-20"
		for ci, c := range demoCourses {
			id, err := tx.InsertID(ctx, `INSERT INTO organ_courses (year, title, starts_on, ends_on, audience, hours, place, created_at) VALUES (2021, ?, ?, ?, ?, ?, ?, ?)`,
				c.title, c.from, c.to, c.audience, c.hours, c.place, at("2021-01-15"))
			if err != nil {
				return err
			}
			if c.to > today {
				continue
			}
			for _, t := range ts {
				if !t.in(c.audience) {
					continue
				}
				present := (t.PersonID*7+int64(ci)*3)%11 != 0
				if _, err := tx.ExecContext(ctx, `INSERT INTO organ_course_attendance (course_id, person_id, present) VALUES (?, ?, ?)`, id, t.PersonID, present); err != nil {
					return err
				}
			}
		}
		// Assessments: every branch, every item; total deductions from 2 to
		// 22 points (scores 78–98), spread over items a few points at a time.
		for bi, b := range bs {
			left := 2 + (bi*7)%21
			k := bi % len(items)
			ded := make([]int, len(items))
			for left > 0 {
				it := items[k%len(items)]
				d := min(1+(k+bi)%3, left, it.MaxPoints-ded[k%len(items)])
				ded[k%len(items)] += d
				left -= d
				k += 5
			}
			for i, it := range items {
				reason := ""
				if ded[i] > 0 {
					reason = fmt.Sprintf("%s：检查发现不足，扣%d分", it.Area, ded[i])
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO organ_std_assessments (branch_id, year, item_id, deducted, reason, assessed_by, assessed_at) VALUES (?, 2021, ?, ?, ?, 0, ?)`,
					b.ID, it.ID, ded[i], reason, at("2021-12-10")); err != nil {
					return err
				}
			}
			if bi%4 == 0 {
				for j, it := range items[:3] {
					eid, err := tx.InsertID(ctx, `INSERT INTO organ_std_evidence (branch_id, year, item_id, note, created_by, created_at) VALUES (?, 2021, ?, ?, 0, ?)`,
						b.ID, it.ID, it.Area+"佐证材料", at("2021-12-0"+fmt.Sprint(j+1)))
					if err != nil {
						return err
					}
					if j == 0 {
						data := demoPDF(it.Item)
						if _, err := tx.ExecContext(ctx, `INSERT INTO organ_files (owner_type, owner_id, name, content_type, size, sm3, data, uploaded_by, uploaded_at)
							VALUES ('evidence', ?, ?, 'application/pdf', ?, ?, ?, 0, ?)`, eid, "佐证材料.pdf", len(data), seal.SM3Hex(data), data, now); err != nil {
							return err
						}
					}
				}
			}
		}
		return nil
	})
}
