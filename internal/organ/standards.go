package organ

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/web"
)

// StdItem is one row of the standardisation checklist (configuration; the
// defaults are the ten areas of RULES.md §5, seeded by migration 003).
type StdItem struct {
	ID        int64  `json:"id"`
	Area      string `json:"area"`
	Item      string `json:"item"`
	MaxPoints int    `json:"max_points"`
	Rule      string `json:"rule"`
}

// StdAssessment is the committee's assessment of one item for a branch and
// year.
type StdAssessment struct {
	ItemID   int64  `json:"item_id"`
	Deducted int    `json:"deducted"`
	Reason   string `json:"reason"`
}

// StdEvidence is a branch's evidence for an item, with its files.
type StdEvidence struct {
	ID        int64  `json:"id"`
	ItemID    int64  `json:"item_id"`
	Note      string `json:"note"`
	CreatedAt string `json:"created_on"`
	Files     []File `json:"files"`
}

// StdLine is a checklist item as a branch's page shows it.
type StdLine struct {
	StdItem
	Assessment *StdAssessment `json:"assessment,omitempty"`
	Evidence   []StdEvidence  `json:"evidence"`
}

// StdBranchView is a branch's checklist for a year.
type StdBranchView struct {
	BranchID  int64     `json:"branch_id"`
	Branch    string    `json:"branch"`
	Year      int       `json:"year"`
	Score     int       `json:"score"`
	Deducted  int       `json:"deducted"`
	Lines     []StdLine `json:"items"`
	CanAssess bool      `json:"can_assess"`
	CanRecord bool      `json:"can_record"`
	Years     []int     `json:"-"`
}

// StdRanking is the ranking of every organ branch for a year.
type StdRanking struct {
	Year    int           `json:"year"`
	Scores  []BranchScore `json:"scores"`
	Average float64       `json:"average"`
	Items   []StdItem     `json:"items"`
	Years   []int         `json:"-"`
}

func (m *Module) stdYear(r *http.Request) int {
	y, _ := strconv.Atoi(r.URL.Query().Get("year"))
	if y < 2000 || y > 2100 {
		return m.Clock.Now().In(clock.Zone).Year()
	}
	return y
}

func (m *Module) stdYears() []int {
	y := m.Clock.Now().In(clock.Zone).Year()
	return []int{y, y - 1, y - 2}
}

func stdID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.NotFoundf("对象")
	}
	return id, nil
}

// stdItems lists the active checklist in its order.
func (m *Module) stdItems(ctx context.Context) ([]StdItem, error) {
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT id, area, item, max_points, rule FROM organ_std_items WHERE active = TRUE ORDER BY position, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StdItem
	for rows.Next() {
		var it StdItem
		if err := rows.Scan(&it.ID, &it.Area, &it.Item, &it.MaxPoints, &it.Rule); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// organBranchName returns an organ branch's name, or 404.
func (m *Module) organBranchName(ctx context.Context, id int64) (string, error) {
	var name string
	err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT name FROM branches WHERE id = ? AND kind = ?`, id, directory.KindOrganBranch).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", errs.NotFoundf("党支部")
	}
	return name, err
}

// stdScores computes every organ branch's score for a year (unranked).
func (m *Module) stdScores(ctx context.Context, year int) ([]BranchScore, error) {
	bs, err := m.Dir.BranchList(ctx, directory.KindOrganBranch)
	if err != nil {
		return nil, err
	}
	by := map[int64]*BranchScore{}
	out := make([]BranchScore, len(bs))
	for i, b := range bs {
		out[i] = BranchScore{BranchID: b.ID, Branch: b.Name}
		by[b.ID] = &out[i]
	}
	ded := map[int64][]int{}
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT a.branch_id, a.deducted FROM organ_std_assessments a
		JOIN organ_std_items i ON i.id = a.item_id WHERE a.year = ? AND i.active = TRUE`, year)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var b int64
		var d int
		if err := rows.Scan(&b, &d); err != nil {
			return nil, err
		}
		ded[b] = append(ded[b], d)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	erows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT branch_id, COUNT(*) FROM organ_std_evidence WHERE year = ? GROUP BY branch_id`, year)
	if err != nil {
		return nil, err
	}
	defer erows.Close()
	for erows.Next() {
		var b int64
		var n int
		if err := erows.Scan(&b, &n); err != nil {
			return nil, err
		}
		if s := by[b]; s != nil {
			s.Evidence = n
		}
	}
	if err := erows.Err(); err != nil {
		return nil, err
	}
	for id, ds := range ded {
		s := by[id]
		if s == nil {
			continue
		}
		s.Assessed = len(ds)
		for _, d := range ds {
			if d > 0 {
				s.Deducted += d
				s.Deductions++
			}
		}
	}
	for i := range out {
		out[i].Score = StandardScore([]int{out[i].Deducted})
	}
	return out, nil
}

// StdBranchScore is a branch's score for a year and whether anything has
// been assessed (the branch page shows "not assessed" otherwise).
func (m *Module) StdBranchScore(ctx context.Context, branchID int64, year int) (int, bool, error) {
	var n int
	var sum sql.NullInt64
	err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT COUNT(*), SUM(a.deducted) FROM organ_std_assessments a JOIN organ_std_items i ON i.id = a.item_id
		WHERE a.branch_id = ? AND a.year = ? AND i.active = TRUE`, branchID, year).Scan(&n, &sum)
	if err != nil {
		return 0, false, err
	}
	return StandardScore([]int{int(sum.Int64)}), n > 0, nil
}

