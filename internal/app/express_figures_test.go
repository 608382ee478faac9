package app

import (
	"strings"
	"testing"
)

// Issue 6 item 9 over HTTP: the figures report against the demo data.
func TestExpressFiguresHTTP(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		com := e.as("committee")
		var f struct {
			Year    int `json:"year"`
			Figures []struct {
				Key        string  `json:"key"`
				Label      string  `json:"label"`
				Value      float64 `json:"value"`
				Unit       string  `json:"unit"`
				Definition string  `json:"definition"`
			} `json:"figures"`
		}
		if st := com.json("GET", "/api/v1/express/figures?year=2021", "", &f); st != 200 || f.Year != 2021 {
			t.Fatalf("figures: %d", st)
		}
		got := map[string]float64{}
		for _, x := range f.Figures {
			got[x.Key] = x.Value
			if x.Label == "" || x.Unit == "" || x.Definition == "" {
				t.Errorf("%s: %+v", x.Key, x)
			}
		}
		for k, want := range map[string]float64{"liaisons": 35, "formation.formed": 7, "points.categories": 7, "applications.approved.specialized": 11,
			"applications.amount_applied.tech_reform": 900, "applications.helped.eco_positive": 7, "applications.helped.passive_building": 2} {
			if got[k] != want {
				t.Errorf("%s = %v, seed says %v", k, got[k], want)
			}
		}
		if v := got["formation.leads"]; v <= 10 || v >= 20 {
			t.Errorf("leads %v, seed says 10余条", v)
		}
		if st, body := com.do("GET", "/express/figures?year=2021", ""); st != 200 || !strings.Contains(body, "900") || !strings.Contains(body, "万元") {
			t.Errorf("page: %d", st)
		}
		en := e.as("committee")
		en.lang = "en"
		if st, body := en.do("GET", "/api/v1/express/figures", ""); st != 200 || !strings.Contains(body, "10,000 yuan") {
			t.Errorf("english: %d", st)
		}
		if st, _ := com.do("GET", "/api/v1/express/figures?year=abc", ""); st != 422 {
			t.Errorf("bad year: %d", st)
		}
		if st, _ := e.as("liaison").do("GET", "/api/v1/express/figures", ""); st != 403 {
			t.Errorf("liaison: %d", st)
		}
	})
}
