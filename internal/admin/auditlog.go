package admin

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/chain"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/web"
)

type auditPage struct {
	Entries []audit.Entry
	Filter  audit.Filter
	From    string
	To      string
	Pager   *web.Pager
	Query   string
	Results []VerifyResult
}

// VerifyResult is one chain's verification outcome.
type VerifyResult struct {
	Chain  string       `json:"chain"`
	Links  int64        `json:"links"`
	OK     bool         `json:"ok"`
	Break  *chain.Break `json:"break,omitempty"`
	Reason string       `json:"reason,omitempty"`
}

func auditFilter(r *http.Request) (audit.Filter, string, string) {
	q := r.URL.Query()
	f := audit.Filter{Username: q.Get("user"), Action: q.Get("action"), Result: q.Get("result"), Object: q.Get("object")}
	from, to := q.Get("from"), q.Get("to")
	if t, err := clock.ParseDay(from); err == nil {
		f.From = t
	}
	if t, err := clock.ParseDay(to); err == nil {
		f.To = t.Add(24 * time.Hour)
	}
	return f, from, to
}

func (m *Module) pageAudit(w http.ResponseWriter, r *http.Request) error {
	return m.renderAudit(w, r, nil)
}

func (m *Module) renderAudit(w http.ResponseWriter, r *http.Request, results []VerifyResult) error {
	p := web.Principal(r)
	if err := m.Auth.Authorize(r.Context(), p, auth.AuditRead, auth.Anything, "audit_log", ""); err != nil {
		return err
	}
	f, from, to := auditFilter(r)
	page, off, lim := web.PageOf(r, 50)
	f.Limit, f.Offset = lim, off
	es, total, err := m.Audit.List(r.Context(), f)
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "audit", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "nav.audit"),
		D: auditPage{Entries: es, Filter: f, From: from, To: to, Pager: web.NewPager(r, page, 50, total), Query: r.URL.RawQuery, Results: results}})
}

func (m *Module) apiAudit(w http.ResponseWriter, r *http.Request) error {
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), auth.AuditRead, auth.Anything, "audit_log", ""); err != nil {
		return err
	}
	f, _, _ := auditFilter(r)
	size, _ := strconv.Atoi(r.URL.Query().Get("size"))
	if size <= 0 || size > 500 {
		size = 50
	}
	page, off, lim := web.PageOf(r, size)
	f.Limit, f.Offset = lim, off
	es, total, err := m.Audit.List(r.Context(), f)
	if err != nil {
		return err
	}
	if es == nil {
		es = []audit.Entry{}
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"items": es, "total": total, "page": page, "size": size})
	return nil
}

// VerifyAll re-walks every chain.
func VerifyAll(r *http.Request, vs []chain.Verifier) []VerifyResult {
	var out []VerifyResult
	for _, v := range vs {
		b, n, err := v.Verify(r.Context())
		res := VerifyResult{Chain: v.ChainName(), Links: n, OK: b == nil && err == nil, Break: b}
		if err != nil {
			res.Reason = err.Error()
		} else if b != nil {
			res.Reason = b.String()
		}
		out = append(out, res)
	}
	return out
}

func (m *Module) verify(r *http.Request) ([]VerifyResult, error) {
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), auth.AuditRead, auth.Anything, "audit_log", ""); err != nil {
		return nil, err
	}
	res := VerifyAll(r, m.Verifiers())
	ok := true
	for _, x := range res {
		ok = ok && x.OK
	}
	result := audit.OK
	if !ok {
		result = audit.Failed
	}
	_ = m.Audit.Record(r.Context(), audit.Entry{Action: "audit.verify", ObjectType: "chains", Result: result, Detail: fmt.Sprintf("%d chains", len(res))})
	return res, nil
}

func (m *Module) postVerify(w http.ResponseWriter, r *http.Request) error {
	res, err := m.verify(r)
	if err != nil {
		return err
	}
	return m.renderAudit(w, r, res)
}

func (m *Module) apiVerify(w http.ResponseWriter, r *http.Request) error {
	res, err := m.verify(r)
	if err != nil {
		return err
	}
	ok := true
	for _, x := range res {
		ok = ok && x.OK
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"ok": ok, "chains": res})
	return nil
}

func (m *Module) exportAudit(w http.ResponseWriter, r *http.Request) error {
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), auth.AuditRead, auth.Anything, "audit_log", ""); err != nil {
		return err
	}
	f, _, _ := auditFilter(r)
	f.Limit = 500
	var rows [][]string
	for off := 0; off < 100000; off += 500 {
		f.Offset = off
		es, _, err := m.Audit.List(r.Context(), f)
		if err != nil {
			return err
		}
		for _, e := range es {
			rows = append(rows, []string{fmt.Sprint(e.Seq), e.At.Format(time.RFC3339), e.Username, e.IP, e.Action, e.ObjectType, e.ObjectID, e.Result, e.Detail, e.Hash})
		}
		if len(es) < 500 {
			break
		}
	}
	var buf bytes.Buffer
	if err := directory.WriteTableXLSX(&buf, "audit", []string{"seq", "at (UTC)", "user", "ip", "action", "object", "object id", "result", "detail", "hash"}, rows); err != nil {
		return err
	}
	if err := m.Audit.Record(r.Context(), audit.Entry{Action: "export", ObjectType: "audit_log", Detail: fmt.Sprintf("filter=%q rows=%d", r.URL.RawQuery, len(rows))}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="audit.xlsx"`)
	_, err := w.Write(buf.Bytes())
	return err
}
