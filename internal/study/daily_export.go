package study

import (
	"archive/zip"
	"context"
	"fmt"
	"hash"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/emmansun/gmsm/sm3"
	"github.com/xuri/excelize/v2"

	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/web"
)

// The check-in export (issue 8, scenario `export`): every check-in of a
// span of days as an Excel workbook — day, member, branch, mode, time —
// for the committee over the zone (or one branch with ?branch=), and for
// whoever may read a branch's weekly summary over that branch. A year of a
// zone is a million rows, so nothing holds them all: the rows come from a
// database cursor in (day, person) order (the index's order) and go one
// by one into excelize's StreamWriter, which spills to its own temporary
// file past 16 MB; the finished workbook is written to a temporary file
// while its SM3 is computed, the export is audited (who, filter, scope,
// rows, SM3), and only then is the file streamed to the client and
// deleted. Writing before auditing costs one disk copy, but a failed audit
// can never leave a delivered file unaudited — the client gets an error
// and no bytes — which streaming straight to the response could not
// promise (the audit would have to follow the last byte).

func init() {
	routeParts = append(routeParts, func(m *Module, r *web.Router) {
		r.Handle("GET /study/checkins/export.xlsx", web.Handler(m.dailyExportCheckins))
	})
}

const (
	// dailyExportMaxDays bounds one export's span: a year (366 days) of
	// a zone is about a million rows, what one workbook is meant to hold.
	dailyExportMaxDays = 366
	// dailyExportsPerMinute bounds a user's bulk exports as the
	// directory's exports do (ASVS 2.4.1), counted over the same audit
	// records (action "export"), so the two share one budget.
	dailyExportsPerMinute = 10
	// dailyExportSheetRows is the data rows of one sheet: Excel's
	// 1,048,576 rows less the header; more rows continue on a new sheet.
	dailyExportSheetRows = excelize.TotalRows - 1
	// dailyExportWriteTimeout bounds one export's response (build, hash,
	// audit and send).
	dailyExportWriteTimeout = 10 * time.Minute
)

// CheckinExportFilter is what an export covers: zone days From..To and,
// when Branch > 0, that branch's members only.
type CheckinExportFilter struct {
	From, To string
	Branch   int64
}

// dailyExportFilter reads ?from, ?to and ?branch and decides the scope: the
// zone (or any one branch) for who sees the zone, otherwise the viewer's
// own branch, checked like the weekly summary (another branch is 404).
func (m *Module) dailyExportFilter(ctx context.Context, p *auth.Principal, r *http.Request) (CheckinExportFilter, error) {
	var f CheckinExportFilter
	if err := m.Auth.Authorize(ctx, p, PermBranch, auth.Anything, "study_checkins", ""); err != nil {
		return f, err
	}
	b, err := dailyBranchParam(r)
	if err != nil {
		return f, err
	}
	if b == 0 && !auth.Can(p, PermBranch, auth.ZoneOnly) {
		if b = m.dailyOwnBranch(ctx, p); b == 0 {
			return f, errs.NotFoundf("own branch")
		}
	}
	if b != 0 {
		if err := m.Auth.Authorize(ctx, p, PermBranch, auth.Object{Branch: b}, "branch", strconv.FormatInt(b, 10)); err != nil {
			return f, err
		}
	}
	f.Branch = b
	q := r.URL.Query()
	f.From, f.To = q.Get("from"), q.Get("to")
	if f.To == "" {
		f.To = m.dailyToday()
	}
	if f.From == "" {
		f.From = f.To[:4] + "-01-01"
	}
	from, err1 := time.Parse(time.DateOnly, f.From)
	to, err2 := time.Parse(time.DateOnly, f.To)
	switch {
	case err1 != nil:
		return f, errs.Field("from", "起始日期须为 YYYY-MM-DD", "from must be a date YYYY-MM-DD")
	case err2 != nil:
		return f, errs.Field("to", "截止日期须为 YYYY-MM-DD", "to must be a date YYYY-MM-DD")
	case to.Before(from):
		return f, errs.Field("to", fmt.Sprintf("截止日期 %s 不能早于起始日期 %s", f.To, f.From), fmt.Sprintf("to (%s) must not be before from (%s)", f.To, f.From))
	case to.Sub(from) > (dailyExportMaxDays-1)*24*time.Hour:
		return f, errs.Field("to", fmt.Sprintf("一次最多导出 %d 天的打卡记录（%s 至 %s 为 %d 天）", dailyExportMaxDays, f.From, f.To, int(to.Sub(from).Hours()/24)+1),
			fmt.Sprintf("at most %d days per export (%s to %s is %d days)", dailyExportMaxDays, f.From, f.To, int(to.Sub(from).Hours()/24)+1))
	}
	return f, nil
}

// dailyExportLimit refuses an export past the per-minute budget, counting
// the user's "export" audit records (shared by all replicas).
func (m *Module) dailyExportLimit(ctx context.Context, p *auth.Principal) error {
	if p == nil {
		return nil
	}
	_, n, err := m.Audit.List(ctx, audit.Filter{Username: p.Username, Action: "export", From: m.Clock.Now().Add(-time.Minute), Limit: 1})
	if err != nil {
		return err
	}
	if n >= dailyExportsPerMinute {
		return errs.New(errs.TooMany, fmt.Sprintf("导出过于频繁：每分钟最多 %d 次，请稍后再试", dailyExportsPerMinute),
			fmt.Sprintf("too many exports: at most %d a minute; try again shortly", dailyExportsPerMinute))
	}
	return nil
}

