package build

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// classicRun is what the classic builder prints around a dependency step.
func classicRun(cached bool) []string {
	lines := []string{
		"Step 1/9 : FROM botrunner-test/python:3.11",
		" ---> c99155e37658",
		"Step 6/9 : COPY requirements.txt /app/requirements.txt",
		" ---> Using cache",
		" ---> 1111",
		"Step 7/9 : RUN pip install --no-cache-dir -r requirements.txt",
	}
	if cached {
		lines = append(lines, " ---> Using cache", " ---> 2222")
	} else {
		lines = append(lines, " ---> Running in abc", "Collecting aiogram", " ---> 2222")
	}
	return append(lines, "Step 8/9 : COPY . /app", " ---> 3333", "Step 9/9 : RUN python -m compileall -q /app",
		" ---> Using cache", " ---> 4444", "Successfully built 4444")
}

func TestRenderStream(t *testing.T) {
	t.Run("success with aux ID and cached deps", func(t *testing.T) {
		msgs := append(streamLines(t, classicRun(true)...), map[string]any{"aux": map[string]any{"ID": "sha256:4444"}})
		var out strings.Builder
		res, err := renderStream(strings.NewReader(jsonStream(t, msgs...)), &out, depsInstall, nil)
		require.NoError(t, err)
		assert.Equal(t, streamResult{imageID: "sha256:4444", depsCached: true, step: "RUN python -m compileall -q /app",
			lastLayer: "c99155e37658"}, res)
		assert.Equal(t, strings.Join(classicRun(true), "\n")+"\n", out.String())
	})
	t.Run("step containers", func(t *testing.T) {
		var ids []string
		res, err := renderStream(strings.NewReader(jsonStream(t, streamLines(t, "Step 1/2 : FROM x", " ---> 0123456789ab",
			"Step 2/2 : RUN dd", " ---> Running in abcdef012345", "out", " ---> fedcba987654")...)), &strings.Builder{}, "",
			func(id string) { ids = append(ids, id) })
		require.NoError(t, err)
		assert.Equal(t, []string{"abcdef012345"}, ids)
		assert.Equal(t, "fedcba987654", res.lastLayer)
	})
	t.Run("deps installed", func(t *testing.T) {
		res, err := renderStream(strings.NewReader(jsonStream(t, streamLines(t, classicRun(false)...)...)), &strings.Builder{}, depsInstall, nil)
		require.NoError(t, err)
		assert.False(t, res.depsCached, "a later cached step is not the dependency step")
		assert.Empty(t, res.imageID)
	})
	t.Run("nothing to watch", func(t *testing.T) {
		res, err := renderStream(strings.NewReader(jsonStream(t, streamLines(t, classicRun(true)...)...)), &strings.Builder{}, "", nil)
		require.NoError(t, err)
		assert.False(t, res.depsCached)
	})
	t.Run("error", func(t *testing.T) {
		msgs := append(streamLines(t, "Step 9/9 : RUN python -m compileall -q /app", " ---> Running in x"),
			map[string]any{"stream": "  File \"/app/bot.py\", line 1\n    def (\n"},
			map[string]any{"stream": "SyntaxError: invalid syntax"}, // no newline: flushed before the error
			map[string]any{"errorDetail": map[string]any{"code": 1, "message": "The command '/bin/sh -c python -m compileall -q /app' returned a non-zero code: 1"},
				"error": "The command '/bin/sh -c python -m compileall -q /app' returned a non-zero code: 1"})
		var out strings.Builder
		res, err := renderStream(strings.NewReader(jsonStream(t, msgs...)), &out, depsInstall, nil)
		require.NoError(t, err)
		assert.Equal(t, "The command '/bin/sh -c python -m compileall -q /app' returned a non-zero code: 1", res.failure)
		assert.Equal(t, "RUN python -m compileall -q /app", res.step)
		assert.True(t, strings.HasSuffix(out.String(), "    def (\nSyntaxError: invalid syntax\n"), out.String())
	})
	t.Run("error text only", func(t *testing.T) {
		res, err := renderStream(strings.NewReader(`{"error":"boom"}`), &strings.Builder{}, "", nil)
		require.NoError(t, err)
		assert.Equal(t, "boom", res.failure)
	})
	t.Run("stderr colour codes", func(t *testing.T) {
		var out strings.Builder
		_, err := renderStream(strings.NewReader(jsonStream(t,
			map[string]any{"stream": "\x1b[91mWARNING: careful\n"}, map[string]any{"stream": "\x1b[0mRemoving intermediate container x\n"})), &out, "", nil)
		require.NoError(t, err)
		assert.Equal(t, "WARNING: careful\nRemoving intermediate container x\n", out.String())
	})
	t.Run("chunks and CRLF", func(t *testing.T) {
		var out strings.Builder
		_, err := renderStream(strings.NewReader(jsonStream(t,
			map[string]any{"stream": "hel"}, map[string]any{"stream": "lo\r\nwor"}, map[string]any{"stream": "ld"})), &out, "", nil)
		require.NoError(t, err)
		assert.Equal(t, "hello\nworld\n", out.String())
	})
	t.Run("status once, no progress bars", func(t *testing.T) {
		var out strings.Builder
		_, err := renderStream(strings.NewReader(jsonStream(t,
			map[string]any{"status": "Downloading", "id": "abc", "progressDetail": map[string]any{"current": 1, "total": 9}, "progress": "[=>   ]"},
			map[string]any{"status": "Downloading", "id": "abc", "progressDetail": map[string]any{"current": 5, "total": 9}, "progress": "[===> ]"},
			map[string]any{"status": "Pull complete", "id": "abc"})), &out, "", nil)
		require.NoError(t, err)
		assert.Equal(t, "abc: Downloading\nabc: Pull complete\n", out.String())
	})
	t.Run("broken stream", func(t *testing.T) {
		var out strings.Builder
		_, err := renderStream(strings.NewReader(`{"stream":"Step 1/2 : FROM x\n"}{"stream":`), &out, "", nil)
		require.Error(t, err)
		assert.Equal(t, "Step 1/2 : FROM x\n", out.String())
	})
	t.Run("long line without newline", func(t *testing.T) {
		var out strings.Builder
		_, err := renderStream(strings.NewReader(jsonStream(t, map[string]any{"stream": strings.Repeat("x", maxLine+1)})), &out, "", nil)
		require.NoError(t, err)
		assert.Equal(t, maxLine+2, out.Len())
	})
}

