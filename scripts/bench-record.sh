#!/usr/bin/env bash
# What the session recording costs (docs/logging.md "Session audio"): CPU of the recorder's
# writer thread (thread name sl-recorder, from /proc) beside the whole process's, and how fast
# the two FLAC files grow, for a tone and for white noise (FLAC's worst case), on the virtual
# device. All figures of one line come from the same run.
#   scripts/bench-record.sh [build-dir] [seconds] [sample-rate]
set -euo pipefail
build=${1:-build}
seconds=${2:-30}
rate=${3:-48000}
tick=$(getconf CLK_TCK)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# utime + stime of /proc/<pid>[/task/<tid>]/stat, in clock ticks
ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "$1/stat"; }
bytes() { find "$work/$1/audio" -name '*.part' -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'; }

printf '%-10s %6s %10s %12s %12s %10s\n' input rate writer process 'flac kB/s' 'of PCM-24'
for input in sine:440 noise; do
    dir="$work/${input%%:*}"
    "$build/app/soundlab" --no-gui --device virtual --auto-start-audio --record \
        --virtual-input "$input" --sample-rate "$rate" --buffer-size 256 \
        --log-dir "$dir" --data-dir "$work/data" --port 0 >/dev/null 2>&1 &
    pid=$!
    sleep 2
    writer=$(grep -l '^sl-recorder$' /proc/$pid/task/*/comm | head -1 | xargs dirname)
    w0=$(ticks "$writer"); p0=$(ticks "/proc/$pid"); b0=$(bytes "${input%%:*}")
    sleep "$seconds"
    w1=$(ticks "$writer"); p1=$(ticks "/proc/$pid"); b1=$(bytes "${input%%:*}")
    kill -TERM "$pid"; wait "$pid" || true
    # PCM-24 of one input and two output channels: what the files would be uncompressed.
    awk -v i="$input" -v r="$rate" -v s="$seconds" -v t="$tick" -v w=$((w1 - w0)) \
        -v p=$((p1 - p0)) -v b=$((b1 - b0)) 'BEGIN {
        printf "%-10s %6d %9.2f%% %11.2f%% %12.1f %9.2f\n", i, r, 100 * w / t / s,
               100 * p / t / s, b / s / 1000, b / s / (r * 3 * 3) }'
done
