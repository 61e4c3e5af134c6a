// The real audio path without hardware: Soundlab's audio engine on a JACK server with the dummy
// driver (the CTest fixture's, or a test's own), its outputs wired to its inputs with
// jack_connect; and what a user sees when that server dies, freezes and comes back.

#include "JackServer.h"
#include "RecordingCallback.h"
#include "audio/AudioDeviceInfo.h"
#include "engine/AudioEngine.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <future>
#include <thread>

#include <csignal>
#include <unistd.h>

using namespace soundlab;
using soundlab::test::JackServer;
using soundlab::test::JackServerProcess;

namespace {

constexpr int kJackPeriod = 256;  // the fixture's jackd -p

class JackLoopback : public ::testing::Test {
protected:
    void SetUp() override {
        engine_ = std::make_unique<AudioEngine>();
        for (const AudioDeviceInfo& d : engine_->devices())
            if (d.hostApi == QStringLiteral("JACK")) return;
        GTEST_SKIP() << "no JACK server (jackd not installed?): JACK tests skipped";
    }

    // Starts Soundlab on JACK and loops its output back: soundlab:out_0 -> soundlab:in_0,
    // with the dummy capture port disconnected so nothing else reaches the input.
    void startLoopback(std::optional<int> fixedBlockSize) {
        StreamConfig config;
        config.inputDevice = config.outputDevice = QStringLiteral("jack");
        if (fixedBlockSize) {
            config.blockSize = *fixedBlockSize;
            config.preferHostPeriod = false;
        }
        ASSERT_FALSE(engine_->configure(config));
        const auto error = engine_->start();
        ASSERT_FALSE(error) << error->message.toStdString();
        ASSERT_TRUE(JackServer::loopBackSoundlab());
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
    EXPECT_EQ(status.stream.backend, QStringLiteral("jack"));
    EXPECT_EQ(status.stream.hostApi, QStringLiteral("JACK"));
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

TEST_F(JackLoopback, ABlockSizeAddsNoBufferOnJack) {
    // The native client runs in JACK's period; the block size only bounds the chain's pieces.
    startLoopback(512);
    EXPECT_EQ(measureClickDelay(), kJackPeriod);
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

namespace {

QString uniqueServerName(const char* what) {
    return QStringLiteral("soundlab-recovery-%1-%2").arg(QString::number(getpid()), what);
}

// Points libjack (and so the engine) at a server for the scope.
class DefaultJackServer {
public:
    explicit DefaultJackServer(const QString& name) : previous_(qgetenv("JACK_DEFAULT_SERVER")) {
        qputenv("JACK_DEFAULT_SERVER", name.toUtf8());
    }
    ~DefaultJackServer() { qputenv("JACK_DEFAULT_SERVER", previous_); }

private:
    QByteArray previous_;
};

StreamConfig jackConfig() {
    StreamConfig config;
    config.inputDevice = config.outputDevice = QStringLiteral("jack");
    return config;
}

bool callbacksAdvance(const AudioEngine& engine) {
    const uint64_t before = engine.status().callbackCount;
    return test::waitFor([&] { return engine.status().callbackCount > before + 5; }, 3000);
}

// An engine on a dummy JACK server of the test's own, which the test may kill or freeze.
class JackRecovery : public ::testing::Test {
protected:
    void SetUp() override {
        if (!JackServerProcess::installed()) GTEST_SKIP() << "jackd is not installed";
    }

    // Starts the server (and, when `startAudio`, the engine's stream on it).
    void startOnOwnServer(const char* what, bool startAudio = true) {
        server_ = std::make_unique<JackServerProcess>(uniqueServerName(what));
        ASSERT_TRUE(server_->start()) << server_->log().toStdString();
        useIt_ = std::make_unique<DefaultJackServer>(server_->name());
        engine_ = std::make_unique<AudioEngine>();
        ASSERT_FALSE(engine_->configure(jackConfig()));
        if (!startAudio) return;
        ASSERT_FALSE(engine_->start());
        ASSERT_TRUE(callbacksAdvance(*engine_));
    }

    void TearDown() override {
        engine_.reset();  // before its server goes
        useIt_.reset();
        server_.reset();
    }

    std::unique_ptr<JackServerProcess> server_;
    std::unique_ptr<DefaultJackServer> useIt_;
    std::unique_ptr<AudioEngine> engine_;
};

}  // namespace

// What a user does when the JACK server crashes under a running stream: the loss is reported
// (state "lost", last_error) within a second, the server is restarted, Start is pressed, and
// the audio runs again, in the same process, every time.
TEST_F(JackRecovery, AKilledServerIsReportedAndStartRecoversOnceItIsBack) {
    ASSERT_NO_FATAL_FAILURE(startOnOwnServer("kill"));
    JackServerProcess& server = *server_;
    AudioEngine& engine = *engine_;

    for (int round = 0; round < 2; ++round) {
        server.stop(SIGKILL);
        ASSERT_TRUE(test::waitFor(
            [&] { return engine.status().state == StreamState::Lost; }, 1000))
            << "the loss is noticed within a second";
        const AudioStatus lost = engine.status();
        EXPECT_FALSE(lost.running);
        EXPECT_TRUE(lost.lastError.contains(QStringLiteral("JACK"))) << lost.lastError.toStdString();

        // Pressing Start while the server is down fails cleanly and says why.
        const auto refused = engine.start();
        ASSERT_TRUE(refused);
        EXPECT_FALSE(engine.isRunning());

        ASSERT_TRUE(server.start()) << server.log().toStdString();
        const auto error = engine.start();
        ASSERT_FALSE(error) << error->message.toStdString();
        EXPECT_EQ(engine.status().state, StreamState::Running);
        EXPECT_TRUE(engine.status().lastError.isEmpty());
        EXPECT_TRUE(callbacksAdvance(engine)) << "round " << round;
    }
}

// A server that is alive but frozen: the stream still claims to be active, the callback never
// comes. The watchdog reports it within a second, and it clears when the callbacks resume.
TEST_F(JackRecovery, AStalledCallbackIsNoticedWithinASecond) {
    ASSERT_NO_FATAL_FAILURE(startOnOwnServer("stall"));
    JackServerProcess& server = *server_;
    AudioEngine& engine = *engine_;

    server.freeze();
    const auto frozenAt = std::chrono::steady_clock::now();
    ASSERT_TRUE(test::waitFor(
        [&] { return engine.status().state == StreamState::Stalled; }, 2000));
    EXPECT_LT(std::chrono::steady_clock::now() - frozenAt, std::chrono::seconds(1));
    EXPECT_TRUE(engine.status().lastError.contains(QStringLiteral("no audio callback")));
    server.thaw();
    EXPECT_TRUE(test::waitFor([&] { return engine.status().state != StreamState::Stalled; }, 5000));
}

// Readers never wait for device I/O: while a start hangs on a frozen server (jack_client_open
// waits up to its timeout), status, config, devices and parameters answer at once.
TEST_F(JackRecovery, StatusAnswersWhileADeviceOpenHangs) {
    ASSERT_NO_FATAL_FAILURE(startOnOwnServer("busy", /*startAudio=*/false));
    JackServerProcess& server = *server_;
    AudioEngine& engine = *engine_;
    server.freeze();
    std::promise<void> startReturned;
    std::future<void> done = startReturned.get_future();
    std::thread starter([&] {
        engine.start();
        startReturned.set_value();
    });
    // Give the start a moment to take the control lock and block in libjack.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ASSERT_EQ(done.wait_for(std::chrono::seconds(0)), std::future_status::timeout)
        << "the start should still be blocked on the frozen server";
    for (int i = 0; i < 100; ++i) {
        (void)engine.status();
        (void)engine.config();
        (void)engine.devices();
        (void)engine.settings();
        (void)engine.isRunning();
    }
    EXPECT_EQ(done.wait_for(std::chrono::seconds(0)), std::future_status::timeout)
        << "all those reads returned while the start was still blocked";
    server.thaw();
    starter.join();
}

// A JACK server started after Soundlab: not in the device list until a rescan (or a start that
// names it) looks again.
TEST_F(JackRecovery, AServerStartedLaterAppearsAfterARescan) {
    server_ = std::make_unique<JackServerProcess>(uniqueServerName("late"));
    useIt_ = std::make_unique<DefaultJackServer>(server_->name());
    engine_ = std::make_unique<AudioEngine>();
    const auto hasJack = [](const QList<AudioDeviceInfo>& devices) {
        for (const AudioDeviceInfo& d : devices)
            if (d.hostApi == QStringLiteral("JACK")) return true;
        return false;
    };
    EXPECT_FALSE(hasJack(engine_->devices()));
    ASSERT_TRUE(server_->start()) << server_->log().toStdString();
    EXPECT_FALSE(hasJack(engine_->devices())) << "the list is the latest scan's";
    EXPECT_TRUE(hasJack(engine_->rescanDevices()));
    EXPECT_TRUE(hasJack(engine_->devices()));
    ASSERT_FALSE(engine_->configure(jackConfig()));

    // Gone again after it stops, at the next rescan.
    server_->stop(SIGTERM);
    EXPECT_FALSE(hasJack(engine_->rescanDevices()));
    // And a start that names it finds it by itself once it is back.
    ASSERT_TRUE(server_->start()) << server_->log().toStdString();
    EXPECT_FALSE(hasJack(engine_->devices()));
    const auto error = engine_->start();
    ASSERT_FALSE(error) << error->message.toStdString();
    EXPECT_TRUE(callbacksAdvance(*engine_));
}
