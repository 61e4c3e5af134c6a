#!/usr/bin/env bash
# The soak of issue 17 (docs/benchmarks.md "Soak"): the real `soundlab --no-gui` on the virtual
# device for MINUTES (default 60) under 110 WebSocket readers, a stalled client, 50 REST
# requests/s, OSC at 100 Hz and a calibration every 5 minutes; prints the figures and exits
# non-zero when a pass criterion fails (scripts/soak.py lists them). Not in CTest (CI time).
#
# Usage: scripts/soak.sh [MINUTES] [BUILD_DIR]     (default: 60, build)
# Needs python3-websockets (scripts/install-deps.sh). The figures are also in WORK/soak.json;
# KEEP=1 keeps WORK (the logs, the samples) and prints where it is.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
minutes=${1:-60}
build=${2:-$repo/build}
/usr/bin/python3 -c 'import websockets' 2>/dev/null ||
  { echo "python3-websockets is missing (scripts/install-deps.sh)" >&2; exit 1; }
cmake --build "$build" --target soundlab >/dev/null

work=$(mktemp -d)
if [[ ${KEEP:-0} == 1 ]]; then
  trap 'echo "kept: $work"' EXIT
else
  trap 'rm -rf "$work"' EXIT
fi
echo "soak: $minutes min, load average at start: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
/usr/bin/python3 "$repo/scripts/soak.py" "$build/app/soundlab" "$minutes" "$work"
