package secrets

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
)

// KeySize is the length of a key (and of a key file) in bytes.
const KeySize = 32

// version1 is the first byte of every value sealed by this build:
// version1 || 12-byte random nonce || AES-256-GCM ciphertext and tag.
// A later format gets a new byte, so old values stay readable.
const version1 byte = 1

// Box seals and opens values with one key. It is safe for concurrent use.
type Box struct {
	aead   cipher.AEAD
	macKey []byte
}

// New returns a Box for key, which must be KeySize bytes. The key is not
// used directly: separate keys for sealing and for MAC are derived from it
// (HKDF-SHA256), so a MAC can never help to open a sealed value.
func New(key []byte) (*Box, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("secrets: key is %d bytes, want %d", len(key), KeySize)
	}
	encKey, err := hkdf.Key(sha256.New, key, nil, "botrunner secrets v1 seal", 32)
	if err != nil {
		return nil, fmt.Errorf("secrets: derive key: %w", err)
	}
	macKey, err := hkdf.Key(sha256.New, key, nil, "botrunner secrets v1 mac", 32)
	if err != nil {
		return nil, fmt.Errorf("secrets: derive key: %w", err)
	}
	block, err := aes.NewCipher(encKey)
	if err != nil {
		return nil, fmt.Errorf("secrets: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("secrets: %w", err)
	}
	return &Box{aead: aead, macKey: macKey}, nil
}

// Seal encrypts and authenticates plain. Every call uses a fresh random
// nonce, so sealing the same value twice gives different bytes.
func (b *Box) Seal(plain []byte) ([]byte, error) {
	ns := b.aead.NonceSize()
	out := make([]byte, 1+ns, 1+ns+len(plain)+b.aead.Overhead())
	out[0] = version1
	if _, err := rand.Read(out[1:]); err != nil {
		return nil, fmt.Errorf("secrets: nonce: %w", err)
	}
	// The version byte is authenticated too, so it cannot be changed.
	return b.aead.Seal(out, out[1:], plain, out[:1]), nil
}

// Open returns the plaintext of a value made by Seal with the same key:
// ErrOpen if the key differs or the value was changed, ErrVersion if its
// format is unknown.
func (b *Box) Open(sealed []byte) ([]byte, error) {
	if len(sealed) == 0 {
		return nil, ErrOpen
	}
	if sealed[0] != version1 {
		return nil, fmt.Errorf("%w %d", ErrVersion, sealed[0])
	}
	ns := b.aead.NonceSize()
	if len(sealed) < 1+ns+b.aead.Overhead() {
		return nil, ErrOpen
	}
	plain, err := b.aead.Open(nil, sealed[1:1+ns], sealed[1+ns:], sealed[:1])
	if err != nil {
		return nil, ErrOpen
	}
	return plain, nil
}

// MAC returns HMAC-SHA256 of data under a key derived from the Box's key,
// separated by label. It gives a stable index key for a secret (for example
// "is this bot token used elsewhere?") without storing the secret or a plain
// hash of it that could be checked against guesses offline.
func (b *Box) MAC(label string, data []byte) []byte {
	m := hmac.New(sha256.New, b.macKey)
	m.Write([]byte(label))
	m.Write([]byte{0})
	m.Write(data)
	return m.Sum(nil)
}
