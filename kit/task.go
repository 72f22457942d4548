package kit

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
)

// TaskFunc is a function made runnable by every [Executor], child processes
// included. Make one with [Task]; the zero value has no function and every
// run of it fails with an error.
type TaskFunc[T, R any] struct {
	name    string
	f       func(T) R
	where   string // file:line of the Task call, for messages
	err     error  // why it cannot run at all (no name, nil function, ...)
	procErr error  // why it cannot run in Processes (not package level, types)
}

// Task names f so that every executor can run it:
//
//	var square = kit.Task("square", func(x int) int { return x * x })
//
// Declare it at package level, as above (in a notebook: in a cell of its own
// or beside other declarations), if it is to run in [Processes]: a worker
// process is this same program started again, and it finds the function by
// its name while the program initialises, before main runs. That is Go's
// answer to Python's `if __name__ == "__main__":` guard, and nothing else is
// needed. A Task made inside a function works with Serial, Threads and GIL.
//
// Task never fails; a problem (an empty name, a nil f, a name used twice, a
// type that cannot travel to a process) is reported by the first run.
func Task[T, R any](name string, f func(T) R) *TaskFunc[T, R] {
	t := &TaskFunc[T, R]{name: name, f: f}
	// A worker that has not started serving is still initialising, and its
	// parent checked where each task is: walking the stack would only cost
	// the worker start-up.
	atInit, where := true, ""
	if !workerInitialising() {
		atInit, where = calledDuringInit()
	}
	t.where = where
	switch {
	case name == "":
		t.err = errors.New("kit: a task needs a name: kit.Task(\"name\", f)")
	case f == nil:
		t.err = fmt.Errorf("kit: task %q has a nil function", name)
	}
	if t.err != nil {
		return t
	}
	if !atInit {
		t.procErr = fmt.Errorf("kit: task %q (%s) was not declared at package level, so a worker process cannot find it; "+
			"declare it at package level: var t = kit.Task(%q, f)", name, where, name)
		return t
	}
	// A worker skips the check, which costs it start-up: its parent made
	// the same one on the same types, and sends only tasks that passed.
	if isWorker() {
		// checked by the parent
	} else if err := gobCarries(reflect.TypeFor[T]()); err != nil {
		t.procErr = fmt.Errorf("kit: task %q cannot run in Processes: its input %w", name, err)
	} else if err := gobCarries(reflect.TypeFor[R]()); err != nil {
		t.procErr = fmt.Errorf("kit: task %q cannot run in Processes: its result %w", name, err)
	}
	prev, dup, count := registerTask(name, where, func(w *workerConn, o runOrder) func() { return serveRun(t, w, o) })
	if dup {
		t.err = fmt.Errorf("kit: task name %q is used twice (%s and %s); give each task its own name", name, prev, where)
		return t
	}
	if n := workerTaskCount(); n > 0 && count == n {
		// This process is a worker, and every task its parent knows is
		// now registered: serve the parent and exit here, so that the
		// rest of the program, main included, never runs in the child.
		servePool()
	}
	if name == remoteWorker.task && remoteWorker.serve != nil && t.procErr == nil {
		remoteWorker.serve(t.remoteRun) // the same, for a Remote's worker
	}
	return t
}

// Name is the name the task was declared with.
func (t *TaskFunc[T, R]) Name() string {
	if t == nil {
		return ""
	}
	return t.name
}

// usable is the error that stops t from running on ex, if any.
func (t *TaskFunc[T, R]) usable(ex Executor) error {
	switch {
	case t == nil || (t.f == nil && t.err == nil):
		return errors.New("kit: no task: make one with kit.Task(\"name\", f)")
	case t.err != nil:
		return t.err
	case ex.kind == processesKind && t.procErr != nil:
		return t.procErr
	case ex.kind == remoteKind && t.procErr != nil:
		return t.procErr
	case remoteWorker.task != "":
		return errRemoteWorker
	case ex.kind == processesKind && isWorker():
		// A worker starting its own pool would start workers without end.
		return fmt.Errorf("kit: task %q: a worker process cannot start Processes of its own", t.name)
	}
	return nil
}

// call runs t on x, turning a panic into a *TaskError for input i.
func (t *TaskFunc[T, R]) call(i int, x T) (r R, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = t.panicked(i, x, p)
		}
	}()
	return t.f(x), nil
}

// panicked is how input i, x, failed when t panicked with p on it. Called
// from a deferred function, while panicking, it records the stack of the
// panicking goroutine.
func (t *TaskFunc[T, R]) panicked(i int, x T, p any) *TaskError {
	return &TaskError{Task: t.name, Input: i, Arg: label(x), Panic: p, Stack: string(debug.Stack())}
}

