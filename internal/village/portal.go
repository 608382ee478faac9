package village

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/skip2/go-qrcode"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/chain"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/web"
)

// The public portal (村务公开栏): no login, published items only, no
// personal data. Pages are rendered at most once a second per village and
// language and kept in memory, so a busy portal costs a map lookup; a
// second is also the most a replica can lag behind a publication made on
// another one, and the most a change to the page's other parts (village
// facts, other modules' blocks) can take to show. The disclosures
// themselves are never shown stale: every request reads the store's
// version (storeVersion) and a moved version rebuilds the page before it
// is served, so a direct tampering of the store shows on the very next
// request — the bound is zero, not a time. Browsers and proxies may keep
// a page a minute (Cache-Control) and revalidate with its ETag.

// publicTTL is how long a rendered public page is reused.
const publicTTL = time.Second

// publicMaxAge is the Cache-Control max-age of public pages, in seconds.
const publicMaxAge = 60

// maxPublicEntries bounds the cache (village × language × slide keys).
const maxPublicEntries = 4096

// pubEntry is a rendered page with its response headers, built once: a
// cached answer sets prepared header values and writes prepared bytes.
// Text is also kept gzip-compressed, for the clients that accept it (every
// browser): less to carry to a phone that scanned a QR code. net/http
// writes a response in one system call only while status line, headers
// and body fit its 4 KB buffer; a disclosure's page does, plain or
// gzipped, but the village page (11.6 KB, 4.0 KB gzipped) takes two.
type pubEntry struct {
	body    []byte
	ctype   string
	maxAge  int
	etag    string
	mod     time.Time
	at      time.Time
	version string

	// Header values, each its own slice (len = cap: a later Add copies).
	hCache, hETag, hMod, hType, hLen []string

	gz              []byte // nil: not compressed (not text, or no smaller)
	gzETag          string // the compressed representation's own entity tag
	hGzETag, hGzLen []string

	// br is the text compressed with brotli, for the clients that accept it
	// (every current browser over HTTPS): a village page of 11.6 KB is
	// 3.0 KB, against 4.0 KB gzipped, so that headers and body fit
	// net/http's 4 KB write buffer: one write to the socket, not two.
	br              []byte
	brETag          string
	hBrETag, hBrLen []string
}

func newPubEntry(body []byte, ctype string, maxAge int, mod, at time.Time, version string) *pubEntry {
	h := fnv.New64a()
	h.Write(body)
	// The tag in base64url (11 characters, not 16 hex digits): the header
	// bytes count towards net/http's 4 KB write buffer (see minifyHTML).
	sum := base64.RawURLEncoding.EncodeToString(h.Sum(nil))
	e := &pubEntry{body: body, ctype: ctype, maxAge: maxAge, etag: `"` + sum + `"`, mod: mod, at: at, version: version}
	cc := "no-cache" // the client revalidates every time (a QR check must be current); the ETag makes that a 304
	if maxAge > 0 {
		cc = "public, max-age=" + strconv.Itoa(maxAge)
	}
	e.hCache = []string{cc}
	e.hETag = []string{e.etag}
	e.hMod = []string{mod.Format(http.TimeFormat)}
	e.hType = []string{ctype}
	e.hLen = []string{strconv.Itoa(len(body))}
	if gz := gzipText(body, ctype); gz != nil {
		e.gz, e.gzETag = gz, `"`+sum+`-gz"`
		e.hGzETag = []string{e.gzETag}
		e.hGzLen = []string{strconv.Itoa(len(gz))}
		if br := brotliText(body); br != nil && len(br) < len(gz) {
			e.br, e.brETag = br, `"`+sum+`-br"`
			e.hBrETag = []string{e.brETag}
			e.hBrLen = []string{strconv.Itoa(len(br))}
		}
	}
	return e
}

// brotliText compresses text at brotli's best quality: done once per
// cached copy, whose bytes are then sent thousands of times.
func brotliText(body []byte) []byte {
	var b bytes.Buffer
	zw := brotli.NewWriterOptions(&b, brotli.WriterOptions{Quality: brotli.BestCompression, LGWin: 16})
	if _, err := zw.Write(body); err != nil || zw.Close() != nil {
		return nil
	}
	return b.Bytes()
}

