// Cost of the D-ASE engine (and engine + stereo downmix) per audio block, for each kernel and
// block size. `load_pct` is the CPU time per block as a percentage of the block's duration at
// 48 kHz: the share of one core the audio callback would spend on it.
//
//   bench_dsp --benchmark_counters_tabular=true

#include "dsp/BandSplitter.h"
#include "dsp/ChromaticFieldEngine.h"
#include "dsp/MasterGain.h"
#include "dsp/ScopedFlushDenormals.h"
#include "dsp/StereoDownmix.h"

#include <benchmark/benchmark.h>

#include <array>
#include <random>
#include <vector>

namespace {

using namespace soundlab::dsp;

constexpr double kSampleRate = 48000.0;

// The engine, downmix and buffers of one audio callback, fed with noise and a Φ input that moves
// every block (as the audio-driven Φ source does), so the Φ ramps run as they would live.
class CallbackFixture {
public:
    CallbackFixture(SimdImplementation implementation, int frames) : frames_(frames) {
        valid_ =
            engine_.setImplementation(implementation) && downmix_.setImplementation(implementation);
        engine_.prepare(kSampleRate, frames);
        downmix_.prepare(kSampleRate, frames);
        // As ProcessingChain keeps it: the downmix knows the engine's (default) band split.
        downmix_.setBandSplit(EngineParameters{}.bandSplit);
        downmix_.reset();
        std::mt19937 generator(1);
        std::uniform_real_distribution<float> noise(-0.5f, 0.5f);
        input_.resize(static_cast<size_t>(frames));
        for (float& sample : input_) sample = noise(generator);
        for (int k = 0; k < kFieldChannels; ++k) {
            channels_[k].resize(static_cast<size_t>(frames));
            pointers_[k] = channels_[k].data();
            constPointers_[k] = channels_[k].data();
        }
        left_.resize(static_cast<size_t>(frames));
        right_.resize(static_cast<size_t>(frames));
    }

    bool valid() const { return valid_; }

    void processEngine() {
        phi_.phase += 0.01f;
        if (phi_.phase > 6.28f) phi_.phase -= 6.28f;
        engine_.process(input_.data(), frames_, phi_, pointers_.data());
        benchmark::DoNotOptimize(channels_[7].data());
    }

    void setStrategy(DownmixStrategy strategy) {
        DownmixParameters parameters;
        parameters.strategy = strategy;
        downmix_.setParameters(parameters);
        downmix_.reset();
    }

