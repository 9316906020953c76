#!/usr/bin/env bash
# Measures how long poker-server takes to come back after a crash under load: runs a paced
# load, kills the server with SIGKILL in the middle of it, copies its data directory, starts
# SERVER on the copy (a fixed port) and times until `/api/v1/tables` answers; then stops it
# and counts the hands it voided. Each further binary given is started on a fresh copy of
# the same crashed data, so builds can be compared on identical input.
#
#   bench/load/scripts/crash-recovery.sh SERVER [SERVER...]
#
# The load: 2,000 players at 1,000 tables (heads-up), 8,000 actions/s, killed 14 s in.
# Needs a release build of the harness and curl.
set -euo pipefail
source "$(dirname "$0")/start-load.sh"
port=18111
crashed=$(mktemp -d)
first=$(realpath "$1")
start_load "$first" 2000 1000 8000 30
sleep 8
config=$(tr '\0' '\n' </proc/"$pid"/cmdline | grep '\.toml$')
dir=$(dirname "$config")
kill -9 "$pid"
cp -r "$dir/." "$crashed/"
wait "$harness_pid" || true
rm -f "$out"
sed -i "s#^addr = .*#addr = \"127.0.0.1:$port\"#; s#$dir#CRASHED#g" "$crashed/load.toml"
for server in "$@"; do
  run=$(mktemp -d)
  cp -r "$crashed/." "$run/"
  sed -i "s#CRASHED#$run#g" "$run/load.toml"
  start=$(date +%s.%N)
  "$(realpath "$server")" --config "$run/load.toml" --log warn >"$run/recover.log" 2>&1 &
  server_pid=$!
  until curl -sf "http://127.0.0.1:$port/api/v1/tables?limit=1" >/dev/null; do sleep 0.05; done
  end=$(date +%s.%N)
  kill -INT "$server_pid"
  wait "$server_pid" || true
  voided=$(grep -c "voiding the hand a previous run left unfinished" "$run/recover.log" || true)
  printf '%s: answering %.2f s after start, %s hands voided\n' "$server" \
    "$(echo "$end - $start" | bc)" "$voided"
  rm -rf "$run"
done
rm -rf "$crashed"
