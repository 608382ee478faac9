package directory

import (
	"context"
	"database/sql"
	"errors"
)

// Member is a person as other modules need them for their own work: who
// belongs to which party organisation, and — for @-mentions in a branch's
// work group — their mobile number.
type Member struct {
	PersonID int64  `json:"person_id"`
	Name     string `json:"name"`
	BranchID int64  `json:"branch_id"`
	UserID   int64  `json:"user_id,omitempty"` // the account linked to the person, if any
	Mobile   string `json:"-"`                 // only filled when asked for, never serialised
}

// MembersOf lists the party members of a branch (all branches when
// branchID is 0), ordered by id. It is a system call for scheduled work (the
// morning push, the evening reminder, the weekly summary): it checks no
// principal, and decrypts mobiles only when withMobiles is set, for the
// @-mentions of the reminder.
func (m *Module) MembersOf(ctx context.Context, branchID int64, withMobiles bool) ([]Member, error) {
	q := `SELECT p.id, p.name, COALESCE(p.branch_id, 0), COALESCE((SELECT MIN(u.id) FROM users u WHERE u.person_id = p.id), 0), p.mobile_enc
		FROM people p WHERE p.party_member = TRUE AND p.branch_id IS NOT NULL`
	var args []any
	if branchID != 0 {
		q += ` AND p.branch_id = ?`
		args = append(args, branchID)
	}
	rows, err := m.DB.Q(ctx).QueryContext(ctx, q+` ORDER BY p.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Member
	for rows.Next() {
		var mb Member
		var enc []byte
		if err := rows.Scan(&mb.PersonID, &mb.Name, &mb.BranchID, &mb.UserID, &enc); err != nil {
			return nil, err
		}
		if withMobiles && len(enc) > 0 {
			plain, err := m.Seal.Decrypt(enc, []byte("people.mobile"))
			if err != nil {
				return nil, err
			}
			mb.Mobile = string(plain)
		}
		out = append(out, mb)
	}
	return out, rows.Err()
}

// BranchOf returns the branch a person belongs to (0 if none).
func (m *Module) BranchOf(ctx context.Context, personID int64) (int64, error) {
	var b int64
	err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT COALESCE(branch_id, 0) FROM people WHERE id = ?`, personID).Scan(&b)
	return b, err
}

// BranchName is one party organisation's name ("" if there is none with
// that id); like BranchList it checks no principal. Pages about one branch
// use it rather than listing every branch with its member count.
func (m *Module) BranchName(ctx context.Context, id int64) (string, error) {
	var name string
	err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT name FROM branches WHERE id = ?`, id).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return name, err
}

// BranchNames maps every party organisation's id to its name, without the
// member counts BranchList computes.
func (m *Module) BranchNames(ctx context.Context) (map[int64]string, error) {
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT id, name FROM branches`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		out[id] = name
	}
	return out, rows.Err()
}

// BranchList lists party organisations (of one kind, or all when kind is
// empty) for scheduled work that must reach every branch; like MembersOf it
// checks no principal.
func (m *Module) BranchList(ctx context.Context, kind string) ([]*Branch, error) {
	return listBranches(ctx, m.DB.Q(ctx), kind)
}

// PositionHolders returns the people who currently hold a position
// (e.g. party_worker), with their branch, for modules' own figures.
func (m *Module) PositionHolders(ctx context.Context, title string) ([]Member, error) {
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT DISTINCT p.id, p.name, COALESCE(p.branch_id, 0) FROM positions ps JOIN people p ON p.id = ps.person_id
		WHERE ps.title = ? AND ps.ended_on = '' ORDER BY p.id`, title)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Member
	for rows.Next() {
		var mb Member
		if err := rows.Scan(&mb.PersonID, &mb.Name, &mb.BranchID); err != nil {
			return nil, err
		}
		out = append(out, mb)
	}
	return out, rows.Err()
}

// VillageList lists every village with its secretary and party-member count
// (a system call for modules: the caller has already authorised, or shows
// only what is public, such as a village's name on its portal).
func (m *Module) VillageList(ctx context.Context) ([]Village, error) {
	return listVillages(ctx, m.DB.Q(ctx))
}
