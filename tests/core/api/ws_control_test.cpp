// WS /ws/control over a real QWebSocket against the real server on the virtual device: sensor
// and Φ messages run the REST routes (same validation, same 422s), replies carry the id, a
// message without an id is answered only when it fails, and bad messages never cost the
// connection.

#include "ApiTestSupport.h"
#include "VirtualDeviceApiTest.h"
#include "api/ApiServer.h"
#include "api/ControlChannel.h"
#include "api/JsonSchema.h"
#include "engine/AudioEngine.h"

#include <gtest/gtest.h>
#include <QJsonArray>
#include <QThread>
#include <atomic>
#include <cmath>

using namespace soundlab;
using namespace soundlab::api;
using namespace soundlab::api::test;

namespace {

class WsControlTest : public VirtualDeviceApiTest {
protected:
    void SetUp() override {
        VirtualDeviceApiTest::SetUp();
        client = std::make_unique<WsClient>();
        ASSERT_TRUE(client->open(url("/ws/control")));
    }
    QUrl url(const QString& path) const {
        return QUrl(QStringLiteral("ws://127.0.0.1:%1%2").arg(server->port()).arg(path));
    }
    void send(const QByteArray& json) { client->socket().sendTextMessage(QString::fromUtf8(json)); }
    // Sends a ping with an id and waits for its pong: every message sent before it has been
    // handled, and every answer to them has arrived (one socket, in order).
    void sync() {
        const QString id = QStringLiteral("sync-%1").arg(++syncs_);
        send(QStringLiteral(R"({"type":"ping","id":"%1"})").arg(id).toUtf8());
        ASSERT_TRUE(soundlab::api::test::waitFor(
            [&] {
                return !client->messages.isEmpty() &&
                       client->message(client->messages.size() - 1)["id"].toString() == id;
            },
            3000));
        client->messages.removeLast();
    }
    // Answers other than the sync pongs, in order; clears them.
    QList<QJsonObject> answers() {
        QList<QJsonObject> list;
        for (qsizetype i = 0; i < client->messages.size(); ++i) list << client->message(i);
        client->messages.clear();
        return list;
    }
    template <typename F>
    bool waitFor(F condition) {
        return soundlab::api::test::waitFor(condition, 2000);
    }

    // Made in SetUp: a QWebSocket needs the application object, which SetUp creates first.
    std::unique_ptr<WsClient> client;
    int syncs_ = 0;
};

}  // namespace

TEST_F(WsControlTest, SensorMessagesMoveDepthAndPhaseAndAreCounted) {
    send(R"({"type":"phi","manual":{"depth":0.0,"phase":0.0}})");
    send(R"({"type":"phi","mode":"sensor"})");
    // A steady heart rate turns the phase; gsr sets the depth; accel.x offsets the phase.
    send(R"({"type":"sensor","heart_rate_bpm":120,"gsr":0.25,"accel":{"x":0,"y":0,"z":1}})");
    send(R"({"type":"sensor","samples":[{"gsr":0.75},{"accel":{"x":0.5,"y":0,"z":1}}]})");
    sync();
    EXPECT_TRUE(answers().isEmpty()) << "no id, no error: no answer";
    EXPECT_EQ(engine.phiSettings().mode, phi::Mode::Sensor);
    const phi::SensorStatus sensor = engine.phiSensor().status();
    EXPECT_EQ(sensor.received, 3u);
    EXPECT_EQ(sensor.applied, 3u);
    EXPECT_DOUBLE_EQ(sensor.values.gsr, 0.75);
    EXPECT_DOUBLE_EQ(sensor.values.accelX, 0.5);

    // The audio thread plays it: depth = gsr·Φ once the fade from manual (depth 0) is over.
    ASSERT_TRUE(waitFor([&] {
        const phi::State s = engine.phiState();
        return s.mode == phi::Mode::Sensor && !s.fading &&
               std::abs(s.depth - 0.75 * dsp::kPhi) < 1e-9;
    })) << engine.phiState().depth;
    // 120 bpm turns the phase at 2 Hz: it moves from block to block.
    const phi::State before = engine.phiState();
    ASSERT_TRUE(waitFor([&] { return engine.phiState().blocks > before.blocks + 2; }));
    EXPECT_GT(std::abs(phi::shortestArc(before.phase, engine.phiState().phase)), 1e-3);

    // GET /api/phi counts the same.
    const QJsonObject s = http->get("/api/phi").json()["sensor"].toObject();
    EXPECT_EQ(s["received"].toInt(), 3);
    EXPECT_EQ(s["applied"].toInt(), 3);
}

