#!/usr/bin/env bash
# Sustained Φ control load (issue 10, "Measure"): the real program, headless, on the virtual
# device at 48 kHz / 512 with audio running and OSC on; scripts/bench-phi-load.py sends 1 000 OSC
# messages/s (UDP) and 200 sensor pushes/s (WS /ws/control) for 20 s, then compares what it sent
# with GET /api/phi (osc.received/rejected, sensor.received/applied) and reads the xruns from
# GET /api/audio/performance. Exit status 1 when anything was lost or an xrun happened.
#
# Usage: scripts/bench-phi-load.sh [BUILD_DIR] [SECONDS] [OSC_PER_S] [SENSOR_PER_S]
# Needs python3-websockets (scripts/install-deps.sh).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$repo/build}
seconds=${2:-20}
osc_rate=${3:-1000}
sensor_rate=${4:-200}
port=${PORT:-18792}
osc_port=${OSC_PORT:-18793}

cmake --build "$build" --target soundlab >/dev/null
work=$(mktemp -d)
soundlab_pid=
cleanup() {
  [ -n "$soundlab_pid" ] && kill "$soundlab_pid" 2>/dev/null && wait "$soundlab_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

"$build/app/soundlab" --no-gui --device virtual --sample-rate 48000 --buffer-size 512 \
  --auto-start-audio --no-logging --data-dir "$work/data" --port "$port" --osc-port "$osc_port" \
  >"$work/soundlab.out" 2>&1 &
soundlab_pid=$!
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.02; done
sleep 1  # the stream settles

/usr/bin/python3 "$repo/scripts/bench-phi-load.py" "$port" "$osc_port" "$seconds" "$osc_rate" \
  "$sensor_rate"
