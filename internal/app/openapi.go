package app

import (
	"net/http"

	"zhongshu/docs"
)

// openAPI serves docs/openapi.yaml, the description of every /api/v1 route.
func openAPI() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=3600")
		_, _ = w.Write(docs.OpenAPI)
	})
}
