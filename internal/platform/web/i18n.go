package web

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// Catalog holds the UI strings per locale. zh-CN is the default and
// complete; English is complete too (a test compares the key sets).
type Catalog struct {
	m map[string]map[string]string
}

// Locales the product speaks.
var Locales = []string{"zh-CN", "en"}

// NewCatalog returns an empty catalog.
func NewCatalog() *Catalog {
	return &Catalog{m: map[string]map[string]string{"zh-CN": {}, "en": {}}}
}

// Add loads dir/zh-CN.json and dir/en.json from fsys (each a flat object of
// key → text). A key defined twice is an error.
func (c *Catalog) Add(fsys fs.FS, dir string) error {
	for _, l := range Locales {
		b, err := fs.ReadFile(fsys, path.Join(dir, l+".json"))
		if err != nil {
			return err
		}
		var kv map[string]string
		if err := json.Unmarshal(b, &kv); err != nil {
			return fmt.Errorf("catalog %s/%s: %w", dir, l, err)
		}
		for k, v := range kv {
			if _, dup := c.m[l][k]; dup {
				return fmt.Errorf("catalog: key %q defined twice (%s)", k, l)
			}
			c.m[l][k] = v
		}
	}
	return nil
}

// T returns the text of key in lang, falling back to Chinese, then the key.
func (c *Catalog) T(lang, key string, args ...any) string {
	s, ok := c.m[lang][key]
	if !ok {
		if s, ok = c.m["zh-CN"][key]; !ok {
			return key
		}
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Has reports whether key exists in every locale.
func (c *Catalog) Has(key string) bool {
	for _, l := range Locales {
		if _, ok := c.m[l][key]; !ok {
			return false
		}
	}
	return true
}

// Missing lists keys present in one locale but not another.
func (c *Catalog) Missing() []string {
	var out []string
	for _, a := range Locales {
		for k := range c.m[a] {
			for _, b := range Locales {
				if _, ok := c.m[b][k]; !ok {
					out = append(out, b+":"+k)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// Keys lists every key (any locale).
func (c *Catalog) Keys() []string {
	var out []string
	for k := range c.m["zh-CN"] {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// KeysUsed extracts the catalog keys a template uses through .T "key".
func KeysUsed(src string) []string {
	var out []string
	for _, marker := range []string{`.T "`} { // also matches $.T "…"
		rest := src
		for {
			i := strings.Index(rest, marker)
			if i < 0 {
				break
			}
			rest = rest[i+len(marker):]
			j := strings.IndexByte(rest, '"')
			if j < 0 {
				break
			}
			out = append(out, rest[:j])
			rest = rest[j:]
		}
	}
	return out
}

// AddDirs loads a catalog from every subdirectory of root in fsys (a module
// built from parts keeps one catalog per part: root/<part>/{zh-CN,en}.json).
func (c *Catalog) AddDirs(fsys fs.FS, root string) error {
	dirs, err := fs.ReadDir(fsys, root)
	if err != nil {
		return err
	}
	for _, d := range dirs {
		if d.IsDir() {
			if err := c.Add(fsys, path.Join(root, d.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}
