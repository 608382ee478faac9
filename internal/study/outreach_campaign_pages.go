package study

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/web"
)

// maxUploadBody bounds a submission request: every allowed attachment at
// its largest, one more (so "too many files" can be said), and the text.
const maxUploadBody = (AttachmentMaxFiles+1)*AttachmentMaxBytes + 1<<20

var errUploadTooLarge = errs.Field("files", fmt.Sprintf("上传内容过大：最多 %d 个附件，每个不超过 5 MB", AttachmentMaxFiles),
	fmt.Sprintf("the upload is too large: at most %d attachments of 5 MB each", AttachmentMaxFiles))

// readSubmission reads a submission from a multipart form (browsers, and
// API clients sending files), a JSON body (text only) or a plain form.
func readSubmission(w http.ResponseWriter, r *http.Request) (SubmissionInput, error) {
	var in SubmissionInput
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "application/json":
		err := web.DecodeJSON(r, &in)
		return in, err
	case "multipart/form-data":
		r.Body = http.MaxBytesReader(w, r.Body, maxUploadBody)
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return in, errUploadTooLarge
			}
			return in, errs.Field("files", "上传内容无法读取", "the upload could not be read")
		}
		defer r.MultipartForm.RemoveAll()
		in.Title, in.Body = r.FormValue("title"), r.FormValue("body")
		for _, fh := range r.MultipartForm.File["files"] {
			if fh.Filename == "" && fh.Size == 0 {
				continue // an empty file input
			}
			f, err := fh.Open()
			if err != nil {
				return in, err
			}
			data, err := io.ReadAll(io.LimitReader(f, AttachmentMaxBytes+1))
			f.Close()
			if err != nil {
				return in, err
			}
			in.Files = append(in.Files, UploadedFile{Name: fh.Filename, Data: data})
		}
		return in, nil
	}
	in.Title, in.Body = r.FormValue("title"), r.FormValue("body")
	return in, nil
}

type campaignsPage struct {
	Items []Campaign
	Codes outreachCodes
}

func (m *Module) apiCampaigns(w http.ResponseWriter, r *http.Request) error {
	cs, err := m.Campaigns(r.Context(), web.Principal(r))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"items": cs})
	return nil
}

func (m *Module) pageCampaigns(w http.ResponseWriter, r *http.Request) error {
	cs, err := m.Campaigns(r.Context(), web.Principal(r))
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "outreach_campaigns", &web.Page{Title: m.orT(r, "nav.campaigns"), D: &campaignsPage{Items: cs, Codes: outreachCodes{web.Lang(r)}}})
}

func (m *Module) apiCampaign(w http.ResponseWriter, r *http.Request) error {
	id, err := orID(r)
	if err != nil {
		return err
	}
	d, err := m.Campaign(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d)
	return nil
}

func (m *Module) apiSaveCampaign(w http.ResponseWriter, r *http.Request) error {
	var id int64
	if r.PathValue("id") != "" {
		var err error
		if id, err = orID(r); err != nil {
			return err
		}
	}
	if err := m.orAuthorize(r.Context(), web.Principal(r), PermEdit, "study_campaign", id); err != nil {
		return err
	}
	var in CampaignInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	nid, err := m.SaveCampaign(r.Context(), web.Principal(r), id, in)
	if err != nil {
		return err
	}
	if id != 0 {
		return m.apiCampaign(w, r)
	}
	web.WriteJSON(w, http.StatusCreated, map[string]int64{"id": nid})
	return nil
}

type campaignFormPage struct {
	ID    int64
	Codes outreachCodes
}

func (m *Module) pageCampaignForm(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	var id int64
	today := clock.Day(m.Clock.Now())
	form := map[string]string{"kind": "film", "starts_on": today, "ends_on": today}
	if r.PathValue("id") != "" {
		var err error
		if id, err = orID(r); err != nil {
			return err
		}
		if err := m.orAuthorize(r.Context(), p, PermEdit, "study_campaign", id); err != nil {
			return err
		}
		c, err := m.Campaign(r.Context(), p, id)
		if err != nil {
			return err
		}
		form = map[string]string{"kind": c.Kind, "title": c.Title, "description": c.Description, "starts_on": c.StartsOn, "ends_on": c.EndsOn}
		if c.Attendance != nil {
			form["attendance"] = fmt.Sprint(*c.Attendance)
		}
	} else if err := m.orAuthorize(r.Context(), p, PermEdit, "study_campaign", 0); err != nil {
		return err
	}
	return m.renderCampaignForm(w, r, http.StatusOK, id, &web.Page{Form: form})
}

func (m *Module) renderCampaignForm(w http.ResponseWriter, r *http.Request, status int, id int64, pg *web.Page) error {
	pg.Title = m.orT(r, "outreach.campaign_new")
	if id != 0 {
		pg.Title = m.orT(r, "outreach.campaign_edit")
	}
	pg.D = &campaignFormPage{ID: id, Codes: outreachCodes{web.Lang(r)}}
	return m.Views.Render(w, r, status, "outreach_campaign_form", pg)
}

