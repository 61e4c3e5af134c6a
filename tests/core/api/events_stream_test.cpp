// WS /ws/events against the real server on the virtual device (issue 15): every change, whoever
// made it (HTTP, /ws/control, the route table in-process as the GUI runs it), is one record
// numbered without gaps; errors are none; a change the audio thread takes names the block that
// applied it and when that block is heard; every client gets the same records; the token rule
// of the other streams.

#include "ApiTestSupport.h"
#include "VirtualDeviceApiTest.h"
#include "api/ApiServer.h"
#include "engine/AudioEngine.h"

#include <gtest/gtest.h>
#include <QDateTime>
#include <QJsonArray>

using namespace soundlab;
using namespace soundlab::api;
using namespace soundlab::api::test;

namespace {

double unixNow() {
    return double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
}

// The settings part of a Φ document (phase, depth and the timestamp move with every block).
QJsonObject phiSettings(const QJsonObject& phi) {
    return {{"mode", phi["mode"]},
            {"manual", phi["manual"]},
            {"attack_ms", phi["audio"].toObject()["attack_ms"]},
            {"release_ms", phi["audio"].toObject()["release_ms"]},
            {"internal", phi["internal"]}};
}

class EventsStreamTest : public VirtualDeviceApiTest {
protected:
    QUrl url(const QString& path) const {
        return QUrl(QStringLiteral("ws://127.0.0.1:%1%2").arg(server->port()).arg(path));
    }
    // A client of /ws/events, subscribed (the server counts it) before it returns.
    std::unique_ptr<WsClient> subscribe(int expectedClients = 1) {
        auto client = std::make_unique<WsClient>();
        EXPECT_TRUE(client->open(url("/ws/events")));
        EXPECT_TRUE(
            waitFor([&] { return server->streamTotals("/ws/events").clients == expectedClients; }));
        return client;
    }
    // The records of type "change" a client has, in order.
    static QList<QJsonObject> changes(const WsClient& client) {
        QList<QJsonObject> list;
        for (qsizetype i = 0; i < client.messages.size(); ++i)
            if (client.message(i)["type"].toString() == QLatin1String("change"))
                list << client.message(i);
        return list;
    }
    static bool seqsFollowOn(const WsClient& client) {
        for (qsizetype i = 0; i < client.messages.size(); ++i)
            if (client.message(i)["seq"].toInteger() != i + 1) return false;
        return true;
    }
    // Runs a route of the server's table on this thread, the way the GUI's LocalBackend does.
    Response runInProcess(const QByteArray& method, const QString& path, const QJsonObject& body) {
        const RouteTable::Match match = server->routeTable().match(method, path);
        EXPECT_NE(match.route, nullptr);
        if (!match.route) return {};
        Request request;
        request.method = method;
        request.path = path;
        request.pathParams = match.pathParams;
        request.client = QStringLiteral("gui");
        request.body = body;
        return match.route->handler(request);
    }
};

}  // namespace

TEST_F(EventsStreamTest, AnHttpChangeIsOneRecordWithTheBlockThatAppliedIt) {
    auto client = subscribe();
    const uint64_t before = engine.chain().callbackCount();
    const HttpReply put =
        http->send("PUT", "/api/phi", R"({"mode":"manual","manual":{"depth":0.25,"phase":1.5}})");
    ASSERT_EQ(put.status, 200) << put.body.toStdString();
    ASSERT_TRUE(waitFor([&] { return changes(*client).size() == 1; }));
    const double received = unixNow();
    const uint64_t after = engine.chain().callbackCount();

    const QJsonObject record = changes(*client).first();
    EXPECT_TRUE(seqsFollowOn(*client)) << client->messages.join('\n').toStdString();
    EXPECT_EQ(record["client"].toString(), QStringLiteral("127.0.0.1"));
    EXPECT_EQ(record["method"].toString(), QStringLiteral("PUT"));
    EXPECT_EQ(record["path"].toString(), QStringLiteral("/api/phi"));
    EXPECT_EQ(record["status"].toInt(), 200);
    EXPECT_NEAR(record["time"].toDouble(), received, 1.0);
    const QJsonObject state = record["state"].toObject();
    EXPECT_EQ(phiSettings(state), phiSettings(http->get("/api/phi").json()));
    EXPECT_DOUBLE_EQ(state["manual"].toObject()["depth"].toDouble(), 0.25);

    // The block came after the PUT began and had completed when the record went out.
    ASSERT_TRUE(record.contains("block")) << client->messages.join('\n').toStdString();
    const qint64 block = record["block"].toInteger();
    EXPECT_GT(block, qint64(before));
    EXPECT_LT(block, qint64(after));
    ASSERT_TRUE(record.contains("heard_time"));
    EXPECT_NEAR(record["heard_time"].toDouble(), received, 1.0);
    EXPECT_EQ(server->events().lastSeq(), quint64(client->messages.size()));
}

