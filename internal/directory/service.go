package directory

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/ident"
	"zhongshu/internal/platform/seal"
	"zhongshu/internal/platform/web"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Source is the directory's migrations.
func Source() db.Source {
	sub, _ := fs.Sub(migrations, "migrations")
	return db.Source{Module: "directory", FS: sub}
}

// Module is the directory room: its service calls and its handlers.
type Module struct {
	DB    *db.DB
	Auth  *auth.Service
	Audit *audit.Log
	Seal  seal.Sealer
	Clock clock.Clock
	Views *web.Views
}

// peopleScope is what p may see of people.
func peopleScope(p *auth.Principal) ScopeFilter {
	var s ScopeFilter
	if p == nil {
		return s
	}
	if _, z := p.ScopeIDs(auth.Committee, auth.ScopeZone); z {
		s.All = true
		return s
	}
	if ids, z := p.ScopeIDs(auth.Discipline, auth.ScopeVillage); z {
		s.All = true
		return s
	} else {
		s.Villages = append(s.Villages, ids...)
	}
	v1, _ := p.ScopeIDs(auth.VillageSecretary, auth.ScopeVillage)
	v2, _ := p.ScopeIDs(auth.VillageSupervisor, auth.ScopeVillage)
	s.Villages = append(append(s.Villages, v1...), v2...)
	s.Departments, _ = p.ScopeIDs(auth.DeptStaff, auth.ScopeDepartment)
	if p.Has(auth.Member) {
		s.Self = p.PersonID
	}
	return s
}

// enterpriseScope is what p may see of enterprises.
func enterpriseScope(p *auth.Principal) ScopeFilter {
	var s ScopeFilter
	if p.Has(auth.Committee) || p.Has(auth.DeptStaff) {
		s.All = true
		return s
	}
	a, _ := p.ScopeIDs(auth.Liaison, auth.ScopeEnterprise)
	b, _ := p.ScopeIDs(auth.Enterprise, auth.ScopeEnterprise)
	s.Enterprises = append(a, b...)
	return s
}

// personObject describes a person for the authorization check.
func personObject(p *Person) auth.Object {
	return auth.Object{Village: p.VillageID, Department: p.DepartmentID, Enterprise: p.EnterpriseID, Branch: p.BranchID, Person: p.ID}
}

// People lists the people p may see.
func (m *Module) People(ctx context.Context, p *auth.Principal, f PeopleFilter) ([]Person, int, error) {
	if err := m.Auth.Authorize(ctx, p, auth.PeopleRead, auth.Anything, "people", ""); err != nil {
		return nil, 0, err
	}
	f.Scope = peopleScope(p)
	return listPeople(ctx, m.DB.Q(ctx), f, m.Seal.BlindIndex)
}

// Person returns one person, masked. With unmask, a caller holding
// people:unmask sees the full identifiers; the reason is audited.
func (m *Module) Person(ctx context.Context, p *auth.Principal, id int64, unmask bool, reason string) (*Person, error) {
	per, sec, err := getPerson(ctx, m.DB.Q(ctx), id)
	if errs.KindOf(err) == errs.NotFound {
		_ = m.Auth.Authorize(ctx, p, auth.PeopleRead, auth.Object{Person: -1}, "person", fmt.Sprint(id))
		return nil, errs.NotFoundf("人员")
	}
	if err != nil {
		return nil, err
	}
	if err := m.Auth.Authorize(ctx, p, auth.PeopleRead, personObject(per), "person", fmt.Sprint(id)); err != nil {
		return nil, err
	}
	if !unmask {
		return per, nil
	}
	if err := m.Auth.Authorize(ctx, p, auth.PeopleUnmask, personObject(per), "person", fmt.Sprint(id)); err != nil {
		return nil, err
	}
	if len([]rune(reason)) < 2 || len([]rune(reason)) > 200 {
		return nil, errs.Field("reason", "查看完整身份证号和手机号须填写事由（2–200 字）", "a reason (2–200 characters) is required to see full identifiers")
	}
	idn, err := m.Seal.Decrypt(sec.idEnc, []byte("people.id_number"))
	if err != nil {
		return nil, errs.Wrap(err, "decrypt id number")
	}
	mob, err := m.Seal.Decrypt(sec.mobileEnc, []byte("people.mobile"))
	if err != nil {
		return nil, errs.Wrap(err, "decrypt mobile")
	}
	if err := m.Audit.Record(ctx, audit.Entry{Action: "people.unmask", ObjectType: "person", ObjectID: fmt.Sprint(id), Detail: reason}); err != nil {
		return nil, err
	}
	per.IDNumber, per.Mobile, per.Masked = string(idn), string(mob), false
	return per, nil
}

