package organ

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
)

// MinPublicityDays is the shortest publicity period (公示期) of an exemplar
// round, in days after voting closes. Configuration; the default 5 follows
// the usual rule for party publicity (公示期一般不少于5天) [local].
var MinPublicityDays = 5

// Round statuses, from the round's days and the injected clock.
const (
	RoundScheduled  = "scheduled"  // before nominations open
	RoundNominating = "nominating" // nominate_from … nominate_to
	RoundVoting     = "voting"     // the day after nominate_to … vote_to
	RoundPublicity  = "publicity"  // the day after vote_to … publicity_to
	RoundFinal      = "final"      // after publicity_to
)

// RoundStatus is the phase of a round on a zone day (pure).
func RoundStatus(today, nominateFrom, nominateTo, voteTo, publicityTo string) string {
	switch {
	case today < nominateFrom:
		return RoundScheduled
	case today <= nominateTo:
		return RoundNominating
	case today <= voteTo:
		return RoundVoting
	case today <= publicityTo:
		return RoundPublicity
	}
	return RoundFinal
}

// Round is an exemplar selection round. Counts appear only once voting has
// closed; no field ever names a voter.
type Round struct {
	ID           int64        `json:"id"`
	Title        string       `json:"title"`
	Year         int          `json:"year"`
	Quota        int          `json:"quota"`
	NominateFrom string       `json:"nominate_from"`
	NominateTo   string       `json:"nominate_to"`
	VoteFrom     string       `json:"vote_from"`
	VoteTo       string       `json:"vote_to"`
	PublicityTo  string       `json:"publicity_to"`
	Status       string       `json:"status"`
	Ballots      int          `json:"ballots"` // how many voted (never who)
	Eligible     int          `json:"eligible"`
	Nominees     []Nomination `json:"nominees,omitempty"`
	Voted        bool         `json:"voted"` // whether the caller has voted
}

// Nomination is a nominee with, after voting, their count and place.
type Nomination struct {
	ID         int64       `json:"id"`
	PersonID   int64       `json:"person_id"`
	Name       string      `json:"name"`
	BranchID   int64       `json:"branch_id"`
	Branch     string      `json:"branch"`
	Reason     string      `json:"reason"`
	Votes      *int        `json:"votes,omitempty"` // nil while voting is open
	Rank       int         `json:"rank,omitempty"`
	Selected   bool        `json:"selected"` // in the top quota
	Removed    bool        `json:"removed"`  // an objection was upheld
	Objections []Objection `json:"objections,omitempty"`
}

// Objection is an objection raised during publicity (its author is not
// shown: objections are reviewed on their substance).
type Objection struct {
	ID         int64  `json:"id"`
	Body       string `json:"body"`
	FiledOn    string `json:"filed_on"`
	Status     string `json:"status"`
	ReviewNote string `json:"review_note,omitempty"`
}

// RoundInput creates a round.
type RoundInput struct {
	Title        string `json:"title"`
	Year         int    `json:"year"`
	Quota        int    `json:"quota"`
	NominateFrom string `json:"nominate_from"`
	NominateTo   string `json:"nominate_to"`
	VoteTo       string `json:"vote_to"`
	PublicityTo  string `json:"publicity_to"`
}

func exText(l *errs.List, field, zh, en, v string, min, max int) {
	if n := utf8.RuneCountInString(v); n < min || n > max {
		*l = append(*l, errs.Field(field, fmt.Sprintf("%s须为 %d–%d 个字", zh, min, max), fmt.Sprintf("%s must be %d–%d characters", en, min, max)))
	}
}

func exDay(l *errs.List, field, zh, en, v string) bool {
	if _, err := clock.ParseDay(v); err != nil {
		*l = append(*l, errs.Field(field, zh+"须为 YYYY-MM-DD", en+" must be YYYY-MM-DD"))
		return false
	}
	return true
}

func dayAdd(day string, n int) string {
	t, err := clock.ParseDay(day)
	if err != nil {
		return day
	}
	return t.AddDate(0, 0, n).Format("2006-01-02")
}

