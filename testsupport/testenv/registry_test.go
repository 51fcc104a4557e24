package testenv

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRegistryLogin checks the registry's htpasswd auth over its API: no
// login and a wrong password are refused, the generated login works. It
// needs no engine; pushes and pulls through the engine are tested in
// package build (TestPullFromRegistry).
func TestRegistryLogin(t *testing.T) {
	reg := StartRegistry(t)
	require.Regexp(t, `^127\.0\.0\.1:\d+$`, reg.Addr)
	for _, tc := range []struct {
		name, user, password string
		want                 int
	}{
		{"no login", "", "", http.StatusUnauthorized},
		{"wrong password", reg.User, "wrong", http.StatusUnauthorized},
		{"right login", reg.User, reg.Password, http.StatusOK},
	} {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://"+reg.Addr+"/v2/", nil)
		require.NoError(t, err)
		if tc.user != "" {
			req.SetBasicAuth(tc.user, tc.password)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, tc.want, resp.StatusCode, tc.name)
	}
	reg.Stop()
	_, err := http.Get("http://" + reg.Addr + "/v2/")
	assert.Error(t, err, "stopped")
}
