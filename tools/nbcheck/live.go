package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
)

// server is a classic Notebook server started for the live check, serving a
// temporary copy of notebooks/ with token authentication on.
type server struct {
	cmd   *exec.Cmd
	dir   string // the copy of notebooks/
	port  int
	token string
	log   *os.File
}

func (s *server) base() string { return "http://127.0.0.1:" + strconv.Itoa(s.port) }

// checkLive runs one notebook in the live classic Notebook UI and prints one
// PASS or FAIL line for it.
func (br *browser) checkLive(ctx context.Context, o browserOpts) bool {
	root, err := findRoot(o.root)
	if err != nil {
		fmt.Println("FAIL live:", err)
		return false
	}
	src := o.notebook
	if !filepath.IsAbs(src) {
		src = filepath.Join(root, src)
	}
	name := filepath.Base(src)
	fail := func(format string, args ...any) bool {
		fmt.Printf("FAIL live %s  %s\n", name, fmt.Sprintf(format, args...))
		return false
	}
	if _, err := os.Stat(src); err != nil {
		return fail("%v", err)
	}
	start := time.Now()
	rel, err := filepath.Rel(filepath.Join(root, "notebooks"), src)
	if err != nil || strings.HasPrefix(rel, "..") {
		return fail("-notebook must be in %s", filepath.Join(root, "notebooks"))
	}
	srv, err := startServer(ctx, root, o.out, o.scale)
	if err != nil {
		return fail("%v", err)
	}
	defer srv.stop()
	br.allow("127.0.0.1:" + strconv.Itoa(srv.port))

	var probs []string
	if err := srv.checkAuth(); err != nil {
		probs = append(probs, "security: "+err.Error())
	}

	page, err := br.b.Page(proto.TargetCreateTarget{})
	if err != nil {
		return fail("%v", err)
	}
	defer page.Close()
	page = page.Context(ctx)
	// A wide, tall window: the screenshot shows the notebook, not a phone view.
	page.SetViewport(&proto.EmulationSetDeviceMetricsOverride{Width: 1280, Height: 900, DeviceScaleFactor: 1})

	nbURL := srv.base() + "/notebooks/" + filepath.ToSlash(rel) + "?token=" + srv.token
	if err := page.Navigate(nbURL); err != nil {
		return fail("opening the notebook: %v", err)
	}
	// Loaded and the kernel connected and idle: GoNB started.
	const ready = `() => !!(window.Jupyter && Jupyter.notebook && Jupyter.notebook._fully_loaded &&
		Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected() &&
		document.querySelector('#kernel_indicator_icon.kernel_idle_icon'))`
	if err := waitJS(ctx, page, ready, 2*time.Minute); err != nil {
		return fail("waiting for the kernel: %v", err)
	}
	if _, err := page.Eval(`() => Jupyter.notebook.execute_all_cells()`); err != nil {
		return fail("running all cells: %v", err)
	}
	// Done: no cell shows [*] (class "running") and the kernel is idle, twice
	// in a row, so that a gap between two cells is not taken for the end.
	const done = `() => document.querySelectorAll('.cell.running').length === 0 &&
		!!document.querySelector('#kernel_indicator_icon.kernel_idle_icon')`
	if err := waitJS(ctx, page, done, o.timeout, 2); err != nil {
		probs = append(probs, "waiting for the cells to finish: "+err.Error())
	}

	// The live notebook as nbformat JSON goes through the same checks as a
	// headless run.
	res, err := page.Eval(`() => JSON.stringify(Jupyter.notebook.toJSON())`)
	if err != nil {
		return fail("reading the notebook: %v", err)
	}
	nb, err := ParseNotebook([]byte(res.Value.Str()))
	if err != nil {
		return fail("reading the notebook: %v", err)
	}
	for _, p := range CheckExecuted(nb) {
		probs = append(probs, p.String())
	}

	charts, err := waitCharts(ctx, page, o.selector, 15*time.Second)
	if err != nil {
		probs = append(probs, "charts: "+err.Error())
	}
	probs = append(probs, chartProblems(charts)...)
	if err == nil && len(charts) == 0 {
		probs = append(probs, "no chart ("+o.selector+") in the notebook")
	}

	shot, err := screenshot(page, filepath.Join(o.out, "screenshots", strings.TrimSuffix(name, ".ipynb")+".png"))
	if err != nil {
		probs = append(probs, "screenshot: "+err.Error())
	}
	if b := br.takeBlocked(); len(b) > 0 {
		fmt.Printf("     note: blocked %s (first: %s)\n", plural(len(b), "network request", "network requests"), b[0])
	}
	stats := fmt.Sprintf("%d cells  %s drew  %.1fs", len(nb.Cells()), plural(len(charts), "chart", "charts"), time.Since(start).Seconds())
	if len(probs) > 0 {
		fmt.Printf("FAIL live %s  %s  (%s)\n", name, probs[0], stats)
		for _, p := range probs[1:] {
			fmt.Printf("     %s\n", p)
		}
		return false
	}
	fmt.Printf("PASS live %s  %s  token required  screenshot %s\n", name, stats, shot)
	return true
}

