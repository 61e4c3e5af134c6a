#!/bin/bash
# The remote control room's delays over loopback (docs/benchmarks.md "Remote control room"):
# starts a headless box (virtual device, audio running, a token) and runs
# build/bench/remote/bench_remote_latency against it: command → /ws/events record, command →
# heard, frame heard time → chart point, p50/p99. Run from the repository root:
#   scripts/bench-remote.sh [COMMANDS] [BUFFER_SIZE] [BUILD_DIR]
set -eu
COMMANDS=${1:-200}
BUFFER=${2:-512}
BUILD=${3:-build}
TMP=$(mktemp -d)
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf $TMP' EXIT
TOKEN=bench-$RANDOM$RANDOM
$BUILD/app/soundlab --no-gui --device virtual --auto-start-audio --buffer-size $BUFFER --port 0 \
    --token $TOKEN \
    --data-dir $TMP/data --no-logging > $TMP/out.txt 2> $TMP/err.txt &
PID=$!
URL=
for _ in $(seq 100); do
    URL=$(grep -o 'http://[0-9.:]*' $TMP/out.txt | head -1 || true)
    [ -n "$URL" ] && break
    sleep 0.1
done
[ -n "$URL" ] || { echo "the box did not start:" >&2; cat $TMP/err.txt >&2; exit 1; }
$BUILD/bench/remote/bench_remote_latency $URL $TOKEN $COMMANDS
