package directory

import (
	"context"
	"fmt"
	"strings"

	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
)

// RowIssue is one fault in an import file: which row, which column, which rule.
type RowIssue struct {
	Row    int    `json:"row"`
	Column string `json:"column"` // e.g. "C（身份证号）"
	Field  string `json:"field"`
	Zh     string `json:"message_zh"`
	En     string `json:"message_en"`
}

// Message returns the issue's message in lang.
func (r RowIssue) Message(lang string) string {
	if lang == "en" {
		return r.En
	}
	return r.Zh
}

// ImportError lists every fault found in an import file; nothing was imported.
type ImportError struct{ Issues []RowIssue }

func (e *ImportError) Error() string {
	if len(e.Issues) == 0 {
		return "import refused"
	}
	i := e.Issues[0]
	return fmt.Sprintf("import refused: %d problems; first: row %d column %s: %s", len(e.Issues), i.Row, i.Column, i.En)
}

// Lookups resolve the unit names typed in an import file to ids.
type Lookups struct {
	Branches    map[string]int64
	Villages    map[string]int64
	Departments map[string]int64
	Enterprises map[string]int64 // by name and by credit code
}

// Lookups loads the name → id maps.
func (m *Module) Lookups(ctx context.Context) (*Lookups, error) {
	q := m.DB.Q(ctx)
	l := &Lookups{Branches: map[string]int64{}, Villages: map[string]int64{}, Departments: map[string]int64{}, Enterprises: map[string]int64{}}
	for _, t := range []struct {
		sql string
		m   map[string]int64
	}{
		{`SELECT id, name FROM branches`, l.Branches},
		{`SELECT id, name FROM villages`, l.Villages},
		{`SELECT id, name FROM departments`, l.Departments},
		{`SELECT id, name FROM enterprises`, l.Enterprises},
		{`SELECT id, credit_code FROM enterprises`, l.Enterprises},
	} {
		rows, err := q.QueryContext(ctx, t.sql)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var n string
			if err := rows.Scan(&id, &n); err != nil {
				rows.Close()
				return nil, err
			}
			t.m[strings.TrimSpace(n)] = id
		}
		rows.Close()
	}
	return l, nil
}

// PersonRow is one parsed row of a people import.
type PersonRow struct {
	Row    int
	In     PersonInput
	Issues []RowIssue // faults found while parsing the cells
}

// EnterpriseRow is one parsed row of an enterprise import.
type EnterpriseRow struct {
	Row    int
	In     EnterpriseInput
	Issues []RowIssue
}

func issuesOf(row int, l errs.List, column func(field string) string) []RowIssue {
	var out []RowIssue
	for _, e := range l {
		out = append(out, RowIssue{Row: row, Column: column(e.Field), Field: e.Field, Zh: e.Zh, En: e.En})
	}
	return out
}

