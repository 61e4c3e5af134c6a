// The stream clock's cost and accuracy (docs/benchmarks.md, "Latency: drift tracking"):
//  - per block on the performance monitor's thread: one DelayLockedLoop::update, and the
//    seqlock publish of its estimate (the monitor publishes once per 20 ms pass; per block is
//    the worst case);
//  - per block on the metrics analysis thread: a seqlock read and TimeBase::observe(), and per
//    frame a heard time;
//  - the loop's error over 10 replayed minutes (512-frame blocks at 48 kHz, ±0.5 ms uniform
//    jitter, ±100 ppm): counters `align_max_ms` (once settled), `ppm_err_max` (from 60 s on),
//    `ppm_err_at_60s`, `drift_ms` (at 10 min).

#include "metrics/DelayLockedLoop.h"
#include "metrics/TimeBase.h"
#include "rt/SeqLock.h"

#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <vector>

namespace {

using namespace soundlab;
using namespace soundlab::metrics;

constexpr double kRate = 48000.0;
constexpr int32_t kFrames = 512;

// Callback times of a device `ppm` fast with uniform jitter: true and observed, ns.
struct Replay {
    std::vector<double> trueNs;
    std::vector<int64_t> observedNs;
    Replay(double ppm, double seconds, unsigned seed) {
        const double period = 1e9 * kFrames / (kRate * (1.0 + ppm * 1e-6));
        std::mt19937 random(seed);
        std::uniform_real_distribution<double> jitter(-0.5e6, 0.5e6);
        const auto blocks = size_t(seconds * 1e9 / period);
        for (size_t k = 0; k < blocks; ++k) {
            trueNs.push_back(5e12 + double(k) * period);
            observedNs.push_back(int64_t(std::llround(trueNs.back() + jitter(random))));
        }
    }
};

void BM_DllUpdatePerBlock(benchmark::State& state) {
    const Replay replay(100.0, 600.0, 1);
    DelayLockedLoop dll;
    size_t k = 0;
    int64_t offset = 0;  // replays the 10 minutes again, later, without a timing jump
    for (auto _ : state) {
        if (k == replay.observedNs.size()) {
            k = 0;
            dll.restart(ClockResync::Reset);
            offset += 700'000'000'000;
        }
        dll.update(1, int64_t(k) * kFrames, kFrames, kRate, replay.observedNs[k] + offset, 0);
        benchmark::DoNotOptimize(dll.estimate().time);
        ++k;
    }
}
BENCHMARK(BM_DllUpdatePerBlock);

void BM_DllUpdateAndPublishPerBlock(benchmark::State& state) {
    const Replay replay(100.0, 600.0, 1);
    DelayLockedLoop dll;
    SeqLock<ClockEstimate> published;
    size_t k = 0;
    int64_t offset = 0;
    for (auto _ : state) {
        if (k == replay.observedNs.size()) {
            k = 0;
            dll.restart(ClockResync::Reset);
            offset += 700'000'000'000;
        }
        dll.update(1, int64_t(k) * kFrames, kFrames, kRate, replay.observedNs[k] + offset, 0);
        published.publish(dll.estimate());
        ++k;
    }
}
BENCHMARK(BM_DllUpdateAndPublishPerBlock);

// The metrics thread per block: the loop's snapshot and TimeBase::observe().
void BM_ClockReadAndObservePerBlock(benchmark::State& state) {
    const Replay replay(100.0, 20.0, 1);
    DelayLockedLoop dll;
    for (size_t k = 0; k < replay.observedNs.size(); ++k)
        dll.update(1, int64_t(k) * kFrames, kFrames, kRate, replay.observedNs[k], 0);
    SeqLock<ClockEstimate> published(dll.estimate());
    TimeBase base;
    base.start(1, 0, replay.observedNs[0], kRate);
    for (auto _ : state) {
        base.observe(published.read());
        benchmark::DoNotOptimize(base.followsClock());
    }
}
BENCHMARK(BM_ClockReadAndObservePerBlock);

// Per frame: a timestamp.
void BM_HeardTimePerFrame(benchmark::State& state) {
    const Replay replay(100.0, 20.0, 1);
    DelayLockedLoop dll;
    for (size_t k = 0; k < replay.observedNs.size(); ++k)
        dll.update(1, int64_t(k) * kFrames, kFrames, kRate, replay.observedNs[k], 0);
    TimeBase base;
    base.start(1, 0, replay.observedNs[0], kRate);
    base.observe(dll.estimate());
    base.setOutputLatency(0.0107);
    int64_t position = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(base.heardUnixSeconds(position));
        position += 1600;
    }
}
BENCHMARK(BM_HeardTimePerFrame);

// 10 minutes replayed through the loop per iteration; the error figures as counters.
void BM_DriftReplay10Minutes(benchmark::State& state) {
    const double ppm = double(state.range(0));
    const Replay replay(ppm, 600.0, unsigned(state.range(1)));
    double alignMax = 0.0, ppmMax = 0.0, ppmAt60 = -1.0, drift = 0.0;
    for (auto _ : state) {
        DelayLockedLoop dll;
        alignMax = ppmMax = 0.0;
        ppmAt60 = -1.0;
        for (size_t k = 0; k < replay.observedNs.size(); ++k) {
            const int64_t position = int64_t(k) * kFrames;
            dll.update(1, position, kFrames, kRate, replay.observedNs[k], 0);
            const ClockEstimate& e = dll.estimate();
            if (e.settled)
                alignMax = std::max(
                    alignMax, std::abs(double(e.steadyNsAt(position)) - replay.trueNs[k]) * 1e-6);
            if (e.secondsTracked >= 60.0) {
                if (ppmAt60 < 0.0) ppmAt60 = std::abs(e.ppm - ppm);
                ppmMax = std::max(ppmMax, std::abs(e.ppm - ppm));
            }
        }
        drift = dll.estimate().driftMs;
    }
    state.counters["align_max_ms"] = alignMax;
    state.counters["ppm_err_max"] = ppmMax;
    state.counters["ppm_err_at_60s"] = ppmAt60;
    state.counters["drift_ms"] = drift;
}
BENCHMARK(BM_DriftReplay10Minutes)
    ->ArgsProduct({{100, -100}, {1, 2, 3, 4, 5}})
    ->ArgNames({"ppm", "seed"})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

}  // namespace
