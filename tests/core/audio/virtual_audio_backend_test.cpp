#include "RealtimeSanitizer.h"
#include "RecordingCallback.h"
#include "audio/AudioFileDecoder.h"
#include "audio/LoopbackDelayLine.h"
#include "audio/VirtualAudioBackend.h"
#include "audio/WavWriter.h"

#include <gtest/gtest.h>
#include <QTemporaryDir>

#include <cmath>
#include <cstdlib>
#include <thread>

using namespace soundlab;
using soundlab::test::RecordingCallback;
using soundlab::test::waitFor;

namespace {

BackendStreamConfig streamConfig(int blockSize = 512) {
    BackendStreamConfig config;
    config.sampleRate = 48000;
    config.blockSize = blockSize;
    return config;
}

// Index of the first sample above half of full scale, or -1.
long long firstPeak(const std::vector<float>& x) {
    for (size_t i = 0; i < x.size(); ++i)
        if (std::abs(x[i]) > 0.5f) return (long long)i;
    return -1;
}

}  // namespace

TEST(VirtualAudioBackend, PacesCallbacksAtTheNominalRate) {
    VirtualDeviceOptions options;
    options.input = QStringLiteral("silence");
    VirtualAudioBackend backend(options);
    RecordingCallback callback(0);
    ASSERT_FALSE(backend.start(streamConfig(512), callback));
    std::this_thread::sleep_for(std::chrono::seconds(3));
    backend.stop();

    const uint64_t n = callback.callbacks();
    ASSERT_GT(n, 200u);
    const auto& t = callback.callbackNs();
    const double seconds = double(t[n - 1] - t[0]) * 1e-9;
    const double perSecond = double(n - 1) / seconds;
    EXPECT_NEAR(perSecond, 48000.0 / 512, 0.01 * 48000.0 / 512);
}

TEST(VirtualAudioBackend, ClockSkewChangesTheRateByItsPpm) {
    VirtualDeviceOptions options;
    options.input = QStringLiteral("silence");
    options.clockSkewPpm = 5000;  // 0.5 % fast: large enough to see over 2 s
    VirtualAudioBackend backend(options);
    RecordingCallback callback(0);
    ASSERT_FALSE(backend.start(streamConfig(256), callback));
    std::this_thread::sleep_for(std::chrono::seconds(2));
    backend.stop();
    const uint64_t n = callback.callbacks();
    const auto& t = callback.callbackNs();
    const double perSecond = double(n - 1) / (double(t[n - 1] - t[0]) * 1e-9);
    EXPECT_NEAR(perSecond / (48000.0 / 256), 1.005, 0.002);
}

TEST(LoopbackDelayLine, IntegerDelayIsAnExactCopy) {
    for (double delay : {512.0, 700.0, 1500.0}) {
        LoopbackDelayLine line;
        line.prepare(delay, 512);
        std::vector<float> input(512), output(512), received;
        long long n = 0;
        for (int block = 0; block < 8; ++block) {
            line.read(input.data(), 512);
            received.insert(received.end(), input.begin(), input.end());
            for (int i = 0; i < 512; ++i, ++n) output[size_t(i)] = n == 100 ? 1.0f : 0.0f;
            line.write(output.data(), 512);
        }
        EXPECT_EQ(firstPeak(received), 100 + (long long)delay) << "delay " << delay;
        EXPECT_EQ(received[size_t(100 + delay)], 1.0f);
        double energy = 0;
        for (float v : received) energy += double(v) * v;
        EXPECT_EQ(energy, 1.0) << "an exact copy carries the impulse and nothing else";
    }
}

TEST(LoopbackDelayLine, FractionalDelayShiftsABandLimitedSignal) {
    const double delay = 600.25;
    const double f = 1000.0 / 48000.0;  // cycles per sample
    LoopbackDelayLine line;
    line.prepare(delay, 512);
    std::vector<float> input(512), output(512);
    double maxError = 0;
    long long n = 0;
    for (int block = 0; block < 10; ++block) {
        line.read(input.data(), 512);
        for (int i = 0; i < 512; ++i) {
            const long long m = n + i;
            if (m > 700)  // past the start-up transient
                maxError = std::max(
                    maxError,
                    std::abs(input[size_t(i)] - std::sin(2 * M_PI * f * (double(m) - delay))));
        }
        for (int i = 0; i < 512; ++i)
            output[size_t(i)] = float(std::sin(2 * M_PI * f * double(n + i)));
        line.write(output.data(), 512);
        n += 512;
    }
    EXPECT_LT(maxError, 1e-3);
}

TEST(LoopbackDelayLine, RejectsDelaysShorterThanABlock) {
    EXPECT_TRUE(LoopbackDelayLine::check(256, 512));
    EXPECT_TRUE(LoopbackDelayLine::check(512.5, 512));  // needs room for the interpolator
    EXPECT_FALSE(LoopbackDelayLine::check(512, 512));
    EXPECT_FALSE(LoopbackDelayLine::check(600.5, 512));
    EXPECT_TRUE(LoopbackDelayLine::check(std::nan(""), 512));
}

