#include "dsp/ChromaticFieldEngine.h"
#include "dsp/ScopedFlushDenormals.h"
#include "dsp_test_support.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace soundlab::dsp::test {
namespace {

// Every behavioural test runs on both kernels; the AVX2 run is skipped on CPUs without it.
class ChromaticFieldEngineTest : public ::testing::TestWithParam<SimdImplementation> {
protected:
    void SetUp() override {
        if (!engine.setImplementation(GetParam())) {
            GTEST_SKIP() << "this CPU cannot run the " << toString(GetParam()) << " kernel";
        }
    }

    ChromaticFieldEngine engine;
};

EngineParameters strongParameters() {
    EngineParameters parameters;
    parameters.amplitudes.fill(1.0f);
    parameters.couplingStrength = 2.0f;
    return parameters;
}

TEST_P(ChromaticFieldEngineTest, SilenceInGivesExactSilenceOut) {
    engine.setParameters(strongParameters());
    engine.prepare(kSampleRate, 512);
    const Channels out = render(engine, std::vector<float>(seconds(2.0), 0.0f), 512,
                                PhiInput{1.0f, static_cast<float>(kPhi)});
    for (int k = 0; k < N; ++k) {
        for (float sample : out[k]) ASSERT_EQ(sample, 0.0f) << "channel " << k;
    }
}

TEST_P(ChromaticFieldEngineTest, OutputStaysWithinGainForExtremeAndNonFiniteInput) {
    constexpr float kInf = std::numeric_limits<float>::infinity();
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const std::vector<float> pattern = {1e6f, -1e6f, kInf, -kInf, nan, 0.3f, 1e6f, 1e6f, -0.7f};
    std::vector<float> input;
    std::uint64_t nonFinite = 0;
    for (size_t n = 0; n < seconds(0.5); ++n) {
        const float sample = pattern[n % pattern.size()];
        if (!std::isfinite(sample)) ++nonFinite;
        input.push_back(sample);
    }
    const std::vector<float> loud = whiteNoise(seconds(0.5), 1e6f, 7);
    input.insert(input.end(), loud.begin(), loud.end());

    for (float gain : {1.0f, 0.5f}) {
        EngineParameters parameters = strongParameters();
        parameters.gain = gain;
        engine.setParameters(parameters);
        engine.prepare(kSampleRate, 256);
        const Channels out = render(engine, input, 256, PhiInput{0.0f, static_cast<float>(kPhi)});
        for (int k = 0; k < N; ++k) {
            for (float sample : out[k]) {
                ASSERT_TRUE(std::isfinite(sample));
                ASSERT_LE(std::fabs(sample), gain) << "channel " << k;
            }
        }
        EXPECT_EQ(engine.nonFiniteInputSamples(), nonFinite);
    }
}

TEST_P(ChromaticFieldEngineTest, NonFiniteInputIsCountedAndResetClearsTheCount) {
    engine.prepare(kSampleRate, 64);
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const float inf = std::numeric_limits<float>::infinity();
    const std::vector<float> input = {nan, 0.5f, inf, -inf, 0.0f, nan, 1.0f, -1.0f};
    render(engine, input, 3);
    EXPECT_EQ(engine.nonFiniteInputSamples(), 4u);
    engine.reset();
    EXPECT_EQ(engine.nonFiniteInputSamples(), 0u);
}

TEST_P(ChromaticFieldEngineTest, LongDecayEndsInExactSilenceWithoutDenormals) {
    // Deliberately without ScopedFlushDenormals: the engine itself must not produce denormals.
    ASSERT_FALSE(ScopedFlushDenormals::active());
    engine.setParameters(strongParameters());
    engine.prepare(kSampleRate, 512);
    std::vector<float> input = whiteNoise(seconds(1.0), 0.8f, 11);
    input.resize(input.size() + seconds(20.0), 0.0f);
    const Channels out = render(engine, input, 512);
    for (int k = 0; k < N; ++k) {
        for (float sample : out[k]) ASSERT_NE(std::fpclassify(sample), FP_SUBNORMAL);
        for (size_t n = input.size() - seconds(1.0); n < input.size(); ++n) {
            ASSERT_EQ(out[k][n], 0.0f) << "channel " << k << " sample " << n;
        }
    }
    for (float phase : engine.fieldPhases()) EXPECT_NE(std::fpclassify(phase), FP_SUBNORMAL);
}

TEST_P(ChromaticFieldEngineTest, OutputDoesNotDependOnBlockSize) {
    const std::vector<float> input = whiteNoise(seconds(1.0), 0.9f, 3);
    EngineParameters changed = strongParameters();
    changed.frequencies = {1.0f, 2.0f, 3.0f, 4.0f, 5.0f, 6.0f, 7.0f, 8.0f};
    changed.enabled[2] = false;
    changed.gain = 0.7f;
    const size_t changeAt = 12 * 2048;  // a boundary for every block size below
    const PhiInput phi{2.0f, 1.2f};

    engine.prepare(kSampleRate, 2048);
    const Channels reference = render(engine, input, {2048}, phi, changeAt, &changed);
    const auto referencePhases = engine.fieldPhases();
    const float referenceR = engine.orderParameter();

    const std::vector<std::vector<int>> schedules = {{64},  {128},  {256},
                                                     {512}, {1024}, {1, 7, 64, 333, 2048, 19}};
    for (const auto& schedule : schedules) {
        engine.setParameters(EngineParameters{});
        engine.prepare(kSampleRate, 2048);
        const Channels out = render(engine, input, schedule, phi, changeAt, &changed);
        float largest = 0.0f;
        for (int k = 0; k < N; ++k) {
            for (size_t n = 0; n < input.size(); ++n) {
                largest = std::max(largest, std::fabs(out[k][n] - reference[k][n]));
            }
        }
        EXPECT_LE(largest, 1e-6f) << "first block size " << schedule.front();
        for (int k = 0; k < N; ++k) EXPECT_NEAR(engine.fieldPhases()[k], referencePhases[k], 1e-6);
        EXPECT_NEAR(engine.orderParameter(), referenceR, 1e-6);
    }
}

TEST_P(ChromaticFieldEngineTest, BlocksLongerThanMaxBlockAreProcessedInPieces) {
    const std::vector<float> input = whiteNoise(4096, 0.5f, 5);
    engine.prepare(kSampleRate, 64);
    const Channels inPieces = render(engine, input, 4096);
    engine.prepare(kSampleRate, 4096);
    const Channels whole = render(engine, input, 4096);
    for (int k = 0; k < N; ++k) EXPECT_EQ(inPieces[k], whole[k]);
}

TEST_P(ChromaticFieldEngineTest, UncoupledPhasesAdvanceAtTheirFrequencies) {
    EngineParameters parameters;
    parameters.couplingStrength = 0.0f;
    engine.setParameters(parameters);
    engine.prepare(kSampleRate, 480);
    const auto start = engine.fieldPhases();
    render(engine, std::vector<float>(seconds(3.0), 0.0f), 480);
    for (int k = 0; k < N; ++k) {
        const double expected = start[k] + 2.0 * std::numbers::pi * parameters.frequencies[k] * 3.0;
        const double error =
            std::remainder(engine.fieldPhases()[k] - expected, 2.0 * std::numbers::pi);
        EXPECT_NEAR(error, 0.0, 1e-4) << "oscillator " << k;
    }
}

TEST_P(ChromaticFieldEngineTest, ParameterChangeRampsOverTenMilliseconds) {
    // Full band, so every cell sees the DC input.
    EngineParameters fullBand;
    fullBand.bandSplit = false;
    engine.setParameters(fullBand);
    engine.prepare(kSampleRate, 512);
    const PhiInput noModulation{0.0f, 0.0f};
    const Channels settled =
        render(engine, std::vector<float>(seconds(0.2), 0.5f), 512, noModulation);
    EngineParameters silent = fullBand;
    silent.gain = 0.0f;
    engine.setParameters(silent);
    const Channels out = render(engine, std::vector<float>(960, 0.5f), 960, noModulation);
    constexpr int kRamp = 480;  // 10 ms at 48 kHz
    for (int k = 0; k < N; ++k) {
        const float steady = settled[k].back();
        ASSERT_GT(steady, 0.1f);
        EXPECT_GT(out[k][0], 0.99f * steady) << "the gain jumped instead of ramping";
        EXPECT_NEAR(out[k][kRamp / 2 - 1], 0.5f * steady, 0.01f * steady);
        // The ramp adds a constant step per sample; float rounding leaves a residue of a few
        // 1e-6 at its last sample, then the value snaps to the target.
        EXPECT_NEAR(out[k][kRamp - 1], 0.0f, 1e-5f * steady);
        for (int n = kRamp; n < 960; ++n) ASSERT_EQ(out[k][n], 0.0f) << "sample " << n;
    }
}

TEST_P(ChromaticFieldEngineTest, SetParametersClampsOutOfRangeAndKeepsNonFinite) {
    engine.prepare(kSampleRate, 64);
    EngineParameters requested;
    requested.couplingStrength = 5.0f;
    requested.gain = std::numeric_limits<float>::quiet_NaN();
    requested.frequencies[3] = 100.0f;
    requested.amplitudes[1] = -1.0f;
    engine.setParameters(requested);
    EXPECT_EQ(engine.parameters().couplingStrength, 2.0f);
    EXPECT_EQ(engine.parameters().gain, EngineParameters{}.gain);
    EXPECT_EQ(engine.parameters().frequencies[3], 20.0f);
    EXPECT_EQ(engine.parameters().amplitudes[1], 0.0f);
}

// A parameter jump must not produce a sample-to-sample step larger than the signal's own
// steady-state steps before and after it. The input is a cosine whose peak falls on the block
// boundary of the jump, so an unsmoothed gain, coupling or modulation change would step by a
// large part of the peak.
struct Jump {
    const char* name;
    std::function<void(EngineParameters&, PhiInput&)> before;
    std::function<void(EngineParameters&, PhiInput&)> after;
};

TEST_P(ChromaticFieldEngineTest, ParameterJumpsDoNotClick) {
    const auto none = [](EngineParameters&, PhiInput&) {};
    const std::vector<Jump> jumps = {
        {"gain 1 -> 0.3", none, [](EngineParameters& p, PhiInput&) { p.gain = 0.3f; }},
        {"channel 3 off", none, [](EngineParameters& p, PhiInput&) { p.enabled[3] = false; }},
        {"amplitudes -> 1", none, [](EngineParameters& p, PhiInput&) { p.amplitudes.fill(1.0f); }},
        {"amplitudes -> 0", none, [](EngineParameters& p, PhiInput&) { p.amplitudes.fill(0.0f); }},
        {"coupling 0 -> 2", [](EngineParameters& p, PhiInput&) { p.couplingStrength = 0.0f; },
         [](EngineParameters& p, PhiInput&) { p.couplingStrength = 2.0f; }},
        {"coupling 2 -> 0", [](EngineParameters& p, PhiInput&) { p.couplingStrength = 2.0f; },
         [](EngineParameters& p, PhiInput&) { p.couplingStrength = 0.0f; }},
        {"frequencies x3", none,
         [](EngineParameters& p, PhiInput&) {
             for (float& f : p.frequencies) f = std::min(3.0f * f, 20.0f);
         }},
        {"phi depth 0.1 -> max", [](EngineParameters&, PhiInput& phi) { phi.depth = 0.1f; },
         [](EngineParameters&, PhiInput& phi) { phi.depth = static_cast<float>(kPhi); }},
        {"phi phase 0 -> pi", [](EngineParameters&, PhiInput& phi) { phi.phase = 0.0f; },
         [](EngineParameters&, PhiInput& phi) { phi.phase = std::numbers::pi_v<float>; }},
        {"phi phase 6.2 -> 0.1", [](EngineParameters&, PhiInput& phi) { phi.phase = 6.2f; },
         [](EngineParameters&, PhiInput& phi) { phi.phase = 0.1f; }},
        {"band split on -> off", none, [](EngineParameters& p, PhiInput&) { p.bandSplit = false; }},
        {"band split off -> on", [](EngineParameters& p, PhiInput&) { p.bandSplit = false; },
         [](EngineParameters& p, PhiInput&) { p.bandSplit = true; }},
    };
    constexpr int kBlock = 512;
    constexpr size_t kJumpBlock = 300;       // 3.2 s of steady state before the jump
    constexpr size_t kTransitionBlocks = 5;  // 53 ms: the 10 ms ramp and what follows it
    constexpr size_t kAfterBlocks = 300;
    const size_t jumpAt = kJumpBlock * kBlock;
    const size_t settledAt = jumpAt + kTransitionBlocks * kBlock;
    const size_t total = settledAt + kAfterBlocks * kBlock;
    // 187.5 Hz: a period of 256 samples, so the cosine peaks on every block boundary.
    const std::vector<float> input = cosine(total, 187.5, 0.5f);

    for (const Jump& jump : jumps) {
        EngineParameters parameters;
        PhiInput phi{0.5f, 1.0f};
        jump.before(parameters, phi);
        engine.setParameters(parameters);
        engine.prepare(kSampleRate, kBlock);
        Channels out;
        for (auto& channel : out) channel.resize(total);
        for (size_t start = 0; start < total; start += kBlock) {
            if (start == jumpAt) {
                jump.after(parameters, phi);
                engine.setParameters(parameters);
            }
            std::array<float*, N> pointers;
            for (int k = 0; k < N; ++k) pointers[k] = out[k].data() + start;
            engine.process(input.data() + start, kBlock, phi, pointers.data());
        }
        for (int k = 0; k < N; ++k) {
            const float before = maxStep(out[k], jumpAt - 200 * kBlock, jumpAt);
            const float after = maxStep(out[k], settledAt, total);
            const float transition = maxStep(out[k], jumpAt - kBlock, settledAt);
            EXPECT_LE(transition, 1.05f * std::max(before, after) + 1e-6f)
                << jump.name << ", channel " << k << " (before " << before << ", after " << after
                << ")";
        }
    }
}

TEST_P(ChromaticFieldEngineTest, ProcessBeforePrepareWritesSilence) {
    Channels out;
    std::array<float*, N> pointers;
    for (int k = 0; k < N; ++k) {
        out[k].assign(32, 1.0f);
        pointers[k] = out[k].data();
    }
    const std::vector<float> input(32, 0.5f);
    engine.process(input.data(), 32, PhiInput{}, pointers.data());
    for (int k = 0; k < N; ++k) EXPECT_EQ(out[k], std::vector<float>(32, 0.0f));
}

INSTANTIATE_TEST_SUITE_P(Kernels, ChromaticFieldEngineTest,
                         ::testing::Values(SimdImplementation::Scalar, SimdImplementation::Avx2),
                         [](const auto& info) { return implementationName(info.param); });

TEST(ChromaticFieldEngine, PrepareRejectsUnsupportedSampleRateAndBlockSize) {
    ChromaticFieldEngine engine;
    EXPECT_THROW(engine.prepare(0.0, 512), std::invalid_argument);
    EXPECT_THROW(engine.prepare(std::numeric_limits<double>::quiet_NaN(), 512),
                 std::invalid_argument);
    EXPECT_THROW(engine.prepare(48000.0, 0), std::invalid_argument);
    EXPECT_FALSE(engine.isPrepared());
    EXPECT_NO_THROW(engine.prepare(96000.0, 2048));
    EXPECT_TRUE(engine.isPrepared());
}

// SPEC §2: the two kernels agree within 1e-5 per sample over a long run. The phase integration is
// written to round identically in both, so the phases must even be equal.
TEST(ChromaticFieldEngine, Avx2AndScalarAgreeOverTenSecondsOfNoise) {
    if (!cpuSupportsAvx2Fma()) GTEST_SKIP() << "this CPU has no AVX2+FMA";
    const std::vector<float> input = whiteNoise(seconds(10.0), 0.9f, 42);
    constexpr int kBlock = 512;
    EngineParameters first;
    first.couplingStrength = 0.7f;  // partly locked: the most sensitive regime
    EngineParameters second = strongParameters();
    second.frequencies[0] = 3.0f;

    Channels out[2];
    std::array<float, N> phases[2];
    const SimdImplementation kernels[2] = {SimdImplementation::Scalar, SimdImplementation::Avx2};
    for (int i = 0; i < 2; ++i) {
        ChromaticFieldEngine engine;
        ASSERT_TRUE(engine.setImplementation(kernels[i]));
        engine.setParameters(first);
        engine.prepare(kSampleRate, kBlock);
        for (auto& channel : out[i]) channel.resize(input.size());
        for (size_t start = 0, block = 0; start < input.size(); start += kBlock, ++block) {
            if (start == seconds(5.0) / kBlock * kBlock) engine.setParameters(second);
            // A moving Φ input, as the audio and internal sources produce.
            const PhiInput phi{0.02f * block, 0.8f + 0.6f * std::sin(0.01f * block)};
            std::array<float*, N> pointers;
            for (int k = 0; k < N; ++k) pointers[k] = out[i][k].data() + start;
            const int frames = static_cast<int>(std::min<size_t>(kBlock, input.size() - start));
            engine.process(input.data() + start, frames, phi, pointers.data());
        }
        phases[i] = engine.fieldPhases();
    }
    float largest = 0.0f;
    for (int k = 0; k < N; ++k) {
        for (size_t n = 0; n < input.size(); ++n) {
            largest = std::max(largest, std::fabs(out[0][k][n] - out[1][k][n]));
        }
    }
    EXPECT_LE(largest, 1e-5f);
    EXPECT_EQ(phases[0], phases[1]);
    std::ostringstream difference;
    difference << largest;
    RecordProperty("max_abs_difference", difference.str());
}

}  // namespace
}  // namespace soundlab::dsp::test
