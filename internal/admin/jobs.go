package admin

import (
	"fmt"
	"net/http"
	"strconv"

	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/jobs"
	"zhongshu/internal/platform/web"
)

// JobsView is the operator's picture of scheduled and background work.
type JobsView struct {
	Schedules []jobs.ScheduleStatus `json:"schedules"`
	Counts    map[string]int        `json:"counts"`
	Dead      []jobs.Job            `json:"dead"`
	Runs      []jobs.Run            `json:"runs"`
	States    []string              `json:"-"`
}

func (m *Module) jobsView(r *http.Request) (*JobsView, error) {
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), auth.JobsManage, auth.Anything, "jobs", ""); err != nil {
		return nil, err
	}
	ctx := r.Context()
	v := &JobsView{States: jobs.States}
	var err error
	if v.Schedules, err = m.Scheduler.Status(ctx); err != nil {
		return nil, err
	}
	if v.Counts, err = m.Queue.Counts(ctx); err != nil {
		return nil, err
	}
	if v.Dead, err = m.Queue.List(ctx, jobs.StateDead, 100); err != nil {
		return nil, err
	}
	if v.Runs, err = m.Scheduler.Runs(ctx, "", 50); err != nil {
		return nil, err
	}
	if v.Dead == nil {
		v.Dead = []jobs.Job{}
	}
	if v.Runs == nil {
		v.Runs = []jobs.Run{}
	}
	return v, nil
}

func (m *Module) pageJobs(w http.ResponseWriter, r *http.Request) error {
	v, err := m.jobsView(r)
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "jobs", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "nav.jobs"), D: v})
}

func (m *Module) apiJobs(w http.ResponseWriter, r *http.Request) error {
	v, err := m.jobsView(r)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (m *Module) retryJob(r *http.Request) error {
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), auth.JobsManage, auth.Anything, "job", r.PathValue("id")); err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errs.NotFoundf("job")
	}
	if err := m.Queue.Retry(r.Context(), id); err != nil {
		return err
	}
	return m.Audit.Record(r.Context(), audit.Entry{Action: "jobs.retry", ObjectType: "job", ObjectID: fmt.Sprint(id)})
}

func (m *Module) postRetryJob(w http.ResponseWriter, r *http.Request) error {
	if err := m.retryJob(r); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/jobs?ok=saved", http.StatusSeeOther)
	return nil
}

func (m *Module) apiRetryJob(w http.ResponseWriter, r *http.Request) error {
	if err := m.retryJob(r); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
