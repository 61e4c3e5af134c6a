// JackBackend on real JACK servers with the dummy driver: the CTest fixture's server for the
// loopback, servers of the test's own (unique names, killed at the end) for death and recovery.

#include "JackServer.h"
#include "RealtimeSanitizer.h"
#include "RecordingCallback.h"
#include "audio/JackBackend.h"

#include <gtest/gtest.h>
#include <QCoreApplication>

#include <chrono>
#include <cmath>
#include <future>
#include <memory>
#include <thread>

using namespace soundlab;
using namespace std::chrono_literals;
using soundlab::test::JackServer;
using soundlab::test::JackServerProcess;
using soundlab::test::RecordingCallback;
using soundlab::test::waitFor;

namespace {

constexpr int kPeriod = 256;  // the fixture's and our servers' jackd -p

BackendStreamConfig streamConfig(double sampleRate = 48000) {
    BackendStreamConfig config;
    config.sampleRate = sampleRate;
    config.blockSize = 512;
    return config;
}

// Unique per test process, so parallel runs and leftovers of a crashed run never collide.
QString uniqueServerName(const char* what) {
    static int serial = 0;
    return QStringLiteral("soundlab-jbt-%1-%2-%3")
        .arg(QCoreApplication::applicationPid())
        .arg(QLatin1String(what))
        .arg(++serial);
}

bool fixtureServerRuns() {
    return !JackServer::name().isEmpty() && JackBackend::available();
}

// Runs backend.stop() with a hang guard. On a hang the backend and its callback are leaked on
// purpose (the stuck thread still uses them) and the test fails instead of never ending.
bool stopsWithin(std::unique_ptr<JackBackend>& backend,
                 std::unique_ptr<RecordingCallback>& callback, std::chrono::milliseconds limit,
                 std::chrono::milliseconds* took = nullptr) {
    const auto begin = std::chrono::steady_clock::now();
    std::packaged_task<void()> stop([b = backend.get()] { b->stop(); });
    std::future<void> stopped = stop.get_future();
    std::thread(std::move(stop)).detach();
    if (stopped.wait_for(limit) != std::future_status::ready) {
        (void)backend.release();
        (void)callback.release();
        return false;
    }
    if (took)
        *took = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - begin);
    return true;
}

// Records each block's stream times next to the steady clock at entry.
class TimingCallback : public AudioCallback {
public:
    struct Entry {
        double inputTime, outputTime, steadySeconds;
        int frames;
    };
    void prepare(double, int) override {
        entries_.assign(200, {});
        count_ = 0;
    }
    void process(const AudioBlock& block) noexcept override {
        const double now =
            std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
                .count();
        const size_t n = count_.load(std::memory_order_relaxed);
        if (n < entries_.size()) {
            entries_[n] = {block.inputTime, block.outputTime, now, block.frames};
            count_.store(n + 1, std::memory_order_release);
        }
        std::fill(block.left, block.left + block.frames, 0.0f);
        std::fill(block.right, block.right + block.frames, 0.0f);
    }
    size_t count() const { return count_.load(std::memory_order_acquire); }
    const std::vector<Entry>& entries() const { return entries_; }

private:
    std::vector<Entry> entries_;
    std::atomic<size_t> count_{0};
};

}  // namespace

TEST(JackBackendLoopback, ClickReturnsAfterExactlyOnePeriod) {
    if (!fixtureServerRuns()) GTEST_SKIP() << "no JACK fixture server (jackd not installed?)";
    constexpr long long kClickEvery = 4096;  // longer than the round trip: no ambiguity
    // Two seconds: room for jack_connect to take its time on a loaded machine.
    RecordingCallback callback(size_t(2 * 48000),
                               [](long long n) { return n % kClickEvery == 0 ? 1.0f : 0.0f; });
    JackBackend backend;
    const auto error = backend.start(streamConfig(), callback);
    ASSERT_FALSE(error) << error->toStdString();
    const QString client = backend.clientName();
    EXPECT_EQ(client, QStringLiteral("soundlab"));
    // Only our own output may reach the input.
    EXPECT_TRUE(JackServer::disconnect(QStringLiteral("system:capture_1"), client + ":in_0"));
    ASSERT_TRUE(JackServer::connect(client + ":out_0", client + ":in_0"));
    ASSERT_TRUE(waitFor([&] { return callback.full(); }, 5000));
    backend.stop();

    // Output sample n and input sample n belong to the same cycle, so a click played at n
    // comes back at n + one period. Clicks played before the connection are simply missing.
    std::vector<long long> clicks;
    const std::vector<float>& capture = callback.capture();
    for (size_t i = 0; i < capture.size(); ++i)
        if (std::abs(capture[i]) > 0.5f) clicks.push_back((long long)i);
    ASSERT_GE(clicks.size(), 5u);
    for (long long at : clicks) EXPECT_EQ(at % kClickEvery, kPeriod) << "click at " << at;
    for (size_t k = 1; k < clicks.size(); ++k)
        EXPECT_EQ(clicks[k] - clicks[k - 1], kClickEvery) << "no click lost or doubled";
}

