// Package bytesize deals in the byte counts of what clients send: Reader
// reads at most a limit and tells "too large" from "damaged", and Format
// writes a count (a limit, a size) the way the messages people read show
// it, the same in gitd and botctl.
package bytesize
