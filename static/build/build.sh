#!/usr/bin/env bash
# Builds the dashboard's vendored front-end files from the npm packages pinned in package.json:
#   static/editor.js   CodeMirror 6 (from editor.js here), bundled and minified by the pinned esbuild
# The outputs are committed, so building or running Weft never needs npm or a network. Rerun after
# changing a version in package.json (then commit package-lock.json and the outputs):
#   bash static/build/build.sh
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
./node_modules/.bin/esbuild editor.js --bundle --minify --format=iife --target=es2020 --legal-comments=none --outfile=../editor.js
cp node_modules/htmx.org/dist/htmx.min.js ../htmx.min.js
echo "built: $(wc -c < ../editor.js) bytes editor.js, $(wc -c < ../htmx.min.js) bytes htmx.min.js"
