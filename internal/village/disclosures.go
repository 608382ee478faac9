package village

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/chain"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
)

// Disclosure statuses as stored. "superseded" is not stored (a published
// row is never updated): a published disclosure is superseded when a later
// version points at it.
const (
	StatusDraft      = "draft"
	StatusPublished  = "published"
	StatusSuperseded = "superseded"
)

// Disclosure is one 三务公开 disclosure (one version of it).
type Disclosure struct {
	ID           int64     `json:"id"`
	VillageID    int64     `json:"village_id"`
	VillageName  string    `json:"village_name,omitempty"`
	Kind         string    `json:"kind"`
	Period       string    `json:"period"`
	PeriodFrom   string    `json:"period_from"`
	PeriodTo     string    `json:"period_to"`
	Title        string    `json:"title"`
	Body         string    `json:"body"`
	Channels     []string  `json:"channels"`
	PostingDays  int       `json:"posting_days"`
	Status       string    `json:"status"` // draft, published or superseded
	Version      int       `json:"version"`
	SeriesID     int64     `json:"series_id"`
	Supersedes   int64     `json:"supersedes,omitempty"`
	SupersededBy int64     `json:"superseded_by,omitempty"`
	Reason       string    `json:"reason,omitempty"`
	PublishedAt  string    `json:"published_at,omitempty"` // RFC 3339, UTC
	PublishedOn  string    `json:"published_on,omitempty"` // zone day
	PostedUntil  string    `json:"posted_until,omitempty"` // last day of the posting period
	Seq          int64     `json:"seq,omitempty"`
	PrevHash     string    `json:"prev_hash,omitempty"`
	Hash         string    `json:"hash,omitempty"`
	Items        []Item    `json:"items"`
	TotalFen     int64     `json:"total_fen"`       // sum of every item's amount
	SpentFen     int64     `json:"expenditure_fen"` // sum of the paid expenditures copied in
	CreatedAt    time.Time `json:"created_at"`
	mac          string
	publishedBy  int64
}

// Item is one line of a disclosure. Expenditure items of a finance
// disclosure are copied from the village's paid expenditures.
type Item struct {
	Pos           int    `json:"pos"`
	Title         string `json:"title"`
	Body          string `json:"body,omitempty"`
	AmountFen     *int64 `json:"amount_fen,omitempty"`
	ExpenditureID int64  `json:"expenditure_id,omitempty"`
	PaidOn        string `json:"paid_on,omitempty"`
}

// DisclosureInput is what a secretary writes for a draft (or a correction).
type DisclosureInput struct {
	Kind        string      `json:"kind"`
	Period      string      `json:"period"`
	Title       string      `json:"title"`
	Body        string      `json:"body"`
	Items       []ItemInput `json:"items"`
	Channels    []string    `json:"channels"`     // none given: [DefaultDisclosureChannel]
	PostingDays *int        `json:"posting_days"` // none given: Rules.PostingDays
	Reason      string      `json:"reason"`       // corrections only
}

// ItemInput is one item as written; amounts are fen.
type ItemInput struct {
	Title     string `json:"title"`
	Body      string `json:"body"`
	AmountFen *int64 `json:"amount_fen"`
}

// Published reports whether the disclosure was ever published (current or
// superseded).
func (d *Disclosure) Published() bool { return d.Status != StatusDraft }

// Short is the first 16 hex digits of the hash, printed under the QR code.
func (d *Disclosure) Short() string {
	if len(d.Hash) < 16 {
		return d.Hash
	}
	return d.Hash[:16]
}

func disclosuresChain(villageID int64) string {
	return fmt.Sprintf("disclosures/village %d", villageID)
}

