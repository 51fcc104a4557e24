package command

import "strings"

// suggest returns the command name closest to word by edit distance, or ""
// when none is close enough to be a likely typo.
func suggest(cmds []*command, word string) string {
	if len(word) > maxSuggestLen {
		return "" // no command is that long; skip the quadratic work
	}
	word = strings.ToLower(word)
	best, bestDist := "", -1
	for _, c := range cmds {
		for _, n := range append([]string{c.name}, c.aliases...) {
			d := distance(word, n)
			if strings.HasPrefix(n, word) && len(word) >= 3 {
				d = min(d, 1) // "who" means whoami
			}
			if bestDist < 0 || d < bestDist {
				best, bestDist = c.name, d
			}
		}
	}
	if bestDist < 0 || bestDist > max(2, len(word)/3) || bestDist >= len(word) {
		return ""
	}
	return best
}

// maxSuggestLen bounds the words suggest compares; command names are short.
const maxSuggestLen = 64

// distance is the Levenshtein distance between a and b, in bytes.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
