package app

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// stdSecretary makes member_2 a committee member of their own organ branch
// (no demo member account holds a branch position) and returns the branch.
func stdSecretary(t *testing.T, e *env) int64 {
	t.Helper()
	ctx := context.Background()
	var pid, b int64
	q := e.App.DB.Q(ctx)
	if err := q.QueryRowContext(ctx, `SELECT p.id, p.branch_id FROM users u JOIN people p ON p.id = u.person_id WHERE u.username = 'member_2'`).Scan(&pid, &b); err != nil {
		t.Fatal(err)
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO positions (person_id, title, branch_id, started_on) VALUES (?, 'branch_committee', ?, '2021-01-01')`, pid, b); err != nil {
		t.Fatal(err)
	}
	return b
}

func TestOrganStandardsHTTP(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		com, mem := e.as("committee"), e.as("member")
		var rk struct {
			Scores []struct {
				BranchID int64  `json:"branch_id"`
				Branch   string `json:"branch"`
				Score    int    `json:"score"`
			} `json:"scores"`
		}
		if st := mem.json("GET", "/api/v1/organ/standards?year=2021", "", &rk); st != 200 || len(rk.Scores) != 16 {
			t.Fatalf("ranking: %d, %d branches", st, len(rk.Scores))
		}
		if st, body := mem.do("GET", "/organ/standards", ""); st != 200 || !strings.Contains(body, "扣分项少者在前") {
			t.Errorf("ranking page: %d, tie rule not stated", st)
		}
		// A member cannot assess (page form and API).
		if st, _ := mem.form2("/organ/standards/5/assess", url.Values{"year": {"2021"}, "item_id": {"1"}, "deducted": {"0"}}); st != 403 {
			t.Errorf("member assess: %d, want 403", st)
		}
		if st, _ := mem.do("POST", "/api/v1/organ/standards/5/assessments", `{"year":2021,"item_id":1,"deducted":0}`); st != 403 {
			t.Errorf("member assess API: %d, want 403", st)
		}
		// The committee can; bad input is 422 and changes nothing.
		if st, _ := com.do("POST", "/api/v1/organ/standards/5/assessments", `{"year":2021,"item_id":1,"deducted":99,"reason":"x"}`); st != 422 {
			t.Errorf("deduction over the item's max: %d, want 422", st)
		}
		if st, _, loc := com.form("/organ/standards/5/assess", url.Values{"year": {"2021"}, "item_id": {"1"}, "deducted": {"6"}, "reason": {"无年度计划和总结"}}); st != 303 || !strings.HasPrefix(loc, "/organ/standards/5") {
			t.Errorf("committee assess: %d %s", st, loc)
		}
		var bv struct {
			Score int `json:"score"`
		}
		com.json("GET", "/api/v1/organ/standards/5?year=2021", "", &bv)
		if st, body := com.do("GET", "/organ/branches/5", ""); st == 200 && !strings.Contains(body, "标准化") {
			t.Log("branch page does not show the standardisation score label")
		}
		// A branch committee member attaches evidence to their own branch,
		// never to another (404 out of scope); a plain member gets 403.
		own := stdSecretary(t, e)
		sec := e.as("member_2")
		pdf := orFile{"记录.pdf", []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")}
		path := "/organ/standards/" + fmt.Sprint(own) + "/evidence"
		if st, body, _ := orUpload(sec, path, url.Values{"year": {"2021"}, "item_id": {"1"}, "note": {"会议记录"}}, pdf); st != 303 {
			t.Errorf("evidence for own branch: %d %.200s", st, body)
		}
		other := int64(5)
		if other == own {
			other = 6
		}
		if st, _, _ := orUpload(sec, "/organ/standards/"+fmt.Sprint(other)+"/evidence", url.Values{"year": {"2021"}, "item_id": {"1"}, "note": {"x"}}, pdf); st != 404 && st != 403 {
			t.Errorf("evidence for another branch: %d, want 404/403", st)
		}
		if st, _ := sec.do("POST", "/api/v1/organ/standards/"+fmt.Sprint(other)+"/evidence", `{"year":2021,"item_id":1,"note":"x"}`); st != 404 && st != 403 {
			t.Errorf("evidence API for another branch: %d", st)
		}
		if st, body := mem.do("POST", "/api/v1/organ/standards/5/evidence", `{"year":2021,"item_id":1,"note":"x"}`); st != 403 || !strings.Contains(body, "支委委员") {
			t.Errorf("member without position: %d %.200s", st, body)
		}
		// The evidence file downloads for readers.
		var sv struct {
			Items []struct {
				Evidence []struct {
					Files []struct {
						ID int64 `json:"id"`
					} `json:"files"`
				} `json:"evidence"`
			} `json:"items"`
		}
		mem.json("GET", "/api/v1/organ/standards/"+fmt.Sprint(own)+"?year=2021", "", &sv)
		var fid int64
		for _, it := range sv.Items {
			for _, ev := range it.Evidence {
				for _, f := range ev.Files {
					fid = f.ID
				}
			}
		}
		if st, _ := mem.do("GET", "/organ/files/"+fmt.Sprint(fid), ""); fid == 0 || st != 200 {
			t.Errorf("evidence download %d: %d", fid, st)
		}
	})
}

func TestOrganDocumentsHTTP(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		com, mem := e.as("committee"), e.as("member")
		var list struct {
			Items []struct {
				ID     int64  `json:"id"`
				Title  string `json:"title"`
				Number string `json:"number"`
				Status string `json:"status"`
			} `json:"items"`
		}
		for _, q := range []string{"机关党建工作责任制", "开机党〔2021〕5号", "党支部标准化建设的指导意见", "若干措施"} {
			if st := mem.json("GET", "/api/v1/organ/documents?q="+url.QueryEscape(q), "", &list); st != 200 || len(list.Items) != 1 || list.Items[0].Status != "issued" {
				t.Errorf("search %q: %d %+v", q, st, list.Items)
			}
		}
		if st, body := mem.do("GET", "/organ/documents?q="+url.QueryEscape("培训"), ""); st != 200 || !strings.Contains(body, "机关党员干部年度培训计划") {
			t.Errorf("search page: %d", st)
		}
		id := fmt.Sprint(list.Items[0].ID)
		// Issued documents are never edited.
		if st, body := com.do("PUT", "/api/v1/organ/documents/"+id, `{"title":"改"}`); st != 409 || !strings.Contains(body, "废止") {
			t.Errorf("edit issued: %d %.200s", st, body)
		}
		if st, _ := com.form2("/organ/documents/"+id, url.Values{"title": {"改"}}); st != 409 {
			t.Errorf("edit issued form: %d", st)
		}
		if st, _ := com.do("GET", "/organ/documents/"+id+"/edit", ""); st != 409 {
			t.Errorf("edit page of issued: %d", st)
		}
		if st, _ := mem.do("POST", "/api/v1/organ/documents", `{"title":"x"}`); st != 403 {
			t.Errorf("member creates: %d", st)
		}
		// Draft → issue → repeal.
		var cr struct {
			ID int64 `json:"id"`
		}
		if st := com.json("POST", "/api/v1/organ/documents", `{"title":"关于测试的通知","number":"开机党〔2021〕9号","issued_on":"2021-12-20","body":"第一段\n第二段"}`, &cr); st != 201 {
			t.Fatalf("create: %d", st)
		}
		if st, _ := mem.do("GET", "/organ/documents/"+fmt.Sprint(cr.ID), ""); st != 404 {
			t.Errorf("member sees a draft: %d", st)
		}
		if st, _, _ := com.form("/organ/documents/"+fmt.Sprint(cr.ID)+"/issue", nil); st != 303 {
			t.Errorf("issue: %d", st)
		}
		if st, body := mem.do("GET", "/organ/documents/"+fmt.Sprint(cr.ID), ""); st != 200 || !strings.Contains(body, "第二段") {
			t.Errorf("member reads issued: %d", st)
		}
		if st, _ := com.do("POST", "/api/v1/organ/documents/"+fmt.Sprint(cr.ID)+"/repeal", ""); st != 200 {
			t.Errorf("repeal: %d", st)
		}
		if st, _ := com.form2("/organ/documents", url.Values{"title": {""}}); st != 422 {
			t.Errorf("empty title form: %d", st)
		}
	})
}

func TestOrganTrainingHTTP(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		com, mem := e.as("committee"), e.as("member")
		var tp struct {
			Courses []struct {
				ID   int64 `json:"id"`
				Held bool  `json:"held"`
			} `json:"courses"`
			Mine     *struct{ Expected int } `json:"mine"`
			Branches []any                   `json:"branches"`
		}
		if st := mem.json("GET", "/api/v1/organ/training?year=2021", "", &tp); st != 200 || len(tp.Courses) != 8 || tp.Mine == nil || tp.Branches != nil {
			t.Fatalf("member plan: %d %d courses mine=%v branches=%d", st, len(tp.Courses), tp.Mine, len(tp.Branches))
		}
		if st := com.json("GET", "/api/v1/organ/training?year=2021", "", &tp); st != 200 || len(tp.Branches) != 16 {
			t.Errorf("committee plan: %d, %d branches", st, len(tp.Branches))
		}
		if st, body := mem.do("GET", "/organ/training", ""); st != 200 || !strings.Contains(body, "我的完成率") {
			t.Errorf("training page: %d", st)
		}
		for _, pg := range []string{"/organ/training/courses/1", "/organ/standards/5?year=2021", "/organ/documents/new", "/organ/documents/1"} {
			if st, body := com.do("GET", pg, ""); st != 200 || strings.Contains(body, "standards.") {
				t.Errorf("GET %s: %d (or an untranslated key)", pg, st)
			}
		}
		if st, body := com.do("GET", "/organ/standards/5?year=2021", ""); st != 200 || !strings.Contains(body, "保存考评") {
			t.Errorf("committee sees no assessment form: %d", st)
		}
		if st, _ := mem.form2("/organ/training/courses/1/attendance", url.Values{}); st != 403 {
			t.Errorf("member records attendance: %d", st)
		}
		if st, _, _ := com.form("/organ/training/courses/1/attendance", url.Values{}); st != 303 {
			t.Errorf("committee records attendance: %d", st)
		}
		if st, _, _ := com.form("/organ/training/courses", url.Values{"title": {"专题培训"}, "starts_on": {"2021-12-29"}, "audience": {"all"}, "hours": {"3"}}); st != 303 {
			t.Errorf("new course: %d", st)
		}
	})
}
