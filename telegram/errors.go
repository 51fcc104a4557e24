package telegram

import "github.com/botrunner/botrunner/hint"

// Sentinels; errors returned here match them with errors.Is.
var (
	// ErrTokenRefused is Telegram's 401: the token was revoked or never
	// existed.
	ErrTokenRefused = hint.New("TELEGRAM_TOKEN_REFUSED", "Telegram refused this bot token (401 Unauthorized)",
		"the token was revoked or mistyped: copy it again from @BotFather (/mybots → API Token)")
	// ErrUnreachable is a Bot API that did not answer (network, timeout,
	// 5xx, or an answer that is not the Bot API's).
	ErrUnreachable = hint.New("TELEGRAM_UNREACHABLE", "the Telegram Bot API could not be reached",
		"check the server's network or GITD_TELEGRAM_API; nothing was checked")
	// ErrAPI is any other refusal by the Bot API (its description is kept).
	ErrAPI = hint.New("TELEGRAM_API_ERROR", "the Telegram Bot API refused the call",
		"see the description Telegram gave")
)
