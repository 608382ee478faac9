package study

import (
	"context"
	"fmt"
	"strings"

	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
)

// BookAcquisition is one purchase (or donation) of books for a village's
// book room (农村书屋).
type BookAcquisition struct {
	ID         int64  `json:"id"`
	VillageID  int64  `json:"village_id"`
	Village    string `json:"village"`
	AcquiredOn string `json:"acquired_on"`
	Volumes    int    `json:"volumes"`
	Source     string `json:"source"` // supplier, fund or donor
	Note       string `json:"note,omitempty"`
}

// BookAcquisitionInput records an acquisition.
type BookAcquisitionInput struct {
	VillageID  int64  `json:"village_id"`
	AcquiredOn string `json:"acquired_on"`
	Volumes    int    `json:"volumes"`
	Source     string `json:"source"`
	Note       string `json:"note,omitempty"`
}

// BookRoom is a village's book room: volumes to date and in the year.
type BookRoom struct {
	VillageID    int64  `json:"village_id"`
	Village      string `json:"village"`
	Volumes      int    `json:"volumes"`       // every acquisition to date
	YearVolumes  int    `json:"year_volumes"`  // acquired in the year shown
	Acquisitions int    `json:"acquisitions"`  // in the year shown
	LastOn       string `json:"last_acquired"` // latest acquisition to date
}

// BookRooms is the table per village and the zone's totals.
type BookRooms struct {
	Year        int               `json:"year"`
	Rooms       []BookRoom        `json:"rooms"`
	Volumes     int               `json:"volumes"`
	YearVolumes int               `json:"year_volumes"`
	List        []BookAcquisition `json:"acquisitions"` // the year's acquisitions, latest first
}

// DisplayBoard is a theory display board (展示牌).
type DisplayBoard struct {
	ID        int64  `json:"id"`
	Kind      string `json:"kind"`
	Place     string `json:"place"`
	ErectedOn string `json:"erected_on"`
	Note      string `json:"note,omitempty"`
}

// DisplayBoardInput records a board.
type DisplayBoardInput struct {
	Kind      string `json:"kind"`
	Place     string `json:"place"`
	ErectedOn string `json:"erected_on"`
	Note      string `json:"note,omitempty"`
}

// DisplayBoards lists boards with the count per type of site.
type DisplayBoards struct {
	Kind   string         `json:"kind,omitempty"` // the filter, if any
	Items  []DisplayBoard `json:"items"`
	ByKind []BoardCount   `json:"by_kind"`
	Total  int            `json:"total"`
}

// BoardCount is the number of boards at one type of site.
type BoardCount struct {
	Kind  string `json:"kind"`
	Count int    `json:"count"`
}

// BookRoomsOf returns every village's book room for a year.
func (m *Module) BookRoomsOf(ctx context.Context, p *auth.Principal, year int) (*BookRooms, error) {
	if err := m.orAuthorize(ctx, p, PermLearn, "study_book_rooms", 0); err != nil {
		return nil, err
	}
	q := m.DB.Q(ctx)
	from, to := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)
	rows, err := q.QueryContext(ctx, `SELECT v.id, v.name,
		COALESCE((SELECT SUM(a.volumes) FROM study_book_acquisitions a WHERE a.village_id = v.id AND a.acquired_on <= ?), 0),
		COALESCE((SELECT SUM(a.volumes) FROM study_book_acquisitions a WHERE a.village_id = v.id AND a.acquired_on >= ? AND a.acquired_on <= ?), 0),
		(SELECT COUNT(*) FROM study_book_acquisitions a WHERE a.village_id = v.id AND a.acquired_on >= ? AND a.acquired_on <= ?),
		COALESCE((SELECT MAX(a.acquired_on) FROM study_book_acquisitions a WHERE a.village_id = v.id AND a.acquired_on <= ?), '')
		FROM villages v ORDER BY v.code`, to, from, to, from, to, to)
	if err != nil {
		return nil, err
	}
	b := &BookRooms{Year: year, Rooms: []BookRoom{}}
	for rows.Next() {
		var r BookRoom
		if err := rows.Scan(&r.VillageID, &r.Village, &r.Volumes, &r.YearVolumes, &r.Acquisitions, &r.LastOn); err != nil {
			rows.Close()
			return nil, err
		}
		b.Volumes += r.Volumes
		b.YearVolumes += r.YearVolumes
		b.Rooms = append(b.Rooms, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT a.id, a.village_id, v.name, a.acquired_on, a.volumes, a.source, a.note FROM study_book_acquisitions a
		JOIN villages v ON v.id = a.village_id WHERE a.acquired_on >= ? AND a.acquired_on <= ? ORDER BY a.acquired_on DESC, a.id DESC`, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	b.List = []BookAcquisition{}
	for rows.Next() {
		var a BookAcquisition
		if err := rows.Scan(&a.ID, &a.VillageID, &a.Village, &a.AcquiredOn, &a.Volumes, &a.Source, &a.Note); err != nil {
			return nil, err
		}
		b.List = append(b.List, a)
	}
	return b, rows.Err()
}

// AddBookAcquisition records books acquired for a village.
func (m *Module) AddBookAcquisition(ctx context.Context, p *auth.Principal, in BookAcquisitionInput) (int64, error) {
	if err := m.orAuthorize(ctx, p, PermEdit, "study_book_rooms", 0); err != nil {
		return 0, err
	}
	var l errs.List
	in.Source, in.Note, in.AcquiredOn = strings.TrimSpace(in.Source), strings.TrimSpace(in.Note), strings.TrimSpace(in.AcquiredOn)
	m.orDay(&l, "acquired_on", "购置日期", "the date", in.AcquiredOn)
	if in.Volumes < 1 || in.Volumes > 100000 {
		l = append(l, errs.Field("volumes", "册数须为 1–100000", "the volumes must be 1–100000"))
	}
	orText(&l, "source", "来源（资金或捐赠方）", "the source (fund or donor)", in.Source, 2, 100)
	if orRunes(in.Note) > 500 {
		l = append(l, errs.Field("note", "备注不能超过 500 个字", "the note must be at most 500 characters"))
	}
	var id int64
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var village string
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(name), '') FROM villages WHERE id = ?`, in.VillageID).Scan(&village); err != nil {
			return err
		}
		if village == "" {
			l = append(l, errs.Field("village_id", "请选择村", "choose a village"))
		}
		if len(l) > 0 {
			return l
		}
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO study_book_acquisitions (village_id, acquired_on, volumes, source, note, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			in.VillageID, in.AcquiredOn, in.Volumes, in.Source, in.Note, m.Clock.Now())
		if err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "study.books.acquire", ObjectType: "study_book_acquisition", ObjectID: fmt.Sprint(id),
			Detail: fmt.Sprintf("%s %s %d volumes (%s)", village, in.AcquiredOn, in.Volumes, in.Source)})
	})
	return id, err
}