// StdRanking ranks the organ branches for a year.
func (m *Module) StdRanking(ctx context.Context, p *auth.Principal, year int) (*StdRanking, error) {
	if err := m.Auth.Authorize(ctx, p, PermRead, auth.Anything, "organ_standards", fmt.Sprint(year)); err != nil {
		return nil, err
	}
	scores, err := m.stdScores(ctx, year)
	if err != nil {
		return nil, err
	}
	items, err := m.stdItems(ctx)
	if err != nil {
		return nil, err
	}
	rk := &StdRanking{Year: year, Scores: RankScores(scores), Items: items, Years: m.stdYears()}
	if len(scores) > 0 {
		sum := 0
		for _, s := range scores {
			sum += s.Score
		}
		rk.Average = float64(sum*10/len(scores)) / 10
	}
	return rk, nil
}

// StdBranch is a branch's checklist for a year with assessments and evidence.
func (m *Module) StdBranch(ctx context.Context, p *auth.Principal, branchID int64, year int) (*StdBranchView, error) {
	if err := m.Auth.Authorize(ctx, p, PermRead, auth.Object{Branch: branchID}, "branch", fmt.Sprint(branchID)); err != nil {
		return nil, err
	}
	name, err := m.organBranchName(ctx, branchID)
	if err != nil {
		return nil, err
	}
	items, err := m.stdItems(ctx)
	if err != nil {
		return nil, err
	}
	v := &StdBranchView{BranchID: branchID, Branch: name, Year: year, Years: m.stdYears(),
		CanAssess: auth.Can(p, PermManage, auth.Object{Branch: branchID})}
	if v.CanRecord, err = m.CanRecord(ctx, p, branchID); err != nil {
		return nil, err
	}
	idx := map[int64]int{}
	for i, it := range items {
		idx[it.ID] = i
		v.Lines = append(v.Lines, StdLine{StdItem: it, Evidence: []StdEvidence{}})
	}
	q := m.DB.Q(ctx)
	rows, err := q.QueryContext(ctx, `SELECT item_id, deducted, reason FROM organ_std_assessments WHERE branch_id = ? AND year = ?`, branchID, year)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ds []int
	for rows.Next() {
		var a StdAssessment
		if err := rows.Scan(&a.ItemID, &a.Deducted, &a.Reason); err != nil {
			return nil, err
		}
		if i, ok := idx[a.ItemID]; ok {
			v.Lines[i].Assessment = &a
			ds = append(ds, a.Deducted)
			v.Deducted += a.Deducted
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	v.Score = StandardScore(ds)
	erows, err := q.QueryContext(ctx, `SELECT id, item_id, note, created_at FROM organ_std_evidence WHERE branch_id = ? AND year = ? ORDER BY id`, branchID, year)
	if err != nil {
		return nil, err
	}
	defer erows.Close()
	var evs []StdEvidence
	for erows.Next() {
		var e StdEvidence
		var at time.Time
		if err := erows.Scan(&e.ID, &e.ItemID, &e.Note, &at); err != nil {
			return nil, err
		}
		e.CreatedAt = clock.Day(at)
		evs = append(evs, e)
	}
	if err := erows.Err(); err != nil {
		return nil, err
	}
	for _, e := range evs {
		if e.Files, err = m.FilesOf(ctx, "evidence", e.ID); err != nil {
			return nil, err
		}
		if e.Files == nil {
			e.Files = []File{}
		}
		if i, ok := idx[e.ItemID]; ok {
			v.Lines[i].Evidence = append(v.Lines[i].Evidence, e)
		}
	}
	return v, nil
}

// AssessInput is one item's assessment.
type AssessInput struct {
	Year     int    `json:"year"`
	ItemID   int64  `json:"item_id"`
	Deducted int    `json:"deducted"`
	Reason   string `json:"reason"`
}

func (m *Module) stdItem(ctx context.Context, id int64) (*StdItem, error) {
	var it StdItem
	err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT id, area, item, max_points, rule FROM organ_std_items WHERE id = ? AND active = TRUE`, id).
		Scan(&it.ID, &it.Area, &it.Item, &it.MaxPoints, &it.Rule)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.Field("item_id", "请选择检查项目", "choose a checklist item")
	}
	return &it, err
}

// Assess records (or replaces) the committee's assessment of an item for a
// branch and year: 0 … the item's max points deducted; a reason is
// required whenever points are deducted.
func (m *Module) Assess(ctx context.Context, p *auth.Principal, branchID int64, in AssessInput) error {
	if err := m.Auth.Authorize(ctx, p, PermManage, auth.Object{Branch: branchID}, "branch", fmt.Sprint(branchID)); err != nil {
		return err
	}
	if _, err := m.organBranchName(ctx, branchID); err != nil {
		return err
	}
	if in.Year < 2000 || in.Year > 2100 {
		return errs.Field("year", "年度须在 2000–2100 之间", "the year must be between 2000 and 2100")
	}
	it, err := m.stdItem(ctx, in.ItemID)
	if err != nil {
		return err
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if in.Deducted < 0 || in.Deducted > it.MaxPoints {
		return errs.Field("deducted", fmt.Sprintf("扣分须在 0–%d 分之间（本项满分 %d 分）", it.MaxPoints, it.MaxPoints),
			fmt.Sprintf("points deducted must be between 0 and %d (the item's maximum)", it.MaxPoints))
	}
	if in.Deducted > 0 && in.Reason == "" {
		return errs.Field("reason", "扣分须写明原因", "give the reason for the deduction")
	}
	if utf8.RuneCountInString(in.Reason) > 500 {
		return errs.Field("reason", "原因最多 500 字", "the reason is at most 500 characters")
	}
	now := m.Clock.Now()
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE organ_std_assessments SET deducted = ?, reason = ?, assessed_by = ?, assessed_at = ?
			WHERE branch_id = ? AND year = ? AND item_id = ?`, in.Deducted, in.Reason, p.UserID, now, branchID, in.Year, in.ItemID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO organ_std_assessments (branch_id, year, item_id, deducted, reason, assessed_by, assessed_at)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, branchID, in.Year, in.ItemID, in.Deducted, in.Reason, p.UserID, now); err != nil {
				return err
			}
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "organ.standard.assess", ObjectType: "branch", ObjectID: fmt.Sprint(branchID),
			Detail: fmt.Sprintf("%d item %d: -%d %s", in.Year, in.ItemID, in.Deducted, in.Reason)})
	})
}

