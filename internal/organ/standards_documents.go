package organ

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/web"
)

// Document statuses: a draft may be edited; an issued document is never
// edited (a change is a repeal and a new document); a repealed one stays
// on record.
const (
	DocDraft    = "draft"
	DocIssued   = "issued"
	DocRepealed = "repealed"
)

// Document is one of the committee's documents (制度文件).
type Document struct {
	ID       int64  `json:"id"`
	Title    string `json:"title"`
	Number   string `json:"number"`    // 文号, e.g. 开机党〔2021〕5号
	IssuedOn string `json:"issued_on"` // zone day; empty for a draft
	Status   string `json:"status"`
	Body     string `json:"body,omitempty"`
	Files    []File `json:"files,omitempty"`
}

// Paragraphs splits the body into its paragraphs for display.
func (d *Document) Paragraphs() []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(d.Body, "\r\n", "\n"), "\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// DocumentInput is what a draft is made of.
type DocumentInput struct {
	Title    string `json:"title"`
	Number   string `json:"number"`
	IssuedOn string `json:"issued_on"`
	Body     string `json:"body"`
}

func (in *DocumentInput) check() error {
	in.Title, in.Number, in.IssuedOn, in.Body = strings.TrimSpace(in.Title), strings.TrimSpace(in.Number), strings.TrimSpace(in.IssuedOn), strings.TrimSpace(in.Body)
	var l errs.List
	if n := utf8.RuneCountInString(in.Title); n == 0 || n > 200 {
		l = append(l, errs.Field("title", "标题须为 1–200 字", "the title must be 1–200 characters"))
	}
	if utf8.RuneCountInString(in.Number) > 50 {
		l = append(l, errs.Field("number", "文号最多 50 字", "the number is at most 50 characters"))
	}
	if in.IssuedOn != "" {
		if _, err := time.ParseInLocation("2006-01-02", in.IssuedOn, clock.Zone); err != nil {
			l = append(l, errs.Field("issued_on", "日期格式为 YYYY-MM-DD", "the date must be YYYY-MM-DD"))
		}
	}
	if utf8.RuneCountInString(in.Body) > 50000 {
		l = append(l, errs.Field("body", "正文最多 50000 字", "the body is at most 50,000 characters"))
	}
	return l.Err()
}

// DocFilter searches documents by title, number or body.
type DocFilter struct {
	Q      string `json:"q"`
	Status string `json:"status"`
}

