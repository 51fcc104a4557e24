package cli

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5"
)

// defaultRemote is the remote botctl reads when --remote is not given; it is
// the name the docs tell users to push to (`git push bots main`).
const defaultRemote = "bots"

// remoteURL returns the first URL of remote name in the git repository that
// contains dir (walking up to the .git, as git does). go-git applies the
// repo's url.*.insteadOf rules; global ~/.gitconfig rules are not read.
func remoteURL(dir, name string) (string, error) {
	repo, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{
		DetectDotGit:          true,
		EnableDotGitCommonDir: true, // worktrees keep remotes in the common dir
	})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		return "", ErrNoRepo
	}
	if err != nil {
		return "", fmt.Errorf("open git repository: %w", err)
	}
	rem, err := repo.Remote(name)
	if errors.Is(err, git.ErrRemoteNotFound) {
		msg := fmt.Sprintf("no git remote named %q (remotes: %s)", name, remoteNames(repo))
		return "", ErrRemoteNotFound.With(msg, err)
	}
	if err != nil {
		return "", fmt.Errorf("read remote %q: %w", name, err)
	}
	urls := rem.Config().URLs
	if len(urls) == 0 {
		return "", ErrRemoteNotFound.With(fmt.Sprintf("git remote %q has no URL", name), nil)
	}
	return urls[0], nil
}

// remoteNames lists the repo's remotes for the "not found" message, so a
// user who named theirs "origin" sees it at once.
func remoteNames(repo *git.Repository) string {
	rems, err := repo.Remotes()
	if err != nil || len(rems) == 0 {
		return "none"
	}
	names := make([]string, len(rems))
	for i, r := range rems {
		names[i] = r.Config().Name
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// resolveTarget finds the server (and maybe the app) from --remote, which is
// a URL or a remote name, defaulting to the "bots" remote.
func resolveTarget(dir, remote string) (Target, error) {
	if remote == "" {
		remote = defaultRemote
	}
	raw := remote
	if !looksLikeURL(remote) {
		u, err := remoteURL(dir, remote)
		if err != nil {
			return Target{}, err
		}
		raw = u
	}
	t, err := ParseURL(raw)
	if err != nil && raw != remote {
		return Target{}, fmt.Errorf("git remote %q: %w", remote, err)
	}
	return t, err
}
