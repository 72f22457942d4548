package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"html"
	"regexp"
	"strings"
)

// Cell tags the checks understand.
const (
	// TagRaisesException marks a cell that must fail (the tag nbclient
	// and nbconvert already honour).
	TagRaisesException = "raises-exception"
	// TagNoOutput marks a cell that runs code yet shows nothing on purpose.
	TagNoOutput = "no-output"
)

// Problem is one reason a notebook fails. Cell is the 1-based position of
// the cell among the notebook's code cells, which is its In [N] prompt when
// every cell ran in order; 0 means the notebook as a whole.
type Problem struct {
	Cell int
	Msg  string
}

func (p Problem) String() string {
	if p.Cell == 0 {
		return p.Msg
	}
	return fmt.Sprintf("cell %d: %s", p.Cell, p.Msg)
}

// CheckExecuted checks a notebook after a headless run.
//
// A code cell fails the notebook when:
//   - it has an error output and is not tagged raises-exception. GoNB
//     reports every failure with an "error" output, with or without
//     --raw_error: a compile error, a panic ("exit status 2"), os.Exit(n)
//     ("exit status n"), a race report under %goflags -race ("exit status 66");
//   - it is tagged raises-exception and has no error output;
//   - it did not run (no execution count: the kernel died or the run stopped);
//   - it has no output at all although it runs code (see [ExpectsOutput]);
//   - it has a display output with nothing to show (every representation
//     empty): a display updated in place, such as a progress bar, that was
//     blanked at the end leaves such a hole in the notebook.
func CheckExecuted(nb *Notebook) []Problem {
	var probs []Problem
	n := 0
	for _, c := range nb.Cells() {
		if c.Type() != "code" {
			continue
		}
		n++
		src := c.Source()
		if strings.TrimSpace(src) == "" {
			continue // nbclient skips empty cells
		}
		failed := hasError(c)
		tagged := c.HasTag(TagRaisesException)
		switch {
		case c.ExecutionCount() == 0 && len(c.Outputs()) == 0:
			probs = append(probs, Problem{n, "did not run (no execution count)"})
		case failed && !tagged:
			probs = append(probs, Problem{n, "error in an untagged cell: " + ErrorSummary(c)})
		case tagged && !failed:
			probs = append(probs, Problem{n, "tagged " + TagRaisesException + " but did not fail"})
		case hasEmptyDisplay(c):
			probs = append(probs, Problem{n, "an empty display output (a progress bar or display left blank)"})
		case len(c.Outputs()) == 0 && !c.HasTag(TagNoOutput) && ExpectsOutput(src):
			probs = append(probs, Problem{n, "no output (tag the cell " + TagNoOutput + " if that is intended)"})
		}
	}
	return probs
}

// hasEmptyDisplay reports whether one of the cell's display outputs has
// only empty representations (or none).
func hasEmptyDisplay(c Cell) bool {
	for _, o := range c.Outputs() {
		if t := o["output_type"]; t != "display_data" && t != "execute_result" {
			continue
		}
		d, _ := o["data"].(map[string]any)
		empty := true
		for _, v := range d {
			empty = empty && strings.TrimSpace(joinText(v)) == ""
		}
		if empty {
			return true
		}
	}
	return false
}

func hasError(c Cell) bool {
	for _, o := range c.Outputs() {
		if o["output_type"] == "error" {
			return true
		}
	}
	return false
}

