// What an operator runs a session with (issue 14, "Operator essentials"): the master gain and
// the panic on the real chain, the level meters, the input channel on the virtual device and
// JACK's wiring, and the CPU-load histogram against the callbacks that ran.

#include "RecordingCallback.h"
#include "engine/AudioEngine.h"
#include "engine/BlockTiming.h"
#include "engine/PerformanceMonitor.h"
#include "engine/ProcessingChain.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <vector>

using namespace soundlab;
using soundlab::test::waitFor;

namespace {

constexpr double kRate = 48000.0;
constexpr int kBlock = 256;

// A −6 dBFS sine (amplitude 0.5), as the virtual device's test signals.
std::vector<float> sine(size_t frames, double hz = 440.0) {
    std::vector<float> x(frames);
    for (size_t n = 0; n < frames; ++n)
        x[n] = 0.5f * float(std::sin(2.0 * M_PI * hz * double(n) / kRate));
    return x;
}

// Runs `input` through the chain block by block from this thread; returns the left output.
std::vector<float> run(ProcessingChain& chain, const std::vector<float>& input,
                       std::vector<float>* rightOut = nullptr) {
    std::vector<float> left(input.size()), right(input.size());
    for (size_t offset = 0; offset < input.size(); offset += kBlock) {
        AudioBlock block;
        block.input = input.data() + offset;
        block.left = left.data() + offset;
        block.right = right.data() + offset;
        block.frames = int(std::min<size_t>(kBlock, input.size() - offset));
        chain.process(block);
    }
    if (rightOut) *rightOut = right;
    return left;
}

StreamConfig virtualConfig() {
    StreamConfig config;
    config.inputDevice = config.outputDevice = QStringLiteral("virtual");
    config.blockSize = kBlock;
    return config;
}

}  // namespace

TEST(MasterGainOnTheChain, AppliesTheGainInDecibelsExactlyAfterEverythingElse) {
    ProcessingChain unity, quieter;
    quieter.setMasterGain(dsp::MasterGainSettings{-6.0, false}.targetGain());
    unity.prepare(kRate, kBlock);
    quieter.prepare(kRate, kBlock);  // set before the stream opens: no ramp
    const std::vector<float> input = sine(48000);
    std::vector<float> unityRight, quieterRight;
    const std::vector<float> a = run(unity, input, &unityRight);
    const std::vector<float> b = run(quieter, input, &quieterRight);
    const float g = float(std::pow(10.0, -6.0 / 20.0));
    double energy = 0.0;
    for (size_t i = 0; i < a.size(); ++i) {
        ASSERT_EQ(b[i], a[i] * g) << i;
        ASSERT_EQ(quieterRight[i], unityRight[i] * g) << i;
        energy += double(a[i]) * a[i];
    }
    EXPECT_GT(energy / double(a.size()), 1e-4) << "the chain must produce sound to compare";
}

TEST(MasterGainOnTheChain, PanicReachesSilenceWithinTheRampWithoutAJumpAndUnmutesTheSameWay) {
    ProcessingChain reference, panicked;
    reference.prepare(kRate, kBlock);
    panicked.prepare(kRate, kBlock);
    const std::vector<float> input = sine(3 * 48000, 220.0);
    const size_t panicAt = 40 * kBlock, unmuteAt = 200 * kBlock;
    const int ramp = panicked.masterGainRampSamples();
    ASSERT_EQ(ramp, 960);  // 20 ms

    const std::vector<float> a = run(reference, input);
    std::vector<float> b;
    const auto part = [&](size_t from, size_t to) {
        const std::vector<float> piece(input.begin() + long(from), input.begin() + long(to));
        const std::vector<float> out = run(panicked, piece);
        b.insert(b.end(), out.begin(), out.end());
    };
    part(0, panicAt);
    panicked.setMasterGain(0.0f);  // what AudioEngine::panic() stores
    part(panicAt, unmuteAt);
    panicked.setMasterGain(1.0f);
    part(unmuteAt, input.size());
    ASSERT_EQ(a.size(), b.size());

    // Before the panic, the same sound.
    for (size_t i = 0; i < panicAt; ++i) ASSERT_EQ(b[i], a[i]);
    // From the ramp's end until the unmute, exact silence.
    for (size_t i = panicAt + size_t(ramp) - 1; i < unmuteAt; ++i) ASSERT_EQ(b[i], 0.0f) << i;
    // The gain actually applied (b / a where a is audible) moves by at most 1/960 per sample
    // in both ramps: a straight line down and up again, never a step.
    const auto checkRamp = [&](size_t from, float startGain, float endGain) {
        float previous = startGain;
        size_t measured = 0;
        for (size_t i = from; i < from + size_t(ramp) + 16; ++i) {
            if (std::abs(a[i]) < 1e-3f) continue;  // b/a is noise where a is near zero
            const float gain = b[i] / a[i];
            ASSERT_LE(std::abs(gain - previous), float(i - from + 1) / float(ramp) + 1e-3f);
            EXPECT_GE(gain, -1e-4f);
            EXPECT_LE(gain, 1.0f + 1e-4f);
            previous = gain;
            ++measured;
        }
        EXPECT_NEAR(previous, endGain, 1e-4f);
        EXPECT_GT(measured, size_t(ramp) / 2);
    };
    checkRamp(panicAt, 1.0f, 0.0f);
    checkRamp(unmuteAt, 0.0f, 1.0f);
    // And sample by sample the output never moves more than the unmuted sound itself does plus
    // one ramp step of full scale: no click anywhere.
    float largestJumpA = 0.0f;
    for (size_t i = 1; i < a.size(); ++i) largestJumpA = std::max(largestJumpA, std::abs(a[i] - a[i - 1]));
    for (size_t i = 1; i < b.size(); ++i)
        ASSERT_LE(std::abs(b[i] - b[i - 1]), largestJumpA + 1.0f / float(ramp)) << i;
    // Afterwards the same sound again.
    for (size_t i = unmuteAt + size_t(ramp); i < a.size(); ++i) ASSERT_EQ(b[i], a[i]) << i;
}

