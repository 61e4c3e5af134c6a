#!/bin/sh
# Runs a GUI test on a virtual X display (CTest: SKIP_RETURN_CODE 77 when Xvfb is missing).
if ! command -v xvfb-run >/dev/null 2>&1; then
    echo "SKIPPED: xvfb-run is missing (apt-get install xvfb xauth, scripts/install-deps.sh)"
    exit 77
fi
export QT_QPA_PLATFORM=xcb
exec xvfb-run -a -s "-screen 0 1400x900x24" "$@"
