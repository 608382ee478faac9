package study

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/web"
)

// Pages and JSON of the monthly quiz (月问答): the list, the member's quiz
// page (start, answer, own result), the results, and the editors' pages
// (create, add choices, publish).

func init() {
	routeParts = append(routeParts, quizRoutes)
	navItems = append(navItems, web.NavItem{Key: "nav.quiz", Path: "/study/quiz", Perm: PermLearn, Order: 15})
	figureParts = append(figureParts, quizFigures)
	demoParts = append(demoParts, demoPart{Order: 20, Load: loadQuizDemo})
}

func quizRoutes(m *Module, r *web.Router) {
	h := func(pattern string, fn web.Handler) { r.Handle(pattern, fn) }
	h("GET /study/quiz", m.pageQuizzes)
	h("GET /study/quiz/new", m.pageQuizNew)
	h("POST /study/quiz", m.postQuiz)
	h("GET /study/quiz/{id}", m.pageQuiz)
	h("POST /study/quiz/{id}/start", m.postQuizStart)
	h("POST /study/quiz/{id}/submit", m.postQuizSubmit)
	h("GET /study/quiz/{id}/results", m.pageQuizResults)
	h("GET /study/quiz/{id}/edit", m.pageQuizEdit)
	h("POST /study/quiz/{id}/questions", m.postQuizChoice)
	h("POST /study/quiz/{id}/questions/remove", m.postQuizRemove)
	h("POST /study/quiz/{id}/publish", m.postQuizPublish)

	h("GET /api/v1/quizzes", m.apiQuizzes)
	h("POST /api/v1/quizzes", m.apiCreateQuiz)
	h("GET /api/v1/quizzes/{id}", m.apiQuiz)
	h("POST /api/v1/quizzes/{id}/attempts", m.apiQuizStart)
	h("POST /api/v1/quizzes/{id}/answers", m.apiQuizSubmit)
	h("GET /api/v1/quizzes/{id}/results", m.apiQuizResults)
	h("GET /api/v1/quizzes/{id}/questions", m.apiQuizQuestions)
	h("POST /api/v1/quizzes/{id}/questions", m.apiQuizChoice)
	h("POST /api/v1/quizzes/{id}/questions/remove", m.apiQuizRemove)
	h("POST /api/v1/quizzes/{id}/publish", m.apiQuizPublish)
}

// quizFigures: "quizzes_held" — quizzes whose last day to start an attempt
// fell in the range and has passed (unit 期).
func quizFigures(m *Module, from, to string) []figureQuery {
	return []figureQuery{{Key: "quizzes_held", Unit: "quiz.unit", SQL: quizzesHeldSQL, Args: []any{from, to, m.quizToday()}}}
}

func quizPathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.NotFoundf("quiz")
	}
	return id, nil
}

func quizFormInt(r *http.Request, k string) int {
	n, err := strconv.Atoi(strings.TrimSpace(r.FormValue(k)))
	if err != nil {
		return 0
	}
	return n
}

// quizFieldErrors maps an error to field → message for a form.
func quizFieldErrors(err error, lang string) map[string]string {
	out := map[string]string{}
	if l, ok := err.(errs.List); ok {
		for _, e := range l {
			if _, seen := out[e.Field]; !seen {
				out[e.Field] = e.Message(lang)
			}
		}
		return out
	}
	if e := errs.As(err); e != nil && e.Field != "" {
		out[e.Field] = e.Message(lang)
	}
	return out
}

// quizFormError reports an error a form re-displays (bad input or a
// conflict); anything else goes to the error page.
func quizFormError(err error) bool {
	if _, ok := err.(errs.List); ok {
		return true
	}
	k := errs.KindOf(err)
	return k == errs.Invalid || k == errs.Conflict
}

func quizErrText(err error, lang string) string {
	if e := errs.As(err); e != nil {
		return e.Message(lang)
	}
	if l, ok := err.(errs.List); ok && len(l) > 0 {
		return l[0].Message(lang)
	}
	return ""
}

func (m *Module) quizT(r *http.Request, key string, args ...any) string {
	return m.Views.Cat.T(web.Lang(r), key, args...)
}

// ---- list ----

type quizListPage struct {
	Items  []QuizListItem `json:"items"`
	Editor bool           `json:"-"`
}

func (m *Module) apiQuizzes(w http.ResponseWriter, r *http.Request) error {
	items, err := m.Quizzes(r.Context(), web.Principal(r))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, quizListPage{Items: items})
	return nil
}

