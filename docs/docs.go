// Package docs embeds the documents that the server itself serves, such as
// the OpenAPI description of /api/v1.
package docs

import _ "embed"

// OpenAPI is docs/openapi.yaml.
//
//go:embed openapi.yaml
var OpenAPI []byte
