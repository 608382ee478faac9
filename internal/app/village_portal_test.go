package app

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"zhongshu/internal/platform/db"
)

// get fetches a public URL without any session, with extra headers.
func publicGet(t *testing.T, e *env, path string, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", e.Srv.URL+path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// tamperDisclosures changes published rows directly in the store, with the
// immutability triggers out of the way (as a database administrator could).
func tamperDisclosures(t *testing.T, d *db.DB, stmt string) {
	t.Helper()
	ctx := context.Background()
	var pre []string
	if d.Dialect == db.Postgres {
		pre = []string{`ALTER TABLE village_disclosures DISABLE TRIGGER USER`, `ALTER TABLE village_disclosure_items DISABLE TRIGGER USER`}
	} else {
		for _, s := range []string{"village_disclosures_no_update", "village_disclosures_no_delete", "village_disclosure_items_no_update", "village_disclosure_items_no_delete", "village_disclosure_items_no_insert"} {
			pre = append(pre, `DROP TRIGGER IF EXISTS `+s)
		}
	}
	for _, s := range append(pre, stmt) {
		if _, err := d.W.ExecContext(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
}

func TestVillagePortal(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		// The list of villages: public, cacheable, revalidated by ETag.
		resp, body := publicGet(t, e, "/public")
		if resp.StatusCode != 200 || !strings.Contains(body, "东王村") || resp.Header.Get("Cache-Control") != "public, max-age=60" || resp.Header.Get("ETag") == "" || resp.Header.Get("Last-Modified") == "" {
			t.Fatalf("/public: %d %v", resp.StatusCode, resp.Header)
		}
		if r2, b2 := publicGet(t, e, "/public", "If-None-Match", resp.Header.Get("ETag")); r2.StatusCode != 304 || b2 != "" {
			t.Errorf("revalidation: %d", r2.StatusCode)
		}
		if r2, _ := publicGet(t, e, "/public", "If-None-Match", `"other"`); r2.StatusCode != 200 {
			t.Errorf("stale ETag: %d", r2.StatusCode)
		}

		// A village's page: published disclosures and the other parts'
		// blocks, the chain verified, never a draft.
		resp, body = publicGet(t, e, "/public/villages/1")
		if resp.StatusCode != 200 || resp.Header.Get("ETag") == "" || !strings.Contains(body, "第三季度村务公开") || !strings.Contains(body, "公开记录未被篡改") ||
			!strings.Contains(body, `class="verified"`) || strings.Contains(body, "草稿") || strings.Contains(body, "/logout") {
			t.Fatalf("village page: %d\n%s", resp.StatusCode, body)
		}
		if r2, _ := publicGet(t, e, "/public/villages/1", "If-None-Match", resp.Header.Get("ETag")); r2.StatusCode != 304 {
			t.Errorf("village revalidation: %d", r2.StatusCode)
		}
		// Signed in or not, the public page is the same (nothing of the viewer).
		if st, b := e.as("village_secretary").do("GET", "/public/villages/1", ""); st != 200 || strings.Contains(b, "/logout") || strings.Contains(b, "谭明伟</a>") {
			t.Errorf("signed-in view: %d", st)
		}
		if r, _ := publicGet(t, e, "/public/villages/999"); r.StatusCode != 404 {
			t.Errorf("unknown village: %d", r.StatusCode)
		}

		// The JSON of the same, with the screen's slides.
		var pv struct {
			Village struct {
				Name string `json:"name"`
			} `json:"village"`
			ChainOK bool `json:"chain_ok"`
			Blocks  []struct {
				Key  string          `json:"key"`
				Data json.RawMessage `json:"data"`
			} `json:"blocks"`
			Slides []struct {
				Kind  string `json:"kind"`
				Title string `json:"title"`
			} `json:"slides"`
		}
		resp, body = publicGet(t, e, "/api/v1/public/villages/1")
		if err := json.Unmarshal([]byte(body), &pv); err != nil || resp.StatusCode != 200 || !pv.ChainOK || pv.Village.Name != "东王村" || len(pv.Blocks) == 0 || pv.Blocks[0].Key != "portal.disclosures" || len(pv.Slides) < 3 {
			t.Fatalf("village API: %d %v %s", resp.StatusCode, err, body)
		}
		if strings.Contains(body, `"status":"draft"`) {
			t.Error("a draft in the public API")
		}

		// The electronic screen: every slide, one shown, the no-JS refresh
		// to the next, the script from /static.
		resp, body = publicGet(t, e, "/public/villages/1/screen")
		if resp.StatusCode != 200 || !strings.Contains(body, `<script src="/static/screen.js" defer></script>`) || !strings.Contains(body, `url=/public/villages/1/screen?slide=1`) ||
			strings.Count(body, `<section class="slide`) < 4 || strings.Count(body, " hidden>") != strings.Count(body, `<section class="slide`)-1 || !strings.Contains(body, "财务公开") {
			t.Fatalf("screen: %d\n%s", resp.StatusCode, body)
		}
		if _, b := publicGet(t, e, "/public/villages/1/screen?slide=2"); !strings.Contains(b, "?slide=3") {
			t.Error("slide 2 does not lead to slide 3")
		}
		if r, js := publicGet(t, e, "/static/screen.js"); r.StatusCode != 200 || !strings.Contains(js, "setInterval") {
			t.Errorf("screen.js: %d", r.StatusCode)
		}

		// The disclosure page and its QR code.
		var pd struct {
			Hash    string `json:"hash"`
			ChainOK bool   `json:"chain_ok"`
			URL     string `json:"url"`
		}
		_, body = publicGet(t, e, "/api/v1/public/disclosures/1")
		if err := json.Unmarshal([]byte(body), &pd); err != nil || !pd.ChainOK || len(pd.Hash) != 64 {
			t.Fatalf("disclosure 1: %v %s", err, body)
		}
		resp, body = publicGet(t, e, "/public/disclosures/1/qr.png")
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || !bytes.HasPrefix([]byte(body), []byte("\x89PNG")) || !strings.HasPrefix(resp.Header.Get("Cache-Control"), "public") {
			t.Fatalf("QR: %d %v", resp.StatusCode, resp.Header)
		}
		_, body = publicGet(t, e, "/public/disclosures/1?h="+pd.Hash[:16])
		if !strings.Contains(body, "纸质公开件与系统记录一致") || strings.Contains(body, `class="altered"`) {
			t.Fatalf("printed copy check: %s", body)
		}
		_, body = publicGet(t, e, "/public/disclosures/1?h=0123456789abcdef")
		if !strings.Contains(body, "纸质公开件与系统记录不一致") {
			t.Fatalf("wrong printed hash: %s", body)
		}

		// SECURITY.md §7.6: a row changed directly in the store shows as
		// altered on the disclosure page, its API, and the village page.
		tamperDisclosures(t, e.App.DB, `UPDATE village_disclosure_items SET body = '篡改' WHERE disclosure_id = 1 AND pos = 1`)
		_, body = publicGet(t, e, "/api/v1/public/disclosures/1")
		if err := json.Unmarshal([]byte(body), &pd); err != nil || pd.ChainOK {
			t.Fatalf("tampered API: %s", body)
		}
		_, body = publicGet(t, e, "/public/disclosures/1?h="+pd.Hash[:16])
		if !strings.Contains(body, `class="altered"`) || !strings.Contains(body, "已被篡改") || strings.Contains(body, "纸质公开件与系统记录一致") {
			t.Fatalf("tampered page: %s", body)
		}
		_, body = publicGet(t, e, "/api/v1/public/disclosures/2") // a later link of the same chain
		if err := json.Unmarshal([]byte(body), &pd); err != nil || pd.ChainOK {
			t.Fatalf("later link of a tampered chain: %s", body)
		}
		// No waiting: the cached village page is keyed on the store's version.
		_, body = publicGet(t, e, "/public/villages/1")
		if !strings.Contains(body, "公开记录已被篡改") || !strings.Contains(body, "village_disclosures id=1") {
			t.Fatalf("tampered village page: %s", body)
		}
		_, body = publicGet(t, e, "/public/villages/1/screen")
		if !strings.Contains(body, "slide-alert") {
			t.Error("screen does not show the alteration")
		}
		if _, body = publicGet(t, e, "/public/villages/2"); !strings.Contains(body, "公开记录未被篡改") {
			t.Error("another village's chain reported altered")
		}
	})
}

// The store refuses UPDATE and DELETE of a published disclosure on both
// stores, whoever writes (SECURITY.md §7.6).
func TestVillageDisclosureImmutableInStore(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		d := e.App.DB
		for _, stmt := range []string{
			`UPDATE village_disclosures SET title = 'x' WHERE id = 1`,
			`UPDATE village_disclosures SET status = 'draft' WHERE id = 1`,
			`DELETE FROM village_disclosures WHERE id = 1`,
			`UPDATE village_disclosure_items SET amount_fen = 1 WHERE disclosure_id = 1`,
			`DELETE FROM village_disclosure_items WHERE disclosure_id = 1`,
		} {
			if _, err := d.W.ExecContext(ctx, stmt); err == nil {
				t.Errorf("store accepted %s", stmt)
			}
		}
		// A draft stays editable.
		draft := draftOf(t, e, 1)
		if _, err := d.W.ExecContext(ctx, d.Rebind(`UPDATE village_disclosures SET body = 'ok' WHERE id = ?`), draft); err != nil {
			t.Errorf("draft update refused: %v", err)
		}
	})
}
