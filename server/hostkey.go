package server

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	gossh "golang.org/x/crypto/ssh"
)

// hostKeyKinds are the host keys a server makes in its data dir on first
// start, under OpenSSH's file names. ed25519 first: it was the only one
// before, and clients that know it keep trusting the server. RSA is for
// clients with nothing newer (JSch), ECDSA P-256 for clients that speak
// neither ed25519 nor rsa-sha2.
var hostKeyKinds = []struct {
	file string
	gen  func() (crypto.Signer, error)
}{
	{"ssh_host_ed25519_key", func() (crypto.Signer, error) {
		_, k, err := ed25519.GenerateKey(rand.Reader)
		return k, err
	}},
	{"ssh_host_rsa_key", func() (crypto.Signer, error) { return rsa.GenerateKey(rand.Reader, 3072) }},
	{"ssh_host_ecdsa_key", func() (crypto.Signer, error) { return ecdsa.GenerateKey(elliptic.P256(), rand.Reader) }},
}

// LoadOrCreateHostKeys reads the server's host keys from dir, making each
// one that is missing (0600), so clients' known_hosts stay valid across
// restarts.
func LoadOrCreateHostKeys(dir string) ([]gossh.Signer, error) {
	signers := make([]gossh.Signer, 0, len(hostKeyKinds))
	for _, k := range hostKeyKinds {
		path := filepath.Join(dir, k.file)
		s, err := loadHostKey(path)
		if errors.Is(err, fs.ErrNotExist) {
			s, err = createHostKey(path, k.gen)
		}
		if err != nil {
			return nil, err
		}
		signers = append(signers, s)
	}
	return signers, nil
}

// LoadHostKeys reads the host keys an admin chose (--host-key). Each file
// must exist and hold a private key in a format ssh-keygen writes, and no
// two may be of one type: the server offers one key per type.
func LoadHostKeys(paths []string) ([]gossh.Signer, error) {
	signers := make([]gossh.Signer, 0, len(paths))
	seen := map[string]string{}
	for _, p := range paths {
		s, err := loadHostKey(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, ErrHostKeyMissing.With(fmt.Sprintf("host key %s does not exist", p), err)
		}
		if err != nil {
			return nil, err
		}
		t := s.PublicKey().Type()
		if other, dup := seen[t]; dup {
			return nil, ErrHostKeyDuplicate.With(fmt.Sprintf("host keys %s and %s are both %s", other, p, t), nil)
		}
		seen[t] = p
		signers = append(signers, s)
	}
	return signers, nil
}

func loadHostKey(path string) (gossh.Signer, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if err != nil {
		return nil, ErrHostKeyInvalid.With(fmt.Sprintf("host key %s: %v", path, err), err)
	}
	s, err := gossh.ParsePrivateKey(b)
	if err != nil {
		return nil, ErrHostKeyInvalid.With(fmt.Sprintf("host key %s: %v", path, err), err)
	}
	return hostSigner(s)
}

// hostSigner offers RSA keys with SHA-2 signatures only (rsa-sha2-512,
// rsa-sha2-256): x/crypto would also offer SHA-1 ssh-rsa, which OpenSSH has
// turned off by default since 8.8.
func hostSigner(s gossh.Signer) (gossh.Signer, error) {
	if s.PublicKey().Type() != gossh.KeyAlgoRSA {
		return s, nil
	}
	as, ok := s.(gossh.AlgorithmSigner)
	if !ok {
		return nil, fmt.Errorf("host key: RSA signer cannot choose its algorithm")
	}
	return gossh.NewSignerWithAlgorithms(as, []string{gossh.KeyAlgoRSASHA512, gossh.KeyAlgoRSASHA256})
}

// createHostKey makes a key and stores it at path. The key is written to
// a temporary file and linked into place, so that a reader never sees half
// a key and two gitd starting at once end up with the same one.
func createHostKey(path string, gen func() (crypto.Signer, error)) (gossh.Signer, error) {
	key, err := gen()
	if err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	block, err := gossh.MarshalPrivateKey(key, "gitd host key")
	if err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	if err := writeNew(path, pem.EncodeToMemory(block)); errors.Is(err, fs.ErrExist) {
		return loadHostKey(path) // another gitd made it first
	} else if err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	s, err := gossh.NewSignerFromKey(key)
	if err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	return hostSigner(s)
}

// writeNew writes data to path (0600), which must not exist yet.
func writeNew(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Link(f.Name(), path)
}