// gzipText compresses a text or JSON body of at least a kilobyte, or
// returns nil (images are compressed already; tiny bodies gain nothing).
func gzipText(body []byte, ctype string) []byte {
	if len(body) < 1024 || !(strings.HasPrefix(ctype, "text/") || strings.HasPrefix(ctype, "application/json")) {
		return nil
	}
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if _, err := zw.Write(body); err != nil || zw.Close() != nil || b.Len() >= len(body) {
		return nil
	}
	return b.Bytes()
}

// acceptsGzip reports an Accept-Encoding that admits gzip (RFC 9110
// §12.5.3): "gzip" listed with a weight above zero, or else "*" with one.
func acceptsGzip(r *http.Request) bool { return accepts(r, "gzip") }

// accepts reports an Accept-Encoding that admits coding (RFC 9110
// §12.5.3): listed with a weight above zero, or else "*" with one.
func accepts(r *http.Request, name string) bool {
	star := false
	for _, line := range r.Header["Accept-Encoding"] {
		for line != "" {
			var part string
			part, line, _ = strings.Cut(line, ",") // not Split: no slice per request
			coding, params, _ := strings.Cut(part, ";")
			coding = strings.TrimSpace(coding)
			switch {
			case strings.EqualFold(coding, name):
				return !zeroWeight(params)
			case coding == "*":
				star = !zeroWeight(params)
			}
		}
	}
	return star
}

// zeroWeight reports a "q=0" (or "q=0.000") parameter.
func zeroWeight(params string) bool {
	q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
	return (strings.HasPrefix(q, "q=0") || strings.HasPrefix(q, "Q=0")) && strings.Trim(q[3:], ".0") == ""
}

var (
	hdrVary   = []string{"Accept-Language, Cookie, Accept-Encoding"}
	hdrGzip   = []string{"gzip"}
	hdrBrotli = []string{"br"}
)

// pubBuild is a rebuild in progress: requests for the same key and
// version wait for it instead of rendering the page again each.
type pubBuild struct {
	version string
	done    chan struct{}
	e       *pubEntry
	err     error
}

type pubCache struct {
	mu       sync.Mutex
	entries  map[string]*pubEntry
	building map[string]*pubBuild
	// villages maps a disclosure id to its village, which never changes.
	villages sync.Map
	// files reads the SQLite store's version.
	files fileVersion
}

// storeVersion is a token that changes whenever the published disclosures
// of a village (0: of any village) change in the store — through the
// application or behind its back — read on every request, so that a cached
// page never hides a tampered record. On SQLite it is the size and
// modification time of the database file and its write-ahead log (every
// commit, by this process or any other, the sqlite3 shell included,
// changes them), read with fstat on descriptors held open: two system
// calls and no allocation while the store is unchanged. On PostgreSQL it is
// the newest row version (xmin) and the row counts of the village's
// disclosures and items, which every UPDATE, DELETE or INSERT changes.
// "" (no version: rely on publicTTL) if the store cannot say.
func (m *Module) storeVersion(ctx context.Context, villageID int64) string {
	if m.DB.Dialect == db.SQLite {
		if m.DB.Path == "" {
			return ""
		}
		return m.pubCache().files.version(m.DB.Path)
	}
	q := `SELECT (SELECT COUNT(*) FROM village_disclosures d WHERE d.village_id = ?) || '/' ||
		COALESCE((SELECT MAX(d.xmin::text::bigint) FROM village_disclosures d WHERE d.village_id = ?), 0) || '/' ||
		(SELECT COUNT(*) FROM village_disclosure_items i JOIN village_disclosures d ON d.id = i.disclosure_id WHERE d.village_id = ?) || '/' ||
		COALESCE((SELECT MAX(i.xmin::text::bigint) FROM village_disclosure_items i JOIN village_disclosures d ON d.id = i.disclosure_id WHERE d.village_id = ?), 0)`
	args := []any{villageID, villageID, villageID, villageID}
	if villageID == 0 {
		q = `SELECT (SELECT COUNT(*) FROM village_disclosures) || '/' || COALESCE((SELECT MAX(xmin::text::bigint) FROM village_disclosures), 0)`
		args = nil
	}
	var v string
	if err := m.DB.Q(ctx).QueryRowContext(ctx, q, args...).Scan(&v); err != nil {
		return ""
	}
	return v
}

// fileVersion is the version of an SQLite store: the modification times
// and sizes of the database file and its write-ahead log.
type fileVersion struct {
	mu   sync.Mutex
	path string
	fd   [2]int // -1: not open
	last [2]fileStamp
	str  string
}

