package study

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/web"
)

// HTTP for the daily part: the JSON API and the pages over the same calls.

func dailyPathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.NotFoundf("object " + r.PathValue("id"))
	}
	return id, nil
}

// dailyFieldErrors maps a validation error to field → message for a form;
// "key_phrases[2]" counts as "key_phrases", and several messages for one
// field are joined.
func dailyFieldErrors(err error, lang string) map[string]string {
	out := map[string]string{}
	add := func(e *errs.Error) {
		f := e.Field
		if i := strings.IndexByte(f, '['); i >= 0 && !strings.HasPrefix(f, "answers") {
			f = f[:i]
		}
		if f == "" {
			f = "_"
		}
		if prev, ok := out[f]; ok {
			out[f] = prev + "；" + e.Message(lang)
		} else {
			out[f] = e.Message(lang)
		}
	}
	var l errs.List
	if errors.As(err, &l) {
		for _, e := range l {
			add(e)
		}
	} else if e := errs.As(err); e != nil {
		add(e)
	}
	return out
}

func dailyIsFormError(err error) bool {
	var l errs.List
	if errors.As(err, &l) {
		return true
	}
	k := errs.KindOf(err)
	return k == errs.Invalid || k == errs.Conflict
}

// ---- members: today's sentence, check-in, record, progress ----

func (m *Module) dailyApiToday(w http.ResponseWriter, r *http.Request) error {
	t, err := m.Today(r.Context(), web.Principal(r))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, t)
	return nil
}

func (m *Module) dailyApiCheckin(w http.ResponseWriter, r *http.Request) error {
	if err := m.dailyLearner(r.Context(), web.Principal(r), "study_checkins"); err != nil {
		return err
	}
	var in CheckinInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	res, err := m.CheckIn(r.Context(), web.Principal(r), in)
	if err != nil {
		return err
	}
	res.Localize(web.Lang(r))
	st := http.StatusOK
	if res.New {
		st = http.StatusCreated
	}
	web.WriteJSON(w, st, res)
	return nil
}

func (m *Module) dailyApiCheckins(w http.ResponseWriter, r *http.Request) error {
	var member int64
	if s := r.URL.Query().Get("member"); s != "" {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil || v <= 0 {
			return errs.Field("member", "member 须为人员编号（正整数）", "member must be a person id (a positive integer)")
		}
		member = v
	}
	list, err := m.Checkins(r.Context(), web.Principal(r), member, r.URL.Query().Get("from"), r.URL.Query().Get("to"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, list)
	return nil
}

func (m *Module) dailyApiProgress(w http.ResponseWriter, r *http.Request) error {
	p, err := m.ProgressOf(r.Context(), web.Principal(r), web.Lang(r))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, p)
	return nil
}

// dailyStudyPage is the member's page: today's sentence, the two ways to check
// in, and their progress.
type dailyStudyPage struct {
	Today      *TodaySentence
	NoSentence string
	Date       string // today, as people write it
	Progress   *Progress
	Result     *CheckinResult
	Answers    []string
	Blanks     []dailyStudyBlank
}

// dailyStudyBlank is one input of the recite form.
type dailyStudyBlank struct {
	N      int // 1-based
	Length int
	Value  string
	Error  string
}

func (m *Module) dailyRenderStudy(w http.ResponseWriter, r *http.Request, status int, pg *web.Page, d *dailyStudyPage) error {
	ctx, p, lang := r.Context(), web.Principal(r), web.Lang(r)
	t, err := m.Today(ctx, p)
	switch {
	case err == nil:
		d.Today = t
	case errs.KindOf(err) == errs.NotFound && m.dailyLearner(ctx, p, "study_sentence") == nil:
		d.NoSentence = errs.As(err).Message(lang)
	default:
		return err
	}
	if d.Progress, err = m.ProgressOf(ctx, p, lang); err != nil {
		return err
	}
	d.Date = dailyDate(m.dailyToday(), lang) + " " + dailyWeekday(m.dailyToday(), lang)
	if d.Today != nil {
		for _, s := range d.Today.Segments {
			if s.Blank == 0 {
				continue
			}
			b := dailyStudyBlank{N: s.Blank, Length: s.Length}
			if i := s.Blank - 1; i < len(d.Answers) {
				b.Value = d.Answers[i]
			}
			if pg.Errors != nil {
				b.Error = pg.Errors[s.Field]
			}
			d.Blanks = append(d.Blanks, b)
		}
	}
	pg.Title = m.Views.Cat.T(lang, "nav.study")
	pg.D = d
	return m.Views.Render(w, r, status, "daily_study", pg)
}

