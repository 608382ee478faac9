package village

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/seal"
)

// Problem-lead permissions. Leads carry the confidential label (等保
// 8.1.4.2g): only rules marked Confidential reach them, and every check
// passes auth.Object{…, Confidential: true}.
const (
	// PermLeads reads leads: discipline inspectors in their villages (or
	// the zone); the committee only while the zone rule
	// committee_sees_leads is on (checked at run time by leadReader).
	PermLeads auth.Perm = "village:leads"
	// PermLeadsHandle records leads and their handling: the discipline
	// inspector only (DOMAIN.md: "investigated by the discipline member").
	PermLeadsHandle auth.Perm = "village:leads_handle"
)

func init() {
	auth.Register(PermLeads, auth.Rule{Role: auth.Discipline, Confidential: true}, auth.Rule{Role: auth.Committee, Confidential: true})
	auth.Register(PermLeadsHandle, auth.Rule{Role: auth.Discipline, Confidential: true})
}

// Lead is a problem lead (问题线索) as its readers see it.
type Lead struct {
	ID          int64       `json:"id"`
	VillageID   int64       `json:"village_id"`
	Village     string      `json:"village"`
	SubjectID   int64       `json:"subject_person_id"`
	Subject     string      `json:"subject"`
	Source      string      `json:"source"`
	Description string      `json:"description"`
	ReceivedOn  string      `json:"received_on"`
	Status      string      `json:"status"`
	VerifyOn    string      `json:"verify_on,omitempty"`
	VerifyNote  string      `json:"verify_note,omitempty"`
	OutcomeOn   string      `json:"outcome_on,omitempty"`
	OutcomeNote string      `json:"outcome_note,omitempty"`
	DueDays     int         `json:"due_days"`
	Due         string      `json:"due"`
	DaysLeft    int         `json:"days_left"`
	Overdue     bool        `json:"overdue"`
	Files       []LeadFile  `json:"files,omitempty"`
	Events      []LeadEvent `json:"events,omitempty"`
}

// LeadFile is an attachment of a lead (never its bytes).
type LeadFile struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int    `json:"size"`
}

// LeadEvent is one step of a lead's handling.
type LeadEvent struct {
	Action string `json:"action"`
	Status string `json:"status"`
	Day    string `json:"day"`
	Note   string `json:"note,omitempty"`
}

// LeadInput records a new lead.
type LeadInput struct {
	VillageID   int64  `json:"village_id"`
	SubjectID   int64  `json:"subject_person_id"`
	Source      string `json:"source"`
	Description string `json:"description"`
	ReceivedOn  string `json:"received_on"`
}

// LeadStep is the verify or dispose step's input.
type LeadStep struct {
	Day     string `json:"day"`
	Outcome string `json:"outcome"` // dispose only
	Note    string `json:"note"`
}

// LeadFilter narrows the list. Q searches the description and the
// subject's name.
type LeadFilter struct {
	VillageID int64
	Source    string
	Status    string
	Q         string
	Overdue   bool
	Offset    int
	Limit     int
}

// LeadList is a page of leads with counts by status, all within what the
// reader may see.
type LeadList struct {
	Items    []Lead         `json:"items"`
	Total    int            `json:"total"`
	ByStatus map[string]int `json:"by_status"`
	Overdue  int            `json:"overdue"`
}

func (m *Module) leadsToday() string { return clock.Day(m.Clock.Now()) }

