package kit

import (
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Table is rows of cells under a header that prints as aligned plain text
// and shows as an HTML table: the one table every kit value (and any
// lesson) uses, so that all of them look alike and write their numbers
// alike.
//
// [Table.Row] writes each cell by its type: a time.Duration with
// [FormatDuration], a float with three significant digits, an integer in
// plain digits, anything else as fmt.Sprint does. A cell that holds
// several lines keeps them (one below the other in text, broken lines in
// HTML). The zero value is an empty table with no header, ready for rows.
type Table struct {
	// Caption is a line above the table; "" for none.
	Caption string
	// Header names the columns; nil for a table without a header row.
	Header []string
	// Align has a letter per column: 'l' aligns it left, anything else
	// right. Columns past its end align as by default: the first one left
	// (it names the row), the others right (numbers).
	Align string

	rows [][]tableCell
}

// tableCell is one cell: its text, and whether it is a warning (drawn in
// the warning colour in HTML).
type tableCell struct {
	text string
	warn bool
}

// warnCell marks a cell as a warning: a count of lost updates, a failed run.
type warnCell struct{ v any }

// tableWarn is v as a warning cell for [Table.Row].
func tableWarn(v any) any { return warnCell{v} }

// Row adds a row of cells, written by their types (see [Table]), and
// returns t. A row may have fewer or more cells than the header; missing
// cells are empty.
func (t *Table) Row(cells ...any) *Table {
	row := make([]tableCell, len(cells))
	for i, c := range cells {
		if w, ok := c.(warnCell); ok {
			row[i] = tableCell{text: tableText(w.v), warn: true}
			continue
		}
		row[i] = tableCell{text: tableText(c)}
	}
	t.rows = append(t.rows, row)
	return t
}

// tableText writes one cell's value.
func tableText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case time.Duration:
		return FormatDuration(x)
	case float64:
		return num(x)
	case float32:
		return num(float64(x))
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case uint64:
		return strconv.FormatUint(x, 10)
	}
	return fmt.Sprint(v)
}

// left reports whether column i aligns left.
func (t Table) left(i int) bool {
	if i < len(t.Align) {
		return t.Align[i] == 'l'
	}
	return i == 0
}

// String is the table as text: the caption, then the columns two spaces
// apart, header first. It ends with a newline unless the table is empty.
func (t Table) String() string {
	var rows [][]string
	if len(t.Header) > 0 {
		rows = append(rows, t.Header)
	}
	for _, r := range t.rows {
		// A cell of several lines spreads its row over as many text lines.
		lines := 1
		for _, c := range r {
			lines = max(lines, strings.Count(c.text, "\n")+1)
		}
		for l := range lines {
			row := make([]string, len(r))
			for i, c := range r {
				if parts := strings.Split(c.text, "\n"); l < len(parts) {
					row[i] = parts[l]
				}
			}
			rows = append(rows, row)
		}
	}
	align := make([]byte, 0, len(t.Align))
	for i := range max(len(t.Align), tableWidth(rows)) {
		if t.left(i) {
			align = append(align, 'l')
		} else {
			align = append(align, 'r')
		}
	}
	var b strings.Builder
	if t.Caption != "" {
		b.WriteString(t.Caption + "\n")
	}
	b.WriteString(textColumns(string(align), rows))
	return b.String()
}

// tableWidth is the number of columns of the widest row.
func tableWidth(rows [][]string) int {
	n := 0
	for _, r := range rows {
		n = max(n, len(r))
	}
	return n
}

// HTML is the table as an HTML table with the same text in its cells,
// warnings in the warning colour.
func (t Table) HTML() string {
	var b strings.Builder
	b.WriteString(`<table class="kit-table">` + "\n")
	if t.Caption != "" {
		fmt.Fprintf(&b, `<caption style="text-align:left">%s</caption>`+"\n", html.EscapeString(t.Caption))
	}
	cell := func(tag string, i int, c tableCell) {
		// Notebooks align table cells right, as numbers want: only left
		// cells and warnings need a style.
		var style []string
		if t.left(i) {
			style = append(style, "text-align:left")
		}
		if c.warn {
			style = append(style, "color:"+paletteWarn, "font-weight:bold")
		}
		text := strings.ReplaceAll(html.EscapeString(c.text), "\n", "<br>")
		if len(style) == 0 {
			fmt.Fprintf(&b, `<%s>%s</%s>`, tag, text, tag)
			return
		}
		fmt.Fprintf(&b, `<%s style="%s">%s</%s>`, tag, strings.Join(style, ";"), text, tag)
	}
	if len(t.Header) > 0 {
		b.WriteString("<tr>")
		for i, h := range t.Header {
			cell("th", i, tableCell{text: h})
		}
		b.WriteString("</tr>\n")
	}
	for _, r := range t.rows {
		b.WriteString("<tr>")
		for i, c := range r {
			tag := "td"
			if i == 0 && t.left(0) {
				tag = "th" // a first column on the left names the rows
			}
			cell(tag, i, c)
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</table>")
	return b.String()
}

// textColumns lays rows out in columns two spaces apart, aligned as align
// says, a letter per column: 'l' for left (names), anything else for right
// (numbers). Trailing spaces are cut; every row ends with a newline.
func textColumns(align string, rows [][]string) string {
	var widths []int
	for _, row := range rows {
		for i, cell := range row {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(cell))
		}
	}
	var b strings.Builder
	for _, row := range rows {
		var line strings.Builder
		for i, cell := range row {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(cell))
			if i > 0 {
				line.WriteString("  ")
			}
			if i < len(align) && align[i] == 'l' {
				line.WriteString(cell + pad)
			} else {
				line.WriteString(pad + cell)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
	return b.String()
}
