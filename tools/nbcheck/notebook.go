package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// Notebook is an .ipynb document kept as generic JSON, so that fields nbcheck
// does not know about survive a read-write round trip untouched. Numbers stay
// json.Number so that their text is written back exactly as read.
type Notebook struct {
	Path string
	Doc  map[string]any
}

// Cell is one entry of a notebook's "cells" array, as generic JSON.
type Cell map[string]any

// ReadNotebook parses an .ipynb file.
func ReadNotebook(path string) (*Notebook, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	nb, err := ParseNotebook(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	nb.Path = path
	return nb, nil
}

// ParseNotebook parses .ipynb bytes.
func ParseNotebook(data []byte) (*Notebook, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("not a notebook: %w", err)
	}
	if _, ok := doc["cells"].([]any); !ok {
		return nil, fmt.Errorf("not a notebook: no \"cells\" array (nbformat 4 expected)")
	}
	return &Notebook{Doc: doc}, nil
}

// Cells returns the notebook's cells in order.
func (nb *Notebook) Cells() []Cell {
	raw, _ := nb.Doc["cells"].([]any)
	cells := make([]Cell, 0, len(raw))
	for _, c := range raw {
		if m, ok := c.(map[string]any); ok {
			cells = append(cells, Cell(m))
		}
	}
	return cells
}

// Marshal writes the notebook the way Jupyter (nbformat) does: keys sorted,
// one-space indent, non-ASCII as is, a trailing newline. Keeping that format
// keeps the diffs of committed notebooks down to what really changed.
func (nb *Notebook) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", " ")
	enc.SetEscapeHTML(false) // Python's json does not escape <, > and &.
	if err := enc.Encode(nb.Doc); err != nil {
		return nil, err
	}
	// Encode ends with "\n", as nbformat.write does.
	return unescapeLineSeparators(buf.Bytes()), nil
}

// unescapeLineSeparators undoes encoding/json's one escape that Python's
// json (ensure_ascii=False) does not make: U+2028 and U+2029 as \u2028 and
// \u2029. It walks escape pairs so that an escaped backslash followed by
// "u2028" is left alone.
func unescapeLineSeparators(b []byte) []byte {
	if !bytes.Contains(b, []byte(`\u202`)) {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' || i+1 >= len(b) {
			out = append(out, b[i])
			continue
		}
		if rest := b[i+1:]; bytes.HasPrefix(rest, []byte("u2028")) || bytes.HasPrefix(rest, []byte("u2029")) {
			r := "\u2028"
			if rest[4] == '9' {
				r = "\u2029"
			}
			out = append(out, r...)
			i += 5
			continue
		}
		out = append(out, b[i], b[i+1])
		i++
	}
	return out
}

// Type is "code", "markdown" or "raw".
func (c Cell) Type() string { s, _ := c["cell_type"].(string); return s }

// Source is the cell's text; nbformat stores it as a string or a list of lines.
func (c Cell) Source() string { return joinText(c["source"]) }

// Outputs returns the cell's outputs (code cells only).
func (c Cell) Outputs() []map[string]any {
	raw, _ := c["outputs"].([]any)
	outs := make([]map[string]any, 0, len(raw))
	for _, o := range raw {
		if m, ok := o.(map[string]any); ok {
			outs = append(outs, m)
		}
	}
	return outs
}

// Metadata returns the cell's metadata object, or nil.
func (c Cell) Metadata() map[string]any { m, _ := c["metadata"].(map[string]any); return m }

// HasTag reports whether the cell carries the given tag in metadata.tags.
func (c Cell) HasTag(tag string) bool {
	tags, _ := c.Metadata()["tags"].([]any)
	for _, t := range tags {
		if t == tag {
			return true
		}
	}
	return false
}

// ExecutionCount is the cell's execution_count, or 0 when it is null/absent.
func (c Cell) ExecutionCount() int {
	n, ok := c["execution_count"].(json.Number)
	if !ok {
		return 0
	}
	i, _ := n.Int64()
	return int(i)
}

// joinText turns nbformat's "multiline string" (a string or a list of
// strings) into one string.
func joinText(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case []any:
		var b strings.Builder
		for _, s := range t {
			if s, ok := s.(string); ok {
				b.WriteString(s)
			}
		}
		return b.String()
	}
	return ""
}