// check validates an input against the rules in force; it returns the
// parsed period. Every problem is reported at once.
func (in *DisclosureInput) check(r Rules, today string, correction bool) (Period, error) {
	var l errs.List
	in.Title, in.Body, in.Reason = strings.TrimSpace(in.Title), strings.TrimSpace(in.Body), strings.TrimSpace(in.Reason)
	if !slices.Contains(DisclosureKinds, in.Kind) {
		l = append(l, errs.Field("kind", "公开类别须为 party（党务）、village（村务）或 finance（财务）", "the kind must be party, village or finance"))
	}
	p, err := ParsePeriod(strings.TrimSpace(in.Period))
	if err != nil {
		l = append(l, errs.Field("period", "公开期间须写作 2021-11（月）、2021-Q4（季度）、2021-H2（半年）或 2021（年）",
			"the period must be written 2021-11 (month), 2021-Q4 (quarter), 2021-H2 (half-year) or 2021 (year)"))
	} else if p.From > today {
		l = append(l, errs.Field("period", fmt.Sprintf("公开期间 %s 自 %s 开始，尚未开始（今天是 %s）", p.Code, p.From, today),
			fmt.Sprintf("the period %s starts on %s and has not begun (today is %s)", p.Code, p.From, today)))
	}
	if n := utf8.RuneCountInString(in.Title); n == 0 || n > 200 {
		l = append(l, errs.Field("title", "标题须为 1–200 字", "the title must be 1–200 characters"))
	}
	if utf8.RuneCountInString(in.Body) > 5000 {
		l = append(l, errs.Field("body", "说明最多 5000 字", "the text is at most 5000 characters"))
	}
	if len(in.Items) > 200 {
		l = append(l, errs.Field("items", fmt.Sprintf("公开事项最多 200 项，现有 %d 项", len(in.Items)), fmt.Sprintf("at most 200 items, %d given", len(in.Items))))
	}
	for i := range in.Items {
		it := &in.Items[i]
		it.Title, it.Body = strings.TrimSpace(it.Title), strings.TrimSpace(it.Body)
		if n := utf8.RuneCountInString(it.Title); n == 0 || n > 200 {
			l = append(l, errs.Field("items", fmt.Sprintf("第 %d 项的名称须为 1–200 字", i+1), fmt.Sprintf("item %d: the title must be 1–200 characters", i+1)))
		}
		if utf8.RuneCountInString(it.Body) > 2000 {
			l = append(l, errs.Field("items", fmt.Sprintf("第 %d 项的说明最多 2000 字", i+1), fmt.Sprintf("item %d: the text is at most 2000 characters", i+1)))
		}
		if it.AmountFen != nil && (*it.AmountFen > 1e13 || *it.AmountFen < -1e13) {
			l = append(l, errs.Field("items", fmt.Sprintf("第 %d 项的金额超出范围", i+1), fmt.Sprintf("item %d: the amount is out of range", i+1)))
		}
	}
	if in.Kind != KindFinance && len(in.Items) == 0 && in.Body == "" {
		l = append(l, errs.Field("items", "公开内容不能为空：至少填写一项公开事项或说明", "a disclosure needs at least one item or a text"))
	}
	// No channel given: the 公开栏 every village has (bulletin_board), as
	// the decisions engine does for ⑤⑥ (RULES.md 1.10: at least one).
	// Blank entries are ignored; unknown channels are refused.
	var given []string
	for _, c := range in.Channels {
		if c = strings.TrimSpace(c); c != "" {
			given = append(given, c)
		}
	}
	in.Channels = given
	if len(in.Channels) == 0 {
		in.Channels = []string{DefaultDisclosureChannel}
	}
	seen := map[string]bool{}
	var chans []string
	for _, c := range in.Channels {
		if !slices.Contains(DisclosureChannels, c) {
			l = append(l, errs.Field("channels", fmt.Sprintf("公开载体 %q 不存在：须为 website、bulletin_board、screen 或 wechat", c),
				fmt.Sprintf("unknown channel %q: use website, bulletin_board, screen or wechat", c)))
		} else if !seen[c] {
			seen[c] = true
			chans = append(chans, c)
		}
	}
	in.Channels = chans
	if in.PostingDays == nil {
		d := r.PostingDays
		in.PostingDays = &d
	} else if *in.PostingDays < r.PostingDays {
		l = append(l, errs.Field("posting_days", fmt.Sprintf("公开期 %d 天，少于规定的 %d 天（RULES.md 1.10）", *in.PostingDays, r.PostingDays),
			fmt.Sprintf("a posting period of %d days is shorter than the required %d days (RULES.md 1.10)", *in.PostingDays, r.PostingDays)))
	} else if *in.PostingDays > 3660 {
		l = append(l, errs.Field("posting_days", "公开期最多 3660 天", "the posting period is at most 3660 days"))
	}
	if correction {
		if in.Reason == "" {
			l = append(l, errs.Field("reason", "更正须说明理由：已公开的内容不能修改，更正作为新版本发布并保留原版本", "a correction needs a reason: published content is never edited, the correction is a new version and the old one stays"))
		} else if utf8.RuneCountInString(in.Reason) > 1000 {
			l = append(l, errs.Field("reason", "更正理由最多 1000 字", "the reason is at most 1000 characters"))
		}
	}
	return p, l.Err()
}

