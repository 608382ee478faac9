package express

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/seal"
	"zhongshu/internal/platform/upload"
	"zhongshu/internal/platform/web"
)

// DemandFile is a demand's attachment as the demand shows it (never its
// bytes).
type DemandFile struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int    `json:"size"`
}

// demandUpload is a file that passed the platform's upload rules.
type demandUpload struct {
	Name, ContentType string
	Data              []byte
}

// maxDemandFiles bounds the attachments given with one demand.
const maxDemandFiles = 5

// demandUploads reads the form's "files" (at most maxDemandFiles, each
// checked by platform/upload: allowed type, content matching it, 5 MB).
// The caller has bounded the body with http.MaxBytesReader.
func demandUploads(r *http.Request) ([]demandUpload, error) {
	if r.MultipartForm == nil {
		if err := r.ParseMultipartForm(8 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
			return nil, errs.Field("files", "上传内容过大或格式错误", "the upload is too large or malformed")
		}
	}
	if r.MultipartForm == nil {
		return nil, nil
	}
	var out []demandUpload
	for _, fh := range r.MultipartForm.File["files"] {
		if fh.Size == 0 {
			continue
		}
		if len(out) == maxDemandFiles {
			return nil, errs.Field("files", fmt.Sprintf("最多 %d 个附件", maxDemandFiles), fmt.Sprintf("at most %d attachments", maxDemandFiles))
		}
		f, err := fh.Open()
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(io.LimitReader(f, upload.MaxBytes+1))
		f.Close()
		if err != nil {
			return nil, err
		}
		ct, err := upload.Check(fh.Filename, data)
		if err != nil {
			return nil, err
		}
		out = append(out, demandUpload{Name: upload.SafeName(fh.Filename), ContentType: ct, Data: data})
	}
	return out, nil
}

// saveDemandFiles stores a demand's attachments and returns them as the
// demand lists them.
func (m *Module) saveDemandFiles(ctx context.Context, tx *db.Tx, id int64, files []demandUpload, by int64) ([]DemandFile, error) {
	out := []DemandFile{}
	for _, f := range files {
		df := DemandFile{Name: f.Name, ContentType: f.ContentType, Size: len(f.Data)}
		var err error
		if df.ID, err = tx.InsertID(ctx, `INSERT INTO demand_files (demand_id, name, content_type, size, sm3, data, uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			id, f.Name, f.ContentType, len(f.Data), seal.SM3Hex(f.Data), f.Data, by, m.Clock.Now()); err != nil {
			return nil, err
		}
		out = append(out, df)
	}
	return out, nil
}

// filesOf is demandFiles of d, without a query when demandByID counted
// none.
func (m *Module) filesOf(ctx context.Context, d *Demand) ([]DemandFile, error) {
	if d.filesCounted && d.nFiles == 0 {
		return []DemandFile{}, nil
	}
	return m.demandFiles(ctx, d.ID)
}

func (m *Module) demandFiles(ctx context.Context, id int64) ([]DemandFile, error) {
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT id, name, content_type, size FROM demand_files WHERE demand_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []DemandFile{}
	for rows.Next() {
		var f DemandFile
		if err := rows.Scan(&f.ID, &f.Name, &f.ContentType, &f.Size); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// serveDemandFile sends an attachment to whoever may see its demand
// (others: 404 like an absent file), as a download with nosniff.
func (m *Module) serveDemandFile(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	if err := m.Auth.Authorize(r.Context(), p, PermRead, auth.Anything, "demand_file", r.PathValue("id")); err != nil {
		return err
	}
	var id int64
	if _, err := fmt.Sscan(r.PathValue("id"), &id); err != nil || id <= 0 {
		return errs.NotFoundf("附件")
	}
	var f DemandFile
	var demandID int64
	var data []byte
	err := m.DB.Q(r.Context()).QueryRowContext(r.Context(), `SELECT id, demand_id, name, content_type, size, data FROM demand_files WHERE id = ?`, id).
		Scan(&f.ID, &demandID, &f.Name, &f.ContentType, &f.Size, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return errs.NotFoundf("附件")
	}
	if err != nil {
		return err
	}
	if _, _, err := m.demandFor(r.Context(), p, demandID, false); err != nil {
		return err
	}
	if err := m.Audit.Record(r.Context(), audit.Entry{Action: "express.demand.file_read", ObjectType: "demand_file", ObjectID: fmt.Sprint(id), Detail: fmt.Sprintf("demand %d", demandID)}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", f.ContentType)
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(f.Name))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, err = w.Write(data)
	return err
}

func init() {
	routeParts = append(routeParts, func(m *Module, r *web.Router) {
		r.Handle("GET /express/demand-files/{id}", web.Handler(m.serveDemandFile))
	})
}