// Documents lists documents, newest first. Readers see issued and repealed
// ones; the committee also sees drafts.
func (m *Module) Documents(ctx context.Context, p *auth.Principal, f DocFilter) ([]Document, error) {
	if err := m.Auth.Authorize(ctx, p, PermRead, auth.Anything, "organ_document", ""); err != nil {
		return nil, err
	}
	q := `SELECT id, title, number, issued_on, status FROM organ_documents WHERE 1 = 1`
	var args []any
	if !auth.Can(p, PermManage, auth.Anything) {
		q += ` AND status <> 'draft'`
	}
	if f.Status == DocDraft || f.Status == DocIssued || f.Status == DocRepealed {
		q += ` AND status = ?`
		args = append(args, f.Status)
	}
	if s := strings.TrimSpace(f.Q); s != "" {
		if utf8.RuneCountInString(s) > 100 {
			return nil, errs.Field("q", "搜索词最多 100 字", "the search is at most 100 characters")
		}
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s) + "%"
		q += ` AND (title LIKE ? ESCAPE '\' OR number LIKE ? ESCAPE '\' OR body LIKE ? ESCAPE '\')`
		args = append(args, like, like, like)
	}
	q += ` ORDER BY issued_on DESC, id DESC`
	rows, err := m.DB.Q(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Document{}
	for rows.Next() {
		var d Document
		if err := rows.Scan(&d.ID, &d.Title, &d.Number, &d.IssuedOn, &d.Status); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Document reads one document with its files.
func (m *Module) Document(ctx context.Context, p *auth.Principal, id int64) (*Document, error) {
	if err := m.Auth.Authorize(ctx, p, PermRead, auth.Anything, "organ_document", fmt.Sprint(id)); err != nil {
		return nil, err
	}
	d, err := m.docByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if d.Status == DocDraft && !auth.Can(p, PermManage, auth.Anything) {
		return nil, errs.NotFoundf("文件")
	}
	if d.Files, err = m.FilesOf(ctx, "document", id); err != nil {
		return nil, err
	}
	return d, nil
}

func (m *Module) docByID(ctx context.Context, id int64) (*Document, error) {
	var d Document
	err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT id, title, number, issued_on, status, body FROM organ_documents WHERE id = ?`, id).
		Scan(&d.ID, &d.Title, &d.Number, &d.IssuedOn, &d.Status, &d.Body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFoundf("文件")
	}
	return &d, err
}

// SaveDocument creates a draft (id 0) or edits one; an issued or repealed
// document is never edited.
func (m *Module) SaveDocument(ctx context.Context, p *auth.Principal, id int64, in DocumentInput, files []Upload) (int64, error) {
	if err := m.Auth.Authorize(ctx, p, PermManage, auth.Anything, "organ_document", fmt.Sprint(id)); err != nil {
		return 0, err
	}
	if id != 0 {
		d, err := m.docByID(ctx, id)
		if err != nil {
			return 0, err
		}
		if d.Status != DocDraft {
			return 0, errs.New(errs.Conflict, "已印发或已废止的文件不能修改；如需变更，请废止后另行制发", "an issued or repealed document cannot be edited; repeal it and issue a new one")
		}
	}
	if err := in.check(); err != nil {
		return 0, err
	}
	now := m.Clock.Now()
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		action := "organ.document.update"
		if id == 0 {
			var err error
			if id, err = tx.InsertID(ctx, `INSERT INTO organ_documents (title, number, issued_on, status, body, created_by, created_at, updated_at) VALUES (?, ?, ?, 'draft', ?, ?, ?, ?)`,
				in.Title, in.Number, in.IssuedOn, in.Body, p.UserID, now, now); err != nil {
				return err
			}
			action = "organ.document.create"
		} else {
			res, err := tx.ExecContext(ctx, `UPDATE organ_documents SET title = ?, number = ?, issued_on = ?, body = ?, updated_at = ? WHERE id = ? AND status = 'draft'`,
				in.Title, in.Number, in.IssuedOn, in.Body, now, id)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return errs.New(errs.Conflict, "已印发或已废止的文件不能修改", "an issued or repealed document cannot be edited")
			}
		}
		if err := m.SaveFiles(ctx, tx, "document", id, files, p.UserID); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: action, ObjectType: "organ_document", ObjectID: fmt.Sprint(id), Detail: in.Title})
	})
	return id, err
}

// SetDocumentStatus issues a draft (it must then have a number, an issue
// date and a body or file) or repeals an issued document.
func (m *Module) SetDocumentStatus(ctx context.Context, p *auth.Principal, id int64, to string) error {
	if err := m.Auth.Authorize(ctx, p, PermManage, auth.Anything, "organ_document", fmt.Sprint(id)); err != nil {
		return err
	}
	d, err := m.docByID(ctx, id)
	if err != nil {
		return err
	}
	from := DocDraft
	if to == DocRepealed {
		from = DocIssued
	}
	if d.Status != from {
		return errs.New(errs.Conflict, "只能印发草稿、废止已印发的文件", "only a draft can be issued and only an issued document repealed")
	}
	if to == DocIssued {
		files, err := m.FilesOf(ctx, "document", id)
		if err != nil {
			return err
		}
		switch {
		case d.Number == "":
			return errs.Field("number", "印发前须填写文号", "give the document number before issuing")
		case d.IssuedOn == "":
			return errs.Field("issued_on", "印发前须填写印发日期", "give the issue date before issuing")
		case d.Body == "" && len(files) == 0:
			return errs.Field("body", "印发前须有正文或附件", "a document needs a body or a file before issuing")
		}
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE organ_documents SET status = ?, updated_at = ? WHERE id = ? AND status = ?`, to, m.Clock.Now(), id, from); err != nil {
			return err
		}
		verb := "issue"
		if to == DocRepealed {
			verb = "repeal"
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "organ.document." + verb, ObjectType: "organ_document", ObjectID: fmt.Sprint(id), Detail: d.Title})
	})
}