// ---- reading ----

const disclosureCols = `d.id, d.village_id, d.kind, d.period, d.period_from, d.period_to, d.title, d.body, d.channels, d.posting_days,
	d.status, d.version, d.series_id, COALESCE(d.supersedes, 0), d.reason, d.created_at, d.published_by, d.published_at, d.published_on,
	d.seq, d.prev_hash, d.hash, d.mac, COALESCE((SELECT n.id FROM village_disclosures n WHERE n.supersedes = d.id), 0)`

func scanDisclosure(sc interface{ Scan(...any) error }) (*Disclosure, error) {
	var d Disclosure
	var chans string
	if err := sc.Scan(&d.ID, &d.VillageID, &d.Kind, &d.Period, &d.PeriodFrom, &d.PeriodTo, &d.Title, &d.Body, &chans, &d.PostingDays,
		&d.Status, &d.Version, &d.SeriesID, &d.Supersedes, &d.Reason, &d.CreatedAt, &d.publishedBy, &d.PublishedAt, &d.PublishedOn,
		&d.Seq, &d.PrevHash, &d.Hash, &d.mac, &d.SupersededBy); err != nil {
		return nil, err
	}
	d.Channels = []string{}
	if chans != "" {
		d.Channels = strings.Split(chans, ",")
	}
	if d.Status == StatusPublished && d.SupersededBy != 0 {
		d.Status = StatusSuperseded
	}
	if d.PublishedOn != "" {
		if t, err := clock.ParseDay(d.PublishedOn); err == nil {
			d.PostedUntil = clock.Day(t.AddDate(0, 0, d.PostingDays-1).Add(12 * time.Hour))
		}
	}
	d.Items = []Item{}
	return &d, nil
}

// loadItems fills the items of the given disclosures (one query).
func (m *Module) loadItems(ctx context.Context, q db.Querier, ds []*Disclosure) error {
	if len(ds) == 0 {
		return nil
	}
	byID := map[int64]*Disclosure{}
	ids := make([]int64, 0, len(ds))
	for _, d := range ds {
		byID[d.ID] = d
		ids = append(ids, d.ID)
	}
	ph, args := db.In(ids)
	rows, err := q.QueryContext(ctx, `SELECT disclosure_id, pos, title, body, amount_fen, expenditure_id, paid_on FROM village_disclosure_items
		WHERE disclosure_id IN (`+ph+`) ORDER BY disclosure_id, pos`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var it Item
		var amt sql.NullInt64
		if err := rows.Scan(&id, &it.Pos, &it.Title, &it.Body, &amt, &it.ExpenditureID, &it.PaidOn); err != nil {
			return err
		}
		if amt.Valid {
			v := amt.Int64
			it.AmountFen = &v
		}
		if d := byID[id]; d != nil {
			d.Items = append(d.Items, it)
			if it.AmountFen != nil {
				d.TotalFen += *it.AmountFen
				if it.ExpenditureID > 0 {
					d.SpentFen += *it.AmountFen
				}
			}
		}
	}
	return rows.Err()
}