// DisplayBoardsOf lists the display boards (of one kind, or all).
func (m *Module) DisplayBoardsOf(ctx context.Context, p *auth.Principal, kind string) (*DisplayBoards, error) {
	if err := m.orAuthorize(ctx, p, PermLearn, "study_display_boards", 0); err != nil {
		return nil, err
	}
	if kind != "" && !outreachHas(BoardKinds, kind) {
		kind = ""
	}
	q := m.DB.Q(ctx)
	out := &DisplayBoards{Kind: kind, Items: []DisplayBoard{}, ByKind: []BoardCount{}}
	counts := map[string]int{}
	rows, err := q.QueryContext(ctx, `SELECT kind, COUNT(*) FROM study_display_boards GROUP BY kind`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			rows.Close()
			return nil, err
		}
		counts[k] = n
		out.Total += n
	}
	rows.Close()
	for _, k := range BoardKinds {
		out.ByKind = append(out.ByKind, BoardCount{Kind: k.Code, Count: counts[k.Code]})
	}
	where, args := "", []any{}
	if kind != "" {
		where, args = " WHERE kind = ?", append(args, kind)
	}
	rows, err = q.QueryContext(ctx, `SELECT id, kind, place, erected_on, note FROM study_display_boards`+where+` ORDER BY erected_on DESC, id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var b DisplayBoard
		if err := rows.Scan(&b.ID, &b.Kind, &b.Place, &b.ErectedOn, &b.Note); err != nil {
			return nil, err
		}
		out.Items = append(out.Items, b)
	}
	return out, rows.Err()
}

// AddDisplayBoard records a display board.
func (m *Module) AddDisplayBoard(ctx context.Context, p *auth.Principal, in DisplayBoardInput) (int64, error) {
	if err := m.orAuthorize(ctx, p, PermEdit, "study_display_boards", 0); err != nil {
		return 0, err
	}
	var l errs.List
	in.Place, in.Note, in.ErectedOn = strings.TrimSpace(in.Place), strings.TrimSpace(in.Note), strings.TrimSpace(in.ErectedOn)
	if !outreachHas(BoardKinds, in.Kind) {
		l = append(l, errs.Field("kind", "请选择设置地点类型", "choose the type of site"))
	}
	orText(&l, "place", "具体位置", "the place", in.Place, 2, 100)
	m.orDay(&l, "erected_on", "设置日期", "the date", in.ErectedOn)
	if orRunes(in.Note) > 500 {
		l = append(l, errs.Field("note", "备注不能超过 500 个字", "the note must be at most 500 characters"))
	}
	if len(l) > 0 {
		return 0, l
	}
	var id int64
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO study_display_boards (kind, place, erected_on, note, created_at) VALUES (?, ?, ?, ?, ?)`,
			in.Kind, in.Place, in.ErectedOn, in.Note, m.Clock.Now())
		if err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "study.board.create", ObjectType: "study_display_board", ObjectID: fmt.Sprint(id),
			Detail: fmt.Sprintf("%s %s %s", in.Kind, in.Place, in.ErectedOn)})
	})
	return id, err
}

// booksBoughtSQL sums the volumes acquired in [?, ?].
const booksBoughtSQL = `SELECT COALESCE(SUM(volumes), 0) FROM study_book_acquisitions WHERE acquired_on >= ? AND acquired_on <= ?`

// boardsSQL counts boards erected in [?, ?].
const boardsSQL = `SELECT COUNT(*) FROM study_display_boards WHERE erected_on >= ? AND erected_on <= ?`
