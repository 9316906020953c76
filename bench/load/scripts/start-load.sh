#!/usr/bin/env bash
# Sourced by the measuring scripts here: starts a paced load run against SERVER in the
# background and sets `pid` (the server's), `harness_pid` and `out` (the harness's output)
# once every connection is open. Needs a release build of the harness (`cargo build
# --release -p poker-server -p fairdeal-bench-load`).
#
#   start_load SERVER PLAYERS TABLES RATE DURATION
start_load() {
  local server=$1 players=$2 tables=$3 rate=$4 duration=$5
  local harness
  harness=$(dirname "${BASH_SOURCE[0]}")/../../../target/release/fairdeal-bench-load
  out=$(mktemp)
  "$harness" --server "$server" --players "$players" --tables "$tables" \
    --duration "$duration" --warmup 6 --rate "$rate" --no-ceiling >"$out" 2>&1 &
  harness_pid=$!
  pid=""
  for _ in $(seq 1 120); do
    sleep 1
    pid=$(pgrep -f "^$server" | head -1 || true)
    if [ -n "$pid" ] && grep -q "idle connections" "$out"; then return 0; fi
  done
  echo "the server did not start" >&2
  cat "$out" >&2
  exit 1
}
