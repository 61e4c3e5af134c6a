// The metrics API over real HTTP and WebSockets, with the analysis running on the virtual
// device's audio: the routes, /ws/metrics pushing every frame once and in order, ?rate=N, and
// 100 reading clients next to one that never reads.

#include "ApiTestSupport.h"
#include "XrunBudget.h"
#include "api/ApiServer.h"
#include "api/MetricsRoutes.h"
#include "engine/AudioEngine.h"
#include "metrics/MetricsAnalyzer.h"

#include <gtest/gtest.h>

#include <QJsonArray>
#include <QUrl>
#include <set>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace soundlab;
using namespace soundlab::api;
using namespace soundlab::api::test;

namespace {

class MetricsApiTest : public ::testing::Test {
protected:
    void start(ApiServerOptions options = {}, double skewPpm = 0.0) {
        qtApp();
        StreamConfig config;
        config.inputDevice = config.outputDevice = QStringLiteral("virtual");
        config.virtualDevice.input = QStringLiteral("noise");
        config.virtualDevice.clockSkewPpm = skewPpm;
        ASSERT_FALSE(engine.configure(config));
        analyzer = std::make_unique<metrics::MetricsAnalyzer>(
            engine.chain().analysisRing(),
            metrics::MetricsAnalyzer::Options{
                {},
                [this] { return engine.status().stream.outputLatency; },
                [this] { return engine.streamClock(); }});
        options.port = 0;
        server = std::make_unique<ApiServer>(engine, options);
        addMetricsApi(*server, *analyzer);
        analyzer->start();
        ASSERT_FALSE(server->start());
        ASSERT_FALSE(engine.start());
        http = std::make_unique<HttpClient>(server->url());
        ASSERT_TRUE(waitFor([&] { return analyzer->latest().has_value(); }));
    }
    void TearDown() override {
        // The server stops first: it waits for the handlers that read the analyzer, and
        // ignores the frames the analyzer still publishes (TSan saw a handler outlive it).
        server->stop();
        analyzer.reset();
        server.reset();
        engine.stop();
    }
    QUrl wsUrl(const QString& pathAndQuery) const {
        return QUrl(QStringLiteral("ws://127.0.0.1:%1%2").arg(server->port()).arg(pathAndQuery));
    }
    uint64_t latestId() const { return analyzer->latest() ? analyzer->latest()->frameId : 0; }
    soundlab::test::AudioTally audioTally() const {
        return soundlab::test::AudioTally::of(engine.performance());
    }

