// The real audio path without hardware: Soundlab's PortAudio stream on a JACK server with the
// dummy driver (started by the CTest fixture), its outputs wired to its inputs with jack_connect.

#include "JackServer.h"
#include "audio/AudioDeviceInfo.h"
#include "engine/AudioEngine.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <thread>

using namespace soundlab;
using soundlab::test::JackServer;

namespace {

constexpr int kJackPeriod = 256;  // the fixture's jackd -p

class JackLoopback : public ::testing::Test {
protected:
    void SetUp() override {
        engine_ = std::make_unique<AudioEngine>();
        for (const AudioDeviceInfo& d : engine_->devices())
            if (d.hostApi.contains(QStringLiteral("JACK")) && d.name == QStringLiteral("system"))
                return;
        GTEST_SKIP() << "no JACK server (jackd not installed?): JACK tests skipped";
    }

    // Starts Soundlab on JACK and loops its output back: soundlab:out_0 -> soundlab:in_0,
    // with the dummy capture port disconnected so nothing else reaches the input.
    void startLoopback(std::optional<int> fixedBlockSize) {
        StreamConfig config;
        config.inputDevice = config.outputDevice =
            QStringLiteral("JACK Audio Connection Kit: system");
        if (fixedBlockSize) {
            config.blockSize = *fixedBlockSize;
            config.preferHostPeriod = false;
        }
        ASSERT_FALSE(engine_->configure(config));
        const auto error = engine_->start();
        ASSERT_FALSE(error) << error->message.toStdString();
        ASSERT_TRUE(JackServer::disconnect(QStringLiteral("system:capture_1"),
                                           QStringLiteral("soundlab:in_0")));
        ASSERT_TRUE(
            JackServer::connect(QStringLiteral("soundlab:out_0"), QStringLiteral("soundlab:in_0")));
    }

    // Plays a click at sample 0 of the probe and returns where it comes back.
    long long measureClickDelay() {
        std::vector<float> click(1, 1.0f);
        QString error;
        const auto capture = engine_->playAndRecord(click, 8192, 5000, &error);
        EXPECT_TRUE(capture) << error.toStdString();
        if (!capture) return -1;
        for (size_t i = 0; i < capture->size(); ++i)
            if (std::abs((*capture)[i]) > 0.5f) return (long long)i;
        return -1;
    }

    std::unique_ptr<AudioEngine> engine_;
};

}  // namespace

TEST_F(JackLoopback, FollowsTheServerPeriodAndRunsAtItsRate) {
    startLoopback(std::nullopt);
    ASSERT_TRUE(engine_->isRunning());
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const AudioStatus status = engine_->status();
    EXPECT_EQ(status.stream.backend, QStringLiteral("portaudio"));
    EXPECT_TRUE(status.stream.hostApi.contains(QStringLiteral("JACK")));
    EXPECT_EQ(status.stream.sampleRate, 48000.0);
    EXPECT_TRUE(status.stream.hostPeriod);
    EXPECT_EQ(status.stream.blockSize, kJackPeriod);
    EXPECT_GT(status.callbackCount, 10u);
}

TEST_F(JackLoopback, ClickReturnsAfterExactlyOnePeriod) {
    startLoopback(std::nullopt);
    // JACK runs a client's output into its own input one period later.
    EXPECT_EQ(measureClickDelay(), kJackPeriod);
    EXPECT_EQ(measureClickDelay(), kJackPeriod) << "the same on a second measurement";
}

TEST_F(JackLoopback, FixedBlockSizeAddsPortAudiosBuffer) {
    startLoopback(512);
    EXPECT_EQ(measureClickDelay(), kJackPeriod + 512);
}

TEST_F(JackLoopback, StopAndRestartAreClean) {
    startLoopback(std::nullopt);
    engine_->stop();
    EXPECT_FALSE(engine_->isRunning());
    EXPECT_TRUE(engine_->status().lastError.isEmpty()) << "a requested stop is not an error";
    ASSERT_FALSE(engine_->start());
    EXPECT_TRUE(engine_->isRunning());
    EXPECT_TRUE(engine_->status().lastError.isEmpty());
}

// The JACK server going away under a running stream: reported, no hang, no crash, and a restart
// fails with a clear error. Uses a server of its own, not the fixture's.
TEST(JackServerLoss, IsReportedAndARestartFailsCleanly) {
    if (JackServer::name().isEmpty()) GTEST_SKIP() << "no JACK fixture";
    const QString script = QStringLiteral(SOUNDLAB_SOURCE_DIR "/scripts/jack-test-server.sh");
    const QString name = JackServer::name() + QStringLiteral("-loss");
    QString output;
    ASSERT_EQ(JackServer::run(script, {QStringLiteral("start"), name}, &output), 0)
        << output.toStdString();
    const QByteArray previous = qgetenv("JACK_DEFAULT_SERVER");
    qputenv("JACK_DEFAULT_SERVER", name.toUtf8());
    {
        AudioEngine engine;
        StreamConfig config;
        config.inputDevice = config.outputDevice =
            QStringLiteral("JACK Audio Connection Kit: system");
        if (engine.validate(config)) {
            JackServer::run(script, {QStringLiteral("stop"), name});
            qputenv("JACK_DEFAULT_SERVER", previous);
            GTEST_SKIP() << "PortAudio sees no JACK device";
        }
        ASSERT_FALSE(engine.configure(config));
        ASSERT_FALSE(engine.start());
        ASSERT_TRUE(engine.isRunning());

        ASSERT_EQ(JackServer::run(script, {QStringLiteral("stop"), name}), 0);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (engine.isRunning() && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        EXPECT_FALSE(engine.isRunning());
        EXPECT_FALSE(engine.status().lastError.isEmpty());

        const auto error = engine.start();
        ASSERT_TRUE(error);
        EXPECT_EQ(error->kind, EngineError::Kind::DeviceUnavailable);
        EXPECT_TRUE(error->message.contains(QStringLiteral("JACK")))
            << error->message.toStdString();
    }  // and the engine's destructor returns
    qputenv("JACK_DEFAULT_SERVER", previous);
}
