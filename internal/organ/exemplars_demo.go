package organ

import (
	"context"
	"time"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/db"
)

// exemplarReasons are the demo nominations' reasons, by the seed's
// "弘扬机关廉政务实、为民服务主旋律".
var exemplarReasons = []string{
	"立足岗位、担当作为，在项目建设一线连续攻坚，服务企业热情周到，群众满意度高。",
	"廉洁自律、务实高效，牵头推进“直通车”诉求办理，按时办结率始终保持前列。",
	"理论学习扎实，积极参加宣讲活动，带动支部党员学习强国积分稳步提升。",
	"主动靠前服务招商引资项目，协调解决企业实际困难，树立了机关干部良好形象。",
	"扎根乡村振兴工作，驻村帮扶成效明显，多次受到群众好评。",
	"党务工作规范细致，支部“三会一课”记录完整，支部标准化建设成效突出。",
}

// loadExemplarsDemo adds the 2021 exemplar round: nominations from the
// branches in November, voting to 2021-12-14, publicity to 2021-12-24 — in
// publicity at the demo clock. Most organ party members voted; only the
// tallies are stored. Deterministic.
func loadExemplarsDemo(m *Module, ctx context.Context) error {
	bs, err := m.Dir.BranchList(ctx, directory.KindOrganBranch)
	if err != nil || len(bs) == 0 {
		return err
	}
	members, err := m.Dir.MembersOf(ctx, 0, false)
	if err != nil {
		return err
	}
	organ := map[int64]bool{}
	for _, b := range bs {
		organ[b.ID] = true
	}
	byBranch := map[int64][]directory.Member{}
	var voters []directory.Member
	for _, mb := range members {
		if organ[mb.BranchID] {
			byBranch[mb.BranchID] = append(byBranch[mb.BranchID], mb)
			voters = append(voters, mb)
		}
	}
	const quota = 5
	created := time.Date(2021, 10, 29, 2, 0, 0, 0, time.UTC)
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		rid, err := tx.InsertID(ctx, `INSERT INTO exemplars_rounds (title, year, quota, nominate_from, nominate_to, vote_to, publicity_to, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)`, "2021年度机关标兵选树", 2021, quota, "2021-11-01", "2021-11-30", "2021-12-14", "2021-12-24", created)
		if err != nil {
			return err
		}
		// One nominee from each of the first 12 branches (the second member,
		// so the demo accounts stay free), nominated over November.
		var noms []int64
		for i, b := range bs {
			if len(noms) == 12 {
				break
			}
			ms := byBranch[b.ID]
			if len(ms) < 2 {
				continue
			}
			at := time.Date(2021, 11, 2+i*2, 2, 0, 0, 0, time.UTC)
			nid, err := tx.InsertID(ctx, `INSERT INTO exemplars_nominations (round_id, person_id, branch_id, reason, nominated_by, nominated_at) VALUES (?, ?, ?, ?, 0, ?)`,
				rid, ms[1].PersonID, b.ID, exemplarReasons[i%len(exemplarReasons)], at)
			if err != nil {
				return err
			}
			noms = append(noms, nid)
		}
		if len(noms) == 0 {
			return nil
		}
		// Ballots: most organ members (all but every seventh) voted for up
		// to five nominees; only THAT they voted and the counts are kept.
		tally := make([]int, len(noms))
		var voted [][]any
		for i, v := range voters {
			if i%7 == 6 {
				continue
			}
			voted = append(voted, []any{rid, v.PersonID})
			k := 3 + i%3
			picked := map[int]bool{}
			for j := 0; j < k; j++ {
				// a skewed, deterministic choice: earlier nominees more often
				c := ((i%5)*(j+1) + j*j) % len(noms)
				for picked[c] {
					c = (c + 1) % len(noms)
				}
				picked[c] = true
				tally[c]++
			}
		}
		for _, row := range voted {
			if _, err := tx.ExecContext(ctx, `INSERT INTO exemplars_voted (round_id, voter_person_id) VALUES (?, ?)`, row...); err != nil {
				return err
			}
		}
		for i, nid := range noms {
			if _, err := tx.ExecContext(ctx, `INSERT INTO exemplars_tallies (round_id, nomination_id, votes) VALUES (?, ?, ?)`, rid, nid, tally[i]); err != nil {
				return err
			}
		}
		// One objection during publicity, checked and dismissed.
		top := 0
		for i := range tally {
			if tally[i] > tally[top] {
				top = i
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO exemplars_objections (nomination_id, body, filed_by, filed_at, status, review_note, reviewed_by, reviewed_at)
			VALUES (?, ?, 0, ?, 'dismissed', ?, 0, ?)`, noms[top], "反映该同志今年曾有一次会议迟到，建议核实。",
			time.Date(2021, 12, 16, 3, 0, 0, 0, time.UTC), "经核实系公务外出报备在先，不影响评选，异议不成立。", time.Date(2021, 12, 17, 7, 0, 0, 0, time.UTC))
		return err
	})
}
