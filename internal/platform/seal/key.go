package seal

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"zhongshu/internal/platform/errs"
)

// EnvKey names the environment variable that overrides the key file, for
// deployments that keep secrets in a manager rather than on disk.
const EnvKey = "ZHONGSHU_KEY"

// Key sources reported by LoadKey, so startup can log where the key came
// from (never the key itself).
const (
	SourceEnv     = "env"
	SourceFile    = "file"
	SourceCreated = "created"
)

// LoadKey returns the 32-byte master key and where it came from.
//
//   - If ZHONGSHU_KEY is set and non-empty it wins: 64 hex characters or
//     standard/URL base64 of 32 bytes. An empty value counts as unset because
//     container tooling often passes empty variables for absent secrets.
//   - Otherwise the file at path is read: 64 hex characters, surrounding
//     whitespace ignored.
//   - If the file does not exist, a fresh random key is written there (mode
//     0600, parent created 0700) so a first run just works.
//
// Malformed keys are errors, never replaced: silently generating a new key
// over a damaged one would make every sealed field unreadable. For the same
// reason the created file is synced to disk before it is used, and its
// creation never overwrites a file another process wrote first. Error
// messages never include key material.
func LoadKey(path string) (master []byte, source string, err error) {
	if v := strings.TrimSpace(os.Getenv(EnvKey)); v != "" {
		k, err := parseEnvKey(v)
		if err != nil {
			return nil, "", err
		}
		return k, SourceEnv, nil
	}
	k, err := readKeyFile(path)
	if err == nil {
		return k, SourceFile, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, "", err
	}
	k, created, err := createKeyFile(path)
	if err != nil {
		return nil, "", err
	}
	if !created {
		// Another process created the file between our read and our
		// create; its key is the one everyone must use.
		return k, SourceFile, nil
	}
	return k, SourceCreated, nil
}

func parseEnvKey(v string) ([]byte, error) {
	if len(v) == 2*MasterKeySize {
		if k, err := hex.DecodeString(v); err == nil {
			return k, nil
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if k, err := enc.DecodeString(v); err == nil && len(k) == MasterKeySize {
			return k, nil
		}
	}
	return nil, errs.Wrap(fmt.Errorf("%s must be 64 hex characters or base64 of 32 bytes (got %d characters)", EnvKey, len(v)), "seal.LoadKey")
}

// readKeyFile returns an error wrapping fs.ErrNotExist when the file is
// absent, so the caller can tell "create one" from "refuse to start".
func readKeyFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if err != nil {
		return nil, errs.Wrap(err, "seal.LoadKey: read key file")
	}
	v := strings.TrimSpace(string(b))
	k, err := hex.DecodeString(v)
	if err != nil || len(k) != MasterKeySize {
		return nil, errs.Wrap(fmt.Errorf("key file %s must hold 64 hex characters (has %d characters)", path, len(v)), "seal.LoadKey")
	}
	return k, nil
}

// createKeyFile writes a new random key to path without ever exposing a
// half-written file: it writes and syncs a temporary file in the same
// directory, then hard-links it into place. Link fails if path exists, so
// two first starts racing cannot end up with different keys; the loser
// reads the winner's file and reports created = false.
func createKeyFile(path string) (key []byte, created bool, err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, false, errs.Wrap(err, "seal.LoadKey: create key directory")
	}
	key = make([]byte, MasterKeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, false, errs.Wrap(err, "seal.LoadKey: random key")
	}
	tmp, err := os.CreateTemp(dir, ".key-*")
	if err != nil {
		return nil, false, errs.Wrap(err, "seal.LoadKey: create key file")
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName)
	// CreateTemp already uses 0600; Chmod makes the mode explicit and
	// independent of that implementation detail.
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return nil, false, errs.Wrap(err, "seal.LoadKey: chmod key file")
	}
	if _, err := tmp.WriteString(hex.EncodeToString(key) + "\n"); err != nil {
		tmp.Close()
		return nil, false, errs.Wrap(err, "seal.LoadKey: write key file")
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, false, errs.Wrap(err, "seal.LoadKey: sync key file")
	}
	if err := tmp.Close(); err != nil {
		return nil, false, errs.Wrap(err, "seal.LoadKey: close key file")
	}
	if err := os.Link(tmpName, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			k, rerr := readKeyFile(path)
			return k, false, rerr
		}
		return nil, false, errs.Wrap(err, "seal.LoadKey: install key file")
	}
	// Sync the directory so the new name survives a crash: losing the key
	// file after data has been sealed under it would lose that data.
	if d, err := os.Open(dir); err == nil {
		err = d.Sync()
		d.Close()
		if err != nil {
			return nil, false, errs.Wrap(err, "seal.LoadKey: sync key directory")
		}
	}
	return key, true, nil
}
