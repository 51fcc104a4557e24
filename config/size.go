package config

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/alecthomas/kong"
)

// Size is a byte count written as 200MiB, 512k, 1G or plain bytes.
type Size int64

var units = []struct {
	suffix string
	mult   int64
}{
	{"gib", 1 << 30}, {"mib", 1 << 20}, {"kib", 1 << 10},
	{"gb", 1 << 30}, {"mb", 1 << 20}, {"kb", 1 << 10},
	{"g", 1 << 30}, {"m", 1 << 20}, {"k", 1 << 10}, {"b", 1},
}

// ParseSize reads a Size.
func ParseSize(s string) (Size, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 || n > (1<<62)/mult {
		return 0, fmt.Errorf("size %q: want a positive number with an optional unit (k, m, g, KiB, MiB, GiB)", s)
	}
	return Size(n * mult), nil
}

// Decode lets kong read a Size from a flag or env value.
func (s *Size) Decode(ctx *kong.DecodeContext) error {
	var v string
	if err := ctx.Scan.PopValueInto("size", &v); err != nil {
		return err
	}
	n, err := ParseSize(v)
	if err != nil {
		return err
	}
	*s = n
	return nil
}