TEST_F(WsControlTest, AMessageWithAnIdGetsTheRestAnswerWithItsId) {
    send(R"({"type":"phi","id":7,"manual":{"depth":1.25}})");
    send(R"({"type":"sensor","id":"s-1","gsr":0.5})");
    send(R"({"type":"phi","id":{"n":[1,2]}})");  // an empty update: reads the document
    sync();
    const QList<QJsonObject> a = answers();
    ASSERT_EQ(a.size(), 3);
    EXPECT_EQ(a[0]["id"].toInt(), 7);
    EXPECT_EQ(a[0]["type"].toString(), QStringLiteral("result"));
    EXPECT_TRUE(a[0]["ok"].toBool());
    EXPECT_EQ(a[0]["status"].toInt(), 200);
    EXPECT_EQ(a[0]["result"].toObject()["manual"].toObject()["depth"].toDouble(), 1.25);
    EXPECT_EQ(a[1]["id"].toString(), QStringLiteral("s-1"));
    EXPECT_EQ(a[1]["result"].toObject()["gsr"].toDouble(), 0.5);
    EXPECT_EQ(a[1]["result"].toObject()["received"].toInt(), 1);
    EXPECT_EQ(a[2]["id"].toObject()["n"].toArray().size(), 2);
    EXPECT_EQ(a[2]["result"].toObject()["mode"].toString(), QStringLiteral("manual"));

    // In manual mode the controller plays the new depth.
    EXPECT_TRUE(waitFor([&] { return std::abs(engine.phiState().depth - 1.25) < 1e-9; }));
}

TEST_F(WsControlTest, EveryBadMessageGetsItsOwnErrorAndChangesNothing) {
    const phi::Settings before = engine.phiSettings();
    send(R"({"type":"phi","id":1,"manual":{"depth":9}})");
    send(R"({"type":"phi","id":2,"volume":1})");
    send(R"({"type":"sensor","gsr":2})");  // no id: an error still comes back
    send(R"({"type":"sensor","id":4,"samples":[{"gsr":0.1},{"heart_rate_bpm":20}]})");
    send(R"({"type":"sensor","id":5,"gsr":0.1,"samples":[]})");
    send(R"({"type":"sensor","id":6,"samples":"no"})");
    send(R"({"type":"launch","id":7})");
    send(R"({"id":8})");
    send("{not json");
    send("[1,2]");
    client->socket().sendBinaryMessage("\x01\x02");
    sync();
    const QList<QJsonObject> a = answers();
    ASSERT_EQ(a.size(), 11);
    const auto check = [&](int i, const QJsonValue& id, int status, const QString& inMessage) {
        SCOPED_TRACE(i);
        const QJsonObject error = a[i]["error"].toObject();
        EXPECT_EQ(a[i]["type"].toString(), QStringLiteral("error"));
        EXPECT_EQ(a[i]["id"], id);
        EXPECT_EQ(error["status"].toInt(), status);
        EXPECT_TRUE(error["message"].toString().contains(inMessage))
            << error["message"].toString().toStdString();
    };
    check(0, 1, 422, "manual.depth");
    EXPECT_FALSE(a[0]["ok"].toBool(true));
    check(1, 2, 422, "volume");
    check(2, QJsonValue::Undefined, 422, "gsr");
    check(3, 4, 422, "[1].heart_rate_bpm");
    check(4, 5, 422, "samples");
    check(5, 6, 422, "object");  // the schema: an object or an array
    check(6, 7, 400, "launch");
    check(7, 8, 400, "unknown message type");
    check(8, QJsonValue::Undefined, 400, "JSON");
    check(9, QJsonValue::Undefined, 400, "JSON");
    check(10, QJsonValue::Undefined, 400, "JSON");

    EXPECT_FALSE(client->closed) << "bad messages never cost the connection";
    EXPECT_EQ(engine.phiSettings(), before);
    EXPECT_EQ(engine.phiSensor().status().received, 0u);
}

