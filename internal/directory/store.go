package directory

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
)

// ScopeFilter restricts a list to what the caller may see. The ids are
// passed to SQL as parameters, never spliced.
type ScopeFilter struct {
	All         bool
	Villages    []int64
	Departments []int64
	Branches    []int64
	Enterprises []int64
	Self        int64 // a person id the caller may always see (their own record)
}

// where returns the SQL condition for people-like rows with the given
// column prefix, or "1=0" when nothing is visible.
func (s ScopeFilter) where(alias string, enterpriseCol string) (string, []any) {
	if s.All {
		return "1=1", nil
	}
	var parts []string
	var args []any
	add := func(col string, ids []int64) {
		if len(ids) == 0 || col == "" {
			return
		}
		ph, a := db.In(ids)
		parts = append(parts, alias+col+" IN ("+ph+")")
		args = append(args, a...)
	}
	add("village_id", s.Villages)
	add("department_id", s.Departments)
	add("branch_id", s.Branches)
	add(enterpriseCol, s.Enterprises)
	if s.Self != 0 {
		parts = append(parts, alias+"id = ?")
		args = append(args, s.Self)
	}
	if len(parts) == 0 {
		return "1=0", nil
	}
	return "(" + strings.Join(parts, " OR ") + ")", args
}

// PeopleFilter selects people.
type PeopleFilter struct {
	Q            string // name prefix, or a full 身份证号 / mobile (exact, by blind index)
	BranchID     int64
	VillageID    int64
	DepartmentID int64
	EnterpriseID int64
	PartyOnly    bool
	Position     string
	Scope        ScopeFilter
	Limit        int
	Offset       int
}

const personCols = `p.id, p.name, p.gender, p.birth_year, p.id_number_mask, p.mobile_mask, p.party_member, p.joined_party_on,
	COALESCE(p.branch_id, 0), COALESCE(b.name, ''), COALESCE(p.village_id, 0), COALESCE(v.name, ''),
	COALESCE(p.department_id, 0), COALESCE(d.name, ''), COALESCE(p.enterprise_id, 0), COALESCE(e.name, ''), p.updated_at`

const personFrom = ` FROM people p
	LEFT JOIN branches b ON b.id = p.branch_id
	LEFT JOIN villages v ON v.id = p.village_id
	LEFT JOIN departments d ON d.id = p.department_id
	LEFT JOIN enterprises e ON e.id = p.enterprise_id`

func scanPerson(row interface{ Scan(...any) error }) (Person, error) {
	var p Person
	err := row.Scan(&p.ID, &p.Name, &p.Gender, &p.BirthYear, &p.IDNumber, &p.Mobile, &p.PartyMember, &p.JoinedPartyOn,
		&p.BranchID, &p.BranchName, &p.VillageID, &p.VillageName, &p.DepartmentID, &p.DepartmentName,
		&p.EnterpriseID, &p.EnterpriseName, &p.UpdatedAt)
	p.Masked = true
	p.UpdatedAt = p.UpdatedAt.UTC()
	return p, err
}

// peopleWhere builds the filter; idx computes blind indexes for exact lookups.
func peopleWhere(f PeopleFilter, idx func(domain, v string) string) (string, []any) {
	w, args := f.Scope.where("p.", "enterprise_id")
	conds := []string{w}
	if q := strings.TrimSpace(f.Q); q != "" {
		switch {
		case len(q) == 18 && strings.IndexFunc(q[:17], func(r rune) bool { return r < '0' || r > '9' }) < 0:
			conds, args = append(conds, "p.id_number_idx = ?"), append(args, idx("id_number", strings.ToUpper(q)))
		case len(q) == 11 && strings.IndexFunc(q, func(r rune) bool { return r < '0' || r > '9' }) < 0:
			conds, args = append(conds, "p.mobile_idx = ?"), append(args, idx("mobile", q))
		default:
			conds, args = append(conds, "p.name LIKE ?"), append(args, "%"+strings.NewReplacer("%", "", "_", "").Replace(q)+"%")
		}
	}
	for _, c := range []struct {
		col string
		v   int64
	}{{"p.branch_id", f.BranchID}, {"p.village_id", f.VillageID}, {"p.department_id", f.DepartmentID}, {"p.enterprise_id", f.EnterpriseID}} {
		if c.v != 0 {
			conds, args = append(conds, c.col+" = ?"), append(args, c.v)
		}
	}
	if f.PartyOnly {
		conds = append(conds, "p.party_member = TRUE")
	}
	if f.Position != "" {
		conds, args = append(conds, "EXISTS (SELECT 1 FROM positions ps WHERE ps.person_id = p.id AND ps.title = ? AND ps.ended_on = '')"), append(args, f.Position)
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

func listPeople(ctx context.Context, q db.Querier, f PeopleFilter, idx func(string, string) string) ([]Person, int, error) {
	w, args := peopleWhere(f, idx)
	var total int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM people p"+w, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	lim := ""
	if f.Limit > 0 {
		lim = fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, f.Offset)
	}
	rows, err := q.QueryContext(ctx, "SELECT "+personCols+personFrom+w+" ORDER BY p.id"+lim, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Person
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, p)
	}
	return out, total, rows.Err()
}

