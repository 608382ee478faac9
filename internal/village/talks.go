package village

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/web"
)

// Permissions of the discipline side of village supervision.
const (
	// PermDiscipline records reminder talks and warning education: the
	// committee, and discipline inspectors in their villages (zone-wide
	// ones everywhere).
	PermDiscipline auth.Perm = "village:discipline"
	// PermTalkRead reads reminder-talk records: the committee and
	// discipline in scope; a village secretary only the talks held with
	// them (Self), never another secretary's.
	PermTalkRead auth.Perm = "village:talk_read"
)

func init() {
	auth.Register(PermDiscipline, auth.Rule{Role: auth.Committee}, auth.Rule{Role: auth.Discipline})
	auth.Register(PermTalkRead, auth.Rule{Role: auth.Committee}, auth.Rule{Role: auth.Discipline}, auth.Rule{Role: auth.VillageSecretary, Self: true})
}

// Talk is a reminder talk (谈话提醒) with a village secretary.
type Talk struct {
	ID        int64  `json:"id"`
	VillageID int64  `json:"village_id"`
	Village   string `json:"village"`
	SubjectID int64  `json:"subject_person_id"`
	Subject   string `json:"subject"`
	TalkerID  int64  `json:"talker_person_id,omitempty"`
	Talker    string `json:"talker"`
	HeldOn    string `json:"held_on"`
	Summary   string `json:"summary"`
	RelayedOn string `json:"relayed_on"`
}

// TalkInput records a talk. SubjectID defaults to the village's current
// secretary; the talker is a person (TalkerID) or a name.
type TalkInput struct {
	VillageID  int64  `json:"village_id"`
	SubjectID  int64  `json:"subject_person_id"`
	TalkerID   int64  `json:"talker_person_id"`
	TalkerName string `json:"talker_name"`
	HeldOn     string `json:"held_on"`
	Summary    string `json:"summary"`
	RelayedOn  string `json:"relayed_on"`
}

// TalkSubject is a village secretary who must be talked with each year.
type TalkSubject struct {
	VillageID int64  `json:"village_id"`
	Village   string `json:"village"`
	PersonID  int64  `json:"person_id"`
	Name      string `json:"name"`
}

// TalkComplianceRow is one secretary's standing for a year.
type TalkComplianceRow struct {
	TalkSubject
	Talks      int    `json:"talks"`
	LastHeldOn string `json:"last_held_on"`
	Unrelayed  int    `json:"unrelayed"`
	NoTalk     bool   `json:"no_talk"` // flag: no talk this year (RULES.md 4: ≥ 1/year)
}

// TalkCompliance is RULES.md §4's first row as a pure function: for the
// year, every village secretary must have had at least one talk (a flag
// otherwise), and every talk's content must be relayed to the two
// committees (talks not yet relayed are counted). Talks of other years or
// with someone no longer secretary of that village do not count.
func TalkCompliance(year int, subjects []TalkSubject, talks []Talk) []TalkComplianceRow {
	prefix := fmt.Sprintf("%04d-", year)
	out := make([]TalkComplianceRow, 0, len(subjects))
	for _, s := range subjects {
		row := TalkComplianceRow{TalkSubject: s}
		for _, t := range talks {
			if t.VillageID != s.VillageID || t.SubjectID != s.PersonID || !strings.HasPrefix(t.HeldOn, prefix) {
				continue
			}
			row.Talks++
			if t.HeldOn > row.LastHeldOn {
				row.LastHeldOn = t.HeldOn
			}
			if t.RelayedOn == "" {
				row.Unrelayed++
			}
		}
		row.NoTalk = row.Talks == 0
		out = append(out, row)
	}
	return out
}

