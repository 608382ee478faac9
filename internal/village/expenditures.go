package village

// Village expenditures (村级资金支出, RULES.md §2).
//
// A request is filed by someone who may manage the village's records (the
// finance lead, the secretary, or under 村账乡代管 the township's agent);
// its tier follows from its amount and the rules in force on the day it is
// requested (Rules.Tier1MaxFen, Tier2MaxFen: "≤ 1,000 元" includes exactly
// 1,000.00). The tier decides the signatures it needs (configuration:
// Rules.Tier1Signs…Tier3Signs):
//
//	approve    the secretary approves (tier 1)                     PermManage
//	meeting    the 两委 meeting decided (tier 2), with its day      PermManage
//	supervisor the supervision committee chair co-signs            PermSupervise
//	cosign     one more 两委 member co-signs (联审联签), only in a
//	           一肩挑 village; the member is named (a person holding a
//	           两委 position in the village)                        PermManage records it
//	review     the township 三资 office reviews (tier 3): dept_staff
//	           of the department Rules.ReviewDepartment             PermExpenditureReview
//
// Above Tier2MaxFen a passed 四议两公开 decision of the same village must be
// linked before the request can proceed: it may be filed (the answer
// carries tier 3, decision_required and why it is blocked), but every
// signature and the payment are refused, naming the rule, until a passed
// decision is linked (at filing or later through LinkDecision; RULES.md
// §2, 1.9). A decision that is linked must have passed. Nobody signs their own request: the requester's
// account and person are refused for every signature, and a co-signer may
// not be the requester. Signatures are append-only. Once every signature
// is there the expenditure is approved and may be paid (paid_on, voucher
// no.); a paid expenditure appears in the village's finance disclosure
// through PaidExpenditures.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
)

// PermExpenditureReview: the township 三资 office's review of tier-3
// expenditures. Granted to department staff; a reviewer must belong to the
// department named by Rules.ReviewDepartment (checked per expenditure).
const PermExpenditureReview auth.Perm = "village:expenditure_review"

func init() {
	auth.Register(PermExpenditureReview, auth.Rule{Role: auth.DeptStaff})
}

// Signature kinds.
const (
	SignApprove    = "approve"
	SignMeeting    = "meeting"
	SignSupervisor = "supervisor"
	SignCosign     = "cosign"
	SignReview     = "review"
)

// ExpenditureSignKinds are the kinds Rules.Tier*Signs may name.
var ExpenditureSignKinds = []string{SignApprove, SignMeeting, SignSupervisor, SignCosign, SignReview}

// Expenditure statuses.
const (
	ExpRequested = "requested"
	ExpApproved  = "approved"
	ExpPaid      = "paid"
	ExpRejected  = "rejected"
)

// SignReject is the refusal of a request by one of its signers (kept in the
// signatures, with the reason).
const SignReject = "reject"

// ExpenditureTier is the tier of an amount under the rules (RULES.md §2):
// 1 up to and including Tier1MaxFen, 2 up to and including Tier2MaxFen,
// else 3.
func ExpenditureTier(r Rules, amountFen int64) int {
	switch {
	case amountFen <= r.Tier1MaxFen:
		return 1
	case amountFen <= r.Tier2MaxFen:
		return 2
	}
	return 3
}

