package runtimetest

import (
	"archive/tar"
	"bytes"
	"io"
	"strings"
	"testing"
)

func TestStreamError(t *testing.T) {
	for _, tc := range []struct{ stream, want string }{
		{`{"status":"sha256:abc"}`, ""},
		{`{"status":"x"}{"errorDetail":{"message":"no space"},"error":"no space"}`, "no space"},
		{`{"error":"bad tar"}`, "bad tar"},
	} {
		err := streamError(strings.NewReader(tc.stream))
		if got := ""; err != nil {
			got = err.Error()
			if got != tc.want {
				t.Errorf("%s: %q, want %q", tc.stream, got, tc.want)
			}
		} else if tc.want != "" {
			t.Errorf("%s: nil, want %q", tc.stream, tc.want)
		}
	}
}

// TestRootfsTar: the image holds the binary and /tmp, nothing else.
func TestRootfsTar(t *testing.T) {
	b, err := rootfsTar([]byte("ELF"))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(bytes.NewReader(b))
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
		if h.Name == "tmp/" && h.Mode != 0o1777 || h.Name == "testbot" && h.Mode != 0o755 {
			t.Errorf("%s mode %o", h.Name, h.Mode)
		}
	}
	if strings.Join(names, ",") != "tmp/,testbot" {
		t.Errorf("entries %v", names)
	}
}
