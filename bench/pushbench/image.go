package main

// pushbench image: deploy latency of a prebuilt image through gitd's
// deploy:image, against the raw docker sequence a person would type for
// the same result, measured side by side in the same run.
//
// The images: the bot (the same one the deploy benchmark pushes) on a
// flattened copy of the local Python base image, release 1 and release 2
// differing only in their top layer (the code, one line changed). They are
// built once, pushed to a distribution registry on 127.0.0.1 (testenv's,
// with an htpasswd login), and removed from the engine: every pull fetches
// them from the registry.
//
// gitd: `ssh gitd deploy:image APP REF --username U --password-stdin` of
// release 1 to a new app (created untimed), then of release 2. Counted: the
// command's wall time minus the configured start check, as in the deploy
// benchmark.
//
// raw: `docker pull REF` (logged in once, untimed, with `docker login` into
// a config dir of its own), `docker stop` of the previous container
// (release 2 only), `docker run -d` with the create request gitd's runtime
// driver makes (rawdocker.go). Counted: the commands' wall times.
//
// Cold and warm, explicitly: release 1's pull finds none of the image's
// layers on the engine (cold: the flattened base is this run's own, so no
// local image shares it); release 2's finds all but the top layer (warm:
// release 1 is still there, as on a server that runs it). Each side does
// both deploys of a round, then its app is destroyed and its images
// removed, and the benchmark checks that neither image is left before the
// other side starts. Who goes first alternates by round.

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/moby/moby/client"

	"github.com/botrunner/botrunner/runtime/docker"
	"github.com/botrunner/botrunner/testsupport/testenv"
)

// The image deploy kinds, in the order they run for one app.
const (
	kindCold = "first deploy (cold)"
	kindWarm = "redeploy (warm)"
)

var imageKinds = []string{kindCold, kindWarm}

type imageBench struct {
	*deployBench
	sshBase      []string
	reg          *testenv.Registry
	refs         [2]string                    // release 1's and 2's image refs in the registry
	gone         []string                     // IDs of the images that must be off the engine before a cold pull
	dockerConfig string                       // the raw side's docker CLI config dir (its registry login)
	views        map[string]map[string]string // a measured round's release 2 containers, by side
}

func imageMain(args []string) error {
	f, err := parseDeployFlags("image", args)
	if err != nil {
		return err
	}
	cli, err := docker.NewClient()
	if err != nil {
		return err
	}
	defer cli.Close()
	b, err := newImageBench(f, cli)
	if err != nil {
		return err
	}
	if err := b.startRegistry(); err != nil {
		return err
	}
	defer b.reg.Stop()
	fmt.Printf("image benchmark: deploy:image through gitd at %s vs the raw docker sequence; %d warm-up + %d measured rounds\n",
		f.gitdAddr, f.warmup, f.runs)
	if err := b.prepareImages(f.base, f.prefix); err != nil {
		return err
	}
	fmt.Printf("registry %s (distribution/v3 from testenv, htpasswd login), bot network %s, start check %s (gitd counts: wall − %s), stop grace %s\n",
		b.reg.Addr, f.netw, f.check, f.check, f.grace)
	fmt.Println()
	return b.rounds(f.prefix, f.warmup, f.runs)
}

func newImageBench(f deployFlags, cli *client.Client) (*imageBench, error) {
	d, err := newDeployBench(f, cli)
	if err != nil {
		return nil, err
	}
	b := &imageBench{deployBench: d, sshBase: sshClient(f.key), views: map[string]map[string]string{},
		dockerConfig: filepath.Join(f.work, "docker-config")}
	if err := mkdirs(f.work, "image", "registry", "docker-config"); err != nil {
		return nil, err
	}
	return b, nil
}

// startRegistry runs the registry (a child process) and stops it on
// SIGINT/SIGTERM too, so that an interrupted run leaves no registry behind.
func (b *imageBench) startRegistry() error {
	reg, err := testenv.RunRegistry(context.Background(), filepath.Join(b.work, "registry"))
	if err != nil {
		return fmt.Errorf("image: registry: %w", err)
	}
	b.reg = reg
	onInterrupt(reg.Stop)
	return nil
}
