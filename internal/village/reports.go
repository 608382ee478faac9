package village

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/web"
)

// Permissions of the annual reports (述职述廉).
const (
	// PermReportWrite writes and submits one's own report: a village
	// secretary in their own village (the report is theirs).
	PermReportWrite auth.Perm = "village:report_write"
	// PermReportReview reviews and publishes reports: the committee.
	PermReportReview auth.Perm = "village:report_review"
)

func init() {
	auth.Register(PermReportWrite, auth.Rule{Role: auth.VillageSecretary})
	auth.Register(PermReportReview, auth.Rule{Role: auth.Committee})
}

// Report states: draft → submitted → reviewed → published.
const (
	ReportDraft     = "draft"
	ReportSubmitted = "submitted"
	ReportReviewed  = "reviewed"
	ReportPublished = "published"
)

// Report actions.
const (
	ReportActEdit    = "edit"
	ReportActSubmit  = "submit"
	ReportActReview  = "review"
	ReportActPublish = "publish"
)

var reportRatings = []string{"good", "fairly_good", "average", "poor"}

// ReportNext is the report's state machine (RULES.md §4: 述职述廉 each
// year, posted publicly): the state after act, or why it is refused. A
// published report never changes.
func ReportNext(from, act string) (string, error) {
	switch {
	case from == ReportPublished:
		return "", errs.New(errs.Conflict, "述职述廉报告已公开，不能再修改（公开后不可变更）", "the report is published and can no longer change")
	case act == ReportActEdit && from == ReportDraft:
		return ReportDraft, nil
	case act == ReportActSubmit && from == ReportDraft:
		return ReportSubmitted, nil
	case act == ReportActReview && from == ReportSubmitted:
		return ReportReviewed, nil
	case act == ReportActPublish && from == ReportReviewed:
		return ReportPublished, nil
	case act == ReportActEdit || act == ReportActSubmit:
		return "", errs.New(errs.Conflict, "报告已提交，只有草稿可以修改或提交", "the report was submitted; only a draft can be edited or submitted")
	case act == ReportActReview:
		return "", errs.New(errs.Conflict, "只有已提交的报告可以审阅", "only a submitted report can be reviewed")
	case act == ReportActPublish:
		return "", errs.New(errs.Conflict, "报告须先经党工委审阅才能公开", "a report is published only after the committee's review")
	}
	return "", errs.Field("action", "未知的操作", "unknown action")
}

// Report is a secretary's annual report (述职述廉).
type Report struct {
	ID             int64  `json:"id"`
	VillageID      int64  `json:"village_id"`
	Village        string `json:"village"`
	PersonID       int64  `json:"person_id"`
	Person         string `json:"person"`
	Year           int    `json:"year"`
	DutyText       string `json:"duty_text"`
	IntegrityText  string `json:"integrity_text"`
	Status         string `json:"status"`
	SubmittedOn    string `json:"submitted_on,omitempty"`
	ReviewComments string `json:"review_comments,omitempty"`
	Rating         string `json:"rating,omitempty"`
	ReviewedOn     string `json:"reviewed_on,omitempty"`
	PublishedOn    string `json:"published_on,omitempty"`
}

// ReportInput is a draft's text.
type ReportInput struct {
	Year          int    `json:"year"`
	DutyText      string `json:"duty_text"`
	IntegrityText string `json:"integrity_text"`
}

// ReportReview is the committee's review.
type ReportReview struct {
	Comments string `json:"comments"`
	Rating   string `json:"rating"` // optional: good, fairly_good, average, poor
}

// ReportComplianceRow is one secretary's standing for a year.
type ReportComplianceRow struct {
	TalkSubject
	Status  string `json:"status"` // "" when there is no report at all
	Missing bool   `json:"missing"`
}

// ReportCompliance flags every secretary without a submitted report for
// the year (RULES.md §4: 述职述廉 each secretary every year). A draft does
// not count. A pure function.
func ReportCompliance(year int, subjects []TalkSubject, reports []Report) []ReportComplianceRow {
	out := make([]ReportComplianceRow, 0, len(subjects))
	for _, s := range subjects {
		row := ReportComplianceRow{TalkSubject: s}
		for _, r := range reports {
			if r.Year == year && r.VillageID == s.VillageID && r.PersonID == s.PersonID {
				row.Status = r.Status
			}
		}
		row.Missing = row.Status == "" || row.Status == ReportDraft
		out = append(out, row)
	}
	return out
}

