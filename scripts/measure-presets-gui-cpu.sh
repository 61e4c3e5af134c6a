#!/bin/bash
# The GUI process's CPU with N presets stored and the Presets tab shown (audio stopped), over
# 10 s: what the preset browser's 30 Hz polling costs (docs/benchmarks.md, "Preset browser").
# Run from the repository root under:
#   xvfb-run -a -s "-screen 0 1000x700x24" scripts/measure-presets-gui-cpu.sh [N ...]
# Needs a built app (build/app/soundlab), xdotool, curl, bc.
set -u
for N in "${@:-0 200 10000}"; do
    T=$(mktemp -d)
    export XDG_RUNTIME_DIR=$T
    python3 scripts/make-preset-bundle.py $T/b.json $N > /dev/null
    build/app/soundlab --device virtual --port 0 --data-dir $T/d --no-logging > $T/out 2> $T/err &
    P=$!
    sleep 4
    URL=$(grep -o 'http://[0-9.:]*' $T/out | head -1)
    if [ "$N" -gt 0 ]; then
        curl -s -X POST -H 'Content-Type: application/json' --data-binary @$T/b.json \
            "$URL/api/presets/import" > /dev/null
    fi
    # The fifth of five tabs in the 960-pixel window.
    xdotool mousemove 864 36 click 1
    sleep 3
    tick=$(getconf CLK_TCK)
    a=$(awk '{print $14+$15}' /proc/$P/stat)
    sleep 10
    b=$(awk '{print $14+$15}' /proc/$P/stat)
    echo "presets=$N cpu=$(echo "scale=1; ($b-$a)*100/$tick/10" | bc)% of one core"
    kill -TERM $P
    wait $P
    rm -rf $T
done
