package study

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/web"
)

func init() {
	routeParts = append(routeParts, func(m *Module, r *web.Router) {
		h := func(pattern string, fn web.Handler) { r.Handle(pattern, fn) }
		// JSON API
		h("GET /api/v1/challenges", m.apiChallenges)
		h("POST /api/v1/challenges", m.apiCreateChallenge)
		h("GET /api/v1/challenges/{id}", m.apiChallenge)
		h("PUT /api/v1/challenges/{id}", m.apiUpdateChallenge)
		h("POST /api/v1/challenges/{id}/rounds", m.apiAddChallengeRound)
		h("DELETE /api/v1/challenge-rounds/{id}", m.apiDeleteChallengeRound)
		h("POST /api/v1/challenges/{id}/players", m.apiRegisterChallenge)
		h("POST /api/v1/challenges/{id}/status", m.apiChallengeStatus)
		h("GET /api/v1/challenges/{id}/play", m.apiChallengePlay)
		h("POST /api/v1/challenge-rounds/{id}/start", m.apiStartChallengeRound)
		h("POST /api/v1/challenges/{id}/answers", m.apiAnswerChallenge)
		h("GET /api/v1/challenges/{id}/board", m.apiChallengeBoard)
		h("GET /api/v1/challenges/{id}/results", m.apiChallengeResults)
		// HTML
		h("GET /study/challenges", m.pageChallenges)
		h("GET /study/challenges/new", m.pageChallengeForm)
		h("POST /study/challenges", m.postChallenge)
		h("GET /study/challenges/{id}", m.pageChallenge)
		h("POST /study/challenges/{id}", m.postChallenge)
		h("POST /study/challenges/{id}/rounds", m.postChallengeRound)
		h("POST /study/challenge-rounds/{id}/delete", m.postDeleteChallengeRound)
		h("POST /study/challenges/{id}/players", m.postRegisterChallenge)
		h("POST /study/challenges/{id}/status", m.postChallengeStatus)
		h("GET /study/challenges/{id}/play", m.pageChallengePlay)
		h("POST /study/challenge-rounds/{id}/start", m.postStartChallengeRound)
		h("POST /study/challenges/{id}/answers", m.postAnswerChallenge)
		h("GET /study/challenges/{id}/board", m.pageChallengeBoard)
		h("GET /study/challenges/{id}/results", m.pageChallengeResults)
	})
	navItems = append(navItems, web.NavItem{Key: "nav.challenge", Path: "/study/challenges", Perm: PermLearn, Order: 20})
	figureParts = append(figureParts, func(m *Module, from, to string) []figureQuery {
		return []figureQuery{{Key: "challenge_players", Unit: "challenge.unit.players", SQL: challengePlayersSQL, Args: []any{from, to}}}
	})
	demoParts = append(demoParts, demoPart{Order: 40, Load: loadChallengeDemo})
}

// chID reads the {id} of a path; anything but a positive number is 404.
func chID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.NotFoundf("对象")
	}
	return id, nil
}

func chFormInt(r *http.Request, k string) int64 {
	v, _ := strconv.ParseInt(strings.TrimSpace(r.FormValue(k)), 10, 64)
	return v
}

// chInvalid reports an error a form shows beside its fields.
func chInvalid(err error) bool {
	var l errs.List
	return errors.As(err, &l) || errs.KindOf(err) == errs.Invalid
}

// chFieldErrors maps an error to field → message for re-displaying a form
// ("_" holds an error that names no field).
func chFieldErrors(err error, lang string) map[string]string {
	out := map[string]string{}
	var l errs.List
	if errors.As(err, &l) {
		for _, e := range l {
			if _, seen := out[e.Field]; !seen {
				out[e.Field] = e.Message(lang)
			}
		}
		return out
	}
	if e := errs.As(err); e != nil {
		f := e.Field
		if f == "" {
			f = "_"
		}
		out[f] = e.Message(lang)
	}
	return out
}

func (m *Module) chT(r *http.Request, key string, args ...any) string {
	return m.Views.Cat.T(web.Lang(r), key, args...)
}

// ---- JSON API ----

