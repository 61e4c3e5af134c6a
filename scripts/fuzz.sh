#!/usr/bin/env bash
# Builds the libFuzzer harnesses (tests/fuzz) in build-fuzz/ and runs each for a while.
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default 15 s, every target)
# Targets: http_request multipart preset_json osc ws_control (binaries fuzz_<target>).
# Each run starts from the committed seeds (tests/fuzz/corpus/<target>) plus what earlier runs
# found (build-fuzz/corpus/<target>, where new inputs go). Prints executions, exec/s, coverage
# (cov: edges, ft: features) and crashes per target; a crash, sanitizer report, leak or timeout
# leaves its input in build-fuzz/crashes/<target>/ and makes the script exit 1.
# Needs clang and libFuzzer (Debian packages clang and libclang-rt-14-dev: scripts/install-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-15}
shift || true
all=(http_request multipart preset_json osc ws_control)
targets=("${all[@]}")
if (($#)); then targets=("$@"); fi

launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DSOUNDLAB_FUZZ=ON \
    "${launcher[@]}" >/dev/null
cmake --build build-fuzz -j"${FUZZ_BUILD_JOBS:-2}" --target "${targets[@]/#/fuzz_}"

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_odr_violation=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export QT_QPA_PLATFORM=offscreen
failed=0
summary=()
for t in "${targets[@]}"; do
    work=build-fuzz/corpus/$t
    crashes=build-fuzz/crashes/$t
    log=build-fuzz/fuzz-$t.log
    rm -rf "$crashes"  # this run's findings only
    mkdir -p "$work" "$crashes"
    options=(-max_total_time="$seconds" -print_final_stats=1 -timeout=30 -rss_limit_mb=4096
             -artifact_prefix="$crashes/")
    if [[ -f tests/fuzz/$t.dict ]]; then options+=(-dict="tests/fuzz/$t.dict"); fi
    echo "== fuzz_$t: $seconds s"
    rc=0
    build-fuzz/tests/fuzz/fuzz_"$t" "${options[@]}" "$work" "tests/fuzz/corpus/$t" >"$log" 2>&1 ||
        rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -1 || true)
    found=$(find "$crashes" -type f | wc -l)
    line=$(printf '%-13s %10s execs %7s exec/s  %-18s crashes: %s' "$t" "${runs:-?}" \
        "${rate:-?}" "${cov:-cov: ?}" "$found")
    summary+=("$line")
    echo "$line"
    if ((rc != 0 || found > 0)); then
        failed=1
        echo "fuzz_$t FAILED (exit $rc); log: $log; inputs: $crashes/" >&2
        grep -E -A30 'ERROR: |runtime error|==ERROR|deadly signal' "$log" | head -60 >&2 || true
    fi
done
echo "== summary ($seconds s per target)"
printf '%s\n' "${summary[@]}"
exit "$failed"