// EvidenceInput is a branch's evidence for an item.
type EvidenceInput struct {
	Year   int    `json:"year"`
	ItemID int64  `json:"item_id"`
	Note   string `json:"note"`
}

// canRecordOrDeny applies CanRecord after Authorize: an in-scope member
// without a branch position gets a clear 403, audited.
func (m *Module) canRecordOrDeny(ctx context.Context, p *auth.Principal, branchID int64, objType string) error {
	if err := m.Auth.Authorize(ctx, p, PermRecord, auth.Object{Branch: branchID}, objType, fmt.Sprint(branchID)); err != nil {
		return err
	}
	ok, err := m.CanRecord(ctx, p, branchID)
	if err != nil {
		return err
	}
	if !ok {
		_ = m.Audit.Record(ctx, audit.Entry{Action: "access.denied", ObjectType: objType, ObjectID: fmt.Sprint(branchID), Result: audit.Denied,
			Detail: "organ:record (not branch secretary or committee member)"})
		return errs.New(errs.Forbidden, "只有本支部书记或支委委员可以提交本支部的材料", "only the branch's secretary or committee members may submit its records")
	}
	return nil
}

// AddEvidence records a branch's evidence for an item with its files.
func (m *Module) AddEvidence(ctx context.Context, p *auth.Principal, branchID int64, in EvidenceInput, files []Upload) (int64, error) {
	if err := m.canRecordOrDeny(ctx, p, branchID, "branch"); err != nil {
		return 0, err
	}
	if _, err := m.organBranchName(ctx, branchID); err != nil {
		return 0, err
	}
	if in.Year < 2000 || in.Year > 2100 {
		return 0, errs.Field("year", "年度须在 2000–2100 之间", "the year must be between 2000 and 2100")
	}
	if _, err := m.stdItem(ctx, in.ItemID); err != nil {
		return 0, err
	}
	in.Note = strings.TrimSpace(in.Note)
	if in.Note == "" {
		return 0, errs.Field("note", "请说明材料内容", "describe the evidence")
	}
	if utf8.RuneCountInString(in.Note) > 500 {
		return 0, errs.Field("note", "说明最多 500 字", "the description is at most 500 characters")
	}
	var id int64
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO organ_std_evidence (branch_id, year, item_id, note, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			branchID, in.Year, in.ItemID, in.Note, p.UserID, m.Clock.Now())
		if err != nil {
			return err
		}
		if err := m.SaveFiles(ctx, tx, "evidence", id, files, p.UserID); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "organ.evidence.create", ObjectType: "organ_evidence", ObjectID: fmt.Sprint(id),
			Detail: fmt.Sprintf("branch %d %d item %d, %d files", branchID, in.Year, in.ItemID, len(files))})
	})
	return id, err
}

