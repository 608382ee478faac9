package village

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/ident"
)

// Land-compensation permissions.
const (
	// PermLandRead: projects, households (ID numbers masked), payments
	// and the audit checks — the committee everywhere, discipline in its
	// scope, the secretary and the supervision committee in their village.
	PermLandRead auth.Perm = "village:land_read"
	// PermLandManage: record projects, standards, households, payments
	// and post the public list — the secretary of the village, the
	// committee anywhere.
	PermLandManage auth.Perm = "village:land_manage"
)

func init() {
	auth.Register(PermLandRead, auth.Rule{Role: auth.Committee}, auth.Rule{Role: auth.Discipline},
		auth.Rule{Role: auth.VillageSecretary}, auth.Rule{Role: auth.VillageSupervisor})
	auth.Register(PermLandManage, auth.Rule{Role: auth.Committee}, auth.Rule{Role: auth.VillageSecretary})
}

// Blind-index domain and AAD labels of the sealed ID numbers. The domain
// is the directory's, so a payee can be matched with a person.
const (
	landIdxDomain    = "id_number"
	landAADHousehold = "land_households.id_number"
	landAADPayee     = "land_payments.payee_id_number"
)

// LandProject is a land-compensation project (征地补偿项目).
type LandProject struct {
	ID            int64           `json:"id"`
	VillageID     int64           `json:"village_id"`
	Village       string          `json:"village"`
	Name          string          `json:"name"`
	DecisionID    int64           `json:"decision_id,omitempty"`
	FundsFen      int64           `json:"funds_fen"`
	Status        string          `json:"status"` // draft, posted
	PostedOn      string          `json:"posted_on,omitempty"`
	EntitledFen   int64           `json:"entitled_fen"`
	PaidFen       int64           `json:"paid_fen"`
	Households    int             `json:"household_count"`
	Findings      int             `json:"finding_count"`
	Standards     []LandStandard  `json:"standards,omitempty"`
	HouseholdList []LandHousehold `json:"households,omitempty"`
	Payments      []LandPayment   `json:"payments,omitempty"`
	Checks        []LandFinding   `json:"findings,omitempty"`
}

// LandStandard is a compensation standard for one item (补偿标准).
type LandStandard struct {
	ID         int64  `json:"id"`
	Code       string `json:"code"`
	Name       string `json:"name"`
	Unit       string `json:"unit"`
	FenPerUnit int64  `json:"fen_per_unit"`
}

// LandHousehold is a household entitled to compensation; its head's ID
// number is kept sealed and shown masked only.
type LandHousehold struct {
	ID          int64      `json:"id"`
	HeadName    string     `json:"head_name"`
	IDMask      string     `json:"id_number_mask"`
	Items       []LandItem `json:"items"`
	EntitledFen int64      `json:"entitled_fen"`
	PaidFen     int64      `json:"paid_fen"`
}

// LandItem is a household's quantity of one item and what it earns.
type LandItem struct {
	StandardID    int64  `json:"standard_id"`
	Code          string `json:"code"`
	Name          string `json:"name"`
	Unit          string `json:"unit"`
	QuantityMilli int64  `json:"quantity_milli"`
	Quantity      string `json:"quantity"`
	AmountFen     int64  `json:"amount_fen"`
}

// LandPayment is a compensation payment.
type LandPayment struct {
	ID          int64  `json:"id"`
	HouseholdID int64  `json:"household_id"`
	Household   string `json:"household"`
	StandardID  int64  `json:"standard_id"`
	Code        string `json:"code"`
	ItemName    string `json:"item_name"`
	AmountFen   int64  `json:"amount_fen"`
	PaidOn      string `json:"paid_on"`
	PayeeName   string `json:"payee_name"`
	PayeeMask   string `json:"payee_id_mask"`
	PayeeIdx    string `json:"-"`
}

// LandProjectInput creates a project.
type LandProjectInput struct {
	VillageID  int64  `json:"village_id"`
	Name       string `json:"name"`
	DecisionID int64  `json:"decision_id"`
	FundsFen   int64  `json:"funds_fen"`
}

// LandStandardInput adds a standard.
type LandStandardInput struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Unit       string `json:"unit"`
	FenPerUnit int64  `json:"fen_per_unit"`
}

// LandHouseholdInput adds a household with its items (code → quantity as
// a decimal string, e.g. "2.5").
type LandHouseholdInput struct {
	HeadName string            `json:"head_name"`
	IDNumber string            `json:"id_number"`
	Items    map[string]string `json:"items"`
}

