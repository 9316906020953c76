#!/usr/bin/env bash
# Counts poker-server's system calls (sendto, recvfrom, pwrite64, fsync) over 10 seconds of a
# paced load run, to compare builds by work per action rather than by noisy timings.
#
#   bench/load/scripts/syscalls-per-action.sh [SERVER_BINARY] [PLAYERS] [TABLES] [RATE]
#
# Defaults: target/release/poker-server, 600 players at 100 tables (six-handed), 600
# actions/s. Needs `perf` with tracepoint access (root, or kernel.perf_event_paranoid <= 1)
# and a release build of the harness (`cargo build --release -p poker-server -p
# fairdeal-bench-load`). Divide each count by 10 x the reported actions/s for per action.
set -euo pipefail
server=$(realpath "${1:-target/release/poker-server}")
players=${2:-600}
tables=${3:-100}
rate=${4:-600}
harness=$(dirname "$0")/../../../target/release/fairdeal-bench-load
out=$(mktemp)
"$harness" --server "$server" --players "$players" --tables "$tables" \
  --duration 16 --warmup 6 --rate "$rate" --no-ceiling >"$out" 2>&1 &
harness_pid=$!
pid=""
for _ in $(seq 1 120); do
  sleep 1
  pid=$(pgrep -f "^$server" | head -1 || true)
  if [ -n "$pid" ] && grep -q "idle connections" "$out"; then break; fi
done
[ -n "$pid" ] || { echo "the server did not start" >&2; cat "$out" >&2; exit 1; }
sleep 10 # into the measured window
perf stat -x, -p "$pid" \
  -e syscalls:sys_enter_sendto,syscalls:sys_enter_recvfrom \
  -e syscalls:sys_enter_pwrite64,syscalls:sys_enter_fsync -- sleep 10 2>&1 |
  awk -F, '/syscalls/ { print $3 ": " $1 " in 10 s" }'
wait "$harness_pid"
grep -E "actions/s|hands/s" "$out"
rm -f "$out"
