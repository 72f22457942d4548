package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestPageCharts drives the real Chromium (skipped without it, or with
// -short) over a hand-made page: one drawn chart, one blank canvas, one
// container without a canvas, and a CDN script that must be blocked.
func TestPageCharts(t *testing.T) {
	ctx, br := testBrowser(t)
	charts, _, err := br.pageCharts(ctx, filepath.Join("testdata", "charts.html"), ChartSelector, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(chartProblems(charts), "; ")
	want := "chart blank: blank canvas; chart missing: no canvas"
	if len(charts) != 3 || got != want {
		t.Errorf("got %d charts, problems %q; want 3, %q", len(charts), got, want)
	}
	if b := br.takeBlocked(); len(b) != 1 || b[0] != "https://cdn.example.com/lib.js" {
		t.Errorf("blocked requests = %q, want the CDN script", b)
	}
}

// testBrowser starts the real Chromium for one test, which closes it when
// it ends; it skips the test without Chromium, or with -short.
func testBrowser(t *testing.T) (context.Context, *browser) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	bin, err := findChromium("")
	if err != nil {
		t.Skip(err)
	}
	ctx := context.Background()
	br, err := startBrowser(ctx, bin)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(br.close)
	return ctx, br
}

func TestFindChromiumMissing(t *testing.T) {
	_, err := findChromium("/nonexistent/chromium")
	if err == nil || !strings.Contains(err.Error(), "chromium not found") {
		t.Errorf("err = %v, want a message naming chromium", err)
	}
}

// TestPageBeside checks kit.Beside's charts on a hand-made page: a chart
// with both languages' bars passes; one without Python's bars, or with a
// Python bar of zero time, fails; other charts are not concerned.
func TestPageBeside(t *testing.T) {
	ctx, br := testBrowser(t)
	charts, _, err := br.pageCharts(ctx, filepath.Join("testdata", "beside.html"), ChartSelector, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(chartProblems(charts), "; ")
	want := "chart go-only: side-by-side chart without Python bars (bars: Go Serial, Go Threads(2)); " +
		"chart python-zero: side-by-side chart without Python bars (bars: Go Serial, Python map)"
	if len(charts) != 5 || got != want {
		t.Errorf("got %d charts, problems %q; want 5, %q", len(charts), got, want)
	}
}