// leadReader is the one gate every read path of leads passes (list,
// detail, attachment, page and API): it returns the principal reduced to
// the grants that may read leads right now — discipline grants always,
// committee grants only while the zone rule committee_sees_leads is on —
// or a 403 (audited) when none is left. Callers then check the object
// with that principal and exclude leads about the reader themselves.
func (m *Module) leadReader(ctx context.Context, p *auth.Principal, objID string) (*auth.Principal, error) {
	if err := m.Auth.Authorize(ctx, p, PermLeads, auth.Anything, "village_lead", objID); err != nil {
		return nil, err
	}
	rv, err := m.Rules(ctx, 0, m.leadsToday())
	if err != nil {
		return nil, err
	}
	eff := *p
	eff.Grants = nil
	for _, g := range p.Grants {
		if g.Role == auth.Discipline || (g.Role == auth.Committee && rv.CommitteeSeesLeads) {
			eff.Grants = append(eff.Grants, g)
		}
	}
	if !auth.Can(&eff, PermLeads, auth.Anything) {
		_ = m.Audit.Record(ctx, audit.Entry{Action: "access.denied", ObjectType: "village_lead", ObjectID: objID, Result: audit.Denied,
			Detail: string(PermLeads) + " (committee_sees_leads off)"})
		return nil, errs.New(errs.Forbidden, "无权执行此操作", "you are not allowed to do this")
	}
	return &eff, nil
}

// leadScope is the villages a reduced principal reaches (zone = all).
func leadScope(eff *auth.Principal) (ids []int64, zone bool) {
	for _, r := range []auth.Role{auth.Discipline, auth.Committee} {
		v, z := eff.ScopeIDs(r, auth.ScopeVillage)
		ids = append(ids, v...)
		zone = zone || z
	}
	return ids, zone
}

// leadWhere is the SQL condition shared by every list and count: the
// reader's villages, and never a lead about the reader.
func leadWhere(eff *auth.Principal) (string, []any) {
	w := ` WHERE l.subject_person_id <> ?`
	args := []any{eff.PersonID}
	ids, zone := leadScope(eff)
	if !zone {
		if len(ids) == 0 {
			return w + ` AND 1 = 0`, args
		}
		w += ` AND l.village_id IN (?` + strings.Repeat(", ?", len(ids)-1) + `)`
		for _, id := range ids {
			args = append(args, id)
		}
	}
	return w, args
}

const leadCols = `l.id, l.village_id, v.name, l.subject_person_id, p.name, l.source, l.description, l.received_on, l.status,
	l.verify_on, l.verify_note, l.outcome_on, l.outcome_note, l.due_days`

func scanLead(sc interface{ Scan(...any) error }, today string) (Lead, error) {
	var l Lead
	err := sc.Scan(&l.ID, &l.VillageID, &l.Village, &l.SubjectID, &l.Subject, &l.Source, &l.Description, &l.ReceivedOn, &l.Status,
		&l.VerifyOn, &l.VerifyNote, &l.OutcomeOn, &l.OutcomeNote, &l.DueDays)
	if err != nil {
		return l, err
	}
	l.Due = LeadDue(l.ReceivedOn, l.DueDays)
	l.Overdue = LeadOverdue(l.Status, l.ReceivedOn, l.DueDays, today)
	if LeadOpen(l.Status) {
		l.DaysLeft = LeadDaysLeft(l.ReceivedOn, l.DueDays, today)
	}
	return l, nil
}