TEST(JackBackendLoopback, TheInputChannelPicksTheCapturePortAndOneTheServerLacksIsRefused) {
    if (!fixtureServerRuns()) GTEST_SKIP() << "no JACK fixture server (jackd not installed?)";
    RecordingCallback callback(256);
    JackBackend backend;
    BackendStreamConfig config = streamConfig();
    config.inputChannel = 1;  // the dummy driver's second capture port, system:capture_2
    const auto error = backend.start(config, callback);
    ASSERT_FALSE(error) << error->toStdString();
    QString connections;
    ASSERT_EQ(JackServer::run(QStringLiteral("jack_lsp"),
                              {QStringLiteral("-c"), backend.clientName() + QStringLiteral(":in_0")},
                              &connections),
              0);
    EXPECT_TRUE(connections.contains(QStringLiteral("system:capture_2"))) << connections.toStdString();
    EXPECT_FALSE(connections.contains(QStringLiteral("system:capture_1")))
        << connections.toStdString();
    backend.stop();

    config.inputChannel = 2;
    const auto refused = backend.start(config, callback);
    ASSERT_TRUE(refused);
    EXPECT_TRUE(refused->contains(QStringLiteral("input channel 2"))) << refused->toStdString();
    EXPECT_TRUE(refused->contains(QStringLiteral("0 to 1"))) << refused->toStdString();
    EXPECT_FALSE(backend.isRunning());
}

TEST(JackBackendLoopback, ReportsTheServersPeriodRateAndLatency) {
    if (!fixtureServerRuns()) GTEST_SKIP() << "no JACK fixture server (jackd not installed?)";
    TimingCallback callback;
    JackBackend backend;
    const auto error = backend.start(streamConfig(), callback);
    ASSERT_FALSE(error) << error->toStdString();
    ASSERT_TRUE(waitFor([&] { return callback.count() >= 50; }, 5000));
    const StreamInfo info = backend.streamInfo();
    backend.stop();

    EXPECT_EQ(info.backend, QStringLiteral("jack"));
    EXPECT_EQ(info.hostApi, QStringLiteral("JACK"));
    EXPECT_EQ(info.outputDevice, QStringLiteral("JACK server '%1'").arg(JackServer::name()));
    EXPECT_EQ(info.sampleRate, 48000.0);
    EXPECT_EQ(info.blockSize, kPeriod);
    EXPECT_TRUE(info.hostPeriod);
    // The dummy driver's system ports report one period each way.
    EXPECT_DOUBLE_EQ(info.inputLatency, kPeriod / 48000.0);
    EXPECT_DOUBLE_EQ(info.outputLatency, kPeriod / 48000.0);

    const auto& e = callback.entries();
    for (size_t n = 0; n < 50; ++n) {
        EXPECT_EQ(e[n].frames, kPeriod);
        EXPECT_NEAR(e[n].outputTime - e[n].inputTime, info.inputLatency + info.outputLatency, 1e-6);
        // On the steady clock (CLOCK_MONOTONIC): the cycle started shortly before we were called.
        const double cycleStart = e[n].inputTime + info.inputLatency;
        EXPECT_GE(e[n].steadySeconds, cycleStart - 1e-3) << "block " << n;
        EXPECT_LT(e[n].steadySeconds, cycleStart + 0.5) << "block " << n;
    }
    // Cycles are a period apart on average (the dummy driver's wake-ups jitter one by one).
    const double step = (e[49].inputTime - e[0].inputTime) / 49;
    EXPECT_NEAR(step, kPeriod / 48000.0, 0.5 * kPeriod / 48000.0);
}

