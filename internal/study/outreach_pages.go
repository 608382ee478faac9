package study

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/seal"
	"zhongshu/internal/platform/web"
)

func init() {
	routeParts = append(routeParts, func(m *Module, r *web.Router) {
		h := func(pattern string, fn web.Handler) { r.Handle(pattern, fn) }
		// Lectures, groups and the six-into coverage.
		h("GET /api/v1/lectures", m.apiLectures)
		h("POST /api/v1/lectures", m.apiSaveLecture)
		h("GET /api/v1/lectures/{id}", m.apiLecture)
		h("PUT /api/v1/lectures/{id}", m.apiSaveLecture)
		h("GET /api/v1/lectures/coverage", m.apiCoverage)
		h("GET /api/v1/lecture-groups", m.apiLectureGroups)
		h("POST /api/v1/lecture-groups", m.apiCreateLectureGroup)
		h("POST /api/v1/lecture-groups/{id}/members", m.apiLectureGroupMember)
		h("GET /study/lectures", m.pageLectures)
		h("GET /study/lectures/new", m.pageLectureForm)
		h("POST /study/lectures", m.postLecture)
		h("GET /study/lectures/{id}/edit", m.pageLectureForm)
		h("POST /study/lectures/{id}", m.postLecture)
		h("GET /study/lectures/coverage", m.pageCoverage)
		h("GET /study/lectures/coverage.xlsx", m.exportCoverage)
		h("GET /study/lecture-groups", m.pageLectureGroups)
		h("POST /study/lecture-groups", m.postLectureGroup)
		h("POST /study/lecture-groups/{id}/members", m.postLectureGroupMember)
		// Campaigns, submissions and attachments.
		h("GET /api/v1/campaigns", m.apiCampaigns)
		h("POST /api/v1/campaigns", m.apiSaveCampaign)
		h("GET /api/v1/campaigns/{id}", m.apiCampaign)
		h("PUT /api/v1/campaigns/{id}", m.apiSaveCampaign)
		h("POST /api/v1/campaigns/{id}/submissions", m.apiSubmit)
		h("POST /api/v1/campaigns/{id}/publish", m.apiPublishAwards)
		h("GET /api/v1/submissions/{id}", m.apiSubmission)
		h("POST /api/v1/submissions/{id}/review", m.apiReview)
		h("POST /api/v1/submissions/{id}/award", m.apiAward)
		h("GET /api/v1/attachments/{id}", m.getAttachment)
		h("GET /study/campaigns", m.pageCampaigns)
		h("GET /study/campaigns/new", m.pageCampaignForm)
		h("POST /study/campaigns", m.postCampaign)
		h("GET /study/campaigns/{id}", m.pageCampaign)
		h("GET /study/campaigns/{id}/edit", m.pageCampaignForm)
		h("POST /study/campaigns/{id}", m.postCampaign)
		h("POST /study/campaigns/{id}/submissions", m.postSubmission)
		h("POST /study/campaigns/{id}/publish", m.postPublishAwards)
		h("GET /study/submissions/{id}", m.pageSubmission)
		h("POST /study/submissions/{id}/review", m.postReview)
		h("POST /study/submissions/{id}/award", m.postAward)
		h("GET /study/attachments/{id}", m.getAttachment)
		// Book rooms and display boards.
		h("GET /api/v1/books", m.apiBooks)
		h("POST /api/v1/books", m.apiAddBooks)
		h("GET /api/v1/boards", m.apiBoards)
		h("POST /api/v1/boards", m.apiAddBoard)
		h("GET /study/books", m.pageBooks)
		h("POST /study/books", m.postBooks)
		h("GET /study/boards", m.pageBoards)
		h("POST /study/boards", m.postBoard)
	})
	navItems = append(navItems,
		web.NavItem{Key: "nav.lectures", Path: "/study/lectures", Perm: PermLearn, Order: 22},
		web.NavItem{Key: "nav.campaigns", Path: "/study/campaigns", Perm: PermLearn, Order: 24},
		web.NavItem{Key: "nav.bookrooms", Path: "/study/books", Perm: PermLearn, Order: 26},
		web.NavItem{Key: "nav.boards", Path: "/study/boards", Perm: PermLearn, Order: 28},
	)
	figureParts = append(figureParts, outreachFigures)
	demoParts = append(demoParts, demoPart{Order: 50, Load: loadOutreachDemo})
}

