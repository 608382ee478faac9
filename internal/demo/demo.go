// Package demo is the deterministic demo dataset mirroring the seed: the
// 沧州经济开发区 of 2021 with its ten departments, the party organisations
// from 党工委 down to the 16 机关党支部 (28 party workers), the seven villages
// with their "一肩挑" secretaries, two committees, supervisors,
// representatives and party members, the 35 liaisons, the enterprises the
// seed names among some 150 generated ones (11 专精特新, 7 on the ecological
// positive list, 7 non-public party organisations formed in 2021), and one
// demo account per role.
//
// Every name is fictional and every 身份证号, mobile number and 统一社会信用代码
// is generated valid from a fixed random seed, so the data are the same on
// every run. Dates are 2021 literals (or earlier), never the clock's.
package demo

import (
	"context"
	"errors"
	"fmt"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/actor"
	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
)

// Account is a demo sign-in shown by `zhongshu demo` and on the sign-in page.
type Account struct {
	Username string
	Role     auth.Role
	Name     string
	Scope    string // e.g. "东王村" or "经发局" or "" (the whole zone)
}

// Deps are the services the loader writes through.
type Deps struct {
	DB   *db.DB
	Auth *auth.Service
	Dir  *directory.Module
	// Clock is the installation's clock. The dataset does not read it: its
	// dates are fixed 2021 literals, and the services stamp their own times.
	Clock clock.Clock
}

// Password is the demo accounts' shared password (demo mode only).
const Password = "Demo@2021"

// ErrNotEmpty refuses loading into a database that already holds data.
var ErrNotEmpty = errs.New(errs.Conflict,
	"数据库中已有数据：演示数据只能载入空数据库",
	"the database already holds data: the demo dataset loads only into an empty database")

// loaderName is the actor the audit log names for every demo write.
const loaderName = "demo-loader"

// system is the principal the loader acts as: the committee over the zone,
// which may write org units, people and enterprises.
var system = &auth.Principal{UserID: 0, Username: loaderName, Grants: []auth.Grant{{Role: auth.Committee, ScopeKind: auth.ScopeZone}}}

// Load fills an empty, migrated database with the demo dataset and returns
// the accounts, first account of each role first. It runs in one
// transaction, so it is fast on SQLite and all-or-nothing; a database that
// already holds departments, villages, organisations, enterprises, people
// or accounts is refused with ErrNotEmpty.
func Load(ctx context.Context, d Deps) ([]Account, error) {
	if d.DB == nil || d.Auth == nil || d.Dir == nil {
		return nil, errors.New("demo: Load needs DB, Auth and Dir")
	}
	if actor.From(ctx).Username == "" {
		ctx = actor.With(ctx, actor.Actor{Username: loaderName, Lang: "zh-CN"})
	}
	hash := auth.HashPassword(Password) // argon2 is slow: hash once, share (demo only)
	var out []Account
	err := d.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		if err := ensureEmpty(ctx, tx); err != nil {
			return err
		}
		l := &loader{ctx: ctx, d: d, g: newGen(), dept: map[string]int64{}, deptName: map[int64]string{}, busy: map[int64]bool{}}
		l.orgUnits()
		l.enterprises()
		l.partyOrgs()
		l.organPeople()
		l.villagePeople()
		l.enterprisePeople()
		l.liaisons()
		if l.err != nil {
			return l.err
		}
		var err error
		if out, err = l.accounts(hash); err != nil {
			return err
		}
		return d.Auth.Audit.Record(ctx, audit.Entry{Action: "demo.load", ObjectType: "demo",
			Detail: fmt.Sprintf("demo dataset: %d people, %d enterprises, %d accounts", l.people, len(l.ents), len(out))})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ensureEmpty refuses a database that already holds directory data or accounts.
func ensureEmpty(ctx context.Context, tx *db.Tx) error {
	for _, t := range []string{"departments", "villages", "branches", "enterprises", "people", "users"} {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+t).Scan(&n); err != nil {
			return fmt.Errorf("demo: count %s: %w", t, err)
		}
		if n > 0 {
			return ErrNotEmpty
		}
	}
	return nil
}

// personRef is a created person.
type personRef struct {
	ID   int64
	Name string
}

// loader carries the ids created so far. Its methods stop at the first
// error (err is sticky), which Load then returns, rolling everything back.
type loader struct {
	ctx    context.Context
	d      Deps
	g      *gen
	err    error
	people int

	dept        map[string]int64 // department code → id
	deptName    map[int64]string
	zone, organ int64 // 党工委, 机关党委
	branches    []*organBranch
	villages    []*village
	ents        []*enterprise
	makers      []int // generated manufacturers' indexes, permuted (see slot)
	orgs        []*partyOrg

	leaders    [2]personRef // 党工委书记, 机关党委书记
	discipline []personRef
	deptStaff  map[string][]personRef // department code → staff
	members    []memberAccount
	liaisonsOf []liaison
	busy       map[int64]bool // people already given a role-bearing post
}

// fail records the first error with what was being done.
func (l *loader) fail(what string, err error) {
	if err != nil && l.err == nil {
		l.err = fmt.Errorf("demo: %s: %w", what, err)
	}
}

// who describes a person to create.
type who struct {
	gender   byte // 'M' or 'F'
	from, to int  // birth years
	surname  string
	area     string // 身份证 area code; "" draws one in 沧州
	party    bool
	branch   int64
	village  int64
	dept     int64
	ent      int64
}

// person creates a person through the directory.
func (l *loader) person(w who) personRef {
	if l.err != nil {
		return personRef{}
	}
	area := w.area
	if area == "" {
		area = pick(l.g, cangzhouAreas)
	}
	name := l.g.name(w.gender, w.surname)
	idn, born := l.g.idNumber(area, w.from, w.to, w.gender)
	in := directory.PersonInput{Name: name, IDNumber: idn, Mobile: l.g.mobile(),
		BranchID: w.branch, VillageID: w.village, DepartmentID: w.dept, EnterpriseID: w.ent}
	if w.party {
		in.PartyMember, in.JoinedPartyOn = true, l.g.joinedParty(born)
	}
	id, err := l.d.Dir.CreatePerson(l.ctx, system, in)
	l.fail("create person "+name, err)
	l.people++
	return personRef{ID: id, Name: name}
}

// gender draws 'M' with probability malePct/100.
func (l *loader) gender(malePct int) byte {
	if l.g.chance(malePct) {
		return 'M'
	}
	return 'F'
}

// post records a position held by a person.
func (l *loader) post(p personRef, title string, pos directory.Position) {
	if l.err != nil {
		return
	}
	pos.PersonID, pos.Title = p.ID, title
	_, err := l.d.Dir.AddPosition(l.ctx, system, pos)
	l.fail("add position "+title+" for "+p.Name, err)
}