func (m *Module) dailyPageStudy(w http.ResponseWriter, r *http.Request) error {
	if err := m.dailyLearner(r.Context(), web.Principal(r), "study_sentence"); err != nil {
		return err
	}
	return m.dailyRenderStudy(w, r, http.StatusOK, &web.Page{}, &dailyStudyPage{})
}

// dailyPostStudyCheckin is the page's check-in without JavaScript: the form
// posts here and gets the same page back with the outcome.
func (m *Module) dailyPostStudyCheckin(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	if err := m.dailyLearner(r.Context(), p, "study_checkins"); err != nil {
		return err
	}
	_ = r.ParseForm()
	in := CheckinInput{Mode: r.PostForm.Get("mode"), Answers: r.PostForm["answers"]}
	res, err := m.CheckIn(r.Context(), p, in)
	lang := web.Lang(r)
	d := &dailyStudyPage{Answers: in.Answers}
	if err != nil {
		if !dailyIsFormError(err) {
			return err
		}
		pg := &web.Page{Errors: dailyFieldErrors(err, lang)}
		pg.Error = m.Views.Cat.T(lang, "daily.study.wrong")
		if _, ok := pg.Errors["answers"]; ok || in.Mode != CheckinRecite {
			var msgs []string
			for _, v := range pg.Errors {
				msgs = append(msgs, v)
			}
			pg.Error = strings.Join(msgs, "；")
		}
		return m.dailyRenderStudy(w, r, http.StatusUnprocessableEntity, pg, d)
	}
	res.Localize(lang)
	d.Result, d.Answers = res, nil
	pg := &web.Page{}
	if !res.Repeat { // a repeat is shown as information, not success
		pg.Flash = res.Message
	}
	return m.dailyRenderStudy(w, r, http.StatusOK, pg, d)
}

// ---- editors: the calendar of sentences ----

