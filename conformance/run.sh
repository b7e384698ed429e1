#!/usr/bin/env bash
# GraphQL-over-HTTP conformance: starts `bin/policygraph serve` on a free loopback port
# against NEO4J_URI (default: the test Neo4j of `make test`), runs the graph-http audits
# (conformance/audit.mjs: every MUST audit must pass, every failing SHOULD audit must be
# explained in docs/conformance.md) and stops the server. Needs Node 18+ and npm; installs
# conformance/node_modules with `npm ci` when missing.
#
#   bash conformance/run.sh            # from the repository root
#   NEO4J_URI=bolt://host:7687 NEO4J_PASSWORD=... bash conformance/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."

export NEO4J_URI="${NEO4J_URI:-bolt://127.0.0.1:${TEST_BOLT_PORT:-7688}}"
command -v node >/dev/null || { echo "conformance: node not found on PATH (Node 18+ needed)" >&2; exit 1; }
if [ ! -x bin/policygraph ]; then
  go build -o bin/policygraph ./cmd/policygraph
fi
if [ ! -f conformance/node_modules/graphql-http/package.json ]; then
  (cd conformance && npm ci --no-audit --no-fund --loglevel=error)
fi

port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
log="$(mktemp -t policygraph-conformance.XXXXXX)"
HTTP_ADDR="127.0.0.1:${port}" GRAPHIQL=false bin/policygraph serve >"$log" 2>&1 &
pid=$!
stop() {
  local rc=$?
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [ "$rc" != 0 ]; then
    echo "--- server log (last 40 lines)"
    tail -n 40 "$log"
  fi
  rm -f "$log"
  exit "$rc"
}
trap stop EXIT

base="http://127.0.0.1:${port}"
ready=""
for _ in $(seq 1 150); do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "conformance: the server exited before it was ready" >&2
    exit 1
  fi
  if node -e "fetch('${base}/readyz').then(r=>process.exit(r.status===200?0:1)).catch(()=>process.exit(1))"; then
    ready=1
    break
  fi
  sleep 0.2
done
[ -n "$ready" ] || { echo "conformance: ${base}/readyz not 200 within 30s" >&2; exit 1; }

echo "conformance: auditing ${base}/graphql (NEO4J_URI=${NEO4J_URI})"
node conformance/audit.mjs "${base}/graphql"
