package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/launcher"
	"github.com/go-rod/rod/lib/proto"
)

// ChartSelector finds kit's chart containers: kit marks every chart that has
// something to draw with the attribute data-kit-chart (charts with nothing
// to draw show only a message and do not carry it). Each must end up holding
// a <canvas> (echarts' canvas renderer) with non-blank pixels.
const ChartSelector = "[data-kit-chart]"

// browserOpts are the flags of `nbcheck browser`.
type browserOpts struct {
	root, out, dir, chromium, selector string
	offline                            bool
}

// cmdBrowser implements `nbcheck browser`: the charts of every exported
// page in OUT/html, as `nbcheck run` writes them.
func cmdBrowser(args []string) int {
	fs := newFlagSet("browser", "[flags]")
	var o browserOpts
	fs.StringVar(&o.out, "out", "", "output folder holding html/ (default: build/ at the repository root)")
	fs.StringVar(&o.root, "root", "", "repository root (default: found from the current directory)")
	fs.StringVar(&o.chromium, "chromium", "", "Chromium binary (default: /usr/bin/chromium, else chromium on PATH)")
	fs.StringVar(&o.selector, "charts", ChartSelector, "CSS selector of chart containers")
	fs.StringVar(&o.dir, "dir", "", "folder of the pages to check (default: OUT/html)")
	fs.BoolVar(&o.offline, "offline", false, "fail a page that asks for anything over the network (a published site must work offline)")
	fs.Parse(args)
	var err error
	if o.out, err = outDir(o.root, o.out); err != nil {
		fmt.Fprintln(os.Stderr, "nbcheck:", err)
		return 2
	}
	ctx, br, done, err := openBrowser(o.chromium)
	if err != nil {
		fmt.Fprintln(os.Stderr, "nbcheck:", err)
		return 2
	}
	defer done()

	if o.dir == "" {
		o.dir = filepath.Join(o.out, "html")
	}
	pages, _ := filepath.Glob(filepath.Join(o.dir, "*.html"))
	sort.Strings(pages)
	if len(pages) == 0 {
		fmt.Printf("FAIL no exported pages in %s (run `nbcheck run` first)\n", o.dir)
		return summary(0, 1)
	}
	passed, failed := 0, 0
	for _, p := range pages {
		if ctx.Err() != nil {
			fmt.Println("FAIL interrupted")
			return summary(passed, failed+1)
		}
		if br.checkPage(ctx, p, o.selector, o.offline) {
			passed++
		} else {
			failed++
		}
	}
	return summary(passed, failed)
}

