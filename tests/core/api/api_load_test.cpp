// Load on the WebSocket hub with audio running on the virtual device: 100 clients of
// /ws/status for 30 s each get at least 95 % of the frames, causing no xruns (see
// tests/support/XrunBudget.h), while a stalled client is attached; and a stalled client of a
// heavy stream loses frames and is closed without delaying a healthy one.

#include "ApiTestSupport.h"
#include "XrunBudget.h"
#include "api/ApiServer.h"
#include "engine/AudioEngine.h"

#include <gtest/gtest.h>
#include <QElapsedTimer>

using namespace soundlab;
using namespace soundlab::api;
using namespace soundlab::api::test;
using soundlab::test::AudioTally;
using soundlab::test::audioKeptUpUnderLoad;

namespace {

StreamConfig virtualConfig() {
    StreamConfig config;
    config.inputDevice = QStringLiteral("virtual");
    config.outputDevice = QStringLiteral("virtual");
    return config;
}

// A client that completes the WebSocket handshake and then never reads: its receive buffers
// are tiny, so the server's send queue for it fills up.
std::unique_ptr<QTcpSocket> openStalledClient(quint16 port, const QByteArray& path) {
    auto socket = std::make_unique<QTcpSocket>();
    socket->setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 4096);
    socket->setReadBufferSize(1);
    socket->connectToHost(QHostAddress::LocalHost, port);
    if (!socket->waitForConnected(3000)) return nullptr;
    socket->write(
        "GET " + path +
        " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    socket->waitForBytesWritten(1000);
    return socket;
}

bool listsPeer(const QList<WebSocketClientStats>& clients, quint16 peerPort,
               WebSocketClientStats* found = nullptr) {
    for (const auto& c : clients) {
        if (c.peer.endsWith(QStringLiteral(":%1").arg(peerPort))) {
            if (found) *found = c;
            return true;
        }
    }
    return false;
}

}  // namespace

TEST(ApiLoadTest, HundredStatusClientsGetNinetyFivePercentOfFramesWithAStalledClientAttached) {
    qtApp();
    AudioEngine engine;
    ASSERT_FALSE(engine.configure(virtualConfig()));
    ASSERT_FALSE(engine.start());
    ApiServerOptions options;
    options.port = 0;
    ApiServer server(engine, options);
    ASSERT_FALSE(server.start());
    const QUrl url(QStringLiteral("ws://127.0.0.1:%1/ws/status").arg(server.port()));

    auto stalled = openStalledClient(server.port(), "/ws/status");
    ASSERT_TRUE(stalled);
    const quint16 stalledPort = stalled->localPort();

    constexpr int kClients = 100;
    std::vector<std::unique_ptr<WsClient>> clients;
    for (int i = 0; i < kClients; ++i) {
        clients.push_back(std::make_unique<WsClient>());
        ASSERT_TRUE(clients.back()->open(url)) << "client " << i;
    }
    ASSERT_TRUE(waitFor([&] { return listsPeer(server.webSocketClients(), stalledPort); }));

    std::vector<qsizetype> before;
    for (const auto& c : clients) before.push_back(c->messages.size());
    const AudioTally audioBefore = AudioTally::of(engine.performance());
    QElapsedTimer window;
    window.start();
    waitFor([] { return false; }, 30000);
    const double seconds = window.elapsed() / 1000.0;

    const double expected = seconds * options.statusStreamRateHz;
    double worst = 1e9;
    for (int i = 0; i < kClients; ++i) {
        const double received = static_cast<double>(clients[i]->messages.size() - before[i]);
        worst = std::min(worst, received / expected);
        EXPECT_GE(received, 0.95 * expected) << "client " << i;
        EXPECT_FALSE(clients[i]->closed) << "client " << i;
    }
    std::printf("[ load ] %d clients, %.1f s: worst client got %.1f %% of %.0f frames\n", kClients,
                seconds, 100.0 * worst, expected);
    EXPECT_TRUE(audioKeptUpUnderLoad(AudioTally::of(engine.performance()) - audioBefore));
    EXPECT_TRUE(engine.isRunning());
    // The stalled client never answered a ping, so the hub closed it.
    EXPECT_FALSE(listsPeer(server.webSocketClients(), stalledPort));
    EXPECT_EQ(server.webSocketClients().size(), kClients);
}

TEST(ApiLoadTest, StalledClientLosesFramesAndIsClosedWithoutDelayingAHealthyOne) {
    qtApp();
    AudioEngine engine;
    ASSERT_FALSE(engine.configure(virtualConfig()));
    ApiServerOptions options;
    options.port = 0;
    options.webSockets.maxQueuedBytes = 64 * 1024;
    options.webSockets.socketSendBufferBytes = 16 * 1024;
    options.webSockets.stallTimeout = std::chrono::milliseconds(1000);
    ApiServer server(engine, options);
    constexpr double kRate = 50.0;
    const QString padding(16 * 1024, u'x');  // 16 KiB frames: 800 KiB/s per client
    server.addStream("/ws/heavy", kRate, [padding] { return QJsonObject{{"padding", padding}}; });
    ASSERT_FALSE(server.start());

    auto stalled = openStalledClient(server.port(), "/ws/heavy");
    ASSERT_TRUE(stalled);
    const quint16 stalledPort = stalled->localPort();
    WsClient healthy;
    ASSERT_TRUE(
        healthy.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws/heavy").arg(server.port()))));

    WebSocketClientStats stalledStats;
    ASSERT_TRUE(waitFor(
        [&] {
            return listsPeer(server.webSocketClients(), stalledPort, &stalledStats) &&
                   stalledStats.framesDropped > 0;
        },
        5000))
        << "the stalled client never lost a frame";
    EXPECT_LE(stalledStats.queuedBytes, options.webSockets.maxQueuedBytes + 32 * 1024);

    const qsizetype before = healthy.messages.size();
    QElapsedTimer window;
    window.start();
    EXPECT_TRUE(waitFor([&] { return !listsPeer(server.webSocketClients(), stalledPort); }, 6000))
        << "the stalled client was not closed";
    waitFor([] { return false; }, std::max<qint64>(0, 3000 - window.elapsed()));
    const double expected = window.elapsed() / 1000.0 * kRate;
    EXPECT_GE(healthy.messages.size() - before, 0.95 * expected);
    EXPECT_FALSE(healthy.closed);
}