// A callback that overruns its period once makes the (synchronous) server report an xrun; the
// chain's counters see it as an underflow on a following block.
TEST(JackBackendLoopback, AnXrunMarksAFollowingBlockAsAnUnderflow) {
    if (!fixtureServerRuns()) GTEST_SKIP() << "no JACK fixture server (jackd not installed?)";
    class OverrunOnce : public AudioCallback {
    public:
        void prepare(double, int) override {}
        void process(const AudioBlock& block) noexcept override {
            const int n = blocks.fetch_add(1);
            if (n == 20) {
                const test::DeliberateStall stall;
                std::this_thread::sleep_for(30ms);  // six periods: a late client
            }
            if (block.status & kOutputUnderflow) {
                underflows.fetch_add(1);
                if (n > 20) underflowsAfterOverrun.fetch_add(1);
            }
            std::fill(block.left, block.left + block.frames, 0.0f);
            std::fill(block.right, block.right + block.frames, 0.0f);
        }
        std::atomic<int> blocks{0};
        std::atomic<int> underflows{0};
        std::atomic<int> underflowsAfterOverrun{0};
    } callback;
    JackBackend backend;
    ASSERT_FALSE(backend.start(streamConfig(), callback));
    EXPECT_TRUE(waitFor([&] { return callback.underflowsAfterOverrun.load() > 0; }, 3000))
        << "xruns reported by the server: " << backend.xruns();
    backend.stop();
    const uint64_t xruns = backend.xruns();
    // A loaded machine adds xruns of its own (the server is not real-time here); several
    // between two blocks mark one block.
    EXPECT_GE(xruns, 1u);
    EXPECT_LE(uint64_t(callback.underflows.load()), xruns);
    EXPECT_TRUE(backend.failureReason().isEmpty()) << "an xrun is not a death";
}

TEST(JackBackendStart, FollowsAPeriodChangeWhileRunning) {
    if (!JackServerProcess::installed()) GTEST_SKIP() << "jackd is not installed";
    JackServerProcess server(uniqueServerName("period"));
    ASSERT_TRUE(server.start()) << server.log().toStdString();
    class LargestBlock : public AudioCallback {
    public:
        void prepare(double, int) override {}
        void process(const AudioBlock& block) noexcept override {
            if (block.frames > largest.load()) largest.store(block.frames);
            std::fill(block.left, block.left + block.frames, 0.0f);
            std::fill(block.right, block.right + block.frames, 0.0f);
        }
        std::atomic<int> largest{0};
    } callback;
    JackBackend backend(server.name());
    ASSERT_FALSE(backend.start(streamConfig(), callback));
    EXPECT_EQ(backend.streamInfo().blockSize, kPeriod);

    ASSERT_EQ(JackServer::run(QStringLiteral("jack_bufsize"), {QString::number(2 * kPeriod)},
                              nullptr, server.name()),
              0);

    EXPECT_TRUE(waitFor([&] { return callback.largest.load() == 2 * kPeriod; }, 3000))
        << "largest block: " << callback.largest.load();
    EXPECT_EQ(backend.streamInfo().blockSize, 2 * kPeriod);
    EXPECT_TRUE(backend.isRunning());
}

TEST(JackBackendStart, WithoutAServerFailsWithAClearMessage) {
    const QString name = uniqueServerName("none");
    RecordingCallback callback(0);
    JackBackend backend(name);
    const auto error = backend.start(streamConfig(), callback);
    ASSERT_TRUE(error);
    EXPECT_TRUE(error->contains(name)) << error->toStdString();
    EXPECT_FALSE(backend.isRunning());
    EXPECT_TRUE(backend.failureReason().isEmpty()) << "never started: nothing died";
}

