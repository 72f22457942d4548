package kit

// The palette: every colour kit draws with, in charts, tables and messages,
// so that one thing has one colour everywhere (one red for everything that
// went wrong).

// paletteSeries are the colours of series and bars, in turn: Okabe and
// Ito's colour-blind safe palette without its yellow, which is unreadable on
// white, and without its vermillion, kept for warnings.
var paletteSeries = []string{"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#000000"}

const (
	paletteWarn  = "#D55E00" // vermillion: failed work, lost updates, and every error kit shows in HTML
	paletteIdeal = "#888888" // what a run would take at best: the ideal line, the target
	paletteText  = "#333333" // titles
	paletteMuted = "#555555" // subtitles and notes
	paletteInk   = "#000000" // a line that must stand out from the series: the program's own CPU use
	palettePaper = "#ffffff" // the background every chart draws on, also under a dark theme
	paletteShade = "#fafafa" // the background of a chart with nothing to draw
	paletteRule  = "#dddddd" // its border
)