// Leads lists the leads the caller may read, filtered and paged, with
// counts by status over the same scope. The read is audited with the ids
// returned; if the audit write fails, nothing is returned.
func (m *Module) Leads(ctx context.Context, p *auth.Principal, f LeadFilter) (*LeadList, error) {
	eff, err := m.leadReader(ctx, p, "")
	if err != nil {
		return nil, err
	}
	today := m.leadsToday()
	w, args := leadWhere(eff)
	if f.VillageID > 0 {
		w += ` AND l.village_id = ?`
		args = append(args, f.VillageID)
	}
	if f.Source != "" {
		w += ` AND l.source = ?`
		args = append(args, f.Source)
	}
	if f.Q = strings.TrimSpace(f.Q); f.Q != "" {
		if utf8.RuneCountInString(f.Q) > 50 {
			return nil, errs.Field("q", "搜索词最多 50 字", "the search is at most 50 characters")
		}
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(f.Q) + "%"
		w += ` AND (l.description LIKE ? ESCAPE '\' OR p.name LIKE ? ESCAPE '\')`
		args = append(args, like, like)
	}
	from := ` FROM village_leads l JOIN villages v ON v.id = l.village_id JOIN people p ON p.id = l.subject_person_id`
	out := &LeadList{Items: []Lead{}, ByStatus: map[string]int{}}
	err = m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		// All matching leads are few (a zone has dozens a year): read them,
		// count, then page in memory so counts and page agree.
		rows, err := tx.QueryContext(ctx, `SELECT `+leadCols+from+w+` ORDER BY l.received_on DESC, l.id DESC`, args...)
		if err != nil {
			return err
		}
		var all []Lead
		for rows.Next() {
			l, err := scanLead(rows, today)
			if err != nil {
				rows.Close()
				return err
			}
			out.ByStatus[l.Status]++
			if l.Overdue {
				out.Overdue++
			}
			if (f.Status == "" || f.Status == l.Status) && (!f.Overdue || l.Overdue) {
				all = append(all, l)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		out.Total = len(all)
		if f.Offset < len(all) {
			all = all[f.Offset:]
		} else {
			all = nil
		}
		if f.Limit > 0 && len(all) > f.Limit {
			all = all[:f.Limit]
		}
		out.Items = append(out.Items, all...)
		ids := make([]string, len(out.Items))
		for i, l := range out.Items {
			ids[i] = fmt.Sprint(l.ID)
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "village.lead.list", ObjectType: "village_lead", ObjectID: strings.Join(ids, ","),
			Detail: fmt.Sprintf("village=%d source=%s status=%s q=%q overdue=%v offset=%d: %d of %d", f.VillageID, f.Source, f.Status, f.Q, f.Overdue, f.Offset, len(out.Items), out.Total)})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// leadFor finds a lead and checks that eff may reach it: its village in
// scope (auth.Can with the confidential label) and its subject not the
// reader. Absent, out of scope and "about you" all answer the same 404.
func (m *Module) leadFor(ctx context.Context, eff *auth.Principal, perm auth.Perm, id int64) (*Lead, error) {
	row := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+leadCols+` FROM village_leads l JOIN villages v ON v.id = l.village_id
		JOIN people p ON p.id = l.subject_person_id WHERE l.id = ?`, id)
	l, err := scanLead(row, m.leadsToday())
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFoundf("对象")
	}
	if err != nil {
		return nil, err
	}
	if err := m.Auth.Authorize(ctx, eff, perm, auth.Object{Village: l.VillageID, Person: l.SubjectID, Confidential: true}, "village_lead", fmt.Sprint(id)); err != nil {
		return nil, err
	}
	if eff.PersonID != 0 && l.SubjectID == eff.PersonID {
		_ = m.Audit.Record(ctx, audit.Entry{Action: "access.denied", ObjectType: "village_lead", ObjectID: fmt.Sprint(id), Result: audit.Denied,
			Detail: string(perm) + " (subject of the lead)"})
		return nil, errs.NotFoundf("对象")
	}
	return &l, nil
}

// Lead reads one lead with its files and history; the read is audited.
func (m *Module) Lead(ctx context.Context, p *auth.Principal, id int64) (*Lead, error) {
	eff, err := m.leadReader(ctx, p, fmt.Sprint(id))
	if err != nil {
		return nil, err
	}
	// The checks run outside the read's transaction so that a denial's
	// audit record is not rolled back with it.
	l, err := m.leadFor(ctx, eff, PermLeads, id)
	if err != nil {
		return nil, err
	}
	err = m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		if err := m.leadDetails(ctx, l); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "village.lead.read", ObjectType: "village_lead", ObjectID: fmt.Sprint(id),
			Scope: fmt.Sprintf("village:%d", l.VillageID)})
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

