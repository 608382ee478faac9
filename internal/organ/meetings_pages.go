package organ

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/web"
)

func init() {
	routeParts = append(routeParts, func(m *Module, r *web.Router) {
		r.Handle("GET /organ/branches", web.Handler(m.pageBranches))
		r.Handle("GET /api/v1/organ/branches", web.Handler(m.apiBranches))
		r.Handle("GET /organ/branches/{id}", web.Handler(m.pageBranch))
		r.Handle("GET /api/v1/organ/branches/{id}", web.Handler(m.apiBranch))
		r.Handle("GET /organ/meetings", web.Handler(m.pageCalendar))
		r.Handle("GET /api/v1/organ/meetings", web.Handler(m.apiCalendar))
		r.Handle("GET /organ/meetings/new", web.Handler(m.pageMeetingNew))
		r.Handle("POST /organ/meetings", web.Handler(m.postMeeting))
		r.Handle("POST /api/v1/organ/meetings", web.Handler(m.apiCreateMeeting))
		r.Handle("GET /organ/meetings/{id}", web.Handler(m.pageMeeting))
		r.Handle("GET /api/v1/organ/meetings/{id}", web.Handler(m.apiMeeting))
		r.Handle("GET /organ/meetings/{id}/edit", web.Handler(m.pageMeetingEdit))
		r.Handle("POST /organ/meetings/{id}", web.Handler(m.postMeeting))
		r.Handle("PUT /api/v1/organ/meetings/{id}", web.Handler(m.apiUpdateMeeting))
		r.Handle("GET /organ/compliance", web.Handler(m.pageCompliance))
		r.Handle("GET /api/v1/organ/compliance", web.Handler(m.apiCompliance))
	})
	navItems = append(navItems,
		web.NavItem{Key: "nav.organ_branches", Path: "/organ/branches", Perm: PermRead, Order: 41},
		web.NavItem{Key: "nav.organ_meetings", Path: "/organ/meetings", Perm: PermRead, Order: 42},
		web.NavItem{Key: "nav.organ_compliance", Path: "/organ/compliance", Perm: PermRead, Order: 43},
	)
	fileAccess["meeting"] = func(m *Module, r *http.Request, ownerID int64) error {
		_, err := m.Meeting(r.Context(), web.Principal(r), ownerID)
		return err
	}
}

func mtID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.NotFoundf("对象")
	}
	return id, nil
}

func (m *Module) mtT(r *http.Request, key string, args ...any) string {
	return m.Views.Cat.T(web.Lang(r), key, args...)
}

func (m *Module) mtYear(r *http.Request) int {
	y, _ := strconv.Atoi(r.URL.Query().Get("year"))
	if y < 2000 || y > 2100 {
		return m.Clock.Now().In(clock.Zone).Year()
	}
	return y
}

func (m *Module) apiBranches(w http.ResponseWriter, r *http.Request) error {
	rows, err := m.BranchRows(r.Context(), web.Principal(r))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, rows)
	return nil
}

func (m *Module) pageBranches(w http.ResponseWriter, r *http.Request) error {
	rows, err := m.BranchRows(r.Context(), web.Principal(r))
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "meetings_branches", &web.Page{Title: m.mtT(r, "nav.organ_branches"), D: rows})
}

func (m *Module) apiBranch(w http.ResponseWriter, r *http.Request) error {
	id, err := mtID(r)
	if err != nil {
		return err
	}
	b, err := m.Branch(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, b)
	return nil
}

func (m *Module) pageBranch(w http.ResponseWriter, r *http.Request) error {
	id, err := mtID(r)
	if err != nil {
		return err
	}
	b, err := m.Branch(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "meetings_branch", &web.Page{Title: b.Branch.Name, D: b})
}

