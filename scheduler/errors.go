package scheduler

import "github.com/botrunner/botrunner/hint"

// Sentinels. Schedulers translate their engine's errors into these (or
// wrap them), so the deploy engine matches them with errors.Is whatever the
// scheduler.
var (
	// ErrStartCheck is a release that did not stay up (a *StartError).
	ErrStartCheck = hint.New("BOT_EXITED_IN_START_CHECK", "the bot exited during its start check",
		"its last log lines are above; fix it and push again")
	// ErrNotFound is an app or run the scheduler does not have.
	ErrNotFound = hint.New("BOT_NOT_FOUND", "the app's bot is not on the scheduler",
		"run `status <app>` to see what runs now; push to deploy it")
	// ErrCancelled is a deploy cut short by its context (the pusher left);
	// the previous run runs again.
	ErrCancelled = hint.New("DEPLOY_CANCELLED", "deploy cancelled: the push was interrupted",
		"push again; the previous release keeps running")
	// ErrEngine is a failure of the engine or orchestrator underneath.
	ErrEngine = hint.New("SCHEDULER_ENGINE", "the bots' engine failed",
		"the previous release keeps running; try again, or ask the admin to check gitd's log")
	// ErrPreviousFollow is Logs asked to follow the previous run, which
	// has ended.
	ErrPreviousFollow = hint.New("LOGS_PREVIOUS_FOLLOW", "the previous run has ended: it cannot be followed",
		"drop -f to read the previous run's output, or drop --previous to follow the current run")
	// ErrUnknown is a GITD_SCHEDULER this gitd does not have.
	ErrUnknown = hint.New("UNKNOWN_SCHEDULER", "unknown scheduler",
		"set GITD_SCHEDULER to docker (one engine) or swarm (a Docker Swarm)")
)
