package notify

import (
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strings"
	"unicode/utf8"

	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/ident"
)

// Input bounds. A body is capped well above any vendor limit (the sender
// truncates to each vendor's own) but low enough that a runaway template
// cannot fill the messages table.
const (
	maxNameRunes  = 50
	maxTitleRunes = 200
	maxBodyRunes  = 20000
	maxMentions   = 100
	maxRecipients = 50
	maxLinkLen    = 500
)

// checkText trims s and checks its length and that it holds no control
// characters (newlines allowed only where multiline is true).
func checkText(field, zh, en, s string, min, max int, multiline bool) (string, *errs.Error) {
	s = strings.TrimSpace(s)
	n := utf8.RuneCountInString(s)
	if n < min {
		return s, errs.Field(field, zh+"不能为空", en+" is required")
	}
	if n > max {
		return s, errs.Field(field, fmt.Sprintf("%s不能超过 %d 个字", zh, max), fmt.Sprintf("%s must not exceed %d characters", en, max))
	}
	if !utf8.ValidString(s) {
		return s, errs.Field(field, zh+"含有无效字符", en+" is not valid UTF-8")
	}
	for _, r := range s {
		if (r < 0x20 && !(multiline && (r == '\n' || r == '\t' || r == '\r'))) || r == 0x7f {
			return s, errs.Field(field, zh+"含有不可见字符", en+" contains control characters")
		}
	}
	return s, nil
}

// isLoopback reports a host that names this machine. Only such hosts may be
// reached over plain HTTP (the test peers); everything else must be HTTPS,
// because the URL itself carries the robot's credential.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// maskTail shows the last four characters of a credential, enough for an
// admin to tell two robots apart and useless to anyone else.
func maskTail(s string) string {
	if len(s) < 8 {
		return "****"
	}
	return "****" + s[len(s)-4:]
}

// validateChannel checks an input and returns the sealed config and the
// masked target, or every fault at once.
func validateChannel(in ChannelInput) (ChannelInput, config, string, errs.List) {
	var l errs.List
	var e *errs.Error
	out := in
	switch in.OwnerKind {
	case OwnerZone:
		if in.OwnerID != 0 {
			l = append(l, errs.Field("owner_id", "全区渠道不属于具体组织，编号应为 0", "a zone channel has owner id 0"))
		}
	case OwnerBranch, OwnerDepartment, OwnerVillage:
		if in.OwnerID <= 0 {
			l = append(l, errs.Field("owner_id", "请选择渠道所属的组织", "choose the organisation that owns the channel"))
		}
	default:
		l = append(l, errs.Field("owner_kind", "所属类型应为 全区、党组织、部门 或 村", "owner kind must be zone, branch, department or village"))
	}
	if out.Name, e = checkText("name", "渠道名称", "channel name", in.Name, 1, maxNameRunes, false); e != nil {
		l = append(l, e)
	}
	var cfg config
	var target string
	switch in.Kind {
	case KindWeCom, KindDingTalk:
		u, fe := checkWebhook(in.Kind, strings.TrimSpace(in.WebhookURL))
		if fe != nil {
			l = append(l, fe)
			break
		}
		cfg.URL = u.String()
		q := u.Query()
		if in.Kind == KindWeCom {
			target = u.Host + " key=" + maskTail(q.Get("key"))
			if strings.TrimSpace(in.Secret) != "" {
				l = append(l, errs.Field("secret", "企业微信群机器人没有加签密钥，请留空", "WeCom group robots have no signing secret; leave it empty"))
			}
			break
		}
		target = u.Host + " access_token=" + maskTail(q.Get("access_token"))
		if sec := strings.TrimSpace(in.Secret); sec != "" {
			if len(sec) > 200 || strings.IndexFunc(sec, func(r rune) bool { return r <= ' ' || r >= 0x7f }) >= 0 {
				l = append(l, errs.Field("secret", "加签密钥格式不正确（应为 SEC 开头的一串字符）", "the signing secret is malformed (it starts with SEC)"))
			}
			cfg.Secret = sec
			target += " (加签/signed)"
		}
	case KindEmail:
		cfg, target = checkEmail(in, &l)
	default:
		l = append(l, errs.Field("kind", "渠道类型应为 企业微信、钉钉 或 电子邮件", "kind must be wecom, dingtalk or email"))
	}
	return out, cfg, target, l
}