func (m *Module) postCampaign(w http.ResponseWriter, r *http.Request) error {
	var id int64
	if r.PathValue("id") != "" {
		var err error
		if id, err = orID(r); err != nil {
			return err
		}
	}
	in := CampaignInput{Kind: r.FormValue("kind"), Title: r.FormValue("title"), Description: r.FormValue("description"),
		StartsOn: r.FormValue("starts_on"), EndsOn: r.FormValue("ends_on")}
	var attErr error
	if a := strings.TrimSpace(r.FormValue("attendance")); a != "" {
		n, err := strconv.Atoi(a)
		if err != nil {
			attErr = errs.Field("attendance", "观影人数须为整数", "the attendance must be a whole number")
		}
		in.Attendance = &n
	}
	var nid int64
	err := attErr
	if err == nil {
		nid, err = m.SaveCampaign(r.Context(), web.Principal(r), id, in)
	}
	if chInvalid(err) {
		form := map[string]string{"kind": in.Kind, "title": in.Title, "description": in.Description, "starts_on": in.StartsOn, "ends_on": in.EndsOn, "attendance": r.FormValue("attendance")}
		return m.renderCampaignForm(w, r, http.StatusUnprocessableEntity, id, m.orFormPage(r, err, form))
	}
	if err != nil {
		return err
	}
	ok := "saved"
	if id == 0 {
		ok = "created"
	}
	http.Redirect(w, r, fmt.Sprintf("/study/campaigns/%d?ok=%s", nid, ok), http.StatusSeeOther)
	return nil
}

type campaignPage struct {
	*CampaignDetail
	Codes    outreachCodes
	MaxFiles int
}

func (m *Module) pageCampaign(w http.ResponseWriter, r *http.Request) error {
	id, err := orID(r)
	if err != nil {
		return err
	}
	return m.renderCampaign(w, r, http.StatusOK, id, &web.Page{})
}

func (m *Module) renderCampaign(w http.ResponseWriter, r *http.Request, status int, id int64, pg *web.Page) error {
	d, err := m.Campaign(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	pg.Title, pg.D = d.Title, &campaignPage{CampaignDetail: d, Codes: outreachCodes{web.Lang(r)}, MaxFiles: AttachmentMaxFiles}
	return m.Views.Render(w, r, status, "outreach_campaign", pg)
}

func (m *Module) apiSubmit(w http.ResponseWriter, r *http.Request) error {
	id, err := orID(r)
	if err != nil {
		return err
	}
	if err := m.orAuthorize(r.Context(), web.Principal(r), PermLearn, "study_campaign", id); err != nil {
		return err
	}
	in, err := readSubmission(w, r)
	if err != nil {
		return err
	}
	sid, err := m.Submit(r.Context(), web.Principal(r), id, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]int64{"id": sid})
	return nil
}