func (m *Module) dailyApiSentences(w http.ResponseWriter, r *http.Request) error {
	mo, err := m.SentencesOfMonth(r.Context(), web.Principal(r), r.URL.Query().Get("month"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, mo)
	return nil
}

func (m *Module) dailyApiCreateSentence(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	if err := m.Auth.Authorize(r.Context(), p, PermEdit, auth.Anything, "study_sentence", ""); err != nil {
		return err
	}
	var in SentenceInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	id, err := m.CreateSentence(r.Context(), p, in)
	if err != nil {
		return err
	}
	s, err := dailySentenceByID(r.Context(), m.DB.Q(r.Context()), id)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/study/sentences/"+strconv.FormatInt(id, 10)+"/edit")
	web.WriteJSON(w, http.StatusCreated, s)
	return nil
}

func (m *Module) dailyApiUpdateSentence(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	if err := m.Auth.Authorize(r.Context(), p, PermEdit, auth.Anything, "study_sentence", r.PathValue("id")); err != nil {
		return err
	}
	id, err := dailyPathID(r)
	if err != nil {
		return err
	}
	if _, err := dailySentenceByID(r.Context(), m.DB.Q(r.Context()), id); err != nil {
		return err
	}
	var in SentenceInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if err := m.UpdateSentence(r.Context(), p, id, in); err != nil {
		return err
	}
	s, err := dailySentenceByID(r.Context(), m.DB.Q(r.Context()), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, s)
	return nil
}

func (m *Module) dailyApiDeleteSentence(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	if err := m.Auth.Authorize(r.Context(), p, PermEdit, auth.Anything, "study_sentence", r.PathValue("id")); err != nil {
		return err
	}
	id, err := dailyPathID(r)
	if err != nil {
		return err
	}
	if err := m.DeleteSentence(r.Context(), p, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (m *Module) dailyPageSentences(w http.ResponseWriter, r *http.Request) error {
	lang := web.Lang(r)
	mo, err := m.SentencesOfMonth(r.Context(), web.Principal(r), r.URL.Query().Get("month"))
	if err != nil {
		return err
	}
	pg := &web.Page{Title: m.Views.Cat.T(lang, "nav.study_sentences"), D: mo}
	if d := r.URL.Query().Get("deleted"); d != "" {
		if _, err := time.Parse(time.DateOnly, d); err == nil {
			pg.Flash = m.Views.Cat.T(lang, "daily.sentences.deleted", d)
		}
	}
	return m.Views.Render(w, r, http.StatusOK, "daily_sentences", pg)
}

// dailySentenceForm is the create/edit page.
type dailySentenceForm struct {
	ID       int64
	Day      string
	ReadOnly bool   // the day has begun: history
	Notice   string // why it is read-only
	Month    string
}

func (m *Module) dailyRenderSentenceForm(w http.ResponseWriter, r *http.Request, status int, pg *web.Page, d dailySentenceForm) error {
	if d.Month == "" && len(pg.Form["day"]) >= 7 {
		d.Month = pg.Form["day"][:7]
	}
	if d.Month == "" {
		d.Month = m.dailyToday()[:7]
	}
	pg.Title = m.Views.Cat.T(web.Lang(r), "nav.study_sentences")
	pg.D = d
	return m.Views.Render(w, r, status, "daily_sentence_form", pg)
}

func (m *Module) dailyPageSentenceForm(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	if err := m.Auth.Authorize(r.Context(), p, PermEdit, auth.Anything, "study_sentence", r.PathValue("id")); err != nil {
		return err
	}
	today := m.dailyToday()
	if r.PathValue("id") == "" {
		day := r.URL.Query().Get("day")
		if t, err := time.Parse(time.DateOnly, day); err != nil || t.Format(time.DateOnly) <= today {
			day = dailyAddDays(today, 1)
		}
		return m.dailyRenderSentenceForm(w, r, http.StatusOK, &web.Page{Form: map[string]string{"day": day}}, dailySentenceForm{})
	}
	id, err := dailyPathID(r)
	if err != nil {
		return err
	}
	s, err := m.Sentence(r.Context(), p, id)
	if err != nil {
		return err
	}
	pg := &web.Page{Form: map[string]string{"day": s.Day, "text": s.Text, "source": s.Source, "key_phrases": strings.Join(s.KeyPhrases, "、")}}
	d := dailySentenceForm{ID: id, Day: s.Day, ReadOnly: s.Day <= today}
	if d.ReadOnly {
		d.Notice = errs.As(dailyErrHistory(s.Day, today)).Message(web.Lang(r))
	}
	return m.dailyRenderSentenceForm(w, r, http.StatusOK, pg, d)
}

func (m *Module) dailyPostSentence(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	if err := m.Auth.Authorize(r.Context(), p, PermEdit, auth.Anything, "study_sentence", r.PathValue("id")); err != nil {
		return err
	}
	var id int64
	if r.PathValue("id") != "" {
		var err error
		if id, err = dailyPathID(r); err != nil {
			return err
		}
		if _, err := dailySentenceByID(r.Context(), m.DB.Q(r.Context()), id); err != nil {
			return err
		}
	}
	_ = r.ParseForm()
	f := r.PostForm.Get
	form := map[string]string{"day": f("day"), "text": f("text"), "source": f("source"), "key_phrases": f("key_phrases")}
	in := SentenceInput{Day: f("day"), Text: f("text"), Source: f("source"), KeyPhrases: SplitKeyPhrases(f("key_phrases"))}
	var err error
	flash := "saved"
	if id == 0 {
		id, err = m.CreateSentence(r.Context(), p, in)
		flash = "created"
	} else {
		err = m.UpdateSentence(r.Context(), p, id, in)
	}
	if err != nil {
		if !dailyIsFormError(err) {
			return err
		}
		lang := web.Lang(r)
		pg := &web.Page{Form: form, Errors: dailyFieldErrors(err, lang), Error: m.Views.Cat.T(lang, "form.fix")}
		if msg, ok := pg.Errors["_"]; ok {
			pg.Error = msg
		}
		return m.dailyRenderSentenceForm(w, r, http.StatusUnprocessableEntity, pg, dailySentenceForm{ID: id})
	}
	day := strings.TrimSpace(in.Day)
	http.Redirect(w, r, "/study/sentences?month="+url.QueryEscape(day[:7])+"&ok="+flash, http.StatusSeeOther)
	return nil
}

func (m *Module) dailyPostDeleteSentence(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	if err := m.Auth.Authorize(r.Context(), p, PermEdit, auth.Anything, "study_sentence", r.PathValue("id")); err != nil {
		return err
	}
	id, err := dailyPathID(r)
	if err != nil {
		return err
	}
	s, err := dailySentenceByID(r.Context(), m.DB.Q(r.Context()), id)
	if err != nil {
		return err
	}
	if err := m.DeleteSentence(r.Context(), p, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/study/sentences?month="+s.Day[:7]+"&deleted="+s.Day, http.StatusSeeOther)
	return nil
}

// ---- editors: Excel import ----

const dailyMaxUpload = 10 << 20

type dailySentenceImportPage struct {
	Issues []directory.RowIssue
}

func (m *Module) dailyPageSentenceImport(w http.ResponseWriter, r *http.Request) error {
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermEdit, auth.Anything, "study_sentence", ""); err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "daily_import", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "daily.import.title"), D: dailySentenceImportPage{}})
}

