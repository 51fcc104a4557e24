package receive

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

// The test binary doubles as the git server for receive_real_git_test.go:
// git's ext transport runs `<test binary> git-receive-pack` (or
// git-upload-pack) with RECEIVE_TEST_SERVICE set, and TestMain hands over to
// serveForTest instead of running the tests. Everything else comes from the
// environment:
//
//	RECEIVE_TEST_ROOT      the Repos root
//	RECEIVE_TEST_APP       the app
//	RECEIVE_TEST_PIPELINE  "" (none), "record", "fail" or "block"
//	RECEIVE_TEST_MAX_PUSH  Options.MaxPushSize, in bytes
//	RECEIVE_TEST_MOVE      "<ref> <hash>": set that ref once the
//	                       advertisement is out, as a concurrent push would
func TestMain(m *testing.M) {
	if os.Getenv("RECEIVE_TEST_SERVICE") != "" {
		os.Exit(serveForTest())
	}
	os.Exit(m.Run())
}

// recordFile is where the "record" pipeline writes what it saw.
const recordFile = "record.json"

type record struct {
	Options []string
	Updates []Command
}

func serveForTest() int {
	root, app := os.Getenv("RECEIVE_TEST_ROOT"), os.Getenv("RECEIVE_TEST_APP")
	max, _ := strconv.ParseInt(os.Getenv("RECEIVE_TEST_MAX_PUSH"), 10, 64)
	r, err := NewRepos(root, Options{MaxPushSize: max, Pipeline: testPipeline(root, os.Getenv("RECEIVE_TEST_PIPELINE"))})
	if err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s := Session{App: app, Pusher: "tester", Stderr: os.Stderr, Protocol: os.Getenv("GIT_PROTOCOL")}
	if len(os.Args) != 2 {
		fmt.Fprintf(os.Stderr, "server: args %q\n", os.Args)
		return 2
	}
	switch os.Args[1] {
	case "git-receive-pack":
		var in io.Reader = os.Stdin
		if mv := os.Getenv("RECEIVE_TEST_MOVE"); mv != "" {
			in = &moveOnRead{r: os.Stdin, repos: r, app: app, spec: mv}
		}
		_, err = r.ReceivePack(ctx, s, in, os.Stdout)
	case "git-upload-pack":
		err = r.UploadPack(ctx, s, os.Stdin, os.Stdout)
	default:
		err = fmt.Errorf("unknown service %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		return 1
	}
	return 0
}

func testPipeline(root, mode string) Pipeline {
	switch mode {
	case "":
		return nil
	case "record":
		return PipelineFunc(func(ctx context.Context, p *Push) error {
			b, err := json.Marshal(record{Options: p.Options, Updates: p.Updates})
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(root, recordFile), b, 0o600)
		})
	case "fail":
		return PipelineFunc(func(ctx context.Context, p *Push) error {
			fmt.Fprint(p.Progress, "building...\n")
			return errors.New("build failed")
		})
	case "block":
		return PipelineFunc(func(ctx context.Context, p *Push) error {
			if err := os.WriteFile(filepath.Join(root, "blocked"), nil, 0o600); err != nil {
				return err
			}
			for {
				if _, err := os.Stat(filepath.Join(root, "unblock")); err == nil {
					return nil
				}
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(10 * time.Millisecond):
				}
			}
		})
	}
	panic("unknown RECEIVE_TEST_PIPELINE " + mode)
}

// moveOnRead moves a ref when the server first reads the client's request,
// that is after the advertisement: the client's old values are then stale.
type moveOnRead struct {
	r     io.Reader
	repos *Repos
	app   string
	spec  string
	done  bool
}

func (m *moveOnRead) Read(p []byte) (int, error) {
	if !m.done {
		m.done = true
		ref, hash, _ := strings.Cut(m.spec, " ")
		st, err := m.repos.Storage(m.app)
		if err != nil {
			return 0, err
		}
		if err := st.SetReference(plumbing.NewHashReference(plumbing.ReferenceName(ref), plumbing.NewHash(hash))); err != nil {
			return 0, err
		}
	}
	return m.r.Read(p)
}