func (m *Module) checkTalk(ctx context.Context, in *TalkInput, secs map[int64]svPerson) error {
	in.TalkerName, in.HeldOn, in.Summary, in.RelayedOn = strings.TrimSpace(in.TalkerName), strings.TrimSpace(in.HeldOn), strings.TrimSpace(in.Summary), strings.TrimSpace(in.RelayedOn)
	var l errs.List
	if in.SubjectID == 0 {
		if s, ok := secs[in.VillageID]; ok {
			in.SubjectID = s.ID
		} else {
			l = append(l, errs.Field("subject_person_id", "该村没有在任的村党组织书记，请指定谈话对象", "the village has no secretary in office; name the person talked with"))
		}
	} else if name, err := m.svPersonName(ctx, "subject_person_id", in.SubjectID); err != nil {
		l = append(l, errs.As(err))
	} else if ok, err := m.svHoldsPost(ctx, in.SubjectID, in.VillageID, "village_secretary"); err != nil {
		return err
	} else if !ok {
		l = append(l, errs.Field("subject_person_id", fmt.Sprintf("%s 不是（也未曾是）该村党组织书记；谈话提醒的对象是村党组织书记（RULES.md 4）", name),
			fmt.Sprintf("%s is not (and was not) the village's Party secretary; reminder talks are held with village secretaries (RULES.md 4)", name)))
	}
	if in.TalkerID > 0 {
		if name, err := m.svPersonName(ctx, "talker_person_id", in.TalkerID); err != nil {
			l = append(l, errs.As(err))
		} else {
			in.TalkerName = name
		}
		if in.TalkerID == in.SubjectID {
			l = append(l, errs.Field("talker_person_id", "谈话人不能是谈话对象本人", "the talker cannot be the person talked with"))
		}
	} else {
		svText(&l, "talker_name", "谈话人（包村干部）", "the talker (the cadre responsible for the village)", in.TalkerName, 2, 50)
	}
	today := m.svToday()
	if svDay(&l, "held_on", "谈话日期", "the talk's date", in.HeldOn) {
		svNotFuture(&l, "held_on", "谈话日期", "the talk's date", in.HeldOn, today)
	}
	svText(&l, "summary", "谈话内容", "the summary", in.Summary, 2, 4000)
	if in.RelayedOn != "" && svDay(&l, "relayed_on", "传达日期", "the relay date", in.RelayedOn) {
		svNotFuture(&l, "relayed_on", "传达日期", "the relay date", in.RelayedOn, today)
		if in.RelayedOn < in.HeldOn {
			l = append(l, errs.Field("relayed_on", fmt.Sprintf("向村“两委”传达日期 %s 早于谈话日期 %s", in.RelayedOn, in.HeldOn),
				fmt.Sprintf("the relay to the two committees (%s) is before the talk (%s)", in.RelayedOn, in.HeldOn)))
		}
	}
	return l.Err()
}

