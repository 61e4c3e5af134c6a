#!/bin/bash
# The docs/img/dashboard.png screenshot (docs/gui.md): the control room at 1280×800 with audio
# running, Φ on the internal oscillator, two presets in the A/B slots. Run from the repository
# root under: xvfb-run -a -s "-screen 0 1400x900x24" scripts/dashboard-screenshot.sh [out.png]
# Needs a built app (build/app/soundlab), xdotool, xwd (x11-apps), xwdtopnm, pnmcut and pnmtopng
# (netpbm).
set -u
OUT=${1:-docs/img/dashboard.png}
TMP=$(mktemp -d)
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$TMP}
export QT_QUICK_BACKEND=software
D=$TMP/data
# The dashboard alone (no detail view open: tab -1) at the design size.
export XDG_CONFIG_HOME=$TMP/config
mkdir -p $XDG_CONFIG_HOME/soundlab
printf '[window]\ntab=-1\ngeometry=@Rect(0 0 1280 800)\n' > $XDG_CONFIG_HOME/soundlab/window.conf
build/app/soundlab --device virtual --auto-start-audio --port 0 --data-dir $D --no-logging > $TMP/out.txt 2> $TMP/err.txt &
PID=$!
sleep 4
URL=$(grep -o 'http://[0-9.:]*' $TMP/out.txt | head -1)
put() { curl -s -X PUT -H 'Content-Type: application/json' -d "$2" $URL$1 > /dev/null; }
post() { curl -s -X POST -H 'Content-Type: application/json' -d "$2" $URL$1 > /dev/null; }
post /api/presets/ab/store/A '{"name":"Warm drift","engine":{"coupling_strength":0.6}}'
post /api/presets/ab/store/B '{"name":"Sharp lock","engine":{"coupling_strength":2}}'
post /api/presets/ab/toggle ''
put /api/phi '{"mode":"internal","internal":{"frequency_hz":0.2}}'
put /api/audio/output '{"gain_db":-6}'
WIN=$(xdotool search --onlyvisible --name Soundlab | head -1)
xdotool windowmove $WIN 0 0
xdotool windowsize $WIN 1280 800
sleep 12
put /api/engine '{"engine":{"coupling_strength":0}}'
sleep 8
put /api/engine '{"engine":{"coupling_strength":2}}'
sleep 8
xwd -root -silent | xwdtopnm 2>/dev/null | pnmcut -left 0 -top 0 -width 1280 -height 800 | pnmtopng > "$OUT"
kill -TERM $PID; wait $PID; echo "soundlab exit code $?"; cat $TMP/err.txt
