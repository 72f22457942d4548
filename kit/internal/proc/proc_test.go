package proc

import (
	"os"
	"strings"
	"testing"
)

func TestEnvironDropsGoNBPipesAndReplacesWhatItSets(t *testing.T) {
	env := Environ([]string{"A=1", "GONB_PIPE=/x", "GONB_PIPE_BACK=/y", "KIT_WORKER=old", "KIT_WORKERS=keep"}, "KIT_WORKER=sq")
	if got := strings.Join(env, " "); got != "A=1 KIT_WORKERS=keep KIT_WORKER=sq" {
		t.Fatalf("Environ = %q", got)
	}
}

func TestTailKeepsTheEnd(t *testing.T) {
	var to strings.Builder
	w := &Tail{To: &to, Max: 4}
	w.Write([]byte("abc"))
	w.Write([]byte("defg"))
	if w.String() != "defg" || to.String() != "abcdefg" {
		t.Fatalf("kept %q, passed %q", w.String(), to.String())
	}
	for _, b := range []byte("hijklmnopq") {
		w.Write([]byte{b})
		if got := w.String(); got != string(to.String()[to.Len()-4:]) {
			t.Fatalf("after %q, kept %q", to.String(), got)
		}
	}
}

// TestSelfRunsThisProgram starts this test binary again with a variable that
// makes it exit before running any test, and without GoNB's pipe.
func TestSelfRunsThisProgram(t *testing.T) {
	t.Setenv("GONB_PIPE", "/must/go")
	cmd, err := Self("PROC_TEST_CHILD=1")
	if err != nil {
		t.Fatal(err)
	}
	if cmd.Path == "" || len(cmd.Args) != len(os.Args) {
		t.Fatalf("Self ran %q with %q", cmd.Path, cmd.Args)
	}
	out, err := cmd.Output()
	if err != nil || string(out) != "child\n" {
		t.Fatalf("child said %q, %v", out, err)
	}
}

func TestMain(m *testing.M) {
	if os.Getenv("PROC_TEST_CHILD") == "1" {
		if os.Getenv("GONB_PIPE") != "" {
			os.Exit(5)
		}
		os.Stdout.WriteString("child\n")
		os.Exit(0)
	}
	os.Exit(m.Run())
}