// RequiredSigns lists the signatures an expenditure of a tier needs; the
// extra 两委 co-signature applies only in a 一肩挑 village.
func RequiredSigns(r Rules, tier int, oneShoulder bool) []string {
	var src []string
	switch tier {
	case 1:
		src = r.Tier1Signs
	case 2:
		src = r.Tier2Signs
	default:
		src = r.Tier3Signs
	}
	out := []string{}
	for _, k := range src {
		if k == SignCosign && !oneShoulder {
			continue
		}
		if slices.Contains(ExpenditureSignKinds, k) && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// Expenditure is a village expenditure with its signatures.
type Expenditure struct {
	ID            int64             `json:"id"`
	VillageID     int64             `json:"village_id"`
	Village       string            `json:"village"`
	RequestedOn   string            `json:"requested_on"`
	AmountFen     int64             `json:"amount_fen"`
	Tier          int               `json:"tier"`
	Purpose       string            `json:"purpose"`
	Payee         string            `json:"payee"`
	Category      string            `json:"category"`
	DecisionID    int64             `json:"decision_id,omitempty"`
	Decision      string            `json:"decision,omitempty"`
	Status        string            `json:"status"`
	RequiredSigns []string          `json:"required_signs"`
	MissingSigns  []string          `json:"missing_signs"`
	Signs         []ExpenditureSign `json:"signs"`
	RequestedBy   int64             `json:"requested_by"`
	Requester     string            `json:"requester"`
	PaidOn        string            `json:"paid_on,omitempty"`
	Voucher       string            `json:"voucher,omitempty"`
	RulesVersion  RulesRef          `json:"rules_version"`
	// DecisionRequired: a tier-3 request without a passed decision linked
	// cannot proceed (no signature, no payment); Blocked says why.
	DecisionRequired bool   `json:"decision_required"`
	Blocked          string `json:"blocked,omitempty"`
	BlockedEn        string `json:"blocked_en,omitempty"`
	requesterPID     int64
}

// ExpenditureSign is one signature.
type ExpenditureSign struct {
	Kind     string `json:"kind"`
	SignedOn string `json:"signed_on"`
	UserID   int64  `json:"user_id"`
	Signer   string `json:"signer"`
	PersonID int64  `json:"person_id,omitempty"`
	Note     string `json:"note,omitempty"`
}

// ExpenditureInput requests an expenditure.
type ExpenditureInput struct {
	AmountFen   int64  `json:"amount_fen"`
	Purpose     string `json:"purpose"`
	Payee       string `json:"payee"`
	Category    string `json:"category"`
	DecisionID  int64  `json:"decision_id"`
	RequestedOn string `json:"requested_on"` // default today
}

// SignInput is one signature. CosignerPersonID names the 两委 member of a
// cosign.
type SignInput struct {
	Kind             string `json:"kind"`
	SignedOn         string `json:"signed_on"`
	Note             string `json:"note"`
	CosignerPersonID int64  `json:"cosigner_person_id"`
}

// PayInput records the payment.
type PayInput struct {
	PaidOn  string `json:"paid_on"`
	Voucher string `json:"voucher"`
}

func (m *Module) checkExpenditure(in *ExpenditureInput) error {
	in.Purpose, in.Payee, in.Category, in.RequestedOn = strings.TrimSpace(in.Purpose), strings.TrimSpace(in.Payee), strings.TrimSpace(in.Category), strings.TrimSpace(in.RequestedOn)
	if in.RequestedOn == "" {
		in.RequestedOn = clock.Day(m.Clock.Now())
	}
	var l errs.List
	if in.AmountFen <= 0 || in.AmountFen > 1e14 {
		l = append(l, errs.Field("amount_fen", "金额（分）须为正整数", "amount_fen must be a positive number of fen"))
	}
	if n := utf8.RuneCountInString(in.Purpose); n < 2 || n > 200 {
		l = append(l, errs.Field("purpose", "用途须为 2–200 个字", "the purpose must be 2–200 characters"))
	}
	if utf8.RuneCountInString(in.Payee) > 100 {
		l = append(l, errs.Field("payee", "收款方最多 100 个字", "the payee is at most 100 characters"))
	}
	if utf8.RuneCountInString(in.Category) > 40 {
		l = append(l, errs.Field("category", "类别最多 40 个字", "the category is at most 40 characters"))
	}
	if !dxValidDay(in.RequestedOn) {
		l = append(l, errs.Field("requested_on", "申请日期须为 YYYY-MM-DD", "requested_on must be YYYY-MM-DD"))
	}
	if in.DecisionID < 0 {
		l = append(l, errs.Field("decision_id", "决策编号无效", "invalid decision_id"))
	}
	return l.Err()
}

// CreateExpenditure files a request (PermManage over the village).
func (m *Module) CreateExpenditure(ctx context.Context, p *auth.Principal, villageID int64, in ExpenditureInput) (*Expenditure, error) {
	if err := m.Auth.Authorize(ctx, p, PermManage, auth.Object{Village: villageID}, "village_expenditure", ""); err != nil {
		return nil, err
	}
	id, err := m.createExpenditure(ctx, p.UserID, p.PersonID, villageID, in)
	if err != nil {
		return nil, err
	}
	return m.loadExpenditure(ctx, id)
}

func (m *Module) createExpenditure(ctx context.Context, userID, personID, villageID int64, in ExpenditureInput) (int64, error) {
	v, err := m.village(ctx, villageID)
	if err != nil {
		return 0, err
	}
	if err := m.checkExpenditure(&in); err != nil {
		return 0, err
	}
	rv, err := m.Rules(ctx, villageID, in.RequestedOn)
	if err != nil {
		return 0, err
	}
	tier := ExpenditureTier(rv.Rules, in.AmountFen)
	if in.DecisionID != 0 {
		d, err := m.passedDecision(ctx, villageID, in.DecisionID)
		if err != nil {
			return 0, err
		}
		if tier == 3 {
			if err := m.resolvedDecision(ctx, d); err != nil {
				return 0, err
			}
		}
	}
	signs := RequiredSigns(rv.Rules, tier, v.OneShoulder)
	var id int64
	err = m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		now := m.Clock.Now()
		if id, err = tx.InsertID(ctx, `INSERT INTO village_expenditures (village_id, requested_on, amount_fen, tier, purpose, payee, category, decision_id,
			status, rules_zone_id, rules_village_id, required_signs, requested_by, requester_person, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			villageID, in.RequestedOn, in.AmountFen, tier, in.Purpose, in.Payee, in.Category, in.DecisionID, ExpRequested,
			rv.ZoneID, rv.VillageID, strings.Join(signs, ","), userID, personID, now, now); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "village.expenditure.create", ObjectType: "village_expenditure", ObjectID: fmt.Sprint(id),
			Scope: fmt.Sprintf("village:%d", villageID), Detail: fmt.Sprintf("tier %d, %d fen: %s", tier, in.AmountFen, in.Purpose)})
	})
	return id, err
}

func (m *Module) loadExpenditure(ctx context.Context, id int64) (*Expenditure, error) {
	q := m.DB.Q(ctx)
	var e Expenditure
	var signs string
	err := q.QueryRowContext(ctx, `SELECT e.id, e.village_id, v.name, e.requested_on, e.amount_fen, e.tier, e.purpose, e.payee, e.category,
		e.decision_id, COALESCE(d.title, ''), e.status, e.required_signs, e.requested_by, COALESCE(u.display_name, ''), e.requester_person,
		e.paid_on, e.voucher, e.rules_zone_id, e.rules_village_id
		FROM village_expenditures e JOIN villages v ON v.id = e.village_id
		LEFT JOIN village_decisions d ON d.id = e.decision_id LEFT JOIN users u ON u.id = e.requested_by WHERE e.id = ?`, id).Scan(
		&e.ID, &e.VillageID, &e.Village, &e.RequestedOn, &e.AmountFen, &e.Tier, &e.Purpose, &e.Payee, &e.Category, &e.DecisionID, &e.Decision,
		&e.Status, &signs, &e.RequestedBy, &e.Requester, &e.requesterPID, &e.PaidOn, &e.Voucher, &e.RulesVersion.ZoneRulesID, &e.RulesVersion.VillageRulesID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFoundf("village_expenditure")
	}
	if err != nil {
		return nil, err
	}
	e.RulesVersion.ValidOn = e.RequestedOn
	e.RequiredSigns = []string{}
	if signs != "" {
		e.RequiredSigns = strings.Split(signs, ",")
	}
	rows, err := q.QueryContext(ctx, `SELECT s.kind, s.signed_on, s.user_id, COALESCE(u.display_name, ''), s.person_id, s.signer_name, s.note
		FROM village_expenditure_signs s LEFT JOIN users u ON u.id = s.user_id WHERE s.expenditure_id = ? ORDER BY s.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	e.Signs = []ExpenditureSign{}
	for rows.Next() {
		var s ExpenditureSign
		var name string
		if err := rows.Scan(&s.Kind, &s.SignedOn, &s.UserID, &s.Signer, &s.PersonID, &name, &s.Note); err != nil {
			return nil, err
		}
		if name != "" {
			s.Signer = name
		}
		e.Signs = append(e.Signs, s)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	e.MissingSigns = missingSigns(&e)
	if e.Tier == 3 {
		e.DecisionRequired = true
		if e.DecisionID == 0 && e.Status == ExpRequested {
			if err := m.decisionGate(ctx, &e); err != nil {
				if x := errs.As(err); x != nil {
					e.Blocked, e.BlockedEn = x.Zh, x.En
				}
			}
		}
	}
	return &e, nil
}

// decisionGate: above Tier2MaxFen nothing proceeds without a passed
// decision of the same village (RULES.md §2, 1.9).
func (m *Module) decisionGate(ctx context.Context, e *Expenditure) error {
	if e.Tier != 3 {
		return nil
	}
	if e.DecisionID == 0 {
		rv, err := m.Rules(ctx, e.VillageID, e.RequestedOn)
		if err != nil {
			return err
		}
		return errs.Field("decision_id", fmt.Sprintf("支出 %s 元超过 %s 元，属第三档：须先关联已通过的四议两公开决策，才能签批或支付（RULES.md §2、1.9）", yuan(e.AmountFen), yuan(rv.Tier2MaxFen)),
			fmt.Sprintf("%s yuan is above %s yuan (tier 3): link a passed 四议两公开 decision before any signature or payment (RULES.md §2, 1.9)", yuan(e.AmountFen), yuan(rv.Tier2MaxFen)))
	}
	d, err := m.passedDecision(ctx, e.VillageID, e.DecisionID)
	if err != nil {
		return err
	}
	return m.resolvedDecision(ctx, d)
}

// LinkDecision links a passed decision of the village to a request not yet
// paid (PermManage) — how a tier-3 request filed before its decision passed
// may proceed.
func (m *Module) LinkDecision(ctx context.Context, p *auth.Principal, id, decisionID int64) (*Expenditure, error) {
	// Out of the reader's scope is "not found" like an absent id, before
	// the role is judged (a 403 would tell that the id exists).
	e, err := m.Expenditure(ctx, p, id)
	if err != nil {
		return nil, err
	}
	v := e.VillageID
	if err := m.Auth.Authorize(ctx, p, PermManage, auth.Object{Village: v}, "village_expenditure", fmt.Sprint(id)); err != nil {
		return nil, err
	}
	err = m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE village_expenditures SET updated_at = ? WHERE id = ?`, m.Clock.Now(), id); err != nil {
			return err
		}
		e, err := m.loadExpenditure(ctx, id)
		if err != nil {
			return err
		}
		if e.Status == ExpPaid {
			return errs.New(errs.Conflict, "该支出已支付，不能再关联决策", "the expenditure is paid: no more changes")
		}
		if e.DecisionID != 0 {
			return errs.New(errs.Conflict, "该支出已关联决策", "a decision is already linked")
		}
		d, err := m.passedDecision(ctx, v, decisionID)
		if err != nil {
			return err
		}
		if e.Tier == 3 {
			if err := m.resolvedDecision(ctx, d); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE village_expenditures SET decision_id = ? WHERE id = ?`, decisionID, id); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "village.expenditure.link_decision", ObjectType: "village_expenditure", ObjectID: fmt.Sprint(id),
			Scope: fmt.Sprintf("village:%d", v), Detail: fmt.Sprintf("decision %d", decisionID)})
	})
	if err != nil {
		return nil, err
	}
	return m.loadExpenditure(ctx, id)
}

