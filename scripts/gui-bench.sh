#!/bin/bash
# The control room's cost (docs/benchmarks.md "Control room"): CPU of the soundlab process with the
# dashboard visible (software renderer, 30 Hz view-models) against the same run headless, the
# frame time p50/p99 of the window (the software render loop's own timing, logging category
# qt.scenegraph.time.renderloop, whole ms), and the xruns while the window is resized 60 times. Run from the repository root:
#   xvfb-run -a -s "-screen 0 1400x900x24" scripts/gui-bench.sh [seconds]
# TAB=N opens detail view N beside the right column instead (6: Settings, no chart).
# Needs a built app (build/app/soundlab), xdotool, curl, python3.
set -u
SECONDS_RUN=${1:-20}
TMP=$(mktemp -d)
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$TMP}
export XDG_CONFIG_HOME=$TMP/config
mkdir -p $XDG_CONFIG_HOME/soundlab
printf '[window]\ntab=%s\ngeometry=@Rect(0 0 1280 800)\n' "${TAB:--1}" > $XDG_CONFIG_HOME/soundlab/window.conf
TICK=$(getconf CLK_TCK)

# CPU seconds (user + system) of a process so far.
cpu() { awk -v t=$TICK '{ print ($14 + $15) / t }' /proc/$1/stat; }
# Starts soundlab with the given extra flags; sets PID and URL.
start() {
    build/app/soundlab --device virtual --auto-start-audio --port 0 --data-dir $TMP/data \
        --no-logging "$@" > $TMP/out.txt 2> $TMP/err.txt &
    PID=$!
    for _ in $(seq 50); do
        URL=$(grep -o 'http://[0-9.:]*' $TMP/out.txt | head -1)
        [ -n "$URL" ] && break
        sleep 0.2
    done
    curl -s -X PUT -H 'Content-Type: application/json' \
        -d '{"mode":"internal","internal":{"frequency_hz":0.2}}' $URL/api/phi > /dev/null
    sleep 5  # the window is up, the charts are full of points
}
measure_cpu() {
    local before after
    before=$(cpu $PID)
    sleep $SECONDS_RUN
    after=$(cpu $PID)
    python3 -c "print(f'{100 * ($after - $before) / $SECONDS_RUN:.1f}')"
}
xruns() { curl -s $URL/api/audio/performance | python3 -c 'import json,sys; x=json.load(sys.stdin)["xruns"]; print(x["input_overflows"] + x["output_underflows"])'; }
stop() { kill -TERM $PID; wait $PID; }

start --no-gui
HEADLESS=$(measure_cpu)
stop

export QT_QUICK_BACKEND=software QT_LOGGING_RULES="qt.scenegraph.time.renderloop=true"
start
WIN=$(xdotool search --onlyvisible --name Soundlab | head -1)
xdotool windowsize $WIN 1280 800
sleep 2
: > $TMP/err.txt  # frame timings from here on
GUI=$(measure_cpu)
cp $TMP/err.txt $TMP/frames.txt
BEFORE=$(xruns)
for i in $(seq 30); do
    xdotool windowsize $WIN 1000 640; sleep 0.1
    xdotool windowsize $WIN 1400 880; sleep 0.1
done
xdotool windowsize $WIN 1280 800
sleep 1
AFTER=$(xruns)
stop

python3 - "$TMP/frames.txt" "$HEADLESS" "$GUI" "$SECONDS_RUN" "$BEFORE" "$AFTER" <<'PY'
import re, statistics, sys
frames = [int(m.group(1)) for m in
          re.finditer(r"renderloop in (\d+)ms", open(sys.argv[1]).read())]
headless, gui, seconds = float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
frames.sort()
p = lambda q: frames[min(len(frames) - 1, int(q * len(frames)))] if frames else float("nan")
print(f"process CPU, % of one core over {seconds:.0f} s: headless {headless:.1f}, "
      f"dashboard {gui:.1f} (GUI share {gui - headless:.1f})")
print(f"frames: {len(frames)} ({len(frames) / seconds:.1f}/s), frame time p50 {p(0.5)} ms, "
      f"p99 {p(0.99)} ms, max {frames[-1] if frames else 'nan'} ms")
print(f"xruns during 60 resizes: {int(sys.argv[6]) - int(sys.argv[5])}")
PY
