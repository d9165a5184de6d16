#!/usr/bin/env bash
# Builds the dashboard's vendored front-end files from the npm packages pinned (exact versions) in
# package.json / package-lock.json, using `npm ci` so the lock file decides every version:
#   static/editor.js     CodeMirror 6 from editor.js here (window.WeftEditor), bundled by the pinned
#                        esbuild from node_modules: IIFE, minified, target es2020
#   static/htmx.min.js   copied from htmx.org/dist/htmx.min.js
# The outputs are committed and embedded by static/static.go, so building or running Weft never
# needs npm or a network. Rerun after changing a version in package.json or editing editor.js here
# (run `npm install --save-exact` in this folder to update package-lock.json first), then commit
# package.json, package-lock.json and the outputs:
#   bash static/build/build.sh
# Needs Node.js 18+ and npm, and the npm registry (only for `npm ci`).
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
./node_modules/.bin/esbuild editor.js --bundle --minify --format=iife --target=es2020 \
  --legal-comments=none --outfile=../editor.js
cp node_modules/htmx.org/dist/htmx.min.js ../htmx.min.js
node --check ../editor.js
echo "built: editor.js $(wc -c < ../editor.js) bytes, htmx.min.js $(wc -c < ../htmx.min.js) bytes"
