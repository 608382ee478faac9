package directory

import (
	"context"
	"fmt"
	"slices"

	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
)

func orgConflict(err error, zh, en string) error {
	if db.IsUniqueViolation(err) {
		return &errs.Error{Kind: errs.Conflict, Field: "name", Zh: zh, En: en}
	}
	return err
}

// CreateDepartment adds a department.
func (m *Module) CreateDepartment(ctx context.Context, p *auth.Principal, d Department) (int64, error) {
	if err := m.Auth.Authorize(ctx, p, auth.OrgWrite, auth.Anything, "departments", ""); err != nil {
		return 0, err
	}
	d, l := validateDepartment(d)
	if len(l) > 0 {
		return 0, l
	}
	var id int64
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO departments (code, name, name_en, sort) VALUES (?, ?, ?, ?)`, d.Code, d.Name, d.NameEn, d.Sort)
		if err != nil {
			return orgConflict(err, "部门编码或名称已存在", "department code or name already exists")
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "departments.create", ObjectType: "department", ObjectID: fmt.Sprint(id), Detail: d.Name})
	})
	return id, err
}

// CreateVillage adds a village.
func (m *Module) CreateVillage(ctx context.Context, p *auth.Principal, v Village) (int64, error) {
	if err := m.Auth.Authorize(ctx, p, auth.OrgWrite, auth.Anything, "villages", ""); err != nil {
		return 0, err
	}
	v, l := validateVillage(v)
	if len(l) > 0 {
		return 0, l
	}
	var id int64
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO villages (code, name, heavy_finance, households, adults, one_shoulder) VALUES (?, ?, ?, ?, ?, ?)`,
			v.Code, v.Name, v.HeavyFinance, v.Households, v.Adults, v.OneShoulder)
		if err != nil {
			return orgConflict(err, "村编码或村名已存在", "village code or name already exists")
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "villages.create", ObjectType: "village", ObjectID: fmt.Sprint(id), Detail: v.Name})
	})
	return id, err
}

func validateDepartment(d Department) (Department, errs.List) {
	var l errs.List
	var e *errs.Error
	if d.Code, e = text("code", "编码", "code", d.Code, 1, 20); e != nil {
		l = append(l, e)
	}
	if d.Name, e = text("name", "部门名称", "department name", d.Name, 1, 50); e != nil {
		l = append(l, e)
	}
	if d.NameEn, e = text("name_en", "英文名称", "English name", d.NameEn, 0, 100); e != nil {
		l = append(l, e)
	}
	return d, l
}

func validateVillage(v Village) (Village, errs.List) {
	var l errs.List
	var e *errs.Error
	if v.Code, e = text("code", "编码", "code", v.Code, 1, 20); e != nil {
		l = append(l, e)
	}
	if v.Name, e = text("name", "村名", "village name", v.Name, 1, 50); e != nil {
		l = append(l, e)
	}
	if v.Households < 0 || v.Adults < 0 {
		l = append(l, errs.Field("households", "户数和成年人数不能为负", "households and adults must not be negative"))
	}
	return v, l
}

func validateBranch(b Branch) (Branch, errs.List) {
	var l errs.List
	var e *errs.Error
	if b.Name, e = text("name", "党组织名称", "organisation name", b.Name, 2, 100); e != nil {
		l = append(l, e)
	}
	if !slices.Contains(branchKinds, b.Kind) {
		l = append(l, errs.Field("kind", "未知的党组织类型："+b.Kind, "unknown organisation kind: "+b.Kind))
	}
	return b, l
}

var branchKinds = []string{KindWorkingCommittee, KindOrganCommittee, KindOrganBranch, KindVillage, KindEnterprise, KindOther}

// CreateBranch adds a party organisation under its parent.
func (m *Module) CreateBranch(ctx context.Context, p *auth.Principal, b Branch) (int64, error) {
	if err := m.Auth.Authorize(ctx, p, auth.OrgWrite, auth.Anything, "branches", ""); err != nil {
		return 0, err
	}
	b, l := validateBranch(b)
	if b.Kind != KindWorkingCommittee && b.ParentID == 0 {
		l = append(l, errs.Field("parent_id", "须指定上级党组织", "a parent organisation is required"))
	}
	if len(l) > 0 {
		return 0, l
	}
	var id int64
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO branches (parent_id, kind, name, village_id, enterprise_id, department_id, founded_on, sort) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			nullID(b.ParentID), b.Kind, b.Name, nullID(b.VillageID), nullID(b.EnterpriseID), nullID(b.DepartmentID), b.FoundedOn, 0)
		if err != nil {
			return orgConflict(err, "党组织名称已存在", "organisation name already exists")
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "branches.create", ObjectType: "branch", ObjectID: fmt.Sprint(id), Detail: b.Name})
	})
	return id, err
}

