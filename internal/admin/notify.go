package admin

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/notify"
	"zhongshu/internal/platform/web"
)

// --- the bell: every signed-in user's in-app notifications ---

type inboxPage struct {
	Items []notify.Notification
}

func (m *Module) pageInbox(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	if err := m.Auth.Authorize(r.Context(), p, auth.NotifyRead, auth.Anything, "notifications", ""); err != nil {
		return err
	}
	items, err := m.Notify.Inbox(r.Context(), p.UserID, 100)
	if err != nil {
		return err
	}
	return m.Views.Render(w, r, http.StatusOK, "inbox", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "nav.notifications"), D: inboxPage{Items: items}})
}

func (m *Module) markRead(r *http.Request) error {
	p := web.Principal(r)
	if err := m.Auth.Authorize(r.Context(), p, auth.NotifyRead, auth.Anything, "notifications", ""); err != nil {
		return err
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return m.Notify.MarkRead(r.Context(), p.UserID, id)
}

func (m *Module) postRead(w http.ResponseWriter, r *http.Request) error {
	if err := m.markRead(r); err != nil {
		return err
	}
	http.Redirect(w, r, "/notifications", http.StatusSeeOther)
	return nil
}

func (m *Module) apiInbox(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	if err := m.Auth.Authorize(r.Context(), p, auth.NotifyRead, auth.Anything, "notifications", ""); err != nil {
		return err
	}
	items, err := m.Notify.Inbox(r.Context(), p.UserID, 100)
	if err != nil {
		return err
	}
	n, err := m.Notify.Unread(r.Context(), p.UserID)
	if err != nil {
		return err
	}
	if items == nil {
		items = []notify.Notification{}
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"items": items, "unread": n})
	return nil
}

func (m *Module) apiRead(w http.ResponseWriter, r *http.Request) error {
	if err := m.markRead(r); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// --- channels and the delivery log (sysadmin) ---

type channelsPage struct {
	Channels []notify.Channel
	Owners   []string
	Kinds    []string
}

func (m *Module) pageChannels(w http.ResponseWriter, r *http.Request) error {
	return m.renderChannels(w, r, http.StatusOK, &web.Page{})
}

func (m *Module) renderChannels(w http.ResponseWriter, r *http.Request, status int, pg *web.Page) error {
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), auth.ChannelsManage, auth.Anything, "channels", ""); err != nil {
		return err
	}
	cs, err := m.Notify.Channels(r.Context())
	if err != nil {
		return err
	}
	pg.Title = m.Views.Cat.T(web.Lang(r), "nav.channels")
	pg.D = channelsPage{Channels: cs, Owners: []string{notify.OwnerZone, notify.OwnerBranch, notify.OwnerDepartment, notify.OwnerVillage},
		Kinds: []string{notify.KindWeCom, notify.KindDingTalk, notify.KindEmail}}
	return m.Views.Render(w, r, status, "channels", pg)
}

func channelInput(r *http.Request) notify.ChannelInput {
	owner, _ := strconv.ParseInt(strings.TrimSpace(r.FormValue("owner_id")), 10, 64)
	port, _ := strconv.Atoi(strings.TrimSpace(r.FormValue("smtp_port")))
	var to []string
	for _, s := range strings.FieldsFunc(r.FormValue("to"), func(c rune) bool { return c == ',' || c == ';' || c == '\n' || c == ' ' }) {
		to = append(to, strings.TrimSpace(s))
	}
	return notify.ChannelInput{OwnerKind: r.FormValue("owner_kind"), OwnerID: owner, Kind: r.FormValue("kind"), Name: r.FormValue("name"),
		WebhookURL: strings.TrimSpace(r.FormValue("webhook_url")), Secret: strings.TrimSpace(r.FormValue("secret")),
		SMTPHost: strings.TrimSpace(r.FormValue("smtp_host")), SMTPPort: port, SMTPUser: strings.TrimSpace(r.FormValue("smtp_user")),
		SMTPPassword: r.FormValue("smtp_password"), From: strings.TrimSpace(r.FormValue("from")), To: to}
}

func (m *Module) postChannel(w http.ResponseWriter, r *http.Request) error {
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), auth.ChannelsManage, auth.Anything, "channels", ""); err != nil {
		return err
	}
	in := channelInput(r)
	if _, err := m.Notify.CreateChannel(r.Context(), in); err != nil {
		if k := errs.KindOf(err); k == errs.Invalid || k == errs.Conflict || isList(err) {
			// Secrets are never echoed back into the form.
			pg := &web.Page{Errors: fieldErrors(err, web.Lang(r)), Error: m.Views.Cat.T(web.Lang(r), "form.fix"),
				Form: map[string]string{"owner_kind": in.OwnerKind, "owner_id": r.FormValue("owner_id"), "kind": in.Kind, "name": in.Name,
					"smtp_host": in.SMTPHost, "smtp_port": r.FormValue("smtp_port"), "smtp_user": in.SMTPUser, "from": in.From, "to": r.FormValue("to")}}
			return m.renderChannels(w, r, http.StatusUnprocessableEntity, pg)
		}
		return err
	}
	http.Redirect(w, r, "/admin/channels?ok=created", http.StatusSeeOther)
	return nil
}