TEST(VirtualAudioBackend, LoopbackReturnsTheOutputAfterExactlyTheDelay) {
    VirtualDeviceOptions options;
    options.loopbackDelaySamples = 1234;
    VirtualAudioBackend backend(options);
    RecordingCallback callback(8192, [](long long n) { return n == 300 ? 1.0f : 0.0f; });
    ASSERT_FALSE(backend.start(streamConfig(256), callback));
    ASSERT_TRUE(waitFor([&] { return callback.full(); }, 5000));
    backend.stop();
    EXPECT_EQ(firstPeak(callback.capture()), 300 + 1234);
}

TEST(VirtualAudioBackend, SineInputHasItsFrequencyAndLevel) {
    VirtualDeviceOptions options;
    options.input = QStringLiteral("sine:1000");
    VirtualAudioBackend backend(options);
    RecordingCallback callback(4800);
    ASSERT_FALSE(backend.start(streamConfig(512), callback));
    ASSERT_TRUE(waitFor([&] { return callback.full(); }, 5000));
    backend.stop();
    const auto& x = callback.capture();
    for (size_t i = 0; i < x.size(); ++i)
        ASSERT_NEAR(x[i], TestSignal::kLevel * std::sin(2 * M_PI * 1000.0 * double(i) / 48000),
                    1e-4);
}

TEST(VirtualAudioBackend, FileInputPlaysTheDecodedFile) {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("ramp.wav"));
    std::vector<float> ramp(4000);
    for (size_t i = 0; i < ramp.size(); ++i) ramp[i] = float(i % 1000) / 1000.0f - 0.5f;
    WavWriter writer;
    QString error;
    ASSERT_TRUE(writer.open(path, 48000, 1, &error)) << error.toStdString();
    ASSERT_TRUE(writer.write(ramp.data(), qint64(ramp.size())));
    ASSERT_TRUE(writer.close(&error)) << error.toStdString();

    VirtualDeviceOptions options;
    options.input = QStringLiteral("file:") + path;
    VirtualAudioBackend backend(options);
    RecordingCallback callback(6000);
    ASSERT_FALSE(backend.start(streamConfig(512), callback));
    ASSERT_TRUE(waitFor([&] { return callback.full(); }, 5000));
    backend.stop();
    // The file plays from its start and loops.
    for (size_t i = 0; i < 6000; ++i)
        ASSERT_NEAR(callback.capture()[i], ramp[i % ramp.size()], 1e-6) << i;
}

TEST(VirtualAudioBackend, RecordsItsOutputToAReadableWavFile) {
    QTemporaryDir dir;
    VirtualDeviceOptions options;
    options.input = QStringLiteral("silence");
    options.recordPath = dir.filePath(QStringLiteral("out.wav"));
    VirtualAudioBackend backend(options);
    const auto tone = [](long long n) {
        return float(0.25 * std::sin(2 * M_PI * 440.0 * double(n) / 48000));
    };
    RecordingCallback callback(0, tone);
    ASSERT_FALSE(backend.start(streamConfig(512), callback));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    backend.stop();
    const uint64_t frames = callback.callbacks() * 512;

    // Read back with Qt Multimedia's decoder, not with our writer's code.
    QString error;
    auto decoded = AudioFileDecoder::decodeMono(options.recordPath, 48000, &error);
    ASSERT_TRUE(decoded) << error.toStdString();
    ASSERT_EQ(decoded->size(), frames);
    for (size_t i = 0; i < decoded->size(); ++i)
        ASSERT_NEAR((*decoded)[i], tone((long long)i), 1e-6);
    EXPECT_EQ(backend.recordingDroppedFrames(), 0u);
}

TEST(VirtualAudioBackend, BadInputsAreClearErrors) {
    RecordingCallback callback(0);
    for (const char* spec : {"sine:abc", "sine:30000", "file:/nonexistent.wav", "pink"}) {
        VirtualDeviceOptions options;
        options.input = QString::fromLatin1(spec);
        VirtualAudioBackend backend(options);
        const auto error = backend.start(streamConfig(), callback);
        ASSERT_TRUE(error) << spec;
        EXPECT_FALSE(error->isEmpty());
        EXPECT_FALSE(backend.isRunning());
    }
    VirtualDeviceOptions shortLoop;
    shortLoop.loopbackDelaySamples = 100;
    VirtualAudioBackend backend(shortLoop);
    const auto error = backend.start(streamConfig(512), callback);
    ASSERT_TRUE(error);
    EXPECT_TRUE(error->contains(QStringLiteral("at least 512")));
}