func (m *Module) reports(ctx context.Context, villageID, id int64, year int, status string) ([]Report, error) {
	q := `SELECT r.id, r.village_id, v.name, r.person_id, p.name, r.year, r.duty_text, r.integrity_text, r.status, r.submitted_on,
		r.review_comments, r.rating, r.reviewed_on, r.published_on FROM reports r JOIN villages v ON v.id = r.village_id JOIN people p ON p.id = r.person_id WHERE 1 = 1`
	var args []any
	if villageID > 0 {
		q += ` AND r.village_id = ?`
		args = append(args, villageID)
	}
	if id > 0 {
		q += ` AND r.id = ?`
		args = append(args, id)
	}
	if year > 0 {
		q += ` AND r.year = ?`
		args = append(args, year)
	}
	if status != "" {
		q += ` AND r.status = ?`
		args = append(args, status)
	}
	rows, err := m.DB.Q(ctx).QueryContext(ctx, q+` ORDER BY r.year DESC, r.village_id, r.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Report{}
	for rows.Next() {
		var r Report
		if err := rows.Scan(&r.ID, &r.VillageID, &r.Village, &r.PersonID, &r.Person, &r.Year, &r.DutyText, &r.IntegrityText, &r.Status, &r.SubmittedOn,
			&r.ReviewComments, &r.Rating, &r.ReviewedOn, &r.PublishedOn); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// reportAuth authorises perm over one report (403 never / 404 absent or
// out of scope).
func (m *Module) reportAuth(ctx context.Context, p *auth.Principal, perm auth.Perm, id int64) (*Report, error) {
	if err := m.Auth.Authorize(ctx, p, perm, auth.Anything, "village_report", fmt.Sprint(id)); err != nil {
		return nil, err
	}
	rs, err := m.reports(ctx, 0, id, 0, "")
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, errs.NotFoundf("述职述廉报告")
	}
	if err := m.Auth.Authorize(ctx, p, perm, auth.Object{Village: rs[0].VillageID}, "village_report", fmt.Sprint(id)); err != nil {
		return nil, err
	}
	return &rs[0], nil
}

// Reports lists a village's reports (PermRead in the village).
func (m *Module) Reports(ctx context.Context, p *auth.Principal, villageID int64) ([]Report, error) {
	if err := m.Auth.Authorize(ctx, p, PermRead, auth.Object{Village: villageID}, "village", fmt.Sprint(villageID)); err != nil {
		return nil, err
	}
	return m.reports(ctx, villageID, 0, 0, "")
}

// Report reads one report (PermRead in its village).
func (m *Module) Report(ctx context.Context, p *auth.Principal, id int64) (*Report, error) {
	return m.reportAuth(ctx, p, PermRead, id)
}

// PublishedReports are a village's published reports, for the portal.
func (m *Module) PublishedReports(ctx context.Context, villageID int64) ([]Report, error) {
	rs, err := m.reports(ctx, villageID, 0, 0, ReportPublished)
	for i := range rs {
		// the committee's internal review stays off the public wall
		rs[i].ReviewComments, rs[i].Rating = "", ""
	}
	return rs, err
}

func checkReportText(in *ReportInput, year int) error {
	in.DutyText, in.IntegrityText = strings.TrimSpace(in.DutyText), strings.TrimSpace(in.IntegrityText)
	var l errs.List
	if in.Year < 2000 || in.Year > year {
		l = append(l, errs.Field("year", fmt.Sprintf("年度须在 2000–%d 之间", year), fmt.Sprintf("the year must be between 2000 and %d", year)))
	}
	svText(&l, "duty_text", "述职部分", "the duty part", in.DutyText, 0, 20000)
	svText(&l, "integrity_text", "述廉部分", "the integrity part", in.IntegrityText, 0, 20000)
	return l.Err()
}

// CreateReport starts a secretary's own report for a year as a draft
// (PermReportWrite in the village; the secretary is the report's author).
func (m *Module) CreateReport(ctx context.Context, p *auth.Principal, villageID int64, in ReportInput) (int64, error) {
	if err := m.Auth.Authorize(ctx, p, PermReportWrite, auth.Object{Village: villageID}, "village", fmt.Sprint(villageID)); err != nil {
		return 0, err
	}
	if _, err := m.village(ctx, villageID); err != nil {
		return 0, err
	}
	if p.PersonID == 0 {
		return 0, errs.New(errs.Forbidden, "账号未关联人员，不能撰写述职述廉报告", "the account is linked to no person and cannot write a report")
	}
	if err := checkReportText(&in, m.svYear()); err != nil {
		return 0, err
	}
	var id int64
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM reports WHERE village_id = ? AND person_id = ? AND year = ?`, villageID, p.PersonID, in.Year).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return errs.New(errs.Conflict, fmt.Sprintf("%d 年度的述职述廉报告已存在", in.Year), fmt.Sprintf("the report for %d already exists", in.Year))
		}
		now := m.Clock.Now()
		var err error
		if id, err = tx.InsertID(ctx, `INSERT INTO reports (village_id, person_id, year, duty_text, integrity_text, status, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, 'draft', ?, ?, ?)`, villageID, p.PersonID, in.Year, in.DutyText, in.IntegrityText, p.UserID, now, now); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "village.report.create", ObjectType: "village_report", ObjectID: fmt.Sprint(id),
			Scope: fmt.Sprintf("village:%d", villageID), Detail: fmt.Sprint(in.Year)})
	})
	return id, err
}