func daysBetween(a, b string) int {
	ta, err1 := clock.ParseDay(a)
	tb, err2 := clock.ParseDay(b)
	if err1 != nil || err2 != nil {
		return 0
	}
	return int(tb.Sub(ta).Round(24*time.Hour) / (24 * time.Hour))
}

// ValidateRound checks a round (pure): the periods follow each other and
// the publicity lasts at least MinPublicityDays days.
func ValidateRound(in *RoundInput) error {
	var l errs.List
	in.Title = strings.TrimSpace(in.Title)
	exText(&l, "title", "标题", "the title", in.Title, 2, 100)
	if in.Year < 2000 || in.Year > 2100 {
		l = append(l, errs.Field("year", "年度须为 2000–2100", "the year must be 2000–2100"))
	}
	if in.Quota < 1 || in.Quota > 50 {
		l = append(l, errs.Field("quota", "标兵名额须为 1–50", "the quota must be 1–50"))
	}
	ok := exDay(&l, "nominate_from", "提名开始日期", "the nomination start", in.NominateFrom)
	ok = exDay(&l, "nominate_to", "提名截止日期", "the nomination end", in.NominateTo) && ok
	ok = exDay(&l, "vote_to", "投票截止日期", "the voting end", in.VoteTo) && ok
	ok = exDay(&l, "publicity_to", "公示截止日期", "the publicity end", in.PublicityTo) && ok
	if ok {
		if in.NominateTo < in.NominateFrom {
			l = append(l, errs.Field("nominate_to", "提名截止日期不能早于开始日期", "the nomination end cannot be before its start"))
		}
		if in.VoteTo <= in.NominateTo {
			l = append(l, errs.Field("vote_to", "投票截止日期须晚于提名截止日期（投票自提名截止次日开始）", "voting ends after nominations close (it opens the day after)"))
		}
		if d := daysBetween(in.VoteTo, in.PublicityTo); d < MinPublicityDays {
			l = append(l, errs.Field("publicity_to", fmt.Sprintf("公示期不少于 %d 天（投票截止次日起算，当前 %d 天）", MinPublicityDays, d),
				fmt.Sprintf("the publicity lasts at least %d days after voting closes (now %d)", MinPublicityDays, d)))
		}
	}
	return l.Err()
}

// RankNominees orders nominees by votes, ties broken by the earlier
// nomination (lower id), and marks the top quota as selected (pure). A
// nominee removed on an upheld objection keeps their place but is not
// selected, and nobody moves up in their stead: the list published for
// publicity is the one that becomes final.
func RankNominees(ns []Nomination, quota int) {
	sort.SliceStable(ns, func(i, j int) bool {
		vi, vj := 0, 0
		if ns[i].Votes != nil {
			vi = *ns[i].Votes
		}
		if ns[j].Votes != nil {
			vj = *ns[j].Votes
		}
		if vi != vj {
			return vi > vj
		}
		return ns[i].ID < ns[j].ID
	})
	for i := range ns {
		ns[i].Rank = i + 1
		ns[i].Selected = i < quota && !ns[i].Removed
	}
}

func (m *Module) today() string { return clock.Day(m.Clock.Now()) }

func (m *Module) exAuthorize(ctx context.Context, p *auth.Principal, perm auth.Perm, id int64) error {
	oid := ""
	if id != 0 {
		oid = fmt.Sprint(id)
	}
	return m.Auth.Authorize(ctx, p, perm, auth.Anything, "exemplars_round", oid)
}

// CreateRound opens a round (PermManage).
func (m *Module) CreateRound(ctx context.Context, p *auth.Principal, in RoundInput) (int64, error) {
	if err := m.exAuthorize(ctx, p, PermManage, 0); err != nil {
		return 0, err
	}
	if err := ValidateRound(&in); err != nil {
		return 0, err
	}
	var id int64
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO exemplars_rounds (title, year, quota, nominate_from, nominate_to, vote_to, publicity_to, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, in.Title, in.Year, in.Quota, in.NominateFrom, in.NominateTo, in.VoteTo, in.PublicityTo, p.UserID, m.Clock.Now())
		if err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "organ.exemplars.round.create", ObjectType: "exemplars_round", ObjectID: fmt.Sprint(id),
			Detail: fmt.Sprintf("%s (%d, quota %d)", in.Title, in.Year, in.Quota)})
	})
	return id, err
}