func (m *Module) seal(np normalPerson) (storedPerson, error) {
	sp := storedPerson{normalPerson: np}
	var err error
	if sp.idEnc, err = m.Seal.Encrypt([]byte(np.IDNumber), []byte("people.id_number")); err != nil {
		return sp, err
	}
	if sp.mobileEnc, err = m.Seal.Encrypt([]byte(np.Mobile), []byte("people.mobile")); err != nil {
		return sp, err
	}
	sp.idIdx = m.Seal.BlindIndex("id_number", np.IDNumber)
	sp.mobileIdx = m.Seal.BlindIndex("mobile", np.Mobile)
	sp.idMask = ident.MaskIDNumber(np.IDNumber)
	sp.mobileMask = ident.MaskMobile(np.Mobile)
	return sp, nil
}

// inputObject is the scope a new or edited person would fall in.
// A person placed in no unit is reachable by zone-level grants only, so a
// village secretary cannot create or move someone out of every scope.
func inputObject(in PersonInput) auth.Object {
	o := auth.Object{Village: in.VillageID, Department: in.DepartmentID, Enterprise: in.EnterpriseID, Branch: in.BranchID}
	if o == auth.Anything {
		return auth.ZoneOnly
	}
	return o
}

// CreatePerson validates and adds a person.
func (m *Module) CreatePerson(ctx context.Context, p *auth.Principal, in PersonInput) (int64, error) {
	if err := m.Auth.Authorize(ctx, p, auth.PeopleWrite, auth.Anything, "people", ""); err != nil {
		return 0, err
	}
	np, l := validatePerson(in, m.Clock.Now())
	if len(l) > 0 {
		return 0, l
	}
	var id int64
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		if l := checkRefs(ctx, tx, in); len(l) > 0 {
			return l
		}
		if err := m.Auth.Authorize(ctx, p, auth.PeopleWrite, inputObject(in), "people", ""); err != nil {
			return err
		}
		sp, err := m.seal(np)
		if err != nil {
			return err
		}
		if id, err = insertPerson(ctx, tx, sp, m.Clock.Now()); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "people.create", ObjectType: "person", ObjectID: fmt.Sprint(id), Detail: np.Name})
	})
	return id, err
}

// UpdatePerson validates and changes a person.
func (m *Module) UpdatePerson(ctx context.Context, p *auth.Principal, id int64, in PersonInput) error {
	np, l := validatePerson(in, m.Clock.Now())
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		cur, _, err := getPerson(ctx, tx, id)
		if errs.KindOf(err) == errs.NotFound {
			_ = m.Auth.Authorize(ctx, p, auth.PeopleWrite, auth.Object{Person: -1}, "person", fmt.Sprint(id))
			return errs.NotFoundf("人员")
		}
		if err != nil {
			return err
		}
		if err := m.Auth.Authorize(ctx, p, auth.PeopleWrite, personObject(cur), "person", fmt.Sprint(id)); err != nil {
			return err
		}
		if len(l) > 0 {
			return l
		}
		if l := checkRefs(ctx, tx, in); len(l) > 0 {
			return l
		}
		if err := m.Auth.Authorize(ctx, p, auth.PeopleWrite, inputObject(in), "person", fmt.Sprint(id)); err != nil {
			return err
		}
		sp, err := m.seal(np)
		if err != nil {
			return err
		}
		if err := updatePerson(ctx, tx, id, sp, m.Clock.Now()); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "people.update", ObjectType: "person", ObjectID: fmt.Sprint(id), Detail: np.Name})
	})
}

// AddPosition records a post held by a person.
func (m *Module) AddPosition(ctx context.Context, p *auth.Principal, pos Position) (int64, error) {
	var id int64
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		cur, _, err := getPerson(ctx, tx, pos.PersonID)
		if errs.KindOf(err) == errs.NotFound {
			_ = m.Auth.Authorize(ctx, p, auth.PeopleWrite, auth.Object{Person: -1}, "person", fmt.Sprint(pos.PersonID))
			return errs.NotFoundf("人员")
		}
		if err != nil {
			return err
		}
		if err := m.Auth.Authorize(ctx, p, auth.PeopleWrite, personObject(cur), "person", fmt.Sprint(pos.PersonID)); err != nil {
			return err
		}
		if _, ok := PositionNames[pos.Title]; !ok {
			return errs.Field("title", "未知岗位："+pos.Title, "unknown position: "+pos.Title)
		}
		if id, err = insertPosition(ctx, tx, pos); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "positions.create", ObjectType: "position", ObjectID: fmt.Sprint(id), Detail: pos.Title})
	})
	return id, err
}

