package testenv

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestImages builds the three images (the Python one takes a minute or
// two the first time on a machine) and checks that a second call reuses
// them.
func TestImages(t *testing.T) {
	RequireDocker(t)
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Minute)
	defer cancel()
	for _, img := range []struct {
		tag   string
		build func(context.Context) (string, error)
	}{
		{PythonTag, PythonImage},
		{FakeTelegramTag, FakeTelegramImage},
		{PipIndexTag, PipIndexImage},
	} {
		began := time.Now()
		tag, err := img.build(ctx)
		require.NoError(t, err)
		assert.Equal(t, img.tag, tag)
		t.Logf("%s ready in %s", tag, time.Since(began).Round(100*time.Millisecond))

		id1, _, _, err := imageStamp(ctx, tag)
		require.NoError(t, err)
		began = time.Now()
		_, err = img.build(ctx)
		require.NoError(t, err)
		id2, _, _, err := imageStamp(ctx, tag)
		require.NoError(t, err)
		assert.Equal(t, id1, id2, "second call reuses the image")
		assert.Less(t, time.Since(began), 10*time.Second, "second call builds nothing")
	}
}

// runPython runs the Python image on network with args after the image,
// and returns its output.
func runPython(t *testing.T, network string, args ...string) string {
	t.Helper()
	image, err := PythonImage(t.Context())
	require.NoError(t, err)
	name := UniqueName("botrunner-test-py")
	t.Cleanup(func() { removeContainer(t, name) })
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	out, err := docker(ctx, nil, append([]string{"run", "--rm", "--name", name, "--network", network,
		"--label", testLabel, image}, args...)...)
	require.NoError(t, err, out)
	return out
}

func TestPipInstallsFromIndex(t *testing.T) {
	net := NewNetwork(t)
	idx := StartPipIndex(t, net)

	out := runPython(t, net, "sh", "-ec", fmt.Sprintf(`
pip install --index-url %[1]s --trusted-host %[2]s botrunner-greeting
python -c 'import botrunner_greeting; print(botrunner_greeting.greet("x"))'
export %[3]s %[4]s  # as a build would get them
pip install botrunner-loud   # pulls nothing new: greeting is there
python -c 'import botrunner_loud; print(botrunner_loud.shout("x"))'
pip uninstall -y botrunner-greeting botrunner-loud
echo botrunner-loud > /tmp/requirements.txt
pip install -r /tmp/requirements.txt   # resolves greeting through the index
python -c 'import botrunner_loud; print(botrunner_loud.shout("y"))'
`, idx.URL, idx.Host(), idx.Env()[0], idx.Env()[1]))
	assert.Contains(t, out, "\nhello x\n")
	assert.Contains(t, out, "\nHELLO X!\n")
	assert.Contains(t, out, "Successfully installed botrunner-greeting-1.0.0 botrunner-loud-1.0.0")
	assert.True(t, strings.HasSuffix(out, "HELLO Y!"), out)
}

// roundTrip is a bot and a user in one script: queue a message through the
// control API, poll it, answer it, and report what the fake recorded.
const roundTrip = `
import json, sys, urllib.request
base, tok = sys.argv[1], "123456:TEST"
def call(path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req, timeout=30))
call("/control/updates", {"chat_id": 42, "text": "ping"})
me = call(f"/bot{tok}/getMe")["result"]
ups = call(f"/bot{tok}/getUpdates", {"timeout": 5})["result"]
msg = ups[0]["message"]
call(f"/bot{tok}/sendMessage", {"chat_id": msg["chat"]["id"], "text": "echo: " + msg["text"]})
left = call(f"/bot{tok}/getUpdates", {"offset": ups[-1]["update_id"] + 1})["result"]
print(json.dumps({"me": me["username"], "got": msg["text"], "left": len(left), "sent": call("/control/sent")}))
`

