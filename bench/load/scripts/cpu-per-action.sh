#!/usr/bin/env bash
# Measures poker-server's CPU time per action (`perf stat -e task-clock` on the server over
# 10 seconds of a paced load run), to compare builds by work per action rather than by
# latency, which swings with whatever else the machine does.
#
#   bench/load/scripts/cpu-per-action.sh [SERVER_BINARY] [PLAYERS] [TABLES] [RATE]
#
# Defaults: target/release/poker-server, 2,000 players at 1,000 tables (heads-up), 3,000
# actions/s. Needs `perf` and a release build of the harness (`cargo build --release -p
# poker-server -p fairdeal-bench-load`). Run two builds alternately, twice each.
set -euo pipefail
source "$(dirname "$0")/start-load.sh"
server=$(realpath "${1:-target/release/poker-server}")
rate=${4:-3000}
start_load "$server" "${2:-2000}" "${3:-1000}" "$rate" 16
sleep 10 # into the measured window
perf stat -x, -p "$pid" -e task-clock -- sleep 10 2>&1 |
  awk -F, -v rate="$rate" '/task-clock/ { printf "server CPU: %.1f us per action\n", $1 * 1000 / (rate * 10) }'
wait "$harness_pid"
grep -E "actions/s|p99 |CPU" "$out"
rm -f "$out"