func (m *Module) leadDetails(ctx context.Context, l *Lead) error {
	q := m.DB.Q(ctx)
	rows, err := q.QueryContext(ctx, `SELECT id, name, content_type, size FROM village_lead_files WHERE lead_id = ? ORDER BY id`, l.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var f LeadFile
		if err := rows.Scan(&f.ID, &f.Name, &f.ContentType, &f.Size); err != nil {
			rows.Close()
			return err
		}
		l.Files = append(l.Files, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = q.QueryContext(ctx, `SELECT action, status, day, note FROM village_lead_events WHERE lead_id = ? ORDER BY id`, l.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var e LeadEvent
		if err := rows.Scan(&e.Action, &e.Status, &e.Day, &e.Note); err != nil {
			return err
		}
		l.Events = append(l.Events, e)
	}
	return rows.Err()
}

// LeadFileData returns an attachment's bytes after the same checks as
// reading its lead; the download is audited.
func (m *Module) LeadFileData(ctx context.Context, p *auth.Principal, fileID int64) (*LeadFile, []byte, error) {
	eff, err := m.leadReader(ctx, p, fmt.Sprintf("file:%d", fileID))
	if err != nil {
		return nil, nil, err
	}
	var f LeadFile
	var data []byte
	var leadID int64
	err = m.DB.Q(ctx).QueryRowContext(ctx, `SELECT id, lead_id, name, content_type, size, data FROM village_lead_files WHERE id = ?`, fileID).
		Scan(&f.ID, &leadID, &f.Name, &f.ContentType, &f.Size, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, errs.NotFoundf("对象")
	}
	if err != nil {
		return nil, nil, err
	}
	l, err := m.leadFor(ctx, eff, PermLeads, leadID)
	if err != nil {
		return nil, nil, err
	}
	if err := m.Audit.Record(ctx, audit.Entry{Action: "village.lead.file_read", ObjectType: "village_lead", ObjectID: fmt.Sprint(leadID),
		Scope: fmt.Sprintf("village:%d", l.VillageID), Detail: fmt.Sprintf("file %d %s", f.ID, f.Name)}); err != nil {
		return nil, nil, err
	}
	return &f, data, nil
}

// leadVerifyDays is the deadline in days for the preliminary verification
// in force for a village on a day (Rules.LeadVerifyDays: the zone's and
// then the village's rules over DefaultLeadVerifyDays).
func (m *Module) leadVerifyDays(ctx context.Context, villageID int64, day string) (int, error) {
	rv, err := m.Rules(ctx, villageID, day)
	if err != nil {
		return 0, err
	}
	if rv.LeadVerifyDays <= 0 {
		return DefaultLeadVerifyDays, nil
	}
	return rv.LeadVerifyDays, nil
}

func leadText(l *errs.List, field, zh, en, v string, minLen, maxLen int) {
	n := utf8.RuneCountInString(v)
	if n < minLen || n > maxLen {
		*l = append(*l, errs.Field(field, fmt.Sprintf("%s须为 %d–%d 字（现为 %d 字）", zh, minLen, maxLen, n),
			fmt.Sprintf("%s must be %d–%d characters (got %d)", en, minLen, maxLen, n)))
	}
}

// CreateLead records a lead (the discipline inspector over the village)
// with its attachments.
func (m *Module) CreateLead(ctx context.Context, p *auth.Principal, in LeadInput, files []LeadUpload) (int64, error) {
	if err := m.Auth.Authorize(ctx, p, PermLeadsHandle, auth.Anything, "village_lead", ""); err != nil {
		return 0, err
	}
	in.Source, in.Description, in.ReceivedOn = strings.TrimSpace(in.Source), strings.TrimSpace(in.Description), strings.TrimSpace(in.ReceivedOn)
	today := m.leadsToday()
	var l errs.List
	if in.VillageID <= 0 {
		l = append(l, errs.Field("village_id", "请选择村", "choose the village"))
	} else if _, err := m.village(ctx, in.VillageID); err != nil {
		l = append(l, errs.Field("village_id", "该村不存在", "no such village"))
	}
	var subject string
	if in.SubjectID > 0 {
		err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT name FROM people WHERE id = ?`, in.SubjectID).Scan(&subject)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return 0, err
		}
	}
	switch {
	case subject == "":
		l = append(l, errs.Field("subject_person_id", "请选择被反映人（名录中的人员）", "choose the subject (a person in the directory)"))
	case in.SubjectID == p.PersonID:
		l = append(l, errs.Field("subject_person_id", "不能登记反映本人的线索，应由其他纪检人员登记（回避）", "you cannot record a lead about yourself (recusal)"))
	}
	ok := false
	for _, s := range LeadSources {
		ok = ok || s == in.Source
	}
	if !ok {
		l = append(l, errs.Field("source", "来源须为信访、审计、日常发现、巡察或其他", "the source must be petition, audit, daily, inspection or other"))
	}
	leadText(&l, "description", "问题描述", "the description", in.Description, 5, 4000)
	if err := leadCheckStepDay("received_on", in.ReceivedOn, "", today); err != nil {
		l = append(l, errs.As(err))
	}
	if err := l.Err(); err != nil {
		return 0, err
	}
	if err := m.Auth.Authorize(ctx, p, PermLeadsHandle, auth.Object{Village: in.VillageID, Person: in.SubjectID, Confidential: true}, "village", fmt.Sprint(in.VillageID)); err != nil {
		return 0, err
	}
	days, err := m.leadVerifyDays(ctx, in.VillageID, in.ReceivedOn)
	if err != nil {
		return 0, err
	}
	var id int64
	now := m.Clock.Now()
	err = m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var err error
		if id, err = tx.InsertID(ctx, `INSERT INTO village_leads (village_id, subject_person_id, source, description, received_on, status, due_days, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, 'received', ?, ?, ?, ?)`, in.VillageID, in.SubjectID, in.Source, in.Description, in.ReceivedOn, days, p.UserID, now, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO village_lead_events (lead_id, action, status, day, note, by_user, at) VALUES (?, 'receive', 'received', ?, '', ?, ?)`,
			id, in.ReceivedOn, p.UserID, now); err != nil {
			return err
		}
		if err := m.saveLeadFiles(ctx, tx, id, files, p.UserID); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "village.lead.create", ObjectType: "village_lead", ObjectID: fmt.Sprint(id),
			Scope: fmt.Sprintf("village:%d", in.VillageID), Detail: fmt.Sprintf("source %s, %d files", in.Source, len(files))})
	})
	return id, err
}

