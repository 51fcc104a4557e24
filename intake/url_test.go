package intake

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseURL(t *testing.T) {
	allow := []string{"git.example.com", "127.0.0.1:9418", "Code.Example.org:8443", "[::1]:8080"}
	tests := []struct {
		url     string
		allow   []string
		wantErr error
		wantMsg string
	}{
		{"https://git.example.com/o/r.git", allow, nil, ""},
		{"http://git.example.com:8080/o/r", allow, nil, ""}, // a bare host allows any port
		{"HTTPS://GIT.example.com/o/r", allow, nil, ""},
		{"git://127.0.0.1:9418/r", allow, nil, ""},
		{"git://127.0.0.1/r", allow, nil, ""}, // git's default port is 9418
		{"https://code.example.org:8443/r", allow, nil, ""},
		{"http://[::1]:8080/r", allow, nil, ""},
		{"https://code.example.org/r", allow, ErrHostNotAllowed, `"code.example.org" is not allowed`},
		{"git://127.0.0.1:9419/r", allow, ErrHostNotAllowed, `"127.0.0.1:9419" is not allowed`},
		{"http://127.0.0.1/r", allow, ErrHostNotAllowed, "not allowed"},
		{"https://evil.example.com/r", allow, ErrHostNotAllowed, "not allowed"},
		{"https://git.example.com.evil.net/r", allow, ErrHostNotAllowed, "not allowed"},
		{"https://git.example.com/r", nil, ErrHostNotAllowed, "no Git host is allowed"},
		{"https://git.example.com/r", []string{""}, ErrHostNotAllowed, "not allowed"},
		{"file:///etc", allow, ErrBadURL, "file:// URLs"},
		{"FILE:///etc/passwd", allow, ErrBadURL, "file:// URLs"},
		{"/etc", allow, ErrBadURL, "local paths"},
		{"./repo", allow, ErrBadURL, "local paths"},
		{"../repo", allow, ErrBadURL, "local paths"},
		{"ssh://git@git.example.com/o/r", allow, ErrBadURL, "holds no SSH keys"},
		{"git+ssh://git.example.com/o/r", allow, ErrBadURL, "holds no SSH keys"},
		{"git@git.example.com:o/r.git", allow, ErrBadURL, "holds no SSH keys"},
		{"https://user:secret@git.example.com/r", allow, ErrBadURL, "user name or password"},
		{"https://token@git.example.com/r", allow, ErrBadURL, "user name or password"},
		{"ftp://git.example.com/r", allow, ErrBadURL, `"ftp://" URLs`},
		{"ext::sh -c touch% /tmp/x", allow, ErrBadURL, `"ext://" URLs`},
		{"https:///r", allow, ErrBadURL, "no host"},
		{"", allow, ErrBadURL, "not a Git URL"},
		{"--upload-pack=touch /tmp/x", allow, ErrBadURL, "not a Git URL"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			u, err := ParseURL(tt.url, tt.allow)
			if tt.wantErr == nil {
				require.NoError(t, err)
				assert.NotNil(t, u)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
			assert.Contains(t, err.Error(), tt.wantMsg)
			assert.NotContains(t, err.Error(), "secret")
		})
	}
}

func TestCheckRef(t *testing.T) {
	for _, ref := range []string{"", "main", "v1.2.0", "feature/x", "refs/tags/v1"} {
		assert.NoError(t, checkRef(ref), ref)
	}
	for _, ref := range []string{"-n", "a..b", "a b", "x:y", "x~1", "x^", "x/", "x.lock", "a\x00b"} {
		assert.ErrorIs(t, checkRef(ref), ErrBadRef, ref)
	}
}
