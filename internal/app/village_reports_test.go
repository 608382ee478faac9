package app

import (
	"strings"
	"testing"
)

// Issue 5 item 9 over HTTP: published reports on the portal (without the
// committee's review), last year's compliance flag, the 2021 draft's way
// to publication, immutability, and IDOR.
func TestVillageReportsHTTP(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		anon := e.client()
		st, body := anon.do("GET", "/public/villages/1", "")
		if st != 200 || !strings.Contains(body, "2020 年，在开发区党工委领导下，东王村") || strings.Contains(body, "同意在村务公开栏公示") {
			t.Fatalf("portal: %d", st)
		}
		com, sec := e.as("committee"), e.as("village_secretary")
		var comp struct {
			Year  int `json:"year"`
			Items []struct {
				Village string `json:"village"`
				Missing bool   `json:"missing"`
			} `json:"items"`
		}
		if st := com.json("GET", "/api/v1/reports/compliance", "", &comp); st != 200 || comp.Year != 2020 || len(comp.Items) != 7 {
			t.Fatalf("compliance: %d %+v", st, comp)
		}
		for _, r := range comp.Items {
			if r.Missing != (r.Village == "南李村") {
				t.Fatalf("compliance row %+v", r)
			}
		}
		var list struct {
			Items []struct {
				ID     int64  `json:"id"`
				Year   int    `json:"year"`
				Status string `json:"status"`
			} `json:"items"`
		}
		if st := sec.json("GET", "/api/v1/villages/1/reports", "", &list); st != 200 || len(list.Items) != 2 || list.Items[0].Year != 2021 || list.Items[0].Status != "draft" {
			t.Fatalf("list: %d %+v", st, list)
		}
		draft := list.Items[0].ID
		// IDOR: 西马庄村's reports.
		for _, r := range [][2]string{{"GET", "/api/v1/reports/2"}, {"GET", "/reports/2"}, {"GET", "/api/v1/villages/2/reports"}, {"GET", "/villages/2/reports"}} {
			if st, _ := sec.do(r[0], r[1], ""); st != 404 {
				t.Errorf("%s %s: %d, want 404", r[0], r[1], st)
			}
		}
		if st, _ := sec.do("PUT", "/api/v1/reports/2", `{"duty_text":"越权修改"}`); st != 404 {
			t.Errorf("IDOR edit: %d", st)
		}
		var rep struct {
			Status string `json:"status"`
		}
		text := `{"duty_text":"全年严格落实“四议两公开”制度，推进人居环境整治和集体经济发展。","integrity_text":"严守廉洁自律规定，不插手工程项目，主动接受村务监督委员会监督。"}`
		if st := sec.json("PUT", "/api/v1/reports/"+svItoa(draft), text, &rep); st != 200 || rep.Status != "draft" {
			t.Fatalf("edit: %d", st)
		}
		if st := sec.json("POST", "/api/v1/reports/"+svItoa(draft)+"/submit", "{}", &rep); st != 200 || rep.Status != "submitted" {
			t.Fatalf("submit: %d", st)
		}
		if st, _ := com.do("POST", "/api/v1/reports/"+svItoa(draft)+"/publish", "{}"); st != 409 {
			t.Fatalf("publish before review: %d", st)
		}
		if st := com.json("POST", "/api/v1/reports/"+svItoa(draft)+"/review", `{"comments":"同意公示","rating":"fairly_good"}`, &rep); st != 200 || rep.Status != "reviewed" {
			t.Fatalf("review: %d", st)
		}
		if st := com.json("POST", "/api/v1/reports/"+svItoa(draft)+"/publish", "{}", &rep); st != 200 || rep.Status != "published" {
			t.Fatalf("publish: %d", st)
		}
		if st, body := sec.do("PUT", "/api/v1/reports/"+svItoa(draft), text); st != 409 || !strings.Contains(body, "公开") {
			t.Fatalf("edit after publication: %d %s", st, body)
		}
		if st, body := sec.do("GET", "/reports/"+svItoa(draft), ""); st != 200 || !strings.Contains(body, "不能再修改") || strings.Contains(body, `action="/reports/`+svItoa(draft)+`"`) {
			t.Fatalf("published page: %d", st)
		}
	})
}
