#!/usr/bin/env bash
# What the session logs cost in the running program (docs/benchmarks.md "Session logs"): the
# logger thread's CPU time (/proc/PID/task/TID/schedstat, ns on CPU) beside the whole process's,
# and how fast the session's files grow, with metrics at 30 and at 120 Hz, headless on the
# virtual device.
#   scripts/bench-logging.sh [build-dir] [seconds]
set -euo pipefail
build=${1:-build}
seconds=${2:-30}

on_cpu_ns() { awk '{print $1}' "$1/schedstat"; }  # one thread
process_cpu_ns() {  # every thread, those that ended included (utime + stime, clock ticks)
    awk -v tick="$(getconf CLK_TCK)" '{printf "%d", ($14 + $15) * 1e9 / tick}' "/proc/$1/stat"
}
bytes() { # total size of the files matching $2 under $1
    find "$1" -type f -name "$2" -printf '%s\n' | awk '{s += $1} END {print s + 0}'
}

printf '%-6s %14s %14s %12s %14s %12s\n' rate "logger CPU" "process CPU" "all B/s" "metrics B/s" "gzip ratio"
for rate in 30 120; do
    logs=$(mktemp -d)
    "$build/app/soundlab" --no-gui --device virtual --auto-start-audio --port 0 \
        --metrics-rate "$rate" --log-dir "$logs/logs" --data-dir "$logs/data" >"$logs/out.txt" 2>&1 &
    pid=$!
    sleep 3  # start-up, and the first second's housekeeping
    task=""
    for t in /proc/$pid/task/*; do
        [ "$(cat "$t/comm")" = soundlab-log ] && task=$t
    done
    [ -n "$task" ] || { echo "no soundlab-log thread" >&2; kill -TERM $pid; exit 1; }
    l0=$(on_cpu_ns "$task"); p0=$(process_cpu_ns $pid)
    a0=$(( $(bytes "$logs/logs" '*.csv') + $(bytes "$logs/logs" '*.jsonl') ))
    m0=$(( $(bytes "$logs/logs/metrics" '*.csv') + $(bytes "$logs/logs/metrics" '*.jsonl') ))
    sleep "$seconds"
    l1=$(on_cpu_ns "$task"); p1=$(process_cpu_ns $pid)
    a1=$(( $(bytes "$logs/logs" '*.csv') + $(bytes "$logs/logs" '*.jsonl') ))
    m1=$(( $(bytes "$logs/logs/metrics" '*.csv') + $(bytes "$logs/logs/metrics" '*.jsonl') ))
    kill -TERM $pid
    wait $pid
    gz=$(bytes "$logs/logs" '*.gz')
    awk -v r="$rate" -v s="$seconds" -v l=$((l1 - l0)) -v p=$((p1 - p0)) -v a=$((a1 - a0)) \
        -v m=$((m1 - m0)) -v total="$a1" -v gz="$gz" 'BEGIN {
        printf "%-6s %13.3f%% %13.2f%% %12.0f %14.0f %11.1fx\n", r " Hz", 100 * l / (s * 1e9),
               100 * p / (s * 1e9), a / s, m / s, (gz > 0 ? total / gz : 0) }'
    rm -rf "$logs"
done
echo "CPU: % of one core over ${seconds} s; B/s: CSV + JSONL as written (before gzip); $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
