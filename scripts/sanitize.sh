#!/usr/bin/env bash
# Builds the tests with a sanitizer in a build directory of its own and runs them.
#   scripts/sanitize.sh asan [CTEST_REGEX]   AddressSanitizer + UndefinedBehaviorSanitizer
#   scripts/sanitize.sh tsan [CTEST_REGEX]   ThreadSanitizer (suppressions: scripts/tsan.supp)
# Without a regex, tsan runs the threaded tests (audio engine, JACK, API, WebSockets) and asan
# runs everything but the 30 s load test. Build trees: build-asan/, build-tsan/.
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:?asan|tsan}
case "$kind" in
asan)
    flags="-fsanitize=address,undefined -fno-omit-frame-pointer"
    default_regex='.'
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}
    export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
    ;;
tsan)
    flags="-fsanitize=thread"
    default_regex='AudioEngine|LoopbackProbe|Jack|ApiServer|ApiWorker|WebSocket|ProcessingChain'
    export TSAN_OPTIONS=${TSAN_OPTIONS:-suppressions=$PWD/scripts/tsan.supp:halt_on_error=1}
    ;;
*)
    echo "usage: $0 asan|tsan [CTEST_REGEX]" >&2
    exit 2
    ;;
esac
regex=${2:-$default_regex}
dir="build-$kind"
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" \
    -DSOUNDLAB_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build "$dir"
QT_QPA_PLATFORM=offscreen ctest --test-dir "$dir" --output-on-failure -R "$regex" -E 'ApiLoad'
