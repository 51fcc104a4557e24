package pyindex

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"botrunner-greeting": "botrunner-greeting",
		"Botrunner_Greeting": "botrunner-greeting",
		"a.-_b":              "a-b",
	} {
		assert.Equal(t, want, Normalize(in), in)
	}
}

func TestBuildWheelRecordMatchesContents(t *testing.T) {
	w, err := BuildWheel(Catalog()[1])
	require.NoError(t, err)
	assert.Equal(t, "botrunner_loud-1.0.0-py3-none-any.whl", w.Filename)

	zr, err := zip.NewReader(bytes.NewReader(w.Data), int64(len(w.Data)))
	require.NoError(t, err)
	contents := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		require.NoError(t, err)
		b, err := io.ReadAll(rc)
		require.NoError(t, err)
		contents[f.Name] = string(b)
	}
	info := "botrunner_loud-1.0.0.dist-info/"
	assert.Contains(t, contents[info+"WHEEL"], "Root-Is-Purelib: true\n")
	assert.Contains(t, contents[info+"WHEEL"], "Tag: py3-none-any\n")
	assert.Contains(t, contents[info+"METADATA"], "Name: botrunner-loud\nVersion: 1.0.0\n")
	assert.Contains(t, contents[info+"METADATA"], "Requires-Dist: botrunner-greeting>=1.0\n")

	record := strings.Split(strings.TrimSpace(contents[info+"RECORD"]), "\n")
	require.Len(t, record, len(contents), "RECORD lists every file")
	for _, line := range record {
		parts := strings.Split(line, ",")
		require.Len(t, parts, 3, line)
		if parts[0] == info+"RECORD" {
			assert.Equal(t, ",,", line[len(parts[0]):])
			continue
		}
		body, ok := contents[parts[0]]
		require.True(t, ok, "RECORD names a file in the zip: %s", parts[0])
		sum := sha256.Sum256([]byte(body))
		assert.Equal(t, "sha256="+base64.RawURLEncoding.EncodeToString(sum[:]), parts[1])
		assert.Equal(t, fmt.Sprint(len(body)), parts[2])
	}
}

func TestBuildWheelIsReproducible(t *testing.T) {
	a, err := BuildWheel(Catalog()[0])
	require.NoError(t, err)
	b, err := BuildWheel(Catalog()[0])
	require.NoError(t, err)
	assert.Equal(t, a.SHA256, b.SHA256)
}

func get(t *testing.T, h http.Handler, path string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

func TestIndexServesPEP503(t *testing.T) {
	ix, err := New(Catalog())
	require.NoError(t, err)

	root := get(t, ix, "/simple/")
	require.Equal(t, http.StatusOK, root.Code)
	assert.Contains(t, root.Header().Get("Content-Type"), "text/html")
	assert.Contains(t, root.Body.String(), `<a href="/simple/botrunner-greeting/">botrunner-greeting</a>`)
	assert.Contains(t, root.Body.String(), `<a href="/simple/botrunner-loud/">botrunner-loud</a>`)

	w := ix.Wheels()[0]
	proj := get(t, ix, "/simple/botrunner-greeting/")
	require.Equal(t, http.StatusOK, proj.Code)
	assert.Contains(t, proj.Body.String(), `href="/packages/`+w.Filename+`#sha256=`+w.SHA256+`"`)

	file := get(t, ix, "/packages/"+w.Filename)
	require.Equal(t, http.StatusOK, file.Code)
	sum := sha256.Sum256(file.Body.Bytes())
	assert.Equal(t, w.SHA256, fmt.Sprintf("%x", sum))

	tests := []struct {
		path     string
		code     int
		location string
	}{
		{"/simple/Botrunner_Greeting/", http.StatusMovedPermanently, "/simple/botrunner-greeting/"},
		{"/simple/botrunner-greeting", http.StatusMovedPermanently, "/simple/botrunner-greeting/"},
		{"/simple/nothing-here/", http.StatusNotFound, ""},
		{"/packages/nothing.whl", http.StatusNotFound, ""},
		{"/healthz", http.StatusOK, ""},
	}
	for _, tt := range tests {
		rec := get(t, ix, tt.path)
		assert.Equal(t, tt.code, rec.Code, tt.path)
		assert.Equal(t, tt.location, rec.Header().Get("Location"), tt.path)
	}
}
