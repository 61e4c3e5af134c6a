// The metrics analysis on the real chain (Φ → D-ASE engine → downmix → AnalysisRing → analysis
// thread), driven faster than real time: what each metric reads for known inputs, the frame
// cadence in sample time, and configuration.

#include "ChainDriver.h"
#include "dsp_test_support.h"
#include "metrics/WindowMetrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>

namespace soundlab::metrics {
namespace {

using test::ChainDriver;

constexpr double kFs = 48000.0;

std::function<float(int64_t)> sine(double hz, float amplitude) {
    return [=](int64_t n) {
        return amplitude * float(std::sin(2.0 * std::numbers::pi * hz * double(n) / kFs));
    };
}
std::function<float(int64_t)> noise(float amplitude, unsigned seed) {
    auto rng = std::make_shared<std::mt19937>(seed);
    return [=](int64_t) {
        return amplitude * std::uniform_real_distribution<float>(-1.0f, 1.0f)(*rng);
    };
}
float silence(int64_t) { return 0.0f; }

// Φ depth 0: no modulation sidebands (the metrics' own accuracy, not the engine's colour).
ChainParameters transparent(bool bandSplit = true, float coupling = 1.0f) {
    ChainParameters p;
    p.engine.bandSplit = bandSplit;
    p.engine.couplingStrength = coupling;
    return p;
}
void setDepthZero(ChainDriver& d) {
    phi::Settings s;
    s.manualDepth = 0.0;
    d.chain.phi().setSettings(s);
}

TEST(MetricsAnalyzer, A1kHzSineReadsACentroidOf1000HzWithinOnePercent) {
    ChainDriver d({}, kFs, 512, transparent());
    setDepthZero(d);
    d.feed(2.0, sine(1000.0, 0.25f));
    d.drain();
    const auto frames = d.framesFrom(0.5);
    ASSERT_GT(frames.size(), 40u);
    for (const auto& f : frames) {
        ASSERT_NEAR(f.spectralCentroid, 1000.0, 10.0) << "frame " << f.frameId;
        EXPECT_NEAR(f.levelDb, 20.0 * std::log10(0.25 / std::sqrt(2.0)), 0.1);
    }
}

TEST(MetricsAnalyzer, SilenceReadsZeroAndIdleWithinOneSecond) {
    ChainDriver d({}, kFs, 512, transparent());
    d.feed(3.0, noise(0.5f, 7));
    d.feed(2.0, silence);
    d.drain();
    const auto loud = d.framesFrom(2.5);
    ASSERT_FALSE(loud.empty());
    EXPECT_GT(loud.front().consciousnessLevel, 0.1);  // the noise was not IDLE
    EXPECT_NE(loud.front().state, State::Idle);
    const auto quiet = d.framesFrom(4.0);  // silence began at 3 s
    ASSERT_GT(quiet.size(), 20u);
    for (const auto& f : quiet) {
        EXPECT_EQ(f.spectralCentroid, 0.0);
        EXPECT_EQ(f.ici, 0.0);
        EXPECT_EQ(f.consciousnessLevel, 0.0);
        EXPECT_EQ(f.levelDb, WindowMetrics::kLevelFloorDb);
        EXPECT_EQ(f.state, State::Idle) << "frame at " << f.samplePosition / kFs << " s";
    }
}

TEST(MetricsAnalyzer, IdenticalChannelsReadIciOneAndIndependentNoiseNearZero) {
    // Directly: the formula on eight identical and eight independent noises.
    WindowMetrics m(2048);
    std::array<std::vector<float>, 8> same, independent;
    const auto n0 = dsp::test::whiteNoise(2048, 0.5f, 1);
    for (int k = 0; k < 8; ++k) {
        same[size_t(k)] = n0;
        independent[size_t(k)] = dsp::test::whiteNoise(2048, 0.5f, 50 + unsigned(k));
    }
    const auto window = [&](const std::array<std::vector<float>, 8>& ch) {
        WindowMetrics::Window w;
        for (int k = 0; k < 8; ++k) w.channels[size_t(k)] = ch[size_t(k)].data();
        w.left = w.right = w.input = ch[0].data();
        return w;
    };
    EXPECT_GE(m.compute(window(same)).ici, 0.99);
    EXPECT_LE(m.compute(window(independent)).ici, 0.2);

    // Through the chain: without band split and at Φ depth 0 every cell gets the same input.
    ChainDriver d({}, kFs, 512, transparent(/*bandSplit=*/false, /*coupling=*/0.0f));
    setDepthZero(d);
    d.feed(2.0, noise(0.5f, 3));
    d.drain();
    const auto frames = d.framesFrom(0.5);
    ASSERT_FALSE(frames.empty());
    for (const auto& f : frames) EXPECT_GE(f.ici, 0.99);
}

TEST(MetricsAnalyzer, CoherenceRisesMonotonicallyWithCouplingStrength) {
    std::vector<double> means;
    for (float k : {0.0f, 0.5f, 1.0f, 1.5f, 2.0f}) {
        ChainDriver d({}, kFs, 512, transparent(true, k));
        d.feed(20.0, noise(0.25f, 11));
        d.drain();
        const auto frames = d.framesFrom(2.0);
        double sum = 0.0;
        for (const auto& f : frames) sum += f.phaseCoherence;
        means.push_back(sum / double(frames.size()));
    }
    for (size_t i = 1; i < means.size(); ++i)
        EXPECT_GT(means[i], means[i - 1]) << "K step " << i << ": " << means[i - 1] << " → "
                                          << means[i];
    EXPECT_GT(means.back(), 0.9);  // K = 2 synchronises the default frequencies
}

// Frame n ends at exactly n·fs/rate samples: no block quantisation, whatever the block size.
void expectExactCadence(double rate, double fs, int block) {
    MetricsConfig config;
    config.rateHz = rate;
    ChainDriver d(config, fs, block);
    d.feed(10.5, noise(0.25f, 5));
    d.drain();
    const auto frames = d.frames();
    ASSERT_GT(frames.size(), size_t(10 * rate));
    for (size_t i = 1; i < frames.size(); ++i) {
        ASSERT_EQ(frames[i].frameId, frames[i - 1].frameId + 1);
        ASSERT_GT(frames[i].timestamp, frames[i - 1].timestamp);
        // Each interval is the rounded n·fs/rate step: within one sample of fs/rate.
        ASSERT_NEAR(double(frames[i].samplePosition - frames[i - 1].samplePosition), fs / rate,
                    1.0);
    }
    // Over 10 s of sample time, the mean interval of the timestamps is 1/rate ± 1 %.
    const size_t n = size_t(10 * rate);
    const double mean = (frames[n].timestamp - frames[0].timestamp) / double(n);
    EXPECT_NEAR(mean, 1.0 / rate, 0.01 / rate) << "rate " << rate << " block " << block;
    EXPECT_EQ(d.chain.analysisRing().overflows(), 0u);
}

TEST(MetricsAnalyzer, FramesComeAtTheExactRateInSampleTimeWithConsecutiveIds) {
    expectExactCadence(30.0, 48000.0, 512);   // 1600 samples, 3.125 blocks
    expectExactCadence(30.0, 44100.0, 2048);  // the seed's 23.4 Hz trap: 2048-frame blocks
    expectExactCadence(120.0, 44100.0, 64);   // 367.5 samples: alternately 367 and 368
}

TEST(MetricsAnalyzer, ConfigIsValidatedAndAppliedWithoutBreakingTheFrameIds) {
    ChainDriver d({}, kFs, 256);
    EXPECT_EQ(d.analyzer->setConfig({29.0, 2048})->field, "rate_hz");
    EXPECT_EQ(d.analyzer->setConfig({121.0, 2048})->field, "rate_hz");
    EXPECT_EQ(d.analyzer->setConfig({30.0, 3000})->field, "window");
    EXPECT_EQ(d.analyzer->setConfig({30.0, 256})->field, "window");
    EXPECT_EQ(d.analyzer->setConfig({30.0, 16384})->field, "window");
    d.feed(1.0, noise(0.25f, 9));
    d.drain();
    const size_t before = d.frames().size();
    ASSERT_FALSE(d.analyzer->setConfig({60.0, 8192}));
    EXPECT_EQ(d.analyzer->config().rateHz, 60.0);
    d.feed(2.0, noise(0.25f, 9));
    d.drain();
    const auto frames = d.frames();
    for (size_t i = 1; i < frames.size(); ++i) ASSERT_EQ(frames[i].frameId, frames[i - 1].frameId + 1);
    // The last second runs at 60 Hz: 800 samples apart.
    const auto& a = frames[frames.size() - 2];
    const auto& b = frames.back();
    EXPECT_EQ(b.samplePosition - a.samplePosition, 800);
    EXPECT_GT(frames.size() - before, 100u);
    const AnalyzerStats s = d.analyzer->stats();
    EXPECT_EQ(s.frames, frames.size());
    EXPECT_DOUBLE_EQ(s.sampleIntervalMs, 1000.0 / 60.0);
    EXPECT_GT(s.costMeanMs, 0.0);
}

TEST(MetricsAnalyzer, HistoryAndLatestServeTheSameFrames) {
    ChainDriver d({}, kFs, 512);
    d.feed(3.0, noise(0.25f, 13));
    d.drain();
    const auto frames = d.frames();
    const auto latest = d.analyzer->latest();
    ASSERT_TRUE(latest);
    EXPECT_EQ(latest->frameId, frames.back().frameId);
    const auto lastSecond = d.analyzer->history(1.0);
    ASSERT_FALSE(lastSecond.empty());
    EXPECT_EQ(lastSecond.back().frameId, frames.back().frameId);
    EXPECT_NEAR(double(lastSecond.size()), 31.0, 1.0);  // 1 s at 30 Hz, both ends included
    EXPECT_EQ(d.analyzer->history(300.0).size(), frames.size());
}

}  // namespace
}  // namespace soundlab::metrics
