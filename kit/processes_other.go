//go:build !linux

package kit

import (
	"os"
)

// maxFrameSize is the largest frame on a pool's queue: POSIX's smallest
// PIPE_BUF, the most a pipe surely takes in one piece.
const maxFrameSize = 512

// framesPerWrite is how many frames the parent may write at once: one, as
// only a write of at most PIPE_BUF bytes surely arrives whole.
const framesPerWrite = 1

// openQueue is a worker's end of its pool's queue, shared with the other
// workers: reads from it wait.
func openQueue(fd int) (f *os.File, nonBlocking bool) {
	return os.NewFile(uintptr(fd), "kit-queue"), false
}

// growQueue leaves the queue at the system's size.
func growQueue(*os.File) {}
