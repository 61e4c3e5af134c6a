// Malformed and hostile requests over raw TCP: each gets a 4xx answer or a closed
// connection, and the server keeps answering /healthz.

#include "ApiTestSupport.h"
#include "api/ApiServer.h"
#include "engine/AudioEngine.h"

#include <gtest/gtest.h>
#include <QRandomGenerator>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace soundlab;
using namespace soundlab::api;
using namespace soundlab::api::test;

namespace {

class ApiRobustnessTest : public ::testing::Test {
protected:
    void SetUp() override {
        qtApp();
        ApiServerOptions options;
        options.port = 0;
        options.http.requestTimeout = std::chrono::milliseconds(1000);
        options.http.lingerTimeout = std::chrono::milliseconds(1000);
        server = std::make_unique<ApiServer>(engine, options);
        ASSERT_FALSE(server->start());
        http =
            std::make_unique<HttpClient>(QStringLiteral("http://127.0.0.1:%1").arg(server->port()));
    }

    // The answer was a 4xx, or there was none and the server closed the connection.
    void expectRefused(const RawExchange& x, const char* what) {
        const int status = x.status();
        if (status != 0)
            EXPECT_TRUE(status >= 400 && status < 500) << what << ": " << status;
        else
            EXPECT_TRUE(x.closedByServer) << what << ": neither an answer nor a close";
        EXPECT_EQ(http->get("/healthz").status, 200) << what;
    }

    static QByteArray post(const QByteArray& path, const QByteArray& body) {
        return "POST " + path +
               " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" +
               "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    }

    AudioEngine engine;
    std::unique_ptr<ApiServer> server;
    std::unique_ptr<HttpClient> http;
};

}  // namespace

TEST_F(ApiRobustnessTest, GarbageIsRefused) {
    QByteArray noise(4096, Qt::Uninitialized);
    for (auto& c : noise) c = static_cast<char>(QRandomGenerator::global()->bounded(256));
    expectRefused(rawExchange(server->port(), noise), "random bytes");
    expectRefused(rawExchange(server->port(), "HELLO THERE\r\n\r\n"), "not a request line");
    const RawExchange x = rawExchange(server->port(), "GET /api/status HTTP/9.9\r\n\r\n");
    EXPECT_EQ(x.status(), 400);
    expectRefused(x, "bad version");
    expectRefused(
        rawExchange(server->port(), "BREW /api/status HTTP/1.1\r\nHost: localhost\r\n\r\n"),
        "unknown method");
}

TEST_F(ApiRobustnessTest, OneMegabyteHeaderIs431) {
    const QByteArray request =
        "GET /api/status HTTP/1.1\r\nHost: localhost\r\nX-Big: " + QByteArray(1 << 20, 'a') +
        "\r\n\r\n";
    const RawExchange x = rawExchange(server->port(), request);
    EXPECT_EQ(x.status(), 431) << x.received.left(100).toStdString();
    expectRefused(x, "1 MB header");
}

TEST_F(ApiRobustnessTest, TruncatedBodyTimesOutWith408) {
    const QByteArray request =
        "POST /api/audio/device HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
        "application/json\r\nContent-Length: 100\r\n\r\n{\"buffer_size\":";
    const RawExchange x = rawExchange(server->port(), request, 5000);
    EXPECT_EQ(x.status(), 408) << x.received.toStdString();
    expectRefused(x, "truncated body");
    // And when the client gives up half-way, the server just closes.
    expectRefused(rawExchange(server->port(), request, 3000, /*closeWriteSide=*/true),
                  "truncated body, client closed");
}

TEST_F(ApiRobustnessTest, InvalidUtf8Is400) {
    RawExchange x =
        rawExchange(server->port(), post("/api/audio/device", "{\"device\":\"\xff\xfe\xc3\"}"));
    EXPECT_EQ(x.status(), 400) << x.received.toStdString();
    EXPECT_TRUE(x.received.contains("malformed_json"));
    expectRefused(x, "invalid UTF-8 body");
    x = rawExchange(server->port(), "GET /api/\xff\xfe HTTP/1.1\r\nHost: localhost\r\n\r\n");
    expectRefused(x, "invalid UTF-8 path");
}

TEST_F(ApiRobustnessTest, JsonNestedHundredThousandDeepIs400) {
    const QByteArray body = QByteArray(100000, '[') + QByteArray(100000, ']');
    const RawExchange x = rawExchange(server->port(), post("/api/audio/device", body));
    EXPECT_EQ(x.status(), 400) << x.received.left(300).toStdString();
    expectRefused(x, "deep JSON");
}

TEST_F(ApiRobustnessTest, TwentyMegabyteBodyIs413) {
    const QByteArray body(20 << 20, 'x');
    const RawExchange x = rawExchange(server->port(), post("/api/audio/device", body), 10000);
    EXPECT_EQ(x.status(), 413) << x.received.left(300).toStdString();
    expectRefused(x, "20 MB body");
}

TEST_F(ApiRobustnessTest, ChunkedBodyIsRefusedWith411) {
    const RawExchange x =
        rawExchange(server->port(),
                    "POST /api/audio/device HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: "
                    "chunked\r\nContent-Type: application/json\r\n\r\n2\r\n{}\r\n0\r\n\r\n");
    EXPECT_EQ(x.status(), 411);
    expectRefused(x, "chunked body");
}

namespace {

// Streams `head` and then up to `totalBytes` of body (chunked when `chunked`) as fast as the
// server takes it, reading the answer meanwhile. Stops when the server closes the connection.
struct StreamedUpload {
    qint64 bodyBytesSent = 0;  // accepted by the kernel before the server closed
    QByteArray received;
    bool closedByServer = false;
    int status() const { return received.startsWith("HTTP/1.1 ") ? received.mid(9, 3).toInt() : 0; }
};

// Sends `head`, then a body of `totalBytes` (64 KiB pieces, chunked or not) for up to 20 s,
// reading as it goes, as a careful client does: it stops sending once an answer came. Plain
// POSIX sockets: after the server's lingering close the kernel keeps the answer readable even
// behind a reset, where a QTcpSocket whose next write failed would drop what it had read.
StreamedUpload streamUpload(quint16 port, const QByteArray& head, qint64 totalBytes, bool chunked) {
    StreamedUpload result;
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        if (fd >= 0) ::close(fd);
        return result;
    }
    const QByteArray piece(64 * 1024, 'x');
    const QByteArray chunk = QByteArray::number(piece.size(), 16) + "\r\n" + piece + "\r\n";
    QByteArray pending = head;  // what is still to send of the current write
    qint64 headLeft = head.size();
    qint64 queued = 0;  // body bytes handed to the kernel
    QElapsedTimer timer;
    timer.start();
    char buffer[4096];
    while (timer.elapsed() < 20000) {
        pollfd p{fd, short(POLLIN | (result.received.isEmpty() ? POLLOUT : 0)), 0};
        if (::poll(&p, 1, 100) < 0) break;
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
            const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
            if (n > 0) {
                result.received.append(buffer, n);
                continue;
            }
            result.closedByServer = true;  // end of stream, or reset
            break;
        }
        if (!(p.revents & POLLOUT)) continue;
        if (pending.isEmpty()) {
            if (queued >= totalBytes) continue;
            pending = chunked ? chunk : piece;
            queued += piece.size();
        }
        const ssize_t sent = ::send(fd, pending.constData(), size_t(pending.size()), MSG_NOSIGNAL);
        if (sent < 0) {
            result.closedByServer = true;  // reset: the answer, if any, is still readable
            break;
        }
        const qint64 headPart = std::min<qint64>(headLeft, sent);
        headLeft -= headPart;
        result.bodyBytesSent += sent - headPart;
        pending.remove(0, sent);
    }
    for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT)) > 0;)
        result.received.append(buffer, n);
    ::close(fd);
    return result;
}

}  // namespace

