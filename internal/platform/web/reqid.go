package web

import (
	"net/http"

	"zhongshu/internal/platform/actor"
)

func requestID(r *http.Request) string { return actor.From(r.Context()).RequestID }