// LandPaymentInput records a payment.
type LandPaymentInput struct {
	HouseholdID   int64  `json:"household_id"`
	Code          string `json:"item"`
	AmountFen     int64  `json:"amount_fen"`
	PaidOn        string `json:"paid_on"`
	PayeeName     string `json:"payee_name"`
	PayeeIDNumber string `json:"payee_id_number"`
}

func (m *Module) landToday() string { return clock.Day(m.Clock.Now()) }

// landVillages lists the ids of the villages p may read land projects of.
func (m *Module) landVillages(ctx context.Context, p *auth.Principal) ([]int64, error) {
	vs, err := m.Dir.VillageList(ctx)
	if err != nil {
		return nil, err
	}
	var out []int64
	for _, v := range vs {
		if auth.Can(p, PermLandRead, auth.Object{Village: v.ID}) {
			out = append(out, v.ID)
		}
	}
	return out, nil
}

const landProjectCols = `lp.id, lp.village_id, v.name, lp.name, COALESCE(lp.decision_id, 0), lp.funds_fen, lp.status, lp.posted_on`

func (m *Module) landProjectRows(ctx context.Context, where string, args ...any) ([]LandProject, error) {
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT `+landProjectCols+` FROM land_projects lp JOIN villages v ON v.id = lp.village_id `+
		where+` ORDER BY lp.village_id, lp.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []LandProject{}
	for rows.Next() {
		var p LandProject
		if err := rows.Scan(&p.ID, &p.VillageID, &p.Village, &p.Name, &p.DecisionID, &p.FundsFen, &p.Status, &p.PostedOn); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// landLoad fills a project's standards, households with items, payments
// and findings.
func (m *Module) landLoad(ctx context.Context, p *LandProject) error {
	q := m.DB.Q(ctx)
	rows, err := q.QueryContext(ctx, `SELECT id, code, name, unit, fen_per_unit FROM land_standards WHERE project_id = ? ORDER BY id`, p.ID)
	if err != nil {
		return err
	}
	std := map[int64]LandStandard{}
	p.Standards = nil
	for rows.Next() {
		var s LandStandard
		if err := rows.Scan(&s.ID, &s.Code, &s.Name, &s.Unit, &s.FenPerUnit); err != nil {
			rows.Close()
			return err
		}
		std[s.ID] = s
		p.Standards = append(p.Standards, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = q.QueryContext(ctx, `SELECT id, head_name, id_mask FROM land_households WHERE project_id = ? ORDER BY id`, p.ID)
	if err != nil {
		return err
	}
	idx := map[int64]int{}
	p.HouseholdList = nil
	for rows.Next() {
		var h LandHousehold
		if err := rows.Scan(&h.ID, &h.HeadName, &h.IDMask); err != nil {
			rows.Close()
			return err
		}
		h.Items = []LandItem{}
		idx[h.ID] = len(p.HouseholdList)
		p.HouseholdList = append(p.HouseholdList, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = q.QueryContext(ctx, `SELECT i.household_id, i.standard_id, i.quantity_milli FROM land_household_items i
		JOIN land_households h ON h.id = i.household_id WHERE h.project_id = ? ORDER BY i.household_id, i.standard_id`, p.ID)
	if err != nil {
		return err
	}
	p.EntitledFen = 0
	for rows.Next() {
		var hid, sid, qty int64
		if err := rows.Scan(&hid, &sid, &qty); err != nil {
			rows.Close()
			return err
		}
		s := std[sid]
		it := LandItem{StandardID: sid, Code: s.Code, Name: s.Name, Unit: s.Unit, QuantityMilli: qty, Quantity: LandQuantity(qty), AmountFen: LandEntitled(qty, s.FenPerUnit)}
		if i, ok := idx[hid]; ok {
			p.HouseholdList[i].Items = append(p.HouseholdList[i].Items, it)
			p.HouseholdList[i].EntitledFen += it.AmountFen
			p.EntitledFen += it.AmountFen
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = q.QueryContext(ctx, `SELECT id, household_id, standard_id, amount_fen, paid_on, payee_name, payee_mask, payee_idx FROM land_payments
		WHERE project_id = ? ORDER BY paid_on, id`, p.ID)
	if err != nil {
		return err
	}
	p.Payments, p.PaidFen = nil, 0
	for rows.Next() {
		var pay LandPayment
		if err := rows.Scan(&pay.ID, &pay.HouseholdID, &pay.StandardID, &pay.AmountFen, &pay.PaidOn, &pay.PayeeName, &pay.PayeeMask, &pay.PayeeIdx); err != nil {
			rows.Close()
			return err
		}
		s := std[pay.StandardID]
		pay.Code, pay.ItemName = s.Code, s.Name
		if i, ok := idx[pay.HouseholdID]; ok {
			pay.Household = p.HouseholdList[i].HeadName
			p.HouseholdList[i].PaidFen += pay.AmountFen
		}
		p.PaidFen += pay.AmountFen
		p.Payments = append(p.Payments, pay)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	p.Households = len(p.HouseholdList)
	p.Checks = LandChecks(p)
	p.Findings = len(p.Checks)
	return nil
}

// LandProjects lists the projects in the caller's villages with their
// totals and the number of findings (optionally one village).
func (m *Module) LandProjects(ctx context.Context, p *auth.Principal, villageID int64) ([]LandProject, error) {
	if err := m.Auth.Authorize(ctx, p, PermLandRead, auth.Anything, "land_project", ""); err != nil {
		return nil, err
	}
	ids, err := m.landVillages(ctx, p)
	if err != nil {
		return nil, err
	}
	if villageID > 0 {
		if err := m.Auth.Authorize(ctx, p, PermLandRead, auth.Object{Village: villageID}, "village", fmt.Sprint(villageID)); err != nil {
			return nil, err
		}
		ids = []int64{villageID}
	}
	if len(ids) == 0 {
		return []LandProject{}, nil
	}
	where := `WHERE lp.village_id IN (?` + strings.Repeat(", ?", len(ids)-1) + `)`
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	ps, err := m.landProjectRows(ctx, where, args...)
	if err != nil {
		return nil, err
	}
	for i := range ps {
		if err := m.landLoad(ctx, &ps[i]); err != nil {
			return nil, err
		}
		ps[i].Standards, ps[i].HouseholdList, ps[i].Payments = nil, nil, nil
	}
	return ps, nil
}

// landFind reads a project and authorises perm over its village: absent
// and out of scope answer the same 404.
func (m *Module) landFind(ctx context.Context, p *auth.Principal, perm auth.Perm, id int64) (*LandProject, error) {
	if err := m.Auth.Authorize(ctx, p, perm, auth.Anything, "land_project", fmt.Sprint(id)); err != nil {
		return nil, err
	}
	ps, err := m.landProjectRows(ctx, `WHERE lp.id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, errs.NotFoundf("对象")
	}
	if err := m.Auth.Authorize(ctx, p, perm, auth.Object{Village: ps[0].VillageID}, "land_project", fmt.Sprint(id)); err != nil {
		return nil, err
	}
	return &ps[0], nil
}

// LandProjectDetail reads one project in full with its findings.
func (m *Module) LandProjectDetail(ctx context.Context, p *auth.Principal, id int64) (*LandProject, error) {
	lp, err := m.landFind(ctx, p, PermLandRead, id)
	if err != nil {
		return nil, err
	}
	if err := m.landLoad(ctx, lp); err != nil {
		return nil, err
	}
	return lp, nil
}

// LandFindings runs the checks over every project in the caller's villages.
func (m *Module) LandFindings(ctx context.Context, p *auth.Principal) ([]LandFinding, error) {
	ps, err := m.LandProjects(ctx, p, 0)
	if err != nil {
		return nil, err
	}
	out := []LandFinding{}
	for i := range ps {
		if err := m.landLoad(ctx, &ps[i]); err != nil {
			return nil, err
		}
		out = append(out, ps[i].Checks...)
	}
	landSortFindings(out)
	return out, nil
}

func landText(l *errs.List, field, zh, en, v string, minLen, maxLen int) {
	n := utf8.RuneCountInString(v)
	if n < minLen || n > maxLen {
		*l = append(*l, errs.Field(field, fmt.Sprintf("%s须为 %d–%d 字（现为 %d 字）", zh, minLen, maxLen, n),
			fmt.Sprintf("%s must be %d–%d characters (got %d)", en, minLen, maxLen, n)))
	}
}

// CreateLandProject records a project in a village (its secretary or the
// committee).
func (m *Module) CreateLandProject(ctx context.Context, p *auth.Principal, in LandProjectInput) (int64, error) {
	if err := m.Auth.Authorize(ctx, p, PermLandManage, auth.Anything, "land_project", ""); err != nil {
		return 0, err
	}
	in.Name = strings.TrimSpace(in.Name)
	var l errs.List
	if in.VillageID <= 0 {
		l = append(l, errs.Field("village_id", "请选择村", "choose the village"))
	}
	landText(&l, "name", "项目名称", "the name", in.Name, 2, 100)
	if in.FundsFen <= 0 || in.FundsFen > 10_000_000_000_00 {
		l = append(l, errs.Field("funds_fen", "补偿资金总额须大于 0 且不超过 100 亿元", "the funds must be above 0 and at most 10 billion yuan"))
	}
	if in.DecisionID < 0 {
		l = append(l, errs.Field("decision_id", "决议编号无效", "the decision id is invalid"))
	}
	if err := l.Err(); err != nil {
		return 0, err
	}
	if err := m.Auth.Authorize(ctx, p, PermLandManage, auth.Object{Village: in.VillageID}, "village", fmt.Sprint(in.VillageID)); err != nil {
		return 0, err
	}
	if _, err := m.village(ctx, in.VillageID); err != nil {
		return 0, err
	}
	var dec any
	if in.DecisionID > 0 {
		// The decision must be one of this village's: another village's
		// answers exactly like an absent id (no existence leak).
		var n int
		if err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM village_decisions WHERE id = ? AND village_id = ?`, in.DecisionID, in.VillageID).Scan(&n); err != nil {
			return 0, err
		}
		if n == 0 {
			return 0, errs.Field("decision_id", fmt.Sprintf("本村没有编号为 %d 的四议两公开决策", in.DecisionID),
				fmt.Sprintf("there is no decision %d in this village", in.DecisionID))
		}
		dec = in.DecisionID
	}
	var id int64
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM land_projects WHERE village_id = ? AND name = ?`, in.VillageID, in.Name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return errs.New(errs.Conflict, fmt.Sprintf("本村已有名为“%s”的征地补偿项目", in.Name), fmt.Sprintf("the village already has a project named %q", in.Name))
		}
		var err error
		if id, err = tx.InsertID(ctx, `INSERT INTO land_projects (village_id, name, decision_id, funds_fen, status, created_by, created_at) VALUES (?, ?, ?, ?, 'draft', ?, ?)`,
			in.VillageID, in.Name, dec, in.FundsFen, p.UserID, m.Clock.Now()); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "village.land.project_create", ObjectType: "land_project", ObjectID: fmt.Sprint(id),
			Scope: fmt.Sprintf("village:%d", in.VillageID), Detail: fmt.Sprintf("%s, funds %d fen", in.Name, in.FundsFen)})
	})
	return id, err
}

var landCodeRe = regexp.MustCompile(`^[a-z][a-z0-9_]{0,29}$`)

// AddLandStandard adds an item's standard to a project still in draft:
// once posted, the public list's standards no longer change.
func (m *Module) AddLandStandard(ctx context.Context, p *auth.Principal, projectID int64, in LandStandardInput) error {
	lp, err := m.landFind(ctx, p, PermLandManage, projectID)
	if err != nil {
		return err
	}
	in.Code, in.Name, in.Unit = strings.TrimSpace(in.Code), strings.TrimSpace(in.Name), strings.TrimSpace(in.Unit)
	var l errs.List
	if !landCodeRe.MatchString(in.Code) {
		l = append(l, errs.Field("code", "项目代码须为小写字母开头的字母、数字或下划线（最多 30 位）", "the code must be lower-case letters, digits or _ starting with a letter (at most 30)"))
	}
	landText(&l, "name", "补偿项目名称", "the item's name", in.Name, 2, 50)
	landText(&l, "unit", "计量单位", "the unit", in.Unit, 1, 10)
	if in.FenPerUnit <= 0 || in.FenPerUnit > 1_000_000_000 {
		l = append(l, errs.Field("fen_per_unit", "补偿标准须大于 0 且不超过每单位 1000 万元", "the standard must be above 0 and at most 10,000,000 yuan per unit"))
	}
	if err := l.Err(); err != nil {
		return err
	}
	if lp.Status != "draft" {
		return errs.New(errs.Conflict, "项目已张榜公布，补偿标准不能再增加或修改", "the project is posted; its standards no longer change")
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM land_standards WHERE project_id = ? AND code = ?`, projectID, in.Code).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return errs.New(errs.Conflict, fmt.Sprintf("本项目已有代码为 %s 的补偿标准", in.Code), fmt.Sprintf("the project already has a standard %s", in.Code))
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO land_standards (project_id, code, name, unit, fen_per_unit) VALUES (?, ?, ?, ?, ?)`,
			projectID, in.Code, in.Name, in.Unit, in.FenPerUnit); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "village.land.standard_add", ObjectType: "land_project", ObjectID: fmt.Sprint(projectID),
			Scope: fmt.Sprintf("village:%d", lp.VillageID), Detail: fmt.Sprintf("%s %s %d fen/%s", in.Code, in.Name, in.FenPerUnit, in.Unit)})
	})
}

func (m *Module) landStandards(ctx context.Context, projectID int64) (map[string]LandStandard, error) {
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT id, code, name, unit, fen_per_unit FROM land_standards WHERE project_id = ?`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]LandStandard{}
	for rows.Next() {
		var s LandStandard
		if err := rows.Scan(&s.ID, &s.Code, &s.Name, &s.Unit, &s.FenPerUnit); err != nil {
			return nil, err
		}
		out[s.Code] = s
	}
	return out, rows.Err()
}

// AddLandHousehold registers a household and its items. The head's ID
// number is validated (GB 11643), sealed with SM4 and indexed; only its
// mask is ever shown.
func (m *Module) AddLandHousehold(ctx context.Context, p *auth.Principal, projectID int64, in LandHouseholdInput) (int64, error) {
	lp, err := m.landFind(ctx, p, PermLandManage, projectID)
	if err != nil {
		return 0, err
	}
	in.HeadName = strings.TrimSpace(in.HeadName)
	var l errs.List
	landText(&l, "head_name", "户主姓名", "the head's name", in.HeadName, 2, 20)
	idn, err := ident.IDNumber(in.IDNumber, m.Clock.Now())
	if err != nil {
		l = append(l, errs.As(err))
	}
	stds, err := m.landStandards(ctx, projectID)
	if err != nil {
		return 0, err
	}
	items := map[int64]int64{}
	if len(in.Items) > len(stds)+10 {
		return 0, errs.Field("items", fmt.Sprintf("补偿项目最多 %d 个", len(stds)), fmt.Sprintf("at most %d items", len(stds)))
	}
	for code, qs := range in.Items {
		if strings.TrimSpace(qs) == "" {
			continue
		}
		s, ok := stds[code]
		if !ok {
			l = append(l, errs.Field("items", fmt.Sprintf("本项目没有补偿项目 %s", code), fmt.Sprintf("the project has no item %s", code)))
			continue
		}
		q, err := LandParseQuantity("items", qs)
		if err != nil {
			l = append(l, errs.As(err))
			continue
		}
		items[s.ID] = q
	}
	if len(items) == 0 && len(l) == 0 {
		l = append(l, errs.Field("items", "请至少填写一个补偿项目的数量", "enter the quantity of at least one item"))
	}
	if err := l.Err(); err != nil {
		return 0, err
	}
	enc, err := m.Seal.Encrypt([]byte(idn), []byte(landAADHousehold))
	if err != nil {
		return 0, err
	}
	idx := m.Seal.BlindIndex(landIdxDomain, idn)
	var id int64
	err = m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM land_households WHERE project_id = ? AND id_idx = ?`, projectID, idx).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return errs.Field("id_number", "该身份证号已在本项目登记为户主", "this ID number is already registered as a household head in the project")
		}
		var err error
		if id, err = tx.InsertID(ctx, `INSERT INTO land_households (project_id, head_name, id_enc, id_idx, id_mask, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			projectID, in.HeadName, enc, idx, ident.MaskIDNumber(idn), m.Clock.Now()); err != nil {
			return err
		}
		for sid, q := range items {
			if _, err := tx.ExecContext(ctx, `INSERT INTO land_household_items (household_id, standard_id, quantity_milli) VALUES (?, ?, ?)`, id, sid, q); err != nil {
				return err
			}
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "village.land.household_add", ObjectType: "land_project", ObjectID: fmt.Sprint(projectID),
			Scope: fmt.Sprintf("village:%d", lp.VillageID), Detail: fmt.Sprintf("household %d %s %s, %d items", id, ident.MaskName(in.HeadName), ident.MaskIDNumber(idn), len(items))})
	})
	return id, err
}

// AddLandPayment records a payment as it was made. It is not refused when
// it exceeds the standard or repeats one: the ledger keeps what happened
// and the checks (LandChecks) flag it for the supervisors.
func (m *Module) AddLandPayment(ctx context.Context, p *auth.Principal, projectID int64, in LandPaymentInput) (int64, error) {
	lp, err := m.landFind(ctx, p, PermLandManage, projectID)
	if err != nil {
		return 0, err
	}
	in.Code, in.PaidOn, in.PayeeName = strings.TrimSpace(in.Code), strings.TrimSpace(in.PaidOn), strings.TrimSpace(in.PayeeName)
	var l errs.List
	var hn int
	if err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM land_households WHERE id = ? AND project_id = ?`, in.HouseholdID, projectID).Scan(&hn); err != nil {
		return 0, err
	}
	if hn == 0 {
		l = append(l, errs.Field("household_id", "请选择本项目登记的户", "choose a household of this project"))
	}
	stds, err := m.landStandards(ctx, projectID)
	if err != nil {
		return 0, err
	}
	s, ok := stds[in.Code]
	if !ok {
		l = append(l, errs.Field("item", "请选择本项目的补偿项目", "choose an item of this project"))
	}
	if in.AmountFen <= 0 || in.AmountFen > 10_000_000_000 {
		l = append(l, errs.Field("amount_fen", "金额须大于 0 且不超过 1 亿元", "the amount must be above 0 and at most 100,000,000 yuan"))
	}
	if err := leadCheckStepDay("paid_on", in.PaidOn, "", m.landToday()); err != nil {
		l = append(l, errs.As(err))
	}
	landText(&l, "payee_name", "领款人姓名", "the payee's name", in.PayeeName, 2, 20)
	idn, err := ident.IDNumber(in.PayeeIDNumber, m.Clock.Now())
	if err != nil {
		e := errs.As(err)
		l = append(l, &errs.Error{Kind: e.Kind, Field: "payee_id_number", Zh: e.Zh, En: e.En})
	}
	if err := l.Err(); err != nil {
		return 0, err
	}
	enc, err := m.Seal.Encrypt([]byte(idn), []byte(landAADPayee))
	if err != nil {
		return 0, err
	}
	var id int64
	err = m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var err error
		if id, err = tx.InsertID(ctx, `INSERT INTO land_payments (project_id, household_id, standard_id, amount_fen, paid_on, payee_name, payee_enc, payee_idx, payee_mask, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, projectID, in.HouseholdID, s.ID, in.AmountFen, in.PaidOn, in.PayeeName, enc,
			m.Seal.BlindIndex(landIdxDomain, idn), ident.MaskIDNumber(idn), p.UserID, m.Clock.Now()); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "village.land.payment_add", ObjectType: "land_project", ObjectID: fmt.Sprint(projectID),
			Scope: fmt.Sprintf("village:%d", lp.VillageID), Detail: fmt.Sprintf("payment %d household %d %s %d fen", id, in.HouseholdID, in.Code, in.AmountFen)})
	})
	return id, err
}