func (m *Module) dailySentenceTemplate(w http.ResponseWriter, r *http.Request) error {
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermEdit, auth.Anything, "study_sentence", ""); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := SentenceTemplateXLSX(&buf, dailyAddDays(m.dailyToday(), 1)); err != nil {
		return err
	}
	dailySendXLSX(w, "sentences-template.xlsx", buf.Bytes())
	return nil
}

func dailySendXLSX(w http.ResponseWriter, name string, b []byte) {
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, name))
	_, _ = w.Write(b)
}

// dailyImportSentences takes an uploaded .xlsx (field "file") and schedules all
// of it or nothing; the report names each row, column and rule.
func (m *Module) dailyImportSentences(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	if err := m.Auth.Authorize(r.Context(), p, PermEdit, auth.Anything, "study_sentence", ""); err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, dailyMaxUpload)
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return m.dailyImportFailed(w, r, errs.Field("file", "请选择不超过 10 MB 的 .xlsx 文件", "choose an .xlsx file of at most 10 MB"))
	}
	defer f.Close()
	if !strings.HasSuffix(strings.ToLower(hdr.Filename), ".xlsx") {
		return m.dailyImportFailed(w, r, errs.Field("file", "只接受 .xlsx 文件", "only .xlsx files are accepted"))
	}
	rows, column, err := ParseSentencesXLSX(f)
	var n int
	if err == nil {
		n, err = m.ImportSentences(r.Context(), p, rows, column)
	}
	if err != nil {
		return m.dailyImportFailed(w, r, err)
	}
	if web.IsAPI(r) {
		web.WriteJSON(w, http.StatusOK, map[string]int{"imported": n})
		return nil
	}
	month := m.dailyToday()[:7]
	if len(rows) > 0 && len(rows[0].In.Day) >= 7 {
		month = rows[0].In.Day[:7]
	}
	http.Redirect(w, r, "/study/sentences?month="+month+"&ok=imported", http.StatusSeeOther)
	return nil
}

func (m *Module) dailyImportFailed(w http.ResponseWriter, r *http.Request, err error) error {
	var ie *directory.ImportError
	if !errors.As(err, &ie) {
		if e := errs.As(err); e != nil && e.Kind == errs.Invalid {
			ie = &directory.ImportError{Issues: []directory.RowIssue{{Field: e.Field, Zh: e.Zh, En: e.En}}}
		} else {
			return err
		}
	}
	lang := web.Lang(r)
	if web.IsAPI(r) {
		prob := web.Problem{Type: "/problems/import", Title: "Unprocessable Entity", Status: http.StatusUnprocessableEntity, Instance: r.URL.Path}
		if len(ie.Issues) > 0 {
			prob.Detail = fmt.Sprintf("%s（共 %d 处问题，未导入任何数据）", ie.Issues[0].Message(lang), len(ie.Issues))
			if lang == "en" {
				prob.Detail = fmt.Sprintf("%s (%d problems; nothing was imported)", ie.Issues[0].Message(lang), len(ie.Issues))
			}
		}
		for _, i := range ie.Issues {
			prob.Errors = append(prob.Errors, web.ProblemField{Field: i.Field, Row: i.Row, Message: strings.TrimSpace(i.Column + " " + i.Message(lang))})
		}
		w.Header().Set("Content-Type", "application/problem+json; charset=utf-8")
		w.WriteHeader(http.StatusUnprocessableEntity)
		return json.NewEncoder(w).Encode(prob)
	}
	return m.Views.Render(w, r, http.StatusUnprocessableEntity, "daily_import",
		&web.Page{Title: m.Views.Cat.T(lang, "daily.import.title"), D: dailySentenceImportPage{Issues: ie.Issues}})
}

// ---- branches: the weekly summary ----

// BranchWeek is GET /api/v1/branches/{id}/weekly: one branch's week.
type BranchWeek struct {
	Week    string `json:"week"`
	From    string `json:"from"`
	To      string `json:"to"`
	Partial bool   `json:"partial"`
	WeeklyBranch
	PreviousWeek string      `json:"previous_week"`
	MemberDays   []WeeklyRow `json:"member_days"`
}

