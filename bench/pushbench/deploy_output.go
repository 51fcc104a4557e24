package main

// Reading a build's output: the lines as they arrived, the build steps
// that ran, and how long each took.

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
)

// countSteps counts the build steps that ran rather than came from the
// cache: "Step i/n" lines not followed by " ---> Using cache", FROM aside.
func countSteps(lines []tline) int {
	ran, inStep := 0, false
	for _, l := range lines {
		t := strings.TrimPrefix(strings.TrimSpace(l.text), "remote: ")
		switch {
		case strings.HasPrefix(t, "Step "):
			if inStep {
				ran++
			}
			// FROM never says "Using cache"; it is no step that runs.
			_, instr, _ := strings.Cut(t, " : ")
			inStep = !strings.HasPrefix(instr, "FROM ")
		case strings.Contains(t, "Using cache"):
			inStep = false
		}
	}
	if inStep {
		ran++
	}
	return ran
}

var labelValue = regexp.MustCompile(`^(LABEL [^=]+=).*`)

// stepTimes times each build step of a build's output: from its "Step i/n"
// line to the next one's, the last to "Successfully built". Steps are named
// by their instruction (label values and long commands cut short).
func stepTimes(lines []tline) ([]string, map[string]time.Duration) {
	var order []string
	times := map[string]time.Duration{}
	cur, at := "", time.Time{}
	for _, l := range lines {
		t := strings.TrimPrefix(strings.TrimSpace(l.text), "remote: ")
		_, instr, isStep := strings.Cut(t, " : ")
		isStep = isStep && strings.HasPrefix(t, "Step ")
		if !isStep && !strings.HasPrefix(t, "Successfully built") {
			continue
		}
		if cur != "" {
			times[cur] += l.at.Sub(at)
		}
		cur, at = "", time.Time{}
		if isStep {
			instr = labelValue.ReplaceAllString(strings.ReplaceAll(instr, rawLabelPrefix, "botrunner."), "$1…")
			if len(instr) > 44 {
				instr = instr[:43] + "…"
			}
			cur, at = instr, l.at
			order = append(order, instr)
		}
	}
	return order, times
}

// stepsSpan is the time from the first "Step i/n" line to "Successfully
// built": the engine running the build steps, as the output shows it.
func stepsSpan(lines []tline) time.Duration {
	first, last := firstLine(lines, "Step "), firstLine(lines, "Successfully built")
	if first.IsZero() || last.IsZero() {
		return 0
	}
	return last.Sub(first)
}

// firstLine is when the first line starting with prefix (after any
// "remote: ") arrived; zero if none did.
func firstLine(lines []tline, prefix string) time.Time {
	for _, l := range lines {
		if strings.HasPrefix(strings.TrimPrefix(strings.TrimSpace(l.text), "remote: "), prefix) {
			return l.at
		}
	}
	return time.Time{}
}

// readLines reads r to its end, splitting at \n and \r (git's progress),
// and notes when each line arrived.
func readLines(r io.Reader) []tline {
	var out []tline
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	sc.Split(func(data []byte, atEOF bool) (int, []byte, error) {
		if i := bytes.IndexAny(data, "\r\n"); i >= 0 {
			return i + 1, data[:i], nil
		}
		if atEOF && len(data) > 0 {
			return len(data), data, nil
		}
		return 0, nil, nil
	})
	for sc.Scan() {
		if t := strings.TrimSpace(sc.Text()); t != "" {
			out = append(out, tline{at: time.Now(), text: t})
		}
	}
	return out
}

func joinLines(lines []tline) string {
	var b strings.Builder
	var t0 time.Time
	for _, l := range lines {
		if t0.IsZero() {
			t0 = l.at
		}
		fmt.Fprintf(&b, "%+8.3fs %s\n", l.at.Sub(t0).Seconds(), l.text)
	}
	return b.String()
}