func missingSigns(e *Expenditure) []string {
	out := []string{}
	for _, k := range e.RequiredSigns {
		if !slices.ContainsFunc(e.Signs, func(s ExpenditureSign) bool { return s.Kind == k }) {
			out = append(out, k)
		}
	}
	return out
}

func (m *Module) expenditureVillage(ctx context.Context, id int64) (villageID int64, tier int, err error) {
	err = m.DB.Q(ctx).QueryRowContext(ctx, `SELECT village_id, tier FROM village_expenditures WHERE id = ?`, id).Scan(&villageID, &tier)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, errs.NotFoundf("village_expenditure")
	}
	return villageID, tier, err
}

// reviewDepartment is the id of the department that reviews tier-3
// expenditures of a village under rules r (0 if no such department).
func (m *Module) reviewDepartment(ctx context.Context, r Rules) (int64, error) {
	var id int64
	err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT id FROM departments WHERE code = ?`, r.ReviewDepartment).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// canReview reports whether p reviews expenditures of a village: the
// department staff of its review department.
func (m *Module) canReview(ctx context.Context, p *auth.Principal, villageID int64, day string) (bool, error) {
	if !auth.Can(p, PermExpenditureReview, auth.Anything) {
		return false, nil
	}
	rv, err := m.Rules(ctx, villageID, day)
	if err != nil {
		return false, err
	}
	dept, err := m.reviewDepartment(ctx, rv.Rules)
	if err != nil || dept == 0 {
		return false, err
	}
	return auth.Can(p, PermExpenditureReview, auth.Object{Department: dept}), nil
}

// Expenditure reads one expenditure: PermRead over its village, or the
// review office for a tier-3 expenditure. Anything else is "not found".
func (m *Module) Expenditure(ctx context.Context, p *auth.Principal, id int64) (*Expenditure, error) {
	v, tier, err := m.expenditureVillage(ctx, id)
	if err != nil {
		return nil, err
	}
	if tier == 3 && !auth.Can(p, PermRead, auth.Object{Village: v}) {
		ok, err := m.canReview(ctx, p, v, clock.Day(m.Clock.Now()))
		if err != nil {
			return nil, err
		}
		if ok {
			return m.loadExpenditure(ctx, id)
		}
	}
	if err := m.Auth.Authorize(ctx, p, PermRead, auth.Object{Village: v}, "village_expenditure", fmt.Sprint(id)); err != nil {
		return nil, err
	}
	return m.loadExpenditure(ctx, id)
}

// ExpenditureFilter narrows a list.
type ExpenditureFilter struct {
	Status string
	Tier   int
}

// Expenditures lists a village's expenditures, newest first (PermRead).
func (m *Module) Expenditures(ctx context.Context, p *auth.Principal, villageID int64, f ExpenditureFilter) ([]Expenditure, error) {
	if err := m.Auth.Authorize(ctx, p, PermRead, auth.Object{Village: villageID}, "village_expenditure", ""); err != nil {
		return nil, err
	}
	q := `SELECT id FROM village_expenditures WHERE village_id = ?`
	args := []any{villageID}
	if f.Status != "" {
		q += ` AND status = ?`
		args = append(args, f.Status)
	}
	if f.Tier > 0 {
		q += ` AND tier = ?`
		args = append(args, f.Tier)
	}
	return m.expenditureRows(ctx, q+` ORDER BY requested_on DESC, id DESC`, args...)
}

func (m *Module) expenditureRows(ctx context.Context, q string, args ...any) ([]Expenditure, error) {
	ids, err := db.Column[int64](ctx, m.DB.Q(ctx), q, args...)
	if err != nil {
		return nil, err
	}
	out := []Expenditure{}
	for _, id := range ids {
		e, err := m.loadExpenditure(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, *e)
	}
	return out, nil
}

// ReviewQueue lists the tier-3 expenditures awaiting the caller's review
// (the township 三资 office): every village whose rules name the caller's
// department.
func (m *Module) ReviewQueue(ctx context.Context, p *auth.Principal) ([]Expenditure, error) {
	if err := m.Auth.Authorize(ctx, p, PermExpenditureReview, auth.Anything, "village_expenditure", ""); err != nil {
		return nil, err
	}
	all, err := m.expenditureRows(ctx, `SELECT id FROM village_expenditures WHERE tier = 3 AND status = ? ORDER BY requested_on, id`, ExpRequested)
	if err != nil {
		return nil, err
	}
	out := []Expenditure{}
	for _, e := range all {
		if !slices.Contains(e.MissingSigns, SignReview) || e.Blocked != "" {
			continue
		}
		ok, err := m.canReview(ctx, p, e.VillageID, clock.Day(m.Clock.Now()))
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, e)
		}
	}
	return out, nil
}

// signer is who signs: the account and its person.
type signer struct {
	UserID, PersonID int64
	p                *auth.Principal // nil for the demo loader (rules still apply)
}

// Sign adds a signature to an expenditure.
func (m *Module) Sign(ctx context.Context, p *auth.Principal, id int64, in SignInput) (*Expenditure, error) {
	if _, err := m.signerOf(ctx, p, id); err != nil {
		return nil, err
	}
	if err := m.sign(ctx, signer{UserID: p.UserID, PersonID: p.PersonID, p: p}, id, in); err != nil {
		return nil, err
	}
	return m.loadExpenditure(ctx, id)
}

// signerOf reads an expenditure for someone who may sign something on it
// (manage or supervise its village, or review it); readers who sign nothing
// get 403, others 404.
func (m *Module) signerOf(ctx context.Context, p *auth.Principal, id int64) (*Expenditure, error) {
	e, err := m.Expenditure(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if auth.Can(p, PermManage, auth.Object{Village: e.VillageID}) || auth.Can(p, PermSupervise, auth.Object{Village: e.VillageID}) {
		return e, nil
	}
	ok, err := m.canReview(ctx, p, e.VillageID, e.RequestedOn)
	if err != nil {
		return nil, err
	}
	if !ok {
		if err := m.Auth.Authorize(ctx, p, PermManage, auth.Object{Village: e.VillageID}, "village_expenditure", fmt.Sprint(id)); err != nil {
			return nil, err
		}
	}
	return e, nil
}

func signName(k string) (string, string) {
	switch k {
	case SignApprove:
		return "书记审批", "the secretary's approval"
	case SignMeeting:
		return "两委会议决定", "the two-committee meeting's decision"
	case SignSupervisor:
		return "村务监督委员会主任会签", "the supervision committee chair's co-signature"
	case SignCosign:
		return "两委成员联审联签", "a two-committee member's co-signature"
	case SignReview:
		return "乡镇三资办审核", "the township 三资 office's review"
	}
	return k, k
}

func (m *Module) sign(ctx context.Context, s signer, id int64, in SignInput) error {
	in.Kind, in.SignedOn, in.Note = strings.TrimSpace(in.Kind), strings.TrimSpace(in.SignedOn), strings.TrimSpace(in.Note)
	if in.SignedOn == "" {
		in.SignedOn = clock.Day(m.Clock.Now())
	}
	if !slices.Contains(ExpenditureSignKinds, in.Kind) {
		return errs.Field("kind", "签批类型须为 "+strings.Join(ExpenditureSignKinds, "、")+" 之一", "kind must be one of "+strings.Join(ExpenditureSignKinds, ", "))
	}
	if !dxValidDay(in.SignedOn) {
		return errs.Field("signed_on", "签批日期须为 YYYY-MM-DD", "signed_on must be YYYY-MM-DD")
	}
	if utf8.RuneCountInString(in.Note) > 1000 {
		return errs.Field("note", "意见最多 1000 字", "the note is at most 1000 characters")
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		now := m.Clock.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE village_expenditures SET updated_at = ? WHERE id = ?`, now, id); err != nil {
			return err
		}
		e, err := m.loadExpenditure(ctx, id)
		if err != nil {
			return err
		}
		zh, en := signName(in.Kind)
		// Who may sign this kind (role and scope).
		if s.p != nil {
			var ok bool
			switch in.Kind {
			case SignApprove, SignMeeting, SignCosign:
				ok = auth.Can(s.p, PermManage, auth.Object{Village: e.VillageID})
			case SignSupervisor:
				ok = auth.Can(s.p, PermSupervise, auth.Object{Village: e.VillageID})
			case SignReview:
				if ok, err = m.canReview(ctx, s.p, e.VillageID, e.RequestedOn); err != nil {
					return err
				}
			}
			if !ok {
				return errs.New(errs.Forbidden, fmt.Sprintf("您不能办理%s（RULES.md §2）", zh), fmt.Sprintf("you may not give %s (RULES.md §2)", en))
			}
		}
		if e.Status != ExpRequested {
			return errs.New(errs.Conflict, fmt.Sprintf("该支出状态为 %s，不再签批", e.Status), fmt.Sprintf("the expenditure is %s: no more signatures", e.Status))
		}
		if !slices.Contains(e.RequiredSigns, in.Kind) {
			return errs.Field("kind", fmt.Sprintf("第 %d 档支出不需要%s（须：%s；RULES.md §2）", e.Tier, zh, strings.Join(e.RequiredSigns, "、")),
				fmt.Sprintf("a tier-%d expenditure does not take %s (it needs: %s; RULES.md §2)", e.Tier, en, strings.Join(e.RequiredSigns, ", ")))
		}
		if !slices.Contains(e.MissingSigns, in.Kind) {
			return errs.New(errs.Conflict, fmt.Sprintf("%s已经签过", zh), fmt.Sprintf("%s is already given", en))
		}
		// Separation of duties: nobody approves their own request.
		if s.UserID == e.RequestedBy || (s.PersonID != 0 && s.PersonID == e.requesterPID) {
			return errs.Field("kind", fmt.Sprintf("申请人不能审批自己的支出申请（%s；RULES.md §2）", zh),
				fmt.Sprintf("the requester may not approve their own request (%s; RULES.md §2)", en))
		}
		if in.SignedOn < e.RequestedOn {
			return errs.Field("signed_on", fmt.Sprintf("签批日期 %s 早于申请日期 %s", in.SignedOn, e.RequestedOn),
				fmt.Sprintf("signed on %s, before the request of %s", in.SignedOn, e.RequestedOn))
		}
		if err := m.decisionGate(ctx, e); err != nil {
			return err
		}
		personID, name := s.PersonID, ""
		if in.Kind == SignCosign {
			if personID, name, err = m.checkCosigner(ctx, e, in.CosignerPersonID); err != nil {
				return err
			}
		}
		if in.Kind == SignMeeting && in.Note == "" {
			return errs.Field("note", "请写明两委会议决定的内容（RULES.md §2）", "give what the two-committee meeting decided (RULES.md §2)")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO village_expenditure_signs (expenditure_id, kind, signed_on, user_id, person_id, signer_name, note, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, id, in.Kind, in.SignedOn, s.UserID, personID, name, in.Note, now); err != nil {
			if db.IsUniqueViolation(err) {
				return errs.New(errs.Conflict, fmt.Sprintf("%s已经签过", zh), fmt.Sprintf("%s is already given", en))
			}
			return err
		}
		status := e.Status
		if len(e.MissingSigns) == 1 {
			status = ExpApproved
			if _, err := tx.ExecContext(ctx, `UPDATE village_expenditures SET status = ? WHERE id = ?`, status, id); err != nil {
				return err
			}
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "village.expenditure.sign", ObjectType: "village_expenditure", ObjectID: fmt.Sprint(id),
			Scope: fmt.Sprintf("village:%d", e.VillageID), Detail: fmt.Sprintf("%s on %s → %s", in.Kind, in.SignedOn, status)})
	})
}

