package app

import (
	"io"
	"log/slog"
)

type slogLogger = slog.Logger

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