// Enterprises lists the enterprises p may see.
func (m *Module) Enterprises(ctx context.Context, p *auth.Principal, f EnterpriseFilter) ([]Enterprise, int, error) {
	if err := m.Auth.Authorize(ctx, p, auth.EnterpriseRead, auth.Anything, "enterprises", ""); err != nil {
		return nil, 0, err
	}
	f.Scope = enterpriseScope(p)
	return listEnterprises(ctx, m.DB.Q(ctx), f)
}

// Enterprise returns one enterprise.
func (m *Module) Enterprise(ctx context.Context, p *auth.Principal, id int64) (*Enterprise, error) {
	if err := m.Auth.Authorize(ctx, p, auth.EnterpriseRead, auth.Object{Enterprise: id}, "enterprise", fmt.Sprint(id)); err != nil {
		return nil, err
	}
	return getEnterprise(ctx, m.DB.Q(ctx), id)
}

func (m *Module) year() int { return m.Clock.Now().In(clock.Zone).Year() }

// CreateEnterprise validates and adds an enterprise.
func (m *Module) CreateEnterprise(ctx context.Context, p *auth.Principal, in EnterpriseInput) (int64, error) {
	if err := m.Auth.Authorize(ctx, p, auth.EnterpriseWrite, auth.Anything, "enterprises", ""); err != nil {
		return 0, err
	}
	in, l := validateEnterprise(in)
	if len(l) > 0 {
		return 0, l
	}
	var id int64
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var err error
		if id, err = insertEnterprise(ctx, tx, in, m.year(), m.Clock.Now()); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "enterprises.create", ObjectType: "enterprise", ObjectID: fmt.Sprint(id), Detail: in.Name})
	})
	return id, err
}

// UpdateEnterprise validates and changes an enterprise.
func (m *Module) UpdateEnterprise(ctx context.Context, p *auth.Principal, id int64, in EnterpriseInput) error {
	if err := m.Auth.Authorize(ctx, p, auth.EnterpriseWrite, auth.Object{Enterprise: id}, "enterprise", fmt.Sprint(id)); err != nil {
		return err
	}
	in, l := validateEnterprise(in)
	if len(l) > 0 {
		return l
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		if _, err := getEnterprise(ctx, tx, id); err != nil {
			return err
		}
		if err := updateEnterprise(ctx, tx, id, in, m.year(), m.Clock.Now()); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "enterprises.update", ObjectType: "enterprise", ObjectID: fmt.Sprint(id), Detail: in.Name})
	})
}

// Departments lists departments.
func (m *Module) Departments(ctx context.Context, p *auth.Principal) ([]Department, error) {
	if err := m.Auth.Authorize(ctx, p, auth.OrgRead, auth.Anything, "departments", ""); err != nil {
		return nil, err
	}
	return listDepartments(ctx, m.DB.Q(ctx))
}

// Villages lists villages.
func (m *Module) Villages(ctx context.Context, p *auth.Principal) ([]Village, error) {
	if err := m.Auth.Authorize(ctx, p, auth.OrgRead, auth.Anything, "villages", ""); err != nil {
		return nil, err
	}
	return listVillages(ctx, m.DB.Q(ctx))
}

// Branches lists party organisations, optionally of one kind.
func (m *Module) Branches(ctx context.Context, p *auth.Principal, kind string) ([]*Branch, error) {
	if err := m.Auth.Authorize(ctx, p, auth.OrgRead, auth.Anything, "branches", ""); err != nil {
		return nil, err
	}
	return listBranches(ctx, m.DB.Q(ctx), kind)
}

// BranchTree returns the party organisations as a tree.
func (m *Module) BranchTree(ctx context.Context, p *auth.Principal) ([]*Branch, error) {
	flat, err := m.Branches(ctx, p, "")
	if err != nil {
		return nil, err
	}
	return tree(flat), nil
}