// disclosure loads one disclosure with its items (no authorisation).
func (m *Module) disclosure(ctx context.Context, id int64) (*Disclosure, error) {
	q := m.DB.Q(ctx)
	d, err := scanDisclosure(q.QueryRowContext(ctx, `SELECT `+disclosureCols+` FROM village_disclosures d WHERE d.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFoundf("公开")
	}
	if err != nil {
		return nil, err
	}
	if err := m.loadItems(ctx, q, []*Disclosure{d}); err != nil {
		return nil, err
	}
	return d, nil
}

// DisclosureFilter narrows a village's list.
type DisclosureFilter struct {
	Kind          string
	PublishedOnly bool // public views: never a draft
}

// villageDisclosures lists a village's disclosures, newest period first
// (no authorisation; with items).
func (m *Module) villageDisclosures(ctx context.Context, villageID int64, f DisclosureFilter) ([]*Disclosure, error) {
	q := m.DB.Q(ctx)
	where, args := `d.village_id = ?`, []any{villageID}
	if f.Kind != "" {
		where += ` AND d.kind = ?`
		args = append(args, f.Kind)
	}
	if f.PublishedOnly {
		where += ` AND d.status = 'published'`
	}
	rows, err := q.QueryContext(ctx, `SELECT `+disclosureCols+` FROM village_disclosures d WHERE `+where+`
		ORDER BY d.period_to DESC, d.kind, d.version DESC, d.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	var out []*Disclosure
	for rows.Next() {
		d, err := scanDisclosure(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, m.loadItems(ctx, q, out)
}

// authorizeDisclosure loads a disclosure and checks perm over its village:
// a role that may never gets 403, an id outside the caller's villages gets
// 404 exactly like an absent one.
func (m *Module) authorizeDisclosure(ctx context.Context, p *auth.Principal, perm auth.Perm, id int64) (*Disclosure, error) {
	d, err := m.disclosure(ctx, id)
	if err != nil {
		if errs.KindOf(err) == errs.NotFound {
			if aerr := m.Auth.Authorize(ctx, p, perm, auth.Anything, "village_disclosure", fmt.Sprint(id)); aerr != nil {
				return nil, aerr
			}
		}
		return nil, err
	}
	if err := m.Auth.Authorize(ctx, p, perm, auth.Object{Village: d.VillageID}, "village_disclosure", fmt.Sprint(id)); err != nil {
		return nil, err
	}
	return d, nil
}

// Disclosure returns one disclosure (drafts included) to a reader of its
// village.
func (m *Module) Disclosure(ctx context.Context, p *auth.Principal, id int64) (*Disclosure, error) {
	return m.authorizeDisclosure(ctx, p, PermRead, id)
}

// Disclosures lists a village's disclosures to a reader of the village.
func (m *Module) Disclosures(ctx context.Context, p *auth.Principal, villageID int64, f DisclosureFilter) ([]*Disclosure, error) {
	if err := m.Auth.Authorize(ctx, p, PermRead, auth.Object{Village: villageID}, "village", fmt.Sprint(villageID)); err != nil {
		return nil, err
	}
	return m.villageDisclosures(ctx, villageID, f)
}

// ---- writing ----

func (m *Module) today() string { return clock.Day(m.Clock.Now()) }

// CreateDisclosure writes a draft for a village (PermManage there). A
// series per village, kind and period: a second draft for the same period
// is refused (a published one is corrected instead).
func (m *Module) CreateDisclosure(ctx context.Context, p *auth.Principal, villageID int64, in DisclosureInput) (*Disclosure, error) {
	if err := m.Auth.Authorize(ctx, p, PermManage, auth.Object{Village: villageID}, "village", fmt.Sprint(villageID)); err != nil {
		return nil, err
	}
	if _, err := m.village(ctx, villageID); err != nil {
		return nil, err
	}
	var id int64
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var err error
		id, err = m.createDraft(ctx, tx, villageID, in, p.UserID, m.Clock.Now())
		if err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "village.disclosure.create", ObjectType: "village_disclosure", ObjectID: fmt.Sprint(id),
			Scope: fmt.Sprintf("village:%d", villageID), Detail: in.Kind + " " + in.Period + " " + in.Title})
	})
	if err != nil {
		return nil, err
	}
	return m.disclosure(ctx, id)
}

