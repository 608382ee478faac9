package village

import (
	"context"
	"fmt"
	"time"

	"zhongshu/internal/platform/db"
)

// reportsDemoStates is each village's annual reports in the demo (by
// directory order): 2020's published for six villages (南李村 has none: the
// compliance flag for last year), and 2021's at every stage as the year's
// end meetings go on. Report 1 is 东王村's published 2020 report.
var reportsDemoStates = []struct {
	village int
	year    int
	status  string
}{
	{0, 2020, ReportPublished}, {1, 2020, ReportPublished}, {2, 2020, ReportPublished}, {3, 2020, ReportPublished},
	{4, 2020, ReportPublished}, {5, 2020, ReportPublished},
	{0, 2021, ReportDraft}, {1, 2021, ReportSubmitted}, {2, 2021, ReportReviewed}, {3, 2021, ReportPublished},
}

// loadReportsDemo writes the demo's annual reports. Deterministic.
func loadReportsDemo(m *Module, ctx context.Context) error {
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
		for _, d := range reportsDemoStates {
			if d.village >= len(vs) {
				continue
			}
			v := vs[d.village]
			sec, ok := secs[v.ID]
			if !ok {
				continue
			}
			duty := fmt.Sprintf("%d 年，在开发区党工委领导下，%s党组织团结带领“两委”班子和全体党员，严格落实“四议两公开”制度，全年召开党员大会和村民代表会议议定重大事项；推进人居环境整治和基础设施建设，村集体经济收入稳步增长；按时完成“三务”公开，群众反映的重大事项实行挂牌销号。", d.year, v.Name)
			integrity := fmt.Sprintf("%d 年，本人严格遵守廉洁自律各项规定，不插手工程项目，不违规审批资金，主动接受村务监督委员会和群众监督；按要求参加警示教育，对照典型案例查摆问题；今后将继续严守纪律底线，自觉把权力关进制度的笼子。", d.year)
			if d.status == ReportDraft {
				integrity = ""
			}
			sub, rev, pub, comments, rating := "", "", "", "", ""
			switch d.status {
			case ReportPublished:
				pub = fmt.Sprintf("%d-12-17", d.year)
				fallthrough
			case ReportReviewed:
				rev, comments, rating = fmt.Sprintf("%d-12-15", d.year), "述职内容全面，述廉实事求是，同意在村务公开栏公示。", "good"
				fallthrough
			case ReportSubmitted:
				sub = fmt.Sprintf("%d-12-10", d.year)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO reports (village_id, person_id, year, duty_text, integrity_text, status, submitted_on, review_comments, rating,
				reviewed_on, published_on, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
				v.ID, sec.ID, d.year, duty, integrity, d.status, sub, comments, rating, rev, pub, at, at); err != nil {
				return err
			}
		}
		return nil
	})
}

func init() {
	demoParts = append(demoParts, demoPart{Order: 53, Load: loadReportsDemo})
}
