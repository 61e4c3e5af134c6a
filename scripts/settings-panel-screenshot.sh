#!/bin/bash
# The docs/img/settings-panel.png screenshot (docs/install.md "Settings"). Run from the repository
# root under: xvfb-run -a -s "-screen 0 1400x900x24" scripts/settings-panel-screenshot.sh [out.png]
# Needs a built app (build/app/soundlab), xdotool, xwd (x11-apps), xwdtopnm and pnmtopng (netpbm).
set -u
OUT=${1:-docs/img/settings-panel.png}
TMP=$(mktemp -d)
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$TMP}
export XDG_CONFIG_HOME=$TMP/config
mkdir -p $XDG_CONFIG_HOME/soundlab
# A settings file with a few values, and the Settings tab (the last, index 6) open.
printf '[audio]\nbuffer-size=256\n[api]\nport=0\n[metrics]\nmetrics-rate=60\n' \
    > $XDG_CONFIG_HOME/soundlab/soundlab.conf
printf '[window]\ntab=6\n' > $XDG_CONFIG_HOME/soundlab/window.conf
SOUNDLAB_OSC_PORT=0 build/app/soundlab --device virtual --auto-start-audio --data-dir $TMP/data \
    --no-logging > $TMP/out.txt 2> $TMP/err.txt &
PID=$!
sleep 4
WIN=$(xdotool search --onlyvisible --name Soundlab | head -1)
xdotool windowsize $WIN 1300 820
sleep 1
# A refused change, as the panel shows it: metrics-rate 500, then Save.
xdotool mousemove 310 625 click --repeat 3 1
xdotool type 500
xdotool mousemove 1250 67 click 1
sleep 2
xwd -root -silent | xwdtopnm 2>/dev/null | pnmtopng > "$OUT"
kill -TERM $PID; wait $PID; echo "soundlab exit code $?"; cat $TMP/err.txt