// createDraft inserts a draft (and, for finance, the period's paid
// expenditures as items) inside tx.
func (m *Module) createDraft(ctx context.Context, tx *db.Tx, villageID int64, in DisclosureInput, by int64, at time.Time) (int64, error) {
	today := clock.Day(at)
	rv, err := m.Rules(ctx, villageID, today)
	if err != nil {
		return 0, err
	}
	per, err := in.check(rv.Rules, today, false)
	if err != nil {
		return 0, err
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM village_disclosures WHERE village_id = ? AND kind = ? AND period = ?`,
		villageID, in.Kind, per.Code).Scan(&n); err != nil {
		return 0, err
	}
	if n > 0 {
		return 0, errs.New(errs.Conflict, fmt.Sprintf("本村 %s 期间的%s公开已存在：草稿可直接修改，已公开的请发布更正", per.Code, kindZh(in.Kind)),
			fmt.Sprintf("a %s disclosure for %s already exists: edit the draft, or publish a correction of the published one", in.Kind, per.Code))
	}
	id, err := tx.InsertID(ctx, `INSERT INTO village_disclosures (village_id, kind, period, period_from, period_to, title, body, channels, posting_days,
		status, version, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', 1, ?, ?, ?)`,
		villageID, in.Kind, per.Code, per.From, per.To, in.Title, in.Body, strings.Join(in.Channels, ","), *in.PostingDays, by, at, at)
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE village_disclosures SET series_id = ? WHERE id = ?`, id, id); err != nil {
		return 0, err
	}
	return id, m.writeItems(ctx, tx, id, villageID, in.Kind, per, in.Items)
}

// writeItems (re)writes a draft's items: the written ones, then for a
// finance disclosure every expenditure paid in its period (issue 5 item 2).
func (m *Module) writeItems(ctx context.Context, tx *db.Tx, id, villageID int64, kind string, per Period, items []ItemInput) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM village_disclosure_items WHERE disclosure_id = ?`, id); err != nil {
		return err
	}
	pos := 0
	for _, it := range items {
		pos++
		var amt any
		if it.AmountFen != nil {
			amt = *it.AmountFen
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO village_disclosure_items (disclosure_id, pos, title, body, amount_fen) VALUES (?, ?, ?, ?, ?)`,
			id, pos, it.Title, it.Body, amt); err != nil {
			return err
		}
	}
	if kind != KindFinance {
		return nil
	}
	paid, err := m.PaidExpenditures(ctx, villageID, per.From, per.To)
	if err != nil {
		return err
	}
	for _, e := range paid {
		pos++
		body := fmt.Sprintf("收款方：%s；第 %d 档", maskPayee(e.Payee), e.Tier)
		if e.DecisionID > 0 {
			body += fmt.Sprintf("；经四议两公开决策 #%d", e.DecisionID)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO village_disclosure_items (disclosure_id, pos, title, body, amount_fen, expenditure_id, paid_on)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, id, pos, e.Purpose, body, e.AmountFen, e.ID, e.PaidOn); err != nil {
			return err
		}
	}
	return nil
}

// maskPayee hides a private person's name in a public list (SECURITY.md
// §7.11: the portal never shows personal data): a payee of at most four
// characters that names no organisation is taken for a person and shown
// as its first character and asterisks.
func maskPayee(s string) string {
	s = strings.TrimSpace(s)
	for _, org := range []string{"公司", "厂", "站", "社", "店", "部", "局", "院", "所", "中心", "委员会", "村", "队", "行", "镇", "区", "处", "办"} {
		if strings.Contains(s, org) {
			return s
		}
	}
	r := []rune(s)
	if len(r) == 0 || len(r) > 4 {
		return s
	}
	return string(r[0]) + strings.Repeat("*", len(r)-1)
}

func kindZh(k string) string {
	switch k {
	case KindParty:
		return "党务"
	case KindVillage:
		return "村务"
	case KindFinance:
		return "财务"
	}
	return k
}

// UpdateDisclosure rewrites a draft; a published disclosure is refused (it
// is corrected instead — and the store refuses too).
func (m *Module) UpdateDisclosure(ctx context.Context, p *auth.Principal, id int64, in DisclosureInput) (*Disclosure, error) {
	d, err := m.authorizeDisclosure(ctx, p, PermManage, id)
	if err != nil {
		return nil, err
	}
	if d.Published() {
		return nil, errs.New(errs.Conflict, "已公开的内容不能修改，请发布更正（新版本并说明理由）", "a published disclosure is never edited: publish a correction (a new version with a reason)")
	}
	rv, err := m.Rules(ctx, d.VillageID, m.today())
	if err != nil {
		return nil, err
	}
	per, err := in.check(rv.Rules, m.today(), false)
	if err != nil {
		return nil, err
	}
	err = m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM village_disclosures WHERE village_id = ? AND kind = ? AND period = ? AND id <> ?`,
			d.VillageID, in.Kind, per.Code, id).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return errs.New(errs.Conflict, fmt.Sprintf("本村 %s 期间的%s公开已存在", per.Code, kindZh(in.Kind)), fmt.Sprintf("a %s disclosure for %s already exists", in.Kind, per.Code))
		}
		res, err := tx.ExecContext(ctx, `UPDATE village_disclosures SET kind = ?, period = ?, period_from = ?, period_to = ?, title = ?, body = ?, channels = ?,
			posting_days = ?, updated_at = ? WHERE id = ? AND status = 'draft'`,
			in.Kind, per.Code, per.From, per.To, in.Title, in.Body, strings.Join(in.Channels, ","), *in.PostingDays, m.Clock.Now(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.New(errs.Conflict, "该公开已发布，不能修改", "the disclosure was published meanwhile")
		}
		if err := m.writeItems(ctx, tx, id, d.VillageID, in.Kind, per, in.Items); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "village.disclosure.update", ObjectType: "village_disclosure", ObjectID: fmt.Sprint(id),
			Scope: fmt.Sprintf("village:%d", d.VillageID), Detail: in.Title})
	})
	if err != nil {
		return nil, err
	}
	return m.disclosure(ctx, id)
}