// ReportAct edits or submits a draft (its author), reviews or publishes it
// (the committee). A submission needs both parts of the text.
func (m *Module) ReportAct(ctx context.Context, p *auth.Principal, id int64, act string, text ReportInput, rv ReportReview) error {
	perm := PermReportWrite
	if act == ReportActReview || act == ReportActPublish {
		perm = PermReportReview
	}
	r, err := m.reportAuth(ctx, p, perm, id)
	if err != nil {
		return err
	}
	if perm == PermReportWrite && r.PersonID != p.PersonID {
		// another person's report in one's village: not one's own to write
		return errs.NotFoundf("述职述廉报告")
	}
	next, err := ReportNext(r.Status, act)
	if err != nil {
		return err
	}
	var l errs.List
	switch act {
	case ReportActEdit:
		text.Year = r.Year
		if err := checkReportText(&text, r.Year); err != nil {
			return err
		}
	case ReportActSubmit:
		if len([]rune(r.DutyText)) < 20 {
			l = append(l, errs.Field("duty_text", "述职部分至少 20 字才能提交", "the duty part needs at least 20 characters to be submitted"))
		}
		if len([]rune(r.IntegrityText)) < 20 {
			l = append(l, errs.Field("integrity_text", "述廉部分至少 20 字才能提交", "the integrity part needs at least 20 characters to be submitted"))
		}
	case ReportActReview:
		rv.Comments, rv.Rating = strings.TrimSpace(rv.Comments), strings.TrimSpace(rv.Rating)
		svText(&l, "comments", "审阅意见", "the comments", rv.Comments, 2, 4000)
		if rv.Rating != "" {
			ok := false
			for _, x := range reportRatings {
				ok = ok || x == rv.Rating
			}
			if !ok {
				l = append(l, errs.Field("rating", "评价须为 好、较好、一般 或 差", "the rating must be good, fairly_good, average or poor"))
			}
		}
	}
	if err := l.Err(); err != nil {
		return err
	}
	today, now := m.svToday(), m.Clock.Now()
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var res interface{ RowsAffected() (int64, error) }
		var err error
		switch act {
		case ReportActEdit:
			res, err = tx.ExecContext(ctx, `UPDATE reports SET duty_text = ?, integrity_text = ?, updated_at = ? WHERE id = ? AND status = ?`, text.DutyText, text.IntegrityText, now, id, r.Status)
		case ReportActSubmit:
			res, err = tx.ExecContext(ctx, `UPDATE reports SET status = ?, submitted_on = ?, updated_at = ? WHERE id = ? AND status = ?`, next, today, now, id, r.Status)
		case ReportActReview:
			res, err = tx.ExecContext(ctx, `UPDATE reports SET status = ?, review_comments = ?, rating = ?, reviewed_by = ?, reviewed_on = ?, updated_at = ? WHERE id = ? AND status = ?`,
				next, rv.Comments, rv.Rating, p.UserID, today, now, id, r.Status)
		case ReportActPublish:
			res, err = tx.ExecContext(ctx, `UPDATE reports SET status = ?, published_on = ?, updated_at = ? WHERE id = ? AND status = ?`, next, today, now, id, r.Status)
		}
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.New(errs.Conflict, "报告已被他人更新，请刷新后重试", "the report changed meanwhile; reload and try again")
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "village.report." + act, ObjectType: "village_report", ObjectID: fmt.Sprint(id),
			Scope: fmt.Sprintf("village:%d", r.VillageID), Detail: fmt.Sprintf("%d: %s → %s", r.Year, r.Status, next)})
	})
}

