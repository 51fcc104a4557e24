package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// instanceID names this gitd's data dir on the engine: its containers are
// labelled with it, and it adopts and supervises only those. Made once,
// kept in the data dir, so a restarted gitd finds its bots again.
func instanceID(data string) (string, error) {
	id, err := readInstanceID(data)
	if id != "" || err != nil {
		return id, err
	}
	path := filepath.Join(data, "instance-id")
	raw := make([]byte, 8)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	id = hex.EncodeToString(raw)
	if err := os.WriteFile(path, []byte(id+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("instance id: %w", err)
	}
	return id, nil
}

// readInstanceID is the data dir's instance id; "" when no gitd made one
// yet.
func readInstanceID(data string) (string, error) {
	b, err := os.ReadFile(filepath.Join(data, "instance-id"))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("instance id: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}
