package village

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/upload"
)

// LeadMaxFiles bounds the attachments of one upload.
const LeadMaxFiles = 5

// LeadUpload is a checked attachment ready to store with a lead.
type LeadUpload struct {
	Name        string
	ContentType string
	Data        []byte
}

// leadReadUploads reads the multipart files of field "files", each through
// the platform's upload rules (allow-listed type, size cap, content that
// matches the extension, safe name — ASVS 5.2), from a request whose body
// the caller has bounded with http.MaxBytesReader.
func leadReadUploads(r *http.Request) ([]LeadUpload, error) {
	if r.MultipartForm == nil {
		if err := r.ParseMultipartForm(8 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
			return nil, errs.Field("files", "上传内容过大或格式错误", "the upload is too large or malformed")
		}
	}
	if r.MultipartForm == nil {
		return nil, nil
	}
	var out []LeadUpload
	for _, fh := range r.MultipartForm.File["files"] {
		if fh.Size == 0 {
			continue
		}
		if len(out) == LeadMaxFiles {
			return nil, errs.Field("files", fmt.Sprintf("一次最多上传 %d 个附件", LeadMaxFiles), fmt.Sprintf("at most %d attachments at a time", LeadMaxFiles))
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
		out = append(out, LeadUpload{Name: upload.SafeName(fh.Filename), ContentType: ct, Data: data})
	}
	return out, nil
}