// PostLandProject posts a project's list publicly (张榜公布): from then on
// its standards and per-household amounts appear, masked, on the portal.
func (m *Module) PostLandProject(ctx context.Context, p *auth.Principal, projectID int64) error {
	lp, err := m.landFind(ctx, p, PermLandManage, projectID)
	if err != nil {
		return err
	}
	if lp.Status == "posted" {
		return errs.New(errs.Conflict, "该项目已于 "+lp.PostedOn+" 张榜公布", "the project was posted on "+lp.PostedOn)
	}
	if err := m.landLoad(ctx, lp); err != nil {
		return err
	}
	if len(lp.Standards) == 0 || len(lp.HouseholdList) == 0 {
		return errs.New(errs.Invalid, "张榜公布前须登记补偿标准和补偿户", "record the standards and the households before posting")
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE land_projects SET status = 'posted', posted_on = ? WHERE id = ? AND status = 'draft'`, m.landToday(), projectID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.New(errs.Conflict, "该项目已张榜公布", "the project is already posted")
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "village.land.post", ObjectType: "land_project", ObjectID: fmt.Sprint(projectID),
			Scope: fmt.Sprintf("village:%d", lp.VillageID), Detail: fmt.Sprintf("%d households, %d fen entitled", len(lp.HouseholdList), lp.EntitledFen)})
	})
}
