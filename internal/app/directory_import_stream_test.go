package app

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"zhongshu/internal/platform/ident"
)

// streamPeopleFile builds a people file of n generated, valid rows (row k+2
// holds person k); change may rewrite a row's cells.
func streamPeopleFile(t *testing.T, name string, n int, change func(k int, row []any)) []byte {
	t.Helper()
	rows := [][]any{{"姓名", "身份证号", "手机号"}}
	for k := range n {
		body := fmt.Sprintf("1101011985%04d%03d", 101+k/1000, k%1000)
		c, err := ident.IDCheckChar(body)
		if err != nil {
			t.Fatal(err)
		}
		row := []any{fmt.Sprintf("%s%04d", name, k), body + string(c), fmt.Sprintf("1370000%04d", k)}
		if change != nil {
			change(k, row)
		}
		rows = append(rows, row)
	}
	return xlsxFile(t, rows)
}

// The people import streams (issue 8): rows are validated and stored a
// batch of 1,000 at a time while the file is still being read. A fault
// found after batches were stored — a bad cell, an ID repeating an earlier
// batch's row, an ID registered before — still refuses the whole file,
// names every faulty row and stores nothing.
func TestImportPeopleStreamedAllOrNothing(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		c := e.as("committee")
		before := countPeople(t, e)
		const n = 2300 // two full batches and a partial one
		late := streamPeopleFile(t, "迟错", n, func(k int, row []any) {
			switch k {
			case 2250:
				row[2] = "1234" // row 2252: a bad mobile
			case 2290:
				row[1] = streamID(t, 5) // row 2292: repeats row 7 (person 5)
			}
		})
		st, b := upload(t, c, "/api/v1/people/import", late)
		if st != 422 || !strings.Contains(b, `"row":2252`) || !strings.Contains(b, "与第 7 行重复") || strings.Contains(b, `"row":2251`) {
			t.Fatalf("late faults: %d %.600s", st, b)
		}
		if after := countPeople(t, e); after != before {
			t.Fatalf("refused file stored %d people", after-before)
		}

		good := streamPeopleFile(t, "流式", n, nil)
		if st, b := upload(t, c, "/api/v1/people/import", good); st != 200 || !strings.Contains(b, fmt.Sprintf(`"imported":%d`, n)) {
			t.Fatalf("good file: %d %.300s", st, b)
		}
		if after := countPeople(t, e); after != before+n {
			t.Fatalf("good file stored %d of %d", after-before, n)
		}
		var name string
		if err := e.App.DB.Q(ctx).QueryRowContext(ctx, `SELECT name FROM people WHERE id_number_mask = ? AND name LIKE '流式%'`, ident.MaskIDNumber(streamID(t, n-1))).Scan(&name); err != nil || name != fmt.Sprintf("流式%04d", n-1) {
			t.Fatalf("last row stored as %q (%v)", name, err)
		}

		// Person 2299 (row 2301, the last batch) is registered now; the
		// other IDs are new.
		again := streamPeopleFile(t, "再来", n, func(k int, row []any) {
			if k != n-1 {
				row[1] = streamID(t, 5000+k)
			}
		})
		st, b = upload(t, c, "/api/v1/people/import", again)
		if st != 422 || !strings.Contains(b, `"row":2301`) || !strings.Contains(b, "已登记") || strings.Count(b, `"row":`) != 1 {
			t.Fatalf("registered in the last batch: %d %.600s", st, b)
		}
		if after := countPeople(t, e); after != before+n {
			t.Fatalf("refused file changed people by %d", after-before-n)
		}
	})
}

// streamID is the ID number streamPeopleFile gives person k.
func streamID(t *testing.T, k int) string {
	body := fmt.Sprintf("1101011985%04d%03d", 101+k/1000, k%1000)
	c, err := ident.IDCheckChar(body)
	if err != nil {
		t.Fatal(err)
	}
	return body + string(c)
}