TEST_F(WsControlTest, ItTakesTheTokenLikeTheOtherWebSockets) {
    server.reset();
    ApiServerOptions options;
    options.port = 0;
    options.token = QStringLiteral("tok3n");
    server = std::make_unique<ApiServer>(engine, options);
    ASSERT_FALSE(server->start());
    WsClient none;
    none.open(url("/ws/control"));
    ASSERT_TRUE(waitFor([&] { return none.closed; }));
    EXPECT_EQ(none.closeCode, WebSocketHub::kCloseUnauthorized);

    WsClient good;
    ASSERT_TRUE(good.open(url("/ws/control?token=tok3n")));
    good.socket().sendTextMessage(QStringLiteral(R"({"type":"phi","id":1,"mode":"internal"})"));
    ASSERT_TRUE(waitFor([&] { return !good.messages.isEmpty(); }));
    EXPECT_TRUE(good.message(0)["ok"].toBool());
    EXPECT_EQ(engine.phiSettings().mode, phi::Mode::Internal);
}

TEST_F(WsControlTest, OpenApiDescribesTheControlMessages) {
    const QJsonObject doc = http->get("/api/openapi.json").json();
    const QJsonObject op = doc["paths"].toObject()["/ws/control"].toObject()["get"].toObject();
    const QJsonObject messages = op["x-websocket"].toObject()["messages"].toObject();
    EXPECT_TRUE(messages.contains("phi"));
    EXPECT_TRUE(messages.contains("sensor"));
    EXPECT_EQ(http->get("/ws/control").status, 426) << "a WebSocket path";
}

// A route that may wait (Execution::Worker, like a future PUT that opens a MIDI port) runs on the
// executor's worker as over REST, and its answer comes back on the thread that handles the
// message (the server thread); the schema check still answers at once, without running it.
TEST(ControlChannelTest, AWorkerRouteRunsOnAWorkerAndAnswersOnTheMessageThread) {
    qtApp();
    QObject context;  // the reply context: this thread, as the server thread is for the hub
    RouteExecutor executor(&context, 2);
    RouteTable table;
    Route slow;
    slow.method = "PUT";
    slow.path = QStringLiteral("/api/slow");
    slow.requestSchema = schema::object({{QStringLiteral("x"), schema::number()}});
    slow.execution = Execution::Worker;
    std::atomic<QThread*> ranOn{nullptr};
    slow.handler = [&](const Request& request) {
        ranOn = QThread::currentThread();
        return Response::json(QJsonObject{{"x", request.body.toObject()["x"]}});
    };
    table.add(slow);
    ControlChannel channel(table, executor, {{"slow", "PUT", "/api/slow", {}}});

    QList<QJsonObject> replies;
    QThread* replyThread = nullptr;
    const auto reply = [&](const QJsonObject& answer) {
        replies << answer;
        replyThread = QThread::currentThread();
    };
    channel.handle({{"type", "slow"}, {"id", 1}, {"x", 2}}, reply);
    ASSERT_TRUE(waitFor([&] { return !replies.isEmpty(); }, 3000));
    EXPECT_NE(ranOn.load(), nullptr);
    EXPECT_NE(ranOn.load(), QThread::currentThread()) << "the handler ran on a worker";
    EXPECT_EQ(replyThread, QThread::currentThread()) << "answered on the message's thread";
    EXPECT_EQ(replies[0]["id"].toInt(), 1);
    EXPECT_EQ(replies[0]["result"].toObject()["x"].toInt(), 2);

    ranOn = nullptr;
    channel.handle({{"type", "slow"}, {"id", 2}, {"x", "two"}}, reply);
    ASSERT_EQ(replies.size(), 2) << "a schema error is answered at once";
    EXPECT_EQ(replies[1]["error"].toObject()["status"].toInt(), 422);
    EXPECT_TRUE(replies[1]["error"].toObject()["message"].toString().contains("x"));
    EXPECT_EQ(ranOn.load(), nullptr) << "the handler did not run";
}
