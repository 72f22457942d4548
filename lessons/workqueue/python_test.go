package workqueue

import (
	"testing"

	"parallelgo.dev/course/lessons/internal/pytest"
)

// TestQueueEventPy runs queue_event.py on Go's two batches of tasks: with
// processes and with threads, the Queue + Event pool returns every task's id
// once, none lost, on three workers.
func TestQueueEventPy(t *testing.T) {
	tasks := append(RandomTasks(0, 15, 1, 5, 1), RandomTasks(100, 11, 2, 6, 2)...)
	var ids []int
	for _, task := range tasks {
		ids = append(ids, task.ID)
	}
	py := pytest.On(t, tasks, "queue_event.py")
	runs := pytest.Runs(t, py, "Python Process×3 + Queue + Event", "Python Thread×3 + Queue + Event")
	if err := py.Agrees(ids); err != nil {
		t.Error(err)
	}
	for name, r := range runs {
		if n := len(r.Trace.Load()); n > 3 {
			t.Errorf("%s: %d workers ran tasks, want at most 3", name, n)
		}
	}
}
