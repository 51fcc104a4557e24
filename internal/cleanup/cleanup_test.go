package cleanup

import (
	"context"
	"testing"
	"time"
)

type key struct{}

func TestContextOutlivesItsRequest(t *testing.T) {
	req, cancel := context.WithCancel(context.WithValue(context.Background(), key{}, "v"))
	cancel()
	ctx, done := Context(req, time.Hour)
	defer done()
	if err := ctx.Err(); err != nil {
		t.Fatalf("cleanup context ended with its request: %v", err)
	}
	if ctx.Value(key{}) != "v" {
		t.Fatal("cleanup context lost the request's values")
	}
	if _, ok := ctx.Deadline(); !ok {
		t.Fatal("cleanup context has no deadline")
	}
	done()
	if ctx.Err() == nil {
		t.Fatal("cleanup context not ended by its CancelFunc")
	}
}
