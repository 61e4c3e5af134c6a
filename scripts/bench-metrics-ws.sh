#!/usr/bin/env bash
# /ws/metrics under load (docs/benchmarks.md, "Metrics stream"): the real program, headless, on
# the virtual device (noise input) with audio running; N WebSocket clients (python3-websockets,
# scripts/bench-metrics-ws.py) read for D seconds at analysis rate R. Reports, per run:
#   delivered   frames each client got of those the analysis made in its window (worst client,
#               and the mean), from frame ids: the window opens once every client of the
#               client process is connected and lasts D seconds; each client then reads on
#               until it has the window's last frame (Python clients lag at 500 × 30 Hz; what
#               counts is whether the server delivered every frame)
#   interval    p50/p99 of the time between frames as the analysis made them (server, steady
#               clock, /api/metrics/stats) and as the first client of each process got them
#   jitter p99  p99 of |arrival interval − 1/R| at those clients (includes the Python
#               client's own lag: an upper bound)
#   xruns       audio xruns during the run (/api/audio/performance)
#   analysis    mean analysis time per frame and its share of the frame period
# Goal (issue 11): 500 clients at 30 Hz with ≥ 99 % delivery and 0 xruns on this 2-core machine.
#
# Usage: scripts/bench-metrics-ws.sh [BUILD_DIR]     (default: build)
#        RUNS="30:100 30:500 120:100 120:500" SECONDS_PER_RUN=20 scripts/bench-metrics-ws.sh
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$repo/build}
port=${PORT:-18792}
base=http://127.0.0.1:$port
runs=${RUNS:-"30:100 30:500 120:100 120:500"}
duration=${SECONDS_PER_RUN:-20}

cmake --build "$build" --target soundlab >/dev/null
soundlab=$build/app/soundlab
work=$(mktemp -d)
soundlab_pid=
cleanup() {
  [ -n "$soundlab_pid" ] && kill "$soundlab_pid" 2>/dev/null && wait "$soundlab_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

"$soundlab" --no-gui --device virtual --virtual-input noise --auto-start-audio --no-logging \
  --data-dir "$work/data" --port "$port" >"$work/soundlab.out" 2>&1 &
soundlab_pid=$!
until curl -sf "$base/healthz" >/dev/null; do sleep 0.05; done

printf '%-5s %-7s %-18s %-22s %-22s %-10s %-6s %s\n' rate clients "delivered worst/mean" \
  "server p50/p99 ms" "client p50/p99 ms" "jitter p99" xruns "analysis ms (share)"
for run in $runs; do
  rate=${run%%:*}
  clients=${run##*:}
  curl -sS --max-time 10 -X PUT -H 'Content-Type: application/json' -d "{\"rate_hz\":$rate}" \
    "$base/api/metrics/config" >/dev/null
  sleep 1
  xruns_before=$(curl -sS --max-time 10 "$base/api/audio/performance" | python3 -c 'import json,sys; print(json.load(sys.stdin)["xruns"]["total"])')
  /usr/bin/python3 "$repo/scripts/bench-metrics-ws.py" "ws://127.0.0.1:$port/ws/metrics" \
    "$base" "$clients" "$duration" "$work/clients.json"
  curl -sS --max-time 10 "$base/api/metrics/stats" >"$work/stats.json"
  xruns_after=$(curl -sS --max-time 10 "$base/api/audio/performance" | python3 -c 'import json,sys; print(json.load(sys.stdin)["xruns"]["total"])')
  /usr/bin/python3 - "$work/clients.json" "$work/stats.json" "$rate" "$clients" \
    "$((xruns_after - xruns_before))" <<'PY'
import json, sys
clients = json.load(open(sys.argv[1]))
stats = json.load(open(sys.argv[2]))
rate, n, xruns = float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
# Each client's window: from the server's next frame once its process had every client
# connected, to the server's latest frame SECONDS later (the client then caught up to it).
shares = [len(set(c["ids"])) / (c["last"] - c["first"] + 1) for c in clients]
shares += [0.0] * (n - len(shares))  # clients that never connected
span = sum(c["last"] - c["first"] + 1 for c in clients) / max(1, len(clients))
intervals, jitter = [], []
for c in clients:
    t = c["times"]
    for a, b in zip(t, t[1:]):
        intervals.append((b - a) * 1000)
        jitter.append(abs((b - a) * 1000 - 1000 / rate))
def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(p * len(v)))] if v else float("nan")
fi = stats["frame_interval_ms"]
am = stats["analysis_ms"]["mean"]
print(f"{rate:<5g} {n:<7d} {100*min(shares):6.2f}/{100*sum(shares)/len(shares):6.2f} %     "
      f"{fi['p50']:6.1f}/{fi['p99']:6.1f}          {pct(intervals,.5):6.1f}/{pct(intervals,.99):6.1f}          "
      f"{pct(jitter,.99):6.1f} ms  {xruns:<6d} {am:.3f} ({100*am*rate/1000:.2f} %)  "
      f"[{span:.0f} frames per client, dropped {stats['frames_dropped']}]")
PY
done
