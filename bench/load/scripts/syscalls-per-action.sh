#!/usr/bin/env bash
# Counts poker-server's system calls (sendto, recvfrom, pwrite64, fsync, fdatasync, futex),
# context switches and CPU time over 10 seconds of a paced load run, per action, to compare
# builds by work per action rather than by noisy timings.
#
#   bench/load/scripts/syscalls-per-action.sh [SERVER_BINARY] [PLAYERS] [TABLES] [RATE]
#
# Defaults: target/release/poker-server, 600 players at 100 tables (six-handed), 600
# actions/s. Needs `perf` with tracepoint access (root, or kernel.perf_event_paranoid <= 1)
# and a release build of the harness (`cargo build --release -p poker-server -p
# fairdeal-bench-load`). The counts are per paced action (RATE x 10 in the window).
set -euo pipefail
source "$(dirname "$0")/start-load.sh"
server=$(realpath "${1:-target/release/poker-server}")
rate=${4:-600}
start_load "$server" "${2:-600}" "${3:-100}" "$rate" 16
sleep 10 # into the measured window
perf stat -x, -p "$pid" \
  -e syscalls:sys_enter_sendto,syscalls:sys_enter_recvfrom \
  -e syscalls:sys_enter_pwrite64,syscalls:sys_enter_fsync,syscalls:sys_enter_fdatasync \
  -e syscalls:sys_enter_futex,context-switches,task-clock -- sleep 10 2>&1 |
  awk -F, -v rate="$rate" '/syscalls|context|task-clock/ {
    name = $3; sub(/syscalls:sys_enter_/, "", name)
    unit = (name == "task-clock") ? " ms" : ""
    printf "%s: %.2f%s per action\n", name, $1 / (rate * 10), unit }'
wait "$harness_pid"
grep -E "actions/s|hands/s" "$out"
rm -f "$out"
