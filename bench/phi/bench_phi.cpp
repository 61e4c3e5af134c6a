// Cost of PhiController::process per 512-frame block at 48 kHz, for each source as the active one
// and during crossfades. `block_fraction` is the CPU time per block divided by the block's
// duration (10.67 ms): the share of the audio callback's budget the controller takes. Every
// source runs every block whichever is heard (docs/phi.md), so the modes differ only in what is
// read out and blended.
//
//   bench_phi --benchmark_counters_tabular=true

#include "dsp/ScopedFlushDenormals.h"
#include "phi/PhiController.h"

#include <benchmark/benchmark.h>

#include <random>
#include <vector>

namespace {

using namespace soundlab;
using namespace soundlab::phi;

constexpr double kSampleRate = 48000.0;
constexpr int kFrames = 512;

std::vector<float> noise() {
    std::mt19937 generator(1);
    std::uniform_real_distribution<float> u(-0.5f, 0.5f);
    std::vector<float> input(kFrames);
    for (float& x : input) x = u(generator);
    return input;
}

// block_fraction = (CPU time per block) / (512 / 48 kHz); a rate counter divides by the time,
// kInvert turns audio-seconds per second into seconds per audio-second.
void reportFraction(benchmark::State& state) {
    const double audioSeconds = double(state.iterations()) * kFrames / kSampleRate;
    state.counters["block_fraction"] =
        benchmark::Counter(audioSeconds, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// A controller with a sensor reading and the given mode settled (no fade running).
void prepare(PhiController& controller, Mode mode, const std::vector<float>& input) {
    controller.prepare(kSampleRate);
    SensorValues sensor;
    sensor.present = true;
    sensor.heartRateBpm = 72.0;
    sensor.gsr = 0.4;
    sensor.accelX = 0.3;
    controller.setSensor(sensor);
    Settings settings;
    settings.mode = mode;
    controller.setSettings(settings);
    for (int i = 0; i < 20; ++i) controller.process(input.data(), kFrames);  // past the 100 ms fade
}

void BM_PhiBlock(benchmark::State& state) {
    const Mode mode = Mode(state.range(0));
    const std::vector<float> input = noise();
    PhiController controller;
    prepare(controller, mode, input);
    dsp::ScopedFlushDenormals flush;
    for (auto _ : state) benchmark::DoNotOptimize(controller.process(input.data(), kFrames));
    state.SetLabel(std::string(toString(mode)));
    reportFraction(state);
}

// Always mid-fade: the mode alternates audio ↔ internal every 4 blocks, shorter than the 100 ms
// fade (9.4 blocks), so every block blends and every switch starts from a fade in progress. The
// settings write (a triple-buffer write) is part of the cost, once per 4 blocks.
void BM_PhiBlockCrossfading(benchmark::State& state) {
    const std::vector<float> input = noise();
    PhiController controller;
    prepare(controller, Mode::Audio, input);
    Settings settings;
    settings.mode = Mode::Audio;  // what prepare() settled on: the first switch goes to internal
    uint64_t block = 0;
    dsp::ScopedFlushDenormals flush;
    for (auto _ : state) {
        if (block++ % 4 == 0) {
            settings.mode = settings.mode == Mode::Audio ? Mode::Internal : Mode::Audio;
            controller.setSettings(settings);
        }
        benchmark::DoNotOptimize(controller.process(input.data(), kFrames));
    }
    if (!controller.state().fading) state.SkipWithError("expected to end mid-fade");
    state.SetLabel("audio <-> internal, always fading");
    reportFraction(state);
}

BENCHMARK(BM_PhiBlock)
    ->ArgName("mode")
    ->DenseRange(0, kModeCount - 1)  // manual, audio, midi, sensor, internal
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PhiBlockCrossfading)->Unit(benchmark::kMicrosecond);

}  // namespace
