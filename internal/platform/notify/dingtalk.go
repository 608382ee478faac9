package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DingTalk (钉钉) custom robot — 自定义机器人接入 / 自定义机器人安全设置,
// https://open.dingtalk.com/document/robots/custom-robot-access (formerly
// ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq). What we rely on, as
// confirmed against published copies of those pages (blog.csdn.net/
// lxw1844912514/article/details/125780346, cnblogs.com/Fogram-c/p/16992729
// .html, blog.csdn.net/weixin_43564241/article/details/139138811):
//
//   - POST https://oapi.dingtalk.com/robot/send?access_token=TOKEN, UTF-8
//     JSON; with 加签 also &timestamp=MS&sign=SIGN, where timestamp is the
//     sender's time in milliseconds and may differ from DingTalk's by at
//     most an hour, and sign = urlEncode(base64(HmacSHA256(key=secret,
//     data=timestamp+"\n"+secret)));
//   - text: {"msgtype":"text","text":{"content":"…"},"at":{"atMobiles":[…],
//     "isAtAll":false}}; markdown: {"msgtype":"markdown","markdown":
//     {"title":"…","text":"…"},"at":{…}} — title is what the chat list
//     previews;
//   - a mobile in atMobiles is highlighted only if the content also
//     contains "@mobile";
//   - reply {"errcode":0,"errmsg":"ok"}; 310000 when the signature,
//     keyword or IP check fails (incl. a timestamp more than an hour off;
//     github.com/x-cold/dingtalk-robot/issues/7 and others); 300001 "token
//     is not exist" (github.com/timonwong/prometheus-webhook-dingtalk/issues/91);
//     at most 20 messages a minute per robot, beyond which it answers 130101
//     "send too fast, exceed 20 times per minute" and throttles the robot
//     for 10 minutes (blog.csdn.net/jialiuyang/article/details/118615052).
//
// The pages give no byte limit for content; we bound it at WeCom's 4096 so
// one message reads the same in either vendor's groups.
const (
	dingTalkMax         = 4096
	dingTalkRateLimited = 130101
	dingTalkBan         = 10 * time.Minute
)

// dingTalkPermanent are errcodes that retrying cannot fix: a bad signature
// (or keyword / IP rule) and an unknown token (300005 is the same for
// robots of external groups).
var dingTalkPermanent = map[int]bool{310000: true, 300001: true, 300005: true}

type dingText struct {
	Content string `json:"content"`
}

type dingMarkdown struct {
	Title string `json:"title"`
	Text  string `json:"text"`
}

type dingAt struct {
	AtMobiles []string `json:"atMobiles,omitempty"`
	IsAtAll   bool     `json:"isAtAll"`
}

type dingPayload struct {
	MsgType  string        `json:"msgtype"`
	Text     *dingText     `json:"text,omitempty"`
	Markdown *dingMarkdown `json:"markdown,omitempty"`
	At       *dingAt       `json:"at,omitempty"`
}

// dingTalkBody builds the payload. Mentioned mobiles are appended to the
// content as "@mobile" (unless already there), after truncation, so that a
// long message never loses the mentions that are its point.
func dingTalkBody(m Message) dingPayload {
	var at *dingAt
	var tail []string
	content := withTitle(m)
	if len(m.Mentions) > 0 {
		at = &dingAt{}
		for _, mob := range m.Mentions {
			if mob == MentionAll {
				at.IsAtAll = true
				continue
			}
			at.AtMobiles = append(at.AtMobiles, mob)
			if !strings.Contains(content, "@"+mob) {
				tail = append(tail, "@"+mob)
			}
		}
	}
	suffix := ""
	if len(tail) > 0 {
		suffix = "\n" + strings.Join(tail, " ")
	}
	content = truncateBytes(content, dingTalkMax-len(suffix)) + suffix
	if m.Kind == Markdown {
		return dingPayload{MsgType: "markdown", Markdown: &dingMarkdown{Title: titleOf(m), Text: content}, At: at}
	}
	return dingPayload{MsgType: "text", Text: &dingText{Content: content}, At: at}
}

// dingTalkSign is the 加签 signature before URL encoding:
// base64(HmacSHA256(secret, timestamp + "\n" + secret)).
func dingTalkSign(secret string, timestampMS int64) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(timestampMS, 10) + "\n" + secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// signedURL adds timestamp and sign (url.Values encodes the base64, which is
// the documented urlEncode step).
func signedURL(raw, secret string, now time.Time) (string, string) {
	if secret == "" {
		return raw, ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return raw, ""
	}
	ms := now.UnixMilli()
	sign := dingTalkSign(secret, ms)
	q := u.Query()
	q.Set("timestamp", strconv.FormatInt(ms, 10))
	q.Set("sign", sign)
	u.RawQuery = q.Encode()
	return u.String(), sign
}

// sendDingTalk posts m to a DingTalk robot, signed with the injected clock
// (so a test clock far from real time is what the peer must check against).
func (s *Service) sendDingTalk(ctx context.Context, cfg config, m Message) result {
	target, sign := signedURL(cfg.URL, cfg.Secret, s.Clock.Now())
	r := s.postJSON(ctx, target, dingTalkBody(m), queryParam(cfg.URL, "access_token"), cfg.Secret, sign)
	if r.class != classOK || r.reply == nil {
		return r
	}
	switch code := r.code; {
	case code == 0:
	case code == dingTalkRateLimited:
		// DingTalk throttles the robot for ten minutes once it trips; coming
		// back sooner only collects more 130101s.
		r.fail(classSnooze, "DingTalk rate limit (errcode 130101): "+r.reply.ErrMsg)
		r.snooze = dingTalkBan
	case dingTalkPermanent[code]:
		r.fail(classPermanent, vendorErr("DingTalk", r.reply))
	default:
		r.fail(classRetry, vendorErr("DingTalk", r.reply))
	}
	return r
}