// fileStamp is what a commit changes in a file; ok is false when the file
// does not exist.
type fileStamp struct {
	sec, nsec, size int64
	ok              bool
}

func (v *fileVersion) version(path string) string {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.path != path {
		v.closeFiles()
		v.path, v.fd, v.str = path, [2]int{-1, -1}, ""
	}
	var now [2]fileStamp
	for i, f := range [2]string{path, path + "-wal"} {
		now[i] = v.stamp(i, f)
	}
	if v.str == "" || now != v.last {
		b := make([]byte, 0, 64)
		for _, s := range now {
			if !s.ok {
				b = append(b, '-')
				continue
			}
			b = strconv.AppendInt(b, s.sec*1e9+s.nsec, 36)
			b = append(b, '.')
			b = strconv.AppendInt(b, s.size, 36)
			b = append(b, '/')
		}
		v.last, v.str = now, string(b)
	}
	return v.str
}

// stamp reads file i (name f) through its held descriptor. A descriptor
// whose file was unlinked (a write-ahead log removed when the last
// connection closed, a store restored over the old one) is reopened by
// name, so the stamp is always that of the file the name points to now.
func (v *fileVersion) stamp(i int, f string) fileStamp {
	var st syscall.Stat_t
	if v.fd[i] >= 0 {
		if err := syscall.Fstat(v.fd[i], &st); err == nil && st.Nlink > 0 {
			return fileStamp{st.Mtim.Sec, st.Mtim.Nsec, st.Size, true}
		}
		syscall.Close(v.fd[i])
		v.fd[i] = -1
	}
	fd, err := syscall.Open(f, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return fileStamp{}
	}
	if err := syscall.Fstat(fd, &st); err != nil {
		syscall.Close(fd)
		return fileStamp{}
	}
	v.fd[i] = fd
	return fileStamp{st.Mtim.Sec, st.Mtim.Nsec, st.Size, true}
}

func (v *fileVersion) closeFiles() {
	for i, fd := range v.fd {
		if fd >= 0 {
			syscall.Close(fd)
		}
		v.fd[i] = -1
	}
}

var pubCaches sync.Map // *Module → *pubCache

func (m *Module) pubCache() *pubCache {
	if c, ok := pubCaches.Load(m); ok {
		return c.(*pubCache)
	}
	c, _ := pubCaches.LoadOrStore(m, &pubCache{entries: map[string]*pubEntry{}, building: map[string]*pubBuild{}})
	return c.(*pubCache)
}

// bufWriter captures a rendered page.
type bufWriter struct {
	h      http.Header
	buf    bytes.Buffer
	status int
}

func (b *bufWriter) Header() http.Header         { return b.h }
func (b *bufWriter) Write(p []byte) (int, error) { return b.buf.Write(p) }
func (b *bufWriter) WriteHeader(s int)           { b.status = s }

// servePublic answers a public GET from the cache, with Cache-Control,
// ETag and (for a page kept max-age seconds) Last-Modified, and 304 when
// the client's copy is current. An
// entry whose store version has moved is rebuilt before anything is
// served; one that is only older than publicTTL is rebuilt by one request
// while the others still get it (its disclosures are those of the current
// version). Concurrent rebuilds of a key for one version are one.
func (m *Module) servePublic(w http.ResponseWriter, r *http.Request, key string, maxAge int, version string, build func() ([]byte, string, error)) error {
	c := m.pubCache()
	now := time.Now()
	c.mu.Lock()
	e := c.entries[key]
	fresh := e != nil && e.version == version && now.Sub(e.at) < publicTTL
	if !fresh && e != nil && e.version == version && version != "" && c.building[key] != nil {
		fresh = true // being rebuilt for the same version: serve it meanwhile
	}
	c.mu.Unlock()
	if !fresh {
		ne, err := m.rebuildPublic(c, key, maxAge, version, e, now, build)
		if err != nil {
			return err
		}
		e = ne
	}
	br := e.br != nil && accepts(r, "br")
	gz := !br && e.gz != nil && acceptsGzip(r)
	hd := w.Header()
	hd["Cache-Control"] = e.hCache
	etag := e.etag
	switch {
	case br:
		etag = e.brETag
		hd["Etag"] = e.hBrETag
	case gz:
		etag = e.gzETag
		hd["Etag"] = e.hGzETag
	default:
		hd["Etag"] = e.hETag
	}
	if e.maxAge > 0 {
		// A page kept for a while says when it changed. One revalidated on
		// every use (no-cache: a QR check) has its strong ETag for that,
		// and 46 fewer header bytes (one write to the socket, not two).
		hd["Last-Modified"] = e.hMod
	}
	if _, ok := hd["Vary"]; ok {
		hd.Add("Vary", hdrVary[0])
	} else {
		hd["Vary"] = hdrVary
	}
	if notModified(r, etag, e.mod) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	hd["Content-Type"] = e.hType
	body := e.body
	if br {
		hd["Content-Encoding"] = hdrBrotli
		hd["Content-Length"] = e.hBrLen
		body = e.br
	} else if gz {
		hd["Content-Encoding"] = hdrGzip
		hd["Content-Length"] = e.hGzLen
		body = e.gz
	} else {
		hd["Content-Length"] = e.hLen
	}
	// A failed write means the client has gone: there is nobody to send
	// an error page to (and the status line has been sent).
	_, _ = w.Write(body)
	return nil
}