func (m *Module) apiChallenges(w http.ResponseWriter, r *http.Request) error {
	cs, err := m.Challenges(r.Context(), web.Principal(r))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"items": cs})
	return nil
}

func (m *Module) apiCreateChallenge(w http.ResponseWriter, r *http.Request) error {
	if err := m.chAuthorize(r.Context(), web.Principal(r), PermEdit, 0); err != nil {
		return err
	}
	var in ChallengeInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	id, err := m.CreateChallenge(r.Context(), web.Principal(r), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]int64{"id": id})
	return nil
}

func (m *Module) apiChallenge(w http.ResponseWriter, r *http.Request) error {
	id, err := chID(r)
	if err != nil {
		return err
	}
	d, err := m.Challenge(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d)
	return nil
}

func (m *Module) apiUpdateChallenge(w http.ResponseWriter, r *http.Request) error {
	id, err := chID(r)
	if err != nil {
		return err
	}
	if err := m.chAuthorize(r.Context(), web.Principal(r), PermEdit, id); err != nil {
		return err
	}
	var in ChallengeInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if err := m.UpdateChallenge(r.Context(), web.Principal(r), id, in); err != nil {
		return err
	}
	return m.apiChallenge(w, r)
}

func (m *Module) apiAddChallengeRound(w http.ResponseWriter, r *http.Request) error {
	id, err := chID(r)
	if err != nil {
		return err
	}
	if err := m.chAuthorize(r.Context(), web.Principal(r), PermEdit, id); err != nil {
		return err
	}
	var in ChallengeRoundInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	rid, err := m.AddChallengeRound(r.Context(), web.Principal(r), id, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]int64{"id": rid})
	return nil
}

