// Package benchfig is the file `make bench` leaves its figures in,
// build/bench.json: one flat JSON object of numbers with the units in the
// names, so that runs can be compared. kit's TestBenchJSON writes it first,
// then kit/cluster's adds its own figures (kit must not link NATS).
package benchfig

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// Figures are measured figures by name, e.g. "go_chunk1_us".
type Figures map[string]float64

// Ratio sets f[name] to f[num] / f[den] when both were measured.
func (f Figures) Ratio(name, num, den string) {
	if f[num] > 0 && f[den] > 0 {
		f[name] = f[num] / f[den]
	}
}

// Read is the figures in file; none if there is no such file.
func Read(file string) (Figures, error) {
	f := Figures{}
	b, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return f, nil
	} else if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%s is not a flat object of figures: %w", file, err)
	}
	return f, nil
}

// Write writes f to file, indented, and returns what it wrote.
func (f Figures) Write(file string) ([]byte, error) {
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, err
	}
	b = append(b, '\n')
	return b, os.WriteFile(file, b, 0o644)
}