// leadHandler gates a write on one lead: the handling permission over the
// lead's village, never on a lead about oneself.
func (m *Module) leadHandler(ctx context.Context, p *auth.Principal, id int64) (*Lead, error) {
	if err := m.Auth.Authorize(ctx, p, PermLeadsHandle, auth.Anything, "village_lead", fmt.Sprint(id)); err != nil {
		return nil, err
	}
	return m.leadFor(ctx, p, PermLeadsHandle, id)
}

// StepLead moves a lead through its handling (LeadNext): verify starts the
// preliminary verification, dispose records its one outcome.
func (m *Module) StepLead(ctx context.Context, p *auth.Principal, id int64, action string, in LeadStep) error {
	l, err := m.leadHandler(ctx, p, id)
	if err != nil {
		return err
	}
	in.Day, in.Note, in.Outcome = strings.TrimSpace(in.Day), strings.TrimSpace(in.Note), strings.TrimSpace(in.Outcome)
	next, err := LeadNext(l.Status, action, in.Outcome)
	if err != nil {
		return err
	}
	after := l.ReceivedOn
	if action == LeadActDispose {
		after = l.VerifyOn
	}
	var el errs.List
	if err := leadCheckStepDay("day", in.Day, after, m.leadsToday()); err != nil {
		el = append(el, errs.As(err))
	}
	minNote := 0
	if action == LeadActDispose {
		minNote = 5 // the outcome states its grounds
	}
	leadText(&el, "note", "说明", "the note", in.Note, minNote, 2000)
	if err := el.Err(); err != nil {
		return err
	}
	now := m.Clock.Now()
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var res sql.Result
		var err error
		if action == LeadActVerify {
			res, err = tx.ExecContext(ctx, `UPDATE village_leads SET status = ?, verify_on = ?, verify_note = ?, updated_at = ? WHERE id = ? AND status = ?`,
				next, in.Day, in.Note, now, id, l.Status)
		} else {
			res, err = tx.ExecContext(ctx, `UPDATE village_leads SET status = ?, outcome_on = ?, outcome_note = ?, updated_at = ? WHERE id = ? AND status = ?`,
				next, in.Day, in.Note, now, id, l.Status)
		}
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.New(errs.Conflict, "线索状态已被他人更改，请刷新后重试", "the lead changed meanwhile; reload and try again")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO village_lead_events (lead_id, action, status, day, note, by_user, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			id, action, next, in.Day, in.Note, p.UserID, now); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "village.lead." + action, ObjectType: "village_lead", ObjectID: fmt.Sprint(id),
			Scope: fmt.Sprintf("village:%d", l.VillageID), Detail: l.Status + " → " + next})
	})
}

