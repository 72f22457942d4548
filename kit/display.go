package kit

import (
	"fmt"
	"os"

	"github.com/janpfeifer/gonb/gonbui/protocol"

	"parallelgo.dev/course/kit/internal/notebook"
)

// HTMLer is implemented by kit values that have a rich form. Their String
// method gives the plain-text form with the same numbers.
type HTMLer interface {
	HTML() string
}

// InNotebook reports whether this program runs in a GoNB cell, where [Show]
// draws HTML. In a terminal, a test or a worker process it is false.
func InNotebook() bool { return notebook.Active() }

// Show displays v: in a GoNB cell as rich HTML (with a text/plain copy of the
// numbers, which GitHub, nbviewer and diff tools read), elsewhere as text on
// standard output. v may be anything kit returns, or any value at all, which is
// then printed with fmt.
//
// In a cell, what the program prints before and after Show appears above and
// below what Show displays, as it would in a terminal.
func Show(v any) {
	text := fmt.Sprint(v)
	h, rich := v.(HTMLer)
	if !rich || !InNotebook() {
		fmt.Fprintln(os.Stdout, text)
		return
	}
	// Standard output and rich output reach the notebook by different pipes,
	// so either can overtake the other. Sync is a round trip to GoNB on the
	// rich one: before sending, it lets what was printed earlier arrive
	// first; after, it lets the display arrive before what is printed next.
	notebook.Sync()
	notebook.Send(&protocol.DisplayData{Data: map[protocol.MIMEType]any{
		protocol.MIMETextHTML:  h.HTML(),
		protocol.MIMETextPlain: text,
	}})
	notebook.Sync()
}
