// Package migrations embeds the numbered SQL files that build the schema. Each file runs in one transaction.
package migrations

import "embed"

//go:embed *.sql
var FS embed.FS
