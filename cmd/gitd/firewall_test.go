package main

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/botrunner/botrunner/hint"
)

// TestFirewallRemoveRefusals: `gitd firewall` wants `remove`, and a data
// dir no gitd ran with has no firewall to remove (the chains are named
// after the instance id kept there).
func TestFirewallRemoveRefusals(t *testing.T) {
	assert.Equal(t, errFirewallUsage.Code, hint.CodeOf(runFirewall(nil)))
	assert.Equal(t, errFirewallUsage.Code, hint.CodeOf(runFirewall([]string{"delete"})))
	assert.Equal(t, ErrNoInstance.Code, hint.CodeOf(runFirewall([]string{"remove", "--data", t.TempDir()})))
}
