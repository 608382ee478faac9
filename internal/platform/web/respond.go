package web

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"

	"zhongshu/internal/platform/errs"
)

var (
	errInternal          = errs.New(errs.Internal, "系统内部错误，请稍后再试", "internal error; please try again later")
	forbiddenCrossOrigin = errs.New(errs.Forbidden, "拒绝跨站请求", "cross-origin request refused")
)

// statusOf is the one table from error kind to HTTP status (WTF Dial's habit).
var statusOf = map[errs.Kind]int{
	errs.Invalid:      http.StatusUnprocessableEntity,
	errs.Unauthorized: http.StatusUnauthorized,
	errs.Forbidden:    http.StatusForbidden,
	errs.NotFound:     http.StatusNotFound,
	errs.Conflict:     http.StatusConflict,
	errs.Locked:       http.StatusLocked,
	errs.TooMany:      http.StatusTooManyRequests,
	errs.Internal:     http.StatusInternalServerError,
}

// Status returns the HTTP status for err.
func Status(err error) int {
	var l errs.List
	if errors.As(err, &l) {
		return http.StatusUnprocessableEntity
	}
	if s, ok := statusOf[errs.KindOf(err)]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// Problem is an RFC 9457 problem document.
type Problem struct {
	Type      string         `json:"type"`
	Title     string         `json:"title"`
	Status    int            `json:"status"`
	Detail    string         `json:"detail"`
	Instance  string         `json:"instance,omitempty"`
	RequestID string         `json:"request_id,omitempty"`
	Errors    []ProblemField `json:"errors,omitempty"`
}

// ProblemField names one field at fault.
type ProblemField struct {
	Field   string `json:"field"`
	Row     int    `json:"row,omitempty"`
	Message string `json:"message"`
}

// Logger is used for internal errors (details are logged, never shown).
var Logger = slog.Default()

// ProblemOf builds the problem document for err in lang.
func ProblemOf(r *http.Request, err error) Problem {
	lang := Lang(r)
	st := Status(err)
	p := Problem{Type: "about:blank", Status: st, Title: http.StatusText(st), Instance: r.URL.Path, RequestID: w3(r)}
	var l errs.List
	switch {
	case errors.As(err, &l):
		p.Type = "/problems/invalid"
		for _, e := range l {
			p.Errors = append(p.Errors, ProblemField{Field: e.Field, Message: e.Message(lang)})
		}
		if len(l) > 0 {
			p.Detail = l[0].Message(lang)
		}
	default:
		e := errs.As(err)
		if e == nil || e.Kind == errs.Internal {
			Logger.Error("internal error", "err", err, "path", r.URL.Path, "request_id", w3(r))
			e = errInternal
		}
		p.Type = "/problems/" + string(e.Kind)
		p.Detail = e.Message(lang)
		if e.Field != "" {
			p.Errors = []ProblemField{{Field: e.Field, Message: p.Detail}}
		}
	}
	return p
}

func w3(r *http.Request) string { return requestID(r) }

// WriteError answers with a problem+json for API calls and an error page
// for browsers.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	p := ProblemOf(r, err)
	if IsAPI(r) || !acceptsHTML(r) {
		w.Header().Set("Content-Type", "application/problem+json; charset=utf-8")
		w.WriteHeader(p.Status)
		_ = json.NewEncoder(w).Encode(p)
		return
	}
	if p.Status == http.StatusUnauthorized && r.Method == http.MethodGet {
		http.Redirect(w, r, "/login?next="+safeNext(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	renderErrorPage(w, r, p)
}

func acceptsHTML(r *http.Request) bool {
	a := r.Header.Get("Accept")
	return a == "" || strings.Contains(a, "text/html") || strings.Contains(a, "*/*")
}

// safeNext keeps a post-login redirect on this site.
func safeNext(s string) string {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.Contains(s, "\\") {
		return "/"
	}
	return s
}

// SafeNext is safeNext for handlers.
func SafeNext(s string) string { return safeNext(s) }

// WriteJSON answers with a JSON body.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}

// maxJSON bounds request bodies (ASVS 2.2; over-long input).
const maxJSON = 1 << 20

// DecodeJSON reads a JSON body into v, refusing unknown content types,
// oversize bodies and trailing data with a clear message.
func DecodeJSON(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, _ := mime.ParseMediaType(ct)
		if mt != "application/json" {
			return errs.New(errs.Invalid, "请求体须为 JSON（Content-Type: application/json）", "request body must be JSON (Content-Type: application/json)")
		}
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, maxJSON+1))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errs.New(errs.Invalid, "JSON 格式错误："+err.Error(), "malformed JSON: "+err.Error())
	}
	if dec.More() {
		return errs.New(errs.Invalid, "JSON 后有多余内容", "unexpected data after the JSON value")
	}
	return nil
}

// Handler is an http handler that returns an error.
type Handler func(w http.ResponseWriter, r *http.Request) error

// ServeHTTP writes the returned error as a problem or an error page.
func (h Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := h(w, r); err != nil {
		WriteError(w, r, err)
	}
}

// NeedLogin returns 401 unless someone is signed in.
func NeedLogin(r *http.Request) error {
	if Principal(r) == nil {
		return errs.New(errs.Unauthorized, "请先登录", "please sign in")
	}
	return nil
}
