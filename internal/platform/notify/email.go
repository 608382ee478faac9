package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"zhongshu/internal/platform/clock"
)

// smtpTimeout bounds one whole SMTP conversation (real time: it is a
// network deadline, not a business one).
const smtpTimeout = 30 * time.Second

// sendEmail delivers m over SMTP: STARTTLS whenever the server offers it
// (implicit TLS on port 465), the server's certificate checked against
// ServerName, and AUTH PLAIN only inside TLS — or to a loopback relay, where
// nothing crosses a wire. A server that offers no STARTTLS gets the mail
// unauthenticated or, if we hold a password, not at all.
func (s *Service) sendEmail(ctx context.Context, cfg config, m Message, messageID int64) result {
	var r result
	addr := net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
	dial := s.Dial
	if dial == nil {
		dial = (&net.Dialer{Timeout: smtpTimeout}).DialContext
	}
	conn, err := dial(ctx, "tcp", addr)
	if err != nil {
		r.fail(classRetry, "connect "+addr+": "+redact(err.Error(), cfg.Password))
		return r
	}
	deadline := time.Now().Add(smtpTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	_ = conn.SetDeadline(deadline)
	tlsCfg := &tls.Config{ServerName: cfg.Host, RootCAs: s.RootCAs, MinVersion: tls.VersionTLS12}
	if cfg.Port == 465 {
		conn = tls.Client(conn, tlsCfg)
	}
	c, err := smtp.NewClient(conn, cfg.Host)
	if err != nil {
		conn.Close()
		return smtpFail(r, "greeting", err, cfg.Password)
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok && cfg.Port != 465 {
		if err := c.StartTLS(tlsCfg); err != nil {
			return smtpFail(r, "STARTTLS", err, cfg.Password)
		}
	}
	_, isTLS := c.TLSConnectionState()
	if cfg.User != "" {
		if !isTLS && !isLoopback(cfg.Host) {
			r.fail(classPermanent, "the SMTP server offers no STARTTLS; refusing to send the password in clear")
			return r
		}
		if ok, _ := c.Extension("AUTH"); !ok {
			r.fail(classPermanent, "the SMTP server does not offer AUTH")
			return r
		}
		if err := c.Auth(smtp.PlainAuth("", cfg.User, cfg.Password, cfg.Host)); err != nil {
			return smtpFail(r, "AUTH", err, cfg.Password)
		}
	}
	if err := c.Mail(cfg.From); err != nil {
		return smtpFail(r, "MAIL FROM", err, cfg.Password)
	}
	for _, to := range cfg.To {
		if err := c.Rcpt(to); err != nil {
			return smtpFail(r, "RCPT TO", err, cfg.Password)
		}
	}
	w, err := c.Data()
	if err != nil {
		return smtpFail(r, "DATA", err, cfg.Password)
	}
	if _, err := w.Write(s.emailBytes(cfg, m, messageID)); err != nil {
		return smtpFail(r, "DATA", err, cfg.Password)
	}
	if err := w.Close(); err != nil {
		return smtpFail(r, "end of DATA", err, cfg.Password)
	}
	_ = c.Quit() // the message is accepted; a failed QUIT changes nothing
	r.status = 250
	r.response = fmt.Sprintf("250 accepted by %s for %d recipient(s)", cfg.Host, len(cfg.To))
	return r
}

// smtpFail classifies an SMTP error: a 5xx reply is permanent (RFC 5321
// §4.2.1: the same command will fail again), anything else — 4xx, a
// dropped connection, a timeout, a TLS failure during a certificate
// renewal — is retried.
func smtpFail(r result, stage string, err error, secrets ...string) result {
	msg := stage + ": " + redact(err.Error(), secrets...)
	var te *textproto.Error
	if errors.As(err, &te) {
		r.status = te.Code
		r.response = redact(fmt.Sprintf("%d %s", te.Code, te.Msg), secrets...)
		if te.Code >= 500 {
			r.fail(classPermanent, msg)
			return r
		}
	}
	r.fail(classRetry, msg)
	return r
}

// emailBytes renders the message: a MIME-encoded UTF-8 subject (RFC 2047
// "B" encoding) and a base64 text/plain body in UTF-8, so that Chinese text
// survives servers without 8BITMIME. Markdown is sent as written: it reads
// well as plain text.
func (s *Service) emailBytes(cfg config, m Message, messageID int64) []byte {
	var b bytes.Buffer
	now := s.Clock.Now()
	to := make([]string, len(cfg.To))
	for i, a := range cfg.To {
		to[i] = (&mail.Address{Address: a}).String()
	}
	domain := "zhongshu.local"
	if _, d, ok := strings.Cut(cfg.From, "@"); ok {
		domain = d
	}
	fmt.Fprintf(&b, "From: %s\r\n", (&mail.Address{Address: cfg.From}).String())
	fmt.Fprintf(&b, "To: %s\r\n", strings.Join(to, ", "))
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.BEncoding.Encode("UTF-8", titleOf(m)))
	fmt.Fprintf(&b, "Date: %s\r\n", now.In(clock.Zone).Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <notify.%d.%d@%s>\r\n", messageID, now.UnixNano(), domain)
	b.WriteString("MIME-Version: 1.0\r\n")
	b.WriteString("Content-Type: text/plain; charset=UTF-8\r\n")
	b.WriteString("Content-Transfer-Encoding: base64\r\n\r\n")
	body := strings.ReplaceAll(strings.ReplaceAll(m.Body, "\r\n", "\n"), "\n", "\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(body))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return b.Bytes()
}
