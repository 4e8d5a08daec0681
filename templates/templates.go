// Package templates embeds the HTML pages, static assets and the text templates of official documents.
// A bureau can adjust the wording of a document by editing templates/docs/*.txt without touching Go code.
package templates

import "embed"

// Pages holds the HTML templates (files named _*.html are layouts and partials shared by every page).
//
//go:embed *.html cases/*.html public/*.html hearings/*.html reports/*.html supervision/*.html
var Pages embed.FS

// Static holds CSS and other assets served under /static/.
//
//go:embed static
var Static embed.FS

// Docs holds the text templates of the documents (申请材料接收凭证, 受理通知书, …).
//
//go:embed docs/*.txt
var Docs embed.FS
