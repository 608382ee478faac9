package organ

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/web"
)

func init() {
	routeParts = append(routeParts, func(m *Module, r *web.Router) {
		h := func(pattern string, fn web.Handler) { r.Handle(pattern, fn) }
		h("GET /organ/exemplars", m.pageRounds)
		h("POST /organ/exemplars", m.postRound)
		h("GET /organ/exemplars/{id}", m.pageRound)
		h("GET /organ/exemplars/{id}/results.xlsx", m.exportRound)
		h("POST /organ/exemplars/{id}/nominations", m.postNomination)
		h("POST /organ/exemplars/{id}/ballot", m.postBallot)
		h("POST /organ/exemplar-nominations/{id}/objections", m.postObjection)
		h("POST /organ/exemplar-objections/{id}/review", m.postReview)
		h("GET /api/v1/organ/exemplars", m.apiRounds)
		h("POST /api/v1/organ/exemplars", m.apiCreateRound)
		h("GET /api/v1/organ/exemplars/{id}", m.apiRound)
		h("POST /api/v1/organ/exemplars/{id}/nominations", m.apiNominate)
		h("POST /api/v1/organ/exemplars/{id}/ballot", m.apiBallot)
		h("POST /api/v1/organ/exemplar-nominations/{id}/objections", m.apiObject)
		h("POST /api/v1/organ/exemplar-objections/{id}/review", m.apiReview)
	})
	navItems = append(navItems, web.NavItem{Key: "nav.organ_exemplars", Path: "/organ/exemplars", Perm: PermRead, Order: 53})
	demoParts = append(demoParts, demoPart{Order: 30, Load: loadExemplarsDemo})
}

func exID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.NotFoundf("object")
	}
	return id, nil
}

func (m *Module) exT(r *http.Request, key string, args ...any) string {
	return m.Views.Cat.T(web.Lang(r), key, args...)
}

type roundsPage struct {
	Rounds    []*Round
	CanManage bool
	MinDays   int
}

func (m *Module) pageRounds(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	rs, err := m.Rounds(r.Context(), p)
	if err != nil {
		return err
	}
	pg := &web.Page{Title: m.exT(r, "nav.organ_exemplars"), D: &roundsPage{Rounds: rs, CanManage: auth.Can(p, PermManage, auth.Anything), MinDays: MinPublicityDays}}
	if ok := r.URL.Query().Get("ok"); ok != "" {
		pg.Flash = m.exT(r, "exemplars.ok_"+ok)
	}
	return m.Views.Render(w, r, http.StatusOK, "exemplars_rounds", pg)
}

func (m *Module) apiRounds(w http.ResponseWriter, r *http.Request) error {
	rs, err := m.Rounds(r.Context(), web.Principal(r))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"items": rs})
	return nil
}

func formInt(r *http.Request, k string) int {
	v, _ := strconv.Atoi(strings.TrimSpace(r.FormValue(k)))
	return v
}

func (m *Module) postRound(w http.ResponseWriter, r *http.Request) error {
	_ = r.ParseForm()
	in := RoundInput{Title: r.FormValue("title"), Year: formInt(r, "year"), Quota: formInt(r, "quota"), NominateFrom: r.FormValue("nominate_from"),
		NominateTo: r.FormValue("nominate_to"), VoteTo: r.FormValue("vote_to"), PublicityTo: r.FormValue("publicity_to")}
	id, err := m.CreateRound(r.Context(), web.Principal(r), in)
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/organ/exemplars/%d?ok=created", id), http.StatusSeeOther)
	return nil
}

func (m *Module) apiCreateRound(w http.ResponseWriter, r *http.Request) error {
	if err := m.exAuthorize(r.Context(), web.Principal(r), PermManage, 0); err != nil {
		return err
	}
	var in RoundInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	id, err := m.CreateRound(r.Context(), web.Principal(r), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]int64{"id": id})
	return nil
}

type roundPage struct {
	*Round
	Selected   []Nomination
	CanManage  bool
	CanVote    bool
	Candidates []directory.Member
}

func (m *Module) roundData(r *http.Request) (*roundPage, error) {
	id, err := exID(r)
	if err != nil {
		return nil, err
	}
	p := web.Principal(r)
	rd, err := m.RoundDetail(r.Context(), p, id)
	if err != nil {
		return nil, err
	}
	d := &roundPage{Round: rd, Selected: rd.Selected(), CanManage: auth.Can(p, PermManage, auth.Anything)}
	if rd.Status == RoundVoting && !rd.Voted {
		if d.CanVote, err = m.eligibleVoter(r.Context(), p); err != nil {
			return nil, err
		}
	}
	if rd.Status == RoundNominating {
		if d.Candidates, err = m.Candidates(r.Context(), p); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func (m *Module) pageRound(w http.ResponseWriter, r *http.Request) error {
	d, err := m.roundData(r)
	if err != nil {
		return err
	}
	pg := &web.Page{Title: d.Title, D: d}
	if ok := r.URL.Query().Get("ok"); ok != "" {
		pg.Flash = m.exT(r, "exemplars.ok_"+ok)
	}
	return m.Views.Render(w, r, http.StatusOK, "exemplars_round", pg)
}

func (m *Module) apiRound(w http.ResponseWriter, r *http.Request) error {
	d, err := m.roundData(r)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d.Round)
	return nil
}

// exportRound is the result sheet: nominees, branches, counts and places —
// never a voter.
func (m *Module) exportRound(w http.ResponseWriter, r *http.Request) error {
	d, err := m.roundData(r)
	if err != nil {
		return err
	}
	if d.Status != RoundPublicity && d.Status != RoundFinal {
		return errs.New(errs.Conflict, "投票结束后才能导出结果", "results can be exported once voting has closed")
	}
	f := excelize.NewFile()
	defer f.Close()
	sh := f.GetSheetName(0)
	_ = f.SetSheetRow(sh, "A1", &[]any{m.exT(r, "exemplars.rank"), m.exT(r, "exemplars.nominee"), m.exT(r, "exemplars.branch"), m.exT(r, "exemplars.votes"), m.exT(r, "exemplars.on_list")})
	for i, n := range d.Nominees {
		on := ""
		if n.Selected {
			on = "✓"
		}
		_ = f.SetSheetRow(sh, fmt.Sprintf("A%d", i+2), &[]any{n.Rank, n.Name, n.Branch, *n.Votes, on})
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"exemplars-%d.xlsx\"", d.ID))
	_, err = w.Write(buf.Bytes())
	return err
}