    void processDownmix() {
        downmix_.process(constPointers_.data(), frames_, left_.data(), right_.data());
        benchmark::DoNotOptimize(left_.data());
        benchmark::DoNotOptimize(right_.data());
    }

private:
    int frames_;
    bool valid_ = false;
    ChromaticFieldEngine engine_;
    StereoDownmix downmix_;
    PhiInput phi_{0.0f, 1.0f};
    std::vector<float> input_;
    std::array<std::vector<float>, kFieldChannels> channels_;
    std::array<float*, kFieldChannels> pointers_{};
    std::array<const float*, kFieldChannels> constPointers_{};
    std::vector<float> left_;
    std::vector<float> right_;
};

SimdImplementation implementationArgument(const benchmark::State& state) {
    return state.range(0) == 1 ? SimdImplementation::Avx2 : SimdImplementation::Scalar;
}

// load_pct = 100 · (CPU time per block) / (frames / 48 kHz). A rate counter divides by the CPU
// time; kInvert turns audio-seconds-per-second into seconds-per-audio-second.
void reportLoad(benchmark::State& state, int frames) {
    const double audioSeconds = static_cast<double>(state.iterations()) * frames / kSampleRate;
    state.counters["load_pct"] = benchmark::Counter(
        audioSeconds / 100.0, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
    state.counters["frames"] = frames;
}

void BM_Engine(benchmark::State& state) {
    const auto frames = static_cast<int>(state.range(1));
    CallbackFixture fixture(implementationArgument(state), frames);
    if (!fixture.valid()) {
        state.SkipWithError("this CPU has no AVX2+FMA");
        return;
    }
    ScopedFlushDenormals flush;
    for (auto _ : state) fixture.processEngine();
    reportLoad(state, frames);
}

void BM_EngineAndDownmix(benchmark::State& state) {
    const auto frames = static_cast<int>(state.range(1));
    CallbackFixture fixture(implementationArgument(state), frames);
    if (!fixture.valid()) {
        state.SkipWithError("this CPU has no AVX2+FMA");
        return;
    }
    ScopedFlushDenormals flush;
    for (auto _ : state) {
        fixture.processEngine();
        fixture.processDownmix();
    }
    reportLoad(state, frames);
}

// The crossover tree alone (issue 9: ≤ 1 % of a 512-frame block).
void BM_BandSplitter(benchmark::State& state) {
    const auto frames = static_cast<int>(state.range(1));
    BandSplitter splitter;
    if (!splitter.setImplementation(implementationArgument(state))) {
        state.SkipWithError("this CPU has no AVX2+FMA");
        return;
    }
    splitter.prepare(kSampleRate);
    std::mt19937 generator(1);
    std::uniform_real_distribution<float> noise(-0.5f, 0.5f);
    std::vector<float> input(static_cast<size_t>(frames));
    for (float& sample : input) sample = noise(generator);
    std::vector<float> bands(static_cast<size_t>(frames) * kFieldChannels);
    ScopedFlushDenormals flush;
    for (auto _ : state) {
        splitter.process(input.data(), frames, bands.data());
        benchmark::DoNotOptimize(bands.data());
    }
    reportLoad(state, frames);
}

// The downmix alone on band-split channels, per strategy: `spatial` runs the BandDecorrelator
// (odd bands turned ≈ 90°), `linear` only the weighted sums.
void BM_Downmix(benchmark::State& state) {
    const auto frames = static_cast<int>(state.range(2));
    CallbackFixture fixture(implementationArgument(state), frames);
    if (!fixture.valid()) {
        state.SkipWithError("this CPU has no AVX2+FMA");
        return;
    }
    fixture.setStrategy(static_cast<DownmixStrategy>(state.range(1)));
    ScopedFlushDenormals flush;
    fixture.processEngine();  // band-split channels to mix
    for (auto _ : state) fixture.processDownmix();
    reportLoad(state, frames);
}

// The chain's last stage per block (issue 14): the master gain on both outputs and the three
// level meters (input, left, right). ramping=1 retargets every block, so the per-sample ramp
// always runs (the worst case); ramping=0 is a steady non-unity gain (one multiply per sample).
// The outputs shrink towards zero over the iterations; with flush-to-zero on, that costs the
// same (the loops have no data-dependent work).
void BM_MasterGainAndMeters(benchmark::State& state) {
    const bool ramping = state.range(0) == 1;
    const auto frames = static_cast<int>(state.range(1));
    std::mt19937 generator(1);
    std::uniform_real_distribution<float> noise(-0.5f, 0.5f);
    std::vector<float> input(static_cast<size_t>(frames)), left(input.size()), right(input.size());
    for (float& sample : input) sample = noise(generator);
    for (float& sample : left) sample = noise(generator);
    for (float& sample : right) sample = noise(generator);
    MasterGain gain;
    gain.prepare(kSampleRate, 0.5f);
    float target = 0.5f;
    ScopedFlushDenormals flush;
    for (auto _ : state) {
        if (ramping) gain.setTarget(target = target == 0.5f ? 0.25f : 0.5f);
        gain.process(left.data(), right.data(), frames);
        const BlockLevel in = measureLevel(input.data(), frames);
        const BlockLevel l = measureLevel(left.data(), frames);
        const BlockLevel r = measureLevel(right.data(), frames);
        benchmark::DoNotOptimize(in);
        benchmark::DoNotOptimize(l);
        benchmark::DoNotOptimize(r);
    }
    reportLoad(state, frames);
}

void blockSizes(benchmark::internal::Benchmark* benchmark) {
    benchmark->ArgNames({"avx2", "frames"});
    benchmark->ArgsProduct({{0, 1}, {64, 128, 256, 512, 1024, 2048}});
}

BENCHMARK(BM_Engine)->Apply(blockSizes);
BENCHMARK(BM_EngineAndDownmix)->Apply(blockSizes);
BENCHMARK(BM_BandSplitter)->Apply(blockSizes);
BENCHMARK(BM_MasterGainAndMeters)
    ->ArgNames({"ramping", "frames"})
    ->ArgsProduct({{0, 1}, {64, 256, 512, 2048}});
BENCHMARK(BM_Downmix)
    ->ArgNames({"avx2", "strategy", "frames"})
    ->ArgsProduct({{0, 1},
                   {static_cast<int>(DownmixStrategy::Spatial),
                    static_cast<int>(DownmixStrategy::Linear)},
                   {64, 512, 2048}});

}  // namespace
