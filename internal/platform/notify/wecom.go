package notify

import (
	"context"
	"time"
)

// WeCom (企业微信) group robot — 群机器人配置说明,
// https://developer.work.weixin.qq.com/document/path/91770 (also 99398).
// What we rely on, as confirmed against that page's published copies
// (e.g. github.com/walkthunder/action-wecom-webhook's parameter table,
// blog.csdn.net/LIFENG0402/article/details/111051239):
//
//   - POST https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY,
//     Content-Type application/json, UTF-8;
//   - text: {"msgtype":"text","text":{"content":"…","mentioned_list":[…],
//     "mentioned_mobile_list":["13800001111","@all"]}}, content at most
//     2048 bytes of UTF-8;
//   - markdown: {"msgtype":"markdown","markdown":{"content":"…"}}, content
//     at most 4096 bytes; markdown cannot @ anyone by mobile (only by
//     userid with <@userid>, which we do not have);
//   - reply {"errcode":0,"errmsg":"ok"}; each robot may send at most 20
//     messages a minute, beyond which it answers errcode 45009 ("api freq
//     out of limit"); 93000 is "invalid webhook url" (a wrong or deleted
//     key — seen in github.com/zema1/watchvuln/issues/146 and others).
const (
	wecomTextMax     = 2048
	wecomMarkdownMax = 4096
	wecomRateLimited = 45009
)

// wecomPermanent are errcodes that the same request can never get past.
// 93000 is confirmed above; 40008 (invalid message type), 40058 (invalid
// parameter) and 44004 (empty content) are from WeCom's global error-code
// list (全局错误码), not re-confirmed here. Anything else is retried.
var wecomPermanent = map[int]bool{93000: true, 40008: true, 40058: true, 44004: true}

type wecomText struct {
	Content             string   `json:"content"`
	MentionedMobileList []string `json:"mentioned_mobile_list,omitempty"`
}

type wecomMarkdown struct {
	Content string `json:"content"`
}

type wecomPayload struct {
	MsgType  string         `json:"msgtype"`
	Text     *wecomText     `json:"text,omitempty"`
	Markdown *wecomMarkdown `json:"markdown,omitempty"`
}

// wecomBody builds the robot payload. A markdown message that must
// @-mention people is sent as text instead: WeCom markdown cannot mention by
// mobile, and a follow-up text message just for the mentions would make one
// message two requests (two throttle slots, and two things that can half
// fail). The evening reminder's point is the mention; its markdown
// decoration is worth less than that, and the markup reads fine as text.
func wecomBody(m Message) wecomPayload {
	content := withTitle(m)
	if m.Kind == Markdown && len(m.Mentions) == 0 {
		return wecomPayload{MsgType: "markdown", Markdown: &wecomMarkdown{Content: truncateBytes(content, wecomMarkdownMax)}}
	}
	return wecomPayload{MsgType: "text", Text: &wecomText{
		Content:             truncateBytes(content, wecomTextMax),
		MentionedMobileList: m.Mentions, // "@all" is valid here as it is
	}}
}

// sendWeCom posts m to a WeCom robot.
func (s *Service) sendWeCom(ctx context.Context, cfg config, m Message) result {
	key := queryParam(cfg.URL, "key")
	r := s.postJSON(ctx, cfg.URL, wecomBody(m), key)
	if r.class != classOK || r.reply == nil {
		return r
	}
	switch code := r.code; {
	case code == 0:
	case code == wecomRateLimited:
		// The limit is per minute; a minute later the window has moved on.
		r.fail(classSnooze, "WeCom rate limit (errcode 45009): "+r.reply.ErrMsg)
		r.snooze = time.Minute
	case wecomPermanent[code]:
		r.fail(classPermanent, vendorErr("WeCom", r.reply))
	default:
		r.fail(classRetry, vendorErr("WeCom", r.reply))
	}
	return r
}