func isList(err error) bool { _, ok := err.(errs.List); return ok }

func fieldErrors(err error, lang string) map[string]string {
	out := map[string]string{}
	if l, ok := err.(errs.List); ok {
		for _, e := range l {
			if _, seen := out[e.Field]; !seen {
				out[e.Field] = e.Message(lang)
			}
		}
	} else if e := errs.As(err); e != nil {
		f := e.Field
		if f == "" {
			f = "_"
		}
		out[f] = e.Message(lang)
	}
	return out
}

func (m *Module) channelAction(w http.ResponseWriter, r *http.Request, fn func(id int64) error) error {
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), auth.ChannelsManage, auth.Anything, "channel", r.PathValue("id")); err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errs.NotFoundf("channel")
	}
	if err := fn(id); err != nil {
		return err
	}
	if web.IsAPI(r) {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	http.Redirect(w, r, "/admin/channels?ok=saved", http.StatusSeeOther)
	return nil
}

func (m *Module) postChannelEnable(w http.ResponseWriter, r *http.Request) error {
	return m.channelAction(w, r, func(id int64) error { return m.Notify.SetEnabled(r.Context(), id, r.FormValue("on") != "0") })
}

func (m *Module) postChannelTest(w http.ResponseWriter, r *http.Request) error {
	return m.channelAction(w, r, func(id int64) error {
		msg, err := m.Notify.SendTest(r.Context(), id)
		if err != nil {
			return err
		}
		return m.Audit.Record(r.Context(), audit.Entry{Action: "channels.test", ObjectType: "channel", ObjectID: fmt.Sprint(id), Detail: fmt.Sprintf("message %d", msg)})
	})
}

func (m *Module) apiChannels(w http.ResponseWriter, r *http.Request) error {
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), auth.ChannelsManage, auth.Anything, "channels", ""); err != nil {
		return err
	}
	cs, err := m.Notify.Channels(r.Context())
	if err != nil {
		return err
	}
	if cs == nil {
		cs = []notify.Channel{}
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"items": cs, "total": len(cs)})
	return nil
}

func (m *Module) apiCreateChannel(w http.ResponseWriter, r *http.Request) error {
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), auth.ChannelsManage, auth.Anything, "channels", ""); err != nil {
		return err
	}
	var in struct {
		OwnerKind    string   `json:"owner_kind"`
		OwnerID      int64    `json:"owner_id"`
		Kind         string   `json:"kind"`
		Name         string   `json:"name"`
		WebhookURL   string   `json:"webhook_url"`
		Secret       string   `json:"secret"`
		SMTPHost     string   `json:"smtp_host"`
		SMTPPort     int      `json:"smtp_port"`
		SMTPUser     string   `json:"smtp_user"`
		SMTPPassword string   `json:"smtp_password"`
		From         string   `json:"from"`
		To           []string `json:"to"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	id, err := m.Notify.CreateChannel(r.Context(), notify.ChannelInput{OwnerKind: in.OwnerKind, OwnerID: in.OwnerID, Kind: in.Kind, Name: in.Name,
		WebhookURL: in.WebhookURL, Secret: in.Secret, SMTPHost: in.SMTPHost, SMTPPort: in.SMTPPort, SMTPUser: in.SMTPUser, SMTPPassword: in.SMTPPassword, From: in.From, To: in.To})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]int64{"id": id})
	return nil
}

type deliveriesPage struct {
	Items    []notify.Delivery
	State    string
	Pager    *web.Pager
	Attempts []notify.Attempt
	Message  int64
}

func (m *Module) pageDeliveries(w http.ResponseWriter, r *http.Request) error {
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), auth.ChannelsManage, auth.Anything, "deliveries", ""); err != nil {
		return err
	}
	state := r.URL.Query().Get("state")
	page, off, lim := web.PageOf(r, 50)
	items, total, err := m.Notify.Deliveries(r.Context(), state, lim, off)
	if err != nil {
		return err
	}
	d := deliveriesPage{Items: items, State: state, Pager: web.NewPager(r, page, 50, total)}
	if id, _ := strconv.ParseInt(r.URL.Query().Get("message"), 10, 64); id > 0 {
		d.Message = id
		if d.Attempts, err = m.Notify.Attempts(r.Context(), id); err != nil {
			return err
		}
	}
	return m.Views.Render(w, r, http.StatusOK, "deliveries", &web.Page{Title: m.Views.Cat.T(web.Lang(r), "nav.deliveries"), D: d})
}

func (m *Module) apiDeliveries(w http.ResponseWriter, r *http.Request) error {
	if err := m.Auth.Authorize(r.Context(), web.Principal(r), auth.ChannelsManage, auth.Anything, "deliveries", ""); err != nil {
		return err
	}
	page, off, lim := web.PageOf(r, 50)
	items, total, err := m.Notify.Deliveries(r.Context(), r.URL.Query().Get("state"), lim, off)
	if err != nil {
		return err
	}
	if items == nil {
		items = []notify.Delivery{}
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"items": items, "total": total, "page": page, "size": 50})
	return nil
}
