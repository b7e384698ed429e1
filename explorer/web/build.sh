#!/usr/bin/env bash
# Builds the explorer page into explorer/web/dist, which package explorer embeds into the Go
# binary (go:embed). dist/ is committed, so `go build` works without npm; run this after
# changing anything under explorer/web and commit dist/ with the change.
#
#   explorer/web/build.sh          # npm ci (when node_modules is missing or stale) + vite build
#   explorer/web/build.sh --check  # also fail if the committed dist/ differs from a fresh build
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run --silent build
if [ "${1:-}" = "--check" ]; then
  if ! git diff --quiet -- dist || [ -n "$(git ls-files --others --exclude-standard -- dist)" ]; then
    echo "explorer/web/dist is out of date: run explorer/web/build.sh and commit dist/" >&2
    git status --short -- dist >&2
    exit 1
  fi
fi