    AudioEngine engine;
    std::unique_ptr<metrics::MetricsAnalyzer> analyzer;
    std::unique_ptr<ApiServer> server;
    std::unique_ptr<HttpClient> http;
};

const QStringList kFrameFields = {
    "timestamp", "frame_id", "ici", "phase_coherence", "spectral_centroid", "criticality",
    "consciousness_level", "state", "phi_phase", "phi_depth", "phi_mode", "level_db", "cpu_load"};

TEST_F(MetricsApiTest, RoutesServeTheLatestFrameHistoryStatesAndConfig) {
    start();
    const HttpReply latest = http->get("/api/metrics/latest");
    ASSERT_EQ(latest.status, 200);
    for (const QString& field : kFrameFields)
        EXPECT_TRUE(latest.json().contains(field)) << field.toStdString();
    EXPECT_EQ(latest.json().value("phi_mode").toString(), "manual");
    EXPECT_GT(latest.json().value("level_db").toDouble(), -20.0);  // noise at −6 dBFS peak

    ASSERT_TRUE(waitFor([&] { return latestId() > 40; }));
    const QJsonObject history = http->get("/api/metrics/history?seconds=1").json();
    const QJsonArray frames = history.value("frames").toArray();
    EXPECT_NEAR(frames.size(), 31, 1);  // 1 s at 30 Hz, both ends
    EXPECT_EQ(history.value("count").toInt(), frames.size());
    for (qsizetype i = 1; i < frames.size(); ++i)
        EXPECT_EQ(frames[i].toObject().value("frame_id").toInteger(),
                  frames[i - 1].toObject().value("frame_id").toInteger() + 1);
    EXPECT_EQ(http->get("/api/metrics/history?seconds=301").status, 422);

    const QJsonObject states = http->get("/api/metrics/states").json();
    EXPECT_GT(states.value("since_s").toDouble(), 1.0);
    EXPECT_TRUE(states.value("seconds").toObject().contains("TRANSITION"));
    const QJsonObject reset = http->post("/api/metrics/states/reset").json();
    EXPECT_TRUE(reset.value("ok").toBool());
    EXPECT_LT(reset.value("since_s").toDouble(), 0.2);
    EXPECT_EQ(reset.value("transitions_total").toInt(), 0);

    // Config: a bad field is a 422 naming it, and nothing changes.
    for (const auto& [body, field] : QList<QPair<QByteArray, QString>>{
             {R"({"window":1000})", "window"},
             {R"({"window":16384})", "window"},
             {R"({"rate_hz":20})", "rate_hz"},
             {R"({"rate_hz":"fast"})", "rate_hz"},
             {R"({"rate":60})", "rate"}}) {
        const HttpReply bad = http->send("PUT", "/api/metrics/config", body);
        EXPECT_EQ(bad.status, 422) << body.toStdString();
        EXPECT_TRUE(bad.json().value("error").toObject().value("message").toString().contains(field))
            << bad.body.toStdString();
    }
    EXPECT_EQ(http->get("/api/metrics/config").json().value("rate_hz").toDouble(), 30.0);
    const HttpReply put = http->send("PUT", "/api/metrics/config", R"({"rate_hz":60,"window":4096})");
    ASSERT_EQ(put.status, 200) << put.body.toStdString();
    EXPECT_EQ(put.json().value("window").toInt(), 4096);
    ASSERT_TRUE(waitFor([&] {
        return http->get("/api/metrics/stats").json().value("sample_interval_ms").toDouble() ==
               1000.0 / 60.0;
    }));
    const QJsonObject stats = http->get("/api/metrics/stats").json();
    EXPECT_EQ(stats.value("rate_hz").toDouble(), 60.0);
    EXPECT_GT(stats.value("analysis_ms").toObject().value("mean").toDouble(), 0.0);
    EXPECT_EQ(stats.value("ring_overflows").toInteger(), 0);

    // Every route is in the OpenAPI document, and so is the stream.
    const QJsonObject paths = http->get("/api/openapi.json").json().value("paths").toObject();
    for (const char* path : {"/api/metrics/latest", "/api/metrics/history", "/api/metrics/stats",
                             "/api/metrics/states", "/api/metrics/states/reset",
                             "/api/metrics/config"})
        EXPECT_TRUE(paths.contains(path)) << path;
    EXPECT_TRUE(http->get("/api/openapi.json").body.contains("/ws/metrics"));
}

TEST_F(MetricsApiTest, EveryFrameGoesOutOnceInOrderAndRateDecimates) {
    start();
    WsClient all, tenHz, bad;
    ASSERT_TRUE(all.open(wsUrl("/ws/metrics")));
    ASSERT_TRUE(tenHz.open(wsUrl("/ws/metrics?rate=10")));
    EXPECT_EQ(http->get("/api/status").json().value("metrics_clients").toInt(), 2);
    bad.open(wsUrl("/ws/metrics?rate=0"));
    EXPECT_TRUE(waitFor([&] { return bad.closed; }));
    EXPECT_EQ(bad.closeCode, WebSocketHub::kCloseBadRequest);

    ASSERT_TRUE(waitFor([&] { return all.messages.size() >= 90; }, 10000));
    const qsizetype n = all.messages.size();
    for (qsizetype i = 0; i < n; ++i) {
        const QJsonObject f = all.message(i);
        for (const QString& field : kFrameFields)
            ASSERT_TRUE(f.contains(field)) << field.toStdString();
        if (i == 0) continue;
        const QJsonObject prev = all.message(i - 1);
        ASSERT_EQ(f.value("frame_id").toInteger(), prev.value("frame_id").toInteger() + 1);
        ASSERT_GT(f.value("timestamp").toDouble(), prev.value("timestamp").toDouble());
    }
    // A third of the frames, evenly: every 3rd id.
    const double ratio = double(tenHz.messages.size()) / double(n);
    EXPECT_NEAR(ratio, 1.0 / 3.0, 0.05);
    for (qsizetype i = 2; i < tenHz.messages.size(); ++i)
        EXPECT_EQ(tenHz.message(i).value("frame_id").toInteger() -
                      tenHz.message(i - 1).value("frame_id").toInteger(),
                  3);
    const QJsonObject stats = http->get("/api/metrics/stats").json();
    EXPECT_EQ(stats.value("clients").toInt(), 2);
    EXPECT_GE(stats.value("frames_sent").toInteger(), n);
}

// SPEC §6: a frame's timestamp is when its last sample is heard, on the stream clock (the
// delay-locked loop the performance monitor feeds) — not the nominal rate, which a 500 ppm fast
// device leaves 1 ms behind after 2 s.
TEST_F(MetricsApiTest, FrameTimestampsAreHeardTimesOnTheStreamClock) {
    start({}, 500.0);
    // 2 s of tracking, where the nominal rate would be 1 ms off. On a busy machine a late
    // callback resyncs the loop (and starts this over): any 2 s without one will do.
    ASSERT_TRUE(waitFor([&] { return engine.streamClock().secondsTracked > 2.0; }, 60000));
    // A frame stamped between two reads of the clock with no resync between them.
    for (int attempt = 0;; ++attempt) {
        ASSERT_LT(attempt, 50) << "the loop kept resyncing";
        const metrics::ClockEstimate before = engine.streamClock();
        const uint64_t id = latestId();
        ASSERT_TRUE(waitFor([&] { return latestId() > id; }));
        const metrics::MetricsFrame frame = *analyzer->latest();
        const metrics::ClockEstimate clock = engine.streamClock();
        if (!clock.tracking || clock.resyncs != before.resyncs || clock.secondsTracked < 2.0)
            continue;
        const double expected = metrics::TimeBase::heardUnixSeconds(
            clock, frame.samplePosition, engine.status().stream.outputLatency);
        EXPECT_NEAR(frame.timestamp, expected, 0.05e-3);
        break;
    }
}

// A client that completes the handshake and then never reads: a plain socket whose receive
// buffer is set small before it connects (so the kernel cannot hide the backlog), never read.
class StalledClient {
public:
    explicit StalledClient(quint16 port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        const int small = 4096;
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return;
        const QByteArray request =
            "GET /ws/metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: "
            "Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: "
            "13\r\n\r\n";
        connected_ = ::send(fd_, request.constData(), size_t(request.size()), 0) == request.size();
        sockaddr_in local{};
        socklen_t length = sizeof local;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&local), &length);
        localPort_ = ntohs(local.sin_port);
    }
    ~StalledClient() { ::close(fd_); }
    bool connected() const { return connected_; }
    quint16 localPort() const { return localPort_; }

