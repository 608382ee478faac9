package study

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/seal"
)

// Campaign is a study campaign: a film screening (观影) whose viewers write
// reflections (心得体会), an essay contest (征文比赛) or a works collection
// (作品征集).
type Campaign struct {
	ID                int64      `json:"id"`
	Kind              string     `json:"kind"`
	Title             string     `json:"title"`
	Description       string     `json:"description"`
	StartsOn          string     `json:"starts_on"`
	EndsOn            string     `json:"ends_on"`
	Attendance        *int       `json:"attendance,omitempty"` // film screenings: viewers
	AwardsPublishedAt *time.Time `json:"awards_published_at,omitempty"`
	Submissions       int        `json:"submissions"`
	Accepted          int        `json:"accepted"`
	Open              bool       `json:"open"` // taking submissions today
}

// CampaignInput creates or changes a campaign.
type CampaignInput struct {
	Kind        string `json:"kind"`
	Title       string `json:"title"`
	Description string `json:"description"`
	StartsOn    string `json:"starts_on"`
	EndsOn      string `json:"ends_on"`
	Attendance  *int   `json:"attendance,omitempty"`
}

// Submission is a learner's entry to a campaign with its review.
type Submission struct {
	ID          int64            `json:"id"`
	CampaignID  int64            `json:"campaign_id"`
	Campaign    string           `json:"campaign"`
	PersonID    int64            `json:"person_id"`
	Author      string           `json:"author"`
	Unit        string           `json:"unit,omitempty"`
	Title       string           `json:"title"`
	Body        string           `json:"body,omitempty"`
	SubmittedOn string           `json:"submitted_on"`
	Status      string           `json:"status"` // submitted, accepted, rejected
	Score       *int             `json:"score,omitempty"`
	Comment     string           `json:"comment,omitempty"`
	ReviewedAt  *time.Time       `json:"reviewed_at,omitempty"`
	Award       string           `json:"award,omitempty"`
	Files       []SubmissionFile `json:"files"`
}

// SubmissionFile describes an attachment (its bytes are served by
// GET /api/v1/attachments/{id} to the author and editors only).
type SubmissionFile struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int    `json:"size"`
}

// UploadedFile is an attachment as received.
type UploadedFile struct {
	Name string
	Data []byte
}

// SubmissionInput is what a learner submits.
type SubmissionInput struct {
	Title string         `json:"title"`
	Body  string         `json:"body"`
	Files []UploadedFile `json:"-"`
}

// ReviewInput is a reviewer's decision: a score of 0–100, accept or
// reject, and a comment (required to reject).
type ReviewInput struct {
	Score    *int   `json:"score"`
	Decision string `json:"decision"` // accept or reject
	Comment  string `json:"comment"`
}

// AwardInput sets a prize on an accepted submission ("none" takes it away).
type AwardInput struct {
	Award string `json:"award"`
}

// CampaignDetail is a campaign with what the caller may see of its
// submissions: editors every one; a learner their own, and the awarded
// ones once the awards are published.
type CampaignDetail struct {
	Campaign
	Mine           *Submission  `json:"mine,omitempty"`
	Awards         []Submission `json:"awards"`
	SubmissionList []Submission `json:"submission_list,omitempty"`
	CanEdit        bool         `json:"can_edit"`
	CanSubmit      bool         `json:"can_submit"`
}

func orEditor(p *auth.Principal) bool { return auth.Can(p, PermEdit, auth.Anything) }

const campaignCols = `c.id, c.kind, c.title, c.description, c.starts_on, c.ends_on, c.attendance, c.awards_published_at,
	(SELECT COUNT(*) FROM study_submissions s WHERE s.campaign_id = c.id),
	(SELECT COUNT(*) FROM study_submissions s WHERE s.campaign_id = c.id AND s.status = 'accepted')`

