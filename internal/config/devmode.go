package config

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

// DataDir is the folder of the embedded database (and of the development
// secret): the folder of a sqlite: URL's file, or "data".
func (c Config) DataDir() string {
	if path, ok := strings.CutPrefix(c.DatabaseURL, "sqlite:"); ok {
		return filepath.Dir(strings.TrimPrefix(path, "//"))
	}
	return "data"
}

// DevSecret returns the development JWT key kept in dir, creating a random
// one (readable by the owner only) on first use, so development session
// tokens survive restarts.
func DevSecret(dir string) ([]byte, error) {
	path := filepath.Join(dir, "dev-jwt-secret")
	b, err := os.ReadFile(path)
	if err == nil {
		key, decodeErr := hex.DecodeString(strings.TrimSpace(string(b)))
		if decodeErr != nil || len(key) < MinSecretLength {
			return nil, fmt.Errorf("development secret %s is corrupt: delete it to make a new one", path)
		}
		return key, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read development secret: %w", err)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("make development secret: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	if err := os.WriteFile(path, []byte(hex.EncodeToString(key)+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("write development secret: %w", err)
	}
	return key, nil
}