// secrets are a person's encrypted identifiers.
type secrets struct{ idEnc, mobileEnc []byte }

func getPerson(ctx context.Context, q db.Querier, id int64) (*Person, *secrets, error) {
	row := q.QueryRowContext(ctx, "SELECT "+personCols+", p.id_number_enc, p.mobile_enc"+personFrom+" WHERE p.id = ?", id)
	var p Person
	var s secrets
	err := row.Scan(&p.ID, &p.Name, &p.Gender, &p.BirthYear, &p.IDNumber, &p.Mobile, &p.PartyMember, &p.JoinedPartyOn,
		&p.BranchID, &p.BranchName, &p.VillageID, &p.VillageName, &p.DepartmentID, &p.DepartmentName,
		&p.EnterpriseID, &p.EnterpriseName, &p.UpdatedAt, &s.idEnc, &s.mobileEnc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, errs.NotFoundf("人员")
	}
	if err != nil {
		return nil, nil, err
	}
	p.Masked = true
	p.UpdatedAt = p.UpdatedAt.UTC()
	rows, err := q.QueryContext(ctx, `SELECT title FROM positions WHERE person_id = ? AND ended_on = '' ORDER BY id`, id)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, nil, err
		}
		p.Positions = append(p.Positions, t)
	}
	return &p, &s, rows.Err()
}

// storedPerson is a person with encrypted identifiers, ready to write.
type storedPerson struct {
	normalPerson
	idEnc, mobileEnc   []byte
	idIdx, mobileIdx   string
	idMask, mobileMask string
}

func nullID(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

func insertPerson(ctx context.Context, tx *db.Tx, p storedPerson, now time.Time) (int64, error) {
	id, err := tx.InsertID(ctx, `INSERT INTO people (name, gender, birth_year, id_number_enc, id_number_idx, id_number_mask, mobile_enc, mobile_idx, mobile_mask,
		party_member, joined_party_on, branch_id, village_id, department_id, enterprise_id, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.Name, p.Gender, p.BirthYear, p.idEnc, p.idIdx, p.idMask, p.mobileEnc, p.mobileIdx, p.mobileMask,
		p.PartyMember, p.JoinedPartyOn, nullID(p.BranchID), nullID(p.VillageID), nullID(p.DepartmentID), nullID(p.EnterpriseID), now, now)
	if db.IsUniqueViolation(err) {
		return 0, &errs.Error{Kind: errs.Conflict, Field: "id_number", Zh: "该身份证号已登记", En: "this ID number is already registered"}
	}
	return id, err
}

func updatePerson(ctx context.Context, tx *db.Tx, id int64, p storedPerson, now time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE people SET name = ?, gender = ?, birth_year = ?, id_number_enc = ?, id_number_idx = ?, id_number_mask = ?,
		mobile_enc = ?, mobile_idx = ?, mobile_mask = ?, party_member = ?, joined_party_on = ?, branch_id = ?, village_id = ?, department_id = ?,
		enterprise_id = ?, updated_at = ? WHERE id = ?`,
		p.Name, p.Gender, p.BirthYear, p.idEnc, p.idIdx, p.idMask, p.mobileEnc, p.mobileIdx, p.mobileMask,
		p.PartyMember, p.JoinedPartyOn, nullID(p.BranchID), nullID(p.VillageID), nullID(p.DepartmentID), nullID(p.EnterpriseID), now, id)
	if db.IsUniqueViolation(err) {
		return &errs.Error{Kind: errs.Conflict, Field: "id_number", Zh: "该身份证号已登记", En: "this ID number is already registered"}
	}
	return err
}

// checkRefs verifies that the units a person points at exist, naming the field.
func checkRefs(ctx context.Context, q db.Querier, in PersonInput) errs.List {
	var l errs.List
	for _, r := range []struct {
		field, table, zh, en string
		id                   int64
	}{
		{"branch_id", "branches", "党组织", "party organisation", in.BranchID},
		{"village_id", "villages", "村", "village", in.VillageID},
		{"department_id", "departments", "部门", "department", in.DepartmentID},
		{"enterprise_id", "enterprises", "企业", "enterprise", in.EnterpriseID},
	} {
		if r.id == 0 {
			continue
		}
		var n int
		if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+r.table+" WHERE id = ?", r.id).Scan(&n); err != nil || n == 0 {
			l = append(l, errs.Field(r.field, fmt.Sprintf("%s编号 %d 不存在", r.zh, r.id), fmt.Sprintf("%s %d does not exist", r.en, r.id)))
		}
	}
	return l
}