// notModified reports a conditional GET that the client's copy (entity
// tag etag, last modified at mod) satisfies.
func notModified(r *http.Request, etag string, mod time.Time) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, t := range strings.Split(inm, ",") {
			if t = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(t), "W/")); t == etag || t == "*" {
				return true
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" {
		if t, err := http.ParseTime(ims); err == nil && !mod.After(t) {
			return true
		}
	}
	return false
}

// rebuildPublic renders key for version, or waits for the rebuild of the
// same key and version that another request has under way.
func (m *Module) rebuildPublic(c *pubCache, key string, maxAge int, version string, old *pubEntry, now time.Time, build func() ([]byte, string, error)) (*pubEntry, error) {
	c.mu.Lock()
	if b := c.building[key]; b != nil && b.version == version && version != "" {
		c.mu.Unlock()
		<-b.done
		if b.err == nil && b.e != nil {
			return b.e, nil
		}
		// The other request's build failed (its client may have gone):
		// this one tries for itself.
		return m.buildPublic(key, maxAge, version, old, now, build)
	}
	b := &pubBuild{version: version, done: make(chan struct{})}
	c.building[key] = b
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		if c.building[key] == b {
			delete(c.building, key)
		}
		c.mu.Unlock()
		close(b.done)
	}()
	b.e, b.err = m.buildPublic(key, maxAge, version, old, now, build)
	if b.err != nil {
		return nil, b.err
	}
	c.mu.Lock()
	if len(c.entries) >= maxPublicEntries {
		c.entries = map[string]*pubEntry{}
	}
	c.entries[key] = b.e
	c.mu.Unlock()
	return b.e, nil
}

// buildPublic renders a page into a new entry.
func (m *Module) buildPublic(key string, maxAge int, version string, old *pubEntry, now time.Time, build func() ([]byte, string, error)) (*pubEntry, error) {
	body, ctype, err := build()
	if err != nil {
		return nil, err
	}
	if old != nil && old.maxAge == maxAge && old.ctype == ctype && bytes.Equal(old.body, body) {
		// Unchanged content (the usual rebuild once a second) keeps its
		// date, tags and compressed copy: nothing is compressed again.
		e := *old
		e.at, e.version = now, version
		return &e, nil
	}
	return newPubEntry(body, ctype, maxAge, now.UTC().Truncate(time.Second), now, version), nil
}

// renderPublic renders a page into bytes for the cache. The page is
// prepared as for an anonymous visitor: whoever is signed in, a cached
// public page carries nothing of theirs.
func (m *Module) renderPublic(r *http.Request, name string, pg *web.Page) ([]byte, string, error) {
	bw := &bufWriter{h: http.Header{}}
	if err := m.Views.Render(bw, anonymous(r), http.StatusOK, name, pg); err != nil {
		return nil, "", err
	}
	ctype := bw.h.Get("Content-Type")
	if strings.HasPrefix(ctype, "text/html") {
		return minifyHTML(bw.buf.Bytes()), ctype, nil
	}
	return bw.buf.Bytes(), ctype, nil
}

// anonymous is r without its principal (a public page is the same for all).
func anonymous(r *http.Request) *http.Request {
	if web.Principal(r) == nil {
		return r
	}
	r2 := r.Clone(anonCtx{r.Context()})
	r2.URL.RawQuery = ""
	return r2
}

// anonCtx hides the principal's context value from the views.
type anonCtx struct{ context.Context }

