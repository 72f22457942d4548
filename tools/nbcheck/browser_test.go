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
	defer br.close()
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

func TestFindChromiumMissing(t *testing.T) {
	_, err := findChromium("/nonexistent/chromium")
	if err == nil || !strings.Contains(err.Error(), "chromium not found") {
		t.Errorf("err = %v, want a message naming chromium", err)
	}
}