func insertPosition(ctx context.Context, tx *db.Tx, p Position) (int64, error) {
	return tx.InsertID(ctx, `INSERT INTO positions (person_id, title, village_id, branch_id, department_id, enterprise_id, started_on) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		p.PersonID, p.Title, nullID(p.VillageID), nullID(p.BranchID), nullID(p.DepartmentID), nullID(p.EnterpriseID), p.StartedOn)
}

// --- departments, villages, branches ---

func listDepartments(ctx context.Context, q db.Querier) ([]Department, error) {
	rows, err := q.QueryContext(ctx, `SELECT d.id, d.code, d.name, d.name_en, d.sort, (SELECT COUNT(*) FROM people p WHERE p.department_id = d.id)
		FROM departments d ORDER BY d.sort, d.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Department
	for rows.Next() {
		var d Department
		if err := rows.Scan(&d.ID, &d.Code, &d.Name, &d.NameEn, &d.Sort, &d.People); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

func listVillages(ctx context.Context, q db.Querier) ([]Village, error) {
	rows, err := q.QueryContext(ctx, `SELECT v.id, v.code, v.name, v.heavy_finance, v.households, v.adults, v.one_shoulder,
		COALESCE((SELECT p.name FROM positions ps JOIN people p ON p.id = ps.person_id WHERE ps.village_id = v.id AND ps.title = 'village_secretary' AND ps.ended_on = '' ORDER BY ps.id LIMIT 1), ''),
		(SELECT COUNT(*) FROM people p WHERE p.village_id = v.id AND p.party_member = TRUE)
		FROM villages v ORDER BY v.code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Village
	for rows.Next() {
		var v Village
		if err := rows.Scan(&v.ID, &v.Code, &v.Name, &v.HeavyFinance, &v.Households, &v.Adults, &v.OneShoulder, &v.Secretary, &v.PartyMembers); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func listBranches(ctx context.Context, q db.Querier, kind string) ([]*Branch, error) {
	qs := `SELECT b.id, COALESCE(b.parent_id, 0), b.kind, b.name, COALESCE(b.village_id, 0), COALESCE(b.enterprise_id, 0), COALESCE(b.department_id, 0), b.founded_on,
		(SELECT COUNT(*) FROM people p WHERE p.branch_id = b.id AND p.party_member = TRUE)
		FROM branches b`
	var args []any
	if kind != "" {
		qs += ` WHERE b.kind = ?`
		args = append(args, kind)
	}
	rows, err := q.QueryContext(ctx, qs+` ORDER BY b.sort, b.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Branch
	for rows.Next() {
		b := &Branch{}
		if err := rows.Scan(&b.ID, &b.ParentID, &b.Kind, &b.Name, &b.VillageID, &b.EnterpriseID, &b.DepartmentID, &b.FoundedOn, &b.Members); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// tree links a flat branch list into roots with children.
func tree(flat []*Branch) []*Branch {
	byID := map[int64]*Branch{}
	for _, b := range flat {
		b.Children = nil
		byID[b.ID] = b
	}
	var roots []*Branch
	for _, b := range flat {
		if p, ok := byID[b.ParentID]; ok && b.ParentID != 0 {
			p.Children = append(p.Children, b)
		} else {
			roots = append(roots, b)
		}
	}
	return roots
}

// --- enterprises ---

// EnterpriseFilter selects enterprises.
type EnterpriseFilter struct {
	Q           string
	AboveScale  bool
	AboveQuota  bool
	Designation string
	Scope       ScopeFilter
	Limit       int
	Offset      int
}

func enterpriseWhere(f EnterpriseFilter) (string, []any) {
	var conds []string
	var args []any
	if !f.Scope.All {
		if len(f.Scope.Enterprises) == 0 {
			return " WHERE 1=0", nil
		}
		ph, a := db.In(f.Scope.Enterprises)
		conds, args = append(conds, "e.id IN ("+ph+")"), append(args, a...)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		conds = append(conds, "(e.name LIKE ? OR e.credit_code = ?)")
		args = append(args, "%"+strings.NewReplacer("%", "", "_", "").Replace(q)+"%", strings.ToUpper(q))
	}
	if f.AboveScale {
		conds = append(conds, "e.above_scale = TRUE")
	}
	if f.AboveQuota {
		conds = append(conds, "e.above_quota = TRUE")
	}
	if f.Designation != "" {
		conds, args = append(conds, "EXISTS (SELECT 1 FROM enterprise_designations x WHERE x.enterprise_id = e.id AND x.designation = ?)"), append(args, f.Designation)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

func listEnterprises(ctx context.Context, q db.Querier, f EnterpriseFilter) ([]Enterprise, int, error) {
	w, args := enterpriseWhere(f)
	var total int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM enterprises e"+w, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	lim := ""
	if f.Limit > 0 {
		lim = fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, f.Offset)
	}
	rows, err := q.QueryContext(ctx, `SELECT e.id, e.name, e.credit_code, e.above_scale, e.above_quota, e.industry, e.address, e.created_at FROM enterprises e`+w+` ORDER BY e.id`+lim, args...)
	if err != nil {
		return nil, 0, err
	}
	var out []Enterprise
	for rows.Next() {
		var e Enterprise
		if err := rows.Scan(&e.ID, &e.Name, &e.CreditCode, &e.AboveScale, &e.AboveQuota, &e.Industry, &e.Address, &e.CreatedAt); err != nil {
			rows.Close()
			return nil, 0, err
		}
		e.CreatedAt = e.CreatedAt.UTC()
		out = append(out, e)
	}
	rows.Close()
	if err := attachDesignations(ctx, q, out); err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

func attachDesignations(ctx context.Context, q db.Querier, es []Enterprise) error {
	if len(es) == 0 {
		return nil
	}
	ids := make([]int64, len(es))
	pos := map[int64]int{}
	for i, e := range es {
		ids[i], pos[e.ID] = e.ID, i
	}
	ph, args := db.In(ids)
	rows, err := q.QueryContext(ctx, `SELECT enterprise_id, designation, year FROM enterprise_designations WHERE enterprise_id IN (`+ph+`) ORDER BY year, designation`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var d Designation
		if err := rows.Scan(&id, &d.Code, &d.Year); err != nil {
			return err
		}
		es[pos[id]].Designations = append(es[pos[id]].Designations, d)
	}
	return rows.Err()
}

func getEnterprise(ctx context.Context, q db.Querier, id int64) (*Enterprise, error) {
	var e Enterprise
	err := q.QueryRowContext(ctx, `SELECT id, name, credit_code, above_scale, above_quota, industry, address, created_at FROM enterprises WHERE id = ?`, id).
		Scan(&e.ID, &e.Name, &e.CreditCode, &e.AboveScale, &e.AboveQuota, &e.Industry, &e.Address, &e.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFoundf("企业")
	}
	if err != nil {
		return nil, err
	}
	es := []Enterprise{e}
	if err := attachDesignations(ctx, q, es); err != nil {
		return nil, err
	}
	return &es[0], nil
}

func insertEnterprise(ctx context.Context, tx *db.Tx, in EnterpriseInput, year int, now time.Time) (int64, error) {
	id, err := tx.InsertID(ctx, `INSERT INTO enterprises (name, credit_code, above_scale, above_quota, industry, address, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		in.Name, in.CreditCode, in.AboveScale, in.AboveQuota, in.Industry, in.Address, now, now)
	if db.IsUniqueViolation(err) {
		return 0, &errs.Error{Kind: errs.Conflict, Field: "credit_code", Zh: "该统一社会信用代码已登记：" + in.CreditCode, En: "credit code already registered: " + in.CreditCode}
	}
	if err != nil {
		return 0, err
	}
	return id, setDesignations(ctx, tx, id, in.Designations, year)
}

func updateEnterprise(ctx context.Context, tx *db.Tx, id int64, in EnterpriseInput, year int, now time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE enterprises SET name = ?, credit_code = ?, above_scale = ?, above_quota = ?, industry = ?, address = ?, updated_at = ? WHERE id = ?`,
		in.Name, in.CreditCode, in.AboveScale, in.AboveQuota, in.Industry, in.Address, now, id)
	if db.IsUniqueViolation(err) {
		return &errs.Error{Kind: errs.Conflict, Field: "credit_code", Zh: "该统一社会信用代码已登记：" + in.CreditCode, En: "credit code already registered: " + in.CreditCode}
	}
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM enterprise_designations WHERE enterprise_id = ? AND designation NOT IN (`+placeholders(len(in.Designations))+`)`,
		append([]any{id}, anySlice(in.Designations)...)...); err != nil {
		return err
	}
	return setDesignations(ctx, tx, id, in.Designations, year)
}

func placeholders(n int) string {
	if n == 0 {
		return "''"
	}
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

func anySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func setDesignations(ctx context.Context, tx *db.Tx, id int64, ds []string, year int) error {
	for _, d := range ds {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM enterprise_designations WHERE enterprise_id = ? AND designation = ?`, id, d).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO enterprise_designations (enterprise_id, designation, year) VALUES (?, ?, ?)`, id, d, year); err != nil {
			return err
		}
	}
	return nil
}
