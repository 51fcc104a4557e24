package fakeruntime_test

import (
	"context"
	"errors"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/botrunner/botrunner/runtime"
	"github.com/botrunner/botrunner/testsupport/fakeruntime"
	"github.com/botrunner/botrunner/testsupport/runtimetest"
)

func TestConformance(t *testing.T) {
	runtimetest.Run(t, func(t *testing.T) (runtime.Driver, runtimetest.Images) {
		d := fakeruntime.New()
		d.ImageFunc(runtimetest.TestbotTag, fakeruntime.Testbot)
		return d, runtimetest.Testbot(runtimetest.TestbotTag)
	})
}

func spec(image string) runtime.Spec {
	return runtime.Spec{Image: image, User: "1000:1000", Labels: map[string]string{"app": "a"}}
}

// TestScriptedExit is how a test of a higher layer says "this image exits
// with 1 after a while".
func TestScriptedExit(t *testing.T) {
	d := fakeruntime.New()
	d.Image("crashy", fakeruntime.Behaviour{ExitAfter: 50 * time.Millisecond, ExitCode: 1, Logs: []string{"boom"}})
	ctx := context.Background()
	id, err := d.Create(ctx, spec("crashy"))
	if err != nil {
		t.Fatal(err)
	}
	ch := d.Wait(ctx, id)
	began := time.Now()
	if err := d.Start(ctx, id); err != nil {
		t.Fatal(err)
	}
	if st, _ := d.Inspect(ctx, id); !st.Running {
		t.Errorf("not running before ExitAfter: %+v", st)
	}
	res := <-ch
	if res.ExitCode != 1 || res.Err != nil || time.Since(began) < 50*time.Millisecond {
		t.Errorf("Wait = %+v after %v", res, time.Since(began))
	}
	rc, _ := d.Logs(ctx, id, runtime.LogOptions{})
	b, _ := io.ReadAll(rc)
	if string(b) != "boom\n" {
		t.Errorf("logs %q", b)
	}
}

func TestOOMAndCrash(t *testing.T) {
	d := fakeruntime.New()
	d.Image("hungry", fakeruntime.Behaviour{OOM: true})
	d.Image("bot", fakeruntime.Behaviour{})
	ctx := context.Background()
	id, _ := d.Create(ctx, spec("hungry"))
	ch := d.Wait(ctx, id)
	_ = d.Start(ctx, id)
	if res := <-ch; res.ExitCode != 137 || !res.OOMKilled {
		t.Errorf("OOM: %+v", res)
	}
	if st, _ := d.Inspect(ctx, id); !st.OOMKilled || st.ExitCode != 137 {
		t.Errorf("OOM state: %+v", st)
	}
	bot, _ := d.Create(ctx, spec("bot"))
	_ = d.Start(ctx, bot)
	ch = d.Wait(ctx, bot)
	if err := d.Exit(bot, 2); err != nil {
		t.Fatal(err)
	}
	if res := <-ch; res.ExitCode != 2 || res.OOMKilled {
		t.Errorf("Exit(2): %+v", res)
	}
}

func TestStopTermDelay(t *testing.T) {
	d := fakeruntime.New()
	d.Image("slow", fakeruntime.Behaviour{TermDelay: 50 * time.Millisecond})
	ctx := context.Background()
	for _, tc := range []struct {
		grace time.Duration
		code  int
	}{{time.Second, 143}, {10 * time.Millisecond, 137}} {
		id, _ := d.Create(ctx, spec("slow"))
		_ = d.Start(ctx, id)
		if err := d.Stop(ctx, id, tc.grace); err != nil {
			t.Fatal(err)
		}
		if st, _ := d.Inspect(ctx, id); st.ExitCode != tc.code {
			t.Errorf("grace %v: exit %d, want %d", tc.grace, st.ExitCode, tc.code)
		}
	}
}

func TestFailAndSpec(t *testing.T) {
	d := fakeruntime.New()
	d.Image("bot", fakeruntime.Behaviour{})
	ctx := context.Background()
	boom := errors.New("engine down")
	d.Fail("create", boom)
	if _, err := d.Create(ctx, spec("bot")); !errors.Is(err, boom) {
		t.Errorf("Create = %v, want the injected error", err)
	}
	s := spec("bot")
	s.Env = []string{"A=1"}
	id, err := d.Create(ctx, s)
	if err != nil {
		t.Fatalf("Fail is one-shot, but Create = %v", err)
	}
	got, ok := d.Spec(id)
	if !ok || got.Env[0] != "A=1" || got.Limits != runtime.DefaultLimits || got.Name == "" {
		t.Errorf("Spec = %+v", got)
	}
	if _, err := d.Create(ctx, spec("unknown")); !errors.Is(err, runtime.ErrImageNotFound) {
		t.Errorf("unscripted image: %v", err)
	}
	d.Hook(func(s runtime.Spec) fakeruntime.Behaviour { return fakeruntime.Behaviour{Logs: []string{s.Image}} })
	if _, err := d.Create(ctx, spec("unknown")); err != nil {
		t.Errorf("with a hook every image exists, but: %v", err)
	}
}

func TestWaitContext(t *testing.T) {
	d := fakeruntime.New()
	d.Image("bot", fakeruntime.Behaviour{})
	id, _ := d.Create(context.Background(), spec("bot"))
	ctx, cancel := context.WithCancel(context.Background())
	ch := d.Wait(ctx, id)
	cancel()
	if res := <-ch; !errors.Is(res.Err, context.Canceled) || res.ExitCode != -1 {
		t.Errorf("Wait after cancel = %+v", res)
	}
}

// TestConcurrent is for -race: many goroutines drive one driver.
func TestConcurrent(t *testing.T) {
	d := fakeruntime.New()
	d.Image("bot", fakeruntime.Behaviour{Logs: []string{"hi"}, ExitAfter: time.Millisecond, ExitCode: 1})
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			id, err := d.Create(ctx, spec("bot"))
			if err != nil {
				t.Error(err)
				return
			}
			ch := d.Wait(ctx, id)
			_ = d.Start(ctx, id)
			rc, err := d.Logs(ctx, id, runtime.LogOptions{Follow: true})
			if err == nil {
				_, _ = io.ReadAll(rc)
				rc.Close()
			}
			<-ch
			_, _ = d.List(ctx, map[string]string{"app": "a"})
			_ = d.Stop(ctx, id, 0)
			_ = d.Remove(ctx, id)
		})
	}
	wg.Wait()
	if l, _ := d.List(ctx, nil); len(l) != 0 {
		t.Errorf("%d containers left", len(l))
	}
}
