package auth

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	gossh "golang.org/x/crypto/ssh"

	"github.com/botrunner/botrunner/hint"
)

func authorizedLine(t *testing.T, pub any) string {
	t.Helper()
	pk, err := gossh.NewPublicKey(pub)
	require.NoError(t, err)
	return strings.TrimSpace(string(gossh.MarshalAuthorizedKey(pk)))
}

func TestParseAuthorizedKey(t *testing.T) {
	pk, line := testKey(t, "")
	_, line2 := testKey(t, "")
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	privPEM, err := gossh.MarshalPrivateKey(priv, "")
	require.NoError(t, err)
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	rsa1024, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	rsa2048, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)

	tests := []struct {
		name    string
		in      string
		comment string
		code    string
		tip     string // substring of the hint, if set
	}{
		{"plain", line, "", "", ""},
		{"comment", line + " me@laptop", "me@laptop", "", ""},
		{"comment with spaces", line + " my old laptop", "my old laptop", "", ""},
		{"surrounding whitespace", "\n  " + line + " me\r\n\n", "me", "", ""},
		{"ecdsa", authorizedLine(t, &ec.PublicKey), "", "", ""},
		{"rsa 2048", authorizedLine(t, &rsa2048.PublicKey), "", "", ""},
		{"rsa 1024", authorizedLine(t, &rsa1024.PublicKey), "", "INVALID_KEY", "ed25519"},
		{"empty", "", "", "INVALID_KEY", ""},
		{"blank", " \n\t ", "", "INVALID_KEY", ""},
		{"private key", string(pem.EncodeToMemory(privPEM)), "", "INVALID_KEY", "that is a private key; send the .pub file"},
		{"putty private key", "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none", "", "INVALID_KEY", "private key"},
		{"rfc4716", "---- BEGIN SSH2 PUBLIC KEY ----\nAAAA\n---- END SSH2 PUBLIC KEY ----", "", "INVALID_KEY", "ssh-keygen -i"},
		{"two keys", line + "\n" + line2, "", "INVALID_KEY", "one key at a time"},
		{"options prefix", `command="/bin/sh" ` + line, "", "INVALID_KEY", "without options"},
		{"garbage", "hello world", "", "INVALID_KEY", ""},
		{"truncated base64", line[:40], "", "INVALID_KEY", ""},
		{"control chars", line + " evil\x1b[2J", "", "INVALID_KEY", ""},
		{"too long", line + " " + strings.Repeat("x", MaxKeyLine), "", "INVALID_KEY", ""},
		{"comment only", "# my key", "", "INVALID_KEY", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, comment, err := ParseAuthorizedKey([]byte(tt.in))
			if tt.code != "" {
				require.Error(t, err)
				assert.Nil(t, got)
				assert.Equal(t, tt.code, hint.CodeOf(err), "%v", err)
				assert.Contains(t, hint.TipOf(err), tt.tip)
				assert.Less(t, len(err.Error()), 200, "errors must not echo the input")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.comment, comment)
		})
	}
	got, _, err := ParseAuthorizedKey([]byte(line))
	require.NoError(t, err)
	assert.Equal(t, Fingerprint(pk), Fingerprint(got))
}

func TestParseRejectsCertificates(t *testing.T) {
	pk, _ := testKey(t, "")
	_, caPriv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	ca, err := gossh.NewSignerFromKey(caPriv)
	require.NoError(t, err)
	cert := &gossh.Certificate{Key: pk, CertType: gossh.UserCert, ValidPrincipals: []string{"me"}, ValidBefore: gossh.CertTimeInfinity}
	require.NoError(t, cert.SignCert(rand.Reader, ca))
	_, _, err = ParseAuthorizedKey(gossh.MarshalAuthorizedKey(cert))
	assert.Equal(t, "INVALID_KEY", hint.CodeOf(err))
	assert.Contains(t, err.Error(), "certificates")
}

func TestNewKey(t *testing.T) {
	pk, line := testKey(t, "")
	k := NewKey(pk, "me@laptop")
	assert.Equal(t, gossh.FingerprintSHA256(pk), k.Fingerprint)
	assert.True(t, strings.HasPrefix(k.Fingerprint, "SHA256:"))
	assert.Equal(t, line+" me@laptop", k.AuthorizedKey)
	assert.Equal(t, "me@laptop", k.Comment)
	assert.Equal(t, line, NewKey(pk, "").AuthorizedKey)

	back, comment, err := ParseAuthorizedKey([]byte(k.AuthorizedKey))
	require.NoError(t, err, "the stored line must parse again")
	assert.Equal(t, "me@laptop", comment)
	assert.Equal(t, k.Fingerprint, Fingerprint(back))
}
