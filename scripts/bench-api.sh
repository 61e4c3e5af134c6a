#!/usr/bin/env bash
# Measures the API server while audio runs on the virtual device:
#   wrk on GET /api/status, flat out and paced at about 1000 requests/s,
#   first alone, then with 100 WebSocket clients on /ws/status,
# and the xruns the audio engine counted during each run (from /api/audio/performance).
#
# Usage: scripts/bench-api.sh [BUILD_DIR]     (default: build)
# Environment: DURATION (seconds per run, default 15), CONNECTIONS (wrk, default 10),
#              WS_CLIENTS (default 100).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$repo/build}
duration=${DURATION:-15}
connections=${CONNECTIONS:-10}
ws_clients=${WS_CLIENTS:-100}

command -v wrk >/dev/null || { echo "wrk is missing (scripts/install-deps.sh)" >&2; exit 1; }
cmake --build "$build" --target soundlab api_ws_load_client >/dev/null
soundlab=$build/app/soundlab
ws_load=$build/tests/core/api/api_ws_load_client

work=$(mktemp -d)
soundlab_pid=
control_pid=
cleanup() {
  for pid in $soundlab_pid $control_pid; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

# start NAME [flags...]: runs soundlab headless on a free port; prints its base URL.
start() {
  local name=$1; shift
  "$soundlab" --no-gui --device virtual --port 0 --no-logging --data-dir "$work/$name" "$@" \
    >"$work/$name.out" 2>"$work/$name.err" &
  echo $! >"$work/$name.pid"
  for _ in $(seq 100); do
    grep -q 'listening on' "$work/$name.out" && break
    sleep 0.1
  done
  grep -o 'http://[^ ]*' "$work/$name.out" | head -1
}
base=$(start soundlab --auto-start-audio)
soundlab_pid=$(cat "$work/soundlab.pid")
[[ -n $base ]] || { echo "soundlab did not start:" >&2; cat "$work/soundlab.err" >&2; exit 1; }

# Pacing for wrk 4 (it has no rate option): each connection waits between its requests;
# with the answer time on top this gives a little under 1000 requests/s in total.
pace_ms=$(( connections * 1000 / 1000 - 1 ))
cat >"$work/paced.lua" <<LUA
function delay() return $pace_ms end
LUA

xruns() { curl -fsS "$base/api/audio/performance" | grep -o '"total":[0-9]*' | cut -d: -f2; }

# run LABEL [wrk options...]: one wrk run on $target (default: the audio process); prints a
# result line with the xruns the audio process counted meanwhile.
run() {
  local label=$1; shift
  local before after out rps p50 p99
  before=$(xruns)
  out=$(wrk -t2 -c"$connections" -d"${duration}s" --latency "$@" "${target:-$base}/api/status")
  after=$(xruns)
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  printf '%-44s %10s %10s %10s %6s\n' "$label" "$rps" "$p50" "$p99" "$((after - before))"
}

echo "soundlab at $base, audio on the virtual device (48 kHz, 512 frames)"
echo "wrk: 2 threads, $connections connections, ${duration} s per run; $(nproc) CPU cores"
printf '%-44s %10s %10s %10s %6s\n' "run" "req/s" "p50" "p99" "xruns"
# Baseline: the same time with no requests, so xruns the machine causes by itself show.
before=$(xruns); sleep "$duration"; after=$(xruns)
printf '%-44s %10s %10s %10s %6s\n' "audio alone, no requests" "-" "-" "-" "$((after - before))"
run "GET /api/status, flat out"
run "GET /api/status, paced (~1000 req/s)" -s "$work/paced.lua"

total=$(( 2 * duration + 6 ))
"$ws_load" "ws://${base#http://}/ws/status" "$ws_clients" "$total" >"$work/ws.out" &
ws_pid=$!
sleep 3
run "same, $ws_clients WS clients on /ws/status, flat out"
run "same, $ws_clients WS clients, paced (~1000 req/s)" -s "$work/paced.lua"
wait "$ws_pid" || true
echo "WebSocket clients: $(cat "$work/ws.out") (expected about $(( total * 10 )) frames each)"

# Control: the heaviest load again (flood + WebSocket clients), aimed at a second soundlab
# without audio. Xruns the audio process counts meanwhile come from the machine being
# saturated, not from its own API.
target=$(start control)
control_pid=$(cat "$work/control.pid")
"$ws_load" "ws://${target#http://}/ws/status" "$ws_clients" "$(( duration + 4 ))" >/dev/null &
ws_pid=$!
sleep 3
run "control: same load on another soundlab process"
wait "$ws_pid" || true
