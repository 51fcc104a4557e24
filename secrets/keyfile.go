package secrets

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// LoadOrCreateKey returns a Box for the key in path, creating the file
// (KeySize random bytes, mode 0600, its directory 0700) when there is none.
// It refuses a key file that group or others may read or write
// (INSECURE_KEY_FILE) and one that is not exactly KeySize bytes
// (INVALID_KEY_FILE), rather than use a key that may have leaked or been cut.
func LoadOrCreateKey(path string) (*Box, error) {
	key, err := readKey(path)
	if errors.Is(err, fs.ErrNotExist) {
		key, err = createKey(path)
		if errors.Is(err, fs.ErrExist) {
			// Someone else created it between our read and our create.
			key, err = readKey(path)
		}
	}
	if err != nil {
		return nil, err
	}
	return New(key)
}

func readKey(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, ErrKeyFileInvalid.With(fmt.Sprintf("secret key %s is not a regular file", path), nil)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		e := ErrKeyFileMode.With(fmt.Sprintf("secret key %s has mode %04o; group and others must have no access", path, perm), nil)
		e.Tip = fmt.Sprintf("make it private: chmod 600 %s", path)
		return nil, e
	}
	key, err := io.ReadAll(io.LimitReader(f, KeySize+1))
	if err != nil {
		return nil, fmt.Errorf("secret key %s: %w", path, err)
	}
	if len(key) != KeySize {
		return nil, ErrKeyFileInvalid.With(fmt.Sprintf("secret key %s is not %d bytes", path, KeySize), nil)
	}
	return key, nil
}

// createKey writes a new random key to path. O_EXCL makes two creators
// never overwrite each other's key (the loser gets fs.ErrExist).
func createKey(path string) ([]byte, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create secret key: %w", err)
	}
	_, err = f.Write(key)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
		return nil, fmt.Errorf("create secret key %s: %w", path, err)
	}
	syncDir(dir)
	return key, nil
}

// syncDir makes the new file's directory entry durable: a key lost in a
// crash would make everything sealed after it unreadable. Best effort.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}