// checkCosigner: the co-signer of 联审联签 is "one more" 两委 member — a
// serving 两委委员 of the village other than the 一肩挑 secretary-director —
// and neither the requester nor someone who signed already.
func (m *Module) checkCosigner(ctx context.Context, e *Expenditure, personID int64) (int64, string, error) {
	if personID <= 0 {
		return 0, "", errs.Field("cosigner_person_id", "请指定联审联签的两委成员（RULES.md §2）", "name the two-committee member who co-signs (RULES.md §2)")
	}
	var name string
	err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT p.name FROM positions po JOIN people p ON p.id = po.person_id
		WHERE po.person_id = ? AND po.village_id = ? AND po.title = ? AND po.ended_on = '' LIMIT 1`,
		personID, e.VillageID, directory.PosVillageCommittee).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", errs.Field("cosigner_person_id", "联审联签人须为本村现任两委成员（RULES.md §2）", "the co-signer must be a serving two-committee member of this village (RULES.md §2)")
	}
	if err != nil {
		return 0, "", err
	}
	if personID == e.requesterPID {
		return 0, "", errs.Field("cosigner_person_id", "申请人不能联审联签自己的支出申请（RULES.md §2）", "the requester may not co-sign their own request (RULES.md §2)")
	}
	for _, s := range e.Signs {
		if s.PersonID == personID {
			return 0, "", errs.Field("cosigner_person_id", "联审联签须由另一名两委成员签署（RULES.md §2）", "the co-signature must come from one more, different committee member (RULES.md §2)")
		}
	}
	return personID, name, nil
}

// Pay records the payment of an approved expenditure (PermManage).
func (m *Module) Pay(ctx context.Context, p *auth.Principal, id int64, in PayInput) (*Expenditure, error) {
	// Out of the reader's scope is "not found" like an absent id, before
	// the role is judged (a 403 would tell that the id exists).
	e, err := m.Expenditure(ctx, p, id)
	if err != nil {
		return nil, err
	}
	v := e.VillageID
	if err := m.Auth.Authorize(ctx, p, PermManage, auth.Object{Village: v}, "village_expenditure", fmt.Sprint(id)); err != nil {
		return nil, err
	}
	if err := m.pay(ctx, p.UserID, id, in); err != nil {
		return nil, err
	}
	return m.loadExpenditure(ctx, id)
}

func (m *Module) pay(ctx context.Context, userID, id int64, in PayInput) error {
	in.PaidOn, in.Voucher = strings.TrimSpace(in.PaidOn), strings.TrimSpace(in.Voucher)
	if in.PaidOn == "" {
		in.PaidOn = clock.Day(m.Clock.Now())
	}
	var l errs.List
	if !dxValidDay(in.PaidOn) {
		l = append(l, errs.Field("paid_on", "支付日期须为 YYYY-MM-DD", "paid_on must be YYYY-MM-DD"))
	}
	if n := utf8.RuneCountInString(in.Voucher); n < 1 || n > 40 {
		l = append(l, errs.Field("voucher", "须填写记账凭证号（1–40 个字）", "give the voucher number (1–40 characters)"))
	}
	if err := l.Err(); err != nil {
		return err
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		now := m.Clock.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE village_expenditures SET updated_at = ? WHERE id = ?`, now, id); err != nil {
			return err
		}
		e, err := m.loadExpenditure(ctx, id)
		if err != nil {
			return err
		}
		if e.Status == ExpPaid {
			return errs.New(errs.Conflict, "该支出已支付", "the expenditure is already paid")
		}
		if e.Status != ExpApproved {
			var zs, es []string
			for _, k := range e.MissingSigns {
				z, en := signName(k)
				zs, es = append(zs, z), append(es, en)
			}
			return errs.Field("paid_on", fmt.Sprintf("审批未完成，不能支付：尚缺%s（RULES.md §2）", strings.Join(zs, "、")),
				fmt.Sprintf("not approved yet, it cannot be paid: missing %s (RULES.md §2)", strings.Join(es, ", ")))
		}
		if err := m.decisionGate(ctx, e); err != nil {
			return err
		}
		for _, s := range e.Signs {
			if in.PaidOn < s.SignedOn {
				return errs.Field("paid_on", fmt.Sprintf("支付日期 %s 早于签批日期 %s", in.PaidOn, s.SignedOn),
					fmt.Sprintf("paid on %s, before a signature of %s", in.PaidOn, s.SignedOn))
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE village_expenditures SET status = ?, paid_on = ?, voucher = ?, paid_by = ? WHERE id = ?`,
			ExpPaid, in.PaidOn, in.Voucher, userID, id); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "village.expenditure.pay", ObjectType: "village_expenditure", ObjectID: fmt.Sprint(id),
			Scope: fmt.Sprintf("village:%d", e.VillageID), Detail: fmt.Sprintf("%d fen paid on %s, voucher %s", e.AmountFen, in.PaidOn, in.Voucher)})
	})
}

// PaidExpenditure is a paid expenditure as the finance disclosure lists it.
// The disclosures part reads it to put every paid expenditure into the
// village's next 财务 disclosure automatically (issue 5 item 2).
type PaidExpenditure struct {
	ID         int64
	PaidOn     string
	Purpose    string
	Payee      string
	AmountFen  int64
	Tier       int
	DecisionID int64
}

// PaidExpenditures lists a village's expenditures paid between two zone
// days (inclusive), ordered by PaidOn then id. A system call: the caller
// authorises (or publishes only what a disclosure may show).
func (m *Module) PaidExpenditures(ctx context.Context, villageID int64, fromDay, toDay string) ([]PaidExpenditure, error) {
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT id, paid_on, purpose, payee, amount_fen, tier, decision_id
		FROM village_expenditures WHERE village_id = ? AND status = 'paid' AND paid_on >= ? AND paid_on <= ?
		ORDER BY paid_on, id`, villageID, fromDay, toDay)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []PaidExpenditure{}
	for rows.Next() {
		var e PaidExpenditure
		if err := rows.Scan(&e.ID, &e.PaidOn, &e.Purpose, &e.Payee, &e.AmountFen, &e.Tier, &e.DecisionID); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Reject refuses a request that is still awaiting signatures: any of its
// signers (not the requester) may, giving the reason; the refusal is kept
// with the signatures and the request can no longer proceed.
func (m *Module) Reject(ctx context.Context, p *auth.Principal, id int64, reason, day string) (*Expenditure, error) {
	if _, err := m.signerOf(ctx, p, id); err != nil {
		return nil, err
	}
	reason, day = strings.TrimSpace(reason), strings.TrimSpace(day)
	if day == "" {
		day = clock.Day(m.Clock.Now())
	}
	if n := utf8.RuneCountInString(reason); n < 2 || n > 1000 {
		return nil, errs.Field("reason", "须写明不予批准的理由（2–1000 字）", "give the reason for refusing (2–1000 characters)")
	}
	if !dxValidDay(day) {
		return nil, errs.Field("signed_on", "日期须为 YYYY-MM-DD", "signed_on must be YYYY-MM-DD")
	}
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		now := m.Clock.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE village_expenditures SET updated_at = ? WHERE id = ?`, now, id); err != nil {
			return err
		}
		e, err := m.loadExpenditure(ctx, id)
		if err != nil {
			return err
		}
		if e.Status != ExpRequested {
			return errs.New(errs.Conflict, fmt.Sprintf("该支出状态为 %s，不能再不予批准", e.Status), fmt.Sprintf("the expenditure is %s: it can no longer be refused", e.Status))
		}
		if p.UserID == e.RequestedBy || (p.PersonID != 0 && p.PersonID == e.requesterPID) {
			return errs.Field("reason", "申请人不能审批自己的支出申请（RULES.md §2）", "the requester may not decide on their own request (RULES.md §2)")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO village_expenditure_signs (expenditure_id, kind, signed_on, user_id, person_id, note, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, id, SignReject, day, p.UserID, p.PersonID, reason, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE village_expenditures SET status = ? WHERE id = ?`, ExpRejected, id); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "village.expenditure.reject", ObjectType: "village_expenditure", ObjectID: fmt.Sprint(id),
			Scope: fmt.Sprintf("village:%d", e.VillageID), Detail: reason})
	})
	if err != nil {
		return nil, err
	}
	return m.loadExpenditure(ctx, id)
}