// ---- handlers ----

func (m *Module) apiStdRanking(w http.ResponseWriter, r *http.Request) error {
	rk, err := m.StdRanking(r.Context(), web.Principal(r), m.stdYear(r))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, rk)
	return nil
}

func (m *Module) pageStdRanking(w http.ResponseWriter, r *http.Request) error {
	rk, err := m.StdRanking(r.Context(), web.Principal(r), m.stdYear(r))
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "standards_ranking", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "nav.organ_standards"), D: rk})
}

func (m *Module) stdBranchOf(r *http.Request) (*StdBranchView, error) {
	id, err := stdID(r)
	if err != nil {
		return nil, err
	}
	return m.StdBranch(r.Context(), web.Principal(r), id, m.stdYear(r))
}

func (m *Module) apiStdBranch(w http.ResponseWriter, r *http.Request) error {
	v, err := m.stdBranchOf(r)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (m *Module) pageStdBranch(w http.ResponseWriter, r *http.Request) error {
	v, err := m.stdBranchOf(r)
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "standards_branch", &web.Page{Title: v.Branch, D: v})
}

func (m *Module) apiAssess(w http.ResponseWriter, r *http.Request) error {
	id, err := stdID(r)
	if err != nil {
		return err
	}
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermManage, auth.Object{Branch: id}, "branch", fmt.Sprint(id)); err != nil {
		return err
	}
	var in AssessInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if err := m.Assess(r.Context(), web.Principal(r), id, in); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]bool{"ok": true})
	return nil
}

func stdFormInt(r *http.Request, k string) int64 {
	v, _ := strconv.ParseInt(strings.TrimSpace(r.FormValue(k)), 10, 64)
	return v
}

