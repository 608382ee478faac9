package directory

import (
	"context"
	"strings"
	"time"

	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
)

// Batch sizes of the people import (issue 8: ≥ 20,000 rows/s). A round trip
// per row was what made the import slow, so the import queues importBatch
// valid rows, the uniqueness check asks for importCheckBatch blind indexes
// per query and the rows go in importInsertBatch per INSERT: 200 × 17 =
// 3,400 parameters, far under SQLite's 32,766 and PostgreSQL's 65,535.
const (
	importBatch       = 1000
	importCheckBatch  = 500
	importInsertBatch = 200
)

// marks returns "(?,?,…)" with n marks (n > 0).
func marks(n int) string { return "(" + placeholders(n) + ")" }

// registeredIndexes returns which of the blind indexes are already in
// people, asking importCheckBatch at a time.
func registeredIndexes(ctx context.Context, tx *db.Tx, idx []string) (map[string]bool, error) {
	found := map[string]bool{}
	for from := 0; from < len(idx); from += importCheckBatch {
		part := idx[from:min(from+importCheckBatch, len(idx))]
		rows, err := tx.QueryCached(ctx, `SELECT id_number_idx FROM people WHERE id_number_idx IN `+marks(len(part)), anySlice(part)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return nil, err
			}
			found[v] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return found, nil
}

const personColumns = 17

// insertPeopleFull is the statement for a full batch, built once.
var insertPeopleFull = insertPeopleSQL(importInsertBatch)

func insertPeopleSQL(n int) string {
	return `INSERT INTO people (name, gender, birth_year, id_number_enc, id_number_idx, id_number_mask, mobile_enc, mobile_idx, mobile_mask,
		party_member, joined_party_on, branch_id, village_id, department_id, enterprise_id, created_at, updated_at) VALUES ` +
		strings.TrimSuffix(strings.Repeat(marks(personColumns)+",", n), ",")
}

// insertPeople writes sealed people with multi-row INSERTs of up to
// importInsertBatch rows, so one file costs a few hundred statements
// instead of one per row. A unique violation (a racing writer) is reported
// like insertPerson's.
func insertPeople(ctx context.Context, tx *db.Tx, ps []storedPerson, now time.Time) error {
	if len(ps) == 0 {
		return nil
	}
	q := insertPeopleFull
	if len(ps) != importInsertBatch {
		q = insertPeopleSQL(len(ps))
	}
	args := make([]any, 0, len(ps)*personColumns)
	at := any(now) // boxed once, not twice per row
	for _, p := range ps {
		args = append(args, p.Name, p.Gender, p.BirthYear, p.idEnc, p.idIdx, p.idMask, p.mobileEnc, p.mobileIdx, p.mobileMask,
			p.PartyMember, p.JoinedPartyOn, nullID(p.BranchID), nullID(p.VillageID), nullID(p.DepartmentID), nullID(p.EnterpriseID), at, at)
	}
	_, err := tx.ExecCached(ctx, q, args...)
	if db.IsUniqueViolation(err) {
		return &errs.Error{Kind: errs.Conflict, Field: "id_number", Zh: "该身份证号已登记", En: "this ID number is already registered"}
	}
	return err
}
