package integration

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	gossh "golang.org/x/crypto/ssh"
)

// users are the key holders each script gets: one ssh host alias each.
// "bots" is the admin, as in the README's quickstart.
var users = []string{"bots", "alice", "bob", "ci"}

// setup gives a script: HOME with keys and an ssh config ($SSHCONFIG),
// GIT_SSH_COMMAND and BOTCTL_SSH using it, a running gitd ($GITD_PORT,
// data in $WORK/data, log in $WORK/gitd.log) and git identity variables.
func setup(env *testscript.Env) error {
	home := filepath.Join(env.WorkDir, "home")
	sshDir := filepath.Join(home, ".ssh")
	if err := os.MkdirAll(sshDir, 0o700); err != nil {
		return err
	}
	for _, u := range users {
		if err := writeKeyPair(filepath.Join(sshDir, u)); err != nil {
			return err
		}
	}
	port, err := freePort()
	if err != nil {
		return err
	}
	cfg := filepath.Join(sshDir, "config")
	if err := os.WriteFile(cfg, []byte(sshConfig(sshDir, port)), 0o600); err != nil {
		return err
	}
	sshCmd := "ssh -F " + cfg
	env.Setenv("HOME", home)
	env.Setenv("PATH", binDir+string(os.PathListSeparator)+os.Getenv("PATH"))
	env.Setenv("SSHCONFIG", cfg)
	env.Setenv("EXAMPLES", examplesDir)
	env.Setenv("GIT_SSH_COMMAND", sshCmd)
	env.Setenv("BOTCTL_SSH", sshCmd)
	env.Setenv("GITD_PORT", port)
	// Apps of deploy stories share one engine: $APP keeps their names (and
	// so containers and image tags) apart from other stories'.
	app := "bot-" + randHex(8)
	env.Setenv("APP", app)
	rememberApp(app)
	env.Defer(func() { cleanupApps(app); cleanupServices(app) })
	env.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	for _, k := range []string{"GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"} {
		env.Setenv(k, "Botrunner Test")
	}
	for _, k := range []string{"GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"} {
		env.Setenv(k, "test@example.invalid")
	}
	env.Setenv("ADMIN_KEY", filepath.Join(sshDir, "bots.pub"))
	return startGitd(env, port, filepath.Join(sshDir, "bots.pub"))
}

func sshConfig(sshDir, port string) string {
	var b strings.Builder
	for _, u := range users {
		fmt.Fprintf(&b, "Host %s\n  IdentityFile %s\n", u, filepath.Join(sshDir, u))
	}
	// The quickstart's plain URL, ssh://git@127.0.0.1:PORT/app, is the admin.
	fmt.Fprintf(&b, "Host 127.0.0.1\n  IdentityFile %s\n", filepath.Join(sshDir, "bots"))
	// "slow" is the admin through a throttled proxy: pushes through it are
	// still on the wire long enough for a story to interrupt them.
	fmt.Fprintf(&b, "Host slow\n  IdentityFile %s\n  ProxyCommand slowproxy %%p 262144\n", filepath.Join(sshDir, "bots"))
	fmt.Fprintf(&b, "Host *\n  HostName 127.0.0.1\n  Port %s\n  User git\n  IdentitiesOnly yes\n"+
		"  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n  LogLevel ERROR\n  BatchMode yes\n", port)
	return b.String()
}

// gitdProc is a story's running gitd, kept so that the `gitd` command can
// kill and start it again.
type gitdProc struct {
	cmd  *exec.Cmd
	done chan struct{}
	logf *os.File
}

const (
	gitdKey    = "gitd"
	gitdEnvKey = "gitd-env"
)

// startGitd runs gitd for the script and stops it (SIGTERM, then the
// graceful shutdown) when the script ends.
func startGitd(env *testscript.Env, port, adminKey string) error {
	logf, err := os.Create(filepath.Join(env.WorkDir, "gitd.log"))
	if err != nil {
		return err
	}
	p := &gitdProc{logf: logf}
	env.Values[gitdKey] = p
	env.Defer(func() {
		p.stop(syscall.SIGTERM)
		logf.Close()
	})
	environ := gitdEnv(env)
	env.Values[gitdEnvKey] = environ
	return p.start(env.WorkDir, port, adminKey, environ)
}

func (p *gitdProc) start(work, port, adminKey string, environ []string) error {
	// A story's gitd.env may have it listen on every address, as gitd's
	// default does (STORY_LISTEN_ALL=1), to show what bots can reach.
	host := "127.0.0.1"
	if slices.Contains(environ, "STORY_LISTEN_ALL=1") {
		host = "0.0.0.0"
	}
	cmd := exec.Command(filepath.Join(binDir, "gitd"), "--data", filepath.Join(work, "data"),
		"--listen", host+":"+port, "--admin-key", adminKey)
	cmd.Env = environ
	cmd.Stdout, cmd.Stderr = p.logf, p.logf
	if err := cmd.Start(); err != nil {
		return err
	}
	p.cmd, p.done = cmd, make(chan struct{})
	go func() { _ = cmd.Wait(); close(p.done) }()
	return waitListening("127.0.0.1:" + port)
}

// stop sends sig and waits (20 s at most, then SIGKILL).
func (p *gitdProc) stop(sig syscall.Signal) {
	if p.cmd == nil {
		return
	}
	_ = p.cmd.Process.Signal(sig)
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
	p.cmd = nil
}

// gitdEnv is gitd's environment: a clean one, plus the KEY=VALUE lines of
// the script's own gitd.env file, if it has one (e.g. a small
// GITD_MAX_PUSH_SIZE for the size-limit story). Stories about git alone
// run gitd with GITD_RUNTIME=none; deploy stories set GITD_RUNTIME=docker
// in their gitd.env (later lines win).
func gitdEnv(env *testscript.Env) []string {
	// Tests never reach the real Bot API: without the fake, gitd's token
	// checks meet a closed port and store tokens unchecked.
	out := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + env.WorkDir, "GITD_RUNTIME=none",
		"GITD_TELEGRAM_API=http://127.0.0.1:9"}
	if h := os.Getenv("DOCKER_HOST"); h != "" {
		out = append(out, "DOCKER_HOST="+h)
	}
	swarm := wantsSwarm(env)
	if wantsDocker(env) && deploys.ready {
		out = append(out, deployEnv(env)...)
		if swarm {
			out = swarmEnv(out)
		}
	}
	b, err := os.ReadFile(filepath.Join(env.WorkDir, "gitd.env"))
	if err != nil {
		return out
	}
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	if swarm && !swarms.ready {
		// No swarm here: gitd runs no bots and the story skips ([!swarm]).
		out = append(out, "GITD_SCHEDULER=docker", "GITD_RUNTIME=none")
	}
	return out
}

// waitListening waits for gitd to serve: after its start-up reconcile, which
// builds a current release's image again when the engine lacks it (restore).
func waitListening(addr string) error {
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		if c, err := net.Dial("tcp", addr); err == nil {
			return c.Close()
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("gitd did not listen on %s", addr)
}

func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return fmt.Sprint(l.Addr().(*net.TCPAddr).Port), nil
}

func writeKeyPair(path string) error {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	block, err := gossh.MarshalPrivateKey(priv, filepath.Base(path))
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		return err
	}
	sshPub, err := gossh.NewPublicKey(pub)
	if err != nil {
		return err
	}
	line := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(sshPub))) + " " + filepath.Base(path) + "@test\n"
	return os.WriteFile(path+".pub", []byte(line), 0o644)
}