// outreachFigures are the seed's outreach numbers: books bought ("购置图书
// 7000余册"), lecture groups ("6个宣讲团"), lectures held ("集中宣讲200余场次"),
// reflections written ("撰写心得体会50余篇") and display boards.
func outreachFigures(m *Module, from, to string) []figureQuery {
	return []figureQuery{
		{Key: "books_bought", Unit: "outreach.unit.volumes", SQL: booksBoughtSQL, Args: []any{from, to}},
		{Key: "lecture_groups", Unit: "outreach.unit.groups", SQL: lectureGroupsSQL, Args: []any{to}},
		{Key: "lectures_held", Unit: "outreach.unit.sessions", SQL: lecturesHeldSQL, Args: []any{from, to}},
		{Key: "reflections_written", Unit: "outreach.unit.pieces", SQL: reflectionsSQL, Args: []any{from, to}},
		{Key: "display_boards", Unit: "outreach.unit.boards", SQL: boardsSQL, Args: []any{from, to}},
	}
}

// orID reads the {id} of a path; anything but a positive number is 404.
func orID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.NotFoundf("对象")
	}
	return id, nil
}

func orQInt(r *http.Request, k string) int {
	v, _ := strconv.Atoi(strings.TrimSpace(r.URL.Query().Get(k)))
	return v
}

func orFormInt(r *http.Request, k string) int64 {
	v, _ := strconv.ParseInt(strings.TrimSpace(r.FormValue(k)), 10, 64)
	return v
}

func (m *Module) orT(r *http.Request, key string, args ...any) string {
	return m.Views.Cat.T(web.Lang(r), key, args...)
}

// orYear reads ?year=, defaulting to this year; a year outside 2000–2100 is
// this year too.
func (m *Module) orYear(r *http.Request) int {
	y := orQInt(r, "year")
	if y < 2000 || y > 2100 {
		return m.outreachYear()
	}
	return y
}

// orYears offers the years to choose from: this one and five before.
func (m *Module) orYears() []int {
	y := m.outreachYear()
	return []int{y, y - 1, y - 2, y - 3, y - 4, y - 5}
}

// orFormPage re-displays a form after an error.
func (m *Module) orFormPage(r *http.Request, err error, form map[string]string) *web.Page {
	return &web.Page{Form: form, Errors: chFieldErrors(err, web.Lang(r)), Error: m.orT(r, "form.fix")}
}

// memberGroups lists party members by branch, for the editors' pickers.
func (m *Module) memberGroups(ctx context.Context) ([]challengeMemberGroup, error) {
	bs, err := m.Dir.BranchList(ctx, "")
	if err != nil {
		return nil, err
	}
	members, err := m.Dir.MembersOf(ctx, 0, false)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for _, b := range bs {
		names[b.ID] = b.Name
	}
	var out []challengeMemberGroup
	idx := map[int64]int{}
	for _, mb := range members {
		i, ok := idx[mb.BranchID]
		if !ok {
			i = len(out)
			idx[mb.BranchID] = i
			out = append(out, challengeMemberGroup{Branch: names[mb.BranchID]})
		}
		out[i].Members = append(out[i].Members, mb)
	}
	return out, nil
}

// Codes is what templates need to name codes: the lists and the locale.
type outreachCodes struct{ lang string }

func (c outreachCodes) Target(code string) string { return outreachName(SixTargets, code, c.lang) }
func (c outreachCodes) GroupKind(code string) string {
	return outreachName(LectureGroupKinds, code, c.lang)
}
func (c outreachCodes) CampaignKind(code string) string {
	return outreachName(CampaignKinds, code, c.lang)
}
func (c outreachCodes) Award(code string) string     { return outreachName(AwardLevels, code, c.lang) }
func (c outreachCodes) BoardKind(code string) string { return outreachName(BoardKinds, code, c.lang) }
func (c outreachCodes) Targets() []OutreachCode      { return SixTargets }
func (c outreachCodes) GroupKinds() []OutreachCode   { return LectureGroupKinds }
func (c outreachCodes) CampaignKinds() []OutreachCode {
	return CampaignKinds
}
func (c outreachCodes) Awards() []OutreachCode     { return AwardLevels }
func (c outreachCodes) BoardKinds() []OutreachCode { return BoardKinds }

