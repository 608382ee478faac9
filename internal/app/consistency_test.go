package app

import (
	"context"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zhongshu/docs"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/web"
)

func testApp(t *testing.T) *App {
	a, err := Open(context.Background(), Config{DB: "sqlite:" + filepath.Join(t.TempDir(), "z.db"), KeyFile: filepath.Join(t.TempDir(), "k"), Clock: clock.At(demoStart), Log: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// Every /api/v1 route is described in docs/openapi.yaml.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	a := testApp(t)
	_, r := a.Routes()
	spec := string(docs.OpenAPI)
	for _, p := range r.Patterns() {
		method, path, _ := strings.Cut(p, " ")
		if !strings.HasPrefix(path, "/api/v1/") || path == "/api/v1/openapi.yaml" {
			continue
		}
		i := strings.Index(spec, "\n  "+path+":")
		if i < 0 {
			t.Errorf("%s is not in docs/openapi.yaml", path)
			continue
		}
		block := spec[i+1:]
		if j := strings.Index(block[2:], "\n  /"); j >= 0 {
			block = block[:j+2]
		}
		if !strings.Contains(block, "\n    "+strings.ToLower(method)+":") {
			t.Errorf("%s %s is not in docs/openapi.yaml", method, path)
		}
	}
}

// Both locales are complete, and every key a template uses exists
// (STYLE.md habit 4).
func TestCatalogAndTemplates(t *testing.T) {
	a := testApp(t)
	if m := a.Views.Cat.Missing(); len(m) > 0 {
		t.Fatalf("keys missing from a locale: %v", m)
	}
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(filepath.Join(root, "internal"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, k := range web.KeysUsed(string(b)) {
			if !a.Views.Cat.Has(k) {
				t.Errorf("%s uses catalog key %q, missing from a locale", p, k)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Views.PageNames()) < 15 {
		t.Fatalf("only %d pages registered", len(a.Views.PageNames()))
	}
}

// Dependencies point one way: cmd → app → modules → directory → platform.
// The platform imports no module; a module imports no other module except
// directory.
func TestDependencyDirection(t *testing.T) {
	root := filepath.Join("..", "..")
	modules := map[string]bool{"admin": true, "demo": true, "directory": true}
	err := filepath.WalkDir(filepath.Join(root, "internal"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return err
		}
		rel, _ := filepath.Rel(filepath.Join(root, "internal"), p)
		top := strings.Split(filepath.ToSlash(rel), "/")[0]
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, im := range f.Imports {
			path := strings.Trim(im.Path.Value, `"`)
			target, ok := strings.CutPrefix(path, "zhongshu/internal/")
			if !ok {
				continue
			}
			tt := strings.Split(target, "/")[0]
			switch {
			case tt == "app":
				t.Errorf("%s imports app", rel)
			case top == "platform" && tt != "platform":
				t.Errorf("platform file %s imports module %s", rel, tt)
			case modules[top] && modules[tt] && tt != top && tt != "directory" && !(top == "demo" && tt == "admin"):
				t.Errorf("module file %s imports module %s", rel, tt)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// First run creates the three administrator accounts of 三员分立, each with
// a one-time password that must be changed.
func TestBootstrap(t *testing.T) {
	a := testApp(t)
	ctx := context.Background()
	if _, err := a.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if fresh, _ := a.Fresh(ctx); !fresh {
		t.Fatal("a new database is not fresh")
	}
	pw, err := a.Bootstrap(ctx)
	if err != nil || len(pw) != 3 {
		t.Fatalf("bootstrap: %v %v", err, pw)
	}
	us, _ := a.Auth.ListUsers(ctx)
	for _, u := range us {
		if !u.MustChange || len(u.Grants) != 1 || string(u.Grants[0].Role) != u.Username {
			t.Errorf("account %+v", u)
		}
		if _, _, err := a.Auth.Login(ctx, u.Username, pw[u.Username], "127.0.0.1", "t"); err != nil {
			t.Errorf("%s cannot sign in with its one-time password: %v", u.Username, err)
		}
	}
	if fresh, _ := a.Fresh(ctx); fresh {
		t.Fatal("still fresh after bootstrap")
	}
}
