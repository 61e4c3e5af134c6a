// Handlers that block run on worker threads: the server thread keeps answering other requests
// and sending /ws/status frames meanwhile, answers on one connection stay in request order, and
// clients that leave early, timeouts and stop() are handled. Real HTTP on a real socket; the
// slow handlers wait on a gate the test opens, so no assertion depends on timing.

#include "ApiTestSupport.h"
#include "api/ApiServer.h"
#include "api/AudioRoutes.h"
#include "api/EngineRoutes.h"
#include "api/PresetRoutes.h"
#include "api/StatusReport.h"
#include "engine/AudioEngine.h"
#include "presets/AbComparator.h"
#include "presets/PresetStore.h"

#include <gtest/gtest.h>
#include <QTemporaryDir>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

using namespace soundlab;
using namespace soundlab::api;
using namespace soundlab::api::test;

namespace {

// Holds the handlers that pass through it until the test opens it.
class Gate {
public:
    void pass() {
        std::unique_lock lock(mutex_);
        ++entered_;
        changed_.notify_all();
        changed_.wait(lock, [this] { return open_; });
    }
    void open() {
        std::lock_guard lock(mutex_);
        open_ = true;
        changed_.notify_all();
    }
    int entered() const {
        std::lock_guard lock(mutex_);
        return entered_;
    }

private:
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    int entered_ = 0;
    bool open_ = false;
};

// A body large enough to need several writes, with content that shows truncation or mixing.
QByteArray patternBody(char tag) {
    QByteArray body;
    body.reserve(300'000);
    for (int i = 0; body.size() < 300'000; ++i) body += tag + QByteArray::number(i) + ',';
    return body;
}

QByteArray rawGet(const QByteArray& path) {
    return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
}

// Reads HTTP/1.1 answers (Content-Length framed) from a socket, in the order they come.
struct AnswerReader {
    QTcpSocket& socket;
    QByteArray buffer;

    // The next complete answer's body (status in *status), or a null array after `timeoutMs`.
    QByteArray next(int* status, int timeoutMs = 5000) {
        QElapsedTimer timer;
        timer.start();
        for (;;) {
            const qsizetype headEnd = buffer.indexOf("\r\n\r\n");
            if (headEnd > 0) {
                const QByteArray head = buffer.left(headEnd).toLower();
                const qsizetype cl = head.indexOf("content-length:");
                const qint64 length = cl < 0 ? 0
                                             : head.mid(cl + 15, head.indexOf("\r\n", cl) - cl - 15)
                                                   .trimmed()
                                                   .toLongLong();
                if (buffer.size() >= headEnd + 4 + length) {
                    *status = buffer.mid(9, 3).toInt();
                    const QByteArray body = buffer.mid(headEnd + 4, length);
                    buffer.remove(0, headEnd + 4 + length);
                    return body;
                }
            }
            const int left = timeoutMs - int(timer.elapsed());
            if (left <= 0 || socket.state() != QAbstractSocket::ConnectedState) return {};
            if (socket.waitForReadyRead(std::min(left, 100))) buffer += socket.readAll();
        }
    }
};

class ApiWorkerRoutesTest : public ::testing::Test {
protected:
    void SetUp() override {
        qtApp();
        StreamConfig config;
        config.inputDevice = config.outputDevice = QStringLiteral("virtual");
        ASSERT_FALSE(engine.configure(config));
    }
    void TearDown() override {
        gate.open();  // never leave a worker blocked
        server.reset();
        engine.stop();
    }

    // A server with GET /test/slow (a worker route that waits at the gate and answers
    // patternBody('s')), plus `extend`.
    void startServer(ApiServerOptions options = {},
                     const std::function<void(ApiServer&)>& extend = {}) {
        options.port = 0;
        server = std::make_unique<ApiServer>(engine, options);
        Route slow;
        slow.method = "GET";
        slow.path = QStringLiteral("/test/slow");
        slow.summary = QStringLiteral("waits for the test");
        slow.handler = [this](const Request&) {
            gate.pass();
            Response r;
            r.body = patternBody('s');
            r.contentType = "text/plain";
            ++slowReturned;
            return r;
        };
        ASSERT_EQ(slow.execution, Execution::Worker);  // the default
        server->addRoute(slow);
        if (extend) extend(*server);
        ASSERT_FALSE(server->start());
        http = std::make_unique<HttpClient>(server->url());
    }

    bool connect(QTcpSocket& socket) {
        socket.connectToHost(QHostAddress::LocalHost, server->port());
        return socket.waitForConnected(3000);
    }
    // Waits (serving the test's event loop) until `n` handlers are held at the gate.
    bool waitForEntered(int n) {
        return waitFor([&] { return gate.entered() >= n; }, 5000);
    }

    AudioEngine engine;
    Gate gate;
    std::atomic<int> slowReturned{0};
    std::unique_ptr<ApiServer> server;
    std::unique_ptr<HttpClient> http;
};

}  // namespace

TEST_F(ApiWorkerRoutesTest, BlockedHandlerDelaysNeitherRequestsNorStatusFrames) {
    startServer();
    WsClient ws;
    ASSERT_TRUE(ws.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws/status").arg(server->port()))));

    QNetworkAccessManager manager;
    QNetworkReply* slow =
        manager.get(QNetworkRequest(QUrl(server->url() + QStringLiteral("/test/slow"))));
    ASSERT_TRUE(waitForEntered(1));

    // The slow handler is held at the gate for as long as these take.
    const HttpReply status = http->get("/api/status");
    EXPECT_EQ(status.status, 200);
    EXPECT_TRUE(status.json().contains("audio_running"));
    EXPECT_EQ(http->get("/healthz").status, 200);
    EXPECT_EQ(http->get("/api/audio/performance").status, 200);
    const qsizetype framesBefore = ws.messages.size();
    EXPECT_TRUE(waitFor([&] { return ws.messages.size() >= framesBefore + 3; }, 5000))
        << "status frames stopped while a handler was blocked";
    EXPECT_FALSE(slow->isFinished());
    EXPECT_EQ(slowReturned.load(), 0);

    gate.open();
    ASSERT_TRUE(waitFor([&] { return slow->isFinished(); }, 5000));
    EXPECT_EQ(slow->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    EXPECT_EQ(slow->readAll(), patternBody('s'));
    slow->deleteLater();
}

TEST_F(ApiWorkerRoutesTest, ClientThatLeavesBeforeItsAnswerIsReadyHarmsNothing) {
    startServer();
    {
        QTcpSocket socket;
        ASSERT_TRUE(connect(socket));
        socket.write(rawGet("/test/slow"));
        ASSERT_TRUE(socket.waitForBytesWritten(2000));
        ASSERT_TRUE(waitForEntered(1));
        socket.abort();
    }
    // Let the server notice the reset (Qt deletes the socket) before the answer is ready.
    waitFor([] { return false; }, 200);
    gate.open();
    ASSERT_TRUE(waitFor([&] { return slowReturned.load() == 1; }, 5000));
    for (int i = 0; i < 3; ++i) EXPECT_EQ(http->get("/healthz").status, 200);
    // And the same route still serves a client that stays.
    const HttpReply again = http->get("/test/slow");
    EXPECT_EQ(again.status, 200);
    EXPECT_EQ(again.body, patternBody('s'));
}

TEST_F(ApiWorkerRoutesTest, PipelinedRequestsAreAnsweredInOrder) {
    startServer();
    QTcpSocket socket;
    ASSERT_TRUE(connect(socket));
    // Three requests in one write: a slow one between two that are answered inline.
    socket.write(rawGet("/healthz") + rawGet("/test/slow") + rawGet("/api/status"));
    AnswerReader reader{socket, {}};
    int status = 0;
    const auto isHealth = [](const QByteArray& body) {
        return QJsonDocument::fromJson(body).object().value("status") == "healthy";
    };
    EXPECT_TRUE(isHealth(reader.next(&status)));
    EXPECT_EQ(status, 200);
    ASSERT_TRUE(waitForEntered(1));
    // The status is computed, but must wait behind the slow answer.
    EXPECT_TRUE(reader.next(&status, 300).isNull()) << "an answer overtook an older one";
    gate.open();
    EXPECT_EQ(reader.next(&status), patternBody('s'));
    EXPECT_EQ(status, 200);
    const QJsonObject third = QJsonDocument::fromJson(reader.next(&status)).object();
    EXPECT_EQ(status, 200);
    EXPECT_TRUE(third.contains("audio_running"));
    // The connection stays usable.
    socket.write(rawGet("/healthz"));
    EXPECT_TRUE(isHealth(reader.next(&status)));
}

TEST_F(ApiWorkerRoutesTest, SerialQueueRunsOneHandlerAtATimeInArrivalOrder) {
    std::mutex orderMutex;
    QStringList order;
    std::atomic<int> running{0}, maxRunning{0};
    startServer({}, [&](ApiServer& s) {
        Route r;
        r.method = "POST";
        r.path = QStringLiteral("/test/serial/{n}");
        r.serialQueue = QStringLiteral("test");
        r.handler = [&](const Request& request) {
            maxRunning = std::max(maxRunning.load(), ++running);
            {
                std::lock_guard lock(orderMutex);
                order << request.pathParams.value("n");
            }
            if (request.pathParams.value("n") == "1") gate.pass();
            --running;
            return Response::json(QJsonObject{{"n", request.pathParams.value("n")}});
        };
        s.addRoute(r);
    });
    // Three connections, so that only the queue orders them.
    QNetworkAccessManager manager;
    QList<QNetworkReply*> replies;
    for (int n = 1; n <= 3; ++n) {
        QNetworkRequest request(QUrl(server->url() + QStringLiteral("/test/serial/%1").arg(n)));
        replies << manager.post(request, QByteArray());
        if (n == 1)
            ASSERT_TRUE(waitForEntered(1));
        else
            waitFor([] { return false; }, 100);  // let the request reach the server
    }
    // 2 and 3 wait for 1, which waits at the gate.
    EXPECT_EQ(http->get("/healthz").status, 200);
    {
        std::lock_guard lock(orderMutex);
        EXPECT_EQ(order, QStringList{"1"});
    }
    gate.open();
    ASSERT_TRUE(waitFor([&] {
        return std::all_of(replies.begin(), replies.end(), [](auto* r) { return r->isFinished(); });
    }));
    for (auto* r : replies) EXPECT_EQ(r->attribute(QNetworkRequest::HttpStatusCodeAttribute), 200);
    {
        std::lock_guard lock(orderMutex);
        EXPECT_EQ(order, (QStringList{"1", "2", "3"}));
    }
    EXPECT_EQ(maxRunning.load(), 1);
    qDeleteAll(replies);
}

TEST_F(ApiWorkerRoutesTest, NoTimeoutFiresWhileTheAnswerIsComputed) {
    ApiServerOptions options;
    options.http.requestTimeout = std::chrono::milliseconds(150);
    options.http.idleTimeout = std::chrono::milliseconds(150);
    startServer(options);
    QTcpSocket socket;
    ASSERT_TRUE(connect(socket));
    socket.write(rawGet("/test/slow"));
    ASSERT_TRUE(waitForEntered(1));
    waitFor([] { return false; }, 600);  // four request/idle timeouts
    EXPECT_EQ(socket.state(), QAbstractSocket::ConnectedState);
    gate.open();
    AnswerReader reader{socket, {}};
    int status = 0;
    EXPECT_EQ(reader.next(&status), patternBody('s'));
    EXPECT_EQ(status, 200);
    // The idle timeout applies again once nothing is owed: the server closes the connection.
    EXPECT_TRUE(waitFor(
        [&] {
            socket.waitForReadyRead(10);
            return socket.state() != QAbstractSocket::ConnectedState;
        },
        3000));
}

TEST_F(ApiWorkerRoutesTest, ErrorInAPipelinedRequestWaitsForOlderAnswers) {
    ApiServerOptions options;
    options.maxBodyBytes = 16;
    startServer(options);
    QTcpSocket socket;
    ASSERT_TRUE(connect(socket));
    socket.write(rawGet("/test/slow"));
    ASSERT_TRUE(waitForEntered(1));
    // The guard refuses the second request from its head (413) while the first is computed.
    socket.write(
        "POST /api/audio/device HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
        "application/json\r\nContent-Length: 100000\r\n\r\n");
    AnswerReader reader{socket, {}};
    int status = 0;
    EXPECT_TRUE(reader.next(&status, 300).isNull()) << "the 413 overtook the older answer";
    gate.open();
    EXPECT_EQ(reader.next(&status), patternBody('s'));
    EXPECT_EQ(status, 200);
    reader.next(&status);
    EXPECT_EQ(status, 413);
}

TEST_F(ApiWorkerRoutesTest, TruncatedPipelinedRequestStillTimesOutAfterTheOlderAnswer) {
    ApiServerOptions options;
    options.http.requestTimeout = std::chrono::milliseconds(200);
    startServer(options);
    QTcpSocket socket;
    ASSERT_TRUE(connect(socket));
    socket.write(rawGet("/test/slow"));
    ASSERT_TRUE(waitForEntered(1));
    socket.write("GET /healthz HTTP/1.1\r\nHost: loc");  // and nothing more
    waitFor([] { return false; }, 500);                  // the request timeout passes
    gate.open();
    AnswerReader reader{socket, {}};
    int status = 0;
    EXPECT_EQ(reader.next(&status), patternBody('s'));
    EXPECT_EQ(status, 200);
    reader.next(&status);
    EXPECT_EQ(status, 408);
}

TEST_F(ApiWorkerRoutesTest, HandlerThatThrowsOnAWorkerGets500) {
    startServer({}, [](ApiServer& s) {
        Route r;
        r.method = "GET";
        r.path = QStringLiteral("/test/throws");
        r.handler = [](const Request&) -> Response { throw std::runtime_error("boom"); };
        s.addRoute(r);
    });
    const HttpReply r = http->get("/test/throws");
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(r.errorCode(), "internal_error");
    EXPECT_EQ(http->get("/healthz").status, 200);
}

TEST_F(ApiWorkerRoutesTest, StopWaitsForRunningHandlersAndSendsTheirAnswers) {
    startServer();
    QTcpSocket socket;
    ASSERT_TRUE(connect(socket));
    socket.write(rawGet("/test/slow"));
    ASSERT_TRUE(waitForEntered(1));
    std::thread opener([this] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        gate.open();
    });
    server->stop();  // returns once the handler has finished
    opener.join();
    EXPECT_EQ(slowReturned.load(), 1);
    AnswerReader reader{socket, {}};
    int status = 0;
    EXPECT_EQ(reader.next(&status), patternBody('s'));
    EXPECT_EQ(status, 200);
}

TEST_F(ApiWorkerRoutesTest, StopGivesUpOnAHandlerAfterItsBound) {
    ApiServerOptions options;
    options.stopTimeout = std::chrono::milliseconds(200);
    startServer(options);
    QTcpSocket socket;
    ASSERT_TRUE(connect(socket));
    socket.write(rawGet("/test/slow"));
    ASSERT_TRUE(waitForEntered(1));
    QElapsedTimer timer;
    timer.start();
    server->stop();
    EXPECT_LT(timer.elapsed(), 3000);
    EXPECT_EQ(slowReturned.load(), 0);
    gate.open();  // the late answer is dropped; destroying the server waits for the handler
    server.reset();
    EXPECT_EQ(slowReturned.load(), 1);
}

TEST(BuiltInRoutes, DeviceWorkRunsOnTheAudioQueueAndSnapshotsInline) {
    AudioEngine engine;
    StatusReport report(engine);
    QHash<QString, const Route*> byName;
    const QList<Route> routes = audioRoutes(engine, report) + engineRoutes(engine);
    for (const Route& r : routes) byName.insert(QString::fromLatin1(r.method) + ' ' + r.path, &r);
    for (const char* name :
         {"POST /api/audio/start", "POST /api/audio/stop", "POST /api/audio/device"}) {
        ASSERT_TRUE(byName.contains(name)) << name;
        EXPECT_EQ(byName[name]->execution, Execution::Worker) << name;
        EXPECT_EQ(byName[name]->serialQueue, kAudioQueue) << name;
    }
    EXPECT_EQ(byName["PUT /api/engine"]->serialQueue, kEngineQueue);
    // A rescan may wait for a device open; the parameters are a copy under their short lock.
    EXPECT_EQ(byName["GET /api/devices"]->execution, Execution::Worker);
    EXPECT_EQ(byName["GET /api/engine"]->execution, Execution::ServerThread);
    EXPECT_EQ(byName["GET /api/status"]->execution, Execution::ServerThread);
    EXPECT_EQ(byName["GET /api/audio/performance"]->execution, Execution::ServerThread);
}

TEST(BuiltInRoutes, PresetWritesShareOneQueueAndWhatChangesTheEngineAnother) {
    QTemporaryDir dir;
    presets::PresetStore store({dir.path(), nullptr, {}});
    presets::AbComparator ab;
    QHash<QString, const Route*> byName;
    const QList<Route> routes = presetRoutes(store, ab, nullptr);
    for (const Route& r : routes) byName.insert(QString::fromLatin1(r.method) + ' ' + r.path, &r);
    for (const char* name : {"POST /api/presets", "PUT /api/presets/{id}",
                             "DELETE /api/presets/{id}", "POST /api/presets/import"})
        EXPECT_EQ(byName.value(name)->serialQueue, kPresetsQueue) << name;
    for (const char* name : {"POST /api/presets/ab/store/{slot}", "POST /api/presets/ab/toggle",
                             "DELETE /api/presets/ab/clear/{slot}", "POST /api/presets/{id}/apply"})
        EXPECT_EQ(byName.value(name)->serialQueue, kEngineQueue) << name;
    // Reads wait only for the store's lock (held by an import): on workers, side by side.
    for (const char* name :
         {"GET /api/presets", "GET /api/presets/{id}", "POST /api/presets/export"}) {
        EXPECT_EQ(byName.value(name)->execution, Execution::Worker) << name;
        EXPECT_TRUE(byName.value(name)->serialQueue.isEmpty()) << name;
    }
}