// Name names a code of any of the lists in the page's locale.
func (c outreachCodes) Name(o OutreachCode) string {
	if c.lang == "en" {
		return o.En
	}
	return o.Zh
}

// ---- lectures ----

func lectureFilterOf(r *http.Request, year int) LectureFilter {
	f := LectureFilter{Year: year, Month: orQInt(r, "month"), GroupID: int64(orQInt(r, "group_id")), Target: r.URL.Query().Get("target")}
	if f.Month < 1 || f.Month > 12 {
		f.Month = 0
	}
	if !outreachHas(SixTargets, f.Target) {
		f.Target = ""
	}
	return f
}

type lecturesPage struct {
	Items  []Lecture
	Total  int
	Filter LectureFilter
	Pager  *web.Pager
	Groups []LectureGroup
	Years  []int
	Months []int
	Codes  outreachCodes
}

const lecturesPerPage = 30

func (m *Module) lecturesData(r *http.Request) (*lecturesPage, error) {
	p := web.Principal(r)
	f := lectureFilterOf(r, m.orYear(r))
	page, off, lim := web.PageOf(r, lecturesPerPage)
	f.Limit, f.Offset = lim, off
	items, total, err := m.Lectures(r.Context(), p, f)
	if err != nil {
		return nil, err
	}
	gs, err := m.LectureGroups(r.Context(), p)
	if err != nil {
		return nil, err
	}
	return &lecturesPage{Items: items, Total: total, Filter: f, Pager: web.NewPager(r, page, lecturesPerPage, total), Groups: gs,
		Years: m.orYears(), Months: []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, Codes: outreachCodes{web.Lang(r)}}, nil
}

func (m *Module) apiLectures(w http.ResponseWriter, r *http.Request) error {
	d, err := m.lecturesData(r)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"items": d.Items, "total": d.Total, "page": d.Pager.Page, "filter": d.Filter})
	return nil
}

func (m *Module) pageLectures(w http.ResponseWriter, r *http.Request) error {
	d, err := m.lecturesData(r)
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "outreach_lectures", &web.Page{Title: m.orT(r, "nav.lectures"), D: d})
}

func (m *Module) apiLecture(w http.ResponseWriter, r *http.Request) error {
	id, err := orID(r)
	if err != nil {
		return err
	}
	l, err := m.Lecture(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, l)
	return nil
}

func (m *Module) apiSaveLecture(w http.ResponseWriter, r *http.Request) error {
	var id int64
	if r.PathValue("id") != "" {
		var err error
		if id, err = orID(r); err != nil {
			return err
		}
	}
	if err := m.orAuthorize(r.Context(), web.Principal(r), PermEdit, "study_lecture", id); err != nil {
		return err
	}
	var in LectureInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	nid, err := m.SaveLecture(r.Context(), web.Principal(r), id, in)
	if err != nil {
		return err
	}
	if id != 0 {
		return m.apiLecture(w, r)
	}
	web.WriteJSON(w, http.StatusCreated, map[string]int64{"id": nid})
	return nil
}

type lectureFormPage struct {
	ID       int64
	Groups   []LectureGroup
	Codes    outreachCodes
	Speakers []LectureGroup // groups with their members, to pick a speaker from
}

func (m *Module) pageLectureForm(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	var id int64
	form := map[string]string{"held_on": clock.Day(m.Clock.Now())}
	if r.PathValue("id") != "" {
		var err error
		if id, err = orID(r); err != nil {
			return err
		}
		if err := m.orAuthorize(r.Context(), p, PermEdit, "study_lecture", id); err != nil {
			return err
		}
		l, err := m.Lecture(r.Context(), p, id)
		if err != nil {
			return err
		}
		form = map[string]string{"group_id": fmt.Sprint(l.GroupID), "held_on": l.HeldOn, "place": l.Place, "topic": l.Topic, "audience": fmt.Sprint(l.Audience)}
		if l.SpeakerPersonID != 0 {
			form["speaker_person_id"] = fmt.Sprint(l.SpeakerPersonID)
		} else {
			form["speaker_name"] = l.Speaker
		}
		for _, t := range l.Targets {
			form["target_"+t] = "1"
		}
	} else if err := m.orAuthorize(r.Context(), p, PermEdit, "study_lecture", 0); err != nil {
		return err
	}
	return m.renderLectureForm(w, r, http.StatusOK, id, &web.Page{Form: form})
}