TEST(LevelMeters, ReadAMinus6DbfsSineAsMinus6PeakAndMinus9Rms) {
    ProcessingChain chain, quieter;
    quieter.setMasterGain(dsp::MasterGainSettings{-6.0, false}.targetGain());
    PerformanceMonitor monitor(chain), quieterMonitor(quieter);
    monitor.reset(kRate, kBlock);
    quieterMonitor.reset(kRate, kBlock);
    chain.prepare(kRate, kBlock);
    quieter.prepare(kRate, kBlock);
    // Two seconds: the 300 ms RMS has settled to within 0.01 dB.
    const std::vector<float> input = sine(2 * 48000, 1000.0);
    run(chain, input);
    run(quieter, input);
    const SignalLevels levels = monitor.levels();
    EXPECT_NEAR(levels.input.peakDb, -6.02, 0.05);
    EXPECT_NEAR(levels.input.rmsDb, -9.03, 0.05);
    // The output meters read after the master gain: 6 dB lower on the chain at −6 dB.
    const SignalLevels quieterLevels = quieterMonitor.levels();
    EXPECT_GT(levels.left.rmsDb, -60.0);
    EXPECT_NEAR(quieterLevels.left.rmsDb, levels.left.rmsDb - 6.0, 0.01);
    EXPECT_NEAR(quieterLevels.right.rmsDb, levels.right.rmsDb - 6.0, 0.01);
    EXPECT_NEAR(quieterLevels.left.peakDb, levels.left.peakDb - 6.0, 0.01);
    EXPECT_LE(levels.left.rmsDb, levels.left.peakDb);

    // Silence: the peak falls at 20 dB/s and the RMS decays to the floor.
    run(chain, std::vector<float>(size_t(kRate), 0.0f));
    const SignalLevels after = monitor.levels();
    EXPECT_NEAR(after.input.peakDb, -6.02 - 20.0, 0.2);
    EXPECT_LT(after.input.rmsDb, -20.0);
    run(chain, std::vector<float>(size_t(10 * kRate), 0.0f));
    EXPECT_EQ(monitor.levels().input.rmsDb, LevelReading::kFloorDb);
}

TEST(InputChannel, OneSelectsTheVirtualDevicesSecondChannel) {
    AudioEngine engine;
    StreamConfig config = virtualConfig();
    config.virtualDevice.input = QStringLiteral("silence");
    config.virtualDevice.secondInput = QStringLiteral("sine:1000");
    ASSERT_FALSE(engine.configure(config));
    ASSERT_FALSE(engine.start());
    // The first channel is silent: the input meter stays on the floor.
    ASSERT_TRUE(waitFor([&] { return engine.status().callbackCount > 40; }, 5000));
    EXPECT_EQ(engine.levels().input.peakDb, LevelReading::kFloorDb);

    // Channel 1 carries the −6 dBFS sine (the stream restarts with it; the 300 ms RMS settles).
    ASSERT_FALSE(engine.updateConfig([](StreamConfig& c) { c.inputChannel = 1; }));
    EXPECT_EQ(engine.status().requested.inputChannel, 1);
    ASSERT_TRUE(waitFor([&] { return engine.levels().input.rmsDb > -9.06; }, 5000))
        << engine.levels().input.rmsDb;
    EXPECT_NEAR(engine.levels().input.peakDb, -6.02, 0.05);
    EXPECT_NEAR(engine.levels().input.rmsDb, -9.03, 0.05);
    engine.stop();
    EXPECT_EQ(engine.levels().input.peakDb, LevelReading::kFloorDb) << "stopped: the floor";
}

