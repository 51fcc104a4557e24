package supervisor

import "time"

// ReconnectDelay is the wait before the attempt-th subscription again.
func ReconnectDelay(attempt int) time.Duration { return Backoff(reconnect, attempt) }
