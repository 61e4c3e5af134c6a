#!/bin/bash
# The docs/img/latency-panel.png screenshot (docs/latency.md "GUI"). Run from the repository root
# under: xvfb-run -a -s "-screen 0 1400x900x24" scripts/latency-panel-screenshot.sh [out.png]
# Needs a built app (build/app/soundlab), xdotool, xwd (x11-apps), xwdtopnm and pnmtopng (netpbm).
# The virtual device's loop (1234.37 samples at 20 dB SNR, its clock 50 ppm fast) is calibrated
# with the panel's button, then "= measured" sets the compensation to the round trip (the lamp
# lights). The clicks are at the panel's places in a 1300×820 window at the screen's corner.
set -u
OUT=${1:-docs/img/latency-panel.png}
TMP=$(mktemp -d)
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$TMP}
D=$TMP/data
# Open on the Latency tab (index 4): the window state file says which tab was open last (and the
# run leaves the user's own file alone).
export XDG_CONFIG_HOME=$TMP/config
mkdir -p $XDG_CONFIG_HOME/soundlab
printf '[window]\ntab=4\n' > $XDG_CONFIG_HOME/soundlab/window.conf
build/app/soundlab --device virtual --auto-start-audio --port 0 --data-dir $D --no-logging \
    --buffer-size 256 --virtual-loopback-delay 1234.37 --virtual-loopback-snr 20 \
    --virtual-skew-ppm 50 > $TMP/out.txt 2> $TMP/err.txt &
PID=$!
sleep 4
URL=$(grep -o 'http://[0-9.:]*' $TMP/out.txt | head -1)
WIN=$(xdotool search --onlyvisible --name Soundlab | head -1)
xdotool windowsize $WIN 1300 820
sleep 16
# Calibrate (the left column's first button), then "= measured" (Alignment, after the four steps).
xdotool mousemove 57 96 click 1
sleep 5
xdotool mousemove 763 164 click 1
xdotool mousemove 1290 790  # off the buttons: no tooltip in the picture
sleep 10
curl -s $URL/api/latency/stats > $TMP/stats.txt
python3 -c "import json,sys; s=json.load(open('$TMP/stats.txt')); c=s['last_calibration'] or {}; \
print('calibration:', c.get('state'), (c.get('result') or {}).get('verdict'), \
(c.get('result') or {}).get('round_trip_samples'), '| compensation', s['current']['compensation_offset_ms'])"
xwd -id $WIN -silent | xwdtopnm 2>/dev/null | pnmtopng > "$OUT"
kill -TERM $PID; wait $PID; echo "soundlab exit code $?"; cat $TMP/err.txt
