// Package e2e holds Zhongshu's browser tests: journeys a cadre takes through
// the web pages, driven in a real Chromium with chromedp, against a fresh
// installation (SQLite, demo dataset) served by httptest.
//
// The package has no code of its own; everything is in the _test.go files.
// The tests skip unless ZHONGSHU_TEST_BROWSER names a Chromium binary:
//
//	ZHONGSHU_TEST_BROWSER=/usr/bin/chromium go test ./e2e/ -v -count=1
//
// With ZHONGSHU_SCREENSHOTS set to a directory, the tests also save full-page
// PNG screenshots of the main pages at phone size (390×844, mobile emulation)
// and desktop size (1366×768), named like login-phone.png, for a person to
// look at. On Debian: apt-get install chromium fonts-noto-cjk.
//
// Every test is bounded by a 60 s context, runs its own browser with a fresh
// profile, and checks as it goes that no page scrolls sideways at phone size
// and that the browser logs no error (a CSP violation, a script exception or
// a missing asset).
package e2e