// ExpectsOutput reports whether a code cell's source runs code, so that an
// empty output is suspicious. A cell only sets things up, and may stay
// silent, when what is left after removing
//   - % magic lines other than %%, %main and %test (e.g. %goflags, %env), and
//   - ! shell lines (e.g. the !* go mod edit of the set-up cell)
//
// parses as Go top-level declarations (func, type, var, const, import)
// without a func main. Anything else, including source that does not parse,
// is expected to print: tag such a cell no-output if it really is silent.
func ExpectsOutput(src string) bool {
	var code []string
	cont := false // a magic or shell line continued with a trailing backslash
	for _, line := range strings.Split(src, "\n") {
		t := strings.TrimSpace(line)
		if cont {
			cont = strings.HasSuffix(t, `\`)
			continue
		}
		switch {
		case t == "%%" || strings.HasPrefix(t, "%% ") || t == "%main" || t == "%test" ||
			strings.HasPrefix(t, "%main ") || strings.HasPrefix(t, "%test "):
			return true
		case strings.HasPrefix(t, "%") || strings.HasPrefix(t, "!"):
			cont = strings.HasSuffix(t, `\`)
		default:
			code = append(code, line)
		}
	}
	body := strings.Join(code, "\n")
	if strings.TrimSpace(body) == "" {
		return false
	}
	f, err := parser.ParseFile(token.NewFileSet(), "cell.go", "package cell\n"+body, parser.SkipObjectResolution)
	if err != nil {
		return true
	}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == "main" {
			return true
		}
	}
	return false
}

var (
	ansiRE = regexp.MustCompile(`\x1b\[[0-9;]*[A-Za-z]`)
	// GoNB's HTML error report (without --raw_error) puts each compiler
	// message after a "Cell[N]: Line L" span.
	gonbHTMLErrRE = regexp.MustCompile(`(?s)<span class="gonb-cell-line-info">([^<]*)</span>.*?</span></span>([^<]*)`)
)

// ErrorSummary is one line saying why a cell failed, e.g.
// "Cell[4]: Line 2: undefined: x" or "panic: boom (exit status 2)".
func ErrorSummary(c Cell) string {
	var evalue, stderr, htmlOut string
	var traceback []string
	for _, o := range c.Outputs() {
		switch o["output_type"] {
		case "error":
			if evalue == "" {
				evalue, _ = o["evalue"].(string)
				if tb, ok := o["traceback"].([]any); ok {
					for _, t := range tb {
						if s, ok := t.(string); ok {
							traceback = append(traceback, s)
						}
					}
				}
			}
		case "stream":
			if o["name"] == "stderr" {
				stderr += joinText(o["text"])
			}
		case "display_data":
			if d, ok := o["data"].(map[string]any); ok {
				htmlOut += joinText(d["text/html"])
			}
		}
	}
	first := ""
	for _, l := range nonEmptyLines(ansiRE.ReplaceAllString(evalue, "")) {
		if !strings.HasPrefix(l, "# ") { // go build's package line, e.g. "# gonb_1a2b3c4d"
			first = l
			break
		}
	}
	// A run-time failure: the error only says "exit status N"; the reason
	// (a panic, a fatal error, a race report) is on stderr.
	for _, l := range nonEmptyLines(ansiRE.ReplaceAllString(stderr, "")) {
		if strings.HasPrefix(l, "panic:") || strings.HasPrefix(l, "fatal error:") ||
			strings.Contains(l, "WARNING: DATA RACE") {
			if first != "" {
				return clip(l + " (" + first + ")")
			}
			return clip(l)
		}
	}
	// Compile errors, --raw_error: traceback entries "Cell[N]: Line L\n...\nmessage".
	for _, t := range traceback {
		t = ansiRE.ReplaceAllString(t, "")
		if strings.HasPrefix(t, "Cell[") {
			lines := nonEmptyLines(t)
			return clip(lines[0] + ": " + lines[len(lines)-1])
		}
	}
	// Compile errors, GoNB's HTML report.
	if m := gonbHTMLErrRE.FindStringSubmatch(htmlOut); m != nil {
		return clip(html.UnescapeString(strings.TrimSpace(m[1]) + ": " + strings.TrimSpace(m[2])))
	}
	if first == "" {
		first = "(error output without a message)"
	}
	return clip(first)
}

func nonEmptyLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		out = []string{""}
	}
	return out
}

// clip keeps a summary on one readable line.
func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 160 {
		return string(r[:157]) + "..."
	}
	return s
}
