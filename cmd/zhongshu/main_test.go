package main

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"zhongshu/internal/app"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/notify"
)

func cli(t *testing.T, stdin string, args ...string) (int, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	code, err := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), err
}

// stores yields a migrated, empty store URL with its key file: SQLite, and
// PostgreSQL when ZHONGSHU_TEST_POSTGRES is set.
func stores(t *testing.T, fn func(t *testing.T, url, key string)) {
	t.Run("sqlite", func(t *testing.T) {
		dir := t.TempDir()
		fn(t, "sqlite:"+filepath.Join(dir, "z.db"), filepath.Join(dir, "z.key"))
	})
	t.Run("postgres", func(t *testing.T) {
		d := db.OpenTestPostgres(t, nil)
		fn(t, d.URL, filepath.Join(t.TempDir(), "z.key"))
	})
}

// zhongshu verify names the first broken link and exits 1 after a hand edit.
func TestVerifyNamesTamperedRow(t *testing.T) {
	stores(t, func(t *testing.T, url, key string) {
		if code, out, err := cli(t, "", "migrate", "--db", url, "--key", key); code != 0 || err != nil {
			t.Fatalf("migrate: %d %v %s", code, err, out)
		}
		for _, u := range []string{"alice", "bob", "carol"} {
			if code, out, err := cli(t, "", "user", "add", u, "--db", url, "--key", key, "--role", "committee", "--name", u); code != 0 || err != nil {
				t.Fatalf("user add: %v %s", err, out)
			}
		}
		code, out, err := cli(t, "", "verify", "--db", url, "--key", key)
		if code != 0 || err != nil || !strings.Contains(out, "ok     audit_log") {
			t.Fatalf("intact: %d %v %s", code, err, out)
		}
		d, err := db.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.W.ExecContext(context.Background(), "UPDATE audit_log SET detail = 'edited by hand' WHERE seq = 2"); err != nil {
			t.Fatal(err)
		}
		d.Close()
		code, out, _ = cli(t, "", "verify", "--db", url, "--key", key)
		if code != 1 || !strings.Contains(out, "BROKEN audit_log: link 2") || !strings.Contains(out, "altered") {
			t.Fatalf("tampered: code %d\n%s", code, out)
		}
	})
}

func TestUserCommands(t *testing.T) {
	stores(t, func(t *testing.T, url, key string) {
		cli(t, "", "migrate", "--db", url, "--key", key)
		if _, out, err := cli(t, "Weak\n", "user", "add", "dave", "--db", url, "--key", key, "--password-stdin"); err == nil {
			t.Fatalf("weak password accepted: %s", out)
		}
		if _, _, err := cli(t, "", "user", "add", "erin", "--db", url, "--key", key, "--role", "sysadmin", "--role", "committee"); err == nil {
			t.Fatal("sysadmin+committee on one account accepted")
		}
		if _, out, err := cli(t, "Strong#Pass21\n", "user", "add", "dave", "--db", url, "--key", key, "--password-stdin", "--role", "village_secretary@village:1"); err != nil {
			t.Fatalf("add: %v %s", err, out)
		}
		for _, sub := range []string{"lock", "unlock"} {
			if _, out, err := cli(t, "", "user", sub, "dave", "--db", url, "--key", key); err != nil {
				t.Fatalf("%s: %v %s", sub, err, out)
			}
		}
		_, out, err := cli(t, "", "user", "passwd", "dave", "--db", url, "--key", key)
		if err != nil || !strings.Contains(out, "new password: ") {
			t.Fatalf("passwd: %v %s", err, out)
		}
		if _, _, err := cli(t, "", "user", "lock", "nobody", "--db", url, "--key", key); err == nil {
			t.Fatal("locking an unknown user succeeded")
		}
	})
}

