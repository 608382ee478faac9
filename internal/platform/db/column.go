package db

import "context"

// Column runs a query whose rows are one column (ids, names) and returns
// its values in row order; no rows is a nil slice. q is a *Tx or the
// reader (DB.Q), which rebind the placeholders.
func Column[T any](ctx context.Context, q Querier, query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
