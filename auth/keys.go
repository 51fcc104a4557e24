package auth

import (
	"bytes"
	"crypto/rsa"
	"fmt"
	"strings"
	"unicode"

	gossh "golang.org/x/crypto/ssh"

	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/names"
	"github.com/botrunner/botrunner/store"
)

// MaxKeyLine bounds the input ParseAuthorizedKey reads; the largest real
// public keys (RSA 16384) are about 2.8 KiB.
const MaxKeyLine = 16 << 10

// minRSABits is the smallest RSA key accepted; shorter ones are breakable.
const minRSABits = 2048

// allowedTypes are the key types a user may register. DSA is gone from
// OpenSSH; certificates would need a CA policy we do not have.
var allowedTypes = map[string]bool{
	gossh.KeyAlgoED25519:    true,
	gossh.KeyAlgoSKED25519:  true,
	gossh.KeyAlgoECDSA256:   true,
	gossh.KeyAlgoECDSA384:   true,
	gossh.KeyAlgoECDSA521:   true,
	gossh.KeyAlgoSKECDSA256: true,
	gossh.KeyAlgoRSA:        true,
}

// ParseAuthorizedKey parses one public key in authorized_keys form, "type
// base64 [comment]", ignoring surrounding whitespace. It refuses empty or
// oversized input, private keys, several keys, options prefixes (such as
// command=, which would mean nothing here), certificates, weak key types and
// control characters, each with an INVALID_KEY hint error.
func ParseAuthorizedKey(line []byte) (gossh.PublicKey, string, error) {
	if len(line) > MaxKeyLine {
		return nil, "", invalidKey(fmt.Sprintf("key too long (over %d KiB)", MaxKeyLine>>10), "")
	}
	line = bytes.TrimSpace(line)
	if err := checkKeyText(line); err != nil {
		return nil, "", err
	}
	pk, comment, options, rest, err := gossh.ParseAuthorizedKey(line)
	if err != nil {
		return nil, "", ErrInvalidKey.With("not an SSH public key", err)
	}
	if len(options) > 0 {
		return nil, "", invalidKey("key options are not supported",
			"send the key without options, as `type base64 [comment]`")
	}
	if len(bytes.TrimSpace(rest)) > 0 {
		return nil, "", invalidKey("more than one key given", "add one key at a time")
	}
	if err := checkKeyType(pk); err != nil {
		return nil, "", err
	}
	return pk, comment, nil
}

// checkKeyText rejects, before parsing, input that is plainly not one
// public key, so the user gets a precise hint instead of "no key found".
func checkKeyText(line []byte) error {
	s := string(line)
	switch {
	case len(line) == 0:
		return invalidKey("no key given", "")
	case strings.Contains(s, "PRIVATE KEY") || strings.HasPrefix(s, "PuTTY-User-Key-File"):
		return invalidKey("refusing a private key", "that is a private key; send the .pub file (and keep the private one to yourself)")
	case strings.HasPrefix(s, "---- BEGIN SSH2 PUBLIC KEY"):
		return invalidKey("key is in RFC 4716 (PuTTY/SSH2) format",
			"convert it with `ssh-keygen -i -f key.pub` and send the result")
	case strings.ContainsAny(s, "\r\n"):
		return invalidKey("more than one line given", "add one key at a time, on one line")
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\t' {
			return invalidKey("key contains control characters", "")
		}
	}
	return nil
}

// checkKeyType accepts only the types in allowedTypes and RSA keys of at
// least minRSABits.
func checkKeyType(pk gossh.PublicKey) error {
	if _, ok := pk.(*gossh.Certificate); ok {
		return invalidKey("SSH certificates are not supported", "send the plain public key instead")
	}
	if !allowedTypes[pk.Type()] {
		return invalidKey(fmt.Sprintf("key type %s is not accepted", names.Quote(pk.Type())),
			"use an ed25519 key: `ssh-keygen -t ed25519`")
	}
	if pk.Type() != gossh.KeyAlgoRSA {
		return nil
	}
	ck, ok := pk.(gossh.CryptoPublicKey)
	if !ok {
		return invalidKey("unreadable RSA key", "")
	}
	if rk, ok := ck.CryptoPublicKey().(*rsa.PublicKey); !ok || rk.N.BitLen() < minRSABits {
		return invalidKey(fmt.Sprintf("RSA keys must have at least %d bits", minRSABits),
			"use an ed25519 key: `ssh-keygen -t ed25519`")
	}
	return nil
}

func invalidKey(msg, tip string) error {
	if tip == "" {
		tip = ErrInvalidKey.Tip
	}
	return &hint.Error{Code: ErrInvalidKey.Code, Msg: msg, Tip: tip}
}

// Fingerprint returns the key's SHA256 fingerprint, the form the store uses.
func Fingerprint(pk gossh.PublicKey) string { return gossh.FingerprintSHA256(pk) }

// NewKey returns the store record for pk: fingerprint, authorized_keys line
// and comment filled in. The caller sets User (login key) or App (deploy key).
func NewKey(pk gossh.PublicKey, comment string) store.Key {
	line := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(pk)))
	if comment != "" {
		line += " " + comment
	}
	return store.Key{Fingerprint: Fingerprint(pk), AuthorizedKey: line, Comment: comment}
}