// manualItems returns a disclosure's written items (not the copied
// expenditures) as input, to re-derive the finance items.
func manualItems(d *Disclosure) []ItemInput {
	var out []ItemInput
	for _, it := range d.Items {
		if it.ExpenditureID == 0 {
			out = append(out, ItemInput{Title: it.Title, Body: it.Body, AmountFen: it.AmountFen})
		}
	}
	return out
}

// PublishDisclosure publishes a draft: a finance disclosure's expenditure
// items are refreshed from the paid expenditures of its period, the row is
// appended to the village's hash chain, and from then on it is immutable.
func (m *Module) PublishDisclosure(ctx context.Context, p *auth.Principal, id int64) (*Disclosure, error) {
	d, err := m.authorizeDisclosure(ctx, p, PermManage, id)
	if err != nil {
		return nil, err
	}
	if d.Published() {
		return nil, errs.New(errs.Conflict, "该公开已发布；如需更正，请发布更正版本并说明理由", "the disclosure is already published; publish a correction with a reason to change it")
	}
	err = m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		if err := m.publish(ctx, tx, id, p.UserID, m.Clock.Now()); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "village.disclosure.publish", ObjectType: "village_disclosure", ObjectID: fmt.Sprint(id),
			Scope: fmt.Sprintf("village:%d", d.VillageID), Detail: d.Kind + " " + d.Period})
	})
	if err != nil {
		return nil, err
	}
	return m.disclosure(ctx, id)
}