// A backup under way is consistent; restore gives equal counts and chain
// heads, verify passes, and the restore is recorded.
func TestBackupRestore(t *testing.T) {
	dir := t.TempDir()
	url, key := "sqlite:"+filepath.Join(dir, "z.db"), filepath.Join(dir, "z.key")
	cli(t, "", "migrate", "--db", url, "--key", key)
	for _, u := range []string{"alice", "bob"} {
		cli(t, "", "user", "add", u, "--db", url, "--key", key, "--role", "committee")
	}
	bak := filepath.Join(dir, "backup.db")
	if code, out, err := cli(t, "", "backup", bak, "--db", url, "--key", key); code != 0 || err != nil {
		t.Fatalf("backup: %v %s", err, out)
	}
	if _, _, err := cli(t, "", "backup", bak, "--db", url, "--key", key); err == nil {
		t.Fatal("backup overwrote an existing file")
	}
	head := func(path string) (int, string) {
		c, err := sql.Open("sqlite", "file:"+path)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		var n int
		var h string
		if err := c.QueryRow("SELECT (SELECT COUNT(*) FROM users), hash FROM chain_heads WHERE chain = 'audit_log'").Scan(&n, &h); err != nil {
			t.Fatal(err)
		}
		return n, h
	}
	n1, h1 := head(bak)
	cli(t, "", "user", "add", "carol", "--db", url, "--key", key, "--role", "committee") // after the backup
	restored := "sqlite:" + filepath.Join(dir, "restored.db")
	if code, out, err := cli(t, "", "restore", bak, "--db", restored, "--key", key); code != 0 || err != nil {
		t.Fatalf("restore: %v %s", err, out)
	}
	n2, _ := head(filepath.Join(dir, "restored.db"))
	if n1 != 2 || n2 != n1 {
		t.Fatalf("users: backup %d, restored %d", n1, n2)
	}
	if code, out, _ := cli(t, "", "verify", "--db", restored, "--key", key); code != 0 {
		t.Fatalf("verify restored: %s", out)
	}
	a, err := app.Open(context.Background(), app.Config{DB: restored, KeyFile: key})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var rec int
	if err := a.DB.R.QueryRow("SELECT COUNT(*) FROM audit_log WHERE action = 'restore'").Scan(&rec); err != nil || rec != 1 {
		t.Fatalf("restore record: %d %v", rec, err)
	}
	_ = h1
	// A backup checked with the wrong key is refused.
	if _, _, err := cli(t, "", "restore", bak, "--db", "sqlite:"+filepath.Join(dir, "other.db"), "--key", filepath.Join(dir, "wrong.key")); err == nil {
		t.Fatal("restore with the wrong key succeeded")
	}
}

func TestUnknownCommand(t *testing.T) {
	if code, _, err := cli(t, "", "frobnicate"); code != 2 || err == nil {
		t.Fatalf("code %d err %v", code, err)
	}
	if code, out, _ := cli(t, "", "--help"); code != 0 || !strings.Contains(out, "zhongshu serve") {
		t.Fatal("help")
	}
}

func TestJobsCommand(t *testing.T) {
	stores(t, func(t *testing.T, url, key string) {
		cli(t, "", "migrate", "--db", url, "--key", key)
		code, out, err := cli(t, "", "jobs", "--db", url, "--key", key)
		if code != 0 || err != nil || !strings.Contains(out, "platform.prune") || !strings.Contains(out, "30 3 * * *") || !strings.Contains(out, "dead=0") {
			t.Fatalf("jobs: %d %v\n%s", code, err, out)
		}
	})
}

// `zhongshu notify test` delivers to a robot at once (a WeCom-shaped peer
// on loopback) and says so.
func TestNotifyTestCommand(t *testing.T) {
	var got []string
	peer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = append(got, r.URL.Query().Get("key")+" "+string(b))
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"errcode":0,"errmsg":"ok"}`))
	}))
	defer peer.Close()
	dir := t.TempDir()
	url, key := "sqlite:"+filepath.Join(dir, "z.db"), filepath.Join(dir, "z.key")
	cli(t, "", "migrate", "--db", url, "--key", key)
	a, err := app.Open(context.Background(), app.Config{DB: url, KeyFile: key})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Notify.CreateChannel(context.Background(), notify.ChannelInput{OwnerKind: notify.OwnerZone, Kind: notify.KindWeCom, Name: "党工委工作群",
		WebhookURL: peer.URL + "/cgi-bin/webhook/send?key=secret-key-1234"}); err != nil {
		t.Fatal(err)
	}
	a.Close()
	code, out, err := cli(t, "", "notify", "test", "党工委工作群", "--db", url, "--key", key)
	if code != 0 || err != nil || !strings.Contains(out, "delivered") || strings.Contains(out, "secret-key-1234") {
		t.Fatalf("notify test: %d %v %s", code, err, out)
	}
	if len(got) != 1 || !strings.HasPrefix(got[0], "secret-key-1234 ") || !strings.Contains(got[0], `"msgtype":"text"`) {
		t.Fatalf("peer saw %v", got)
	}
	if code, _, _ := cli(t, "", "notify", "test", "no-such", "--db", url, "--key", key); code != 2 {
		t.Fatalf("unknown channel: %d", code)
	}
}