// waitJS polls a JavaScript predicate until it has been true `times` polls
// in a row (default once), the limit passes, or ctx ends.
func waitJS(ctx context.Context, p *rod.Page, js string, limit time.Duration, times ...int) error {
	need, got := 1, 0
	if len(times) > 0 {
		need = times[0]
	}
	deadline := time.Now().Add(limit)
	for {
		res, err := p.Eval(js)
		if err == nil && res.Value.Bool() {
			if got++; got >= need {
				return nil
			}
		} else {
			got = 0
		}
		if time.Now().After(deadline) {
			if err != nil {
				return fmt.Errorf("gave up after %v: %w", limit, err)
			}
			return fmt.Errorf("gave up after %v", limit)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// screenshot saves the whole notebook: classic Notebook scrolls inside its
// own element, so the window is made as tall as the notebook first.
func screenshot(p *rod.Page, path string) (string, error) {
	res, err := p.Eval(`() => {
		const site = document.querySelector('#site'), header = document.querySelector('#header');
		return (site ? site.scrollHeight : document.body.scrollHeight) + (header ? header.offsetHeight : 0);
	}`)
	if err != nil {
		return "", err
	}
	h := min(max(res.Value.Int()+40, 900), 16000)
	if err := p.SetViewport(&proto.EmulationSetDeviceMetricsOverride{Width: 1280, Height: h, DeviceScaleFactor: 1}); err != nil {
		return "", err
	}
	time.Sleep(500 * time.Millisecond) // let the layout settle at the new size
	png, err := p.Screenshot(false, nil)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", err
	}
	return path, os.WriteFile(path, png, 0o644)
}

// startServer mirrors the repository into a temporary folder, notebooks/
// copied and everything else symlinked, and starts `jupyter notebook` on
// the copy of notebooks/, on a free port with a random token. The committed
// notebooks are never touched, while a notebook's set-up cell, which finds
// the course from its own folder ($GONB_DIR/../scripts/wire-gonb.sh), still
// finds a complete course module.
func startServer(ctx context.Context, root, out, scale string) (*server, error) {
	jupyter, err := findJupyter(root, "notebook")
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "nbcheck-live-")
	if err != nil {
		return nil, err
	}
	s := &server{dir: dir}
	if err := mirrorRoot(root, dir); err != nil {
		s.stop()
		return nil, err
	}
	tok := make([]byte, 24)
	rand.Read(tok)
	s.token = hex.EncodeToString(tok)
	if s.port, err = freePort(); err != nil {
		s.stop()
		return nil, err
	}
	if s.log, err = os.Create(filepath.Join(out, "live-server.log")); err != nil {
		s.stop()
		return nil, err
	}
	s.cmd = exec.Command(jupyter, "notebook", "--no-browser",
		"--ip=127.0.0.1", "--port="+strconv.Itoa(s.port), "--port-retries=0",
		"--notebook-dir="+filepath.Join(dir, "notebooks"))
	if os.Geteuid() == 0 {
		// Containers and CI often run as root; Jupyter refuses that unless told.
		s.cmd.Args = append(s.cmd.Args, "--allow-root")
	}
	// The token goes in the environment, not on the command line where
	// every local user could read it with ps; Notebook 6 reads JUPYTER_TOKEN.
	s.cmd.Env = append(os.Environ(), "JUPYTER_TOKEN="+s.token, "KIT_SCALE="+scale)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	ownProcessGroup(s.cmd)
	if err := s.cmd.Start(); err != nil {
		s.cmd = nil
		s.stop()
		return nil, fmt.Errorf("starting jupyter notebook: %w", err)
	}
	exited := make(chan struct{})
	go func() { s.cmd.Wait(); close(exited) }()
	// Ready when the API answers with the token.
	deadline := time.Now().Add(60 * time.Second)
	for {
		if code, _, _ := s.get("/api/status", true); code == http.StatusOK {
			return s, nil
		}
		select {
		case <-exited:
			s.stop()
			return nil, fmt.Errorf("jupyter notebook exited at start (log: %s)", s.log.Name())
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		case <-time.After(300 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("jupyter notebook did not answer on port %d (log: %s)", s.port, s.log.Name())
		}
	}
}

// get requests path from the server, with or without the token, without
// following redirects.
func (s *server) get(path string, withToken bool) (code int, location string, err error) {
	req, err := http.NewRequest("GET", s.base()+path, nil)
	if err != nil {
		return 0, "", err
	}
	if withToken {
		req.Header.Set("Authorization", "token "+s.token)
	}
	c := http.Client{
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, "", err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location"), nil
}

// checkAuth is the security check: without the token the server refuses
// the API (403) or sends to its login page; with it, it answers.
func (s *server) checkAuth() error {
	for _, path := range []string{"/api/contents", "/tree"} {
		code, loc, err := s.get(path, false)
		switch {
		case err != nil:
			return err
		case code == http.StatusForbidden || code == http.StatusUnauthorized:
		case code >= 300 && code < 400 && strings.Contains(loc, "/login"):
		default:
			return fmt.Errorf("GET %s without the token answered %d %s; want 403 or a redirect to /login", path, code, loc)
		}
	}
	if code, _, err := s.get("/api/contents", true); err != nil || code != http.StatusOK {
		return fmt.Errorf("GET /api/contents with the token answered %d (%v); want 200", code, err)
	}
	return nil
}

// stop shuts the kernels down through the API (GoNB and its cell
// processes run in their own sessions, out of reach of the server's
// process group), then ends the server: SIGTERM, then SIGKILL to its
// group. It removes the temporary copy last.
func (s *server) stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		s.shutdownKernels()
		terminate(s.cmd, 10*time.Second)
	}
	if s.log != nil {
		s.log.Close()
	}
	os.RemoveAll(s.dir)
}

func (s *server) shutdownKernels() {
	req, _ := http.NewRequest("GET", s.base()+"/api/kernels", nil)
	req.Header.Set("Authorization", "token "+s.token)
	c := http.Client{Timeout: 10 * time.Second}
	resp, err := c.Do(req)
	if err != nil {
		return
	}
	var kernels []struct{ ID string }
	json.NewDecoder(resp.Body).Decode(&kernels)
	resp.Body.Close()
	for _, k := range kernels {
		req, _ := http.NewRequest("DELETE", s.base()+"/api/kernels/"+k.ID, nil)
		req.Header.Set("Authorization", "token "+s.token)
		if resp, err := c.Do(req); err == nil {
			resp.Body.Close()
		}
	}
}

// freePort asks the kernel for a free port. Another process could take it
// before jupyter binds it; --port-retries=0 then makes that an error rather
// than a silent move to another port.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// mirrorRoot fills dst with symlinks to root's entries, except notebooks/,
// which is copied, and the repository's .git and build output.
func mirrorRoot(root, dst string) error {
	entries, err := os.ReadDir(root)
	if err != nil {
		return err
	}
	for _, e := range entries {
		switch name := e.Name(); name {
		case ".git", "build":
		case "notebooks":
			if err := copyTree(filepath.Join(root, name), filepath.Join(dst, name)); err != nil {
				return err
			}
		default:
			if err := os.Symlink(filepath.Join(root, name), filepath.Join(dst, name)); err != nil {
				return err
			}
		}
	}
	return nil
}

// copyTree copies the notebooks folder (notebooks, data files), skipping
// checkpoints.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			if d.Name() == ".ipynb_checkpoints" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
}
