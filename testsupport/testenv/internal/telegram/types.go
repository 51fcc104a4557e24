package telegram

// The Bot API objects the fake produces, with the fields bot frameworks
// (python-telegram-bot, aiogram, pyTelegramBotAPI) need to parse them.

// User is a Telegram user or bot.
type User struct {
	ID        int64  `json:"id"`
	IsBot     bool   `json:"is_bot"`
	FirstName string `json:"first_name"`
	Username  string `json:"username,omitempty"`
	Language  string `json:"language_code,omitempty"`

	// Only in getMe.
	CanJoinGroups           *bool `json:"can_join_groups,omitempty"`
	CanReadAllGroupMessages *bool `json:"can_read_all_group_messages,omitempty"`
	SupportsInlineQueries   *bool `json:"supports_inline_queries,omitempty"`
}

// Chat is always a private chat here.
type Chat struct {
	ID        int64  `json:"id"`
	Type      string `json:"type"`
	FirstName string `json:"first_name,omitempty"`
	Username  string `json:"username,omitempty"`
}

// Entity marks a part of a message's text; the fake only marks a leading
// /command, which python-telegram-bot's CommandHandler requires.
type Entity struct {
	Type   string `json:"type"`
	Offset int    `json:"offset"`
	Length int    `json:"length"`
}

// Message is a text message.
type Message struct {
	MessageID int64    `json:"message_id"`
	From      *User    `json:"from,omitempty"`
	Chat      Chat     `json:"chat"`
	Date      int64    `json:"date"`
	Text      string   `json:"text,omitempty"`
	Entities  []Entity `json:"entities,omitempty"`
}

// Update is what getUpdates returns.
type Update struct {
	UpdateID int64    `json:"update_id"`
	Message  *Message `json:"message,omitempty"`
}

// QueueRequest is the body of POST /control/updates: a user writes Text in a
// private chat with the bot. Token, when set, limits the update to the bot
// with that token; otherwise the first bot to poll gets it.
type QueueRequest struct {
	Token     string `json:"token,omitempty"`
	ChatID    int64  `json:"chat_id"`
	Text      string `json:"text"`
	UserID    int64  `json:"user_id,omitempty"`    // default: ChatID
	Username  string `json:"username,omitempty"`   // default: "tester"
	FirstName string `json:"first_name,omitempty"` // default: "Tester"
}

// Sent is one sendMessage call the fake received.
type Sent struct {
	Token     string            `json:"token"`
	ChatID    int64             `json:"chat_id"`
	Text      string            `json:"text"`
	MessageID int64             `json:"message_id"`
	Date      int64             `json:"date"`
	Params    map[string]string `json:"params"` // every parameter as sent
}