func (m *Module) pageQuizzes(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	items, err := m.Quizzes(r.Context(), p)
	if err != nil {
		return err
	}
	pg := &web.Page{Title: m.quizT(r, "nav.quiz"), D: quizListPage{Items: items, Editor: quizEditor(p)}}
	if k := r.URL.Query().Get("ok"); k == "created" || k == "published" {
		pg.Flash = m.quizT(r, "quiz.flash."+k)
	}
	return m.Views.Render(w, r, http.StatusOK, "quiz_list", pg)
}

// ---- create ----

func quizInputFromForm(r *http.Request) QuizInput {
	return QuizInput{Month: r.FormValue("month"), Title: r.FormValue("title"), TimeLimitMin: quizFormInt(r, "time_limit_min"),
		OpensOn: r.FormValue("opens_on"), ClosesOn: r.FormValue("closes_on"), MakeupFrom: r.FormValue("makeup_from"),
		MakeupTo: r.FormValue("makeup_to"), NoMakeup: r.FormValue("no_makeup") == "1", BlankPoints: quizFormInt(r, "blank_points")}
}

func quizInputForm(in QuizInput) map[string]string {
	f := map[string]string{"month": in.Month, "title": in.Title, "opens_on": in.OpensOn, "closes_on": in.ClosesOn,
		"makeup_from": in.MakeupFrom, "makeup_to": in.MakeupTo, "time_limit_min": "", "blank_points": ""}
	if in.TimeLimitMin != 0 {
		f["time_limit_min"] = fmt.Sprint(in.TimeLimitMin)
	}
	if in.BlankPoints != 0 {
		f["blank_points"] = fmt.Sprint(in.BlankPoints)
	}
	if in.NoMakeup {
		f["no_makeup"] = "1"
	}
	return f
}

