package command

import (
	"fmt"
	"io"
)

var versionCmd = &command{
	name:    "version",
	summary: "show the server's version",
	anyKey:  true,
	run: func(c *call) error {
		v := c.d.Version
		if v == "" {
			v = "dev"
		}
		return c.emit(struct {
			Version string `json:"version"`
		}{v}, func(w io.Writer) { fmt.Fprintf(w, "botrunner %s\n", v) })
	},
}