func (m *Module) postNomination(w http.ResponseWriter, r *http.Request) error {
	id, err := exID(r)
	if err != nil {
		return err
	}
	_ = r.ParseForm()
	pid, _ := strconv.ParseInt(r.FormValue("person_id"), 10, 64)
	if _, err := m.Nominate(r.Context(), web.Principal(r), id, NominationInput{PersonID: pid, Reason: r.FormValue("reason")}); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/organ/exemplars/%d?ok=nominated", id), http.StatusSeeOther)
	return nil
}

func (m *Module) apiNominate(w http.ResponseWriter, r *http.Request) error {
	id, err := exID(r)
	if err != nil {
		return err
	}
	if err := m.exAuthorize(r.Context(), web.Principal(r), PermRead, id); err != nil {
		return err
	}
	var in NominationInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	nid, err := m.Nominate(r.Context(), web.Principal(r), id, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]int64{"id": nid})
	return nil
}

func (m *Module) postBallot(w http.ResponseWriter, r *http.Request) error {
	id, err := exID(r)
	if err != nil {
		return err
	}
	_ = r.ParseForm()
	var picks []int64
	for _, s := range r.Form["choices"] {
		if v, err := strconv.ParseInt(s, 10, 64); err == nil {
			picks = append(picks, v)
		}
	}
	if err := m.Vote(r.Context(), web.Principal(r), id, picks); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/organ/exemplars/%d?ok=voted", id), http.StatusSeeOther)
	return nil
}

func (m *Module) apiBallot(w http.ResponseWriter, r *http.Request) error {
	id, err := exID(r)
	if err != nil {
		return err
	}
	if err := m.exAuthorize(r.Context(), web.Principal(r), PermRead, id); err != nil {
		return err
	}
	var in struct {
		Choices []int64 `json:"choices"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if err := m.Vote(r.Context(), web.Principal(r), id, in.Choices); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]bool{"voted": true})
	return nil
}

func (m *Module) nominationRound(r *http.Request, nid int64) int64 {
	var rid int64
	_ = m.DB.Q(r.Context()).QueryRowContext(r.Context(), `SELECT round_id FROM exemplars_nominations WHERE id = ?`, nid).Scan(&rid)
	return rid
}

func (m *Module) postObjection(w http.ResponseWriter, r *http.Request) error {
	id, err := exID(r)
	if err != nil {
		return err
	}
	_ = r.ParseForm()
	if _, err := m.Object(r.Context(), web.Principal(r), id, r.FormValue("body")); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/organ/exemplars/%d?ok=objected", m.nominationRound(r, id)), http.StatusSeeOther)
	return nil
}

func (m *Module) apiObject(w http.ResponseWriter, r *http.Request) error {
	id, err := exID(r)
	if err != nil {
		return err
	}
	if err := m.exAuthorize(r.Context(), web.Principal(r), PermRead, 0); err != nil {
		return err
	}
	var in struct {
		Body string `json:"body"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	oid, err := m.Object(r.Context(), web.Principal(r), id, in.Body)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]int64{"id": oid})
	return nil
}

func (m *Module) postReview(w http.ResponseWriter, r *http.Request) error {
	id, err := exID(r)
	if err != nil {
		return err
	}
	_ = r.ParseForm()
	if err := m.ReviewObjection(r.Context(), web.Principal(r), id, r.FormValue("decision"), r.FormValue("review_note")); err != nil {
		return err
	}
	var rid int64
	_ = m.DB.Q(r.Context()).QueryRowContext(r.Context(), `SELECT n.round_id FROM exemplars_objections o JOIN exemplars_nominations n ON n.id = o.nomination_id WHERE o.id = ?`, id).Scan(&rid)
	http.Redirect(w, r, fmt.Sprintf("/organ/exemplars/%d?ok=reviewed", rid), http.StatusSeeOther)
	return nil
}

func (m *Module) apiReview(w http.ResponseWriter, r *http.Request) error {
	id, err := exID(r)
	if err != nil {
		return err
	}
	if err := m.exAuthorize(r.Context(), web.Principal(r), PermManage, 0); err != nil {
		return err
	}
	var in struct {
		Decision   string `json:"decision"`
		ReviewNote string `json:"review_note"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if err := m.ReviewObjection(r.Context(), web.Principal(r), id, in.Decision, in.ReviewNote); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]string{"status": in.Decision})
	return nil
}
