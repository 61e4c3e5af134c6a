#!/usr/bin/env bash
# Latency calibration side by side with jack_iodelay (jackd2, Adriaensen's MTDM) on the same
# loop: a dummy JACK server of its own (48 kHz, periods 128 and 256), the real program headless
# on it with soundlab:out_0 → soundlab:in_0, then jack_iodelay with jack_delay:out → jack_delay:in.
#   Soundlab     RUNS calibrations through POST /api/latency/calibrate: time to result (the POST
#                until /api/latency/stats shows the run done, polled every 20 ms) and the figure
#   jack_iodelay time from jack_connect to its first figure, and its figures over 3 s
# Then the virtual device: RUNS calibrations of a 1234.37-sample loop at 20 dB SNR (error).
#
# Usage: scripts/bench-latency.sh [BUILD_DIR]    (default: build; RUNS=10)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$repo/build}
runs=${RUNS:-10}
port=${PORT:-18793}
base=http://127.0.0.1:$port
cmake --build "$build" --target soundlab >/dev/null
soundlab=$build/app/soundlab

work=$(mktemp -d)
jackd_pid=
soundlab_pid=
iodelay_pid=
cleanup() {
  [ -n "$iodelay_pid" ] && kill "$iodelay_pid" 2>/dev/null && wait "$iodelay_pid" 2>/dev/null
  [ -n "$soundlab_pid" ] && kill "$soundlab_pid" 2>/dev/null && wait "$soundlab_pid" 2>/dev/null
  [ -n "$jackd_pid" ] && kill "$jackd_pid" 2>/dev/null && wait "$jackd_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

wait_http() {
  for _ in $(seq 1 100); do
    curl -sf "$base/healthz" >/dev/null && return 0
    sleep 0.1
  done
  echo "soundlab did not answer"; cat "$work/soundlab.log"; exit 1
}

# RUNS calibrations over HTTP; prints one line per run: seconds-to-result samples verdict
calibrate_runs() {
  python3 - "$base" "$runs" <<'EOF'
import json, sys, time, urllib.request
base, runs = sys.argv[1], int(sys.argv[2])
def call(method, path):
    req = urllib.request.Request(base + path, method=method)
    with urllib.request.urlopen(req) as r:
        return json.load(r)
for _ in range(runs):
    t0 = time.monotonic()
    cid = call("POST", "/api/latency/calibrate")["calibration_id"]
    while True:
        last = call("GET", "/api/latency/stats")["last_calibration"]
        if last["id"] == cid and last["state"] != "running":
            break
        time.sleep(0.02)
    t = time.monotonic() - t0
    r = last["result"] or {}
    print(f"{t:.3f} {r.get('round_trip_samples')} {r.get('verdict', last['error'])}")
EOF
}

summary() {  # stdin: lines "seconds samples verdict"; $1: expected samples
  python3 -c '
import sys, statistics
expected = float(sys.argv[1])
rows = [l.split() for l in sys.stdin if l.strip()]
t = [float(r[0]) for r in rows]
err = [abs(float(r[1]) - expected) for r in rows if r[1] != "None"]
verdicts = sorted(set(r[2] for r in rows))
print(f"  time to result: median {statistics.median(t):.3f} s, max {max(t):.3f} s over {len(t)} runs")
print(f"  figure: max |error| vs {expected:g} = {max(err):.2e} samples; verdicts {verdicts}")
' "$1"
}

for period in 256 128; do
  server="soundlab-bench-lat-$$-$period"
  export JACK_DEFAULT_SERVER=$server
  jackd --no-realtime -S -n "$server" -d dummy -r 48000 -p "$period" >"$work/jackd.log" 2>&1 &
  jackd_pid=$!
  for _ in $(seq 1 100); do jack_lsp >/dev/null 2>&1 && break; sleep 0.1; done

  "$soundlab" --no-gui --port "$port" --device jack --auto-start-audio --no-logging \
    --data-dir "$work/data" >"$work/soundlab.log" 2>&1 &
  soundlab_pid=$!
  wait_http
  jack_disconnect system:capture_1 soundlab:in_0 2>/dev/null || true
  jack_connect soundlab:out_0 soundlab:in_0
  echo "JACK dummy, 48 kHz, period $period: Soundlab (exponential sweep, POST /api/latency/calibrate)"
  calibrate_runs | tee "$work/ours.txt" | sed 's/^/    /' | head -3
  summary "$period" <"$work/ours.txt"
  kill "$soundlab_pid"; wait "$soundlab_pid" 2>/dev/null || true; soundlab_pid=

  echo "JACK dummy, 48 kHz, period $period: jack_iodelay (MTDM)"
  stdbuf -oL jack_iodelay >"$work/iodelay.txt" 2>&1 &
  iodelay_pid=$!
  for _ in $(seq 1 100); do jack_lsp 2>/dev/null | grep -q jack_delay:in && break; sleep 0.05; done
  t0=$(date +%s.%N)
  jack_connect jack_delay:out jack_delay:in
  first=
  for _ in $(seq 1 300); do
    if grep -q "total roundtrip latency" "$work/iodelay.txt"; then first=$(date +%s.%N); break; fi
    sleep 0.01
  done
  sleep 3
  kill "$iodelay_pid"; wait "$iodelay_pid" 2>/dev/null || true; iodelay_pid=
  python3 -c "print(f'  time to first figure: {$first - $t0:.3f} s')"
  grep "total roundtrip latency" "$work/iodelay.txt" | awk '{print $1}' | sort | uniq -c |
    awk '{printf "  figure %s frames (%d readings in 3 s)\n", $2, $1}'

  kill "$jackd_pid"; wait "$jackd_pid" 2>/dev/null || true; jackd_pid=
done
unset JACK_DEFAULT_SERVER

"$soundlab" --no-gui --port "$port" --device virtual --buffer-size 256 --auto-start-audio \
  --virtual-loopback-delay 1234.37 --virtual-loopback-snr 20 --no-logging \
  --data-dir "$work/data" >"$work/soundlab.log" 2>&1 &
soundlab_pid=$!
wait_http
echo "Virtual device, 48 kHz, block 256, loop 1234.37 samples at 20 dB SNR: Soundlab"
calibrate_runs >"$work/virtual.txt"
summary 1234.37 <"$work/virtual.txt"
