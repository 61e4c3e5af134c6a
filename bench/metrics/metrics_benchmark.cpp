// The metrics analysis' cost per frame (docs/benchmarks.md, "Metrics analysis"): one frame's
// audio-derived metrics (input level, centroid FFT of the mono mix, ici over the 8 channels:
// 9 FFTs and 28 cross-spectra) on noise, per window size, and the state classifier. CPU time ×
// rate is the share of the frame period, which is also the share of one core (one thread).

#include "metrics/StateClassifier.h"
#include "metrics/WindowMetrics.h"

#include <benchmark/benchmark.h>

#include <array>
#include <random>
#include <vector>

namespace {

using soundlab::metrics::WindowMetrics;

void BM_MetricsFrame(benchmark::State& state) {
    const auto window = size_t(state.range(0));
    WindowMetrics metrics(window);
    std::mt19937 rng(1);
    std::uniform_real_distribution<float> noise(-0.5f, 0.5f);
    std::array<std::vector<float>, 8> channels;
    for (auto& c : channels) {
        c.resize(window);
        for (float& v : c) v = noise(rng);
    }
    std::vector<float> input(window), left(window), right(window);
    for (size_t i = 0; i < window; ++i) {
        input[i] = noise(rng);
        left[i] = noise(rng);
        right[i] = noise(rng);
    }
    WindowMetrics::Window w;
    for (int k = 0; k < 8; ++k) w.channels[size_t(k)] = channels[size_t(k)].data();
    w.left = left.data();
    w.right = right.data();
    w.input = input.data();
    soundlab::metrics::StateClassifier classifier;
    double t = 0.0;
    for (auto _ : state) {
        const auto r = metrics.compute(w);
        const double c = soundlab::metrics::consciousnessLevel(r.activity, 0.5, r.ici,
                                                                r.spectralCentroid);
        benchmark::DoNotOptimize(classifier.update({r.gateOpen, c, 0.5, 0.5}, t += 1.0 / 30));
    }
}
BENCHMARK(BM_MetricsFrame)->Arg(512)->Arg(2048)->Arg(8192)->Unit(benchmark::kMicrosecond);

}  // namespace