// ReportsCompliance flags the secretaries (of villages the caller reads)
// without a submitted report for the year.
func (m *Module) ReportsCompliance(ctx context.Context, p *auth.Principal, year int) ([]ReportComplianceRow, error) {
	if err := m.Auth.Authorize(ctx, p, PermRead, auth.Anything, "village_report", ""); err != nil {
		return nil, err
	}
	vs, err := m.Dir.VillageList(ctx)
	if err != nil {
		return nil, err
	}
	secs, err := m.svSecretaries(ctx)
	if err != nil {
		return nil, err
	}
	var subjects []TalkSubject
	for _, v := range vs {
		s, ok := secs[v.ID]
		if ok && auth.Can(p, PermRead, auth.Object{Village: v.ID}) {
			subjects = append(subjects, TalkSubject{VillageID: v.ID, Village: v.Name, PersonID: s.ID, Name: s.Name})
		}
	}
	sort.Slice(subjects, func(i, j int) bool { return subjects[i].VillageID < subjects[j].VillageID })
	rs, err := m.reports(ctx, 0, 0, year, "")
	if err != nil {
		return nil, err
	}
	return ReportCompliance(year, subjects, rs), nil
}

// ---- handlers ----

type reportsPage struct {
	Village    *directory.Village    `json:"village"`
	Items      []Report              `json:"items"`
	Compliance []ReportComplianceRow `json:"compliance"`
	LastYear   int                   `json:"last_year"`
	CanWrite   bool                  `json:"-"`
	Year       int                   `json:"-"`
}

func (m *Module) reportsData(r *http.Request) (*reportsPage, error) {
	v, err := m.villageParam(r, PermRead, "village")
	if err != nil {
		return nil, err
	}
	p := web.Principal(r)
	items, err := m.Reports(r.Context(), p, v.ID)
	if err != nil {
		return nil, err
	}
	d := &reportsPage{Village: v, Items: items, LastYear: m.svYear() - 1, Year: m.svYear(), CanWrite: auth.Can(p, PermReportWrite, auth.Object{Village: v.ID})}
	all, err := m.ReportsCompliance(r.Context(), p, d.LastYear)
	if err != nil {
		return nil, err
	}
	d.Compliance = []ReportComplianceRow{}
	for _, c := range all {
		if c.VillageID == v.ID {
			d.Compliance = append(d.Compliance, c)
		}
	}
	return d, nil
}

func (m *Module) pageReports(w http.ResponseWriter, r *http.Request) error {
	d, err := m.reportsData(r)
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "reports_list", &web.Page{Title: d.Village.Name + " · " + m.Views.Cat.T(web.Lang(r), "reports.title"), D: d})
}

func (m *Module) apiReports(w http.ResponseWriter, r *http.Request) error {
	d, err := m.reportsData(r)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d)
	return nil
}

func (m *Module) createReport(w http.ResponseWriter, r *http.Request) error {
	v, err := m.villageParam(r, PermReportWrite, "village")
	if err != nil {
		return err
	}
	var in ReportInput
	if svIsForm(r) {
		in.Year, _ = strconv.Atoi(r.FormValue("year"))
		in.DutyText, in.IntegrityText = r.FormValue("duty_text"), r.FormValue("integrity_text")
	} else if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	id, err := m.CreateReport(r.Context(), web.Principal(r), v.ID, in)
	if err != nil {
		return err
	}
	if svIsForm(r) {
		http.Redirect(w, r, fmt.Sprintf("/reports/%d?ok=saved", id), http.StatusSeeOther)
		return nil
	}
	rep, err := m.Report(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, rep)
	return nil
}

type reportPage struct {
	R         *Report
	CanWrite  bool
	CanReview bool
	Ratings   []string
}

func (m *Module) reportView(api bool) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := svID(r)
		if err != nil {
			return err
		}
		p := web.Principal(r)
		rep, err := m.Report(r.Context(), p, id)
		if err != nil {
			return err
		}
		if api {
			web.WriteJSON(w, http.StatusOK, rep)
			return nil
		}
		obj := auth.Object{Village: rep.VillageID}
		return m.Views.Render(w, r, http.StatusOK, "reports_report", &web.Page{Title: fmt.Sprintf("%s %d", rep.Person, rep.Year),
			D: &reportPage{R: rep, CanWrite: auth.Can(p, PermReportWrite, obj) && rep.PersonID == p.PersonID, CanReview: auth.Can(p, PermReportReview, obj), Ratings: reportRatings}})
	}
}