func scanRound(row interface{ Scan(...any) error }, today string) (*Round, error) {
	r := &Round{}
	if err := row.Scan(&r.ID, &r.Title, &r.Year, &r.Quota, &r.NominateFrom, &r.NominateTo, &r.VoteTo, &r.PublicityTo); err != nil {
		return nil, err
	}
	r.VoteFrom = dayAdd(r.NominateTo, 1)
	r.Status = RoundStatus(today, r.NominateFrom, r.NominateTo, r.VoteTo, r.PublicityTo)
	return r, nil
}

const roundCols = `id, title, year, quota, nominate_from, nominate_to, vote_to, publicity_to`

// Rounds lists the rounds, newest first (PermRead).
func (m *Module) Rounds(ctx context.Context, p *auth.Principal) ([]*Round, error) {
	if err := m.exAuthorize(ctx, p, PermRead, 0); err != nil {
		return nil, err
	}
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT `+roundCols+` FROM exemplars_rounds ORDER BY year DESC, id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*Round{}
	today := m.today()
	for rows.Next() {
		r, err := scanRound(rows, today)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (m *Module) loadRound(ctx context.Context, id int64) (*Round, error) {
	r, err := scanRound(m.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+roundCols+` FROM exemplars_rounds WHERE id = ?`, id), m.today())
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFoundf("exemplar round")
	}
	return r, err
}

// eligibleVoter reports whether p may vote: an account linked to a person
// who is a party member of an organ branch, or a committee account linked
// to a person.
func (m *Module) eligibleVoter(ctx context.Context, p *auth.Principal) (bool, error) {
	if p == nil || p.PersonID == 0 {
		return false, nil
	}
	if p.Has(auth.Committee) {
		return true, nil
	}
	var n int
	err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM people pe JOIN branches b ON b.id = pe.branch_id
		WHERE pe.id = ? AND pe.party_member = TRUE AND b.kind = ?`, p.PersonID, directory.KindOrganBranch).Scan(&n)
	return n > 0, err
}

// eligibleCount counts the electorate: the organ branches' party members
// and the committee's people (voting online needs an account; the demo's
// generated members voted as if they had one).
func (m *Module) eligibleCount(ctx context.Context) (int, error) {
	var n int
	err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM people pe
		WHERE (pe.party_member = TRUE AND pe.branch_id IN (SELECT id FROM branches WHERE kind = ?))
		OR pe.id IN (SELECT u.person_id FROM users u JOIN user_roles r ON r.user_id = u.id WHERE r.role = ? AND u.person_id IS NOT NULL)`,
		directory.KindOrganBranch, string(auth.Committee)).Scan(&n)
	return n, err
}