func (m *Module) scanCampaign(row interface{ Scan(...any) error }) (*Campaign, error) {
	var c Campaign
	var att sql.NullInt64
	var pub sql.NullTime
	if err := row.Scan(&c.ID, &c.Kind, &c.Title, &c.Description, &c.StartsOn, &c.EndsOn, &att, &pub, &c.Submissions, &c.Accepted); err != nil {
		return nil, err
	}
	if att.Valid {
		n := int(att.Int64)
		c.Attendance = &n
	}
	if pub.Valid {
		t := pub.Time
		c.AwardsPublishedAt = &t
	}
	today := clock.Day(m.Clock.Now())
	c.Open = c.StartsOn <= today && today <= c.EndsOn
	return &c, nil
}

func (m *Module) getCampaign(ctx context.Context, q db.Querier, id int64) (*Campaign, error) {
	c, err := m.scanCampaign(q.QueryRowContext(ctx, `SELECT `+campaignCols+` FROM study_campaigns c WHERE c.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFoundf("活动")
	}
	return c, err
}

// Campaigns lists the campaigns, latest first.
func (m *Module) Campaigns(ctx context.Context, p *auth.Principal) ([]Campaign, error) {
	if err := m.orAuthorize(ctx, p, PermLearn, "study_campaigns", 0); err != nil {
		return nil, err
	}
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT `+campaignCols+` FROM study_campaigns c ORDER BY c.starts_on DESC, c.id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Campaign{}
	for rows.Next() {
		c, err := m.scanCampaign(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	return out, rows.Err()
}

func (m *Module) validateCampaign(in *CampaignInput) errs.List {
	var l errs.List
	in.Title, in.Description = strings.TrimSpace(in.Title), strings.TrimSpace(in.Description)
	in.StartsOn, in.EndsOn = strings.TrimSpace(in.StartsOn), strings.TrimSpace(in.EndsOn)
	if !outreachHas(CampaignKinds, in.Kind) {
		l = append(l, errs.Field("kind", "请选择活动类型（观影、征文比赛或作品征集）", "choose the kind: film, essay or works"))
	}
	orText(&l, "title", "活动名称", "the title", in.Title, 2, 100)
	if orRunes(in.Description) > 2000 {
		l = append(l, errs.Field("description", "活动说明不能超过 2000 个字", "the description must be at most 2000 characters"))
	}
	_, e1 := clock.ParseDay(in.StartsOn)
	_, e2 := clock.ParseDay(in.EndsOn)
	if e1 != nil {
		l = append(l, errs.Field("starts_on", "开始日期须为 YYYY-MM-DD", "the start must be YYYY-MM-DD"))
	}
	if e2 != nil {
		l = append(l, errs.Field("ends_on", "截止日期须为 YYYY-MM-DD", "the end must be YYYY-MM-DD"))
	}
	if e1 == nil && e2 == nil && in.EndsOn < in.StartsOn {
		l = append(l, errs.Field("ends_on", fmt.Sprintf("截止日期 %s 早于开始日期 %s", in.EndsOn, in.StartsOn), fmt.Sprintf("the end %s is before the start %s", in.EndsOn, in.StartsOn)))
	}
	if in.Attendance != nil {
		switch {
		case in.Kind != "film":
			l = append(l, errs.Field("attendance", "只有观影活动记录观影人数", "only a film screening has an attendance"))
		case *in.Attendance < 0 || *in.Attendance > maxAudience:
			l = append(l, errs.Field("attendance", fmt.Sprintf("观影人数须为 0–%d", maxAudience), fmt.Sprintf("the attendance must be 0–%d", maxAudience)))
		}
	}
	return l
}

// SaveCampaign creates (id 0) or changes a campaign and returns its id.
func (m *Module) SaveCampaign(ctx context.Context, p *auth.Principal, id int64, in CampaignInput) (int64, error) {
	if err := m.orAuthorize(ctx, p, PermEdit, "study_campaign", id); err != nil {
		return 0, err
	}
	l := m.validateCampaign(&in)
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		if id != 0 {
			if _, err := m.getCampaign(ctx, tx, id); err != nil {
				return err
			}
		}
		if len(l) > 0 {
			return l
		}
		var att any
		if in.Attendance != nil {
			att = *in.Attendance
		}
		now := m.Clock.Now()
		verb := "update"
		var err error
		if id == 0 {
			verb = "create"
			id, err = tx.InsertID(ctx, `INSERT INTO study_campaigns (kind, title, description, starts_on, ends_on, attendance, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
				in.Kind, in.Title, in.Description, in.StartsOn, in.EndsOn, att, now, now)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE study_campaigns SET kind = ?, title = ?, description = ?, starts_on = ?, ends_on = ?, attendance = ?, updated_at = ? WHERE id = ?`,
				in.Kind, in.Title, in.Description, in.StartsOn, in.EndsOn, att, now, id)
		}
		if err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "study.campaign." + verb, ObjectType: "study_campaign", ObjectID: fmt.Sprint(id),
			Detail: fmt.Sprintf("%s %s %s–%s", in.Kind, in.Title, in.StartsOn, in.EndsOn)})
	})
	return id, err
}

const submissionCols = `s.id, s.campaign_id, c.title, s.person_id, pe.name, COALESCE(b.name, v.name, ''), s.title, s.body, s.submitted_on, s.status,
	s.score, s.review_comment, s.reviewed_at, s.award`
const submissionFrom = ` FROM study_submissions s JOIN study_campaigns c ON c.id = s.campaign_id JOIN people pe ON pe.id = s.person_id
	LEFT JOIN branches b ON b.id = pe.branch_id LEFT JOIN villages v ON v.id = pe.village_id`

func scanSubmission(row interface{ Scan(...any) error }) (Submission, error) {
	var s Submission
	var score sql.NullInt64
	var rev sql.NullTime
	err := row.Scan(&s.ID, &s.CampaignID, &s.Campaign, &s.PersonID, &s.Author, &s.Unit, &s.Title, &s.Body, &s.SubmittedOn, &s.Status, &score, &s.Comment, &rev, &s.Award)
	if score.Valid {
		n := int(score.Int64)
		s.Score = &n
	}
	if rev.Valid {
		t := rev.Time
		s.ReviewedAt = &t
	}
	s.Files = []SubmissionFile{}
	return s, err
}

func listSubmissions(ctx context.Context, q db.Querier, where string, args ...any) ([]Submission, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+submissionCols+submissionFrom+` WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Submission{}
	for rows.Next() {
		s, err := scanSubmission(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func submissionFiles(ctx context.Context, q db.Querier, id int64) ([]SubmissionFile, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, name, content_type, size FROM study_submission_files WHERE submission_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []SubmissionFile{}
	for rows.Next() {
		var f SubmissionFile
		if err := rows.Scan(&f.ID, &f.Name, &f.ContentType, &f.Size); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// awardRank orders prizes (first prize first), then by score.
const awardOrder = ` ORDER BY CASE s.award WHEN 'first' THEN 1 WHEN 'second' THEN 2 WHEN 'third' THEN 3 WHEN 'excellent' THEN 4 ELSE 5 END, s.score DESC, s.id`

// Campaign returns a campaign with the submissions p may see.
func (m *Module) Campaign(ctx context.Context, p *auth.Principal, id int64) (*CampaignDetail, error) {
	if err := m.orAuthorize(ctx, p, PermLearn, "study_campaign", id); err != nil {
		return nil, err
	}
	q := m.DB.Q(ctx)
	c, err := m.getCampaign(ctx, q, id)
	if err != nil {
		return nil, err
	}
	d := &CampaignDetail{Campaign: *c, CanEdit: orEditor(p), Awards: []Submission{}}
	if p.PersonID != 0 {
		mine, err := listSubmissions(ctx, q, `s.campaign_id = ? AND s.person_id = ?`, id, p.PersonID)
		if err != nil {
			return nil, err
		}
		if len(mine) > 0 {
			d.Mine = &mine[0]
			if d.Mine.Files, err = submissionFiles(ctx, q, d.Mine.ID); err != nil {
				return nil, err
			}
		}
	}
	d.CanSubmit = p.PersonID != 0 && d.Mine == nil && c.Open
	if c.AwardsPublishedAt != nil || d.CanEdit {
		if d.Awards, err = listSubmissions(ctx, q, `s.campaign_id = ? AND s.award <> ''`+awardOrder, id); err != nil {
			return nil, err
		}
		for i := range d.Awards {
			d.Awards[i].Body = ""
		}
	}
	if d.CanEdit {
		if d.SubmissionList, err = listSubmissions(ctx, q, `s.campaign_id = ?`+
			` ORDER BY CASE s.status WHEN 'submitted' THEN 0 ELSE 1 END, s.submitted_on DESC, s.id DESC`, id); err != nil {
			return nil, err
		}
		for i := range d.SubmissionList {
			d.SubmissionList[i].Body = ""
		}
	}
	return d, nil
}

// orDenied audits a refused read of an object p may not see and answers
// "not found", as Authorize does for objects outside a scope.
func (m *Module) orDenied(ctx context.Context, objType string, id int64) error {
	_ = m.Audit.Record(ctx, audit.Entry{Action: "access.denied", ObjectType: objType, ObjectID: fmt.Sprint(id), Result: audit.Denied,
		Detail: string(PermLearn) + " (not the author)"})
	return errs.NotFoundf(objType)
}

// Submission returns a submission to its author, to editors, and — once
// it won a published award — to every learner.
func (m *Module) Submission(ctx context.Context, p *auth.Principal, id int64) (*Submission, error) {
	if err := m.orAuthorize(ctx, p, PermLearn, "study_submission", id); err != nil {
		return nil, err
	}
	q := m.DB.Q(ctx)
	list, err := listSubmissions(ctx, q, `s.id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, errs.NotFoundf("作品")
	}
	s := &list[0]
	if s.PersonID != p.PersonID && !orEditor(p) {
		c, err := m.getCampaign(ctx, q, s.CampaignID)
		if err != nil {
			return nil, err
		}
		if s.Award == "" || c.AwardsPublishedAt == nil {
			return nil, m.orDenied(ctx, "study_submission", id)
		}
		s.Comment, s.Score = "", nil // the review stays between the author and the reviewers
		return s, nil                // files stay with the author and editors
	}
	if s.Files, err = submissionFiles(ctx, q, id); err != nil {
		return nil, err
	}
	return s, nil
}

// Submit adds the caller's submission to a campaign, with up to three
// checked attachments, while the campaign takes submissions.
func (m *Module) Submit(ctx context.Context, p *auth.Principal, campaignID int64, in SubmissionInput) (int64, error) {
	if err := m.orAuthorize(ctx, p, PermLearn, "study_campaign", campaignID); err != nil {
		return 0, err
	}
	if err := chNeedPerson(p); err != nil {
		return 0, err
	}
	var l errs.List
	in.Title, in.Body = strings.TrimSpace(in.Title), strings.TrimSpace(in.Body)
	orText(&l, "title", "标题", "the title", in.Title, 2, 100)
	orText(&l, "body", "正文", "the text", in.Body, 10, 20000)
	if len(in.Files) > AttachmentMaxFiles {
		l = append(l, errs.Field("files", fmt.Sprintf("最多 %d 个附件，提交了 %d 个", AttachmentMaxFiles, len(in.Files)), fmt.Sprintf("at most %d attachments; %d given", AttachmentMaxFiles, len(in.Files))))
	}
	types := make([]string, len(in.Files))
	for i, f := range in.Files {
		ct, err := CheckAttachment(f.Name, f.Data)
		if err != nil {
			l = append(l, errs.As(err))
			continue
		}
		types[i] = ct
	}
	var id int64
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		c, err := m.getCampaign(ctx, tx, campaignID)
		if err != nil {
			return err
		}
		if len(l) > 0 {
			return l
		}
		if !c.Open {
			return errs.New(errs.Conflict, fmt.Sprintf("本活动征集时间为 %s 至 %s，现不接受投稿", c.StartsOn, c.EndsOn),
				fmt.Sprintf("this campaign takes submissions from %s to %s, not today", c.StartsOn, c.EndsOn))
		}
		now := m.Clock.Now()
		id, err = tx.InsertID(ctx, `INSERT INTO study_submissions (campaign_id, person_id, title, body, submitted_on, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			campaignID, p.PersonID, in.Title, in.Body, clock.Day(now), now)
		if db.IsUniqueViolation(err) {
			return errs.New(errs.Conflict, "您已向本活动投过稿，每人限投一篇", "you have already submitted to this campaign (one entry each)")
		}
		if err != nil {
			return err
		}
		for i, f := range in.Files {
			if err := insertSubmissionFile(ctx, tx, id, f, types[i], now); err != nil {
				return err
			}
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "study.submission.create", ObjectType: "study_submission", ObjectID: fmt.Sprint(id),
			Detail: fmt.Sprintf("campaign=%d files=%d %s", campaignID, len(in.Files), in.Title)})
	})
	return id, err
}

// insertSubmissionFile stores an attachment under a generated name.
func insertSubmissionFile(ctx context.Context, tx *db.Tx, submissionID int64, f UploadedFile, contentType string, now time.Time) error {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	stored := hex.EncodeToString(b) + strings.ToLower(path.Ext(f.Name))
	_, err := tx.ExecContext(ctx, `INSERT INTO study_submission_files (submission_id, name, stored_name, content_type, size, sm3, data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		submissionID, AttachmentName(f.Name), stored, contentType, len(f.Data), seal.SM3Hex(f.Data), f.Data, now)
	return err
}

func lockSubmission(ctx context.Context, tx *db.Tx, id int64) (*Submission, error) {
	if _, err := tx.ExecContext(ctx, `UPDATE study_submissions SET status = status WHERE id = ?`, id); err != nil {
		return nil, err
	}
	list, err := listSubmissions(ctx, tx, `s.id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, errs.NotFoundf("作品")
	}
	return &list[0], nil
}

// ReviewSubmission scores a submission and accepts or rejects it. An
// accepted reflection earns its author ActReflection (RULES.md §6: 2
// points, cap 2 a day); an accepted decision is final.
func (m *Module) ReviewSubmission(ctx context.Context, p *auth.Principal, id int64, in ReviewInput) error {
	if err := m.orAuthorize(ctx, p, PermEdit, "study_submission", id); err != nil {
		return err
	}
	var l errs.List
	in.Comment = strings.TrimSpace(in.Comment)
	if in.Score == nil || *in.Score < 0 || *in.Score > 100 {
		l = append(l, errs.Field("score", "评分须为 0–100 的整数", "the score must be a whole number from 0 to 100"))
	}
	switch in.Decision {
	case "accept":
		if orRunes(in.Comment) > 500 {
			l = append(l, errs.Field("comment", "评语不能超过 500 个字", "the comment must be at most 500 characters"))
		}
	case "reject":
		orText(&l, "comment", "不予采用须写明理由，评语", "a rejection needs a reason: the comment", in.Comment, 2, 500)
	default:
		l = append(l, errs.Field("decision", "请选择“采用”或“不予采用”", "choose accept or reject"))
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		s, err := lockSubmission(ctx, tx, id)
		if err != nil {
			return err
		}
		if len(l) > 0 {
			return l
		}
		if s.Status == "accepted" {
			return errs.New(errs.Conflict, "该作品已采用，评审结果不能再改", "this submission is accepted; the decision is final")
		}
		status := map[string]string{"accept": "accepted", "reject": "rejected"}[in.Decision]
		now := m.Clock.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE study_submissions SET status = ?, score = ?, review_comment = ?, reviewed_by = ?, reviewed_at = ? WHERE id = ?`,
			status, *in.Score, in.Comment, p.UserID, now, id); err != nil {
			return err
		}
		if status == "accepted" {
			if _, err := m.Award(ctx, s.PersonID, clock.Day(now), ActReflection, 0, "reflection", id); err != nil {
				return err
			}
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "study.submission.review", ObjectType: "study_submission", ObjectID: fmt.Sprint(id),
			Detail: fmt.Sprintf("%s score=%d", status, *in.Score)})
	})
}

// AwardSubmission sets (or, with "none", clears) the prize of an accepted
// submission, until the campaign's awards are published.
func (m *Module) AwardSubmission(ctx context.Context, p *auth.Principal, id int64, in AwardInput) error {
	if err := m.orAuthorize(ctx, p, PermEdit, "study_submission", id); err != nil {
		return err
	}
	award := in.Award
	if award == "none" {
		award = ""
	} else if !outreachHas(AwardLevels, award) {
		return errs.Field("award", "奖项须为一等奖、二等奖、三等奖、优秀奖或 none", "the award must be first, second, third, excellent or none")
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		s, err := lockSubmission(ctx, tx, id)
		if err != nil {
			return err
		}
		c, err := m.getCampaign(ctx, tx, s.CampaignID)
		if err != nil {
			return err
		}
		if c.AwardsPublishedAt != nil {
			return errs.New(errs.Conflict, "获奖名单已公布，不能再改", "the awards are published and can no longer change")
		}
		if s.Status != "accepted" && award != "" {
			return errs.New(errs.Conflict, "只有已采用的作品才能评奖", "only an accepted submission can win an award")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE study_submissions SET award = ? WHERE id = ?`, award, id); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "study.submission.award", ObjectType: "study_submission", ObjectID: fmt.Sprint(id), Detail: in.Award})
	})
}

// PublishAwards publishes a campaign's awards on its page, for every
// learner to see.
func (m *Module) PublishAwards(ctx context.Context, p *auth.Principal, campaignID int64) error {
	if err := m.orAuthorize(ctx, p, PermEdit, "study_campaign", campaignID); err != nil {
		return err
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE study_campaigns SET updated_at = updated_at WHERE id = ?`, campaignID); err != nil {
			return err
		}
		c, err := m.getCampaign(ctx, tx, campaignID)
		if err != nil {
			return err
		}
		if c.AwardsPublishedAt != nil {
			return errs.New(errs.Conflict, "获奖名单已公布", "the awards are already published")
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM study_submissions WHERE campaign_id = ? AND award <> ''`, campaignID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return errs.New(errs.Conflict, "还没有评出获奖作品", "no submission has an award yet")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE study_campaigns SET awards_published_at = ? WHERE id = ?`, m.Clock.Now(), campaignID); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "study.campaign.publish", ObjectType: "study_campaign", ObjectID: fmt.Sprint(campaignID), Detail: fmt.Sprintf("%d awards", n)})
	})
}

// AttachmentFile is an attachment with its bytes.
type AttachmentFile struct {
	SubmissionFile
	Data []byte
}

// Attachment returns an attachment to the submission's author or an
// editor; anyone else is told it does not exist (and the refusal is
// audited).
func (m *Module) Attachment(ctx context.Context, p *auth.Principal, id int64) (*AttachmentFile, error) {
	if err := m.orAuthorize(ctx, p, PermLearn, "study_attachment", id); err != nil {
		return nil, err
	}
	var f AttachmentFile
	var author int64
	err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT f.id, f.name, f.content_type, f.size, f.data, s.person_id FROM study_submission_files f
		JOIN study_submissions s ON s.id = f.submission_id WHERE f.id = ?`, id).Scan(&f.ID, &f.Name, &f.ContentType, &f.Size, &f.Data, &author)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFoundf("附件")
	}
	if err != nil {
		return nil, err
	}
	if author != p.PersonID && !orEditor(p) {
		return nil, m.orDenied(ctx, "study_attachment", id)
	}
	return &f, nil
}

// reflectionsSQL counts reflections submitted in [?, ?].
const reflectionsSQL = `SELECT COUNT(*) FROM study_submissions WHERE submitted_on >= ? AND submitted_on <= ?`

// Paragraphs splits the text at blank lines (or single line breaks) for
// display as paragraphs.
func (s Submission) Paragraphs() []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s.Body, "\r\n", "\n"), "\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// SizeText shows a file's size in KB or MB.
func (f SubmissionFile) SizeText() string {
	if f.Size >= 1<<20 {
		return fmt.Sprintf("%.1f MB", float64(f.Size)/(1<<20))
	}
	return fmt.Sprintf("%.1f KB", float64(f.Size)/(1<<10))
}

// Viewers is the attendance of a film screening (0 when not recorded).
func (c Campaign) Viewers() int {
	if c.Attendance == nil {
		return 0
	}
	return *c.Attendance
}