TEST_F(EventsStreamTest, EveryFrontEndsChangeIsNumberedAndErrorsAreNone) {
    auto client = subscribe();
    WsClient control;
    ASSERT_TRUE(control.open(url("/ws/control")));

    ASSERT_EQ(http->send("PUT", "/api/audio/output", R"({"gain_db":-6})").status, 200);
    control.socket().sendTextMessage(R"({"type":"phi","id":1,"manual":{"depth":0.5}})");
    ASSERT_TRUE(waitFor([&] { return control.messages.size() == 1; }));
    EXPECT_TRUE(control.message(0)["ok"].toBool()) << control.messages[0].toStdString();
    const Response gui = runInProcess("PUT", "/api/phi", {{"manual", QJsonObject{{"phase", 2.0}}}});
    EXPECT_EQ(gui.status, 200) << gui.body.toStdString();

    // Refused: by the schema before the handler, and by the handler itself (in-process, where
    // no schema check ran first). Neither changed anything, so neither is a record.
    EXPECT_EQ(http->send("PUT", "/api/phi", R"({"manual":{"depth":7}})").status, 422);
    EXPECT_EQ(runInProcess("PUT", "/api/phi", {{"manual", QJsonObject{{"depth", 7}}}}).status, 422);
    control.socket().sendTextMessage(R"({"type":"phi","id":2,"mode":"nonsense"})");
    ASSERT_TRUE(waitFor([&] { return control.messages.size() == 2; }));
    EXPECT_FALSE(control.message(1)["ok"].toBool());

    ASSERT_EQ(http->send("PUT", "/api/audio/output", R"({"gain_db":0})").status, 200);
    ASSERT_TRUE(waitFor([&] { return changes(*client).size() == 4; }));
    ASSERT_FALSE(waitFor([&] { return changes(*client).size() > 4; }, 300));

    const QList<QJsonObject> list = changes(*client);
    EXPECT_TRUE(seqsFollowOn(*client)) << client->messages.join('\n').toStdString();
    EXPECT_EQ(list[0]["path"].toString(), QStringLiteral("/api/audio/output"));
    EXPECT_EQ(list[0]["state"].toObject()["gain_db"].toDouble(), -6.0);
    EXPECT_EQ(list[1]["path"].toString(), QStringLiteral("/api/phi"));
    EXPECT_EQ(list[1]["client"].toString(), QStringLiteral("127.0.0.1"));
    EXPECT_EQ(list[1]["state"].toObject()["manual"].toObject()["depth"].toDouble(), 0.5);
    EXPECT_EQ(list[2]["client"].toString(), QStringLiteral("gui"));
    EXPECT_EQ(list[2]["state"].toObject()["manual"].toObject()["phase"].toDouble(), 2.0);
    EXPECT_EQ(list[3]["state"].toObject()["gain_db"].toDouble(), 0.0);
    for (const QJsonObject& record : list) EXPECT_EQ(record["status"].toInt(), 200);
}

TEST_F(EventsStreamTest, TwoClientsGetTheSameRecordsInTheSameOrder) {
    auto first = subscribe(1);
    auto second = subscribe(2);
    for (int i = 0; i < 10; ++i) {
        const QByteArray body =
            i % 2 ? QStringLiteral(R"({"manual":{"depth":%1}})").arg(i / 10.0).toUtf8()
                  : QStringLiteral(R"({"gain_db":%1})").arg(-i).toUtf8();
        ASSERT_EQ(http->send("PUT", i % 2 ? "/api/phi" : "/api/audio/output", body).status, 200);
    }
    ASSERT_TRUE(waitFor([&] { return changes(*first).size() == 10; }));
    ASSERT_TRUE(waitFor([&] { return changes(*second).size() == 10; }));
    EXPECT_TRUE(seqsFollowOn(*first));
    EXPECT_EQ(first->messages, second->messages);
}

