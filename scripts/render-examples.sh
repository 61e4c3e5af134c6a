#!/bin/sh
# Renders white noise and a 20 Hz–20 kHz sweep through the D-ASE engine + spatial downmix at Φ
# depth 0, the defaults, and depth Φ with K = 0 and K = 2 (bench/dsp/render_examples.cpp), then
# draws a spectrogram of each with sox (Debian package `sox`). Per-band envelopes (RMS per 10 ms)
# are written next to them as CSV.
#
#   scripts/render-examples.sh [BUILD_DIR] [OUTPUT_DIR]     (defaults: build, build/examples)
set -eu
build=${1:-build}
out=${2:-$build/examples}
cmake --build "$build" --target render_examples
mkdir -p "$out"
"$build/bench/dsp/render_examples" "$out"
if ! command -v sox >/dev/null 2>&1; then
    echo "sox not found (apt-get install sox): WAV and CSV files are in $out, no spectrograms" >&2
    exit 0
fi
for wav in "$out"/*.wav; do
    png=${wav%.wav}.png
    # Left channel; 1200 × 400 px, 8 s; the title names the file.
    sox "$wav" -n remix 1 spectrogram -x 1200 -y 400 -z 100 -t "$(basename "$wav" .wav)" -o "$png"
done
echo "rendered to $out"