func (m *Module) renderLectureForm(w http.ResponseWriter, r *http.Request, status int, id int64, pg *web.Page) error {
	gs, err := m.LectureGroups(r.Context(), web.Principal(r))
	if err != nil {
		return err
	}
	pg.Title = m.orT(r, "outreach.lecture_new")
	if id != 0 {
		pg.Title = m.orT(r, "outreach.lecture_edit")
	}
	pg.D = &lectureFormPage{ID: id, Groups: gs, Codes: outreachCodes{web.Lang(r)}, Speakers: gs}
	return m.Views.Render(w, r, status, "outreach_lecture_form", pg)
}

func (m *Module) postLecture(w http.ResponseWriter, r *http.Request) error {
	var id int64
	if r.PathValue("id") != "" {
		var err error
		if id, err = orID(r); err != nil {
			return err
		}
	}
	_ = r.ParseForm()
	aud, _ := strconv.Atoi(strings.TrimSpace(r.FormValue("audience")))
	in := LectureInput{GroupID: orFormInt(r, "group_id"), SpeakerPersonID: orFormInt(r, "speaker_person_id"), SpeakerName: r.FormValue("speaker_name"),
		HeldOn: r.FormValue("held_on"), Place: r.FormValue("place"), Topic: r.FormValue("topic"), Audience: aud, Targets: r.Form["targets"]}
	if strings.TrimSpace(r.FormValue("audience")) == "" {
		in.Audience = -1 // required: say so rather than record 0
	}
	nid, err := m.SaveLecture(r.Context(), web.Principal(r), id, in)
	if chInvalid(err) {
		form := map[string]string{"group_id": r.FormValue("group_id"), "speaker_person_id": r.FormValue("speaker_person_id"), "speaker_name": in.SpeakerName,
			"held_on": in.HeldOn, "place": in.Place, "topic": in.Topic, "audience": r.FormValue("audience")}
		for _, t := range in.Targets {
			form["target_"+t] = "1"
		}
		return m.renderLectureForm(w, r, http.StatusUnprocessableEntity, id, m.orFormPage(r, err, form))
	}
	if err != nil {
		return err
	}
	ok := "saved"
	if id == 0 {
		ok = "created"
	}
	_ = nid
	http.Redirect(w, r, "/study/lectures?ok="+ok, http.StatusSeeOther)
	return nil
}

// ---- coverage ----

type coveragePage struct {
	*Coverage
	Years    []int
	Codes    outreachCodes
	Audience int
}

func (m *Module) coverageData(r *http.Request) (*coveragePage, error) {
	c, err := m.LectureCoverageOf(r.Context(), web.Principal(r), m.orYear(r))
	if err != nil {
		return nil, err
	}
	return &coveragePage{Coverage: c, Years: m.orYears(), Codes: outreachCodes{web.Lang(r)}}, nil
}

func (m *Module) apiCoverage(w http.ResponseWriter, r *http.Request) error {
	d, err := m.coverageData(r)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d.Coverage)
	return nil
}

func (m *Module) pageCoverage(w http.ResponseWriter, r *http.Request) error {
	d, err := m.coverageData(r)
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "outreach_coverage", &web.Page{Title: m.orT(r, "outreach.coverage"), D: d})
}

