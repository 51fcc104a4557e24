package deploy

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMissingVar(t *testing.T) {
	tests := []struct {
		lines []string
		cfg   map[string]string
		want  string
	}{
		{[]string{"Traceback (most recent call last):", `  File "bot.py", line 3`, "KeyError: 'BOT_TOKEN'"}, nil, "BOT_TOKEN"},
		{[]string{"Error: environment variable TELEGRAM_TOKEN is not set"}, nil, "TELEGRAM_TOKEN"},
		{[]string{"Error: Missing environment variable BOT_TOKEN"}, nil, "BOT_TOKEN"},
		{[]string{"panic: BOT_TOKEN is required"}, nil, "BOT_TOKEN"},
		{[]string{`2024/01/01 env var "API_KEY" not set`}, nil, "API_KEY"},
		{[]string{"Error: BOT_TOKEN missing"}, nil, "BOT_TOKEN"},
		{[]string{"KeyError: 'BOT_TOKEN'"}, map[string]string{"BOT_TOKEN": "x"}, ""}, // set already: not the cause
		{[]string{"ERROR is not set"}, nil, ""},
		{[]string{"ZeroDivisionError: division by zero"}, nil, ""},
		{[]string{"KeyError: 'bot_token'"}, nil, ""},
		{nil, nil, ""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, missingVar(tt.lines, tt.cfg), "%q", tt.lines)
	}
}