TEST(JackBackendStart, RefusesARateTheServerDoesNotRunNamingBoth) {
    if (!JackServerProcess::installed()) GTEST_SKIP() << "jackd is not installed";
    JackServerProcess server(uniqueServerName("rate"), {.sampleRate = 44100});
    ASSERT_TRUE(server.start()) << server.log().toStdString();
    RecordingCallback callback(0);
    JackBackend backend(server.name());
    const auto error = backend.start(streamConfig(48000), callback);
    ASSERT_TRUE(error);
    EXPECT_TRUE(error->contains(QStringLiteral("44100"))) << error->toStdString();
    EXPECT_TRUE(error->contains(QStringLiteral("48000"))) << error->toStdString();
    EXPECT_FALSE(backend.isRunning());
    EXPECT_FALSE(backend.start(streamConfig(44100), callback)) << "the server's own rate works";
}

TEST(JackBackendProbe, FindsNoServerUnderAnUnusedName) {
    EXPECT_FALSE(JackBackend::probe(uniqueServerName("unused")));
    EXPECT_FALSE(JackBackend::available(uniqueServerName("unused")));
}

TEST(JackBackendProbe, SeesAServerStartedLaterWithItsRateAndPorts) {
    if (!JackServerProcess::installed()) GTEST_SKIP() << "jackd is not installed";
    JackServerProcess server(uniqueServerName("probe"),
                             {.sampleRate = 44100, .capturePorts = 1, .playbackPorts = 3});
    EXPECT_FALSE(JackBackend::available(server.name()));
    ASSERT_TRUE(server.start()) << server.log().toStdString();
    const std::optional<AudioDeviceInfo> device = JackBackend::probe(server.name());
    ASSERT_TRUE(device);
    EXPECT_EQ(device->index, JackBackend::kDeviceIndex);
    EXPECT_EQ(device->hostApi, QStringLiteral("JACK"));
    EXPECT_EQ(device->name, QStringLiteral("JACK server '%1'").arg(server.name()));
    EXPECT_EQ(device->maxInputChannels, 1);
    EXPECT_EQ(device->maxOutputChannels, 3);
    EXPECT_EQ(device->defaultSampleRate, 44100.0);
    server.stop(SIGKILL);
    EXPECT_FALSE(JackBackend::available(server.name())) << "a dead server is gone from probes";
}

// The point of the native backend: the server dies under a running client, Soundlab notices,
// stops without hanging, and a new backend runs on the restarted server. Three rounds: the
// first start, then two recoveries in a row.
class JackServerDeath : public ::testing::TestWithParam<int> {};

TEST_P(JackServerDeath, IsReportedAndANewBackendRunsOnTheRestartedServer) {
    if (!JackServerProcess::installed()) GTEST_SKIP() << "jackd is not installed";
    JackServerProcess server(uniqueServerName("death"));
    for (int round = 0; round < 3; ++round) {
        SCOPED_TRACE(testing::Message() << "round " << round);
        ASSERT_TRUE(server.start()) << server.log().toStdString();
        auto callback = std::make_unique<RecordingCallback>(0);
        auto backend = std::make_unique<JackBackend>(server.name());
        const auto error = backend->start(streamConfig(), *callback);
        ASSERT_FALSE(error) << error->toStdString();
        ASSERT_TRUE(waitFor([&] { return callback->callbacks() > 10; }, 3000))
            << "callbacks: " << callback->callbacks();
        EXPECT_TRUE(backend->isRunning());
        EXPECT_TRUE(backend->failureReason().isEmpty());

        const auto killed = std::chrono::steady_clock::now();
        server.stop(GetParam());
        ASSERT_TRUE(waitFor([&] { return !backend->isRunning(); }, 1000));
        const auto noticed = std::chrono::steady_clock::now() - killed;
        EXPECT_LT(noticed, 1s) << "from the signal, jackd's exit included";
        EXPECT_TRUE(backend->failureReason().contains(server.name()))
            << backend->failureReason().toStdString();
        std::this_thread::sleep_for(50ms);  // a cycle that was under way has ended
        const uint64_t callbacksAtDeath = callback->callbacks();

        // A hang guard, not a performance figure.
        std::chrono::milliseconds took{};
        ASSERT_TRUE(stopsWithin(backend, callback, 2s, &took)) << "stop() hung on a dead server";
        EXPECT_FALSE(backend->isRunning());
        EXPECT_FALSE(backend->failureReason().isEmpty()) << "kept after stop() for last_error";
        EXPECT_EQ(callback->callbacks(), callbacksAtDeath) << "no callback after death";
        RecordProperty("noticed_ms_round_" + std::to_string(round),
                       int(std::chrono::duration_cast<std::chrono::milliseconds>(noticed).count()));
        RecordProperty("stop_ms_round_" + std::to_string(round), int(took.count()));
    }
}

