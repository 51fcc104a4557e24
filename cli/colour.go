package cli

import (
	"bytes"
	"io"
	"os"
	"sync"
)

// ANSI colours for the lines people scan for in a push or a command's
// output: steps, errors and hints. Only on a terminal, and never when
// NO_COLOR is set (https://no-color.org) or with --json.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
)

// colourOn reports whether output to w should be coloured.
func colourOn(w io.Writer, getenv func(string) string, json bool) bool {
	f, ok := w.(*os.File)
	if !ok || json || getenv("NO_COLOR") != "" || getenv("TERM") == "dumb" {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// colourWriter colours whole lines by their start and passes everything
// else through unchanged. It holds a partial line until its end or Close.
type colourWriter struct {
	mu  sync.Mutex
	w   io.Writer
	buf []byte
}

func (c *colourWriter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.buf = append(c.buf, p...)
	for {
		i := bytes.IndexByte(c.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		if _, err := c.w.Write(colourLine(c.buf[:i+1])); err != nil {
			return len(p), err
		}
		c.buf = c.buf[i+1:]
	}
}

// Close writes what is held.
func (c *colourWriter) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, err := c.w.Write(colourLine(c.buf))
	c.buf = nil
	return err
}

func colourLine(l []byte) []byte {
	body := bytes.TrimSuffix(l, []byte("\n"))
	var code string
	switch {
	case bytes.HasPrefix(body, []byte("error:")), bytes.HasPrefix(body, []byte("botctl:")):
		code = ansiRed
	case bytes.HasPrefix(body, []byte("hint:")):
		code = ansiYellow
	case bytes.HasPrefix(body, []byte("-----> ")):
		code = ansiBold
	default:
		return l
	}
	out := append([]byte(code), body...)
	out = append(out, ansiReset...)
	if len(body) < len(l) {
		out = append(out, '\n')
	}
	return out
}