// WriteCheckinsXLSX writes the check-ins f covers to w as a workbook, row by
// row from a cursor, and returns the data rows written. It does not check
// who asks: the handler does.
func (m *Module) WriteCheckinsXLSX(ctx context.Context, w io.Writer, f CheckinExportFilter, lang string) (int, error) {
	pick := func(zh, en string) string {
		if lang == "en" {
			return en
		}
		return zh
	}
	branches := map[int64]string{}
	bs, err := m.Dir.BranchList(ctx, "")
	if err != nil {
		return 0, err
	}
	for _, b := range bs {
		branches[b.ID] = b.Name
	}
	q := `SELECT c.day, p.name, COALESCE(p.branch_id, 0), c.mode, c.created_at FROM study_checkins c JOIN people p ON p.id = c.person_id
		WHERE c.day >= ? AND c.day <= ?`
	args := []any{f.From, f.To}
	if f.Branch != 0 {
		q += ` AND p.branch_id = ?`
		args = append(args, f.Branch)
	}
	q += ` ORDER BY c.day, c.person_id`
	rows, err := m.DB.Q(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()

	x := excelize.NewFile()
	defer x.Close()
	base := pick("打卡记录", "Check-ins")
	if err := x.SetSheetName("Sheet1", base); err != nil {
		return 0, err
	}
	head := []any{pick("日期", "Day"), pick("姓名", "Name"), pick("党组织", "Party organisation"), pick("方式", "Mode"), pick("打卡时间", "Checked in at")}
	modes := map[string]string{CheckinRead: pick("阅读", "read"), CheckinRecite: pick("背诵", "recite")}
	var sw *excelize.StreamWriter
	sheetN := 0
	newSheet := func() error {
		if sw != nil {
			if err := sw.Flush(); err != nil {
				return err
			}
		}
		sheetN++
		name := base
		if sheetN > 1 {
			name = fmt.Sprintf("%s (%d)", base, sheetN)
			if _, err := x.NewSheet(name); err != nil {
				return err
			}
		}
		var err error
		if sw, err = x.NewStreamWriter(name); err != nil {
			return err
		}
		for i, wd := range []float64{12, 12, 36, 8, 20} {
			if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
				return err
			}
		}
		return sw.SetRow("A1", head)
	}
	if err := newSheet(); err != nil {
		return 0, err
	}
	n, onSheet := 0, 0
	cell := make([]any, 5)
	var day, name, mode string
	var branch int64
	var at time.Time
	for rows.Next() {
		if err := rows.Scan(&day, &name, &branch, &mode, &at); err != nil {
			return n, err
		}
		if onSheet == dailyExportSheetRows {
			if err := newSheet(); err != nil {
				return n, err
			}
			onSheet = 0
		}
		onSheet++
		n++
		md := modes[mode]
		if md == "" {
			md = mode
		}
		cell[0], cell[1], cell[2], cell[3], cell[4] = day, name, branches[branch], md, at.In(clock.Zone).Format(time.DateTime)
		ref, _ := excelize.CoordinatesToCellName(1, onSheet+1)
		if err := sw.SetRow(ref, cell); err != nil {
			return n, err
		}
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	rows.Close()
	if err := sw.Flush(); err != nil {
		return n, err
	}
	// excelize's Write zips the whole workbook into a bytes.Buffer first
	// (25 MB for a million rows, more while it grows): zip straight into w
	// instead, so the buffer it hands the zip writer stays empty.
	x.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	return n, x.Write(io.Discard)
}

// dailyExportCheckins is GET /study/checkins/export.xlsx?from=&to=&branch=.
func (m *Module) dailyExportCheckins(w http.ResponseWriter, r *http.Request) error {
	ctx, p := r.Context(), web.Principal(r)
	f, err := m.dailyExportFilter(ctx, p, r)
	if err != nil {
		return err
	}
	if err := m.dailyExportLimit(ctx, p); err != nil {
		return err
	}
	// A year of a zone takes tens of seconds to build and send: more than
	// the server's write timeout (120 s) allows on a slow store, so this
	// response gets its own bound.
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(dailyExportWriteTimeout))
	tmp, err := os.CreateTemp("", "zhongshu-checkins-*.xlsx")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	var sum hash.Hash = sm3.New()
	n, err := m.WriteCheckinsXLSX(ctx, io.MultiWriter(tmp, sum), f, web.Lang(r))
	if err != nil {
		return err
	}
	size, err := tmp.Seek(0, io.SeekCurrent)
	if err != nil {
		return err
	}
	scope := "zone"
	if f.Branch != 0 {
		scope = "branch " + strconv.FormatInt(f.Branch, 10)
	}
	// Audited before a byte leaves: if this fails, the client gets the
	// error and no file.
	if err := m.Audit.Record(ctx, audit.Entry{Action: "export", ObjectType: "study_checkins", ObjectID: f.From + ".." + f.To, Scope: scope,
		Detail: fmt.Sprintf("filter=%q rows=%d masked=false bytes=%d sm3=%x", r.URL.RawQuery, n, size, sum.Sum(nil))}); err != nil {
		return err
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="checkins-%s-%s.xlsx"`, f.From, f.To))
	w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = io.Copy(w, tmp)
	return nil
}