INSTANTIATE_TEST_SUITE_P(Signals, JackServerDeath, ::testing::Values(SIGKILL, SIGTERM),
                         [](const testing::TestParamInfo<int>& info) {
                             return std::string(info.param == SIGKILL ? "SIGKILL" : "SIGTERM");
                         });

// A server that is alive but does not answer (SIGSTOP) would block jack_client_close forever:
// stop() gives up after kCloseTimeoutMs and abandons the client instead.
TEST(JackServerFrozen, StopGivesUpAfterTheCloseTimeout) {
    if (!JackServerProcess::installed()) GTEST_SKIP() << "jackd is not installed";
    JackServerProcess server(uniqueServerName("frozen"));
    ASSERT_TRUE(server.start()) << server.log().toStdString();
    auto callback = std::make_unique<RecordingCallback>(0);
    auto backend = std::make_unique<JackBackend>(server.name());
    ASSERT_FALSE(backend->start(streamConfig(), *callback));
    ASSERT_TRUE(waitFor([&] { return callback->callbacks() > 10; }, 3000));
    server.freeze();
    std::this_thread::sleep_for(100ms);
    std::chrono::milliseconds took{};
    ASSERT_TRUE(stopsWithin(backend, callback,
                            std::chrono::milliseconds(JackBackend::kCloseTimeoutMs) + 2s, &took));
    EXPECT_GE(took.count(), JackBackend::kCloseTimeoutMs - 50);
    // Thawed, the server runs the abandoned client again: it must not call the callback, whose
    // owner may already have destroyed it.
    const uint64_t atStop = callback->callbacks();
    server.thaw();
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(callback->callbacks(), atStop);
}

// A frozen server does not answer jack_client_open either: a device rescan (probe) and a start
// give up after kOpenTimeoutMs instead of blocking the control thread.
TEST(JackServerFrozen, ProbeAndStartGiveUpAfterTheOpenTimeout) {
    if (!JackServerProcess::installed()) GTEST_SKIP() << "jackd is not installed";
    JackServerProcess server(uniqueServerName("frozen-open"));
    ASSERT_TRUE(server.start()) << server.log().toStdString();
    server.freeze();
    const auto limit = std::chrono::milliseconds(JackBackend::kOpenTimeoutMs) + 2s;

    auto probe = std::make_shared<std::packaged_task<bool()>>(
        [name = server.name()] { return JackBackend::available(name); });
    std::future<bool> probed = probe->get_future();
    std::thread([probe] { (*probe)(); }).detach();
    ASSERT_EQ(probed.wait_for(limit), std::future_status::ready) << "probe() hung";
    EXPECT_FALSE(probed.get());

    // Leaked if start() hangs: the stuck thread still uses them.
    auto* callback = new RecordingCallback(0);
    auto* backend = new JackBackend(server.name());
    auto start = std::make_shared<std::packaged_task<std::optional<QString>()>>(
        [backend, callback] { return backend->start(streamConfig(), *callback); });
    std::future<std::optional<QString>> started = start->get_future();
    std::thread([start] { (*start)(); }).detach();
    ASSERT_EQ(started.wait_for(limit), std::future_status::ready) << "start() hung";
    const std::optional<QString> error = started.get();
    ASSERT_TRUE(error);
    EXPECT_TRUE(error->contains(QStringLiteral("did not answer"))) << error->toStdString();
    EXPECT_FALSE(backend->isRunning());
    delete backend;
    delete callback;
    // Thawed, the server answers the abandoned opens, whose helpers close what they get. Let
    // them finish: a jackd signalled in the middle of that takes seconds to exit.
    server.thaw();
    std::this_thread::sleep_for(1s);
}
