#!/usr/bin/env bash
# Measures the preset endpoints end to end (curl → the real program → disk) with 10 000 presets:
# import of a generated 10 000-preset bundle (dry run, then real, as a multipart upload), list and
# search requests, stats, export, a restart that loads the store, and the A/B requests. Prints the
# median of 7 requests (21 for the toggle) as curl measures them (time_total, seconds).
#
# Usage: scripts/bench-presets-http.sh [BUILD_DIR]     (default: build)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$repo/build}
port=${PORT:-18790}
base=http://127.0.0.1:$port

cmake --build "$build" --target soundlab >/dev/null
soundlab=$build/app/soundlab

work=$(mktemp -d)
soundlab_pid=
cleanup() {
  [ -n "$soundlab_pid" ] && kill "$soundlab_pid" 2>/dev/null && wait "$soundlab_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

start() {
  "$soundlab" --no-gui --device virtual --data-dir "$work/data" --port "$port" >"$work/out" 2>&1 &
  soundlab_pid=$!
  until curl -sf "$base/healthz" >/dev/null; do sleep 0.02; done
}
stop() { kill "$soundlab_pid"; wait "$soundlab_pid" || true; soundlab_pid=; }

# median SAMPLES CURL_ARGS...: time_total of SAMPLES identical requests, median.
median() {
  local n=$1; shift
  for _ in $(seq "$n"); do curl -s -o /dev/null -w '%{time_total}\n' "$@"; done |
    sort -n | sed -n "$(((n + 1) / 2))p"
}

python3 "$repo/scripts/make-preset-bundle.py" "$work/bundle.json" 10000
echo "bundle: $(stat -c %s "$work/bundle.json") bytes, 10000 presets"

start
curl -s -o /dev/null -w 'import dry run: %{http_code} in %{time_total} s\n' \
  -F "file=@$work/bundle.json" "$base/api/presets/import?dry_run=true"
curl -s -o /dev/null -w 'import real run: %{http_code} in %{time_total} s\n' \
  -F "file=@$work/bundle.json" "$base/api/presets/import"
for path in "/api/presets" "/api/presets?limit=200" "/api/presets?query=ember&limit=200" \
            "/api/presets?tag=favourite&limit=200" "/api/presets?query=nothing-matches" \
            "/api/presets/stats"; do
  echo "GET $path: $(median 7 "$base$path") s"
done
curl -s -o "$work/export.json" -w 'export: %{http_code} in %{time_total} s, %{size_download} bytes\n' \
  -X POST "$base/api/presets/export"
curl -s -o /dev/null -w 'import of the export, dry run, merge: %{http_code} in %{time_total} s\n' \
  -H 'Content-Type: application/json' --data-binary "@$work/export.json" \
  "$base/api/presets/import?dry_run=true&collision=merge"
stop

begin=$(date +%s.%N)
start
echo "restart until /healthz answers (loads 10000 files): $(echo "$(date +%s.%N) - $begin" | bc) s"
curl -s -X POST "$base/api/audio/start" >/dev/null
echo "POST /api/presets/ab/store/A (live): $(median 7 -X POST "$base/api/presets/ab/store/A") s"
curl -s -X POST -H 'Content-Type: application/json' -d '{"name": "b", "engine": {"coupling_strength": 2}}' \
  "$base/api/presets/ab/store/B" >/dev/null
echo "POST /api/presets/ab/toggle (audio running): $(median 21 -X POST "$base/api/presets/ab/toggle") s"
stop
