#include "RecordingCallback.h"
#include "engine/AudioEngine.h"
#include "engine/ProcessingChain.h"

#include <gtest/gtest.h>

#include <cmath>
#include <thread>

using namespace soundlab;

namespace {

StreamConfig virtualConfig(int blockSize = 512) {
    StreamConfig config;
    config.inputDevice = config.outputDevice = QStringLiteral("virtual");
    config.blockSize = blockSize;
    return config;
}

}  // namespace

TEST(AudioEngine, RejectsUnsupportedValuesAndSaysWhatIsValid) {
    AudioEngine engine;
    StreamConfig config = virtualConfig();
    config.sampleRate = 22050;
    auto error = engine.validate(config);
    ASSERT_TRUE(error);
    EXPECT_EQ(error->kind, EngineError::Kind::InvalidConfig);
    EXPECT_TRUE(error->message.contains(QStringLiteral("44100, 48000, 96000")));

    config = virtualConfig(32);
    error = engine.validate(config);
    ASSERT_TRUE(error);
    EXPECT_TRUE(error->message.contains(QStringLiteral("64 to 2048")));

    config = virtualConfig();
    config.inputDevice = config.outputDevice = QStringLiteral("no such card");
    error = engine.validate(config);
    ASSERT_TRUE(error);
    EXPECT_TRUE(error->message.contains(QStringLiteral("virtual")));

    config.inputDevice = QStringLiteral("virtual");
    config.outputDevice = QStringLiteral("0");
    EXPECT_TRUE(engine.validate(config));

    // A rejected configuration leaves the current one alone.
    ASSERT_FALSE(engine.configure(virtualConfig(256)));
    EXPECT_TRUE(engine.configure(virtualConfig(4096)));
    EXPECT_EQ(engine.config().blockSize, 256);
}

TEST(AudioEngine, StartAndStopAreIdempotent) {
    AudioEngine engine;
    ASSERT_FALSE(engine.configure(virtualConfig()));
    EXPECT_FALSE(engine.isRunning());
    engine.stop();
    ASSERT_FALSE(engine.start());
    ASSERT_FALSE(engine.start());
    EXPECT_TRUE(engine.isRunning());
    EXPECT_TRUE(test::waitFor([&] { return engine.status().callbackCount > 3; }, 2000));
    const uint64_t before = engine.status().callbackCount;
    ASSERT_FALSE(engine.start());  // a second start does not restart the stream
    EXPECT_GE(engine.status().callbackCount, before);
    engine.stop();
    engine.stop();
    EXPECT_FALSE(engine.isRunning());
}

TEST(AudioEngine, ConfigureWhileRunningRestartsWithTheNewFormat) {
    AudioEngine engine;
    ASSERT_FALSE(engine.configure(virtualConfig(512)));
    ASSERT_FALSE(engine.start());
    StreamConfig config = virtualConfig(128);
    config.sampleRate = 96000;
    ASSERT_FALSE(engine.configure(config));
    EXPECT_TRUE(engine.isRunning());
    const AudioStatus status = engine.status();
    EXPECT_EQ(status.stream.blockSize, 128);
    EXPECT_EQ(status.stream.sampleRate, 96000.0);
    EXPECT_TRUE(test::waitFor([&] { return engine.performance().callbackCount > 20; }, 2000));
    EXPECT_NEAR(engine.performance().bufferDurationMs, 1000.0 * 128 / 96000, 1e-9);
}

TEST(AudioEngine, ReportsProcessingTimeAndLoad) {
    AudioEngine engine;
    ASSERT_FALSE(engine.configure(virtualConfig(256)));
    ASSERT_FALSE(engine.start());
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const PerformanceStats p = engine.performance();
    EXPECT_GT(p.callbackCount, 50u);
    EXPECT_GT(p.averageMs, 0.0);
    EXPECT_LE(p.minMs, p.averageMs);
    EXPECT_LE(p.averageMs, p.maxMs);
    EXPECT_GT(p.cpuLoadAverage, 0.0);
    EXPECT_LT(p.cpuLoadAverage, 1.0);
    EXPECT_NEAR(p.cpuLoadAverage, p.averageMs / p.bufferDurationMs, 1e-9);
    EXPECT_GE(p.cpuLoadPeak, p.cpuLoadCurrent);
    EXPECT_EQ(p.timingRecordsDropped, 0u);
}

TEST(AudioEngine, ProbeOnTheVirtualLoopbackFindsItsDelayWhileTheStreamRuns) {
    AudioEngine engine;
    StreamConfig config = virtualConfig(256);
    config.virtualDevice.loopbackDelaySamples = 1000;
    ASSERT_FALSE(engine.configure(config));
    ASSERT_FALSE(engine.start());
    for (int attempt = 0; attempt < 2; ++attempt) {
        QString error;
        const auto capture = engine.playAndRecord({1.0f}, 4096, 3000, &error);
        ASSERT_TRUE(capture) << error.toStdString();
        long long peak = -1;
        for (size_t i = 0; i < capture->size() && peak < 0; ++i)
            if ((*capture)[i] > 0.5f) peak = (long long)i;
        EXPECT_EQ(peak, 1000);
    }
    EXPECT_TRUE(engine.isRunning());
    engine.stop();
    QString error;
    EXPECT_FALSE(engine.playAndRecord({1.0f}, 16, 100, &error));
    EXPECT_FALSE(error.isEmpty());
}

TEST(ProcessingChain, PassesInputToBothOutputsInHostPeriodsLargerThanItsBlock) {
    ProcessingChain chain;
    chain.prepare(48000, 512);
    std::vector<float> in(2048), left(2048, 9.0f), right(2048, 9.0f);
    for (size_t i = 0; i < in.size(); ++i) in[i] = std::sin(0.01f * float(i));
    AudioBlock block;
    block.input = in.data();
    block.left = left.data();
    block.right = right.data();
    block.frames = 2048;
    block.status = kOutputUnderflow;
    chain.process(block);
    EXPECT_EQ(left, in);
    EXPECT_EQ(right, in);
    EXPECT_EQ(chain.callbackCount(), 1u);
    EXPECT_EQ(chain.outputUnderflows(), 1u);
    EXPECT_EQ(chain.inputOverflows(), 0u);
    BlockTiming timing;
    ASSERT_TRUE(chain.popTiming(&timing));
    EXPECT_EQ(timing.frames, 2048);
    EXPECT_GE(timing.endNs, timing.startNs);
}
