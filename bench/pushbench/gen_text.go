package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// texter writes plausible text from a seeded vocabulary, with word
// frequencies following a Zipf law, so it compresses and deltas roughly like
// real source and prose.
type texter struct {
	rng   *rand.Rand
	zipf  *rand.Zipf
	words []string
}

func newTexter(seed uint64) *texter {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	t := &texter{rng: rng, zipf: rand.NewZipf(rng, 1.2, 2, 1999)}
	seen := map[string]bool{}
	for len(t.words) < 2000 {
		n := 2 + rng.IntN(9)
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('a' + rng.IntN(26))
		}
		if w := string(b); !seen[w] {
			seen[w] = true
			t.words = append(t.words, w)
		}
	}
	return t
}

func (t *texter) word() string { return t.words[t.zipf.Uint64()] }

func (t *texter) phrase(n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = t.word()
	}
	return strings.Join(ws, " ")
}

func (t *texter) code(size int) string {
	var b strings.Builder
	for b.Len() < size {
		w := t.word
		switch t.rng.IntN(10) {
		case 0:
			fmt.Fprintf(&b, "\ndef %s_%s(%s, %s):\n", w(), w(), w(), w())
		case 1, 2:
			fmt.Fprintf(&b, "    %s = %s.%s(%s, %s=%d)\n", w(), w(), w(), w(), w(), t.rng.IntN(1000))
		case 3:
			fmt.Fprintf(&b, "    if %s is not None and %s > %d:\n", w(), w(), t.rng.IntN(100))
		case 4:
			fmt.Fprintf(&b, "        return %s_%s\n", w(), w())
		case 5:
			fmt.Fprintf(&b, "    # %s\n", t.phrase(4+t.rng.IntN(8)))
		case 6:
			fmt.Fprintf(&b, "    await %s.%s(\"%s\")\n", w(), w(), t.phrase(2+t.rng.IntN(6)))
		case 7:
			fmt.Fprintf(&b, "    for %s in %s.%s:\n", w(), w(), w())
		default:
			fmt.Fprintf(&b, "        %s.append(%s[%d])\n", w(), w(), t.rng.IntN(10))
		}
	}
	return b.String()
}

func (t *texter) prose(size int) string {
	var b strings.Builder
	for b.Len() < size {
		if t.rng.IntN(8) == 0 {
			fmt.Fprintf(&b, "\n## %s\n\n", t.phrase(2+t.rng.IntN(3)))
		}
		s := t.phrase(6 + t.rng.IntN(14))
		fmt.Fprintf(&b, "%s%s. ", strings.ToUpper(s[:1]), s[1:])
		if t.rng.IntN(4) == 0 {
			b.WriteString("\n")
		}
	}
	return b.String() + "\n"
}

func (t *texter) json(size int) string {
	var b strings.Builder
	b.WriteString("{\n")
	for b.Len() < size {
		fmt.Fprintf(&b, "  \"%s_%s\": \"%s\",\n", t.word(), t.word(), t.phrase(3+t.rng.IntN(9)))
	}
	b.WriteString("  \"_\": \"\"\n}\n")
	return b.String()
}