TEST(InputChannel, AChannelTheDeviceDoesNotHaveIsRefusedNamingTheValidOnes) {
    AudioEngine engine;
    StreamConfig config = virtualConfig();
    ASSERT_FALSE(engine.configure(config));
    ASSERT_FALSE(engine.start());
    for (int bad : {2, -1}) {
        const auto error = engine.updateConfig([bad](StreamConfig& c) { c.inputChannel = bad; });
        ASSERT_TRUE(error) << bad;
        EXPECT_EQ(error->kind, EngineError::Kind::InvalidConfig);
        EXPECT_TRUE(error->message.contains(QStringLiteral("input channel %1").arg(bad)))
            << error->message.toStdString();
        EXPECT_TRUE(error->message.contains(QStringLiteral("0 to 1"))) << error->message.toStdString();
    }
    EXPECT_EQ(engine.config().inputChannel, 0);
    EXPECT_TRUE(engine.isRunning()) << "a refused channel leaves the stream alone";
}

TEST(LoadHistogram, CountsEveryCallbackOnce) {
    AudioEngine engine;
    ASSERT_FALSE(engine.configure(virtualConfig()));
    ASSERT_FALSE(engine.start());
    ASSERT_TRUE(waitFor([&] { return engine.status().callbackCount > 50; }, 5000));
    engine.stop();
    const PerformanceStats stats = engine.performance();
    const uint64_t counted =
        std::accumulate(stats.loadHistogram.begin(), stats.loadHistogram.end(), uint64_t(0));
    EXPECT_EQ(stats.timingRecordsDropped, 0u);
    EXPECT_EQ(counted, stats.callbackCount);
    EXPECT_GT(stats.callbackCount, 50u);
    // The bin of the peak load holds at least one block.
    const auto& edges = PerformanceStats::kLoadHistogramEdges;
    const size_t peakBin = size_t(std::upper_bound(edges.begin(), edges.end(), stats.cpuLoadPeak) -
                                  edges.begin());
    EXPECT_GE(stats.loadHistogram[peakBin], 1u);

    // A new stream starts counting from zero.
    ASSERT_FALSE(engine.start());
    ASSERT_TRUE(waitFor([&] { return engine.status().callbackCount > 5; }, 5000));
    engine.stop();
    const PerformanceStats again = engine.performance();
    EXPECT_EQ(std::accumulate(again.loadHistogram.begin(), again.loadHistogram.end(), uint64_t(0)),
              again.callbackCount);
}

TEST(AudioEngineOutput, PanicMutesKeepsTheGainAndHoldsAcrossRestarts) {
    AudioEngine engine;
    ASSERT_FALSE(engine.configure(virtualConfig()));
    auto errors = engine.updateOutput([](AudioEngine::OutputSettings& s) {
        s.gainDb = 20.0;
        return std::vector<dsp::ParameterError>();
    });
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].field, "gain_db");
    EXPECT_EQ(engine.output().gainDb, 0.0) << "a refused change changes nothing";
    errors = engine.updateOutput([](AudioEngine::OutputSettings& s) {
        s.gainDb = -12.0;
        return std::vector<dsp::ParameterError>();
    });
    ASSERT_TRUE(errors.empty());
    engine.panic();
    EXPECT_TRUE(engine.output().muted);
    EXPECT_EQ(engine.output().gainDb, -12.0);
    // Opened muted: the output meters never leave the floor.
    ASSERT_FALSE(engine.start());
    ASSERT_TRUE(waitFor([&] { return engine.status().callbackCount > 40; }, 5000));
    EXPECT_EQ(engine.levels().left.peakDb, LevelReading::kFloorDb);
    EXPECT_GT(engine.levels().input.peakDb, -7.0) << "the input is still metered";
    engine.updateOutput([](AudioEngine::OutputSettings& s) {
        s.muted = false;
        return std::vector<dsp::ParameterError>();
    });
    ASSERT_TRUE(waitFor([&] { return engine.levels().left.peakDb > -100.0; }, 5000));
    engine.stop();
}
