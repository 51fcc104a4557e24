package testenv

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// mirrorEnv overrides the mirror read from apt's sources.
const mirrorEnv = "BOTRUNNER_DEBIAN_MIRROR"

// debianSuites are the suites of Debian's main archive. Matching on them
// tells the Debian mirror apart from third-party repositories (nodesource's
// "nodistro", Google's "cloud-sdk-bookworm") and from debian-security.
var debianSuites = map[string]bool{
	"bookworm": true, "trixie": true, "forky": true, "bullseye": true, "sid": true,
	"stable": true, "testing": true, "unstable": true, "oldstable": true,
}

// aptSource is one "deb" entry of apt's configuration.
type aptSource struct {
	uri    string
	suites []string
}

// DebianMirror returns the Debian archive this machine's apt uses (for
// example http://deb.debian.org/debian), read from /etc/apt/sources.list.d
// (deb822 .sources and one-line .list files) and then
// /etc/apt/sources.list. BOTRUNNER_DEBIAN_MIRROR overrides it.
func DebianMirror() (string, error) {
	if m := os.Getenv(mirrorEnv); m != "" {
		return m, nil
	}
	return mirrorFrom("/etc/apt")
}

func mirrorFrom(aptDir string) (string, error) {
	var srcs []aptSource
	files, _ := filepath.Glob(filepath.Join(aptDir, "sources.list.d", "*"))
	sort.Strings(files)
	files = append(files, filepath.Join(aptDir, "sources.list"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			continue // sources.list is often absent
		}
		switch { // apt reads only these two kinds
		case strings.HasSuffix(f, ".sources"):
			srcs = append(srcs, parseDeb822(string(data))...)
		case strings.HasSuffix(f, ".list"):
			srcs = append(srcs, parseOneLine(string(data))...)
		}
	}
	if m, ok := pickMirror(srcs); ok {
		return m, nil
	}
	return "", fmt.Errorf("%w: looked in %s/sources.list.d and %s/sources.list", ErrNoMirror, aptDir, aptDir)
}

// pickMirror prefers an entry for bookworm itself, then any other suite of
// the Debian archive (one mirror serves them all).
func pickMirror(srcs []aptSource) (string, bool) {
	best, bestScore := "", 0
	for _, s := range srcs {
		if !strings.HasPrefix(s.uri, "http://") && !strings.HasPrefix(s.uri, "https://") {
			continue // cdrom:, file:, mirror+file: — debootstrap can't use them
		}
		for _, suite := range s.suites {
			score := 0
			switch {
			case suite == "bookworm":
				score = 2
			case debianSuites[suite]:
				score = 1
			}
			if score > bestScore {
				best, bestScore = strings.TrimRight(s.uri, "/"), score
			}
		}
	}
	return best, bestScore > 0
}

// parseDeb822 reads stanzas of Types/URIs/Suites fields (man 5
// sources.list, "DEB822-STYLE FORMAT").
func parseDeb822(data string) []aptSource {
	var out []aptSource
	fields := map[string]string{}
	flush := func() {
		enabled := !strings.EqualFold(fields["enabled"], "no")
		if enabled && hasWord(fields["types"], "deb") {
			suites := strings.Fields(fields["suites"])
			for _, u := range strings.Fields(fields["uris"]) {
				out = append(out, aptSource{uri: u, suites: suites})
			}
		}
		fields = map[string]string{}
	}
	last := ""
	sc := bufio.NewScanner(strings.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.TrimSpace(line) == "":
			flush()
		case strings.HasPrefix(line, "#"):
		case line[0] == ' ' || line[0] == '\t': // continuation of the last field
			fields[last] += " " + strings.TrimSpace(line)
		default:
			k, v, ok := strings.Cut(line, ":")
			if ok {
				last = strings.ToLower(strings.TrimSpace(k))
				fields[last] = strings.TrimSpace(v)
			}
		}
	}
	flush()
	return out
}

// parseOneLine reads "deb [options] URI suite component…" lines.
func parseOneLine(data string) []aptSource {
	var out []aptSource
	sc := bufio.NewScanner(strings.NewReader(data))
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), "deb")
		if !ok || (rest != "" && rest[0] != ' ' && rest[0] != '\t') {
			continue // deb-src, or not an entry
		}
		rest = strings.TrimSpace(rest)
		if strings.HasPrefix(rest, "[") {
			_, after, found := strings.Cut(rest, "]")
			if !found {
				continue
			}
			rest = after
		}
		f := strings.Fields(rest)
		if len(f) >= 2 {
			out = append(out, aptSource{uri: f[0], suites: []string{f[1]}})
		}
	}
	return out
}

func hasWord(s, w string) bool {
	for _, f := range strings.Fields(s) {
		if f == w {
			return true
		}
	}
	return false
}
