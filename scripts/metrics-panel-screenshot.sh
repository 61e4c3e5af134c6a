#!/bin/bash
# The docs/img/metrics-panel.png screenshot (docs/metrics.md "GUI"). Run from the repository root
# under: xvfb-run -a -s "-screen 0 1400x900x24" scripts/metrics-panel-screenshot.sh [out.png]
# Needs a built app (build/app/soundlab), xdotool, xwd (x11-apps), xwdtopnm and pnmtopng (netpbm).
set -u
OUT=${1:-docs/img/metrics-panel.png}
TMP=$(mktemp -d)
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$TMP}
D=$TMP/data
# Open on the Metrics tab (index 3): the window state file says which tab was open last.
export XDG_CONFIG_HOME=$TMP/config
mkdir -p $XDG_CONFIG_HOME/soundlab
printf '[window]\ntab=3\n' > $XDG_CONFIG_HOME/soundlab/window.conf
build/app/soundlab --device virtual --auto-start-audio --port 0 --data-dir $D --no-logging > $TMP/out.txt 2> $TMP/err.txt &
PID=$!
sleep 4
URL=$(grep -o 'http://[0-9.:]*' $TMP/out.txt | head -1)
curl -s -X PUT -H 'Content-Type: application/json' -d '{"mode":"internal","internal":{"frequency_hz":0.2}}' $URL/api/phi > $TMP/phi.txt
WIN=$(xdotool search --onlyvisible --name Soundlab | head -1)
xdotool getwindowgeometry $WIN > $TMP/geom.txt
xdotool windowsize $WIN 1300 820
sleep 8
curl -s -X PUT -H 'Content-Type: application/json' -d '{"engine":{"coupling_strength":0}}' $URL/api/engine > $TMP/eng1.txt
sleep 8
curl -s -X PUT -H 'Content-Type: application/json' -d '{"engine":{"coupling_strength":2}}' $URL/api/engine > $TMP/eng2.txt
sleep 8
curl -s $URL/api/metrics/states > $TMP/states.txt
xwd -root -silent | xwdtopnm 2>/dev/null | pnmtopng > "$OUT"
kill -TERM $PID; wait $PID; echo "soundlab exit code $?"; cat $TMP/err.txt
