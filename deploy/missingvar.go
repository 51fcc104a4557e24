package deploy

import (
	"fmt"
	"regexp"

	"github.com/botrunner/botrunner/names"
	"github.com/botrunner/botrunner/store"
)

// A bot that needs a config var it was not given dies at start with one of
// these lines (Python's os.environ[...], Node's and Go's usual checks). The
// first group is the var's name.
var missingVarPatterns = []*regexp.Regexp{
	regexp.MustCompile(`KeyError: ['"]([A-Z][A-Z0-9_]+)['"]`),
	regexp.MustCompile(`(?i:env(?:ironment)?[ _-]?(?:variable|var)?s?)\s*[:=]?\s*['"\x60]?([A-Z][A-Z0-9_]+)['"\x60]?\s+(?i:is\s+)?(?i:not set|missing|required|undefined|empty|unset)`),
	regexp.MustCompile(`(?i:missing|undefined|unset|please set)\s+(?i:env(?:ironment)?\s+(?:variable|var)s?\s+)?['"\x60]?([A-Z][A-Z0-9_]+)['"\x60]?`),
	regexp.MustCompile(`['"\x60]?([A-Z][A-Z0-9_]+)['"\x60]?\s+(?i:(?:is\s+)?(?:not set|missing|required|undefined|unset|empty))`),
}

// notVarNames are capitalised words of crash lines that name no var.
var notVarNames = map[string]bool{"ERROR": true, "FATAL": true, "WARNING": true, "HTTP": true, "JSON": true,
	"NOT": true, "THE": true, "ENV": true, "VARIABLE": true}

// missingVar is the config var the last log lines of a crashed bot say it
// lacks, when they name one the release does not have; "" when none.
func missingVar(lines []string, cfg map[string]string) string {
	for i := len(lines) - 1; i >= 0; i-- {
		for _, re := range missingVarPatterns {
			for _, m := range re.FindAllStringSubmatch(lines[i], -1) {
				name := m[1]
				if _, set := cfg[name]; set || notVarNames[name] || names.ValidConfig(name) != nil || len(name) < 3 {
					continue
				}
				return name
			}
		}
	}
	return ""
}

// startFailedTip is the tip of a start check that failed: the exact
// commands when the bot named a var it lacks, and on a first release (no
// release runs; the app is kept) how to finish the job.
func startFailedTip(app store.App, rel store.Release, lines []string) string {
	first := app.Current == 0
	name := missingVar(lines, rel.Config)
	switch {
	case name != "":
		return fmt.Sprintf("the bot needs the config var %s: set it, then push again: "+
			"`botctl config:set %s=…` (or `ssh <host> config:set %s %s=…`)", name, name, app.Name, name)
	case first:
		return fmt.Sprintf("if the bot needs config (a token), set it, then push again: "+
			"`botctl config:set NAME=…` (or `ssh <host> config:set %s NAME=…`); else fix the bot and push again", app.Name)
	}
	return ErrStartFailed.Tip
}
