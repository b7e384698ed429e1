#!/usr/bin/env bash
# Runs the end-to-end tests (e2e/*.test.mjs: the explorer in headless Chromium, the /export
# formats in real graph libraries) against a freshly started policygraph server:
#
#   1. builds bin/policygraph (go build; quick when nothing changed),
#   2. ingests data/ into the Neo4j at NEO4J_URI (the test Neo4j that `make test` starts),
#   3. starts `bin/policygraph serve` with HTTP_ADDR on a free loopback port and waits for /readyz,
#   4. runs node --test with POLICYGRAPH_URL pointing at it, then stops the server.
#
# With POLICYGRAPH_URL already set, it tests that server and starts nothing. Run
# e2e/install.sh once before (chromium, a CJK font, npm packages, XSDs). Screenshots and the
# server log go to test-output/e2e/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out="$root/test-output/e2e"
mkdir -p "$out"

if [ ! -d e2e/node_modules ] || [ ! -d e2e/.xsd ]; then
  echo "e2e/run.sh: run e2e/install.sh first" >&2
  exit 1
fi

tests=(e2e/explore.test.mjs e2e/export.test.mjs e2e/calculator.test.mjs)
if [ -n "${POLICYGRAPH_URL:-}" ]; then
  exec node --test --test-reporter=spec "${tests[@]}"
fi

: "${NEO4J_URI:?e2e/run.sh: set NEO4J_URI to the Neo4j to test against (make test starts one)}"
go build -o bin/policygraph ./cmd/policygraph
bin/policygraph ingest data/ >"$out/ingest.log" 2>&1 || { cat "$out/ingest.log" >&2; exit 1; }

port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
HTTP_ADDR="127.0.0.1:$port" bin/policygraph serve >"$out/server.log" 2>&1 &
pid=$!
stop() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
trap stop EXIT

url="http://127.0.0.1:$port"
for _ in $(seq 1 150); do
  if curl -fsS -o /dev/null "$url/readyz" 2>/dev/null; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "e2e/run.sh: the server exited; its log:" >&2
    cat "$out/server.log" >&2
    exit 1
  fi
  sleep 0.2
done
curl -fsS -o /dev/null "$url/readyz" || { echo "e2e/run.sh: $url/readyz never answered" >&2; cat "$out/server.log" >&2; exit 1; }
curl -fsS -o /dev/null "$url/explore" || { echo "e2e/run.sh: $url/explore is not served: mount explorer.Handler() at /explore" >&2; exit 1; }

POLICYGRAPH_URL="$url" node --test --test-reporter=spec "${tests[@]}"