// A pip that cannot reach its index is told apart from a bad requirements.txt,
// and the hint names the network and GITD_PIP_INDEX_URL.
func TestRenderStreamOfflineDeps(t *testing.T) {
	step := "Step 7/9 : RUN " + depsInstall
	offline := streamLines(t, step, " ---> Running in abc",
		"WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection broken by "+
			"'NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at 0x7f>: "+
			"Failed to establish a new connection: [Errno -3] Temporary failure in name resolution')': /simple/aiogram/",
		"ERROR: Could not find a version that satisfies the requirement aiogram (from versions: none)")
	res, err := renderStream(strings.NewReader(jsonStream(t, offline...)), &strings.Builder{}, depsInstall, nil)
	require.NoError(t, err)
	assert.True(t, res.depsOffline)
	p := plan{depsStep: depsInstall}
	assert.Contains(t, failureTip(res, p), "GITD_PIP_INDEX_URL")

	typo := streamLines(t, step, " ---> Running in abc",
		"ERROR: Could not find a version that satisfies the requirement aiogramm (from versions: none)")
	res, err = renderStream(strings.NewReader(jsonStream(t, typo...)), &strings.Builder{}, depsInstall, nil)
	require.NoError(t, err)
	assert.False(t, res.depsOffline)
	assert.Contains(t, failureTip(res, p), "check requirements.txt")
}
