package kit

import (
	"fmt"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// maxFrameSize is the largest frame on a pool's queue: PIPE_BUF, the most a
// pipe takes in one piece.
const maxFrameSize = 4096

// framesPerWrite is how many frames the parent may write at once. Linux
// fills a pipe a page (4096 bytes) at a time under the pipe's lock, so a
// frame whose size divides a page is never seen in part, however many are
// written together.
const framesPerWrite = 1024

// openQueue opens a pool's queue at file descriptor fd again, through
// /proc, as a non-blocking file of this process's own, without changing how
// others read the pipe: a worker then learns that the queue is empty, and
// sends the results it holds, before it waits, and its waits end when the
// parent ends a run (a read deadline).
func openQueue(fd int) (*os.File, error) {
	return os.OpenFile(fmt.Sprintf("/proc/self/fd/%d", fd), os.O_RDONLY|syscall.O_NONBLOCK, 0)
}

// growQueue lets the queue hold 1 MB instead of a pipe's 64 KB, so that the
// parent seldom waits for room. It may fail: the queue then stays at 64 KB.
func growQueue(w *os.File) {
	if rc, err := w.SyscallConn(); err == nil {
		_ = rc.Control(func(fd uintptr) {
			_, _, _ = syscall.Syscall(syscall.SYS_FCNTL, fd, syscall.F_SETPIPE_SZ, 1<<20)
		})
	}
}

// memFile makes a file in memory, for a pool's shared memory or a worker's
// crash report: a memfd, made in one system call, where a temporary file
// costs several on a real file system before the first worker can start.
func memFile(name string) (*os.File, error) {
	fd, err := unix.MemfdCreate(name, unix.MFD_CLOEXEC)
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(fd), name), nil
}