// ImportPeople validates every row and, only if all are valid, adds them
// all in one transaction. column names a field's column for the report.
func (m *Module) ImportPeople(ctx context.Context, p *auth.Principal, rows []PersonRow, column func(string) string) (int, error) {
	if err := m.Auth.Authorize(ctx, p, auth.Import, auth.Anything, "people", ""); err != nil {
		return 0, err
	}
	now := m.Clock.Now()
	var issues []RowIssue
	normal := make([]normalPerson, len(rows))
	seen := map[string]int{}
	for i, r := range rows {
		issues = append(issues, r.Issues...)
		np, l := validatePerson(r.In, now)
		issues = append(issues, issuesOf(r.Row, l, column)...)
		if np.IDNumber != "" && len(l) == 0 {
			if first, dup := seen[np.IDNumber]; dup {
				issues = append(issues, RowIssue{Row: r.Row, Column: column("id_number"), Field: "id_number",
					Zh: fmt.Sprintf("身份证号与第 %d 行重复", first), En: fmt.Sprintf("ID number repeats row %d", first)})
			}
			seen[np.IDNumber] = r.Row
		}
		normal[i] = np
	}
	if len(rows) == 0 {
		issues = append(issues, RowIssue{Row: 0, Zh: "文件中没有数据行", En: "the file has no data rows"})
	}
	if len(issues) > 0 {
		return 0, &ImportError{Issues: issues}
	}
	// The uniqueness check reads the blind indexes in batches and the rows
	// go in with multi-row INSERTs (import_batch.go); still one transaction.
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		idx := make([]string, len(normal))
		for i, np := range normal {
			idx[i] = m.Seal.BlindIndex("id_number", np.IDNumber)
		}
		found, err := registeredIndexes(ctx, tx, idx)
		if err != nil {
			return err
		}
		if len(found) > 0 {
			var dbIssues []RowIssue
			for i := range normal {
				if found[idx[i]] {
					dbIssues = append(dbIssues, RowIssue{Row: rows[i].Row, Column: column("id_number"), Field: "id_number", Zh: "该身份证号已登记", En: "this ID number is already registered"})
				}
			}
			return &ImportError{Issues: dbIssues}
		}
		batch := make([]storedPerson, 0, importInsertBatch)
		for i, np := range normal {
			sp, err := m.seal(np)
			if err != nil {
				return err
			}
			if batch = append(batch, sp); len(batch) == importInsertBatch || i == len(normal)-1 {
				if err := insertPeople(ctx, tx, batch, now); err != nil {
					return err
				}
				batch = batch[:0]
			}
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "people.import", ObjectType: "people", Detail: fmt.Sprintf("%d rows", len(rows))})
	})
	if err != nil {
		return 0, err
	}
	return len(rows), nil
}

// ImportEnterprises validates every row and, only if all are valid, adds
// them all in one transaction.
func (m *Module) ImportEnterprises(ctx context.Context, p *auth.Principal, rows []EnterpriseRow, column func(string) string) (int, error) {
	if err := m.Auth.Authorize(ctx, p, auth.Import, auth.Anything, "enterprises", ""); err != nil {
		return 0, err
	}
	var issues []RowIssue
	normal := make([]EnterpriseInput, len(rows))
	seen := map[string]int{}
	for i, r := range rows {
		issues = append(issues, r.Issues...)
		in, l := validateEnterprise(r.In)
		issues = append(issues, issuesOf(r.Row, l, column)...)
		if in.CreditCode != "" && len(l) == 0 {
			if first, dup := seen[in.CreditCode]; dup {
				issues = append(issues, RowIssue{Row: r.Row, Column: column("credit_code"), Field: "credit_code",
					Zh: fmt.Sprintf("统一社会信用代码与第 %d 行重复", first), En: fmt.Sprintf("credit code repeats row %d", first)})
			}
			seen[in.CreditCode] = r.Row
		}
		normal[i] = in
	}
	if len(rows) == 0 {
		issues = append(issues, RowIssue{Row: 0, Zh: "文件中没有数据行", En: "the file has no data rows"})
	}
	if len(issues) > 0 {
		return 0, &ImportError{Issues: issues}
	}
	now := m.Clock.Now()
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var dbIssues []RowIssue
		for i, in := range normal {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM enterprises WHERE credit_code = ?`, in.CreditCode).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				dbIssues = append(dbIssues, RowIssue{Row: rows[i].Row, Column: column("credit_code"), Field: "credit_code", Zh: "该统一社会信用代码已登记", En: "this credit code is already registered"})
			}
		}
		if len(dbIssues) > 0 {
			return &ImportError{Issues: dbIssues}
		}
		for _, in := range normal {
			if _, err := insertEnterprise(ctx, tx, in, m.year(), now); err != nil {
				return err
			}
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "enterprises.import", ObjectType: "enterprises", Detail: fmt.Sprintf("%d rows", len(rows))})
	})
	if err != nil {
		return 0, err
	}
	return len(rows), nil
}
