#!/usr/bin/env bash
# Resident memory of soundlab after it has run for a while, headless and with the GUI.
#   scripts/measure-footprint.sh [build-dir] [seconds]
set -euo pipefail
build=${1:-build}
seconds=${2:-60}
data=$(mktemp -d)
measure() {
    local label=$1; shift
    "$@" >/dev/null 2>&1 &
    local pid=$!
    sleep "$seconds"
    local rss
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
    kill -TERM "$pid"; wait "$pid" || true
    awk -v l="$label" -v s="$seconds" -v r="$rss" 'BEGIN { printf "%-10s RSS after %ss: %.1f MiB\n", l, s, r / 1024 }'
}
measure headless "$build/app/soundlab" --no-gui --device virtual --auto-start-audio --data-dir "$data" --port 0
measure gui env QT_QPA_PLATFORM=offscreen QT_QUICK_BACKEND=software \
    "$build/app/soundlab" --device virtual --auto-start-audio --data-dir "$data" --port 0
rm -rf "$data"