// Only a real WebSocket handshake escapes the body limit: a 50 MB chunked POST that carries
// "Upgrade: h2c" is answered and cut off long before 50 MB reach the server.
TEST_F(ApiRobustnessTest, UpgradeHeaderDoesNotBypassTheBodyLimit) {
    constexpr qint64 kFiftyMegabytes = 50 << 20;
    const StreamedUpload chunked =
        streamUpload(server->port(),
                     "POST /api/audio/device HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade, "
                     "HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n"
                     "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
                     kFiftyMegabytes, /*chunked=*/true);
    EXPECT_EQ(chunked.status(), 411) << chunked.received.left(200).toStdString();
    EXPECT_TRUE(chunked.closedByServer);
    EXPECT_LT(chunked.bodyBytesSent, 16 << 20) << "the server kept reading";

    // Even "Upgrade: websocket" with a body is not a handshake: its length counts.
    const StreamedUpload announced = streamUpload(
        server->port(),
        "POST /ws/status HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: "
        "websocket\r\nContent-Type: application/json\r\nContent-Length: 52428800\r\n\r\n",
        kFiftyMegabytes, /*chunked=*/false);
    EXPECT_EQ(announced.status(), 413) << announced.received.left(200).toStdString();
    EXPECT_TRUE(announced.closedByServer);
    EXPECT_LT(announced.bodyBytesSent, 16 << 20);

    // A bodiless request that offers another protocol is simply served over HTTP/1.1.
    EXPECT_EQ(rawExchange(server->port(),
                          "GET /healthz HTTP/1.1\r\nHost: localhost\r\n"
                          "Upgrade: h2c\r\nConnection: Upgrade\r\n\r\n")
                  .status(),
              200);
    EXPECT_EQ(http->get("/healthz").status, 200);
    // And real WebSocket clients still connect.
    WsClient ws;
    EXPECT_TRUE(ws.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws/status").arg(server->port()))));
}

// Answers the guard gives before routing count in /metrics like the router's.
TEST_F(ApiRobustnessTest, RefusalsBeforeRoutingAreCountedInMetrics) {
    const auto fourXx = [&] {
        for (const QByteArray& line : http->get("/metrics").body.split('\n'))
            if (line.startsWith("soundlab_http_requests_total{class=\"4xx\"} "))
                return line.split(' ').last().toInt();
        return -1;
    };
    const int before = fourXx();
    ASSERT_GE(before, 0);
    EXPECT_EQ(rawExchange(server->port(),
                          "POST /api/audio/device HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                          "application/json\r\nContent-Length: 99999999\r\n\r\n")
                  .status(),
              413);
    EXPECT_EQ(fourXx(), before + 1);
}

TEST_F(ApiRobustnessTest, KeepAliveConnectionServesSeveralRequests) {
    const QByteArray get = "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n";
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, server->port());
    ASSERT_TRUE(socket.waitForConnected(2000));
    for (int i = 0; i < 3; ++i) {
        socket.write(get);
        QByteArray answer;
        while (!answer.contains("\"service\":\"soundlab\"") && socket.waitForReadyRead(2000))
            answer += socket.readAll();
        EXPECT_TRUE(answer.startsWith("HTTP/1.1 200")) << i;
    }
}