private:
    int fd_ = -1;
    bool connected_ = false;
    quint16 localPort_ = 0;
};

// A load test (named so that `ctest -E ApiLoad` leaves it out with the other load tests: its
// xrun budget, tests/support/XrunBudget.h, needs a machine that is not busy with builds).
using MetricsApiLoadTest = MetricsApiTest;
TEST_F(MetricsApiLoadTest, HundredReadingClientsGetEveryFrameNextToOneThatNeverReads) {
    ApiServerOptions options;
    // Small, so that the stalled client's queue fills within the test and it loses frames.
    options.webSockets.maxQueuedBytes = 8 * 1024;
    start(options);
    auto stalled = std::make_unique<StalledClient>(server->port());
    ASSERT_TRUE(stalled->connected());
    constexpr int kClients = 100;
    std::vector<std::unique_ptr<WsClient>> clients;
    for (int i = 0; i < kClients; ++i) {
        clients.push_back(std::make_unique<WsClient>());
        ASSERT_TRUE(clients.back()->open(wsUrl("/ws/metrics"))) << "client " << i;
    }
    ASSERT_TRUE(waitFor([&] {
        return http->get("/api/status").json().value("metrics_clients").toInt() == kClients + 1;
    }));

    const soundlab::test::AudioTally audioBefore = audioTally();
    const uint64_t first = latestId() + 1;
    waitFor([] { return false; }, 8000);
    const uint64_t last = latestId();
    ASSERT_GT(last - first, 200u);  // 8 s at 30 Hz
    // Frames in flight arrive.
    waitFor([&] {
        for (const auto& c : clients)
            if (c->messages.isEmpty() ||
                uint64_t(c->message(c->messages.size() - 1).value("frame_id").toInteger()) < last)
                return false;
        return true;
    });
    double worst = 1.0;
    for (int i = 0; i < kClients; ++i) {
        std::set<uint64_t> ids;
        for (qsizetype m = 0; m < clients[i]->messages.size(); ++m) {
            const uint64_t id = uint64_t(clients[i]->message(m).value("frame_id").toInteger());
            if (id >= first && id <= last) ids.insert(id);
        }
        const double share = double(ids.size()) / double(last - first + 1);
        worst = std::min(worst, share);
        EXPECT_GE(share, 0.99) << "client " << i;
    }
    std::printf("[ load ] %d clients + 1 stalled, frames %llu…%llu: worst client got %.1f %%\n",
                kClients, (unsigned long long)first, (unsigned long long)last, 100.0 * worst);
    EXPECT_TRUE(soundlab::test::audioKeptUpUnderLoad(audioTally() - audioBefore));
    // The losses are the stalled client's, counted on it.
    for (const auto& c : server->webSocketClients()) {
        if (c.peer.endsWith(QStringLiteral(":%1").arg(stalled->localPort())))
            EXPECT_GT(c.framesDropped, 0u);
        else
            EXPECT_EQ(c.framesDropped, 0u) << c.peer.toStdString();
    }
    const QJsonObject stats = http->get("/api/metrics/stats").json();
    EXPECT_GT(stats.value("frames_dropped").toInteger(), 0) << "the stalled client lost nothing?";
    EXPECT_EQ(stats.value("ring_overflows").toInteger(), 0);
}

}  // namespace