func (m *Module) postSubmission(w http.ResponseWriter, r *http.Request) error {
	id, err := orID(r)
	if err != nil {
		return err
	}
	if err := m.orAuthorize(r.Context(), web.Principal(r), PermLearn, "study_campaign", id); err != nil {
		return err
	}
	in, err := readSubmission(w, r)
	if err == nil {
		_, err = m.Submit(r.Context(), web.Principal(r), id, in)
	}
	if chInvalid(err) || errs.KindOf(err) == errs.Conflict {
		st := http.StatusUnprocessableEntity
		if errs.KindOf(err) == errs.Conflict {
			st = http.StatusConflict
		}
		pg := m.orFormPage(r, err, map[string]string{"title": in.Title, "body": in.Body})
		if st == http.StatusConflict {
			pg.Error = errs.As(err).Message(web.Lang(r))
		}
		return m.renderCampaign(w, r, st, id, pg)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/study/campaigns/%d?ok=created#mine", id), http.StatusSeeOther)
	return nil
}

func (m *Module) apiPublishAwards(w http.ResponseWriter, r *http.Request) error {
	id, err := orID(r)
	if err != nil {
		return err
	}
	if err := m.PublishAwards(r.Context(), web.Principal(r), id); err != nil {
		return err
	}
	return m.apiCampaign(w, r)
}

func (m *Module) postPublishAwards(w http.ResponseWriter, r *http.Request) error {
	id, err := orID(r)
	if err != nil {
		return err
	}
	err = m.PublishAwards(r.Context(), web.Principal(r), id)
	if errs.KindOf(err) == errs.Conflict {
		return m.renderCampaign(w, r, http.StatusConflict, id, &web.Page{Error: errs.As(err).Message(web.Lang(r))})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/study/campaigns/%d?ok=saved#awards", id), http.StatusSeeOther)
	return nil
}

type submissionPage struct {
	*Submission
	Codes   outreachCodes
	CanEdit bool
	Mine    bool
	Kind    string // the campaign's kind
	Locked  bool   // the campaign's awards are published
}

func (m *Module) apiSubmission(w http.ResponseWriter, r *http.Request) error {
	id, err := orID(r)
	if err != nil {
		return err
	}
	s, err := m.Submission(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, s)
	return nil
}

func (m *Module) pageSubmission(w http.ResponseWriter, r *http.Request) error {
	id, err := orID(r)
	if err != nil {
		return err
	}
	return m.renderSubmission(w, r, http.StatusOK, id, &web.Page{})
}

func (m *Module) renderSubmission(w http.ResponseWriter, r *http.Request, status int, id int64, pg *web.Page) error {
	p := web.Principal(r)
	s, err := m.Submission(r.Context(), p, id)
	if err != nil {
		return err
	}
	c, err := m.getCampaign(r.Context(), m.DB.Q(r.Context()), s.CampaignID)
	if err != nil {
		return err
	}
	if pg.Form == nil {
		pg.Form = map[string]string{"comment": s.Comment, "award": s.Award}
		if s.Score != nil {
			pg.Form["score"] = fmt.Sprint(*s.Score)
		}
	}
	pg.Title = s.Title
	pg.D = &submissionPage{Submission: s, Codes: outreachCodes{web.Lang(r)}, CanEdit: orEditor(p), Mine: s.PersonID == p.PersonID, Kind: c.Kind, Locked: c.AwardsPublishedAt != nil}
	return m.Views.Render(w, r, status, "outreach_submission", pg)
}

func reviewFromForm(r *http.Request) (ReviewInput, error) {
	in := ReviewInput{Decision: r.FormValue("decision"), Comment: r.FormValue("comment")}
	if s := strings.TrimSpace(r.FormValue("score")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return in, errs.Field("score", "评分须为 0–100 的整数", "the score must be a whole number from 0 to 100")
		}
		in.Score = &n
	}
	return in, nil
}

func (m *Module) apiReview(w http.ResponseWriter, r *http.Request) error {
	id, err := orID(r)
	if err != nil {
		return err
	}
	if err := m.orAuthorize(r.Context(), web.Principal(r), PermEdit, "study_submission", id); err != nil {
		return err
	}
	var in ReviewInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if err := m.ReviewSubmission(r.Context(), web.Principal(r), id, in); err != nil {
		return err
	}
	return m.apiSubmission(w, r)
}

func (m *Module) postReview(w http.ResponseWriter, r *http.Request) error {
	id, err := orID(r)
	if err != nil {
		return err
	}
	in, err := reviewFromForm(r)
	if err == nil {
		err = m.ReviewSubmission(r.Context(), web.Principal(r), id, in)
	}
	return m.afterSubmissionChange(w, r, id, err, map[string]string{"score": r.FormValue("score"), "decision": in.Decision, "comment": in.Comment})
}

// afterSubmissionChange answers a review or award form: back to the page
// with the error beside the field, or on with a flash.
func (m *Module) afterSubmissionChange(w http.ResponseWriter, r *http.Request, id int64, err error, form map[string]string) error {
	if chInvalid(err) {
		return m.renderSubmission(w, r, http.StatusUnprocessableEntity, id, m.orFormPage(r, err, form))
	}
	if errs.KindOf(err) == errs.Conflict {
		return m.renderSubmission(w, r, http.StatusConflict, id, &web.Page{Error: errs.As(err).Message(web.Lang(r))})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/study/submissions/%d?ok=saved", id), http.StatusSeeOther)
	return nil
}

func (m *Module) apiAward(w http.ResponseWriter, r *http.Request) error {
	id, err := orID(r)
	if err != nil {
		return err
	}
	if err := m.orAuthorize(r.Context(), web.Principal(r), PermEdit, "study_submission", id); err != nil {
		return err
	}
	var in AwardInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if err := m.AwardSubmission(r.Context(), web.Principal(r), id, in); err != nil {
		return err
	}
	return m.apiSubmission(w, r)
}

func (m *Module) postAward(w http.ResponseWriter, r *http.Request) error {
	id, err := orID(r)
	if err != nil {
		return err
	}
	in := AwardInput{Award: r.FormValue("award")}
	err = m.AwardSubmission(r.Context(), web.Principal(r), id, in)
	return m.afterSubmissionChange(w, r, id, err, map[string]string{"award": in.Award})
}

// getAttachment serves an attachment as a download, never inline: the
// stored (checked) type, Content-Disposition: attachment and nosniff, so a
// file cannot run as a page of this site.
func (m *Module) getAttachment(w http.ResponseWriter, r *http.Request) error {
	id, err := orID(r)
	if err != nil {
		return err
	}
	f, err := m.Attachment(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="attachment%s"; filename*=UTF-8''%s`, attachmentExt(f.ContentType), url.PathEscape(f.Name)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(f.Data)))
	h.Set("Cache-Control", "private, no-store")
	_, err = w.Write(f.Data)
	return err
}

func attachmentExt(contentType string) string {
	for ext, ct := range attachmentTypes {
		if ct == contentType {
			return ext
		}
	}
	return ""
}
