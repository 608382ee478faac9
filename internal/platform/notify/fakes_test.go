package notify_test

// Protocol peers on loopback: a WeCom group robot, a DingTalk custom robot
// and an SMTP server, each checking what we send against the vendor's
// documented format (see wecom.go, dingtalk.go) and answering with the
// vendor's documented codes. They are deliberately written from the docs,
// not from our sender, and decode strictly (unknown fields are errors).

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"zhongshu/internal/platform/clock"
)

var mobileRE = regexp.MustCompile(`^1[3-9]\d{9}$`)

// script decides the fate of the n-th request (0-based) before the peer
// looks at it: a status other than 0 answers with that HTTP status; hang
// makes the peer sit on the request until the client gives up.
type script func(n int) (status int, hang bool)

// peer is what both fake robots share: a request log by the injected clock,
// the 20-a-minute rule, and the scripted failures.
type peer struct {
	t      *testing.T
	clk    clock.Clock
	srv    *httptest.Server
	mu     sync.Mutex
	seen   []time.Time // every request that reached the peer
	script script
	// shared, when set, says another system also posts through this robot,
	// so going over 20 a minute is expected and not our fault.
	shared bool
}

// arrive logs a request and reports whether the robot would accept it
// under its rate limit: no more than 20 in any 60 s.
func (p *peer) arrive() (n int, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.clk.Now()
	p.seen = append(p.seen, now)
	inWindow := 0
	for _, t := range p.seen {
		if t.After(now.Add(-time.Minute)) {
			inWindow++
		}
	}
	return len(p.seen) - 1, inWindow <= 20
}

func (p *peer) requests() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.seen)
}

// scripted applies the script; true means the request was answered.
func (p *peer) scripted(w http.ResponseWriter, r *http.Request, n int) bool {
	if p.script == nil {
		return false
	}
	status, hang := p.script(n)
	if hang {
		// Drain the body first: only then does net/http watch the
		// connection and cancel r.Context() when the client gives up.
		io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
		return true
	}
	if status != 0 {
		w.WriteHeader(status)
		fmt.Fprint(w, "<html>upstream error</html>")
		return true
	}
	return false
}

func reply(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	json.NewEncoder(w).Encode(map[string]any{"errcode": code, "errmsg": msg})
}

// strictJSON decodes exactly one JSON value with no unknown fields.
func strictJSON(r *http.Request, v any) error {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return fmt.Errorf("Content-Type %q, want application/json", r.Header.Get("Content-Type"))
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	if !utf8.Valid(body) {
		return fmt.Errorf("body is not UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("trailing data after the JSON object")
	}
	return nil
}

// ---- WeCom ----

type weComText struct {
	Content             *string  `json:"content"`
	MentionedList       []string `json:"mentioned_list"`
	MentionedMobileList []string `json:"mentioned_mobile_list"`
}

type weComMarkdown struct {
	Content *string `json:"content"`
}

type weComMsg struct {
	MsgType  string         `json:"msgtype"`
	Text     *weComText     `json:"text"`
	Markdown *weComMarkdown `json:"markdown"`
}

type fakeWeCom struct {
	peer
	key string
	got []weComMsg // accepted messages
}

func newFakeWeCom(t *testing.T, clk clock.Clock, key string) *fakeWeCom {
	f := &fakeWeCom{peer: peer{t: t, clk: clk}, key: key}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeWeCom) url() string { return f.srv.URL + "/cgi-bin/webhook/send?key=" + f.key }

func (f *fakeWeCom) messages() []weComMsg {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]weComMsg(nil), f.got...)
}

func (f *fakeWeCom) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		f.t.Errorf("wecom: method %s, want POST", r.Method)
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	if r.URL.Path != "/cgi-bin/webhook/send" {
		f.t.Errorf("wecom: path %s", r.URL.Path)
		w.WriteHeader(http.StatusNotFound)
		return
	}
	n, ok := f.arrive()
	if f.scripted(w, r, n) {
		return
	}
	if r.URL.Query().Get("key") != f.key {
		reply(w, 93000, "invalid webhook url, hint: [fake]")
		return
	}
	if !ok {
		if !f.shared {
			f.t.Errorf("wecom: more than 20 messages within 60 s")
		}
		reply(w, 45009, "api freq out of limit")
		return
	}
	var m weComMsg
	if err := strictJSON(r, &m); err != nil {
		f.t.Errorf("wecom: payload: %v", err)
		reply(w, 40058, "invalid parameter")
		return
	}
	if err := checkWeCom(m); err != nil {
		f.t.Errorf("wecom: %v", err)
		reply(w, 40058, err.Error())
		return
	}
	f.mu.Lock()
	f.got = append(f.got, m)
	f.mu.Unlock()
	reply(w, 0, "ok")
}