namespace {
// Stalls the audio thread, as a stopped VM or a debugger would: once at block 20, or on every
// block (an overloaded callback).
class StallingCallback : public AudioCallback {
public:
    enum class When { Once, EveryBlock };
    explicit StallingCallback(std::chrono::microseconds stall = std::chrono::milliseconds(300),
                              When when = When::Once)
        : stall_(stall), when_(when) {}
    void prepare(double, int) override {}
    void process(const AudioBlock& block) noexcept override {
        const long long now = std::chrono::steady_clock::now().time_since_epoch().count();
        const int n = count_.load();
        if (n < int(times_.size())) times_[size_t(n)] = now;
        if (block.status & kOutputUnderflow) underflows_.fetch_add(1);
        if (n == 20 || when_ == When::EveryBlock) {
            const test::DeliberateStall stall;
            std::this_thread::sleep_for(stall_);
        }
        count_.store(n + 1);
    }
    const std::chrono::microseconds stall_;
    const When when_;
    std::array<long long, 4096> times_{};
    std::atomic<int> count_{0};
    std::atomic<int> underflows_{0};
};
}  // namespace

TEST(VirtualAudioBackend, AStallIsReportedAndNotFollowedByABurstOfBlocks) {
    VirtualDeviceOptions options;
    options.input = QStringLiteral("silence");
    VirtualAudioBackend backend(options);
    StallingCallback callback;
    ASSERT_FALSE(backend.start(streamConfig(512), callback));
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    backend.stop();
    ASSERT_GT(callback.count_.load(), 40);
    EXPECT_GE(callback.underflows_.load(), 1) << "the late block is reported as an underflow";
    // After the stall the clock restarts: the blocks that follow keep the device's pace instead
    // of catching up on the ~28 missed ones back to back. Counted over a window rather than
    // gap by gap, so that a scheduling hiccup of a few periods on a busy machine (which the
    // clock rightly catches up on) cannot fail it; a burst would put ~28 extra blocks in it.
    const double periodNs = 1e9 * 512 / 48000;
    const double windowNs = 100e6;
    const long long resumed = callback.times_[21];
    int inWindow = 0;
    for (int i = 22; i < callback.count_.load() && i < int(callback.times_.size()); ++i)
        if (double(callback.times_[size_t(i)] - resumed) <= windowNs) ++inWindow;
    EXPECT_LE(inWindow, int(windowNs / periodNs) + 3)
        << "blocks within 100 ms of the stall's end: a burst of catch-up blocks";
}

// A stall shorter than the clock's restart threshold is caught up on, and is one dropout: the
// catch-up blocks after it are not counted again (a 45 ms stall is ~4 periods of 10.7 ms; the
// load tests' xrun budget counts dropouts, and one stalled VM used to read as 5).
TEST(VirtualAudioBackend, AShortStallIsOneUnderflowNotOnePerMissedBlock) {
    VirtualDeviceOptions options;
    options.input = QStringLiteral("silence");
    VirtualAudioBackend backend(options);
    StallingCallback callback(std::chrono::milliseconds(45));
    ASSERT_FALSE(backend.start(streamConfig(512), callback));
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
    backend.stop();
    ASSERT_GT(callback.count_.load(), 40);
    EXPECT_EQ(callback.underflows_.load(), 1);
}

// A callback that keeps overrunning falls further behind on every block, and every block is an
// underflow (until the clock restarts far behind): counting one per stall must not hide it.
TEST(VirtualAudioBackend, ACallbackThatKeepsOverrunningIsAnUnderflowMostBlocks) {
    VirtualDeviceOptions options;
    options.input = QStringLiteral("silence");
    VirtualAudioBackend backend(options);
    // One and a half periods (10.7 ms) on every block.
    StallingCallback callback(std::chrono::microseconds(16000), StallingCallback::When::EveryBlock);
    ASSERT_FALSE(backend.start(streamConfig(512), callback));
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    backend.stop();
    ASSERT_GT(callback.count_.load(), 20);
    EXPECT_GE(callback.underflows_.load(), callback.count_.load() / 2)
        << callback.underflows_.load() << " underflows in " << callback.count_.load() << " blocks";
}

// The RealtimeSanitizer build (scripts/sanitize.sh rtsan) must be able to fail: the device's
// thread brackets each block with rt::RealtimeSection, so a callback that allocates aborts the
// program with the call's stack. In other builds the runtime is absent and the test skips.
TEST(VirtualAudioBackendDeathTest, AnAllocationInTheCallbackAbortsUnderRealtimeSanitizer) {
    if (!test::realtimeSanitizerLinked()) GTEST_SKIP() << "not the RealtimeSanitizer build";
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    class AllocatingCallback : public AudioCallback {
    public:
        void prepare(double, int) override {}
        void process(const AudioBlock& block) noexcept override {
            void* volatile scratch = std::malloc(size_t(block.frames) * sizeof(float));
            std::free(scratch);
        }
    };
    EXPECT_DEATH(
        {
            VirtualAudioBackend backend{VirtualDeviceOptions{}};
            AllocatingCallback callback;
            (void)backend.start(streamConfig(256), callback);
            std::this_thread::sleep_for(std::chrono::seconds(2));
            backend.stop();
        },
        "Real-time violation.*malloc");
}