func (c anonCtx) Value(key any) any {
	v := c.Context.Value(key)
	if _, isPrincipal := v.(*auth.Principal); isPrincipal {
		return nil
	}
	return v
}

func jsonBytes(v any) ([]byte, string, error) {
	b, err := json.Marshal(v)
	return b, "application/json; charset=utf-8", err
}

// origin is the site's public address for QR codes: the configured
// PublicURL, else the address the request came in on.
func (m *Module) origin(r *http.Request) string {
	if m.PublicURL != "" {
		return m.PublicURL
	}
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// ---- public facts ----

// PublicVillage is what the portal says about a village.
type PublicVillage struct {
	ID           int64  `json:"id"`
	Name         string `json:"name"`
	Secretary    string `json:"secretary"`
	Households   int    `json:"households"`
	PartyMembers int    `json:"party_members"`
	OneShoulder  bool   `json:"one_shoulder"`
}

func publicVillage(v *directory.Village) PublicVillage {
	return PublicVillage{ID: v.ID, Name: v.Name, Secretary: v.Secretary, Households: v.Households, PartyMembers: v.PartyMembers, OneShoulder: v.OneShoulder}
}

// ---- /public ----

type portalHome struct {
	Villages []portalHomeVillage `json:"villages"`
}

type portalHomeVillage struct {
	PublicVillage
	Disclosures int    `json:"disclosures"`
	Latest      string `json:"latest_published_on"`
}

func (m *Module) portalHomeData(ctx context.Context) (*portalHome, error) {
	vs, err := m.Dir.VillageList(ctx)
	if err != nil {
		return nil, err
	}
	counts := map[int64]portalHomeVillage{}
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT village_id, COUNT(*), MAX(published_on) FROM village_disclosures WHERE status = 'published' GROUP BY village_id`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var h portalHomeVillage
		if err := rows.Scan(&id, &h.Disclosures, &h.Latest); err != nil {
			rows.Close()
			return nil, err
		}
		counts[id] = h
	}
	rows.Close()
	out := &portalHome{Villages: []portalHomeVillage{}}
	for i := range vs {
		h := counts[vs[i].ID]
		h.PublicVillage = publicVillage(&vs[i])
		out.Villages = append(out.Villages, h)
	}
	return out, rows.Err()
}

func (m *Module) pagePortalHome(w http.ResponseWriter, r *http.Request) error {
	return m.servePublic(w, r, "home:"+web.Lang(r), publicMaxAge, m.storeVersion(r.Context(), 0), func() ([]byte, string, error) {
		d, err := m.portalHomeData(r.Context())
		if err != nil {
			return nil, "", err
		}
		return m.renderPublic(r, "portal_home", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "portal.title"), D: d})
	})
}

func (m *Module) apiPortalHome(w http.ResponseWriter, r *http.Request) error {
	return m.servePublic(w, r, "api:home", publicMaxAge, m.storeVersion(r.Context(), 0), func() ([]byte, string, error) {
		d, err := m.portalHomeData(r.Context())
		if err != nil {
			return nil, "", err
		}
		return jsonBytes(d)
	})
}

// ---- /public/villages/{id} ----

// PortalBlock is one rendered part of a village's public page.
type PortalBlock struct {
	Key   string        `json:"key"`
	Title string        `json:"title"`
	HTML  template.HTML `json:"-"`
	Data  any           `json:"data"`
}

type portalVillage struct {
	Village PublicVillage `json:"village"`
	ChainOK bool          `json:"chain_ok"`
	Blocks  []PortalBlock `json:"blocks"`
}

// portalVillageData loads every part's block; with html, each is rendered
// through its page's "portal_block" in the request's language.
func (m *Module) portalVillageData(r *http.Request, v *directory.Village, html bool) (*portalVillage, error) {
	ctx := r.Context()
	out := &portalVillage{Village: publicVillage(v), ChainOK: true, Blocks: []PortalBlock{}}
	lang := web.Lang(r)
	for _, part := range portal() {
		if part.Load == nil {
			continue
		}
		b := PortalBlock{Key: part.Key, Title: m.Views.Cat.T(lang, part.Key)}
		data, err := part.Load(m, ctx, v.ID)
		if err == nil && html && part.Page != "" {
			pg := m.Views.Prepare(anonymous(r), &web.Page{D: data})
			pg.P, pg.Nav, pg.Flash = nil, nil, ""
			b.HTML, err = m.Views.Fragment(part.Page, "portal_block", pg)
		}
		if err != nil {
			// One part failing does not take the village's board down: its
			// block says so and the error goes to the log.
			web.Logger.Error("portal block", "part", part.Key, "village", v.ID, "err", err)
			b.HTML = template.HTML(`<p class="alert alert-warn">` + template.HTMLEscapeString(m.Views.Cat.T(lang, "portal.block_failed")) + `</p>`)
			data = nil
		}
		if db, ok := data.(*disclosuresBlock); ok && !db.Chain.OK {
			out.ChainOK = false
		} else if part.Key == "portal.disclosures" && data == nil {
			out.ChainOK = false
		}
		b.Data = data
		out.Blocks = append(out.Blocks, b)
	}
	return out, nil
}

func (m *Module) pagePortalVillage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return m.servePublic(w, r, "village:"+strconv.FormatInt(id, 10)+":"+web.Lang(r), publicMaxAge, m.storeVersion(r.Context(), id), func() ([]byte, string, error) {
		v, err := m.village(r.Context(), id)
		if err != nil {
			return nil, "", err
		}
		d, err := m.portalVillageData(r, v, true)
		if err != nil {
			return nil, "", err
		}
		return m.renderPublic(r, "portal_village", &web.Page{Title: v.Name + " · " + m.Views.Cat.T(web.Lang(r), "portal.board"), D: d})
	})
}

func (m *Module) apiPortalVillage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return m.servePublic(w, r, fmt.Sprintf("api:village:%d:%s", id, web.Lang(r)), publicMaxAge, m.storeVersion(r.Context(), id), func() ([]byte, string, error) {
		v, err := m.village(r.Context(), id)
		if err != nil {
			return nil, "", err
		}
		d, err := m.portalVillageData(r, v, false)
		if err != nil {
			return nil, "", err
		}
		slides, err := m.slides(r.Context(), v.ID)
		if err != nil {
			return nil, "", err
		}
		return jsonBytes(struct {
			*portalVillage
			Slides []Slide `json:"slides"`
		}{d, slides})
	})
}

// ---- the disclosures block ----

// disclosuresBlock is the disclosures part of a village's public page: the
// current version of every published disclosure, newest period first, the
// superseded versions, and whether the village's chain verifies.
type disclosuresBlock struct {
	VillageID int64         `json:"village_id"`
	Current   []*Disclosure `json:"current"`
	History   []*Disclosure `json:"superseded"`
	Chain     ChainCheck    `json:"chain"`
}

// ByKind returns the current disclosures of a kind (for the template).
func (b *disclosuresBlock) ByKind(kind string) []*Disclosure {
	var out []*Disclosure
	for _, d := range b.Current {
		if d.Kind == kind {
			out = append(out, d)
		}
	}
	return out
}

// Kinds lists the kinds in page order.
func (b *disclosuresBlock) Kinds() []string { return DisclosureKinds }

func loadDisclosuresBlock(m *Module, ctx context.Context, villageID int64) (any, error) {
	ds, err := m.villageDisclosures(ctx, villageID, DisclosureFilter{PublishedOnly: true})
	if err != nil {
		return nil, err
	}
	b := &disclosuresBlock{VillageID: villageID, Current: []*Disclosure{}, History: []*Disclosure{}}
	for _, d := range ds {
		if d.Status == StatusSuperseded {
			b.History = append(b.History, d)
		} else {
			b.Current = append(b.Current, d)
		}
	}
	if b.Chain, err = m.VerifyVillage(ctx, villageID); err != nil {
		return nil, err
	}
	return b, nil
}

// disclosureSlides gives the screen the latest disclosure of each kind,
// and a warning slide first when the village's chain does not verify.
func disclosureSlides(m *Module, ctx context.Context, villageID int64) ([]Slide, error) {
	data, err := loadDisclosuresBlock(m, ctx, villageID)
	if err != nil {
		return nil, err
	}
	b := data.(*disclosuresBlock)
	var out []Slide
	if !b.Chain.OK {
		s := Slide{Kind: "disclosure", Title: "公开记录校验未通过：已被篡改", Sub: "Published records fail verification: altered", Alert: true}
		if b.Chain.Break != nil {
			s.Lines = []string{b.Chain.Break.String()}
		}
		out = append(out, s)
	}
	for _, k := range DisclosureKinds {
		ds := b.ByKind(k)
		if len(ds) == 0 {
			continue
		}
		d := ds[0]
		s := Slide{Kind: "disclosure", Title: fmt.Sprintf("%s公开 · %s", kindZh(d.Kind), d.Period), Sub: d.Title}
		if d.Version > 1 {
			s.Sub += fmt.Sprintf("（第 %d 版，更正理由：%s）", d.Version, d.Reason)
		}
		for i, it := range d.Items {
			if i == 7 {
				s.Lines = append(s.Lines, fmt.Sprintf("…… 共 %d 项，详见公开栏", len(d.Items)))
				break
			}
			line := it.Title
			if it.Body != "" && it.AmountFen == nil {
				line += "：" + clip(it.Body, 42)
			}
			if it.AmountFen != nil {
				line += "　" + discYuan(*it.AmountFen) + " 元"
			}
			s.Lines = append(s.Lines, line)
		}
		if len(d.Items) == 0 && d.Body != "" {
			s.Lines = append(s.Lines, d.Body)
		}
		out = append(out, s)
	}
	return out, nil
}

// clip shortens s to n characters with an ellipsis.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// discYuan formats fen as yuan with thousands separators.
func discYuan(fen int64) string {
	neg := fen < 0
	if neg {
		fen = -fen
	}
	s := fmt.Sprintf("%d.%02d", fen/100, fen%100)
	// thousands separators
	intPart, frac := s[:len(s)-3], s[len(s)-3:]
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String() + frac
	}
	return b.String() + frac
}

// ---- /public/disclosures/{id} ----

// PublicDisclosure is a published disclosure as anyone may check it: its
// content, its versions, and whether the village's chain verifies.
type PublicDisclosure struct {
	*Disclosure
	Village   PublicVillage `json:"village"`
	ChainOK   bool          `json:"chain_ok"`
	ContentOK bool          `json:"content_ok"` // this record's own hash matches its content
	Chain     ChainCheck    `json:"chain"`
	History   []*Disclosure `json:"versions"`
	URL       string        `json:"url"`
	QR        string        `json:"qr"`
	Printed   *PrintedCheck `json:"printed,omitempty"`
	Latest    int64         `json:"latest_id"`
}

// PrintedCheck compares the hash printed under a QR code with the record.
type PrintedCheck struct {
	Given   string `json:"given"`
	Matches bool   `json:"matches"` // the printed hash is this record's and the chain verifies
}

func (m *Module) publicDisclosure(r *http.Request) (*PublicDisclosure, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	d, err := m.disclosure(ctx, id)
	if err != nil {
		return nil, err
	}
	if !d.Published() {
		return nil, errs.NotFoundf("公开") // drafts are never public
	}
	v, err := m.village(ctx, d.VillageID)
	if err != nil {
		return nil, err
	}
	d.VillageName = v.Name
	c, err := m.VerifyVillage(ctx, d.VillageID)
	if err != nil {
		return nil, err
	}
	hist, err := m.history(ctx, d.SeriesID, true)
	if err != nil {
		return nil, err
	}
	pd := &PublicDisclosure{Disclosure: d, Village: publicVillage(v), Chain: c, History: hist, Latest: d.ID,
		ContentOK: chain.Hash(d.PrevHash, disclosurePayload(d)) == d.Hash}
	pd.ChainOK = c.OK && pd.ContentOK
	for _, h := range hist {
		if h.Status != StatusSuperseded {
			pd.Latest = h.ID
		}
	}
	pd.URL = fmt.Sprintf("%s/public/disclosures/%d?h=%s", m.origin(r), d.ID, d.Short())
	pd.QR = fmt.Sprintf("/public/disclosures/%d/qr.png", d.ID)
	if h := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("h"))); h != "" {
		if len(h) > 64 {
			h = h[:64]
		}
		pd.Printed = &PrintedCheck{Given: h, Matches: h == d.Short() && pd.ChainOK}
	}
	return pd, nil
}

// disclosureCacheKey keys a disclosure's public page or JSON, and returns
// the store version of its village: the cached copy is rebuilt — its chain
// walked again — as soon as anything of that village's disclosures changes
// in the store, through the application or behind its back, so a QR check
// never reads a stale "not altered". Only the plain page and the one
// printed hash that can match (16 hex digits) are cached, so made-up ?h=
// values cannot flood the cache.
func (m *Module) disclosureCacheKey(r *http.Request, kind string) (key, version string, ok bool) {
	id, err := pathID(r)
	if err != nil {
		return "", "", false
	}
	h := ""
	if r.URL.RawQuery != "" {
		h = strings.ToLower(strings.TrimSpace(r.URL.Query().Get("h")))
	}
	if h != "" && (len(h) != 16 || strings.Trim(h, "0123456789abcdef") != "") {
		return "", "", false
	}
	// A disclosure never moves to another village, so its village is
	// looked up once per process.
	var village int64
	if v, ok := m.pubCache().villages.Load(id); ok {
		village = v.(int64)
	} else {
		if err := m.DB.Q(r.Context()).QueryRowContext(r.Context(), `SELECT village_id FROM village_disclosures WHERE id = ?`, id).Scan(&village); err != nil {
			return "", "", false
		}
		m.pubCache().villages.Store(id, village)
	}
	version = m.storeVersion(r.Context(), village)
	if version == "" {
		return "", "", false
	}
	return kind + ":disclosure:" + strconv.FormatInt(id, 10) + ":" + h + ":" + web.Lang(r), version, true
}

func (m *Module) pagePublicDisclosure(w http.ResponseWriter, r *http.Request) error {
	build := func() ([]byte, string, error) {
		pd, err := m.publicDisclosure(r)
		if err != nil {
			return nil, "", err
		}
		return m.renderPublic(r, "portal_disclosure", &web.Page{Title: pd.Title, D: pd})
	}
	if key, version, ok := m.disclosureCacheKey(r, "page"); ok {
		return m.servePublic(w, r, key, 0, version, build)
	}
	body, ctype, err := build()
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("Content-Type", ctype)
	_, err = w.Write(body)
	return err
}

func (m *Module) apiPublicDisclosure(w http.ResponseWriter, r *http.Request) error {
	build := func() ([]byte, string, error) {
		pd, err := m.publicDisclosure(r)
		if err != nil {
			return nil, "", err
		}
		return jsonBytes(pd)
	}
	if key, version, ok := m.disclosureCacheKey(r, "api"); ok {
		return m.servePublic(w, r, key, 0, version, build)
	}
	body, ctype, err := build()
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("Content-Type", ctype)
	_, err = w.Write(body)
	return err
}

// qrPNG serves the QR code of a published disclosure: its public page with
// the first 16 hex digits of its hash, for the printed bulletin-board copy.
func (m *Module) qrPNG(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var hash, status string
	err = m.DB.Q(r.Context()).QueryRowContext(r.Context(), `SELECT hash, status FROM village_disclosures WHERE id = ?`, id).Scan(&hash, &status)
	if err != nil || status == StatusDraft || len(hash) < 16 {
		return errs.NotFoundf("公开")
	}
	url := fmt.Sprintf("%s/public/disclosures/%d?h=%s", m.origin(r), id, hash[:16])
	return m.servePublic(w, r, "qr:"+url, 86400, "", func() ([]byte, string, error) {
		png, err := qrcode.Encode(url, qrcode.Medium, 320)
		return png, "image/png", err
	})
}

// villageQR is the QR code of a village's public page (shown on the
// electronic screen and the portal).
func (m *Module) villageQR(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	url := fmt.Sprintf("%s/public/villages/%d", m.origin(r), id)
	return m.servePublic(w, r, "qr:"+url, 86400, "", func() ([]byte, string, error) {
		if _, err := m.village(r.Context(), id); err != nil {
			return nil, "", err
		}
		png, err := qrcode.Encode(url, qrcode.Medium, 320)
		return png, "image/png", err
	})
}

func init() {
	routeParts = append(routeParts, func(m *Module, r *web.Router) {
		r.Handle("GET /public", web.Handler(m.pagePortalHome))
		r.Handle("GET /api/v1/public/villages", web.Handler(m.apiPortalHome))
		r.Handle("GET /public/villages/{id}", web.Handler(m.pagePortalVillage))
		r.Handle("GET /public/villages/{id}/qr.png", web.Handler(m.villageQR))
		r.Handle("GET /api/v1/public/villages/{id}", web.Handler(m.apiPortalVillage))
		r.Handle("GET /public/disclosures/{id}", web.Handler(m.pagePublicDisclosure))
		r.Handle("GET /public/disclosures/{id}/qr.png", web.Handler(m.qrPNG))
		r.Handle("GET /api/v1/public/disclosures/{id}", web.Handler(m.apiPublicDisclosure))
	})
	portalParts = append(portalParts, PortalPart{Order: 10, Key: "portal.disclosures", Page: "disclosures_portal", Load: loadDisclosuresBlock, Screen: disclosureSlides})
}
