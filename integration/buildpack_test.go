package integration

import (
	"context"
	"os/exec"
	"strings"
	"time"
)

// cleanupCNBVolumes removes the build cache volumes buildpack builds left
// for this run's apps (botrunner-cnb-<app>-<hash>.build/.launch/.kaniko),
// once every story is over.
func cleanupCNBVolumes() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, _ := exec.CommandContext(ctx, "docker", "volume", "ls", "-q", "--filter", "name=botrunner-cnb-").Output()
	storyApps.Lock()
	defer storyApps.Unlock()
	for _, vol := range strings.Fields(string(out)) {
		for _, app := range storyApps.names {
			if strings.HasPrefix(vol, "botrunner-cnb-"+app) {
				_ = exec.CommandContext(ctx, "docker", "volume", "rm", "-f", vol).Run()
				break
			}
		}
	}
}
