package testenv

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// PipIndex is a running pip index container.
type PipIndex struct {
	Name string // container name, its host name on the network
	// URL is the index for pip on the same network, by the container's
	// address there: http://<IP>:8080/simple/. An address, not the name:
	// on a loaded machine a build's pip could not resolve the name through
	// the engine's DNS, and the story failed.
	URL  string
	host string // the URL's host
}

// Host is the index's host as its URL names it (what PIP_TRUSTED_HOST
// takes).
func (p *PipIndex) Host() string { return p.host }

// Env is what a build on the same network needs for pip to use the index:
// PIP_INDEX_URL, and PIP_TRUSTED_HOST because pip ignores a plain-http
// index on any host but localhost without it.
func (p *PipIndex) Env() []string {
	return []string{"PIP_INDEX_URL=" + p.URL, "PIP_TRUSTED_HOST=" + p.host}
}

// StartPipIndex starts the test pip index on network and waits until it
// answers. It is removed when t ends.
func StartPipIndex(t testing.TB, network string) *PipIndex {
	t.Helper()
	image, err := PipIndexImage(t.Context())
	if err != nil {
		t.Fatalf("pip index image: %v", err)
	}
	name := UniqueName("botrunner-test-pypi")
	StartContainer(t, network, name, image)
	if err := waitExec(t.Context(), name, "/pypiserver", "health"); err != nil {
		t.Fatalf("pip index %s not ready: %v", name, err)
	}
	ip, err := docker(t.Context(), nil, "inspect", "--format", "{{(index .NetworkSettings.Networks \""+network+"\").IPAddress}}", name)
	if ip = strings.TrimSpace(ip); err != nil || ip == "" {
		t.Fatalf("pip index %s: no address on %s: %v", name, network, err)
	}
	return &PipIndex{Name: name, URL: fmt.Sprintf("http://%s:%d/simple/", ip, PipIndexPort), host: ip}
}

// FakeTelegram is a running fake Bot API container. Tests drive it with
// docker exec, so nothing is published to the host.
type FakeTelegram struct {
	Name string // container name, its host name on the network
	// URL is the Bot API base for bots on the same network, in place of
	// https://api.telegram.org: a bot calls URL + "/bot<token>/getMe".
	URL string
}

// HostURL is the Bot API base as the host sees it (the container's address
// on its network; nothing is published), for a gitd running on the host.
func (f *FakeTelegram) HostURL(ctx context.Context) (string, error) {
	ip, err := docker(ctx, nil, "inspect", "--format", "{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}", f.Name)
	if err != nil {
		return "", err
	}
	fields := strings.Fields(ip)
	if len(fields) == 0 {
		return "", fmt.Errorf("fake telegram %s has no address", f.Name)
	}
	return fmt.Sprintf("http://%s:%d", fields[0], FakeTelegramPort), nil
}

// SetWebhook sets a webhook for the bot with token, as its owner would
// elsewhere: the fake then refuses its getUpdates with 409.
func (f *FakeTelegram) SetWebhook(ctx context.Context, token, url string) error {
	var ok bool
	return f.control(ctx, &ok, "webhook", "-token", token, "-url", url)
}

// SentMessage is one sendMessage call the fake received.
type SentMessage struct {
	Token  string            `json:"token"`
	ChatID int64             `json:"chat_id"`
	Text   string            `json:"text"`
	Params map[string]string `json:"params"` // every parameter the bot sent
}

// StartFakeTelegram starts the fake Bot API on network and waits until it
// answers. It is removed when t ends.
func StartFakeTelegram(t testing.TB, network string) *FakeTelegram {
	t.Helper()
	image, err := FakeTelegramImage(t.Context())
	if err != nil {
		t.Fatalf("fake telegram image: %v", err)
	}
	name := UniqueName("botrunner-test-telegram")
	StartContainer(t, network, name, image)
	if err := waitExec(t.Context(), name, "/faketelegram", "health"); err != nil {
		t.Fatalf("fake telegram %s not ready: %v", name, err)
	}
	return &FakeTelegram{Name: name, URL: fmt.Sprintf("http://%s:%d", name, FakeTelegramPort)}
}

func (f *FakeTelegram) control(ctx context.Context, out any, args ...string) error {
	stdout, err := docker(ctx, nil, append([]string{"exec", f.Name, "/faketelegram"}, args...)...)
	if err != nil {
		return err
	}
	return json.Unmarshal([]byte(stdout), out)
}

// Queue makes a user write text in a private chat (chat id = user id =
// chatID) for the next bot that polls, and returns the update's id.
func (f *FakeTelegram) Queue(ctx context.Context, chatID int64, text string) (int64, error) {
	return f.QueueFor(ctx, "", chatID, text)
}

// QueueFor is Queue for the bot with token only ("" = any bot).
func (f *FakeTelegram) QueueFor(ctx context.Context, token string, chatID int64, text string) (int64, error) {
	var u struct {
		UpdateID int64 `json:"update_id"`
	}
	err := f.control(ctx, &u, "queue", "-token", token, "-chat", strconv.FormatInt(chatID, 10), "-text", text)
	return u.UpdateID, err
}

// Sent lists the sendMessage calls received so far, oldest first.
func (f *FakeTelegram) Sent(ctx context.Context) ([]SentMessage, error) {
	var s []SentMessage
	return s, f.control(ctx, &s, "sent")
}

// WaitSent polls until at least n messages were sent, or ctx ends.
func (f *FakeTelegram) WaitSent(ctx context.Context, n int) ([]SentMessage, error) {
	for {
		s, err := f.Sent(ctx)
		if err == nil && len(s) >= n {
			return s, nil
		}
		select {
		case <-ctx.Done():
			return s, fmt.Errorf("waiting for %d sent messages, have %d: %w", n, len(s), ctx.Err())
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// Conflicts counts, per bot token, the getUpdates calls that got 409
// Conflict because another poller with that token took over — non-zero
// means two copies of a bot ran at once.
func (f *FakeTelegram) Conflicts(ctx context.Context) (map[string]int, error) {
	var m map[string]int
	return m, f.control(ctx, &m, "conflicts")
}