// ---- handlers ----

type docsPage struct {
	Items     []Document `json:"items"`
	Filter    DocFilter  `json:"filter"`
	CanManage bool       `json:"-"`
}

func (m *Module) docsData(r *http.Request) (*docsPage, error) {
	f := DocFilter{Q: r.URL.Query().Get("q"), Status: r.URL.Query().Get("status")}
	items, err := m.Documents(r.Context(), web.Principal(r), f)
	if err != nil {
		return nil, err
	}
	return &docsPage{Items: items, Filter: f, CanManage: auth.Can(web.Principal(r), PermManage, auth.Anything)}, nil
}

func (m *Module) apiDocuments(w http.ResponseWriter, r *http.Request) error {
	d, err := m.docsData(r)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d)
	return nil
}

func (m *Module) pageDocuments(w http.ResponseWriter, r *http.Request) error {
	d, err := m.docsData(r)
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "standards_documents", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "nav.organ_documents"), D: d})
}

func (m *Module) apiDocument(w http.ResponseWriter, r *http.Request) error {
	id, err := stdID(r)
	if err != nil {
		return err
	}
	d, err := m.Document(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d)
	return nil
}

type docPage struct {
	Doc       *Document
	CanManage bool
}

func (m *Module) pageDocument(w http.ResponseWriter, r *http.Request) error {
	id, err := stdID(r)
	if err != nil {
		return err
	}
	d, err := m.Document(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "standards_document", &web.Page{Title: d.Title,
		D: &docPage{Doc: d, CanManage: auth.Can(web.Principal(r), PermManage, auth.Anything)}})
}

func (m *Module) pageDocumentForm(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	var id int64
	form := map[string]string{}
	if r.PathValue("id") != "" {
		var err error
		if id, err = stdID(r); err != nil {
			return err
		}
	}
	if err := m.Auth.Authorize(r.Context(), p, PermManage, auth.Anything, "organ_document", fmt.Sprint(id)); err != nil {
		return err
	}
	if id != 0 {
		d, err := m.Document(r.Context(), p, id)
		if err != nil {
			return err
		}
		if d.Status != DocDraft {
			return errs.New(errs.Conflict, "已印发或已废止的文件不能修改；如需变更，请废止后另行制发", "an issued or repealed document cannot be edited; repeal it and issue a new one")
		}
		form = map[string]string{"title": d.Title, "number": d.Number, "issued_on": d.IssuedOn, "body": d.Body}
	}
	return m.Views.Render(w, r, http.StatusOK, "standards_document_form", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "standards.doc_edit"), Form: form, D: id})
}

func (m *Module) apiSaveDocument(w http.ResponseWriter, r *http.Request) error {
	var id int64
	if r.PathValue("id") != "" {
		var err error
		if id, err = stdID(r); err != nil {
			return err
		}
	}
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermManage, auth.Anything, "organ_document", fmt.Sprint(id)); err != nil {
		return err
	}
	var in DocumentInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	nid, err := m.SaveDocument(r.Context(), web.Principal(r), id, in, nil)
	if err != nil {
		return err
	}
	if id != 0 {
		return m.apiDocument(w, r)
	}
	web.WriteJSON(w, http.StatusCreated, map[string]int64{"id": nid})
	return nil
}