// exportCoverage writes the coverage matrix as an Excel sheet with number
// cells (so the sheet can be summed), and records the export.
func (m *Module) exportCoverage(w http.ResponseWriter, r *http.Request) error {
	d, err := m.coverageData(r)
	if err != nil {
		return err
	}
	lang := web.Lang(r)
	f := excelize.NewFile()
	defer f.Close()
	sheet := fmt.Sprintf("%d", d.Year)
	_ = f.SetSheetName("Sheet1", sheet)
	head := []any{m.orT(r, "outreach.target")}
	for mo := 1; mo <= 12; mo++ {
		head = append(head, m.orT(r, "outreach.month_n", mo))
	}
	head = append(head, m.orT(r, "outreach.year_total"))
	rows := [][]any{head}
	for _, row := range d.Rows {
		line := []any{outreachName(SixTargets, row.Target, lang)}
		for _, n := range row.Months {
			line = append(line, n)
		}
		rows = append(rows, append(line, row.Total))
	}
	total := []any{m.orT(r, "outreach.lectures_held")}
	for _, n := range d.Months {
		total = append(total, n)
	}
	rows = append(rows, append(total, d.Total))
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			return err
		}
	}
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	_ = f.SetRowStyle(sheet, 1, 1, bold)
	_ = f.SetColWidth(sheet, "A", "A", 16)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return err
	}
	if err := m.Audit.Record(r.Context(), audit.Entry{Action: "export", ObjectType: "study_lecture_coverage",
		Detail: fmt.Sprintf("year=%d lectures=%d sm3=%s", d.Year, d.Total, seal.SM3Hex(buf.Bytes()))}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="coverage-%d.xlsx"`, d.Year))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, err = w.Write(buf.Bytes())
	return err
}

// ---- lecture groups ----

type groupsPage struct {
	Groups  []LectureGroup
	Codes   outreachCodes
	Members []challengeMemberGroup // for the editors' picker
	CanEdit bool
}

func (m *Module) apiLectureGroups(w http.ResponseWriter, r *http.Request) error {
	gs, err := m.LectureGroups(r.Context(), web.Principal(r))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"items": gs})
	return nil
}

func (m *Module) pageLectureGroups(w http.ResponseWriter, r *http.Request) error {
	return m.renderLectureGroups(w, r, http.StatusOK, &web.Page{})
}

func (m *Module) renderLectureGroups(w http.ResponseWriter, r *http.Request, status int, pg *web.Page) error {
	p := web.Principal(r)
	gs, err := m.LectureGroups(r.Context(), p)
	if err != nil {
		return err
	}
	d := &groupsPage{Groups: gs, Codes: outreachCodes{web.Lang(r)}, CanEdit: orEditor(p)}
	if d.CanEdit {
		if d.Members, err = m.memberGroups(r.Context()); err != nil {
			return err
		}
	}
	pg.Title, pg.D = m.orT(r, "outreach.groups"), d
	return m.Views.Render(w, r, status, "outreach_groups", pg)
}

func (m *Module) apiCreateLectureGroup(w http.ResponseWriter, r *http.Request) error {
	if err := m.orAuthorize(r.Context(), web.Principal(r), PermEdit, "study_lecture_groups", 0); err != nil {
		return err
	}
	var in LectureGroupInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	id, err := m.CreateLectureGroup(r.Context(), web.Principal(r), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]int64{"id": id})
	return nil
}

func (m *Module) postLectureGroup(w http.ResponseWriter, r *http.Request) error {
	in := LectureGroupInput{Kind: r.FormValue("kind"), Name: r.FormValue("name"), FoundedOn: r.FormValue("founded_on")}
	_, err := m.CreateLectureGroup(r.Context(), web.Principal(r), in)
	if chInvalid(err) {
		return m.renderLectureGroups(w, r, http.StatusUnprocessableEntity, m.orFormPage(r, err, map[string]string{"kind": in.Kind, "name": in.Name, "founded_on": in.FoundedOn}))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/study/lecture-groups?ok=created", http.StatusSeeOther)
	return nil
}

func (m *Module) apiLectureGroupMember(w http.ResponseWriter, r *http.Request) error {
	id, err := orID(r)
	if err != nil {
		return err
	}
	if err := m.orAuthorize(r.Context(), web.Principal(r), PermEdit, "study_lecture_group", id); err != nil {
		return err
	}
	var in LectureGroupMemberInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if err := m.SetLectureGroupMember(r.Context(), web.Principal(r), id, in); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (m *Module) postLectureGroupMember(w http.ResponseWriter, r *http.Request) error {
	id, err := orID(r)
	if err != nil {
		return err
	}
	in := LectureGroupMemberInput{PersonID: orFormInt(r, "person_id"), Role: r.FormValue("role"), Remove: r.FormValue("remove") == "1"}
	err = m.SetLectureGroupMember(r.Context(), web.Principal(r), id, in)
	if chInvalid(err) {
		pg := m.orFormPage(r, err, nil)
		for _, msg := range pg.Errors {
			pg.Errors = map[string]string{fmt.Sprintf("group_%d", id): msg}
			break
		}
		return m.renderLectureGroups(w, r, http.StatusUnprocessableEntity, pg)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/study/lecture-groups?ok=saved#group-%d", id), http.StatusSeeOther)
	return nil
}
