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

// server is a JupyterLab server started for the browser checks, serving a
// temporary mirror of the repository with token authentication on.
type server struct {
	jupyter string // the jupyter command that serves
	cmd     *exec.Cmd
	dir     string // the mirror of the repository: the server's root
	state   string // settings, workspaces: kept away from the user's own
	port    int
	token   string
	log     *os.File
}

func (s *server) base() string { return "http://127.0.0.1:" + strconv.Itoa(s.port) }

// screenshot saves the whole notebook: JupyterLab scrolls inside the
// notebook's own element, so the side bar is closed, the window is made as
// tall as the notebook (up to a limit) and the notebook scrolled to its top.
func screenshot(p *rod.Page, path string) (string, error) {
	const outer = `document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer')`
	res, err := p.Eval(`() => {
		if (window.jupyterapp) jupyterapp.shell.collapseLeft();
		const nb = ` + outer + `;
		const top = nb ? nb.getBoundingClientRect().top : 0;
		return Math.ceil(top + (nb ? nb.scrollHeight : document.body.scrollHeight));
	}`)
	if err != nil {
		return "", err
	}
	h := min(max(res.Value.Int()+40, 900), 16000)
	if err := p.SetViewport(&proto.EmulationSetDeviceMetricsOverride{Width: 1280, Height: h, DeviceScaleFactor: 1}); err != nil {
		return "", err
	}
	time.Sleep(time.Second) // let the layout settle at the new size
	if _, err := p.Eval(`() => { const nb = ` + outer + `; if (nb) nb.scrollTop = 0; }`); err != nil {
		return "", err
	}
	time.Sleep(500 * time.Millisecond)
	png, err := p.Screenshot(false, nil)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", err
	}
	return path, os.WriteFile(path, png, 0o644)
}

// labSettings are JupyterLab user settings for the checks: no news or
// update checks (the browser has no network, and their notice would sit in
// every screenshot).
var labSettings = map[string]string{
	"@jupyterlab/apputils-extension/notification.jupyterlab-settings": `{"fetchNews": "false", "checkForUpdates": false}`,
}

// startServer mirrors the repository into a temporary folder, notebooks/
// copied and everything else symlinked, and starts `jupyter lab` on the
// mirror, on a free port with a random token, as Binder does (the
// notebooks at /lab/tree/notebooks/). The committed notebooks are never
// touched, while a notebook's set-up cell, which finds the course from its
// own folder ($GONB_DIR/../scripts/wire-gonb.sh), still finds a complete
// course module. KIT_SCALE reaches the kernels through the server's
// environment. Settings, workspaces and notebook signatures stay in
// temporary places: the user's own JupyterLab state is neither read nor
// changed.
func startServer(ctx context.Context, jupyter, root, out, scale string) (*server, error) {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	s := &server{jupyter: jupyter}
	var err error
	if s.dir, err = os.MkdirTemp("", "nbcheck-lab-"); err != nil {
		return nil, err
	}
	if s.state, err = os.MkdirTemp("", "nbcheck-lab-state-"); err != nil {
		s.stop()
		return nil, err
	}
	if err := mirrorRoot(root, s.dir); err != nil {
		s.stop()
		return nil, err
	}
	settings := filepath.Join(s.state, "settings")
	for name, text := range labSettings {
		p := filepath.Join(settings, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			s.stop()
			return nil, err
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			s.stop()
			return nil, err
		}
	}
	tok := make([]byte, 24)
	rand.Read(tok)
	s.token = hex.EncodeToString(tok)
	if s.port, err = freePort(); err != nil {
		s.stop()
		return nil, err
	}
	if s.log, err = os.Create(filepath.Join(out, "lab-server.log")); err != nil {
		s.stop()
		return nil, err
	}
	s.cmd = exec.Command(jupyter, "lab", "--no-browser",
		"--ip=127.0.0.1", "--port="+strconv.Itoa(s.port), "--port-retries=0",
		"--ServerApp.root_dir="+s.dir,
		// window.jupyterapp: the checks drive JupyterLab's own commands
		// and read the live notebook model.
		"--LabApp.expose_app_in_browser=True",
		"--LabApp.user_settings_dir="+settings,
		"--LabApp.workspaces_dir="+filepath.Join(s.state, "workspaces"),
		// Signatures of saved notebooks, which make their charts draw
		// when opened again, only for this server's life.
		"--NotebookNotary.db_file=:memory:")
	if os.Geteuid() == 0 {
		// Containers and CI often run as root; Jupyter refuses that unless told.
		s.cmd.Args = append(s.cmd.Args, "--allow-root")
	}
	// The token goes in the environment, not on the command line where
	// every local user could read it with ps.
	s.cmd.Env = append(os.Environ(), "JUPYTER_TOKEN="+s.token, "KIT_SCALE="+scale)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	ownProcessGroup(s.cmd)
	if err := s.cmd.Start(); err != nil {
		s.cmd = nil
		s.stop()
		return nil, fmt.Errorf("starting jupyter lab: %w", err)
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
			return nil, fmt.Errorf("jupyter lab exited at start (log: %s)", s.log.Name())
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		case <-time.After(300 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("jupyter lab did not answer on port %d (log: %s)", s.port, s.log.Name())
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
	if s.dir != "" {
		os.RemoveAll(s.dir)
	}
	if s.state != "" {
		os.RemoveAll(s.state)
	}
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