// checkWeCom holds a payload to 群机器人配置说明.
func checkWeCom(m weComMsg) error {
	switch m.MsgType {
	case "text":
		if m.Text == nil || m.Markdown != nil {
			return fmt.Errorf("msgtype text needs exactly the text object")
		}
		if m.Text.Content == nil || *m.Text.Content == "" {
			return fmt.Errorf("text.content is empty")
		}
		if n := len(*m.Text.Content); n > 2048 {
			return fmt.Errorf("text.content is %d bytes, limit 2048", n)
		}
		for _, mob := range m.Text.MentionedMobileList {
			if mob != "@all" && !mobileRE.MatchString(mob) {
				return fmt.Errorf("mentioned_mobile_list holds %q", mob)
			}
		}
	case "markdown":
		if m.Markdown == nil || m.Text != nil {
			return fmt.Errorf("msgtype markdown needs exactly the markdown object")
		}
		if m.Markdown.Content == nil || *m.Markdown.Content == "" {
			return fmt.Errorf("markdown.content is empty")
		}
		if n := len(*m.Markdown.Content); n > 4096 {
			return fmt.Errorf("markdown.content is %d bytes, limit 4096", n)
		}
	default:
		return fmt.Errorf("msgtype %q is not text or markdown", m.MsgType)
	}
	return nil
}

// ---- DingTalk ----

type dingText struct {
	Content *string `json:"content"`
}

type dingMarkdown struct {
	Title *string `json:"title"`
	Text  *string `json:"text"`
}

type dingAt struct {
	AtMobiles []string `json:"atMobiles"`
	AtUserIds []string `json:"atUserIds"`
	IsAtAll   bool     `json:"isAtAll"`
}

type dingMsg struct {
	MsgType  string        `json:"msgtype"`
	Text     *dingText     `json:"text"`
	Markdown *dingMarkdown `json:"markdown"`
	At       *dingAt       `json:"at"`
}

type fakeDingTalk struct {
	peer
	token, secret string
	got           []dingMsg
}

func newFakeDingTalk(t *testing.T, clk clock.Clock, token, secret string) *fakeDingTalk {
	f := &fakeDingTalk{peer: peer{t: t, clk: clk}, token: token, secret: secret}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeDingTalk) url() string { return f.srv.URL + "/robot/send?access_token=" + f.token }

func (f *fakeDingTalk) messages() []dingMsg {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]dingMsg(nil), f.got...)
}

func (f *fakeDingTalk) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/robot/send" {
		f.t.Errorf("dingtalk: %s %s", r.Method, r.URL.Path)
		w.WriteHeader(http.StatusNotFound)
		return
	}
	n, ok := f.arrive()
	if f.scripted(w, r, n) {
		return
	}
	q := r.URL.Query()
	if q.Get("access_token") != f.token {
		reply(w, 300001, "token is not exist")
		return
	}
	if f.secret != "" {
		// 自定义机器人安全设置 / 加签: timestamp in ms within an hour of
		// our time, sign = urlEncode(base64(HmacSHA256(secret, ts+"\n"+secret))).
		// Query() has already undone the urlEncode.
		ms, err := strconv.ParseInt(q.Get("timestamp"), 10, 64)
		if err != nil {
			reply(w, 310000, "sign not match: no timestamp")
			return
		}
		if d := f.clk.Now().Sub(time.UnixMilli(ms)); d > time.Hour || d < -time.Hour {
			reply(w, 310000, "sign not match: timestamp more than an hour off")
			return
		}
		mac := hmac.New(sha256.New, []byte(f.secret))
		mac.Write([]byte(q.Get("timestamp") + "\n" + f.secret))
		want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
		if !hmac.Equal([]byte(q.Get("sign")), []byte(want)) {
			reply(w, 310000, "sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]")
			return
		}
	}
	if !ok {
		if !f.shared {
			f.t.Errorf("dingtalk: more than 20 messages within 60 s")
		}
		reply(w, 130101, "send too fast, exceed 20 times per minute")
		return
	}
	var m dingMsg
	if err := strictJSON(r, &m); err != nil {
		f.t.Errorf("dingtalk: payload: %v", err)
		reply(w, 400, "invalid payload")
		return
	}
	if err := checkDingTalk(m); err != nil {
		f.t.Errorf("dingtalk: %v", err)
		reply(w, 400, err.Error())
		return
	}
	f.mu.Lock()
	f.got = append(f.got, m)
	f.mu.Unlock()
	reply(w, 0, "ok")
}

// checkDingTalk holds a payload to 消息类型及数据格式.
func checkDingTalk(m dingMsg) error {
	var content string
	switch m.MsgType {
	case "text":
		if m.Text == nil || m.Markdown != nil || m.Text.Content == nil || *m.Text.Content == "" {
			return fmt.Errorf("msgtype text needs a non-empty text.content and nothing else")
		}
		content = *m.Text.Content
	case "markdown":
		if m.Markdown == nil || m.Text != nil || m.Markdown.Title == nil || *m.Markdown.Title == "" || m.Markdown.Text == nil || *m.Markdown.Text == "" {
			return fmt.Errorf("msgtype markdown needs a non-empty markdown.title and markdown.text and nothing else")
		}
		content = *m.Markdown.Text
	default:
		return fmt.Errorf("msgtype %q is not text or markdown", m.MsgType)
	}
	if len(content) > 4096 {
		return fmt.Errorf("content is %d bytes", len(content))
	}
	if m.At != nil {
		for _, mob := range m.At.AtMobiles {
			if !mobileRE.MatchString(mob) {
				return fmt.Errorf("atMobiles holds %q", mob)
			}
			if !strings.Contains(content, "@"+mob) {
				return fmt.Errorf("atMobiles has %s but the content does not mention @%s", mob, mob)
			}
		}
	}
	return nil
}

