package repostore

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func (s *lockSet) size() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}

func TestLockUnlock(t *testing.T) {
	s := newLockSet()
	unlock, err := s.lock(context.Background(), "app", func() { t.Error("no wait expected") })
	require.NoError(t, err)
	assert.Equal(t, 1, s.size())
	unlock()
	unlock() // a second call is harmless
	assert.Equal(t, 0, s.size(), "the entry goes with its last user")

	unlock, err = s.lock(context.Background(), "app", nil)
	require.NoError(t, err, "usable again")
	unlock()
	assert.Equal(t, 0, s.size())
}

func TestLockAppsAreIndependent(t *testing.T) {
	s := newLockSet()
	u1, err := s.lock(context.Background(), "one", nil)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	u2, err := s.lock(ctx, "two", func() { t.Error("another app must not wait") })
	require.NoError(t, err)
	assert.Equal(t, 2, s.size())
	u1()
	u2()
	assert.Equal(t, 0, s.size())
}

func TestLockSecondWaits(t *testing.T) {
	s := newLockSet()
	unlock, err := s.lock(context.Background(), "app", nil)
	require.NoError(t, err)

	var waits atomic.Int32
	waiting := make(chan struct{})
	acquired := make(chan func())
	go func() {
		u, err := s.lock(context.Background(), "app", func() {
			waits.Add(1)
			close(waiting)
		})
		assert.NoError(t, err)
		acquired <- u
	}()

	<-waiting
	select {
	case <-acquired:
		t.Fatal("second locker got the lock while the first held it")
	case <-time.After(50 * time.Millisecond):
	}
	unlock()
	u2 := <-acquired
	assert.Equal(t, int32(1), waits.Load(), "onWait is called once")
	assert.Equal(t, 1, s.size())
	u2()
	assert.Equal(t, 0, s.size())
}

func TestLockCancelWhileWaiting(t *testing.T) {
	s := newLockSet()
	unlock, err := s.lock(context.Background(), "app", nil)
	require.NoError(t, err)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		u, err := s.lock(ctx, "app", cancel) // give up as soon as we would wait
		assert.Nil(t, u)
		done <- err
	}()
	require.ErrorIs(t, <-done, context.Canceled)
	assert.Equal(t, 1, s.size(), "the holder still owns the entry")

	unlock()
	assert.Equal(t, 0, s.size())
	ctx2, cancel2 := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel2()
	u, err := s.lock(ctx2, "app", nil)
	require.NoError(t, err, "the lock is usable after a cancelled waiter")
	u()
	assert.Equal(t, 0, s.size())
}

func TestLockDeadlineWhileWaiting(t *testing.T) {
	s := newLockSet()
	unlock, err := s.lock(context.Background(), "app", nil)
	require.NoError(t, err)
	defer unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err = s.lock(ctx, "app", nil)
	require.ErrorIs(t, err, context.DeadlineExceeded)
}

// TestLockMutualExclusion hammers a few apps from many goroutines (run with
// -race): holders of one app never overlap and the map ends empty.
func TestLockMutualExclusion(t *testing.T) {
	s := newLockSet()
	apps := []string{"a", "b", "c"}
	inside := map[string]*atomic.Int32{}
	for _, a := range apps {
		inside[a] = new(atomic.Int32)
	}
	var wg sync.WaitGroup
	for i := range 60 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			app := apps[i%len(apps)]
			ctx := context.Background()
			if i%4 == 0 { // some waiters give up
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, time.Duration(i%3)*time.Millisecond)
				defer cancel()
			}
			unlock, err := s.lock(ctx, app, nil)
			if err != nil {
				return
			}
			n := inside[app].Add(1)
			assert.Equal(t, int32(1), n, "two holders of %s", app)
			time.Sleep(time.Millisecond)
			inside[app].Add(-1)
			unlock()
		}()
	}
	wg.Wait()
	assert.Equal(t, 0, s.size(), "no entry leaks")
}

func TestReposLockAndDelete(t *testing.T) {
	r, err := Open(t.TempDir())
	require.NoError(t, err)
	require.NoError(t, r.Create("my-bot"))
	unlock, err := r.Lock(context.Background(), "my-bot", nil)
	require.NoError(t, err)

	deleted := make(chan error)
	go func() { deleted <- r.Delete("my-bot") }()
	select {
	case <-deleted:
		t.Fatal("Delete ran while a push held the lock")
	case <-time.After(50 * time.Millisecond):
	}
	assert.True(t, r.Exists("my-bot"))
	unlock()
	require.NoError(t, <-deleted)
	assert.False(t, r.Exists("my-bot"))
	assert.Equal(t, 0, r.locks.size())
}
