// Package static holds the dashboard's vendored and hand-written front-end files, embedded in the
// binary. editor.js, htmx.min.js and htmx-sse.js are built by build/build.sh from pinned npm packages.
package static

import "embed"

// FS is the files served under /static/.
//
//go:embed *.js *.css
var FS embed.FS