TEST_F(EventsStreamTest, StoppingTheAudioIsAChangeAndAnAudioRecord) {
    auto client = subscribe();
    ASSERT_EQ(http->post("/api/audio/stop").status, 200);
    const auto audioStopped = [&] {
        for (qsizetype i = 0; i < client->messages.size(); ++i) {
            const QJsonObject m = client->message(i);
            if (m["type"].toString() == QLatin1String("audio") &&
                m["state"].toObject()["stream_state"].toString() == QLatin1String("stopped"))
                return true;
        }
        return false;
    };
    ASSERT_TRUE(waitFor(audioStopped)) << client->messages.join('\n').toStdString();
    ASSERT_TRUE(waitFor([&] { return changes(*client).size() == 1; }));
    const QJsonObject change = changes(*client).first();
    EXPECT_EQ(change["method"].toString(), QStringLiteral("POST"));
    EXPECT_EQ(change["path"].toString(), QStringLiteral("/api/audio/stop"));
    EXPECT_FALSE(change.contains("block"));  // not a parameter the audio thread takes
    EXPECT_TRUE(seqsFollowOn(*client));

    // A parameter change with no stream: no block applies it, the record goes out without one.
    ASSERT_EQ(http->send("PUT", "/api/audio/output", R"({"muted":true})").status, 200);
    ASSERT_TRUE(waitFor([&] { return changes(*client).size() == 2; }));
    EXPECT_FALSE(changes(*client).last().contains("block"));
}

TEST_F(EventsStreamTest, TheStreamIsListedAndDocumented) {
    auto client = subscribe();
    const QJsonObject sockets = http->get("/api/websockets").json();
    bool listed = false;
    for (const QJsonValue& s : sockets["streams"].toArray())
        if (s.toObject()["path"].toString() == QLatin1String("/ws/events"))
            listed = s.toObject()["clients"].toInt() == 1;
    EXPECT_TRUE(listed) << QJsonDocument(sockets).toJson().toStdString();
    const QJsonObject paths = http->get("/api/openapi.json").json()["paths"].toObject();
    const QJsonObject events = paths["/ws/events"].toObject()["get"].toObject();
    EXPECT_TRUE(events["x-websocket"].toObject().contains("frame"));
}

TEST(EventsStreamAccess, ABadTokenIsRefusedLikeTheOtherStreams) {
    qtApp();
    AudioEngine engine;
    ApiServerOptions options;
    options.port = 0;
    options.token = "tok3n";
    ApiServer server(engine, options);
    ASSERT_FALSE(server.start());
    const auto url = [&](const QString& query) {
        return QUrl(QStringLiteral("ws://127.0.0.1:%1/ws/events%2").arg(server.port()).arg(query));
    };
    WsClient bad;
    bad.open(url("?token=wrong"));
    ASSERT_TRUE(waitFor([&] { return bad.closed; }));
    EXPECT_EQ(bad.closeCode, WebSocketHub::kCloseUnauthorized);
    WsClient none;
    none.open(url(""));
    ASSERT_TRUE(waitFor([&] { return none.closed; }));
    EXPECT_EQ(none.closeCode, WebSocketHub::kCloseUnauthorized);

    WsClient good;
    ASSERT_TRUE(good.open(url("?token=tok3n")));
    ASSERT_TRUE(waitFor([&] { return server.streamTotals("/ws/events").clients == 1; }));
    HttpClient http(server.url());
    ASSERT_EQ(http.send("PUT", "/api/audio/output", R"({"gain_db":-3})",
                        {{"Authorization", "Bearer tok3n"}})
                  .status,
              200);
    ASSERT_TRUE(waitFor([&] { return good.messages.size() == 1; }));
    EXPECT_EQ(good.message(0)["seq"].toInt(), 1);
    EXPECT_FALSE(good.closed);
}