// publish seals a draft inside tx at a given instant.
func (m *Module) publish(ctx context.Context, tx *db.Tx, id, by int64, at time.Time) error {
	d, err := m.disclosure(ctx, id)
	if err != nil {
		return err
	}
	if d.Status != StatusDraft {
		return errs.New(errs.Conflict, "该公开已发布", "the disclosure is already published")
	}
	if d.Kind == KindFinance {
		per, _ := ParsePeriod(d.Period)
		if err := m.writeItems(ctx, tx, id, d.VillageID, d.Kind, per, manualItems(d)); err != nil {
			return err
		}
		if d, err = m.disclosure(ctx, id); err != nil {
			return err
		}
	}
	if len(d.Items) == 0 && d.Body == "" {
		return errs.New(errs.Invalid, "公开内容为空，不能发布：至少填写一项公开事项或说明", "nothing to publish: add at least one item or a text")
	}
	at = at.UTC().Truncate(time.Second)
	d.PublishedAt, d.PublishedOn, d.publishedBy = at.Format(time.RFC3339), clock.Day(at), by
	link, err := chain.Append(ctx, tx, m.Seal, disclosuresChain(d.VillageID), func(seq int64) []byte { d.Seq = seq; return disclosurePayload(d) })
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE village_disclosures SET status = 'published', published_by = ?, published_at = ?, published_on = ?,
		seq = ?, prev_hash = ?, hash = ?, mac = ?, updated_at = ? WHERE id = ? AND status = 'draft'`,
		by, d.PublishedAt, d.PublishedOn, link.Seq, link.Prev, link.Hash, link.MAC, at, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.New(errs.Conflict, "该公开已发布", "the disclosure is already published")
	}
	return nil
}

// CorrectDisclosure publishes a correction of the latest version of a
// published disclosure: a new version with a mandatory reason. The old
// version stays, marked superseded, and both stay on the public page.
func (m *Module) CorrectDisclosure(ctx context.Context, p *auth.Principal, id int64, in DisclosureInput) (*Disclosure, error) {
	old, err := m.authorizeDisclosure(ctx, p, PermManage, id)
	if err != nil {
		return nil, err
	}
	var newID int64
	err = m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var err error
		if newID, err = m.correct(ctx, tx, old, in, p.UserID, m.Clock.Now()); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "village.disclosure.correct", ObjectType: "village_disclosure", ObjectID: fmt.Sprint(newID),
			Scope: fmt.Sprintf("village:%d", old.VillageID), Detail: fmt.Sprintf("corrects #%d: %s", old.ID, in.Reason)})
	})
	if err != nil {
		return nil, err
	}
	return m.disclosure(ctx, newID)
}

// correct writes and publishes version n+1 of old inside tx. Fields left
// empty in the input keep the old version's values (kind and period never
// change).
func (m *Module) correct(ctx context.Context, tx *db.Tx, old *Disclosure, in DisclosureInput, by int64, at time.Time) (int64, error) {
	switch {
	case old.Status == StatusDraft:
		return 0, errs.New(errs.Conflict, "草稿尚未公开，可直接修改，不需要更正", "a draft is not published: edit it instead of correcting it")
	case old.SupersededBy != 0:
		return 0, errs.New(errs.Conflict, fmt.Sprintf("该版本已被第 %d 号更正，请更正最新版本", old.SupersededBy),
			fmt.Sprintf("this version was already corrected by #%d: correct the latest version", old.SupersededBy))
	}
	in.Kind, in.Period = old.Kind, old.Period
	if strings.TrimSpace(in.Title) == "" {
		in.Title = old.Title
	}
	if strings.TrimSpace(in.Body) == "" {
		in.Body = old.Body
	}
	if len(in.Items) == 0 {
		in.Items = manualItems(old)
	}
	if len(in.Channels) == 0 {
		in.Channels = old.Channels
	}
	if in.PostingDays == nil {
		pd := old.PostingDays
		in.PostingDays = &pd
	}
	today := clock.Day(at)
	rv, err := m.Rules(ctx, old.VillageID, today)
	if err != nil {
		return 0, err
	}
	per, err := in.check(rv.Rules, today, true)
	if err != nil {
		return 0, err
	}
	id, err := tx.InsertID(ctx, `INSERT INTO village_disclosures (village_id, kind, period, period_from, period_to, title, body, channels, posting_days,
		status, version, series_id, supersedes, reason, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?)`,
		old.VillageID, old.Kind, per.Code, per.From, per.To, in.Title, in.Body, strings.Join(in.Channels, ","), *in.PostingDays,
		old.Version+1, old.SeriesID, old.ID, in.Reason, by, at, at)
	if err != nil {
		if isUnique(err) {
			return 0, errs.New(errs.Conflict, "该版本刚被更正，请刷新后更正最新版本", "this version was corrected meanwhile: correct the latest version")
		}
		return 0, err
	}
	if err := m.writeItems(ctx, tx, id, old.VillageID, old.Kind, per, in.Items); err != nil {
		return 0, err
	}
	return id, m.publish(ctx, tx, id, by, at)
}

func isUnique(err error) bool {
	s := strings.ToLower(err.Error())
	return strings.Contains(s, "unique") || strings.Contains(s, "duplicate key")
}

// History lists every version of a disclosure's series, oldest first
// (published ones only when publishedOnly).
func (m *Module) history(ctx context.Context, seriesID int64, publishedOnly bool) ([]*Disclosure, error) {
	q := `SELECT ` + disclosureCols + ` FROM village_disclosures d WHERE d.series_id = ?`
	if publishedOnly {
		q += ` AND d.status = 'published'`
	}
	rows, err := m.DB.Q(ctx).QueryContext(ctx, q+` ORDER BY d.version`, seriesID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Disclosure
	for rows.Next() {
		d, err := scanDisclosure(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// ---- the hash chain ----

type itemPayload struct {
	Pos           int    `json:"pos"`
	Title         string `json:"title"`
	Body          string `json:"body"`
	AmountFen     *int64 `json:"amount_fen"`
	ExpenditureID int64  `json:"expenditure_id"`
	PaidOn        string `json:"paid_on"`
}

type discPayload struct {
	ID          int64         `json:"id"`
	Village     int64         `json:"village"`
	Kind        string        `json:"kind"`
	Period      string        `json:"period"`
	From        string        `json:"from"`
	To          string        `json:"to"`
	Title       string        `json:"title"`
	Body        string        `json:"body"`
	Channels    []string      `json:"channels"`
	PostingDays int           `json:"posting_days"`
	Version     int           `json:"version"`
	Series      int64         `json:"series"`
	Supersedes  int64         `json:"supersedes"`
	Reason      string        `json:"reason"`
	PublishedAt string        `json:"published_at"`
	PublishedOn string        `json:"published_on"`
	PublishedBy int64         `json:"published_by"`
	Items       []itemPayload `json:"items"`
	Seq         int64         `json:"seq"`
}

// disclosurePayload is the canonical JSON a published disclosure is hashed
// over: every field a reader sees, and its items in order.
func disclosurePayload(d *Disclosure) []byte {
	p := discPayload{ID: d.ID, Village: d.VillageID, Kind: d.Kind, Period: d.Period, From: d.PeriodFrom, To: d.PeriodTo, Title: d.Title, Body: d.Body,
		Channels: d.Channels, PostingDays: d.PostingDays, Version: d.Version, Series: d.SeriesID, Supersedes: d.Supersedes, Reason: d.Reason,
		PublishedAt: d.PublishedAt, PublishedOn: d.PublishedOn, PublishedBy: d.publishedBy, Items: []itemPayload{}, Seq: d.Seq}
	if p.Channels == nil {
		p.Channels = []string{}
	}
	for _, it := range d.Items {
		p.Items = append(p.Items, itemPayload{Pos: it.Pos, Title: it.Title, Body: it.Body, AmountFen: it.AmountFen, ExpenditureID: it.ExpenditureID, PaidOn: it.PaidOn})
	}
	b, _ := json.Marshal(p)
	return b
}

// ChainCheck is the result of re-walking one village's disclosure chain.
type ChainCheck struct {
	OK     bool         `json:"ok"`
	Links  int64        `json:"links"`
	Break  *chain.Break `json:"break,omitempty"`
	Broken int64        `json:"broken_id,omitempty"` // the disclosure whose link broke (0: the head or a missing row)
}

// VerifyVillage re-walks a village's disclosure chain from the rows as
// stored (reading the write side, not a cache) and compares it with the
// recorded head.
func (m *Module) VerifyVillage(ctx context.Context, villageID int64) (ChainCheck, error) {
	q := m.DB.Q(ctx)
	rows, err := q.QueryContext(ctx, `SELECT `+disclosureCols+` FROM village_disclosures d WHERE d.village_id = ? AND d.seq > 0 ORDER BY d.seq, d.id`, villageID)
	if err != nil {
		return ChainCheck{}, err
	}
	var ds []*Disclosure
	for rows.Next() {
		d, err := scanDisclosure(rows)
		if err != nil {
			rows.Close()
			return ChainCheck{}, err
		}
		ds = append(ds, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return ChainCheck{}, err
	}
	if err := m.loadItems(ctx, q, ds); err != nil {
		return ChainCheck{}, err
	}
	w := &chain.Walker{Name: disclosuresChain(villageID), Sealer: m.Seal}
	var c ChainCheck
	for _, d := range ds {
		c.Links++
		ref := fmt.Sprintf("village_disclosures id=%d", d.ID)
		if d.Status == StatusDraft {
			w.Broken = &chain.Break{Chain: w.Name, Seq: d.Seq, Ref: ref, Reason: "a sealed disclosure was set back to draft (row altered)"}
			c.Broken = d.ID
			break
		}
		if !w.Step(ref, d.Seq, d.PrevHash, d.Hash, d.mac, disclosurePayload(d)) {
			c.Broken = d.ID
			break
		}
	}
	head, err := chain.Head(ctx, q, w.Name)
	if err != nil {
		return c, err
	}
	c.Break = w.End(head)
	c.OK = c.Break == nil
	return c, nil
}

// disclosuresVerifier re-walks every village's disclosure chain for
// `zhongshu verify`.
type disclosuresVerifier struct{ m *Module }

func (v disclosuresVerifier) ChainName() string { return "disclosures" }

func (v disclosuresVerifier) Verify(ctx context.Context) (*chain.Break, int64, error) {
	m := v.m
	ids := map[int64]bool{}
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT DISTINCT village_id FROM village_disclosures WHERE seq > 0`)
	if err != nil {
		return nil, 0, err
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, 0, err
		}
		ids[id] = true
	}
	rows.Close()
	heads, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT chain FROM chain_heads WHERE chain LIKE 'disclosures/village %'`)
	if err != nil {
		return nil, 0, err
	}
	for heads.Next() {
		var name string
		var id int64
		if err := heads.Scan(&name); err != nil {
			heads.Close()
			return nil, 0, err
		}
		if _, err := fmt.Sscanf(name, "disclosures/village %d", &id); err == nil {
			ids[id] = true
		}
	}
	heads.Close()
	list := make([]int64, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	slices.Sort(list)
	var n int64
	for _, id := range list {
		c, err := m.VerifyVillage(ctx, id)
		n += c.Links
		if err != nil || c.Break != nil {
			return c.Break, n, err
		}
	}
	return nil, n, nil
}

func init() {
	verifierParts = append(verifierParts, func(m *Module) chain.Verifier { return disclosuresVerifier{m} })
}
