package cli

import (
	"github.com/alecthomas/kong"
	"github.com/willabides/kongplete"
)

// CLI is botctl's grammar: the global flags and one field per command. Each
// command's type and Run method live in their own cmd_*.go file; adding a
// server command is that file plus one line here.
type CLI struct {
	Remote  string           `help:"Server as a git remote name or an ssh URL (default: the \"bots\" remote of this repo)." placeholder:"NAME|URL" env:"BOTCTL_REMOTE"`
	JSON    bool             `name:"json" help:"Ask the server for JSON output."`
	Debug   bool             `help:"Log the ssh command botctl runs to stderr."`
	Version kong.VersionFlag `help:"Print botctl's version and exit."`

	Help    HelpCmd    `cmd:"" group:"Server" help:"Show the server's command help (botctl's own: --help)."`
	Ver     VersionCmd `cmd:"" name:"version" group:"Server" help:"Show the server's version (botctl's own: --version)."`
	Whoami  WhoamiCmd  `cmd:"" group:"Server" help:"Show who the server thinks you are."`
	Run     RunCmd     `cmd:"" group:"Server" help:"Run any server command: botctl run -- CMD ARGS..."`
	Apps    AppsCmd    `cmd:"" aliases:"list" group:"Apps" help:"List the apps you can use."`
	Create  CreateCmd  `cmd:"" name:"apps:create" group:"Apps" help:"Create an app."`
	Info    InfoCmd    `cmd:"" name:"apps:info" group:"Apps" help:"Show an app."`
	Destroy DestroyCmd `cmd:"" name:"apps:destroy" group:"Apps" help:"Destroy an app, its repo and its bot (needs --confirm APP)."`

	Status      StatusCmd      `cmd:"" aliases:"ps" group:"Bots" help:"Show whether the app's bot runs: state, release, since when, image, limits."`
	Settings    SettingsCmd    `cmd:"" group:"Bots" help:"Show the app's deploy settings."`
	SettingsSet SettingsSetCmd `cmd:"" name:"settings:set" group:"Bots" help:"Change deploy settings (deploy-branch, tag-deploys, entrypoint, start-check, builder)."`
	BuilderSet  BuilderSetCmd  `cmd:"" name:"builder:set" group:"Bots" help:"Force a build strategy, or auto to detect it."`
	Logs        LogsCmd        `cmd:"" group:"Bots" help:"Show the app's log (-f to follow) or a build log (--build)."`
	Start       StartCmd       `cmd:"" group:"Bots" help:"Start the app's bot again; with --simple FILE..., --custom DIR or --image REF, deploy without git."`
	Stop        StopCmd        `cmd:"" group:"Bots" help:"Stop the app's bot (no crash restarts until start or a deploy)."`
	Restart     RestartCmd     `cmd:"" group:"Bots" help:"Restart the app's bot (config stored with --no-restart applies as a new release)."`
	Rebuild     RebuildCmd     `cmd:"" group:"Bots" help:"Build the current commit again and deploy it as a new release."`
	Releases    ReleasesCmd    `cmd:"" group:"Bots" help:"List the app's releases."`
	Rollback    RollbackCmd    `cmd:"" group:"Bots" help:"Release an earlier release's image and config again (default: the previous one; --code-only keeps the config)."`
	DeployImage DeployImageCmd `cmd:"" name:"deploy:image" group:"Bots" help:"Deploy a prebuilt image from a registry (--username U --password-stdin to log in)."`

	DeployArchive DeployArchiveCmd `cmd:"" name:"deploy:archive" group:"Bots" help:"Deploy a tar.gz (FILE, or stdin): committed to the deploy branch, then deployed like a push."`
	DeployGit     DeployGitCmd     `cmd:"" name:"deploy:git" group:"Bots" help:"Deploy a branch or tag fetched by the server from a Git URL its admin allowed."`

	Config      ConfigCmd      `cmd:"" group:"Config" help:"List the app's config vars (values masked)."`
	ConfigGet   ConfigGetCmd   `cmd:"" name:"config:get" group:"Config" help:"Show one config var (masked unless --reveal)."`
	ConfigSet   ConfigSetCmd   `cmd:"" name:"config:set" group:"Config" help:"Set config vars; the bot restarts with them as a new release."`
	ConfigUnset ConfigUnsetCmd `cmd:"" name:"config:unset" group:"Config" help:"Remove config vars; the bot restarts without them."`

	WebhookDelete WebhookDeleteCmd `cmd:"" name:"telegram:webhook-delete" group:"Telegram" help:"Delete the bot's Telegram webhook so that polling works again."`
	Notify        NotifyCmd        `cmd:"" group:"Telegram" help:"Show where the app's notices (deploys, crashes, conflicts) go."`
	NotifySet     NotifySetCmd     `cmd:"" name:"notify:set" group:"Telegram" help:"Send notices to telegram=CHAT_ID (with the app's own bot) and/or webhook=https://…"`
	NotifyTest    NotifyTestCmd    `cmd:"" name:"notify:test" group:"Telegram" help:"Send a test notice now."`

	AccessAdd    AccessAddCmd       `cmd:"" name:"access:add" group:"Access" help:"Let a user push to an app."`
	AccessRemove AccessRemoveCmd    `cmd:"" name:"access:remove" group:"Access" help:"Take a user's access to an app away."`
	DeployKeys   DeployKeysCmd      `cmd:"" name:"deploy-keys" group:"Access" help:"List an app's deploy keys."`
	DeployKeyAdd DeployKeyAddCmd    `cmd:"" name:"deploy-keys:add" group:"Access" help:"Add a deploy key (deploys this one app only)."`
	DeployKeyRm  DeployKeyRemoveCmd `cmd:"" name:"deploy-keys:remove" group:"Access" help:"Remove one of an app's deploy keys."`

	Keys      KeysCmd      `cmd:"" group:"Keys" help:"List your SSH keys."`
	KeyAdd    KeyAddCmd    `cmd:"" name:"keys:add" group:"Keys" help:"Add an SSH key to your account."`
	KeyRemove KeyRemoveCmd `cmd:"" name:"keys:remove" group:"Keys" help:"Remove one of your SSH keys."`

	Users      UsersCmd      `cmd:"" group:"Admin" help:"List users (admins only)."`
	UserAdd    UserAddCmd    `cmd:"" name:"users:add" group:"Admin" help:"Add a user with their SSH key (admins only)."`
	UserRemove UserRemoveCmd `cmd:"" name:"users:remove" group:"Admin" help:"Remove a user and their keys (admins only)."`
	Audit      AuditCmd      `cmd:"" group:"Admin" help:"Who did what, from where (admins: all; owners: their apps')."`

	InstallCompletions kongplete.InstallCompletions `cmd:"" group:"Local" help:"Print the line that enables tab completion; add it to your shell's rc file."`
}

// description is the top of `botctl --help`.
const description = `botctl drives a botrunner server over ssh, the way git push does.

The server and the app come from the git remote "bots" of the repo you are in
(e.g. ssh://git@HOST:2222/my-bot); --remote (before the command) and
--app/-a APP (after it: botctl status -a my-bot) override them.
ssh is $BOTCTL_SSH, else $GIT_SSH_COMMAND, else ssh, with ~/.ssh/config.`
