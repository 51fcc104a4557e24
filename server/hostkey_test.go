package server

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	gossh "golang.org/x/crypto/ssh"

	"github.com/botrunner/botrunner/testsupport/testenv/ci"
)

// TestHostKeyAlgorithms: the real OpenSSH client, allowed one host key
// algorithm at a time, gets in with each of ed25519, ECDSA P-256 and RSA
// with SHA-2 signatures; SHA-1 ssh-rsa is not offered.
func TestHostKeyAlgorithms(t *testing.T) {
	h := newHarness(t, withHostKeys(t.TempDir()))
	for _, algo := range []string{"ssh-ed25519", "ecdsa-sha2-nistp256", "rsa-sha2-512", "rsa-sha2-256"} {
		r := h.sshCmd(h.admin, "", "whoami", "-o", "HostKeyAlgorithms="+algo)
		assert.Zero(t, r.code, "%s: %s", algo, r)
	}
	r := h.sshCmd(h.admin, "", "whoami", "-o", "HostKeyAlgorithms=ssh-rsa")
	assert.Equal(t, 255, r.code, "ssh-rsa (SHA-1) was accepted: %s", r)
}

// TestHostKeysKept: the keys are made once, 0600, under OpenSSH's names,
// and read back unchanged on the next start; an ed25519 key from before
// (the only key gitd used to make) is kept as it is.
func TestHostKeysKept(t *testing.T) {
	dir := t.TempDir()
	old, err := createHostKey(filepath.Join(dir, "ssh_host_ed25519_key"), hostKeyKinds[0].gen)
	require.NoError(t, err)

	first, err := LoadOrCreateHostKeys(dir)
	require.NoError(t, err)
	second, err := LoadOrCreateHostKeys(dir)
	require.NoError(t, err)
	require.Len(t, first, 3)
	assert.Equal(t, old.PublicKey().Marshal(), first[0].PublicKey().Marshal(), "the existing ed25519 key was replaced")
	for i, k := range first {
		assert.Equal(t, k.PublicKey().Marshal(), second[i].PublicKey().Marshal(), "%s changed", k.PublicKey().Type())
	}
	types := []string{}
	for _, k := range first {
		types = append(types, k.PublicKey().Type())
	}
	assert.Equal(t, []string{"ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256"}, types)
	for _, name := range []string{"ssh_host_ed25519_key", "ssh_host_rsa_key", "ssh_host_ecdsa_key"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), name)
	}
	left, err := filepath.Glob(filepath.Join(dir, ".tmp-*"))
	require.NoError(t, err)
	assert.Empty(t, left, "temporary key files left behind")
}

// TestLoadHostKeys: the keys an admin names are used as they are; a
// missing, unreadable or duplicate key stops the start with its own error.
func TestLoadHostKeys(t *testing.T) {
	dir := t.TempDir()
	all, err := LoadOrCreateHostKeys(dir)
	require.NoError(t, err)
	path := func(name string) string { return filepath.Join(dir, name) }
	garbage := path("garbage")
	require.NoError(t, os.WriteFile(garbage, []byte("not a key\n"), 0o600))
	otherECDSA := path("other_ecdsa")
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	block, err := gossh.MarshalPrivateKey(k, "")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(otherECDSA, pem.EncodeToMemory(block), 0o600))

	keys, err := LoadHostKeys([]string{path("ssh_host_ecdsa_key"), path("ssh_host_rsa_key")})
	require.NoError(t, err)
	require.Len(t, keys, 2)
	assert.True(t, bytes.Equal(all[2].PublicKey().Marshal(), keys[0].PublicKey().Marshal()))
	assert.True(t, bytes.Equal(all[1].PublicKey().Marshal(), keys[1].PublicKey().Marshal()))

	for _, tc := range []struct {
		name  string
		paths []string
		want  error
	}{
		{"missing", []string{path("ssh_host_ed25519_key"), path("nope")}, ErrHostKeyMissing},
		{"not a key", []string{garbage}, ErrHostKeyInvalid},
		{"a directory", []string{dir}, ErrHostKeyInvalid},
		{"two of a type", []string{path("ssh_host_ecdsa_key"), otherECDSA}, ErrHostKeyDuplicate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadHostKeys(tc.paths)
			assert.ErrorIs(t, err, tc.want)
		})
	}
	_, err = os.Stat(path("nope"))
	assert.True(t, os.IsNotExist(err), "a missing --host-key file was created")
}

// jschJar is Debian's libjsch-java (0.1.55 on bookworm): a JSch without
// ed25519 and rsa-sha2, as many Java tools still ship it.
const jschJar = "/usr/share/java/jsch.jar"

// TestJSchClientConnects: a real JSch client, which knows neither ed25519
// nor rsa-sha2, logs in (with an ECDSA user key, the best it has) through
// the ECDSA host key. With only an ed25519 host key it failed with
// "Algorithm negotiation fail".
func TestJSchClientConnects(t *testing.T) {
	ci.NeedTools(t, "java")
	if _, err := os.Stat(jschJar); err != nil {
		ci.Missing(t, "JSch (Debian libjsch-java): "+err.Error())
	}
	h := newHarness(t, withHostKeys(t.TempDir()))
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	der, err := x509.MarshalECPrivateKey(key)
	require.NoError(t, err)
	keyFile := filepath.Join(h.home, "id_jsch")
	require.NoError(t, os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), 0o600))
	pub, err := gossh.NewPublicKey(&key.PublicKey)
	require.NoError(t, err)
	r := h.sshCmd(h.admin, string(gossh.MarshalAuthorizedKey(pub)), "keys:add")
	require.Zero(t, r.code, r.String())

	probe, err := filepath.Abs(filepath.Join("testdata", "JschProbe.java"))
	require.NoError(t, err)
	r = h.run(h.command(h.admin, "", "java", "-cp", jschJar, probe, h.port, "whoami --json", keyFile), "")
	require.Zero(t, r.code, r.String())
	hostKey, rest, _ := strings.Cut(strings.TrimSpace(r.stdout), "\n")
	out, status, _ := strings.Cut(rest, "\nexit ")
	assert.Equal(t, "hostkey ecdsa-sha2-nistp256", hostKey)
	assert.Equal(t, "0", status, r.String())
	var who struct{ Fingerprint string }
	require.NoError(t, json.Unmarshal([]byte(out), &who), r.String())
	assert.Equal(t, gossh.FingerprintSHA256(pub), who.Fingerprint)
}
