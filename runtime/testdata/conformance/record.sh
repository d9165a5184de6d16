#!/usr/bin/env bash
# Records what Cloudflare's own runtime (workerd, through the npm package miniflare) answers to the
# Worker scripts in cases/, into expected/. `go test ./runtime` then compares Weft with those answers.
#
#   bash runtime/testdata/conformance/record.sh [filter...]
#
# It installs miniflare (pinned below) into ~/.cache/weft-miniflare once, and runs the workplace's
# recorder, ../shared/conformance/oracle.mjs, on a scratch copy whose cases/ is this folder's.
# Commit the changed expected/*.json files. Needs Node.js 18+ and the npm registry.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
shared="${WEFT_CONFORMANCE_HARNESS:-$here/../../../../shared/conformance}"
cache="${WEFT_MINIFLARE_DIR:-$HOME/.cache/weft-miniflare}"
version="4.20260426.0"
[ -f "$shared/oracle.mjs" ] || { echo "oracle.mjs not found in $shared (set WEFT_CONFORMANCE_HARNESS)" >&2; exit 1; }
if [ ! -d "$cache/node_modules/miniflare" ]; then
  mkdir -p "$cache"
  npm install --no-audit --no-fund --prefix "$cache" "miniflare@$version"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$shared/oracle.mjs" "$shared/lib.mjs" "$work/"
ln -s "$here/cases" "$work/cases"
MINIFLARE_PREFIX="$cache" node "$work/oracle.mjs" "$@"
cp "$work"/expected/*.json "$here/expected/"
echo "recorded into $here/expected"