// openBrowser starts headless Chromium with a context that Ctrl-C or SIGTERM
// cancels, so that the deferred clean-ups (browser, notebook server,
// temporary copy) still run. done stops everything.
func openBrowser(chromium string) (ctx context.Context, br *browser, done func(), err error) {
	bin, err := findChromium(chromium)
	if err != nil {
		return nil, nil, nil, err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	br, err = startBrowser(ctx, bin)
	if err != nil {
		stop()
		return nil, nil, nil, err
	}
	return ctx, br, func() { br.close(); stop() }, nil
}

// findChromium returns the browser binary; nbcheck never downloads one.
func findChromium(bin string) (string, error) {
	if bin != "" {
		p, err := exec.LookPath(bin)
		if err != nil {
			return "", fmt.Errorf("chromium not found at %s (-chromium): %w", bin, err)
		}
		return p, nil
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium", nil
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("chromium not found (tried /usr/bin/chromium and PATH): install it (Debian: apt-get install chromium) or pass -chromium")
}

// browser is a headless Chromium whose http(s) requests go through a router
// that lets through only the hosts allowed (the live notebook server) and
// blocks and records everything else: pages must draw with the network off.
type browser struct {
	l      *launcher.Launcher
	b      *rod.Browser
	router *rod.HijackRouter

	mu      sync.Mutex
	allowed map[string]bool // host:port
	blocked []string
}

func startBrowser(ctx context.Context, bin string) (*browser, error) {
	// The flags measured to work on this machine kind (PLATFORM.md).
	l := launcher.New().Context(ctx).Bin(bin).Headless(true).NoSandbox(true).
		Set("disable-gpu").Set("disable-quic").Set("no-first-run").
		Set("disable-background-networking").Set("disable-component-update").
		Set("disable-sync").Set("disable-dev-shm-usage")
	u, err := l.Launch()
	if err != nil {
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	br := &browser{l: l, allowed: map[string]bool{}}
	br.b = rod.New().ControlURL(u).Context(ctx)
	if err := br.b.Connect(); err != nil {
		br.close()
		return nil, fmt.Errorf("connecting to %s: %w", bin, err)
	}
	br.router = br.b.HijackRequests()
	err = br.router.Add("*", "", func(h *rod.Hijack) {
		u := h.Request.URL()
		if (u.Scheme == "http" || u.Scheme == "https") && !br.isAllowed(u) {
			br.mu.Lock()
			br.blocked = append(br.blocked, u.String())
			br.mu.Unlock()
			h.Response.Fail(proto.NetworkErrorReasonBlockedByClient)
			return
		}
		h.ContinueRequest(&proto.FetchContinueRequest{})
	})
	if err != nil {
		br.close()
		return nil, fmt.Errorf("blocking the network: %w", err)
	}
	go br.router.Run()
	return br, nil
}

func (br *browser) isAllowed(u *url.URL) bool {
	br.mu.Lock()
	defer br.mu.Unlock()
	return br.allowed[u.Host]
}

func (br *browser) allow(host string) {
	br.mu.Lock()
	br.allowed[host] = true
	br.mu.Unlock()
}

// takeBlocked returns and forgets the requests blocked so far.
func (br *browser) takeBlocked() []string {
	br.mu.Lock()
	defer br.mu.Unlock()
	b := br.blocked
	br.blocked = nil
	return b
}

// close stops the browser for good: politely, then by killing its process
// group, then removes its profile folder.
func (br *browser) close() {
	if br.router != nil {
		br.router.Stop()
	}
	if br.b != nil {
		br.b.Context(context.Background()).Close()
	}
	br.l.Kill()
	br.l.Cleanup()
}

// chart is what chartsJS reports for one chart container.
type chart struct {
	ID    string `json:"id"`
	Drawn bool   `json:"drawn"`
	Why   string `json:"why"`
}

// chartsJS reports, for every chart container, whether it holds a canvas
// that is not all one colour (it reads the pixels back with getImageData),
// and for kit.Beside's charts whether both languages' bars are there.
const chartsJS = `(sel) => Array.from(document.querySelectorAll(sel)).map((el, i) => {
  const cs = el.querySelectorAll('canvas');
  let why = cs.length ? 'blank canvas' : 'no canvas';
  for (const c of cs) {
    if (!c.width || !c.height) { why = 'zero-size canvas'; continue; }
    const ctx = c.getContext('2d');
    if (!ctx) { why = 'canvas without a 2d context'; continue; }
    let d;
    try { d = ctx.getImageData(0, 0, c.width, c.height).data; } catch (e) { why = 'unreadable canvas: ' + e; continue; }
    for (let j = 4; j < d.length; j += 4) {
      if (d[j] !== d[0] || d[j+1] !== d[1] || d[j+2] !== d[2] || d[j+3] !== d[3]) {
        const lacks = (` + besideJS + `)(el);
        if (lacks) return {id: el.id || el.getAttribute('data-kit-chart') || '#' + (i + 1), drawn: false, why: lacks};
        return {id: el.id || el.getAttribute('data-kit-chart') || '#' + (i + 1), drawn: true, why: ''};
      }
    }
  }
  return {id: el.id || el.getAttribute('data-kit-chart') || '#' + (i + 1), drawn: false, why: why};
})`

// waitCharts polls the page's charts until there are at least atLeast and
// all have drawn, or the time is up (outputs render as the page loads;
// echarts draws on the next animation frames, once the library unpacked).
func waitCharts(ctx context.Context, p *rod.Page, sel string, atLeast int, limit time.Duration) ([]chart, error) {
	deadline := time.Now().Add(limit)
	for {
		var charts []chart
		res, err := p.Eval(chartsJS, sel)
		if err != nil {
			return nil, err
		}
		if err := res.Value.Unmarshal(&charts); err != nil {
			return nil, err
		}
		done := len(charts) >= atLeast
		for _, c := range charts {
			done = done && c.Drawn
		}
		if done || time.Now().After(deadline) {
			return charts, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// chartProblems lists the charts that did not draw.
func chartProblems(charts []chart) []string {
	var probs []string
	for _, c := range charts {
		if !c.Drawn {
			probs = append(probs, fmt.Sprintf("chart %s: %s", c.ID, c.Why))
		}
	}
	return probs
}

// checkPage loads one exported page from file:// with the network blocked
// and checks its charts. Exported pages also reference CDN scripts
// (RequireJS, MathJax): those are blocked and reported as a note only,
// since kit's charts must draw without them, unless offline says that the
// page must ask the network for nothing at all.
func (br *browser) checkPage(ctx context.Context, path, sel string, offline bool) bool {
	name := filepath.Base(path)
	br.takeBlocked()
	charts, exceptions, err := br.pageCharts(ctx, path, sel, 15*time.Second)
	if err != nil {
		fmt.Printf("FAIL %s  %v\n", name, err)
		return false
	}
	probs := chartProblems(charts)
	switch {
	case len(charts) == 0:
		fmt.Printf("PASS %s  no charts\n", name)
	case len(probs) == 0:
		fmt.Printf("PASS %s  %s drew\n", name, plural(len(charts), "chart", "charts"))
	default:
		fmt.Printf("FAIL %s  %s  (%d of %d charts drew)\n", name, strings.Join(probs, "; "), len(charts)-len(probs), len(charts))
		for _, e := range exceptions {
			fmt.Printf("     script error: %s\n", clip(e))
		}
	}
	b := br.takeBlocked()
	if len(b) > 0 {
		verdict := "note"
		if offline {
			verdict = "FAIL (-offline)"
		}
		fmt.Printf("     %s: blocked %s (first: %s)\n", verdict, plural(len(b), "network request", "network requests"), b[0])
	}
	return len(probs) == 0 && !(offline && len(b) > 0)
}

// pageCharts opens a local HTML file in a new tab and reports its charts
// once all have drawn or wait has passed, with the script errors seen.
func (br *browser) pageCharts(ctx context.Context, path, sel string, wait time.Duration) ([]chart, []string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, nil, err
	}
	var (
		mu         sync.Mutex
		exceptions []string
	)
	p, err := br.b.Page(proto.TargetCreateTarget{})
	if err != nil {
		return nil, nil, err
	}
	defer p.Close()
	p = p.Context(ctx)
	go p.EachEvent(func(e *proto.RuntimeExceptionThrown) {
		mu.Lock()
		exceptions = append(exceptions, e.ExceptionDetails.Text+" "+exceptionDesc(e))
		mu.Unlock()
	})()
	err = p.Timeout(60 * time.Second).Navigate((&url.URL{Scheme: "file", Path: abs}).String())
	if err == nil {
		err = p.Timeout(60 * time.Second).WaitLoad()
	}
	if err != nil {
		return nil, nil, fmt.Errorf("loading: %w", err)
	}
	charts, err := waitCharts(ctx, p, sel, 0, wait)
	mu.Lock()
	defer mu.Unlock()
	return charts, append([]string(nil), exceptions...), err
}

func exceptionDesc(e *proto.RuntimeExceptionThrown) string {
	if e.ExceptionDetails.Exception != nil {
		return e.ExceptionDetails.Exception.Description
	}
	return ""
}