// checkWebhook parses a robot URL. The host is not pinned to the vendors'
// public hosts because 政务微信 and private DingTalk deployments serve the
// same API under their own domains; the path and credential parameter are
// checked instead, which catches the common paste errors (only the key, or
// the wrong vendor's URL).
func checkWebhook(kind, raw string) (*url.URL, *errs.Error) {
	if raw == "" {
		return nil, errs.Field("webhook_url", "请填写机器人的 Webhook 地址", "the robot's webhook URL is required")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil || u.Fragment != "" {
		return nil, errs.Field("webhook_url", "Webhook 地址格式不正确", "the webhook URL is malformed")
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && isLoopback(u.Hostname()):
	default:
		return nil, errs.Field("webhook_url", "Webhook 地址必须以 https:// 开头（地址中含有密钥，不能明文传输）",
			"the webhook URL must be https:// (it carries the robot's key)")
	}
	q := u.Query()
	switch kind {
	case KindWeCom:
		// https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY
		if !strings.HasSuffix(u.Path, "/cgi-bin/webhook/send") || q.Get("key") == "" {
			return nil, errs.Field("webhook_url", "企业微信机器人地址应形如 https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…",
				"a WeCom robot URL looks like https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…")
		}
	case KindDingTalk:
		// https://oapi.dingtalk.com/robot/send?access_token=TOKEN
		if !strings.HasSuffix(u.Path, "/robot/send") || q.Get("access_token") == "" {
			return nil, errs.Field("webhook_url", "钉钉机器人地址应形如 https://oapi.dingtalk.com/robot/send?access_token=…",
				"a DingTalk robot URL looks like https://oapi.dingtalk.com/robot/send?access_token=…")
		}
		// A URL copied from a signed request carries a stale signature;
		// the sender adds fresh ones.
		q.Del("timestamp")
		q.Del("sign")
		u.RawQuery = q.Encode()
	}
	return u, nil
}

func checkEmail(in ChannelInput, l *errs.List) (config, string) {
	cfg := config{Host: strings.TrimSpace(in.SMTPHost), Port: in.SMTPPort, User: strings.TrimSpace(in.SMTPUser), Password: in.SMTPPassword}
	if cfg.Host == "" || strings.ContainsAny(cfg.Host, " /:@\t\r\n") {
		*l = append(*l, errs.Field("smtp_host", "请填写 SMTP 服务器主机名（不含端口）", "the SMTP host name is required (without a port)"))
	}
	if cfg.Port == 0 {
		cfg.Port = 587 // submission (RFC 6409)
	}
	if cfg.Port < 1 || cfg.Port > 65535 {
		*l = append(*l, errs.Field("smtp_port", "SMTP 端口应在 1–65535 之间", "the SMTP port must be between 1 and 65535"))
	}
	if cfg.Password != "" && cfg.User == "" {
		*l = append(*l, errs.Field("smtp_user", "填写了密码时必须填写用户名", "a user name is required with a password"))
	}
	if a, err := mail.ParseAddress(strings.TrimSpace(in.From)); err != nil {
		*l = append(*l, errs.Field("from", "发件人地址格式不正确", "the sender address is not a valid e-mail address"))
	} else {
		cfg.From = a.Address
	}
	if len(in.To) == 0 {
		*l = append(*l, errs.Field("to", "至少填写一个收件人", "at least one recipient is required"))
	}
	if len(in.To) > maxRecipients {
		*l = append(*l, errs.Field("to", fmt.Sprintf("收件人不能超过 %d 个", maxRecipients), fmt.Sprintf("at most %d recipients", maxRecipients)))
	}
	for _, t := range in.To {
		a, err := mail.ParseAddress(strings.TrimSpace(t))
		if err != nil {
			*l = append(*l, errs.Field("to", fmt.Sprintf("收件人地址 %q 格式不正确", t), fmt.Sprintf("recipient %q is not a valid e-mail address", t)))
			continue
		}
		cfg.To = append(cfg.To, a.Address)
	}
	return cfg, fmt.Sprintf("%s:%d → %s", cfg.Host, cfg.Port, strings.Join(cfg.To, ", "))
}

// validateMessage normalises a message: kind defaults to text, mobiles are
// normalised to 11 digits and de-duplicated.
func validateMessage(m Message) (Message, errs.List) {
	var l errs.List
	var e *errs.Error
	switch m.Kind {
	case "":
		m.Kind = Text
	case Text, Markdown:
	default:
		l = append(l, errs.Field("kind", "消息类型应为 text 或 markdown", "message kind must be text or markdown"))
	}
	if m.Title, e = checkText("title", "标题", "title", m.Title, 0, maxTitleRunes, false); e != nil {
		l = append(l, e)
	}
	if m.Body, e = checkText("body", "消息内容", "message body", m.Body, 1, maxBodyRunes, true); e != nil {
		l = append(l, e)
	}
	if len(m.Mentions) > maxMentions {
		l = append(l, errs.Field("mentions", fmt.Sprintf("一条消息最多提醒 %d 人", maxMentions), fmt.Sprintf("at most %d mentions per message", maxMentions)))
	}
	seen := map[string]bool{}
	var mentions []string
	for _, s := range m.Mentions {
		v := strings.TrimSpace(s)
		if v != MentionAll {
			mob, err := ident.Mobile(v)
			if err != nil {
				l = append(l, errs.Field("mentions", "被提醒人的手机号格式不正确："+ident.MaskMobile(v), "a mentioned mobile is malformed: "+ident.MaskMobile(v)))
				continue
			}
			v = mob
		}
		if !seen[v] {
			seen[v] = true
			mentions = append(mentions, v)
		}
	}
	m.Mentions = mentions
	return m, l
}