func (m *Module) dailyApiBranchWeekly(w http.ResponseWriter, r *http.Request) error {
	id, err := dailyPathID(r)
	if err != nil {
		return err
	}
	rep, err := m.BranchWeekly(r.Context(), web.Principal(r), id, r.URL.Query().Get("week"))
	if err != nil {
		return err
	}
	out := BranchWeek{Week: rep.Week, From: rep.From, To: rep.To, Partial: rep.Partial, WeeklyBranch: rep.Branches[0],
		PreviousWeek: rep.Prev, MemberDays: rep.Detail}
	if out.MemberDays == nil {
		out.MemberDays = []WeeklyRow{}
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

func dailyBranchParam(r *http.Request) (int64, error) {
	s := r.URL.Query().Get("branch")
	if s == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.Field("branch", "branch 须为党组织编号", "branch must be a party organisation id")
	}
	return id, nil
}

func (m *Module) dailyWeeklyOf(r *http.Request) (*WeeklyReport, error) {
	b, err := dailyBranchParam(r)
	if err != nil {
		return nil, err
	}
	return m.Weekly(r.Context(), web.Principal(r), b, r.URL.Query().Get("week"))
}

func (m *Module) dailyApiWeekly(w http.ResponseWriter, r *http.Request) error {
	rep, err := m.dailyWeeklyOf(r)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, rep)
	return nil
}

// dailyWeeklyPage is the summary page.
type dailyWeeklyPage struct {
	*WeeklyReport
	Span     string
	One      *WeeklyBranch // the branch, when the page is about one
	SeesZone bool          // the viewer sees the whole zone
	Query    string        // branch=… to keep on links
	DayHeads []string
}

func (m *Module) dailyPageWeekly(w http.ResponseWriter, r *http.Request) error {
	rep, err := m.dailyWeeklyOf(r)
	lang := web.Lang(r)
	if err != nil {
		return err
	}
	p := web.Principal(r)
	d := dailyWeeklyPage{WeeklyReport: rep, SeesZone: auth.Can(p, PermBranch, auth.ZoneOnly)}
	d.Span = fmt.Sprintf("%s — %s", dailyDate(rep.From, lang), dailyDate(rep.To, lang))
	if rep.Zone == nil && len(rep.Branches) > 0 {
		d.One = &rep.Branches[0]
		if d.SeesZone {
			d.Query = "&branch=" + strconv.FormatInt(d.One.BranchID, 10)
		}
	}
	for _, day := range rep.Days {
		d.DayHeads = append(d.DayHeads, dailyWeekdayShort(day, lang))
	}
	return m.Views.Render(w, r, http.StatusOK, "daily_weekly", &web.Page{Title: m.Views.Cat.T(lang, "nav.study_weekly"), D: d})
}

func (m *Module) dailyExportWeekly(w http.ResponseWriter, r *http.Request) error {
	rep, err := m.dailyWeeklyOf(r)
	if err != nil {
		return err
	}
	detail := "zone"
	if rep.Zone == nil && len(rep.Branches) > 0 {
		detail = "branch " + strconv.FormatInt(rep.Branches[0].BranchID, 10)
	}
	if err := m.Audit.Record(r.Context(), audit.Entry{Action: "study.weekly.export", ObjectType: "study_weekly", ObjectID: rep.Week, Detail: detail}); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := dailyWriteWeeklyXLSX(&buf, rep, web.Lang(r)); err != nil {
		return err
	}
	dailySendXLSX(w, "weekly-"+rep.Week+".xlsx", buf.Bytes())
	return nil
}

// ---- template helpers ----

// Short is the start of a sentence for a calendar cell.
func (s *Sentence) Short() string {
	const n = 28
	if utf8.RuneCountInString(s.Text) <= n {
		return s.Text
	}
	return string([]rune(s.Text)[:n]) + "…"
}

// Phrases joins the key phrases for display.
func (s *Sentence) Phrases() string { return strings.Join(s.KeyPhrases, "、") }

// Rate1 shows a rate with one decimal.
func (b WeeklyBranch) Rate1() string { return dailyTenths(b.RateTenths, false) }

// Prev1 shows the previous week's rate with one decimal.
func (b WeeklyBranch) Prev1() string { return dailyTenths(b.PrevTenths, false) }

// Trend1 shows the trend in points with a sign.
func (b WeeklyBranch) Trend1() string { return dailyTenths(b.TrendTenths, true) }

// TrendUp, TrendDown classify the trend for a badge.
func (b WeeklyBranch) TrendUp() bool   { return b.TrendTenths > 0 }
func (b WeeklyBranch) TrendDown() bool { return b.TrendTenths < 0 }

// Names lists people's names.
func (b WeeklyBranch) Names(ps []WeeklyPerson) string { return dailyNames(ps) }
