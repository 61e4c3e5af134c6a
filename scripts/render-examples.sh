#!/bin/sh
# Renders white noise and a 20 Hz–20 kHz sweep through the D-ASE engine + spatial downmix at Φ
# depth 0, the defaults, and depth Φ with K = 0 and K = 2 (bench/dsp/render_examples.cpp), then
# draws a spectrogram of each with sox (Debian package `sox`). Per-band envelopes (RMS per 10 ms)
# are written next to them as CSV and drawn with gnuplot (Debian package `gnuplot-nox`), one
# trace per band, so the pulsing of each band (and their locking at K = 2) can be seen.
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
if ! command -v gnuplot >/dev/null 2>&1; then
    echo "gnuplot not found (apt-get install gnuplot-nox): envelopes are CSV only" >&2
else
    for csv in "$out"/*-envelopes.csv; do
        png=${csv%.csv}.png
        # Band k drawn at offset k, each scaled to its own peak, so eight traces read like a
        # scope: the shape of each band's pulsing, whatever its level.
        gnuplot -e "set terminal pngcairo size 1200,500; set output '$png';
            set datafile separator ','; set key off; set xlabel 'time (s)';
            set ylabel 'band k (envelope / its peak)'; set ytics 0,1,7; set yrange [-0.1:8];
            set title '$(basename "$csv" .csv): RMS per 10 ms';
            do for [k=0:7] { stats '$csv' using (column(k + 2)) every ::1 nooutput;
                             eval sprintf('peak%d = STATS_max > 0 ? STATS_max : 1', k) };
            plot for [k=0:7] '$csv' using 1:(k + 0.9 * column(k + 2) / value(sprintf('peak%d', k))) every ::1 with lines lw 1"
    done
fi
echo "rendered to $out"
