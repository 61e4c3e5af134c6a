#!/bin/bash
# The docs/img/presets-panel.png screenshot (docs/presets.md "GUI"). Run from the repository root
# under: xvfb-run -a -s "-screen 0 1400x900x24" scripts/presets-panel-screenshot.sh [out.png]
# Needs a built app (build/app/soundlab), xdotool, xwd (x11-apps), xwdtopnm and pnmtopng (netpbm).
# The presets and the A/B slots are filled over HTTP (the panel shows what the API changed); a
# bundle is then chosen in the Import… dialog, so the picture has the dry-run report too.
set -u
OUT=${1:-docs/img/presets-panel.png}
TMP=$(mktemp -d)
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$TMP}
# Open on the Presets tab (index 5): the window state file says which tab was open last.
export XDG_CONFIG_HOME=$TMP/config
mkdir -p $XDG_CONFIG_HOME/soundlab
printf '[window]\ntab=5\n' > $XDG_CONFIG_HOME/soundlab/window.conf
D=$TMP/data
# Run from $TMP/import: the file dialog opens in the working directory, where the bundle is alone.
ROOT=$PWD
mkdir -p $TMP/import
cat > $TMP/import/bundle.json <<'JSON'
{"schema_version": 1, "presets": [
 {"name": "WARM PAD", "engine": {"coupling_strength": 1.1}},
 {"name": "Rain", "tags": ["evening"]},
 {"name": "Broken", "phi": {"depth": 9}}]}
JSON
(cd $TMP/import && exec $ROOT/build/app/soundlab --device virtual --auto-start-audio --port 0 --data-dir $D --no-logging > $TMP/out.txt 2> $TMP/err.txt) &
PID=$!
sleep 4
URL=$(grep -o 'http://[0-9.:]*' $TMP/out.txt | head -1)
post() { curl -s -X POST -H 'Content-Type: application/json' -d "$2" "$URL$1" > /dev/null; }
post /api/presets '{"name":"Warm pad","tags":["pad","evening"],"notes":"slow and wide","engine":{"coupling_strength":0.6}}'
post /api/presets '{"name":"Glass bells","tags":["bright"],"engine":{"coupling_strength":1.4,"frequencies":[0.5,0.809,3.5,2.118,3.427,5.545,8.972,14.517]},"downmix":{"strategy":"phi"}}'
post /api/presets '{"name":"Deep drone","tags":["dark","evening"],"phi":{"mode":"internal","depth":1.2,"frequency":0.05}}'
post /api/presets '{"name":"Focus","tags":["study"],"downmix":{"strategy":"energy"}}'
WARM=$(curl -s "$URL/api/presets?query=warm" | grep -o '"id":"[^"]*"' | head -1 | cut -d'"' -f4)
GLASS=$(curl -s "$URL/api/presets?query=glass" | grep -o '"id":"[^"]*"' | head -1 | cut -d'"' -f4)
post "/api/presets/ab/store/A?id=$WARM" ''
post "/api/presets/ab/store/B?id=$GLASS" ''
post /api/presets/ab/toggle ''
WIN=$(xdotool search --onlyvisible --name Soundlab | head -1)
xdotool windowsize $WIN 1300 820
sleep 2
# Choose "Glass bells" in the list (its row is the second; the list starts below the search).
xdotool mousemove 200 ${ROW_Y:-240} click 1
sleep 1
# Import…, then the bundle (the dialog's only row): the panel shows the dry-run report.
xdotool mousemove 704 731 click 1
sleep 2
xdotool mousemove 500 290 click --repeat 2 --delay 80 1
sleep 2
xwd -root -silent | xwdtopnm 2>/dev/null | pnmtopng > "$OUT"
kill -TERM $PID; wait $PID; echo "soundlab exit code $?"; cat $TMP/err.txt
