package pyindex

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Project is one pure-Python distribution to be packed as a wheel.
type Project struct {
	Name     string            // e.g. "botrunner-greeting"
	Version  string            // e.g. "1.0.0"
	Summary  string            // one line
	Requires []string          // Requires-Dist values, e.g. "botrunner-greeting>=1.0"
	Files    map[string]string // path inside site-packages → contents
}

// Wheel is a built wheel file.
type Wheel struct {
	Project  Project
	Filename string // e.g. botrunner_greeting-1.0.0-py3-none-any.whl
	Data     []byte
	SHA256   string // hex, for the index's #sha256= fragment
}

var runOfSeparators = regexp.MustCompile(`[-_.]+`)

// Normalize is the PEP 503 name normalization: runs of -, _ and . become
// one -, lower case. Index URLs use it.
func Normalize(name string) string {
	return strings.ToLower(runOfSeparators.ReplaceAllString(name, "-"))
}

// distName is the name as it appears in wheel and dist-info file names
// (binary distribution format: "-" is not allowed there).
func distName(name string) string {
	return strings.ToLower(runOfSeparators.ReplaceAllString(name, "_"))
}

// zipTime is fixed so that a wheel's bytes, and so its hash, never change
// between builds.
var zipTime = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// BuildWheel packs p as a py3-none-any wheel that pip installs: a
// dist-info directory with METADATA, WHEEL and a RECORD holding the
// sha256 and size of every other file.
func BuildWheel(p Project) (Wheel, error) {
	if p.Name == "" || p.Version == "" || len(p.Files) == 0 {
		return Wheel{}, fmt.Errorf("wheel %q: name, version and files are required", p.Name)
	}
	dist := distName(p.Name) + "-" + p.Version
	info := dist + ".dist-info/"
	files := map[string]string{
		info + "METADATA": metadata(p),
		info + "WHEEL":    "Wheel-Version: 1.0\nGenerator: botrunner-testenv\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
	}
	for path, body := range p.Files {
		files[path] = body
	}
	paths := make([]string, 0, len(files))
	for path := range files {
		paths = append(paths, path)
	}
	sort.Strings(paths)

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	var record strings.Builder
	for _, path := range paths {
		body := []byte(files[path])
		if err := addFile(zw, path, body); err != nil {
			return Wheel{}, fmt.Errorf("wheel %s: %w", p.Name, err)
		}
		sum := sha256.Sum256(body)
		fmt.Fprintf(&record, "%s,sha256=%s,%d\n", path,
			base64.RawURLEncoding.EncodeToString(sum[:]), len(body))
	}
	// RECORD lists itself without hash or size.
	record.WriteString(info + "RECORD,,\n")
	if err := addFile(zw, info+"RECORD", []byte(record.String())); err != nil {
		return Wheel{}, fmt.Errorf("wheel %s: %w", p.Name, err)
	}
	if err := zw.Close(); err != nil {
		return Wheel{}, fmt.Errorf("wheel %s: %w", p.Name, err)
	}
	sum := sha256.Sum256(buf.Bytes())
	return Wheel{
		Project:  p,
		Filename: dist + "-py3-none-any.whl",
		Data:     buf.Bytes(),
		SHA256:   fmt.Sprintf("%x", sum),
	}, nil
}

func metadata(p Project) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Metadata-Version: 2.1\nName: %s\nVersion: %s\n", p.Name, p.Version)
	if p.Summary != "" {
		fmt.Fprintf(&b, "Summary: %s\n", p.Summary)
	}
	b.WriteString("Requires-Python: >=3.8\n")
	for _, r := range p.Requires {
		fmt.Fprintf(&b, "Requires-Dist: %s\n", r)
	}
	return b.String()
}

func addFile(zw *zip.Writer, path string, body []byte) error {
	h := &zip.FileHeader{Name: path, Method: zip.Deflate, Modified: zipTime}
	h.SetMode(0o644)
	w, err := zw.CreateHeader(h)
	if err != nil {
		return fmt.Errorf("add %s: %w", path, err)
	}
	_, err = w.Write(body)
	return err
}