func (m *Module) apiDeleteChallengeRound(w http.ResponseWriter, r *http.Request) error {
	id, err := chID(r)
	if err != nil {
		return err
	}
	if _, err := m.DeleteChallengeRound(r.Context(), web.Principal(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (m *Module) apiRegisterChallenge(w http.ResponseWriter, r *http.Request) error {
	id, err := chID(r)
	if err != nil {
		return err
	}
	if err := m.chAuthorize(r.Context(), web.Principal(r), PermLearn, id); err != nil {
		return err
	}
	var in ChallengeRegistrationInput
	if r.ContentLength != 0 {
		if err := web.DecodeJSON(r, &in); err != nil {
			return err
		}
	}
	n, err := m.RegisterChallenge(r.Context(), web.Principal(r), id, in)
	if err != nil {
		return err
	}
	st := http.StatusCreated
	if n == 0 {
		st = http.StatusOK // already registered: nothing changed
	}
	web.WriteJSON(w, st, map[string]int{"added": n})
	return nil
}

func (m *Module) apiChallengeStatus(w http.ResponseWriter, r *http.Request) error {
	id, err := chID(r)
	if err != nil {
		return err
	}
	if err := m.chAuthorize(r.Context(), web.Principal(r), PermEdit, id); err != nil {
		return err
	}
	var in struct {
		To string `json:"to"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if err := m.SetChallengeStatus(r.Context(), web.Principal(r), id, in.To); err != nil {
		return err
	}
	return m.apiChallenge(w, r)
}

func (m *Module) apiChallengePlay(w http.ResponseWriter, r *http.Request) error {
	id, err := chID(r)
	if err != nil {
		return err
	}
	pl, err := m.ChallengePlay(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, pl)
	return nil
}

func (m *Module) apiStartChallengeRound(w http.ResponseWriter, r *http.Request) error {
	id, err := chID(r)
	if err != nil {
		return err
	}
	a, err := m.StartChallengeRound(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	st := http.StatusOK
	if a.New {
		st = http.StatusCreated
	}
	web.WriteJSON(w, st, a)
	return nil
}

func (m *Module) apiAnswerChallenge(w http.ResponseWriter, r *http.Request) error {
	id, err := chID(r)
	if err != nil {
		return err
	}
	if err := m.chAuthorize(r.Context(), web.Principal(r), PermLearn, id); err != nil {
		return err
	}
	var in ChallengeAnswerInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	res, err := m.AnswerChallenge(r.Context(), web.Principal(r), id, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, res)
	return nil
}

func (m *Module) apiChallengeBoard(w http.ResponseWriter, r *http.Request) error {
	id, err := chID(r)
	if err != nil {
		return err
	}
	b, err := m.ChallengeBoard(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, b)
	return nil
}

func (m *Module) apiChallengeResults(w http.ResponseWriter, r *http.Request) error {
	id, err := chID(r)
	if err != nil {
		return err
	}
	b, err := m.ChallengeResults(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, b)
	return nil
}

// ---- HTML ----

func (m *Module) pageChallenges(w http.ResponseWriter, r *http.Request) error {
	cs, err := m.Challenges(r.Context(), web.Principal(r))
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "challenge_list", &web.Page{Title: m.chT(r, "nav.challenge"), D: cs})
}

func (m *Module) pageChallengeForm(w http.ResponseWriter, r *http.Request) error {
	if err := m.chAuthorize(r.Context(), web.Principal(r), PermEdit, 0); err != nil {
		return err
	}
	pg := &web.Page{Title: m.chT(r, "challenge.new"), Form: map[string]string{"held_on": clock.Day(m.Clock.Now())}}
	return m.Views.Render(w, r, http.StatusOK, "challenge_form", pg)
}

// postChallenge creates a challenge (POST /study/challenges) or changes
// its title and day (POST /study/challenges/{id}).
func (m *Module) postChallenge(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	in := ChallengeInput{Title: r.FormValue("title"), HeldOn: r.FormValue("held_on")}
	if r.PathValue("id") == "" {
		id, err := m.CreateChallenge(r.Context(), p, in)
		if chInvalid(err) {
			pg := &web.Page{Title: m.chT(r, "challenge.new"), Form: map[string]string{"title": in.Title, "held_on": in.HeldOn},
				Errors: chFieldErrors(err, web.Lang(r)), Error: m.chT(r, "form.fix")}
			return m.Views.Render(w, r, http.StatusUnprocessableEntity, "challenge_form", pg)
		}
		if err != nil {
			return err
		}
		http.Redirect(w, r, fmt.Sprintf("/study/challenges/%d?ok=created", id), http.StatusSeeOther)
		return nil
	}
	id, err := chID(r)
	if err != nil {
		return err
	}
	err = m.UpdateChallenge(r.Context(), p, id, in)
	if chInvalid(err) {
		return m.renderChallenge(w, r, http.StatusUnprocessableEntity, id, &web.Page{Form: map[string]string{"title": in.Title, "held_on": in.HeldOn},
			Errors: chFieldErrors(err, web.Lang(r)), Error: m.chT(r, "form.fix")})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/study/challenges/%d?ok=saved", id), http.StatusSeeOther)
	return nil
}

// challengeSlots is how many question blocks the round form offers; blank
// blocks are ignored, so a round may have fewer questions.
const challengeSlots = 5

type challengePage struct {
	*ChallengeDetail
	Slots    []int
	Letters  [4]string
	Branches []*directory.Branch
	Members  []challengeMemberGroup
	Round    string // the form's round fields, for re-display
}

type challengeMemberGroup struct {
	Branch  string
	Members []directory.Member
}

func (m *Module) pageChallenge(w http.ResponseWriter, r *http.Request) error {
	id, err := chID(r)
	if err != nil {
		return err
	}
	return m.renderChallenge(w, r, http.StatusOK, id, &web.Page{})
}

func (m *Module) renderChallenge(w http.ResponseWriter, r *http.Request, status int, id int64, pg *web.Page) error {
	ctx := r.Context()
	d, err := m.Challenge(ctx, web.Principal(r), id)
	if err != nil {
		return err
	}
	cp := &challengePage{ChallengeDetail: d, Letters: challengeLetters}
	for i := 0; i < challengeSlots; i++ {
		cp.Slots = append(cp.Slots, i)
	}
	if d.CanEdit && (d.Status == ChallengeRegistration || d.Status == ChallengeOpen) {
		if cp.Branches, err = m.Dir.BranchList(ctx, ""); err != nil {
			return err
		}
		members, err := m.Dir.MembersOf(ctx, 0, false)
		if err != nil {
			return err
		}
		names := map[int64]string{}
		for _, b := range cp.Branches {
			names[b.ID] = b.Name
		}
		idx := map[int64]int{}
		for _, mb := range members {
			i, ok := idx[mb.BranchID]
			if !ok {
				i = len(cp.Members)
				idx[mb.BranchID] = i
				cp.Members = append(cp.Members, challengeMemberGroup{Branch: names[mb.BranchID]})
			}
			cp.Members[i].Members = append(cp.Members[i].Members, mb)
		}
	}
	if pg.Form == nil {
		pg.Form = map[string]string{}
	}
	for k, v := range map[string]string{"title": d.Title, "held_on": d.HeldOn, "time_limit_s": "60"} {
		if _, ok := pg.Form[k]; !ok {
			pg.Form[k] = v
		}
	}
	pg.Title, pg.D = d.Title, cp
	return m.Views.Render(w, r, status, "challenge_detail", pg)
}

// roundFromForm reads the round form: the time limit and up to
// challengeSlots question blocks. Blank blocks after the last filled one
// are left out; a blank block between filled ones is kept, so that its
// error names the block the editor sees.
func roundFromForm(r *http.Request) (in ChallengeRoundInput, form map[string]string) {
	form = map[string]string{"time_limit_s": r.FormValue("time_limit_s")}
	in.TimeLimitS, _ = strconv.Atoi(strings.TrimSpace(r.FormValue("time_limit_s")))
	last := -1
	var qs []ChallengeQuestionInput
	for i := 0; i < challengeSlots; i++ {
		f := fmt.Sprintf("questions[%d].", i)
		q := ChallengeQuestionInput{Stem: r.FormValue(f + "stem"), Answer: r.FormValue(f + "answer")}
		blank := strings.TrimSpace(q.Stem) == "" && q.Answer == ""
		form[f+"stem"], form[f+"answer"] = q.Stem, q.Answer
		for j := 0; j < 4; j++ {
			o := r.FormValue(fmt.Sprintf("%soptions[%d]", f, j))
			form[fmt.Sprintf("%soptions[%d]", f, j)] = o
			q.Options = append(q.Options, o)
			blank = blank && strings.TrimSpace(o) == ""
		}
		if !blank {
			last = i
		}
		qs = append(qs, q)
	}
	in.Questions = qs[:last+1]
	return in, form
}

func (m *Module) postChallengeRound(w http.ResponseWriter, r *http.Request) error {
	id, err := chID(r)
	if err != nil {
		return err
	}
	in, form := roundFromForm(r)
	_, err = m.AddChallengeRound(r.Context(), web.Principal(r), id, in)
	if chInvalid(err) {
		return m.renderChallenge(w, r, http.StatusUnprocessableEntity, id, &web.Page{Form: form, Errors: chFieldErrors(err, web.Lang(r)), Error: m.chT(r, "form.fix")})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/study/challenges/%d?ok=saved#rounds", id), http.StatusSeeOther)
	return nil
}

func (m *Module) postDeleteChallengeRound(w http.ResponseWriter, r *http.Request) error {
	id, err := chID(r)
	if err != nil {
		return err
	}
	cid, err := m.DeleteChallengeRound(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/study/challenges/%d?ok=saved#rounds", cid), http.StatusSeeOther)
	return nil
}

func (m *Module) postRegisterChallenge(w http.ResponseWriter, r *http.Request) error {
	id, err := chID(r)
	if err != nil {
		return err
	}
	in := ChallengeRegistrationInput{PersonID: chFormInt(r, "person_id"), BranchID: chFormInt(r, "branch_id")}
	if r.FormValue("self") == "1" {
		in = ChallengeRegistrationInput{}
	} else if in.PersonID == 0 && in.BranchID == 0 && chEditor(web.Principal(r)) && r.FormValue("who") != "" {
		err := errs.Field("person_id", "请选择人员或党组织", "choose a person or a branch")
		return m.renderChallenge(w, r, http.StatusUnprocessableEntity, id, &web.Page{Errors: chFieldErrors(err, web.Lang(r)), Error: m.chT(r, "form.fix")})
	}
	_, err = m.RegisterChallenge(r.Context(), web.Principal(r), id, in)
	if chInvalid(err) {
		return m.renderChallenge(w, r, http.StatusUnprocessableEntity, id, &web.Page{Errors: chFieldErrors(err, web.Lang(r)), Error: m.chT(r, "form.fix")})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/study/challenges/%d?ok=saved#players", id), http.StatusSeeOther)
	return nil
}

func (m *Module) postChallengeStatus(w http.ResponseWriter, r *http.Request) error {
	id, err := chID(r)
	if err != nil {
		return err
	}
	err = m.SetChallengeStatus(r.Context(), web.Principal(r), id, r.FormValue("to"))
	if chInvalid(err) || errs.KindOf(err) == errs.Conflict {
		st := http.StatusUnprocessableEntity
		if errs.KindOf(err) == errs.Conflict {
			st = http.StatusConflict
		}
		return m.renderChallenge(w, r, st, id, &web.Page{Error: errs.As(err).Message(web.Lang(r))})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/study/challenges/%d?ok=saved", id), http.StatusSeeOther)
	return nil
}

type challengePlayPage struct {
	*ChallengePlay
	Letters [4]string
	Result  string // how the last answer counted: right, wrong, late
}

func (m *Module) pageChallengePlay(w http.ResponseWriter, r *http.Request) error {
	id, err := chID(r)
	if err != nil {
		return err
	}
	return m.renderChallengePlay(w, r, http.StatusOK, id, &web.Page{})
}

func (m *Module) renderChallengePlay(w http.ResponseWriter, r *http.Request, status int, id int64, pg *web.Page) error {
	pl, err := m.ChallengePlay(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	res := r.URL.Query().Get("r")
	if res != "right" && res != "wrong" && res != "late" {
		res = ""
	}
	pg.Title, pg.D = pl.Challenge.Title, &challengePlayPage{ChallengePlay: pl, Letters: challengeLetters, Result: res}
	return m.Views.Render(w, r, status, "challenge_play", pg)
}

func (m *Module) postStartChallengeRound(w http.ResponseWriter, r *http.Request) error {
	id, err := chID(r)
	if err != nil {
		return err
	}
	a, err := m.StartChallengeRound(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/study/challenges/%d/play", a.ChallengeID), http.StatusSeeOther)
	return nil
}

func (m *Module) postAnswerChallenge(w http.ResponseWriter, r *http.Request) error {
	id, err := chID(r)
	if err != nil {
		return err
	}
	res, err := m.AnswerChallenge(r.Context(), web.Principal(r), id, ChallengeAnswerInput{QuestionID: chFormInt(r, "question_id"), Choice: r.FormValue("choice")})
	if chInvalid(err) {
		if rerr := m.renderChallengePlay(w, r, http.StatusUnprocessableEntity, id, &web.Page{Errors: chFieldErrors(err, web.Lang(r)), Error: m.chT(r, "form.fix")}); rerr != nil {
			return err // not a player: the answer's own error says enough
		}
		return nil
	}
	if err != nil {
		return err
	}
	outcome := "wrong"
	switch {
	case !res.InTime:
		outcome = "late"
	case res.Correct:
		outcome = "right"
	}
	http.Redirect(w, r, fmt.Sprintf("/study/challenges/%d/play?r=%s", id, outcome), http.StatusSeeOther)
	return nil
}

func (m *Module) pageChallengeBoard(w http.ResponseWriter, r *http.Request) error {
	id, err := chID(r)
	if err != nil {
		return err
	}
	b, err := m.ChallengeBoard(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "challenge_board", &web.Page{Title: m.chT(r, "challenge.board") + " · " + b.Challenge.Title, D: b})
}

func (m *Module) pageChallengeResults(w http.ResponseWriter, r *http.Request) error {
	id, err := chID(r)
	if err != nil {
		return err
	}
	b, err := m.ChallengeResults(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "challenge_results", &web.Page{Title: m.chT(r, "challenge.results") + " · " + b.Challenge.Title, D: b})
}
