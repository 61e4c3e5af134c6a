#!/usr/bin/env bash
# The largest gap between /ws/status frames (10 Hz: one every 100 ms) while the API does slow
# work: the real program, headless, on the virtual device with audio running and a temporary
# data directory; one WebSocket client (api_ws_gap_client) stamps every frame. Windows:
#   baseline        nothing else happens (5 s)
#   import          POST /api/presets/import of a 10 000-preset bundle (multipart), then the
#                   same bundle again with collision=overwrite (each rewrites 10 000 files)
#   device restart  POST /api/audio/device with another buffer_size (256 ↔ 512), 5 times, and
#                   POST /api/audio/stop + /api/audio/start, 5 times
# For each window: the largest gap between two frames around it, how long the operation took
# (curl), and how long GET /api/status took when sent in the middle of it.
# Target (issue "Control plane"): largest gap < 200 ms (two frame periods).
#
# Usage: scripts/bench-ws-gap.sh [BUILD_DIR]     (default: build)
#        SOUNDLAB=/path/to/other/soundlab scripts/bench-ws-gap.sh   (compare another build, e.g.
#        one from before the handlers moved to workers; the client still comes from BUILD_DIR)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$repo/build}
port=${PORT:-18791}
base=http://127.0.0.1:$port

if [ -n "${SOUNDLAB:-}" ]; then
  cmake --build "$build" --target api_ws_gap_client >/dev/null
  soundlab=$SOUNDLAB
else
  cmake --build "$build" --target soundlab api_ws_gap_client >/dev/null
  soundlab=$build/app/soundlab
fi
client=$build/tests/core/api/api_ws_gap_client

work=$(mktemp -d)
soundlab_pid=
client_pid=
cleanup() {
  [ -n "$client_pid" ] && kill "$client_pid" 2>/dev/null && wait "$client_pid" 2>/dev/null
  [ -n "$soundlab_pid" ] && kill "$soundlab_pid" 2>/dev/null && wait "$soundlab_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

now_us() { date +%s%6N; }

# The same bundle as scripts/bench-presets-http.sh (export format, docs/presets.md).
python3 "$repo/scripts/make-preset-bundle.py" "$work/bundle.json" 10000

"$soundlab" --no-gui --device virtual --auto-start-audio --data-dir "$work/data" \
  --port "$port" >"$work/soundlab.out" 2>&1 &
soundlab_pid=$!
until curl -sf "$base/healthz" >/dev/null; do sleep 0.02; done

"$client" "ws://127.0.0.1:$port/ws/status" 600 >"$work/frames" 2>"$work/client.err" &
client_pid=$!
until [ -s "$work/frames" ]; do sleep 0.02; done
sleep 1

windows=$work/windows  # name start_us end_us operation_s status_s
# run NAME CURL_ARGS...: the operation, with a GET /api/status sent while it runs.
run() {
  local name=$1; shift
  local begin; begin=$(now_us)
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' "$@" >"$work/op" &
  local op=$!
  sleep 0.05
  local status_s; status_s=$(curl -s -o /dev/null -w '%{time_total}' "$base/api/status")
  wait "$op"
  local end; end=$(now_us)
  read -r code op_s <"$work/op"
  [[ $code == 2* ]] || echo "warning: $name answered $code" >&2
  echo "$name $begin $end $op_s $status_s" >>"$windows"
  sleep 0.5  # keep the windows apart
}

begin=$(now_us); sleep 5; echo "baseline $begin $(now_us) - -" >>"$windows"; sleep 0.5

run import -F "file=@$work/bundle.json" "$base/api/presets/import"
run import-overwrite -F "file=@$work/bundle.json" "$base/api/presets/import?collision=overwrite"

for size in 256 512 256 512 256; do
  run device-restart -X POST -H 'Content-Type: application/json' \
    -d "{\"buffer_size\":$size}" "$base/api/audio/device"
done
for _ in 1 2 3 4 5; do
  run audio-stop -X POST "$base/api/audio/stop"
  run audio-start -X POST "$base/api/audio/start"
done
sleep 1

kill "$client_pid" 2>/dev/null || true; wait "$client_pid" 2>/dev/null || true; client_pid=

python3 - "$work/frames" "$windows" "$work/client.err" <<'EOF'
import sys
frames = [int(line) for line in open(sys.argv[1]) if line.strip()]
closes = sum("closed by the server" in line for line in open(sys.argv[3]))
rows = {}
for line in open(sys.argv[2]):
    name, begin, end, op_s, status_s = line.split()
    begin, end = int(begin), int(end)
    # Gaps between consecutive frames whose interval overlaps the window.
    gaps = [b - a for a, b in zip(frames, frames[1:]) if b >= begin and a <= end]
    row = rows.setdefault(name, {"n": 0, "gap": 0, "op": [], "status": []})
    row["n"] += 1
    row["gap"] = max(row["gap"], max(gaps) if gaps else 0)
    if op_s != "-":
        row["op"].append(float(op_s))
        row["status"].append(float(status_s))
print(f"frames received: {len(frames)}; the server closed the client {closes} times")
print(f"{'window':<18} {'runs':>4} {'largest gap':>12} {'operation':>12} {'GET /api/status':>16}")
for name, r in rows.items():
    op = f"{max(r['op']) * 1000:.0f} ms" if r["op"] else "-"
    st = f"{max(r['status']) * 1000:.1f} ms" if r["status"] else "-"
    print(f"{name:<18} {r['n']:>4} {r['gap'] / 1000:>9.0f} ms {op:>12} {st:>16}")
worst = max(r["gap"] for r in rows.values()) / 1000
print(f"largest gap overall: {worst:.0f} ms (target < 200 ms)")
EOF
