package organ

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"

	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/seal"
	"zhongshu/internal/platform/upload"
	"zhongshu/internal/platform/web"
)

// File is an attachment as lists show it (never its bytes).
type File struct {
	ID          int64  `json:"id"`
	OwnerType   string `json:"owner_type"`
	OwnerID     int64  `json:"owner_id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int    `json:"size"`
}

// MaxFiles bounds the attachments of one record.
const MaxFiles = 5

// ReadUploads reads the multipart files of field "files" (at most MaxFiles,
// each checked by the platform's upload rules) from a request whose body
// the caller has already bounded with http.MaxBytesReader.
func ReadUploads(r *http.Request) ([]Upload, error) {
	if r.MultipartForm == nil {
		if err := r.ParseMultipartForm(8 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
			return nil, errs.Field("files", "上传内容过大或格式错误", "the upload is too large or malformed")
		}
	}
	if r.MultipartForm == nil {
		return nil, nil
	}
	var out []Upload
	for _, fh := range r.MultipartForm.File["files"] {
		if fh.Size == 0 {
			continue
		}
		if len(out) == MaxFiles {
			return nil, errs.Field("files", fmt.Sprintf("最多 %d 个附件", MaxFiles), fmt.Sprintf("at most %d attachments", MaxFiles))
		}
		u, err := readOne(fh)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

// Upload is a checked file ready to store.
type Upload struct {
	Name        string
	ContentType string
	Data        []byte
}

func readOne(fh *multipart.FileHeader) (Upload, error) {
	f, err := fh.Open()
	if err != nil {
		return Upload{}, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, upload.MaxBytes+1))
	if err != nil {
		return Upload{}, err
	}
	ct, err := upload.Check(fh.Filename, data)
	if err != nil {
		return Upload{}, err
	}
	return Upload{Name: upload.SafeName(fh.Filename), ContentType: ct, Data: data}, nil
}

// SaveFiles stores checked uploads for a record inside the transaction.
func (m *Module) SaveFiles(ctx context.Context, tx *db.Tx, ownerType string, ownerID int64, files []Upload, by int64) error {
	for _, f := range files {
		if _, err := tx.ExecContext(ctx, `INSERT INTO organ_files (owner_type, owner_id, name, content_type, size, sm3, data, uploaded_by, uploaded_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, ownerType, ownerID, f.Name, f.ContentType, len(f.Data), seal.SM3Hex(f.Data), f.Data, by, m.Clock.Now()); err != nil {
			return err
		}
	}
	return nil
}

// FilesOf lists a record's attachments.
func (m *Module) FilesOf(ctx context.Context, ownerType string, ownerID int64) ([]File, error) {
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT id, owner_type, owner_id, name, content_type, size FROM organ_files WHERE owner_type = ? AND owner_id = ? ORDER BY id`, ownerType, ownerID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []File
	for rows.Next() {
		var f File
		if err := rows.Scan(&f.ID, &f.OwnerType, &f.OwnerID, &f.Name, &f.ContentType, &f.Size); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// fileAccess decides, per owner type, whether the caller may download a
// record's files; each part registers its rule (who may read a meeting's
// minutes is the meeting part's business).
var fileAccess = map[string]func(m *Module, r *http.Request, ownerID int64) error{}

// serveFile sends an attachment as a download (Content-Disposition:
// attachment, its stored type, nosniff) after the owner's access rule.
func (m *Module) serveFile(w http.ResponseWriter, r *http.Request) error {
	if err := web.NeedLogin(r); err != nil {
		return err
	}
	var id int64
	if _, err := fmt.Sscan(r.PathValue("id"), &id); err != nil || id <= 0 {
		return errs.NotFoundf("file")
	}
	var f File
	var data []byte
	err := m.DB.Q(r.Context()).QueryRowContext(r.Context(), `SELECT id, owner_type, owner_id, name, content_type, size, data FROM organ_files WHERE id = ?`, id).
		Scan(&f.ID, &f.OwnerType, &f.OwnerID, &f.Name, &f.ContentType, &f.Size, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return errs.NotFoundf("file")
	}
	if err != nil {
		return err
	}
	rule, ok := fileAccess[f.OwnerType]
	if !ok {
		return errs.NotFoundf("file")
	}
	if err := rule(m, r, f.OwnerID); err != nil {
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
		r.Handle("GET /organ/files/{id}", web.Handler(m.serveFile))
	})
}
