//go:build !linux

package kit

import (
	"os"
	"syscall"
)

// maxFrameSize is the largest frame on a pool's queue: POSIX's smallest
// PIPE_BUF, the most a pipe surely takes in one piece.
const maxFrameSize = 512

// framesPerWrite is how many frames the parent may write at once: one, as
// only a write of at most PIPE_BUF bytes surely arrives whole.
const framesPerWrite = 1

// openQueue makes the pool's queue at file descriptor fd non-blocking, for
// this process and the others reading it alike (they all read it this way):
// a worker then learns that the queue is empty, and sends the results it
// holds, before it waits, and its waits end when the parent ends a run (a
// read deadline).
func openQueue(fd int) (*os.File, error) {
	if err := syscall.SetNonblock(fd, true); err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(fd), "kit-queue"), nil
}

// growQueue leaves the queue at the system's size.
func growQueue(*os.File) {}

// memFile makes a file for a pool's shared memory or a worker's crash
// report: a temporary file, removed at once, which lives on while it is
// open.
func memFile(name string) (*os.File, error) {
	f, err := os.CreateTemp("", name+"-")
	if err != nil {
		return nil, err
	}
	os.Remove(f.Name())
	return f, nil
}
