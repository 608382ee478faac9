package app

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"zhongshu/internal/platform/ident"
)

// importPeopleFile builds a people file of generated, valid rows for ids
// from..to-1 (身份证号 as text cells, as the template asks).
func importPeopleFile(t *testing.T, name string, ids []int) ([]byte, []string) {
	t.Helper()
	rows := [][]any{{"姓名", "身份证号", "手机号"}}
	var nums []string
	for _, i := range ids {
		body := fmt.Sprintf("11010119900101%03d", i)
		c, err := ident.IDCheckChar(body)
		if err != nil {
			t.Fatal(err)
		}
		id := body + string(c)
		nums = append(nums, id)
		rows = append(rows, []any{fmt.Sprintf("%s%03d", name, i), id, fmt.Sprintf("1390000%04d", i)})
	}
	return xlsxFile(t, rows), nums
}

// The import checks uniqueness in batches of blind indexes and inserts with
// multi-row statements (issue 8): a file spanning several batches is stored
// whole and sealed like a single create, and a file with ID numbers already
// registered is refused naming each such row, with nothing stored.
func TestImportPeopleBatchedAndAlreadyRegistered(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		c := e.as("committee")
		before := countPeople(t, e)
		var ids []int
		for i := range 450 { // 2 full insert batches of 200 and a partial one
			ids = append(ids, i)
		}
		file, nums := importPeopleFile(t, "批量", ids)
		if st, b := upload(t, c, "/api/v1/people/import", file); st != 200 || !strings.Contains(b, `"imported":450`) {
			t.Fatalf("450-row file: %d %.300s", st, b)
		}
		if after := countPeople(t, e); after != before+450 {
			t.Fatalf("450-row import added %d", after-before)
		}
		q := e.App.DB.Q(ctx)
		var mask, mobileMask string
		var enc []byte
		if err := q.QueryRowContext(ctx, `SELECT id_number_mask, mobile_mask, id_number_enc FROM people WHERE name = ?`, "批量449").Scan(&mask, &mobileMask, &enc); err != nil {
			t.Fatal(err)
		}
		if mask != ident.MaskIDNumber(nums[449]) || mobileMask != ident.MaskMobile("13900000449") || len(enc) == 0 || strings.Contains(string(enc), nums[449]) {
			t.Fatalf("row 451 stored as %q %q (enc %d bytes)", mask, mobileMask, len(enc))
		}
		var audited int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'people.import' AND detail = '450 rows'`).Scan(&audited); err != nil || audited != 1 {
			t.Fatalf("import audited %d times (%v)", audited, err)
		}
		// Rows 3 and 4 repeat people stored above (first and last batch).
		again, _ := importPeopleFile(t, "再次", []int{600, 0, 449})
		st, b := upload(t, c, "/api/v1/people/import", again)
		if st != 422 || !strings.Contains(b, `"row":3`) || !strings.Contains(b, `"row":4`) || strings.Contains(b, `"row":2`) || !strings.Contains(b, "已登记") {
			t.Fatalf("already registered: %d %.600s", st, b)
		}
		if after := countPeople(t, e); after != before+450 {
			t.Fatalf("refused file changed people by %d", after-before-450)
		}
	})
}