func (m *Module) reportAct(act string) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := svID(r)
		if err != nil {
			return err
		}
		var body struct {
			ReportInput
			ReportReview
		}
		if svIsForm(r) {
			body.DutyText, body.IntegrityText = r.FormValue("duty_text"), r.FormValue("integrity_text")
			body.Comments, body.Rating = r.FormValue("comments"), r.FormValue("rating")
		} else {
			perm := PermReportWrite
			if act == ReportActReview || act == ReportActPublish {
				perm = PermReportReview
			}
			if err := m.Auth.Authorize(r.Context(), web.Principal(r), perm, auth.Anything, "village_report", fmt.Sprint(id)); err != nil {
				return err
			}
			if err := web.DecodeJSON(r, &body); err != nil {
				return err
			}
		}
		if err := m.ReportAct(r.Context(), web.Principal(r), id, act, body.ReportInput, body.ReportReview); err != nil {
			return err
		}
		if svIsForm(r) {
			http.Redirect(w, r, fmt.Sprintf("/reports/%d?ok=saved", id), http.StatusSeeOther)
			return nil
		}
		return m.reportView(true)(w, r)
	}
}

func (m *Module) apiReportsCompliance(w http.ResponseWriter, r *http.Request) error {
	year, err := svYearParam(r, m.svYear()-1)
	if err != nil {
		return err
	}
	rows, err := m.ReportsCompliance(r.Context(), web.Principal(r), year)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"year": year, "items": rows})
	return nil
}

// ReportsBlock is the portal's block: a village's published reports.
type ReportsBlock struct {
	Items []Report `json:"items"`
}

func loadReportsBlock(m *Module, ctx context.Context, villageID int64) (any, error) {
	rs, err := m.PublishedReports(ctx, villageID)
	if err != nil {
		return nil, err
	}
	return &ReportsBlock{Items: rs}, nil
}

func reportsSlides(m *Module, ctx context.Context, villageID int64) ([]Slide, error) {
	rs, err := m.PublishedReports(ctx, villageID)
	if err != nil || len(rs) == 0 {
		return nil, err
	}
	r := rs[0] // the latest year
	cut := func(s string) string {
		if rr := []rune(s); len(rr) > 120 {
			return string(rr[:120]) + "…"
		}
		return s
	}
	return []Slide{{Kind: "report", Title: fmt.Sprintf("%s %d 年度述职述廉", r.Person, r.Year), Sub: r.Village + " · 公开于 " + r.PublishedOn,
		Lines: []string{"述职：" + cut(r.DutyText), "述廉：" + cut(r.IntegrityText)}}}, nil
}

func init() {
	routeParts = append(routeParts, func(m *Module, r *web.Router) {
		r.Handle("GET /villages/{id}/reports", web.Handler(m.pageReports))
		r.Handle("POST /villages/{id}/reports", web.Handler(m.createReport))
		r.Handle("GET /reports/{id}", m.reportView(false))
		r.Handle("POST /reports/{id}", m.reportAct(ReportActEdit))
		r.Handle("POST /reports/{id}/submit", m.reportAct(ReportActSubmit))
		r.Handle("POST /reports/{id}/review", m.reportAct(ReportActReview))
		r.Handle("POST /reports/{id}/publish", m.reportAct(ReportActPublish))
		r.Handle("GET /api/v1/villages/{id}/reports", web.Handler(m.apiReports))
		r.Handle("POST /api/v1/villages/{id}/reports", web.Handler(m.createReport))
		r.Handle("GET /api/v1/reports/compliance", web.Handler(m.apiReportsCompliance))
		r.Handle("GET /api/v1/reports/{id}", m.reportView(true))
		r.Handle("PUT /api/v1/reports/{id}", m.reportAct(ReportActEdit))
		r.Handle("POST /api/v1/reports/{id}/submit", m.reportAct(ReportActSubmit))
		r.Handle("POST /api/v1/reports/{id}/review", m.reportAct(ReportActReview))
		r.Handle("POST /api/v1/reports/{id}/publish", m.reportAct(ReportActPublish))
	})
	deskLinks = append(deskLinks, DeskLink{Order: 70, Key: "reports.title", Path: "/villages/%d/reports", Perm: PermRead})
	portalParts = append(portalParts, PortalPart{Order: 40, Key: "reports.portal_title", Page: "reports_portal", Load: loadReportsBlock, Screen: reportsSlides})
}
