package study

import (
	"net/http"
	"strconv"
	"strings"

	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/web"
)

type booksPage struct {
	*BookRooms
	Years   []int
	CanEdit bool
}

func (m *Module) apiBooks(w http.ResponseWriter, r *http.Request) error {
	b, err := m.BookRoomsOf(r.Context(), web.Principal(r), m.orYear(r))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, b)
	return nil
}

func (m *Module) pageBooks(w http.ResponseWriter, r *http.Request) error {
	return m.renderBooks(w, r, http.StatusOK, &web.Page{Form: map[string]string{"acquired_on": clock.Day(m.Clock.Now())}})
}

func (m *Module) renderBooks(w http.ResponseWriter, r *http.Request, status int, pg *web.Page) error {
	b, err := m.BookRoomsOf(r.Context(), web.Principal(r), m.orYear(r))
	if err != nil {
		return err
	}
	pg.Title, pg.D = m.orT(r, "nav.bookrooms"), &booksPage{BookRooms: b, Years: m.orYears(), CanEdit: orEditor(web.Principal(r))}
	return m.Views.Render(w, r, status, "outreach_books", pg)
}

func (m *Module) apiAddBooks(w http.ResponseWriter, r *http.Request) error {
	if err := m.orAuthorize(r.Context(), web.Principal(r), PermEdit, "study_book_rooms", 0); err != nil {
		return err
	}
	var in BookAcquisitionInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	id, err := m.AddBookAcquisition(r.Context(), web.Principal(r), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]int64{"id": id})
	return nil
}

func (m *Module) postBooks(w http.ResponseWriter, r *http.Request) error {
	vol, err := strconv.Atoi(strings.TrimSpace(r.FormValue("volumes")))
	if err != nil {
		vol = 0
	}
	in := BookAcquisitionInput{VillageID: orFormInt(r, "village_id"), AcquiredOn: r.FormValue("acquired_on"), Volumes: vol, Source: r.FormValue("source"), Note: r.FormValue("note")}
	_, err = m.AddBookAcquisition(r.Context(), web.Principal(r), in)
	if chInvalid(err) {
		return m.renderBooks(w, r, http.StatusUnprocessableEntity, m.orFormPage(r, err, map[string]string{"village_id": r.FormValue("village_id"),
			"acquired_on": in.AcquiredOn, "volumes": r.FormValue("volumes"), "source": in.Source, "note": in.Note}))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/study/books?ok=created&year="+strings.TrimSpace(in.AcquiredOn)[:4], http.StatusSeeOther)
	return nil
}

type boardsPage struct {
	*DisplayBoards
	Codes   outreachCodes
	CanEdit bool
}

func (m *Module) apiBoards(w http.ResponseWriter, r *http.Request) error {
	b, err := m.DisplayBoardsOf(r.Context(), web.Principal(r), r.URL.Query().Get("kind"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, b)
	return nil
}

func (m *Module) pageBoards(w http.ResponseWriter, r *http.Request) error {
	return m.renderBoards(w, r, http.StatusOK, &web.Page{Form: map[string]string{"erected_on": clock.Day(m.Clock.Now())}})
}

func (m *Module) renderBoards(w http.ResponseWriter, r *http.Request, status int, pg *web.Page) error {
	b, err := m.DisplayBoardsOf(r.Context(), web.Principal(r), r.URL.Query().Get("kind"))
	if err != nil {
		return err
	}
	pg.Title, pg.D = m.orT(r, "nav.boards"), &boardsPage{DisplayBoards: b, Codes: outreachCodes{web.Lang(r)}, CanEdit: orEditor(web.Principal(r))}
	return m.Views.Render(w, r, status, "outreach_boards", pg)
}

func (m *Module) apiAddBoard(w http.ResponseWriter, r *http.Request) error {
	if err := m.orAuthorize(r.Context(), web.Principal(r), PermEdit, "study_display_boards", 0); err != nil {
		return err
	}
	var in DisplayBoardInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	id, err := m.AddDisplayBoard(r.Context(), web.Principal(r), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]int64{"id": id})
	return nil
}

func (m *Module) postBoard(w http.ResponseWriter, r *http.Request) error {
	in := DisplayBoardInput{Kind: r.FormValue("kind"), Place: r.FormValue("place"), ErectedOn: r.FormValue("erected_on"), Note: r.FormValue("note")}
	_, err := m.AddDisplayBoard(r.Context(), web.Principal(r), in)
	if chInvalid(err) {
		return m.renderBoards(w, r, http.StatusUnprocessableEntity, m.orFormPage(r, err, map[string]string{"kind": in.Kind, "place": in.Place, "erected_on": in.ErectedOn, "note": in.Note}))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/study/boards?ok=created", http.StatusSeeOther)
	return nil
}