// ---- SMTP ----

// selfSigned makes a certificate for 127.0.0.1 / localhost, valid now (by
// the real clock, which is what TLS checks), and a pool that trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "fake smtp"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}, pool
}

type mailIn struct {
	From   string
	To     []string
	Data   string
	TLS    bool
	Authed bool
}

// fakeSMTP is a minimal ESMTP server (RFC 5321) with STARTTLS (RFC 3207)
// and AUTH PLAIN (RFC 4954) offered only after TLS, as real submission
// servers do.
type fakeSMTP struct {
	t          *testing.T
	ln         net.Listener
	tlsCfg     *tls.Config
	user, pass string
	mu         sync.Mutex
	mails      []mailIn
	wg         sync.WaitGroup
}

func newFakeSMTP(t *testing.T, user, pass string) (*fakeSMTP, *x509.CertPool) {
	cert, pool := selfSigned(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeSMTP{t: t, ln: ln, tlsCfg: &tls.Config{Certificates: []tls.Certificate{cert}}, user: user, pass: pass}
	f.wg.Add(1)
	go f.accept()
	t.Cleanup(func() { ln.Close(); f.wg.Wait() })
	return f, pool
}

func (f *fakeSMTP) port() int { return f.ln.Addr().(*net.TCPAddr).Port }

func (f *fakeSMTP) received() []mailIn {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]mailIn(nil), f.mails...)
}

func (f *fakeSMTP) accept() {
	defer f.wg.Done()
	for {
		c, err := f.ln.Accept()
		if err != nil {
			return
		}
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(10 * time.Second))
			f.session(c)
		}()
	}
}

func (f *fakeSMTP) session(conn net.Conn) {
	rd, wr := bufio.NewReader(conn), bufio.NewWriter(conn)
	say := func(s string) { wr.WriteString(s + "\r\n"); wr.Flush() }
	var m mailIn
	say("220 fake.test ESMTP")
	for {
		line, err := rd.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			if m.TLS {
				say("250-fake.test\r\n250-AUTH PLAIN\r\n250 8BITMIME")
			} else {
				say("250-fake.test\r\n250-STARTTLS\r\n250 8BITMIME")
			}
		case "STARTTLS":
			say("220 2.0.0 ready to start TLS")
			tc := tls.Server(conn, f.tlsCfg)
			if err := tc.Handshake(); err != nil {
				f.t.Errorf("smtp: TLS handshake: %v", err)
				return
			}
			conn = tc
			rd, wr = bufio.NewReader(conn), bufio.NewWriter(conn)
			m = mailIn{TLS: true} // RFC 3207 §4.2: forget everything from before TLS
		case "AUTH":
			mech, ir, _ := strings.Cut(arg, " ")
			if !m.TLS {
				say("538 5.7.11 encryption required")
				continue
			}
			if !strings.EqualFold(mech, "PLAIN") {
				say("504 5.5.4 mechanism not supported")
				continue
			}
			raw, err := base64.StdEncoding.DecodeString(ir)
			parts := strings.Split(string(raw), "\x00")
			if err != nil || len(parts) != 3 || parts[1] != f.user || parts[2] != f.pass {
				say("535 5.7.8 authentication credentials invalid")
				continue
			}
			m.Authed = true
			say("235 2.7.0 authentication successful")
		case "MAIL":
			if !m.Authed {
				say("530 5.7.0 authentication required")
				continue
			}
			m.From = addrOf(arg)
			say("250 2.1.0 ok")
		case "RCPT":
			m.To = append(m.To, addrOf(arg))
			say("250 2.1.5 ok")
		case "DATA":
			say("354 end with <CRLF>.<CRLF>")
			var b strings.Builder
			for {
				l, err := rd.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(strings.TrimPrefix(l, ".")) // undo dot-stuffing
			}
			m.Data = b.String()
			f.mu.Lock()
			f.mails = append(f.mails, m)
			f.mu.Unlock()
			m = mailIn{TLS: m.TLS, Authed: m.Authed}
			say("250 2.0.0 queued")
		case "RSET", "NOOP":
			say("250 2.0.0 ok")
		case "QUIT":
			say("221 2.0.0 bye")
			return
		default:
			say("502 5.5.2 command not recognised")
		}
	}
}

// addrOf takes the address out of "FROM:<a@b>" or "TO:<a@b> BODY=8BITMIME".
func addrOf(arg string) string {
	_, rest, _ := strings.Cut(arg, "<")
	a, _, _ := strings.Cut(rest, ">")
	return a
}