// AssignLiaison assigns a liaison (a person) to an enterprise.
func (m *Module) AssignLiaison(ctx context.Context, p *auth.Principal, personID, enterpriseID int64, since string) error {
	if err := m.Auth.Authorize(ctx, p, auth.OrgWrite, auth.Anything, "liaison_assignments", ""); err != nil {
		return err
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO liaison_assignments (person_id, enterprise_id, since) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, personID, enterpriseID, since); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "liaisons.assign", ObjectType: "enterprise", ObjectID: fmt.Sprint(enterpriseID), Detail: fmt.Sprintf("person %d", personID)})
	})
}

// LiaisonEnterprises lists the enterprises assigned to a liaison.
func (m *Module) LiaisonEnterprises(ctx context.Context, personID int64) ([]int64, error) {
	return db.Column[int64](ctx, m.DB.Q(ctx), `SELECT enterprise_id FROM liaison_assignments WHERE person_id = ? ORDER BY enterprise_id`, personID)
}

func orgRow(ctx context.Context, q db.Querier, table string, id int64) error {
	var n int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table+" WHERE id = ?", id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return errs.NotFoundf(table)
	}
	return nil
}

// UpdateDepartment changes a department's code and names.
func (m *Module) UpdateDepartment(ctx context.Context, p *auth.Principal, id int64, d Department) error {
	if err := m.Auth.Authorize(ctx, p, auth.OrgWrite, auth.Anything, "department", fmt.Sprint(id)); err != nil {
		return err
	}
	d, l := validateDepartment(d)
	if len(l) > 0 {
		return l
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		if err := orgRow(ctx, tx, "departments", id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE departments SET code = ?, name = ?, name_en = ? WHERE id = ?`, d.Code, d.Name, d.NameEn, id); err != nil {
			return orgConflict(err, "部门编码或名称已存在", "department code or name already exists")
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "departments.update", ObjectType: "department", ObjectID: fmt.Sprint(id), Detail: d.Name})
	})
}

// UpdateVillage changes a village's register entry.
func (m *Module) UpdateVillage(ctx context.Context, p *auth.Principal, id int64, v Village) error {
	if err := m.Auth.Authorize(ctx, p, auth.OrgWrite, auth.Anything, "village", fmt.Sprint(id)); err != nil {
		return err
	}
	v, l := validateVillage(v)
	if len(l) > 0 {
		return l
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		if err := orgRow(ctx, tx, "villages", id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE villages SET code = ?, name = ?, heavy_finance = ?, households = ?, adults = ?, one_shoulder = ? WHERE id = ?`,
			v.Code, v.Name, v.HeavyFinance, v.Households, v.Adults, v.OneShoulder, id); err != nil {
			return orgConflict(err, "村编码或村名已存在", "village code or name already exists")
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "villages.update", ObjectType: "village", ObjectID: fmt.Sprint(id), Detail: v.Name})
	})
}

// UpdateBranch renames or moves a party organisation; it refuses a parent
// that would make a cycle.
func (m *Module) UpdateBranch(ctx context.Context, p *auth.Principal, id int64, b Branch) error {
	if err := m.Auth.Authorize(ctx, p, auth.OrgWrite, auth.Anything, "branch", fmt.Sprint(id)); err != nil {
		return err
	}
	b, l := validateBranch(b)
	if len(l) > 0 {
		return l
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		if err := orgRow(ctx, tx, "branches", id); err != nil {
			return err
		}
		flat, err := listBranches(ctx, tx, "")
		if err != nil {
			return err
		}
		parent := map[int64]int64{}
		for _, x := range flat {
			parent[x.ID] = x.ParentID
		}
		for at, hops := b.ParentID, 0; at != 0 && hops < 1000; at, hops = parent[at], hops+1 {
			if at == id {
				return errs.Field("parent_id", "上级党组织不能是其自身或下级", "the parent cannot be the organisation itself or one below it")
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE branches SET parent_id = ?, kind = ?, name = ?, village_id = ?, enterprise_id = ?, department_id = ?, founded_on = ? WHERE id = ?`,
			nullID(b.ParentID), b.Kind, b.Name, nullID(b.VillageID), nullID(b.EnterpriseID), nullID(b.DepartmentID), b.FoundedOn, id); err != nil {
			return orgConflict(err, "党组织名称已存在", "organisation name already exists")
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "branches.update", ObjectType: "branch", ObjectID: fmt.Sprint(id), Detail: b.Name})
	})
}