func (m *Module) apiCalendar(w http.ResponseWriter, r *http.Request) error {
	c, err := m.MeetingCalendar(r.Context(), web.Principal(r), r.URL.Query().Get("month"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (m *Module) pageCalendar(w http.ResponseWriter, r *http.Request) error {
	c, err := m.MeetingCalendar(r.Context(), web.Principal(r), r.URL.Query().Get("month"))
	if err != nil {
		return err
	}
	pg := &web.Page{Title: m.mtT(r, "nav.organ_meetings"), D: c}
	if r.URL.Query().Get("ok") != "" {
		pg.Flash = m.mtT(r, "meetings.saved")
	}
	return m.Views.Render(w, r, http.StatusOK, "meetings_calendar", pg)
}

func (m *Module) apiMeeting(w http.ResponseWriter, r *http.Request) error {
	id, err := mtID(r)
	if err != nil {
		return err
	}
	x, err := m.Meeting(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, x)
	return nil
}

type meetingPage struct {
	*Meeting
	CanEdit bool
}

func (m *Module) pageMeeting(w http.ResponseWriter, r *http.Request) error {
	id, err := mtID(r)
	if err != nil {
		return err
	}
	p := web.Principal(r)
	x, err := m.Meeting(r.Context(), p, id)
	if err != nil {
		return err
	}
	can, err := m.CanRecord(r.Context(), p, x.BranchID)
	if err != nil {
		return err
	}
	pg := &web.Page{Title: x.Topic, D: meetingPage{x, can}}
	if r.URL.Query().Get("ok") != "" {
		pg.Flash = m.mtT(r, "meetings.saved")
	}
	return m.Views.Render(w, r, http.StatusOK, "meetings_meeting", pg)
}

func (m *Module) apiCreateMeeting(w http.ResponseWriter, r *http.Request) error {
	var in MeetingInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	id, err := m.SaveMeeting(r.Context(), web.Principal(r), 0, in, nil)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]int64{"id": id})
	return nil
}

func (m *Module) apiUpdateMeeting(w http.ResponseWriter, r *http.Request) error {
	id, err := mtID(r)
	if err != nil {
		return err
	}
	var in MeetingInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if _, err := m.SaveMeeting(r.Context(), web.Principal(r), id, in, nil); err != nil {
		return err
	}
	x, err := m.Meeting(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, x)
	return nil
}

// meetingForm is the record/edit form's data.
type meetingForm struct {
	ID       int64
	Branches []BranchChoice
	Kinds    []string
}

// BranchChoice is a branch the viewer may record for.
type BranchChoice struct {
	ID   int64
	Name string
}

func (m *Module) renderMeetingForm(w http.ResponseWriter, r *http.Request, status int, id int64, pg *web.Page) error {
	p := web.Principal(r)
	if err := m.Auth.Authorize(r.Context(), p, PermRecord, auth.Anything, "organ_meeting", ""); err != nil {
		return err
	}
	f := meetingForm{ID: id, Kinds: MeetingKinds}
	if id == 0 {
		bs, err := m.Dir.BranchList(r.Context(), "organ_branch")
		if err != nil {
			return err
		}
		for _, b := range bs {
			if ok, err := m.CanRecord(r.Context(), p, b.ID); err != nil {
				return err
			} else if ok {
				f.Branches = append(f.Branches, BranchChoice{b.ID, b.Name})
			}
		}
		if len(f.Branches) == 0 {
			return errs.New(errs.Forbidden, "只有支部书记、支委委员或机关党委可以登记会议", "only branch secretaries, committee members or the organ committee may record meetings")
		}
	}
	pg.Title, pg.D = m.mtT(r, "meetings.record"), f
	return m.Views.Render(w, r, status, "meetings_form", pg)
}

func (m *Module) pageMeetingNew(w http.ResponseWriter, r *http.Request) error {
	form := map[string]string{"branch_id": r.URL.Query().Get("branch"), "held_on": clock.Day(m.Clock.Now()), "kind": KindGeneral}
	return m.renderMeetingForm(w, r, http.StatusOK, 0, &web.Page{Form: form})
}

func (m *Module) pageMeetingEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := mtID(r)
	if err != nil {
		return err
	}
	x, err := m.Meeting(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	if err := m.mayRecord(r.Context(), web.Principal(r), x.BranchID, fmt.Sprint(id)); err != nil {
		return err
	}
	form := map[string]string{"kind": x.Kind, "held_on": x.HeldOn, "topic": x.Topic, "expected": fmt.Sprint(x.Expected), "present": fmt.Sprint(x.Present),
		"absent": x.Absent, "lecturer": x.Lecturer, "minutes": x.Minutes}
	return m.renderMeetingForm(w, r, http.StatusOK, id, &web.Page{Form: form})
}

func formErrors(err error, lang string) map[string]string {
	out := map[string]string{}
	var l errs.List
	if errors.As(err, &l) {
		for _, e := range l {
			if _, seen := out[e.Field]; !seen {
				out[e.Field] = e.Message(lang)
			}
		}
	} else if e := errs.As(err); e != nil {
		f := e.Field
		if f == "" {
			f = "_"
		}
		out[f] = e.Message(lang)
	}
	return out
}

func (m *Module) postMeeting(w http.ResponseWriter, r *http.Request) error {
	var id int64
	if r.PathValue("id") != "" {
		var err error
		if id, err = mtID(r); err != nil {
			return err
		}
	}
	r.Body = http.MaxBytesReader(w, r.Body, 40<<20)
	files, ferr := ReadUploads(r)
	_ = r.ParseForm()
	num := func(k string) int { n, _ := strconv.Atoi(strings.TrimSpace(r.FormValue(k))); return n }
	bid, _ := strconv.ParseInt(r.FormValue("branch_id"), 10, 64)
	in := MeetingInput{BranchID: bid, Kind: r.FormValue("kind"), HeldOn: r.FormValue("held_on"), Topic: r.FormValue("topic"), Expected: num("expected"),
		Present: num("present"), Absent: r.FormValue("absent"), Lecturer: r.FormValue("lecturer"), Minutes: r.FormValue("minutes")}
	err := ferr
	if err == nil {
		id, err = m.SaveMeeting(r.Context(), web.Principal(r), id, in, files)
	}
	if k := errs.KindOf(err); err != nil && (k == errs.Invalid || errors.As(err, new(errs.List))) {
		form := map[string]string{"branch_id": r.FormValue("branch_id"), "kind": in.Kind, "held_on": in.HeldOn, "topic": in.Topic, "expected": r.FormValue("expected"),
			"present": r.FormValue("present"), "absent": in.Absent, "lecturer": in.Lecturer, "minutes": in.Minutes}
		if r.PathValue("id") != "" {
			id, _ = mtID(r)
		}
		return m.renderMeetingForm(w, r, http.StatusUnprocessableEntity, id, &web.Page{Form: form, Errors: formErrors(err, web.Lang(r)), Error: m.mtT(r, "meetings.fix")})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/organ/meetings/%d?ok=1", id), http.StatusSeeOther)
	return nil
}

func (m *Module) apiCompliance(w http.ResponseWriter, r *http.Request) error {
	c, err := m.Compliance(r.Context(), web.Principal(r), m.mtYear(r))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (m *Module) pageCompliance(w http.ResponseWriter, r *http.Request) error {
	c, err := m.Compliance(r.Context(), web.Principal(r), m.mtYear(r))
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "meetings_compliance", &web.Page{Title: m.mtT(r, "nav.organ_compliance"), D: c})
}