func TestFakeTelegramRoundTrip(t *testing.T) {
	net := NewNetwork(t)
	tg := StartFakeTelegram(t, net)

	out := runPython(t, net, "python", "-c", roundTrip, tg.URL)
	var got struct {
		Me   string
		Got  string
		Left int
		Sent []SentMessage
	}
	require.NoError(t, json.Unmarshal([]byte(out), &got), out)
	assert.Equal(t, "fake_123456_bot", got.Me)
	assert.Equal(t, "ping", got.Got)
	assert.Zero(t, got.Left, "offset confirmed the update")
	require.Len(t, got.Sent, 1)
	assert.Equal(t, SentMessage{Token: "123456:TEST", ChatID: 42, Text: "echo: ping",
		Params: map[string]string{"chat_id": "42", "text": "echo: ping"}}, got.Sent[0])

	// The same, seen from the test through docker exec.
	sent, err := tg.Sent(t.Context())
	require.NoError(t, err)
	assert.Equal(t, got.Sent, sent)
}

// echoBot long-polls like a real bot until it is killed.
const echoBot = `
import json, sys, urllib.request
base = sys.argv[1] + "/bot" + sys.argv[2] + "/"
def call(method, body):
    req = urllib.request.Request(base + method, data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req, timeout=60))["result"]
offset = 0
while True:
    for u in call("getUpdates", {"offset": offset, "timeout": 30}):
        offset = u["update_id"] + 1
        call("sendMessage", {"chat_id": u["message"]["chat"]["id"], "text": "echo: " + u["message"]["text"]})
`

func TestEchoBotAgainstFakeTelegram(t *testing.T) {
	net := NewNetwork(t)
	tg := StartFakeTelegram(t, net)
	python, err := PythonImage(t.Context())
	require.NoError(t, err)
	StartContainer(t, net, UniqueName("botrunner-test-echo"), python,
		"python", "-u", "-c", echoBot, tg.URL, "777:ECHO")

	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	for i, text := range []string{"hello", "/start now"} {
		_, err := tg.Queue(ctx, int64(100+i), text)
		require.NoError(t, err)
		sent, err := tg.WaitSent(ctx, i+1)
		require.NoError(t, err)
		assert.Equal(t, "echo: "+text, sent[i].Text)
		assert.Equal(t, int64(100+i), sent[i].ChatID)
		assert.Equal(t, "777:ECHO", sent[i].Token)
	}
	conflicts, err := tg.Conflicts(ctx)
	require.NoError(t, err)
	assert.Empty(t, conflicts, "one poller, no 409s")
}

// TestClassicBuildUsesIndex is the simple strategy's requirements.txt path
// in miniature: the classic builder on the test network, pip pointed at the
// index through build args the Dockerfile declares, a non-root user.
func TestClassicBuildUsesIndex(t *testing.T) {
	net := NewNetwork(t)
	idx := StartPipIndex(t, net)
	python, err := PythonImage(t.Context())
	require.NoError(t, err)

	dir := t.TempDir()
	files := map[string]string{
		"requirements.txt": "botrunner-loud==1.0.0\n",
		"bot.py":           "import botrunner_loud, os\nprint(botrunner_loud.shout('bot'), os.getuid())\n",
		"Dockerfile": "FROM " + python + "\n" +
			"ARG PIP_INDEX_URL\nARG PIP_TRUSTED_HOST\n" + // ARGs are in RUN's environment, not the image's
			"WORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n" +
			"COPY . .\nRUN useradd --create-home --uid 10001 bot\nUSER bot\n" +
			`CMD ["python", "-u", "bot.py"]` + "\n",
	}
	for name, body := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644))
	}
	tag := UniqueName("botrunner-test-build") + ":1"
	t.Cleanup(func() { _, _ = docker(context.Background(), nil, "image", "rm", "--force", tag) })

	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	args := []string{"build", "--network", net, "--tag", tag, "--label", testLabel}
	for _, kv := range idx.Env() {
		args = append(args, "--build-arg", kv)
	}
	cmd := exec.CommandContext(ctx, "docker", append(args, dir)...)
	cmd.Env = append(os.Environ(), "DOCKER_BUILDKIT=0") // the classic builder, as gitd uses over the API
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))

	got, err := docker(ctx, nil, "run", "--rm", "--network", "none", tag)
	require.NoError(t, err)
	assert.Equal(t, "HELLO BOT! 10001", got)
	env, err := docker(ctx, nil, "image", "inspect", "--format", "{{json .Config.Env}}", tag)
	require.NoError(t, err)
	assert.NotContains(t, env, "PIP_INDEX_URL", "build args don't leak into the image")
}