// RoundDetail is a round with its nominees; counts only once voting has
// closed (PermRead).
func (m *Module) RoundDetail(ctx context.Context, p *auth.Principal, id int64) (*Round, error) {
	if err := m.exAuthorize(ctx, p, PermRead, id); err != nil {
		return nil, err
	}
	r, err := m.loadRound(ctx, id)
	if err != nil {
		return nil, err
	}
	q := m.DB.Q(ctx)
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM exemplars_voted WHERE round_id = ?`, id).Scan(&r.Ballots); err != nil {
		return nil, err
	}
	if r.Eligible, err = m.eligibleCount(ctx); err != nil {
		return nil, err
	}
	if p != nil && p.PersonID != 0 {
		var n int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM exemplars_voted WHERE round_id = ? AND voter_person_id = ?`, id, p.PersonID).Scan(&n); err != nil {
			return nil, err
		}
		r.Voted = n > 0
	}
	rows, err := q.QueryContext(ctx, `SELECT n.id, n.person_id, pe.name, n.branch_id, b.name, n.reason, n.removed, COALESCE(t.votes, 0)
		FROM exemplars_nominations n JOIN people pe ON pe.id = n.person_id JOIN branches b ON b.id = n.branch_id
		LEFT JOIN exemplars_tallies t ON t.nomination_id = n.id AND t.round_id = n.round_id
		WHERE n.round_id = ? ORDER BY n.id`, id)
	if err != nil {
		return nil, err
	}
	closed := r.Status == RoundPublicity || r.Status == RoundFinal
	idx := map[int64]int{}
	for rows.Next() {
		var n Nomination
		var votes int
		if err := rows.Scan(&n.ID, &n.PersonID, &n.Name, &n.BranchID, &n.Branch, &n.Reason, &n.Removed, &votes); err != nil {
			rows.Close()
			return nil, err
		}
		if closed {
			v := votes
			n.Votes = &v
		}
		idx[n.ID] = len(r.Nominees)
		r.Nominees = append(r.Nominees, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if !closed {
		return r, nil
	}
	rows, err = q.QueryContext(ctx, `SELECT o.id, o.nomination_id, o.body, o.filed_at, o.status, o.review_note FROM exemplars_objections o
		JOIN exemplars_nominations n ON n.id = o.nomination_id WHERE n.round_id = ? ORDER BY o.id`, id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var o Objection
		var nid int64
		var at time.Time
		if err := rows.Scan(&o.ID, &nid, &o.Body, &at, &o.Status, &o.ReviewNote); err != nil {
			rows.Close()
			return nil, err
		}
		o.FiledOn = clock.Day(at)
		if i, ok := idx[nid]; ok {
			r.Nominees[i].Objections = append(r.Nominees[i].Objections, o)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	RankNominees(r.Nominees, r.Quota)
	return r, nil
}

// Selected returns the round's published list: the selected nominees.
func (r *Round) Selected() []Nomination {
	var out []Nomination
	for _, n := range r.Nominees {
		if n.Selected {
			out = append(out, n)
		}
	}
	return out
}

// NominationInput nominates a person.
type NominationInput struct {
	PersonID int64  `json:"person_id"`
	Reason   string `json:"reason"`
}

// Nominate adds a nominee while nominations are open: the committee for
// anyone in an organ branch; a branch secretary or committee member
// (PermRecord + CanRecord) for their own branch's members.
func (m *Module) Nominate(ctx context.Context, p *auth.Principal, roundID int64, in NominationInput) (int64, error) {
	if err := m.exAuthorize(ctx, p, PermRead, roundID); err != nil {
		return 0, err
	}
	r, err := m.loadRound(ctx, roundID)
	if err != nil {
		return 0, err
	}
	var branchID int64
	var kind string
	err = m.DB.Q(ctx).QueryRowContext(ctx, `SELECT COALESCE(pe.branch_id, 0), COALESCE(b.kind, '') FROM people pe LEFT JOIN branches b ON b.id = pe.branch_id
		WHERE pe.id = ? AND pe.party_member = TRUE`, in.PersonID).Scan(&branchID, &kind)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && kind != directory.KindOrganBranch) {
		return 0, errs.Field("person_id", "被提名人须为机关党支部的党员", "the nominee must be a party member of an organ branch")
	}
	if err != nil {
		return 0, err
	}
	if !auth.Can(p, PermManage, auth.Anything) {
		if err := m.Auth.Authorize(ctx, p, PermRecord, auth.Object{Branch: branchID}, "exemplars_round", fmt.Sprint(roundID)); err != nil {
			return 0, err
		}
		ok, err := m.CanRecord(ctx, p, branchID)
		if err != nil {
			return 0, err
		}
		if !ok {
			_ = m.Audit.Record(ctx, audit.Entry{Action: "organ.exemplars.nominate", ObjectType: "exemplars_round", ObjectID: fmt.Sprint(roundID), Result: audit.Denied,
				Detail: "not a branch secretary or committee member of the nominee's branch"})
			return 0, errs.New(errs.Forbidden, "只有本支部书记或支委委员可以提名本支部党员", "only the branch's secretary or committee members may nominate its members")
		}
	}
	in.Reason = strings.TrimSpace(in.Reason)
	var l errs.List
	exText(&l, "reason", "推荐理由", "the reason", in.Reason, 10, 2000)
	if err := l.Err(); err != nil {
		return 0, err
	}
	if r.Status != RoundNominating {
		return 0, errs.New(errs.Conflict, fmt.Sprintf("提名时间为 %s 至 %s，当前不在提名期", r.NominateFrom, r.NominateTo),
			fmt.Sprintf("nominations are open %s to %s only", r.NominateFrom, r.NominateTo))
	}
	var id int64
	err = m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO exemplars_nominations (round_id, person_id, branch_id, reason, nominated_by, nominated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			roundID, in.PersonID, branchID, in.Reason, p.UserID, m.Clock.Now())
		if db.IsUniqueViolation(err) {
			return errs.New(errs.Conflict, "此人已被提名", "this person is already nominated")
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO exemplars_tallies (round_id, nomination_id, votes) VALUES (?, ?, 0)`, roundID, id); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "organ.exemplars.nominate", ObjectType: "exemplars_nomination", ObjectID: fmt.Sprint(id),
			Detail: fmt.Sprintf("round %d, person %d", roundID, in.PersonID)})
	})
	return id, err
}

// Vote casts the caller's single ballot in a round: up to quota distinct
// nominees. It records THAT the voter voted (exemplars_voted) and adds one
// to each chosen nominee's tally (exemplars_tallies) in one transaction;
// the choice is linked to the voter nowhere — not in a table, the audit
// ("voted in round N") or a log. A second ballot is a conflict and changes
// nothing.
func (m *Module) Vote(ctx context.Context, p *auth.Principal, roundID int64, choices []int64) error {
	if err := m.exAuthorize(ctx, p, PermRead, roundID); err != nil {
		return err
	}
	r, err := m.loadRound(ctx, roundID)
	if err != nil {
		return err
	}
	ok, err := m.eligibleVoter(ctx, p)
	if err != nil {
		return err
	}
	if !ok {
		return errs.New(errs.Forbidden, "只有有账号的机关党员和机关党委委员可以投票", "only organ party members with accounts and the committee may vote")
	}
	if r.Status != RoundVoting {
		return errs.New(errs.Conflict, fmt.Sprintf("投票时间为 %s 至 %s，当前不在投票期", r.VoteFrom, r.VoteTo),
			fmt.Sprintf("voting is open %s to %s only", r.VoteFrom, r.VoteTo))
	}
	seen := map[int64]bool{}
	var picks []int64
	for _, c := range choices {
		if !seen[c] {
			seen[c] = true
			picks = append(picks, c)
		}
	}
	if len(picks) == 0 || len(picks) > r.Quota {
		return errs.Field("choices", fmt.Sprintf("请选择 1–%d 名候选人", r.Quota), fmt.Sprintf("choose 1–%d nominees", r.Quota))
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		for _, c := range picks {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM exemplars_nominations WHERE id = ? AND round_id = ?`, c, roundID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return errs.Field("choices", "所选候选人不在本轮提名名单中", "a choice is not a nominee of this round")
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO exemplars_voted (round_id, voter_person_id) VALUES (?, ?)`, roundID, p.PersonID)
		if db.IsUniqueViolation(err) {
			return errs.New(errs.Conflict, "您已在本轮投过票，每人每轮只能投一次，本次投票未计入", "you have already voted in this round; one ballot per voter, this one was not counted")
		}
		if err != nil {
			return err
		}
		for _, c := range picks {
			if _, err := tx.ExecContext(ctx, `UPDATE exemplars_tallies SET votes = votes + 1 WHERE round_id = ? AND nomination_id = ?`, roundID, c); err != nil {
				return err
			}
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "organ.exemplars.vote", ObjectType: "exemplars_round", ObjectID: fmt.Sprint(roundID),
			Detail: fmt.Sprintf("voted in round %d", roundID)})
	})
}

// Object files an objection to a nominee on the publicity list, during
// publicity (any reader).
func (m *Module) Object(ctx context.Context, p *auth.Principal, nominationID int64, body string) (int64, error) {
	var roundID int64
	err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT round_id FROM exemplars_nominations WHERE id = ?`, nominationID).Scan(&roundID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errs.NotFoundf("nomination")
	}
	if err != nil {
		return 0, err
	}
	r, err := m.RoundDetail(ctx, p, roundID)
	if err != nil {
		return 0, err
	}
	body = strings.TrimSpace(body)
	var l errs.List
	exText(&l, "body", "异议内容", "the objection", body, 5, 2000)
	if err := l.Err(); err != nil {
		return 0, err
	}
	if r.Status != RoundPublicity {
		return 0, errs.New(errs.Conflict, fmt.Sprintf("公示期为 %s 至 %s，当前不在公示期", dayAdd(r.VoteTo, 1), r.PublicityTo),
			fmt.Sprintf("objections are taken during publicity, %s to %s", dayAdd(r.VoteTo, 1), r.PublicityTo))
	}
	listed := false
	for _, n := range r.Nominees {
		if n.ID == nominationID && n.Selected {
			listed = true
		}
	}
	if !listed {
		return 0, errs.Field("nomination_id", "只能对公示名单中的人员提出异议", "objections concern the people on the publicity list")
	}
	var id int64
	err = m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO exemplars_objections (nomination_id, body, filed_by, filed_at) VALUES (?, ?, ?, ?)`, nominationID, body, p.UserID, m.Clock.Now())
		if err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "organ.exemplars.objection.file", ObjectType: "exemplars_objection", ObjectID: fmt.Sprint(id),
			Detail: fmt.Sprintf("nomination %d", nominationID)})
	})
	return id, err
}

// ReviewObjection decides a pending objection (PermManage): upheld removes
// the nominee from the list, dismissed keeps them.
func (m *Module) ReviewObjection(ctx context.Context, p *auth.Principal, id int64, decision, note string) error {
	if err := m.exAuthorize(ctx, p, PermManage, 0); err != nil {
		return err
	}
	var nid int64
	var status string
	err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT nomination_id, status FROM exemplars_objections WHERE id = ?`, id).Scan(&nid, &status)
	if errors.Is(err, sql.ErrNoRows) {
		return errs.NotFoundf("objection")
	}
	if err != nil {
		return err
	}
	note = strings.TrimSpace(note)
	var l errs.List
	if decision != "upheld" && decision != "dismissed" {
		l = append(l, errs.Field("decision", "请选择“异议成立”或“异议不成立”", "choose upheld or dismissed"))
	}
	exText(&l, "review_note", "核查意见", "the review note", note, 2, 1000)
	if err := l.Err(); err != nil {
		return err
	}
	if status != "pending" {
		return errs.New(errs.Conflict, "该异议已核查", "this objection has been reviewed already")
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE exemplars_objections SET status = ?, review_note = ?, reviewed_by = ?, reviewed_at = ? WHERE id = ? AND status = 'pending'`,
			decision, note, p.UserID, m.Clock.Now(), id); err != nil {
			return err
		}
		if decision == "upheld" {
			if _, err := tx.ExecContext(ctx, `UPDATE exemplars_nominations SET removed = TRUE WHERE id = ?`, nid); err != nil {
				return err
			}
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "organ.exemplars.objection.review", ObjectType: "exemplars_objection", ObjectID: fmt.Sprint(id),
			Detail: fmt.Sprintf("%s; nomination %d", decision, nid)})
	})
}

// Candidates lists the organ branch party members who may be nominated by
// p: everyone for the committee, their own branch for a branch secretary.
func (m *Module) Candidates(ctx context.Context, p *auth.Principal) ([]directory.Member, error) {
	bs, err := m.Dir.BranchList(ctx, directory.KindOrganBranch)
	if err != nil {
		return nil, err
	}
	var out []directory.Member
	for _, b := range bs {
		if !auth.Can(p, PermManage, auth.Anything) {
			if ok, err := m.CanRecord(ctx, p, b.ID); err != nil || !ok {
				if err != nil {
					return nil, err
				}
				continue
			}
		}
		ms, err := m.Dir.MembersOf(ctx, b.ID, false)
		if err != nil {
			return nil, err
		}
		out = append(out, ms...)
	}
	return out, nil
}
