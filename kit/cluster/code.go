package cluster

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Code travels the way Dask ships pickled functions, but whole: the caller
// puts its own binary in a JetStream object store under its SHA-256, and a
// kitworker fetches it once, keeps it in a cache folder, and starts it in
// worker mode. A binary runs only where it was built for: the announcement
// carries GOOS/GOARCH and a kitworker on another platform refuses the run.

// self is this program's binary and its hash, found once.
var self = sync.OnceValues(func() (binary, error) {
	exe, err := os.Executable()
	if err != nil {
		return binary{}, fmt.Errorf("kit/cluster: cannot find this program's binary to ship it: %w", err)
	}
	f, err := os.Open(exe)
	if err != nil {
		return binary{}, fmt.Errorf("kit/cluster: cannot read this program's binary to ship it: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return binary{}, fmt.Errorf("kit/cluster: cannot read this program's binary to ship it: %w", err)
	}
	return binary{path: exe, hash: hex.EncodeToString(h.Sum(nil))}, nil
})

type binary struct {
	path string
	hash string
}

// codeStore opens (or makes) the object store of binaries.
func codeStore(ctx context.Context, js jetstream.JetStream, replicas int) (jetstream.ObjectStore, error) {
	obs, err := js.ObjectStore(ctx, codeBucket)
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		obs, err = js.CreateObjectStore(ctx, jetstream.ObjectStoreConfig{
			Bucket:      codeBucket,
			Description: "binaries of kit programs, by SHA-256, for kitworkers to run",
			Replicas:    max(replicas, 1),
		})
	}
	if err != nil {
		return nil, fmt.Errorf("kit/cluster: cannot open the object store %s: %w", codeBucket, err)
	}
	return obs, nil
}

// ship puts this program's binary in the object store unless it is there.
func ship(ctx context.Context, js jetstream.JetStream, replicas int) (binary, error) {
	b, err := self()
	if err != nil {
		return b, err
	}
	obs, err := codeStore(ctx, js, replicas)
	if err != nil {
		return b, err
	}
	err = served(ctx, 10*time.Second, func() error {
		_, err := obs.GetInfo(ctx, b.hash)
		return err
	})
	if err == nil {
		return b, nil // shipped before, by us or a copy of us
	} else if !errors.Is(err, jetstream.ErrObjectNotFound) {
		return b, fmt.Errorf("kit/cluster: cannot look for this program in %s: %w", codeBucket, err)
	}
	f, err := os.Open(b.path)
	if err != nil {
		return b, fmt.Errorf("kit/cluster: cannot read this program's binary to ship it: %w", err)
	}
	defer f.Close()
	_, err = obs.Put(ctx, jetstream.ObjectMeta{
		Name:     b.hash,
		Metadata: map[string]string{"goos": runtime.GOOS, "goarch": runtime.GOARCH, "path": filepath.Base(b.path)},
	}, f)
	if err != nil {
		return b, fmt.Errorf("kit/cluster: cannot ship this program to %s: %w", codeBucket, err)
	}
	return b, nil
}

// platformError says why a binary for goos/goarch cannot run here, or nil.
func platformError(goos, goarch string) error {
	if goos == runtime.GOOS && goarch == runtime.GOARCH {
		return nil
	}
	return fmt.Errorf("the program was built for %s/%s but this kitworker runs on %s/%s; "+
		"run the program on a %s/%s machine, or start kitworkers on %s/%s machines",
		goos, goarch, runtime.GOOS, runtime.GOARCH, runtime.GOOS, runtime.GOARCH, goos, goarch)
}

// fetchCode gives the path of the binary with this hash in cache, fetching
// it from the object store the first time and checking its hash.
func fetchCode(ctx context.Context, js jetstream.JetStream, cache, hash string) (string, error) {
	if len(hash) != 64 || !isHex(hash) {
		return "", fmt.Errorf("a code hash must be 64 hex digits, not %q", hash)
	}
	path := filepath.Join(cache, hash)
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	if err := os.MkdirAll(cache, 0o700); err != nil {
		return "", err
	}
	obs, err := js.ObjectStore(ctx, codeBucket)
	if err != nil {
		return "", fmt.Errorf("cannot open the object store %s: %w", codeBucket, err)
	}
	tmp, err := os.CreateTemp(cache, hash+".part-")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name())
	// A replica that has not caught up with the caller's put may not know
	// the program yet: ask again for a few seconds.
	var r jetstream.ObjectResult
	deadline := time.Now().Add(5 * time.Second)
	for {
		r, err = obs.Get(ctx, hash)
		if !errors.Is(err, jetstream.ErrObjectNotFound) || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		tmp.Close()
		return "", fmt.Errorf("cannot fetch the program %s: %w", hash[:12], err)
	}
	h := sha256.New()
	_, err = io.Copy(io.MultiWriter(tmp, h), r)
	r.Close()
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("cannot fetch the program %s: %w", hash[:12], err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != hash {
		return "", fmt.Errorf("the program fetched as %s has hash %s", hash[:12], got[:12])
	}
	if err := os.Chmod(tmp.Name(), 0o700); err != nil {
		return "", err
	}
	return path, os.Rename(tmp.Name(), path)
}

func isHex(s string) bool {
	_, err := hex.DecodeString(s)
	return err == nil
}
