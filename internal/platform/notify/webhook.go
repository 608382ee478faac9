package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// class is what a try's outcome means for the message.
type class int

const (
	classOK        class = iota
	classRetry           // transient: 5xx, timeout, unknown errcode — try again after the backoff
	classPermanent       // the same request can never succeed: 4xx, bad key, bad signature
	classSnooze          // rate limited: come back later, not counted as an attempt
)

// reply is both vendors' response envelope.
type reply struct {
	ErrCode *int   `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

// result is the outcome of one try.
type result struct {
	class    class
	status   int    // HTTP status, or SMTP reply code
	response string // the peer's answer, credentials removed
	err      error  // nil when class is classOK
	snooze   time.Duration
	code     int    // vendor errcode
	reply    *reply // parsed envelope of a 2xx answer
}

func (r *result) fail(c class, msg string) {
	r.class, r.err = c, errors.New(msg)
}

func vendorErr(vendor string, rep *reply) string {
	return fmt.Sprintf("%s errcode %d: %s", vendor, *rep.ErrCode, rep.ErrMsg)
}

// defaultHTTP is used when Service.HTTP is nil. Robots answer in well under
// a second; ten seconds covers a slow link without holding a worker long.
// Redirects are not followed: the request URL carries the robot's key, and
// neither vendor redirects its send endpoint.
var defaultHTTP = &http.Client{
	Timeout:       10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

func (s *Service) httpClient() *http.Client {
	if s.HTTP != nil {
		return s.HTTP
	}
	return defaultHTTP
}

func queryParam(raw, name string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Query().Get(name)
}

// maxReply bounds how much of an answer is read: both vendors answer with
// a few dozen bytes of JSON.
const maxReply = 64 << 10

// postJSON sends payload and classifies the HTTP-level outcome; the caller
// interprets the vendor's errcode. secrets are scrubbed from everything the
// result carries.
func (s *Service) postJSON(ctx context.Context, target string, payload any, secrets ...string) result {
	var r result
	body, err := json.Marshal(payload)
	if err != nil {
		r.fail(classPermanent, "encode payload: "+err.Error())
		return r
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		r.fail(classPermanent, "build request: "+redact(err.Error(), secrets...))
		return r
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Zhongshu-notify/1")
	resp, err := s.httpClient().Do(req)
	if err != nil {
		// url.Error quotes the full URL, key included; keep only the cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		r.fail(classRetry, "request failed: "+redact(err.Error(), secrets...))
		return r
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxReply))
	r.status = resp.StatusCode
	r.response = redact(string(raw), secrets...)
	switch st := resp.StatusCode; {
	case st == http.StatusTooManyRequests:
		r.fail(classSnooze, "HTTP 429 Too Many Requests")
		r.snooze = time.Minute
		return r
	case st >= 500:
		r.fail(classRetry, fmt.Sprintf("HTTP %d", st))
		return r
	case st >= 300:
		r.fail(classPermanent, fmt.Sprintf("HTTP %d", st))
		return r
	case st < 200:
		r.fail(classRetry, fmt.Sprintf("HTTP %d", st))
		return r
	}
	var rep reply
	if err := json.Unmarshal(raw, &rep); err != nil || rep.ErrCode == nil {
		// A 200 that is not the vendor's envelope is usually a proxy or
		// captive portal in the way, which tends to pass.
		r.fail(classRetry, "unexpected reply (no errcode)")
		return r
	}
	r.reply, r.code = &rep, *rep.ErrCode
	return r
}
