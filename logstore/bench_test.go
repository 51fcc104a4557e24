package logstore

import (
	"fmt"
	"strings"
	"testing"
)

var benchText = "2025-03-01 12:00:00 INFO aiogram.event: Update id=123456 is handled. Duration 12 ms by bot id=42 " + strings.Repeat("x", 20)

func BenchmarkAppend(b *testing.B) {
	s, _ := openStore(b, Options{})
	l := Line{Time: t0, Release: 3, Stream: StreamStdout, Text: benchText}
	b.ReportAllocs()
	b.SetBytes(int64(len(benchText)))
	for b.Loop() {
		if err := s.Append("my-bot", l); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAppendRedacted is BenchmarkAppend with five secret values
// (as many releases) redacted at write time.
func BenchmarkAppendRedacted(b *testing.B) {
	h := &configHistory{}
	for i := range 5 {
		h.release(i+1, map[string]string{"BOT_TOKEN": fmt.Sprintf("%09d:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", i), "DEBUG": "1"})
	}
	s, _ := openStore(b, Options{Secrets: h})
	l := Line{Time: t0, Release: 3, Stream: StreamStdout, Text: benchText}
	b.ReportAllocs()
	b.SetBytes(int64(len(benchText)))
	for b.Loop() {
		if err := s.Append("my-bot", l); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTail(b *testing.B) {
	for _, n := range []int{100, 10000} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			s, _ := openStore(b, Options{})
			l := Line{Time: t0, Release: 3, Stream: StreamStdout, Text: benchText}
			for range 60000 { // past the 8 MiB cap: several segments
				if err := s.Append("my-bot", l); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				lines, err := s.Tail("my-bot", Query{N: n})
				if err != nil || len(lines) != n {
					b.Fatal(len(lines), err)
				}
			}
		})
	}
}