// CreateTalk records a reminder talk (PermDiscipline in the village).
func (m *Module) CreateTalk(ctx context.Context, p *auth.Principal, in TalkInput) (int64, error) {
	if err := m.Auth.Authorize(ctx, p, PermDiscipline, auth.Anything, "village_talk", ""); err != nil {
		return 0, err
	}
	if in.VillageID <= 0 {
		return 0, errs.Field("village_id", "请选择村", "choose a village")
	}
	if err := m.Auth.Authorize(ctx, p, PermDiscipline, auth.Object{Village: in.VillageID}, "village", fmt.Sprint(in.VillageID)); err != nil {
		return 0, err
	}
	if _, err := m.village(ctx, in.VillageID); err != nil {
		return 0, err
	}
	secs, err := m.svSecretaries(ctx)
	if err != nil {
		return 0, err
	}
	if err := m.checkTalk(ctx, &in, secs); err != nil {
		return 0, err
	}
	var id int64
	err = m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var talker any
		if in.TalkerID > 0 {
			talker = in.TalkerID
		}
		var err error
		if id, err = tx.InsertID(ctx, `INSERT INTO talks (village_id, subject_person_id, talker_person_id, talker_name, held_on, summary, relayed_on, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, in.VillageID, in.SubjectID, talker, in.TalkerName, in.HeldOn, in.Summary, in.RelayedOn, p.UserID, m.Clock.Now()); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "village.talk.create", ObjectType: "village_talk", ObjectID: fmt.Sprint(id),
			Scope: fmt.Sprintf("village:%d", in.VillageID), Detail: in.HeldOn})
	})
	return id, err
}

func (m *Module) talks(ctx context.Context, id int64, year int) ([]Talk, error) {
	q := `SELECT t.id, t.village_id, v.name, t.subject_person_id, s.name, COALESCE(t.talker_person_id, 0), t.talker_name, t.held_on, t.summary, t.relayed_on
		FROM talks t JOIN villages v ON v.id = t.village_id JOIN people s ON s.id = t.subject_person_id WHERE 1 = 1`
	var args []any
	if id > 0 {
		q += ` AND t.id = ?`
		args = append(args, id)
	}
	if year > 0 {
		q += ` AND t.held_on >= ? AND t.held_on <= ?`
		args = append(args, fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year))
	}
	rows, err := m.DB.Q(ctx).QueryContext(ctx, q+` ORDER BY t.held_on DESC, t.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Talk{}
	for rows.Next() {
		var t Talk
		if err := rows.Scan(&t.ID, &t.VillageID, &t.Village, &t.SubjectID, &t.Subject, &t.TalkerID, &t.Talker, &t.HeldOn, &t.Summary, &t.RelayedOn); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

func talkObj(t Talk) auth.Object { return auth.Object{Village: t.VillageID, Person: t.SubjectID} }

// Talks lists the talks of a year the caller may read: the committee and
// discipline those of their villages, a secretary only their own.
func (m *Module) Talks(ctx context.Context, p *auth.Principal, year int) ([]Talk, error) {
	if err := m.Auth.Authorize(ctx, p, PermTalkRead, auth.Anything, "village_talk", ""); err != nil {
		return nil, err
	}
	all, err := m.talks(ctx, 0, year)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, t := range all {
		if auth.Can(p, PermTalkRead, talkObj(t)) {
			out = append(out, t)
		}
	}
	return out, nil
}

// Talk reads one talk record; another secretary's talk is "not found".
func (m *Module) Talk(ctx context.Context, p *auth.Principal, id int64) (*Talk, error) {
	if err := m.Auth.Authorize(ctx, p, PermTalkRead, auth.Anything, "village_talk", fmt.Sprint(id)); err != nil {
		return nil, err
	}
	ts, err := m.talks(ctx, id, 0)
	if err != nil {
		return nil, err
	}
	if len(ts) == 0 {
		return nil, errs.NotFoundf("谈话记录")
	}
	if err := m.Auth.Authorize(ctx, p, PermTalkRead, talkObj(ts[0]), "village_talk", fmt.Sprint(id)); err != nil {
		return nil, err
	}
	return &ts[0], nil
}

// RelayTalk records the day a talk's content was relayed to the two
// committees (PermDiscipline in the village); it is set once.
func (m *Module) RelayTalk(ctx context.Context, p *auth.Principal, id int64, day string) error {
	if err := m.Auth.Authorize(ctx, p, PermDiscipline, auth.Anything, "village_talk", fmt.Sprint(id)); err != nil {
		return err
	}
	ts, err := m.talks(ctx, id, 0)
	if err != nil {
		return err
	}
	if len(ts) == 0 {
		return errs.NotFoundf("谈话记录")
	}
	t := ts[0]
	if err := m.Auth.Authorize(ctx, p, PermDiscipline, auth.Object{Village: t.VillageID}, "village_talk", fmt.Sprint(id)); err != nil {
		return err
	}
	day = strings.TrimSpace(day)
	var l errs.List
	if svDay(&l, "relayed_on", "传达日期", "the relay date", day) {
		svNotFuture(&l, "relayed_on", "传达日期", "the relay date", day, m.svToday())
		if day < t.HeldOn {
			l = append(l, errs.Field("relayed_on", fmt.Sprintf("向村“两委”传达日期 %s 早于谈话日期 %s", day, t.HeldOn),
				fmt.Sprintf("the relay to the two committees (%s) is before the talk (%s)", day, t.HeldOn)))
		}
	}
	if err := l.Err(); err != nil {
		return err
	}
	if t.RelayedOn != "" {
		return errs.New(errs.Conflict, "该谈话已记录传达日期 "+t.RelayedOn, "the talk's relay was already recorded ("+t.RelayedOn+")")
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE talks SET relayed_on = ? WHERE id = ? AND relayed_on = ''`, day, id); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "village.talk.relay", ObjectType: "village_talk", ObjectID: fmt.Sprint(id),
			Scope: fmt.Sprintf("village:%d", t.VillageID), Detail: day})
	})
}

// TalksCompliance is the year's compliance view over the villages the
// caller supervises (PermDiscipline).
func (m *Module) TalksCompliance(ctx context.Context, p *auth.Principal, year int) ([]TalkComplianceRow, error) {
	if err := m.Auth.Authorize(ctx, p, PermDiscipline, auth.Anything, "village_talk", ""); err != nil {
		return nil, err
	}
	vs, err := m.Dir.VillageList(ctx)
	if err != nil {
		return nil, err
	}
	secs, err := m.svSecretaries(ctx)
	if err != nil {
		return nil, err
	}
	var subjects []TalkSubject
	for _, v := range vs {
		s, ok := secs[v.ID]
		if !ok || !auth.Can(p, PermDiscipline, auth.Object{Village: v.ID}) {
			continue
		}
		subjects = append(subjects, TalkSubject{VillageID: v.ID, Village: v.Name, PersonID: s.ID, Name: s.Name})
	}
	sort.Slice(subjects, func(i, j int) bool { return subjects[i].VillageID < subjects[j].VillageID })
	ts, err := m.talks(ctx, 0, year)
	if err != nil {
		return nil, err
	}
	return TalkCompliance(year, subjects, ts), nil
}

// ---- handlers ----

type talksPage struct {
	Year       int                 `json:"year"`
	Items      []Talk              `json:"items"`
	Compliance []TalkComplianceRow `json:"compliance,omitempty"`
	Missing    int                 `json:"missing"`
	Unrelayed  int                 `json:"unrelayed"`
	Villages   []directory.Village `json:"-"`
	VillageID  int64               `json:"-"`
	CanRecord  bool                `json:"-"`
	Today      string              `json:"-"`
}

func (m *Module) talksData(r *http.Request) (*talksPage, error) {
	p := web.Principal(r)
	year, err := svYearParam(r, m.svYear())
	if err != nil {
		return nil, err
	}
	items, err := m.Talks(r.Context(), p, year)
	if err != nil {
		return nil, err
	}
	d := &talksPage{Year: year, Items: items, Today: m.svToday(), CanRecord: auth.Can(p, PermDiscipline, auth.Anything)}
	d.VillageID, _ = strconv.ParseInt(r.URL.Query().Get("village"), 10, 64)
	if d.VillageID > 0 {
		kept := d.Items[:0]
		for _, t := range d.Items {
			if t.VillageID == d.VillageID {
				kept = append(kept, t)
			}
		}
		d.Items = kept
	}
	if d.CanRecord {
		if d.Compliance, err = m.TalksCompliance(r.Context(), p, year); err != nil {
			return nil, err
		}
		for _, c := range d.Compliance {
			if c.NoTalk {
				d.Missing++
			}
			d.Unrelayed += c.Unrelayed
		}
		vs, err := m.Dir.VillageList(r.Context())
		if err != nil {
			return nil, err
		}
		for _, v := range vs {
			if auth.Can(p, PermDiscipline, auth.Object{Village: v.ID}) {
				d.Villages = append(d.Villages, v)
			}
		}
	}
	return d, nil
}

func (m *Module) pageTalks(w http.ResponseWriter, r *http.Request) error {
	d, err := m.talksData(r)
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "talks_list", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "talks.title"), D: d})
}

func (m *Module) apiTalks(w http.ResponseWriter, r *http.Request) error {
	d, err := m.talksData(r)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d)
	return nil
}

func (m *Module) apiTalksCompliance(w http.ResponseWriter, r *http.Request) error {
	year, err := svYearParam(r, m.svYear())
	if err != nil {
		return err
	}
	rows, err := m.TalksCompliance(r.Context(), web.Principal(r), year)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"year": year, "items": rows})
	return nil
}

func (m *Module) createTalk(w http.ResponseWriter, r *http.Request) error {
	var in TalkInput
	if svIsForm(r) {
		vid, _ := strconv.ParseInt(r.FormValue("village_id"), 10, 64)
		in = TalkInput{VillageID: vid, TalkerName: r.FormValue("talker_name"), HeldOn: r.FormValue("held_on"), Summary: r.FormValue("summary"), RelayedOn: r.FormValue("relayed_on")}
	} else {
		if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermDiscipline, auth.Anything, "village_talk", ""); err != nil {
			return err
		}
		if err := web.DecodeJSON(r, &in); err != nil {
			return err
		}
	}
	id, err := m.CreateTalk(r.Context(), web.Principal(r), in)
	if err != nil {
		return err
	}
	if svIsForm(r) {
		http.Redirect(w, r, fmt.Sprintf("/village-talks/%d?ok=saved", id), http.StatusSeeOther)
		return nil
	}
	t, err := m.Talk(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, t)
	return nil
}

type talkPage struct {
	T         *Talk
	CanRecord bool
	Today     string
}

func (m *Module) talkView(api bool) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := svID(r)
		if err != nil {
			return err
		}
		t, err := m.Talk(r.Context(), web.Principal(r), id)
		if err != nil {
			return err
		}
		if api {
			web.WriteJSON(w, http.StatusOK, t)
			return nil
		}
		return m.Views.Render(w, r, http.StatusOK, "talks_talk", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "talks.talk") + " " + t.HeldOn,
			D: &talkPage{T: t, Today: m.svToday(), CanRecord: auth.Can(web.Principal(r), PermDiscipline, auth.Object{Village: t.VillageID})}})
	}
}

func (m *Module) relayTalk(w http.ResponseWriter, r *http.Request) error {
	id, err := svID(r)
	if err != nil {
		return err
	}
	var in struct {
		RelayedOn string `json:"relayed_on"`
	}
	if svIsForm(r) {
		in.RelayedOn = r.FormValue("relayed_on")
	} else {
		if err := m.Auth.Authorize(r.Context(), web.Principal(r), PermDiscipline, auth.Anything, "village_talk", fmt.Sprint(id)); err != nil {
			return err
		}
		if err := web.DecodeJSON(r, &in); err != nil {
			return err
		}
	}
	if err := m.RelayTalk(r.Context(), web.Principal(r), id, in.RelayedOn); err != nil {
		return err
	}
	if svIsForm(r) {
		http.Redirect(w, r, fmt.Sprintf("/village-talks/%d?ok=saved", id), http.StatusSeeOther)
		return nil
	}
	return m.talkView(true)(w, r)
}

func init() {
	routeParts = append(routeParts, func(m *Module, r *web.Router) {
		r.Handle("GET /village-talks", web.Handler(m.pageTalks))
		r.Handle("POST /village-talks", web.Handler(m.createTalk))
		r.Handle("GET /village-talks/{id}", m.talkView(false))
		r.Handle("POST /village-talks/{id}/relay", web.Handler(m.relayTalk))
		r.Handle("GET /api/v1/talks", web.Handler(m.apiTalks))
		r.Handle("POST /api/v1/talks", web.Handler(m.createTalk))
		r.Handle("GET /api/v1/talks/compliance", web.Handler(m.apiTalksCompliance))
		r.Handle("GET /api/v1/talks/{id}", m.talkView(true))
		r.Handle("POST /api/v1/talks/{id}/relay", web.Handler(m.relayTalk))
	})
	navItems = append(navItems, web.NavItem{Key: "talks.title", Path: "/village-talks", Perm: PermTalkRead, Order: 72})
	deskLinks = append(deskLinks, DeskLink{Order: 60, Key: "talks.title", Path: "/village-talks?village=%d", Perm: PermDiscipline})
}