// registered holds the package-level tasks by name, with where each was
// declared and how a worker serves it: worker processes find their task by
// name, so names are unique.
var (
	registeredMu sync.Mutex
	registered   map[string]registration
)

type registration struct {
	where string
	serve func(*workerConn, runOrder) func()
}

// registerTask registers a task and says how many are registered.
func registerTask(name, where string, serve func(*workerConn, runOrder) func()) (prev string, dup bool, count int) {
	registeredMu.Lock()
	defer registeredMu.Unlock()
	if r, dup := registered[name]; dup {
		return r.where, true, len(registered)
	}
	if registered == nil {
		registered = make(map[string]registration)
	}
	registered[name] = registration{where, serve}
	return "", false, len(registered)
}

// registeredCount is how many package-level tasks this program declares.
func registeredCount() int {
	registeredMu.Lock()
	defer registeredMu.Unlock()
	return len(registered)
}

// serverOf is how a worker serves the task called name, or nil.
func serverOf(name string) func(*workerConn, runOrder) func() {
	registeredMu.Lock()
	defer registeredMu.Unlock()
	return registered[name].serve
}

// calledDuringInit reports whether Task's caller runs during package
// initialisation (a package-level var or an init func), and where it is.
// Only such tasks exist in a worker process before main would run.
func calledDuringInit() (atInit bool, where string) {
	pcs := make([]uintptr, 64)
	n := runtime.Callers(3, pcs) // skip Callers, this function and Task
	frames := runtime.CallersFrames(pcs[:n])
	for first := true; ; first = false {
		f, more := frames.Next()
		if first {
			where = fmt.Sprintf("%s:%d", shortFile(f.File), f.Line)
		}
		if strings.HasPrefix(f.Function, "runtime.doInit") ||
			strings.HasSuffix(f.Function, ".init") || strings.Contains(f.Function, ".init.") {
			return true, where
		}
		if !more {
			return false, where
		}
	}
}

func shortFile(path string) string {
	if i := strings.LastIndex(path, "/"); i >= 0 {
		return path[i+1:]
	}
	return path
}

// gobCarries reports, as an error, why values of type t cannot travel
// through encoding/gob: gob refuses funcs and channels, and structs without
// exported fields.
func gobCarries(t reflect.Type) error {
	if bad := gobBadKind(t); bad != "" {
		return fmt.Errorf("type %v contains %s, which encoding/gob cannot send to another process", t, bad)
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() == reflect.Interface {
		return nil // checked when a value is sent: it must be gob.Register'ed
	}
	if err := gob.NewEncoder(new(bytes.Buffer)).Encode(reflect.New(t).Interface()); err != nil {
		return fmt.Errorf("type %v cannot be sent to another process: %w", t, err)
	}
	return nil
}

// gobBadKind names the first func, chan or unsafe pointer inside t, or "".
func gobBadKind(t reflect.Type) string {
	bad := findInside(t, func(t reflect.Type) bool {
		k := t.Kind()
		return k == reflect.Func || k == reflect.Chan || k == reflect.UnsafePointer
	})
	if bad == nil {
		return ""
	}
	return fmt.Sprintf("a %v (%v)", bad.Kind(), bad)
}

// findInside returns the first type inside t, t included, for which is
// reports true, looking where gob looks: elements, keys and exported fields.
func findInside(t reflect.Type, is func(reflect.Type) bool) reflect.Type {
	seen := map[reflect.Type]bool{}
	var find func(t reflect.Type) reflect.Type
	find = func(t reflect.Type) reflect.Type {
		if seen[t] {
			return nil
		}
		seen[t] = true
		if is(t) {
			return t
		}
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array:
			return find(t.Elem())
		case reflect.Map:
			if found := find(t.Key()); found != nil {
				return found
			}
			return find(t.Elem())
		case reflect.Struct:
			for i := range t.NumField() {
				if f := t.Field(i); f.IsExported() {
					if found := find(f.Type); found != nil {
						return found
					}
				}
			}
		}
		return nil
	}
	return find(t)
}

// label is how an input is written on a timeline bar or in an error.
func label(x any) string {
	// A large slice, map or string would be formatted whole only to be cut
	// to 40 characters: for a 64 MB input that costs seconds per input.
	// Name its type and length instead.
	if v := reflect.ValueOf(x); v.IsValid() {
		switch v.Kind() {
		case reflect.Slice, reflect.Array, reflect.Map, reflect.String:
			if _, ok := x.(fmt.Stringer); !ok && v.Len() > maxLabelItems {
				return fmt.Sprintf("%T (len %d)", x, v.Len())
			}
		}
	}
	s := fmt.Sprint(x)
	if len(s) > 40 {
		s = s[:37] + "..."
	}
	return s
}

// maxLabelItems is the longest slice, map or string that label formats.
const maxLabelItems = 64