// AttachLeadFiles adds attachments to a lead (its handler).
func (m *Module) AttachLeadFiles(ctx context.Context, p *auth.Principal, id int64, files []LeadUpload) error {
	l, err := m.leadHandler(ctx, p, id)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return errs.Field("files", "请选择要上传的附件", "choose the files to upload")
	}
	var n int
	if err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM village_lead_files WHERE lead_id = ?`, id).Scan(&n); err != nil {
		return err
	}
	if n+len(files) > LeadMaxFiles*4 {
		return errs.Field("files", fmt.Sprintf("每条线索最多 %d 个附件", LeadMaxFiles*4), fmt.Sprintf("at most %d attachments per lead", LeadMaxFiles*4))
	}
	now := m.Clock.Now()
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		if err := m.saveLeadFiles(ctx, tx, id, files, p.UserID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO village_lead_events (lead_id, action, status, day, note, by_user, at) VALUES (?, 'attach', ?, ?, ?, ?, ?)`,
			id, l.Status, m.leadsToday(), fmt.Sprintf("%d", len(files)), p.UserID, now); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "village.lead.attach", ObjectType: "village_lead", ObjectID: fmt.Sprint(id),
			Scope: fmt.Sprintf("village:%d", l.VillageID), Detail: fmt.Sprintf("%d files", len(files))})
	})
}

func (m *Module) saveLeadFiles(ctx context.Context, tx *db.Tx, leadID int64, files []LeadUpload, by int64) error {
	for _, f := range files {
		if _, err := tx.ExecContext(ctx, `INSERT INTO village_lead_files (lead_id, name, content_type, size, sm3, data, uploaded_by, uploaded_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, leadID, f.Name, f.ContentType, len(f.Data), seal.SM3Hex(f.Data), f.Data, by, m.Clock.Now()); err != nil {
			return err
		}
	}
	return nil
}

// LeadSubject is a person a lead may be about, for the form's picker.
type LeadSubject struct {
	PersonID  int64  `json:"person_id"`
	Name      string `json:"name"`
	VillageID int64  `json:"village_id"`
	Village   string `json:"village"`
	Title     string `json:"title"`
}

// leadSubjects lists the village cadres (secretaries, two-committee and
// supervision committee members) of the villages eff may handle, but never
// the caller.
func (m *Module) leadSubjects(ctx context.Context, eff *auth.Principal) ([]LeadSubject, error) {
	w, args := leadWhere(eff)
	w = strings.Replace(strings.ReplaceAll(w, "l.village_id", "ps.village_id"), "l.subject_person_id", "ps.person_id", 1)
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT ps.person_id, p.name, ps.village_id, v.name, MIN(ps.title) FROM positions ps
		JOIN people p ON p.id = ps.person_id JOIN villages v ON v.id = ps.village_id`+w+
		` AND ps.ended_on = '' AND ps.title IN ('village_secretary', 'village_director', 'village_committee', 'village_supervisor')
		GROUP BY ps.person_id, p.name, ps.village_id, v.name ORDER BY ps.village_id, MIN(ps.title), ps.person_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []LeadSubject
	for rows.Next() {
		var s LeadSubject
		if err := rows.Scan(&s.PersonID, &s.Name, &s.VillageID, &s.Village, &s.Title); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
