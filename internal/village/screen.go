package village

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/web"
)

// The electronic screen (电子屏) of a village hall: a full-screen page that
// shows one slide of every portal part at a time. With JavaScript
// (/static/screen.js) it cycles through the slides in place and reloads
// after each round for fresh content; without it, a <noscript> meta
// refresh moves to ?slide=N+1.

// screenSecs is how long a slide stays up, in seconds.
const screenSecs = 12

// slides collects every part's slides for a village, in part order.
func (m *Module) slides(ctx context.Context, villageID int64) ([]Slide, error) {
	out := []Slide{}
	for _, part := range portal() {
		if part.Screen == nil {
			continue
		}
		ss, err := part.Screen(m, ctx, villageID)
		if err != nil {
			if part.Key == "portal.disclosures" {
				return nil, fmt.Errorf("screen %s: %w", part.Key, err)
			}
			// Another part failing leaves the screen running without it.
			web.Logger.Error("screen slides", "part", part.Key, "village", villageID, "err", err)
			continue
		}
		out = append(out, ss...)
	}
	return out, nil
}

// screenSlide is a slide with its kind's label in the page's language.
type screenSlide struct {
	Slide
	Label string
	Index int
}

type screenPage struct {
	Village  PublicVillage
	Slides   []screenSlide
	Index    int
	Count    int
	Next     string
	Secs     int
	Now      string
	Today    string
	Portal   string
	QR       string
	Verified bool
}

func (m *Module) screenData(r *http.Request, v *directory.Village, index int) (*screenPage, error) {
	ss, err := m.slides(r.Context(), v.ID)
	if err != nil {
		return nil, err
	}
	lang := web.Lang(r)
	// The first slide introduces the village and its portal's QR code.
	intro := Slide{Kind: "intro", Title: v.Name, Sub: m.Views.Cat.T(lang, "portal.screen_intro")}
	all := append([]Slide{intro}, ss...)
	d := &screenPage{Village: publicVillage(v), Secs: screenSecs, Count: len(all), Portal: fmt.Sprintf("%s/public/villages/%d", m.origin(r), v.ID),
		QR: fmt.Sprintf("/public/villages/%d/qr.png", v.ID), Verified: true}
	for i, s := range all {
		label := m.Views.Cat.T(lang, "portal.slide."+s.Kind)
		if strings.HasPrefix(label, "portal.slide.") {
			label = ""
		}
		if s.Alert && s.Kind == "disclosure" {
			d.Verified = false
		}
		d.Slides = append(d.Slides, screenSlide{Slide: s, Label: label, Index: i})
	}
	if index >= len(all) || index < 0 {
		index = 0
	}
	d.Index = index
	d.Next = fmt.Sprintf("/public/villages/%d/screen?slide=%d", v.ID, (index+1)%len(all))
	now := m.Clock.Now().In(clock.Zone)
	d.Now, d.Today = now.Format("15:04"), now.Format("2006-01-02")
	return d, nil
}

func (m *Module) pageScreen(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	index, _ := strconv.Atoi(r.URL.Query().Get("slide"))
	if index < 0 || index > 999 {
		index = 0
	}
	return m.servePublic(w, r, fmt.Sprintf("screen:%d:%s:%d", id, web.Lang(r), index), screenSecs, m.storeVersion(r.Context(), id), func() ([]byte, string, error) {
		v, err := m.village(r.Context(), id)
		if err != nil {
			return nil, "", err
		}
		d, err := m.screenData(r, v, index)
		if err != nil {
			return nil, "", err
		}
		return m.renderPublic(r, "portal_screen", &web.Page{Title: v.Name + " · " + m.Views.Cat.T(web.Lang(r), "portal.screen"), D: d})
	})
}

func init() {
	routeParts = append(routeParts, func(m *Module, r *web.Router) {
		r.Handle("GET /public/villages/{id}/screen", web.Handler(m.pageScreen))
	})
}