func (m *Module) postAssess(w http.ResponseWriter, r *http.Request) error {
	id, err := stdID(r)
	if err != nil {
		return err
	}
	d, err := strconv.Atoi(strings.TrimSpace(r.FormValue("deducted")))
	if err != nil {
		d = -1
	}
	in := AssessInput{Year: int(stdFormInt(r, "year")), ItemID: stdFormInt(r, "item_id"), Deducted: d, Reason: r.FormValue("reason")}
	if err := m.Assess(r.Context(), web.Principal(r), id, in); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/organ/standards/%d?year=%d&ok=saved#item-%d", id, in.Year, in.ItemID), http.StatusSeeOther)
	return nil
}

func (m *Module) apiEvidence(w http.ResponseWriter, r *http.Request) error {
	id, err := stdID(r)
	if err != nil {
		return err
	}
	if err := m.canRecordOrDeny(r.Context(), web.Principal(r), id, "branch"); err != nil {
		return err
	}
	var in EvidenceInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	eid, err := m.AddEvidence(r.Context(), web.Principal(r), id, in, nil)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]int64{"id": eid})
	return nil
}

func (m *Module) postEvidence(w http.ResponseWriter, r *http.Request) error {
	id, err := stdID(r)
	if err != nil {
		return err
	}
	if err := m.canRecordOrDeny(r.Context(), web.Principal(r), id, "branch"); err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxFiles*(10<<20)+(1<<20))
	files, err := ReadUploads(r)
	if err != nil {
		return err
	}
	in := EvidenceInput{Year: int(stdFormInt(r, "year")), ItemID: stdFormInt(r, "item_id"), Note: r.FormValue("note")}
	if _, err := m.AddEvidence(r.Context(), web.Principal(r), id, in, files); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/organ/standards/%d?year=%d&ok=saved#item-%d", id, in.Year, in.ItemID), http.StatusSeeOther)
	return nil
}

func (m *Module) apiStdItems(w http.ResponseWriter, r *http.Request) error {
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermRead, auth.Anything, "organ_standards", ""); err != nil {
		return err
	}
	items, err := m.stdItems(r.Context())
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"base": StandardBase, "items": items})
	return nil
}

func init() {
	routeParts = append(routeParts, func(m *Module, r *web.Router) {
		r.Handle("GET /organ/standards", web.Handler(m.pageStdRanking))
		r.Handle("GET /organ/standards/{id}", web.Handler(m.pageStdBranch))
		r.Handle("POST /organ/standards/{id}/assess", web.Handler(m.postAssess))
		r.Handle("POST /organ/standards/{id}/evidence", web.Handler(m.postEvidence))
		r.Handle("GET /api/v1/organ/standards", web.Handler(m.apiStdRanking))
		r.Handle("GET /api/v1/organ/standards/items", web.Handler(m.apiStdItems))
		r.Handle("GET /api/v1/organ/standards/{id}", web.Handler(m.apiStdBranch))
		r.Handle("POST /api/v1/organ/standards/{id}/assessments", web.Handler(m.apiAssess))
		r.Handle("POST /api/v1/organ/standards/{id}/evidence", web.Handler(m.apiEvidence))
	})
	// The branch page (meetings part) shows the current year's score.
	branchScore = func(m *Module, ctx context.Context, branchID int64) (int, bool, error) {
		return m.StdBranchScore(ctx, branchID, m.Clock.Now().In(clock.Zone).Year())
	}
	navItems = append(navItems, web.NavItem{Key: "nav.organ_standards", Path: "/organ/standards", Perm: PermRead, Order: 46})
	fileAccess["evidence"] = func(m *Module, r *http.Request, ownerID int64) error {
		var b int64
		err := m.DB.Q(r.Context()).QueryRowContext(r.Context(), `SELECT branch_id FROM organ_std_evidence WHERE id = ?`, ownerID).Scan(&b)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NotFoundf("file")
		}
		if err != nil {
			return err
		}
		return m.Auth.Authorize(r.Context(), web.Principal(r), PermRead, auth.Object{Branch: b}, "organ_evidence", fmt.Sprint(ownerID))
	}
}
