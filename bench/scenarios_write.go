package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/emmansun/gmsm/sm3"
	"github.com/xuri/excelize/v2"

	"zhongshu/internal/demo"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/study"
)

// scenarioImport uploads generated people files (the directory caps one
// file at 20,000 rows) one after the other and measures rows/s validated
// and stored, and the server's peak memory; then checks the rows are there.
func scenarioImport(ctx context.Context, fx *fixture) error {
	cfg, rep := fx.cfg, fx.rep
	const perFile = 20000
	rep.Scale = fmt.Sprintf("%d people in files of ≤ %d rows", cfg.Members, perFile)
	tok, err := committeeToken(ctx, fx, "committee")
	if err != nil {
		return err
	}
	var files [][]byte
	for from := 0; from < cfg.Members; from += perFile {
		b, err := peopleXLSX(from, min(perFile, cfg.Members-from))
		if err != nil {
			return err
		}
		files = append(files, b)
	}
	if err := fx.serve(ctx); err != nil {
		return err
	}
	base := fx.srvURL
	c := newClient(1)
	t0 := time.Now()
	var lats []time.Duration
	errN, okRows := 0, 0
	firstErr := ""
	for i, f := range files {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		w, _ := mw.CreateFormFile("file", fmt.Sprintf("people-%d.xlsx", i))
		_, _ = w.Write(f)
		mw.Close()
		req, _ := http.NewRequestWithContext(ctx, "POST", base+"/api/v1/people/import", &body)
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		t1 := time.Now()
		resp, err := c.Do(req)
		if err == nil {
			msg, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode/100 != 2 {
				err = fmt.Errorf("status %d: %.300s", resp.StatusCode, msg)
			}
		}
		lats = append(lats, time.Since(t1))
		if err == nil {
			okRows += min(perFile, cfg.Members-i*perFile)
		}
		if err != nil {
			errN++
			if firstErr == "" {
				firstErr = err.Error()
			}
		}
		if time.Since(t0) > cfg.Duration*10 {
			rep.note("stopped after %d files: over 10× the duration bound", i+1)
			break
		}
	}
	el := time.Since(t0)
	rows := okRows // acknowledged: the files answered 2xx
	s := stats{Name: "POST /api/v1/people/import (xlsx)", N: rows, Errors: errN, Elapsed: el, RPS: float64(rows) / el.Seconds(), Unit: "rows", FirstErr: firstErr, Ratio: -1}
	if len(lats) > 0 {
		slices.Sort(lats)
		s.P50, s.P95, s.P99 = pct(lats, 50), pct(lats, 95), pct(lats, 99)
	}
	rep.Rows = append(rep.Rows, s)
	rep.note("latencies are per file of ≤ %d rows; target ≥ 20,000 rows/s", perFile)
	fx.stopServer()
	a, err := fx.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	var n int
	if err := a.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM people WHERE name LIKE '导入测试%'`).Scan(&n); err != nil {
		return err
	}
	rep.check(n == rows, "imported rows acknowledged %d, stored %d", rows, n)
	rep.check(errN == 0, "import errors: %d", errN)
	return nil
}

// peopleXLSX writes n generated people (valid 身份证号 and mobiles) in the
// import template's columns, with the streaming writer.
func peopleXLSX(from, n int) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return nil, err
	}
	head := []any{"姓名", "身份证号", "手机号", "是否党员", "入党日期", "所属党组织", "所属村", "所属部门", "所属企业"}
	if err := sw.SetRow("A1", head); err != nil {
		return nil, err
	}
	born := time.Date(1940, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		k := from + i
		// An area (石河子) and birth days (from 1940) the demo's people never
		// draw, so no generated number is already registered.
		day := born.AddDate(0, 0, k/900)
		id := fmt.Sprintf("659001%s%03d", day.Format("20060102"), 100+k%900)
		id += string(idCheck(id))
		mobile := fmt.Sprintf("139%08d", k)
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, []any{fmt.Sprintf("导入测试%06d", k), id, mobile, "否", "", "", "", "", ""}); err != nil {
			return nil, err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// idCheck is the 身份证号 check character (GB 11643, ISO 7064 MOD 11-2).
func idCheck(first17 string) byte {
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * w[i]
	}
	return "10X98765432"[sum%11]
}

// scenarioExport measures the streamed check-in export (issue 8: an Excel
// export of 1,000,000 check-ins, peak memory ≤ 200 MB): members × days
// generated check-ins (every member every day, so -members 2740 -days 365
// is 1,000,100 rows), GET /study/checkins/export.xlsx over the whole span a
// few times with serve's peak RSS, then the in-memory exports that exist
// beside it (the weekly summary, the people list). It checks that the
// export's audit record counts every generated row and that its SM3 is
// the SM3 of the bytes received.
func scenarioExport(ctx context.Context, fx *fixture) error {
	cfg, rep := fx.cfg, fx.rep
	rep.Scale = fmt.Sprintf("%d generated members × %d days (every member every day)", cfg.Members, cfg.Days)
	a, err := fx.open(ctx)
	if err != nil {
		return err
	}
	from, to := clock.Day(time.Now().AddDate(0, 0, -(cfg.Days-1))), clock.Day(time.Now())
	var generated int64
	ms, err := demo.LoadScale(ctx, demo.Deps{DB: a.DB, Auth: a.Auth, Dir: a.Directory, Clock: a.Clock}, demo.Scale{Members: cfg.Members})
	if err == nil {
		persons := make([]int64, len(ms))
		for i, m := range ms {
			persons[i] = m.PersonID
		}
		t0 := time.Now()
		generated, err = study.GenerateCheckins(ctx, a.DB, persons, from, to, 100, 2021)
		rep.note("generated %d check-ins in %s", generated, time.Since(t0).Round(time.Second))
	}
	var inSpan int64
	if err == nil {
		err = a.DB.Q(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM study_checkins WHERE day >= ? AND day <= ?`, from, to).Scan(&inSpan)
	}
	a.Close()
	if err != nil {
		return err
	}
	tok, err := committeeToken(ctx, fx, "committee")
	if err != nil {
		return err
	}
	if err := fx.serve(ctx); err != nil {
		return err
	}
	base := fx.srvURL
	rss0, _ := fx.srv.memory()
	checkinsPath := "/study/checkins/export.xlsx?from=" + from + "&to=" + to
	var lastSM3 atomic.Value
	for k, ex := range []struct {
		name, path string
		bound      time.Duration
	}{
		{fmt.Sprintf("GET /study/checkins/export.xlsx (%d check-ins, streamed)", inSpan), checkinsPath, 15 * cfg.Duration},
		{"GET /study/weekly.xlsx (zone: every member)", "/study/weekly.xlsx", cfg.Duration / 2},
		{"GET /people/export.xlsx", "/people/export.xlsx", cfg.Duration / 2},
	} {
		var size atomic.Int64
		s := runLoad(ctx, ex.name, 1, ex.bound, 3, func(ctx context.Context, c *http.Client, i int) error {
			req, _ := http.NewRequestWithContext(ctx, "GET", base+ex.path, nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			if k == 0 {
				// The workbook is built, hashed and audited before the
				// first byte: longer than the load client's 30 s.
				c = &http.Client{Transport: c.Transport, Timeout: ex.bound}
			}
			resp, err := c.Do(req)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			h := sm3.New()
			n, err := io.Copy(h, resp.Body)
			size.Store(n)
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("status %d", resp.StatusCode)
			}
			if err != nil {
				return err
			}
			if k == 0 {
				lastSM3.Store(hex.EncodeToString(h.Sum(nil)))
			}
			return nil
		})
		s.Ratio = -1
		s.Unit = "files"
		rep.Rows = append(rep.Rows, s)
		_, peak := fx.srv.memory()
		rep.note("%s: %.1f MB file; serve peak RSS so far %.1f MB (%.1f MB at start; target ≤ 200 MB)", ex.path, mb(size.Load()), mb(peak), mb(rss0))
		rep.check(s.Errors == 0, "%s: %d errors", ex.path, s.Errors)
		if k == 0 {
			rep.check(peak <= 200<<20, "check-in export: serve peak RSS %.1f MB ≤ 200 MB", mb(peak))
		}
	}
	fx.stopServer()
	// The audit record of the last check-in export: every row, and the
	// SM3 of what was received.
	a, err = fx.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	var detail string
	if err := a.DB.Q(ctx).QueryRowContext(ctx, `SELECT detail FROM audit_log WHERE action = 'export' AND object_type = 'study_checkins' ORDER BY seq DESC LIMIT 1`).Scan(&detail); err != nil {
		return fmt.Errorf("the check-in export was not audited: %w", err)
	}
	got, _ := lastSM3.Load().(string)
	rep.check(strings.Contains(detail, fmt.Sprintf("rows=%d ", inSpan)), "check-in export: audit counts %d rows (%s)", inSpan, detail)
	rep.check(got != "" && strings.Contains(detail, "sm3="+got), "check-in export: audited SM3 = SM3 of the bytes received")
	return nil
}
