package testenv

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBinaryTar(t *testing.T) {
	b, err := binaryTar("/faketelegram", []byte("ELF"))
	require.NoError(t, err)
	tr := tar.NewReader(bytes.NewReader(b))
	got := map[string]int64{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		got[h.Name] = h.Mode
	}
	assert.Equal(t, map[string]int64{"tmp/": 0o1777, "faketelegram": 0o755}, got)
}

func TestSourceStampFollowsEdits(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "a"), 0o755))
	write := func(name, body string) {
		require.NoError(t, os.WriteFile(filepath.Join(root, "a", name), []byte(body), 0o644))
	}
	write("main.go", "package main")
	s1, err := sourceStamp(root, []string{"a"})
	require.NoError(t, err)
	write("main_test.go", "package main // tests don't change the binary")
	s2, err := sourceStamp(root, []string{"a"})
	require.NoError(t, err)
	write("main.go", "package main\n")
	s3, err := sourceStamp(root, []string{"a"})
	require.NoError(t, err)
	assert.Equal(t, s1, s2)
	assert.NotEqual(t, s1, s3)
}

func TestLockFileExcludes(t *testing.T) {
	name := UniqueName("botrunner-testenv-locktest")
	t.Cleanup(func() { os.Remove(filepath.Join(lockDir(), name+".lock")) })
	unlock, err := lockFile(context.Background(), name)
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err = lockFile(ctx, name) // a separate open file: blocked like another process
	assert.ErrorIs(t, err, context.DeadlineExceeded)

	unlock()
	unlock2, err := lockFile(context.Background(), name)
	require.NoError(t, err)
	unlock2()
}

func TestSanitize(t *testing.T) {
	assert.Equal(t, "botrunner-test_python_3.11", sanitize("botrunner-test/python:3.11"))
}