func (m *Module) postDocument(w http.ResponseWriter, r *http.Request) error {
	var id int64
	if r.PathValue("id") != "" {
		var err error
		if id, err = stdID(r); err != nil {
			return err
		}
	}
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermManage, auth.Anything, "organ_document", fmt.Sprint(id)); err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxFiles*(10<<20)+(1<<20))
	files, err := ReadUploads(r)
	if err != nil {
		return err
	}
	in := DocumentInput{Title: r.FormValue("title"), Number: r.FormValue("number"), IssuedOn: r.FormValue("issued_on"), Body: r.FormValue("body")}
	nid, err := m.SaveDocument(r.Context(), web.Principal(r), id, in, files)
	if err != nil {
		if stdInvalid(err) {
			return m.Views.Render(w, r, http.StatusUnprocessableEntity, "standards_document_form", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "standards.doc_edit"),
				Form: map[string]string{"title": in.Title, "number": in.Number, "issued_on": in.IssuedOn, "body": in.Body}, Errors: stdFieldErrors(err, web.Lang(r)),
				Error: m.Views.Cat.T(web.Lang(r), "form.fix"), D: id})
		}
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/organ/documents/%d?ok=saved", nid), http.StatusSeeOther)
	return nil
}

// stdInvalid reports bad input (one error or a list).
func stdInvalid(err error) bool {
	var l errs.List
	return errors.As(err, &l) || errs.KindOf(err) == errs.Invalid
}

func stdFieldErrors(err error, lang string) map[string]string {
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
		out[e.Field] = e.Message(lang)
	}
	return out
}

func (m *Module) docStatusHandler(to string, api bool) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := stdID(r)
		if err != nil {
			return err
		}
		if err := m.SetDocumentStatus(r.Context(), web.Principal(r), id, to); err != nil {
			return err
		}
		if api {
			return m.apiDocument(w, r)
		}
		http.Redirect(w, r, fmt.Sprintf("/organ/documents/%d?ok=saved", id), http.StatusSeeOther)
		return nil
	}
}

func init() {
	routeParts = append(routeParts, func(m *Module, r *web.Router) {
		r.Handle("GET /organ/documents", web.Handler(m.pageDocuments))
		r.Handle("GET /organ/documents/new", web.Handler(m.pageDocumentForm))
		r.Handle("POST /organ/documents", web.Handler(m.postDocument))
		r.Handle("GET /organ/documents/{id}", web.Handler(m.pageDocument))
		r.Handle("GET /organ/documents/{id}/edit", web.Handler(m.pageDocumentForm))
		r.Handle("POST /organ/documents/{id}", web.Handler(m.postDocument))
		r.Handle("POST /organ/documents/{id}/issue", m.docStatusHandler(DocIssued, false))
		r.Handle("POST /organ/documents/{id}/repeal", m.docStatusHandler(DocRepealed, false))
		r.Handle("GET /api/v1/organ/documents", web.Handler(m.apiDocuments))
		r.Handle("POST /api/v1/organ/documents", web.Handler(m.apiSaveDocument))
		r.Handle("GET /api/v1/organ/documents/{id}", web.Handler(m.apiDocument))
		r.Handle("PUT /api/v1/organ/documents/{id}", web.Handler(m.apiSaveDocument))
		r.Handle("POST /api/v1/organ/documents/{id}/issue", m.docStatusHandler(DocIssued, true))
		r.Handle("POST /api/v1/organ/documents/{id}/repeal", m.docStatusHandler(DocRepealed, true))
	})
	navItems = append(navItems, web.NavItem{Key: "nav.organ_documents", Path: "/organ/documents", Perm: PermRead, Order: 48})
	fileAccess["document"] = func(m *Module, r *http.Request, ownerID int64) error {
		_, err := m.Document(r.Context(), web.Principal(r), ownerID)
		return err
	}
}