func (m *Module) pageQuizNew(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := m.Auth.Authorize(ctx, web.Principal(r), PermEdit, auth.Anything, "study_quiz", ""); err != nil {
		return err
	}
	// Propose the first month from this one on that has no quiz yet.
	month := m.Clock.Now().In(clock.Zone)
	month = time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, clock.Zone)
	for i := 0; i < 24; i++ {
		var n int
		if err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM study_quizzes WHERE month = ?`, month.Format("2006-01")).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			break
		}
		month = month.AddDate(0, 1, 0)
	}
	in, _ := quizValidate(QuizInput{Month: month.Format("2006-01")})
	return m.Views.Render(w, r, http.StatusOK, "quiz_form", &web.Page{Title: m.quizT(r, "quiz.new"), Form: quizInputForm(in)})
}

func (m *Module) postQuiz(w http.ResponseWriter, r *http.Request) error {
	in := quizInputFromForm(r)
	id, err := m.CreateQuiz(r.Context(), web.Principal(r), in)
	if err != nil {
		if quizFormError(err) {
			lang := web.Lang(r)
			pg := &web.Page{Title: m.quizT(r, "quiz.new"), Form: quizInputForm(in), Errors: quizFieldErrors(err, lang), Error: quizErrText(err, lang)}
			return m.Views.Render(w, r, http.StatusUnprocessableEntity, "quiz_form", pg)
		}
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/study/quiz/%d/edit?ok=created", id), http.StatusSeeOther)
	return nil
}

func (m *Module) apiCreateQuiz(w http.ResponseWriter, r *http.Request) error {
	var in QuizInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	id, err := m.CreateQuiz(r.Context(), web.Principal(r), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]int64{"id": id})
	return nil
}

// ---- the member's quiz page ----

// quizOpt is one option as a page shows it.
type quizOpt struct {
	Index  int
	Letter string
	Text   string
	Right  bool // shown only when the key may be shown
	Chosen bool
}

// quizItem is one question as a page shows it.
type quizItem struct {
	N       int
	Q       QuizQuestion
	Options []quizOpt
	Mark    *QuizMark
	Key     string // the answer, when it may be shown
}

func quizItems(qs []QuizQuestion, marks []QuizMark) []quizItem {
	by := map[int64]*QuizMark{}
	for i := range marks {
		by[marks[i].Question] = &marks[i]
	}
	out := make([]quizItem, 0, len(qs))
	for i, q := range qs {
		it := quizItem{N: i + 1, Q: q, Mark: by[q.ID]}
		for j, o := range q.Options {
			op := quizOpt{Index: j, Letter: quizOptionLetter(j), Text: o}
			for _, c := range q.Correct {
				op.Right = op.Right || c == j
			}
			if it.Mark != nil {
				for _, c := range it.Mark.Choices {
					op.Chosen = op.Chosen || c == j
				}
			}
			it.Options = append(it.Options, op)
		}
		if q.Kind == QuizBlank {
			it.Key = q.Phrase
		} else {
			var ls []string
			for _, c := range q.Correct {
				ls = append(ls, quizOptionLetter(c))
			}
			it.Key = strings.Join(ls, "")
		}
		out = append(out, it)
	}
	return out
}

type quizTakePage struct {
	V         *QuizView
	Items     []quizItem
	Remaining string // "18:20"
	Minutes   int
	Seconds   int
	Deadline  string // zone time
	Started   string
	Submitted string
	ShowKeys  bool
}

func (m *Module) renderQuiz(w http.ResponseWriter, r *http.Request, status int, v *QuizView, pg *web.Page) error {
	v.localize(web.Lang(r))
	d := &quizTakePage{V: v}
	if a := v.Attempt; a != nil {
		d.Items = quizItems(v.Questions, a.Marks)
		d.Minutes, d.Seconds = a.RemainingSeconds/60, a.RemainingSeconds%60
		d.Remaining = fmt.Sprintf("%d:%02d", d.Minutes, d.Seconds)
		d.Deadline = a.DeadlineAt.In(clock.Zone).Format("15:04:05")
		d.Started = a.StartedAt.In(clock.Zone).Format("2006-01-02 15:04:05")
		if a.SubmittedAt != nil {
			d.Submitted = a.SubmittedAt.In(clock.Zone).Format("2006-01-02 15:04:05")
		}
		d.ShowKeys = a.State != AttemptInProgress && v.Quiz.Phase == QuizPhaseClosed
	}
	if pg == nil {
		pg = &web.Page{}
	}
	pg.Title, pg.D = v.Quiz.Title, d
	if r.URL.Query().Get("ok") == "submitted" && pg.Flash == "" && pg.Error == "" {
		pg.Flash = m.quizT(r, "quiz.flash.submitted")
	}
	return m.Views.Render(w, r, status, "quiz_take", pg)
}

func (m *Module) pageQuiz(w http.ResponseWriter, r *http.Request) error {
	id, err := quizPathID(r)
	if err != nil {
		return err
	}
	v, err := m.QuizView(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	return m.renderQuiz(w, r, http.StatusOK, v, nil)
}

func (m *Module) apiQuiz(w http.ResponseWriter, r *http.Request) error {
	id, err := quizPathID(r)
	if err != nil {
		return err
	}
	v, err := m.QuizView(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	v.localize(web.Lang(r))
	web.WriteJSON(w, http.StatusOK, v)
	return nil
}

// quizRefusal re-displays the quiz page with a refusal (start or submit
// refused: not open, once only, time is up …), or passes other errors on.
func (m *Module) quizRefusal(w http.ResponseWriter, r *http.Request, id int64, err error) error {
	if errs.KindOf(err) != errs.Conflict && errs.KindOf(err) != errs.Invalid {
		return err
	}
	v, verr := m.QuizView(r.Context(), web.Principal(r), id)
	if verr != nil {
		return err
	}
	return m.renderQuiz(w, r, web.Status(err), v, &web.Page{Error: quizErrText(err, web.Lang(r))})
}

func (m *Module) postQuizStart(w http.ResponseWriter, r *http.Request) error {
	id, err := quizPathID(r)
	if err != nil {
		return err
	}
	if _, _, err := m.StartQuiz(r.Context(), web.Principal(r), id); err != nil {
		return m.quizRefusal(w, r, id, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/study/quiz/%d", id), http.StatusSeeOther)
	return nil
}

func (m *Module) apiQuizStart(w http.ResponseWriter, r *http.Request) error {
	id, err := quizPathID(r)
	if err != nil {
		return err
	}
	v, started, err := m.StartQuiz(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	v.localize(web.Lang(r))
	st := http.StatusOK
	if started {
		st = http.StatusCreated
	}
	web.WriteJSON(w, st, v)
	return nil
}

func (m *Module) postQuizSubmit(w http.ResponseWriter, r *http.Request) error {
	id, err := quizPathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	p := web.Principal(r)
	if err := m.quizLearner(ctx, p, id, true); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errs.New(errs.Invalid, "表单格式错误", "malformed form")
	}
	qs, err := quizQuestions(ctx, m.DB.Q(ctx), id)
	if err != nil {
		return err
	}
	if _, err := m.SubmitQuiz(ctx, p, id, quizAnswersFromForm(qs, r.PostForm)); err != nil {
		return m.quizRefusal(w, r, id, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/study/quiz/%d?ok=submitted", id), http.StatusSeeOther)
	return nil
}

type quizAnswersBody struct {
	Answers []QuizAnswer `json:"answers"`
}

func (m *Module) apiQuizSubmit(w http.ResponseWriter, r *http.Request) error {
	id, err := quizPathID(r)
	if err != nil {
		return err
	}
	var in quizAnswersBody
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	for i := range in.Answers {
		in.Answers[i].Text = quizClip(in.Answers[i].Text, 200)
		if len(in.Answers[i].Choices) > quizMaxOptions {
			return errs.Field("answers", fmt.Sprintf("每题最多选择 %d 项", quizMaxOptions), fmt.Sprintf("at most %d choices per question", quizMaxOptions))
		}
	}
	a, err := m.SubmitQuiz(r.Context(), web.Principal(r), id, in.Answers)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, a)
	return nil
}

// ---- results ----

type quizResultsPage struct {
	R       *QuizResults
	Editor  bool
	Members bool // the committee may list a branch's members
}

func quizBranchParam(r *http.Request) (int64, error) {
	s := r.URL.Query().Get("branch")
	if s == "" {
		return 0, nil
	}
	b, err := strconv.ParseInt(s, 10, 64)
	if err != nil || b <= 0 {
		return 0, errs.Field("branch", "党组织编号须为正整数", "branch must be a positive integer")
	}
	return b, nil
}

func (m *Module) quizResults(r *http.Request) (*QuizResults, error) {
	id, err := quizPathID(r)
	if err != nil {
		return nil, err
	}
	b, err := quizBranchParam(r)
	if err != nil {
		return nil, err
	}
	return m.QuizResults(r.Context(), web.Principal(r), id, b)
}

func (m *Module) apiQuizResults(w http.ResponseWriter, r *http.Request) error {
	res, err := m.quizResults(r)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, res)
	return nil
}

func (m *Module) pageQuizResults(w http.ResponseWriter, r *http.Request) error {
	res, err := m.quizResults(r)
	if err != nil {
		return err
	}
	p := web.Principal(r)
	d := quizResultsPage{R: res, Editor: quizEditor(p), Members: res.Zone != nil}
	return m.Views.Render(w, r, http.StatusOK, "quiz_results", &web.Page{Title: res.Quiz.Title + " · " + m.quizT(r, "quiz.results"), D: d})
}

// ---- editors ----

type quizEditPage struct {
	E     *QuizEdit
	Items []quizItem
	Slots []quizSlot // option inputs of the choice form
}

type quizSlot struct {
	I int
	L string
}

func (m *Module) renderQuizEdit(w http.ResponseWriter, r *http.Request, status int, id int64, pg *web.Page) error {
	e, err := m.QuizForEdit(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	if pg == nil {
		pg = &web.Page{}
	}
	if pg.Form == nil {
		pg.Form = map[string]string{"kind": QuizSingle, "points": fmt.Sprint(quizDefaultChoicePt)}
	}
	if k := r.URL.Query().Get("ok"); pg.Flash == "" && pg.Error == "" && (k == "created" || k == "added" || k == "removed") {
		pg.Flash = m.quizT(r, "quiz.flash."+k)
	}
	pg.Title = e.Quiz.Title
	pg.D = quizEditPage{E: e, Items: quizItems(e.Questions, nil), Slots: quizSlots()}
	return m.Views.Render(w, r, status, "quiz_edit", pg)
}

func (m *Module) pageQuizEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := quizPathID(r)
	if err != nil {
		return err
	}
	return m.renderQuizEdit(w, r, http.StatusOK, id, nil)
}

func (m *Module) apiQuizQuestions(w http.ResponseWriter, r *http.Request) error {
	id, err := quizPathID(r)
	if err != nil {
		return err
	}
	e, err := m.QuizForEdit(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, e)
	return nil
}

// quizChoiceFromForm reads the choice form: six option inputs opt0…opt5
// with a "correct" checkbox each; empty options are dropped and the
// right answers renumbered with them.
func quizChoiceFromForm(r *http.Request) (QuizChoiceInput, map[string]string) {
	_ = r.ParseForm()
	in := QuizChoiceInput{Kind: r.FormValue("kind"), Prompt: r.FormValue("prompt"), Points: quizFormInt(r, "points")}
	in.ArticleID, _ = strconv.ParseInt(r.FormValue("article_id"), 10, 64)
	form := map[string]string{"kind": in.Kind, "prompt": in.Prompt, "points": r.FormValue("points"), "article_id": r.FormValue("article_id")}
	marked := map[string]bool{}
	for _, v := range r.PostForm["correct"] {
		marked[v] = true
	}
	for i := 0; i < 6; i++ {
		k := fmt.Sprint(i)
		o := strings.TrimSpace(r.FormValue("opt" + k))
		form["opt"+k] = o
		if marked[k] {
			form["correct"+k] = "1"
		}
		if o == "" {
			continue
		}
		if marked[k] {
			in.Correct = append(in.Correct, len(in.Options))
		}
		in.Options = append(in.Options, o)
	}
	return in, form
}

func (m *Module) postQuizChoice(w http.ResponseWriter, r *http.Request) error {
	id, err := quizPathID(r)
	if err != nil {
		return err
	}
	in, form := quizChoiceFromForm(r)
	if _, err := m.AddQuizChoice(r.Context(), web.Principal(r), id, in); err != nil {
		if quizFormError(err) {
			lang := web.Lang(r)
			return m.renderQuizEdit(w, r, web.Status(err), id, &web.Page{Form: form, Errors: quizFieldErrors(err, lang), Error: quizErrText(err, lang)})
		}
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/study/quiz/%d/edit?ok=added", id), http.StatusSeeOther)
	return nil
}

func (m *Module) apiQuizChoice(w http.ResponseWriter, r *http.Request) error {
	id, err := quizPathID(r)
	if err != nil {
		return err
	}
	var in QuizChoiceInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	qid, err := m.AddQuizChoice(r.Context(), web.Principal(r), id, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]int64{"id": qid})
	return nil
}

func (m *Module) postQuizRemove(w http.ResponseWriter, r *http.Request) error {
	id, err := quizPathID(r)
	if err != nil {
		return err
	}
	qid, _ := strconv.ParseInt(r.FormValue("question"), 10, 64)
	if err := m.RemoveQuizQuestion(r.Context(), web.Principal(r), id, qid); err != nil {
		if quizFormError(err) {
			return m.renderQuizEdit(w, r, web.Status(err), id, &web.Page{Error: quizErrText(err, web.Lang(r))})
		}
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/study/quiz/%d/edit?ok=removed", id), http.StatusSeeOther)
	return nil
}

type quizRemoveBody struct {
	Question int64 `json:"question"`
}

func (m *Module) apiQuizRemove(w http.ResponseWriter, r *http.Request) error {
	id, err := quizPathID(r)
	if err != nil {
		return err
	}
	var in quizRemoveBody
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if err := m.RemoveQuizQuestion(r.Context(), web.Principal(r), id, in.Question); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (m *Module) postQuizPublish(w http.ResponseWriter, r *http.Request) error {
	id, err := quizPathID(r)
	if err != nil {
		return err
	}
	if err := m.PublishQuiz(r.Context(), web.Principal(r), id); err != nil {
		if quizFormError(err) {
			return m.renderQuizEdit(w, r, web.Status(err), id, &web.Page{Error: quizErrText(err, web.Lang(r))})
		}
		return err
	}
	http.Redirect(w, r, "/study/quiz?ok=published", http.StatusSeeOther)
	return nil
}

func (m *Module) apiQuizPublish(w http.ResponseWriter, r *http.Request) error {
	id, err := quizPathID(r)
	if err != nil {
		return err
	}
	if err := m.PublishQuiz(r.Context(), web.Principal(r), id); err != nil {
		return err
	}
	q, err := quizGet(r.Context(), m.DB.Q(r.Context()), id)
	if err != nil {
		return err
	}
	q.Phase = quizPhase(q, m.quizToday())
	web.WriteJSON(w, http.StatusOK, q)
	return nil
}

func quizSlots() []quizSlot {
	out := make([]quizSlot, 6)
	for i := range out {
		out[i] = quizSlot{I: i, L: quizOptionLetter(i)}
	}
	return out
}
