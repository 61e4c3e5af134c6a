// The API server in-process, on the virtual audio device, talked to by real clients
// (QNetworkAccessManager, QWebSocket, raw TCP).

#include "ApiTestSupport.h"
#include "api/ApiServer.h"
#include "api/JsonSchema.h"
#include "engine/AudioEngine.h"

#include <atomic>
#include <gtest/gtest.h>
#include <QJsonArray>
#include <QUrlQuery>
#include <stdexcept>

using namespace soundlab;
using namespace soundlab::api;
using namespace soundlab::api::test;

namespace {

StreamConfig virtualConfig() {
    StreamConfig config;
    config.inputDevice = QStringLiteral("virtual");
    config.outputDevice = QStringLiteral("virtual");
    return config;
}

class ApiServerTest : public ::testing::Test {
protected:
    void SetUp() override {
        qtApp();
        ASSERT_FALSE(engine.configure(virtualConfig()));
    }
    void TearDown() override {
        server.reset();
        engine.stop();
    }

    // Starts a server on a free loopback port with `options` (port forced to 0).
    ApiServer& startServer(ApiServerOptions options = {},
                           const std::function<void(ApiServer&)>& extend = {}) {
        options.port = 0;
        server = std::make_unique<ApiServer>(engine, options);
        if (extend) extend(*server);
        const auto error = server->start();
        EXPECT_FALSE(error) << error->toStdString();
        base = server->url();
        EXPECT_EQ(base, QStringLiteral("http://127.0.0.1:%1").arg(server->port()));
        http = std::make_unique<HttpClient>(base);
        return *server;
    }
    QUrl wsUrl(const QString& path) const {
        return QUrl(QStringLiteral("ws://127.0.0.1:%1%2").arg(server->port()).arg(path));
    }

    AudioEngine engine;
    std::unique_ptr<ApiServer> server;
    QString base;
    std::unique_ptr<HttpClient> http;
};

const QList<QPair<QByteArray, QByteArray>> kGoodToken{{"Authorization", "Bearer tok3n"}};

}  // namespace

TEST_F(ApiServerTest, StatusHasTheSeedFieldsPlusDeviceHostApiUptimeAndVersion) {
    startServer();
    const HttpReply r = http->get("/api/status");
    ASSERT_EQ(r.status, 200) << r.networkError.toStdString();
    EXPECT_TRUE(r.header("Content-Type").startsWith("application/json"));
    const QJsonObject s = r.json();
    for (const char* key : {"audio_running", "sample_rate", "buffer_size", "callback_count",
                            "latency_calibrated", "preset_loaded", "metrics_clients",
                            "latency_clients", "device", "host_api", "uptime_s", "version"})
        EXPECT_TRUE(s.contains(key)) << key;
    EXPECT_FALSE(s.value("audio_running").toBool());
    EXPECT_EQ(s.value("sample_rate").toInt(), 48000);
    EXPECT_EQ(s.value("buffer_size").toInt(), 512);
    EXPECT_FALSE(s.value("latency_calibrated").toBool());
    EXPECT_FALSE(s.value("preset_loaded").toBool());
    EXPECT_EQ(s.value("version").toString(), QStringLiteral(SOUNDLAB_VERSION));
    EXPECT_GE(s.value("uptime_s").toDouble(), 0.0);
}

TEST_F(ApiServerTest, StatusFieldsComeFromProvidersThatLaterFeaturesSet) {
    std::atomic<bool> loaded = false;  // read by the server thread
    startServer({}, [&](ApiServer& s) {
        s.setStatusField("preset_loaded", [&loaded] { return QJsonValue(loaded.load()); });
    });
    EXPECT_FALSE(http->get("/api/status").json().value("preset_loaded").toBool());
    loaded = true;
    EXPECT_TRUE(http->get("/api/status").json().value("preset_loaded").toBool());
}

TEST_F(ApiServerTest, StartAndStopAreIdempotent) {
    startServer();
    for (int i = 0; i < 2; ++i) {
        const HttpReply r = http->post("/api/audio/start");
        ASSERT_EQ(r.status, 200) << r.body.toStdString();
        EXPECT_TRUE(r.json().value("audio_running").toBool());
        EXPECT_TRUE(engine.isRunning());
    }
    const QJsonObject running = http->get("/api/status").json();
    EXPECT_TRUE(running.value("audio_running").toBool());
    EXPECT_FALSE(running.value("host_api").isNull());
    for (int i = 0; i < 2; ++i) {
        const HttpReply r = http->post("/api/audio/stop");
        ASSERT_EQ(r.status, 200);
        EXPECT_FALSE(r.json().value("audio_running").toBool());
        EXPECT_FALSE(engine.isRunning());
    }
}

// The seed's UI checks `ok` and shows `message`; the status fields stay beside them.
TEST_F(ApiServerTest, StartAndStopAnswerOkAndAMessageBesideTheStatus) {
    startServer();
    HttpReply r = http->post("/api/audio/start");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.json().value("ok"), QJsonValue(true));
    EXPECT_EQ(r.json().value("message").toString(), "Audio started");
    EXPECT_TRUE(r.json().value("audio_running").toBool());
    r = http->post("/api/audio/start");
    EXPECT_EQ(r.json().value("ok"), QJsonValue(true));
    EXPECT_EQ(r.json().value("message").toString(), "Audio already running");
    r = http->post("/api/audio/stop");
    EXPECT_EQ(r.json().value("ok"), QJsonValue(true));
    EXPECT_EQ(r.json().value("message").toString(), "Audio stopped");
    EXPECT_TRUE(r.json().contains("callback_count"));
}

TEST_F(ApiServerTest, HealthzHasTheSeedShape) {
    startServer();
    const HttpReply r = http->get("/healthz");
    ASSERT_EQ(r.status, 200);
    const QJsonObject h = r.json();
    EXPECT_EQ(h.value("status").toString(), "healthy");
    EXPECT_EQ(h.value("service").toString(), "soundlab");
    EXPECT_EQ(h.value("version").toString(), SOUNDLAB_VERSION);
    EXPECT_TRUE(h.value("uptime").isDouble());
    EXPECT_GE(h.value("uptime").toDouble(), 0.0);
}

TEST_F(ApiServerTest, VersionNamesTheProjectAndQtVersionsAndTheBuildType) {
    startServer();
    const HttpReply r = http->get("/version");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.json().value("version").toString(), SOUNDLAB_VERSION);
    EXPECT_EQ(r.json().value("qt_version").toString(), qVersion());
    EXPECT_FALSE(r.json().value("build_type").toString().isEmpty());
}

TEST_F(ApiServerTest, ReadyzIsReadyWithAUsableAudioHostAndNamesWhatIsNot) {
    std::atomic<bool> presetsLoaded = false;  // read by the server thread
    startServer({}, [&](ApiServer& s) {
        s.addReadinessCheck("presets", [&]() -> std::optional<QString> {
            if (presetsLoaded) return std::nullopt;
            return QStringLiteral("still loading");
        });
    });
    HttpReply r = http->get("/readyz");
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(r.json().value("status").toString(), "not_ready");
    EXPECT_EQ(r.json().value("reasons").toArray(), (QJsonArray{"presets: still loading"}));
    EXPECT_EQ(r.json().value("checks").toObject().value("audio").toString(), "ok");
    presetsLoaded = true;
    r = http->get("/readyz");
    EXPECT_EQ(r.status, 200);  // the stream need not run
    EXPECT_FALSE(engine.isRunning());
    EXPECT_EQ(r.json().value("status").toString(), "ready");
    EXPECT_TRUE(r.json().value("reasons").toArray().isEmpty());
}

TEST_F(ApiServerTest, MetricsArePrometheusTextWithAudioWebSocketAndHttpCounters) {
    startServer({}, [](ApiServer& s) {
        s.addMetric("soundlab_presets", "Presets in the store.", [] { return 7.0; });
    });
    ASSERT_EQ(http->post("/api/audio/start").status, 200);
    ASSERT_TRUE(waitFor([&] { return engine.status().callbackCount > 2; }));
    WsClient ws;
    ASSERT_TRUE(ws.open(wsUrl("/ws/status")));
    ASSERT_TRUE(waitFor([&] { return ws.messages.size() >= 2; }, 3000));
    EXPECT_EQ(http->get("/no/such/path").status, 404);

    const HttpReply r = http->get("/metrics");
    ASSERT_EQ(r.status, 200);
    EXPECT_TRUE(r.header("Content-Type").startsWith("text/plain; version=0.0.4"));
    const QString text = QString::fromUtf8(r.body);
    const auto value = [&](const QString& series) {
        for (const QString& line : text.split('\n'))
            if (line.startsWith(series + ' ')) return line.mid(series.size() + 1).toDouble();
        ADD_FAILURE() << "no series " << series.toStdString() << " in\n" << text.toStdString();
        return -1.0;
    };
    EXPECT_TRUE(text.contains("# TYPE soundlab_audio_callbacks_total counter"));
    EXPECT_GT(value("soundlab_audio_callbacks_total"), 2);
    EXPECT_EQ(value("soundlab_audio_running"), 1);
    EXPECT_GE(value("soundlab_audio_xruns_total{kind=\"input_overflow\"}"), 0);
    EXPECT_GE(value("soundlab_audio_xruns_total{kind=\"output_underflow\"}"), 0);
    EXPECT_GE(value("soundlab_audio_cpu_load"), 0);
    EXPECT_EQ(value("soundlab_websocket_clients"), 1);
    EXPECT_GE(value("soundlab_websocket_frames_sent_total"), 2);
    EXPECT_EQ(value("soundlab_websocket_frames_dropped_total"), 0);
    EXPECT_GE(value("soundlab_http_requests_total{class=\"2xx\"}"), 1);
    EXPECT_GE(value("soundlab_http_requests_total{class=\"4xx\"}"), 1);
    EXPECT_EQ(value("soundlab_http_requests_total{class=\"5xx\"}"), 0);
    EXPECT_EQ(value("soundlab_presets"), 7);
    // Every sample line is "name[{labels}] value" and every family has HELP and TYPE.
    for (const QString& line : text.split('\n', Qt::SkipEmptyParts)) {
        if (line.startsWith('#')) continue;
        const QString name = line.section(' ', 0, 0).section('{', 0, 0);
        EXPECT_TRUE(text.contains("# TYPE " + name + ' ')) << line.toStdString();
        bool ok = false;
        line.section(' ', -1).toDouble(&ok);
        EXPECT_TRUE(ok) << line.toStdString();
    }
}

// Orchestrators probe liveness and readiness without credentials; metrics and the version
// follow the token rule (Prometheus can send a bearer token).
TEST_F(ApiServerTest, WithATokenHealthzAndReadyzAreOpenAndMetricsAndVersionNeedIt) {
    ApiServerOptions options;
    options.token = "tok3n";
    startServer(options);
    EXPECT_EQ(http->get("/healthz").status, 200);
    EXPECT_EQ(http->get("/readyz").status, 200);
    EXPECT_EQ(http->get("/metrics").status, 401);
    EXPECT_EQ(http->get("/version").status, 401);
    EXPECT_EQ(http->get("/metrics", kGoodToken).status, 200);
    EXPECT_EQ(http->get("/version", kGoodToken).status, 200);
}

TEST_F(ApiServerTest, CorsWildcardWithoutATokenIsRefusedAtStart) {
    ApiServerOptions options;
    options.port = 0;
    options.corsOrigins = {"http://app.example", "*"};
    ApiServer refusing(engine, options);
    const auto error = refusing.start();
    ASSERT_TRUE(error);
    EXPECT_TRUE(error->contains("--cors-origin '*'")) << error->toStdString();
    EXPECT_TRUE(error->contains("--token")) << error->toStdString();
    EXPECT_FALSE(refusing.isRunning());

    options.token = "tok3n";
    ApiServer withToken(engine, options);
    EXPECT_FALSE(withToken.start());
    options.token.clear();
    options.corsOrigins = {"http://app.example"};
    ApiServer listed(engine, options);
    EXPECT_FALSE(listed.start());
}

TEST_F(ApiServerTest, PerformanceHasTheSeedShapePlusXruns) {
    startServer();
    ASSERT_EQ(http->post("/api/audio/start").status, 200);
    const QJsonObject p = http->get("/api/audio/performance").json();
    EXPECT_TRUE(p.value("callback_count").isDouble());
    EXPECT_NEAR(p.value("buffer_duration_ms").toDouble(), 512.0 / 48.0, 0.01);
    for (const char* key : {"current", "average", "min", "max", "std"})
        EXPECT_TRUE(p.value("processing_time_ms").toObject().value(key).isDouble()) << key;
    for (const char* key : {"current", "average", "peak"})
        EXPECT_TRUE(p.value("cpu_load").toObject().value(key).isDouble()) << key;
    for (const char* key : {"input_overflows", "output_underflows", "total"})
        EXPECT_TRUE(p.value("xruns").toObject().value(key).isDouble()) << key;
}

TEST_F(ApiServerTest, DevicesListTheVirtualDeviceAndTheSelection) {
    startServer();
    const QJsonObject d = http->get("/api/devices").json();
    bool virtualListed = false;
    for (const auto& device : d.value("devices").toArray())
        virtualListed = virtualListed || device.toObject().value("selector") == "virtual";
    EXPECT_TRUE(virtualListed);
    EXPECT_EQ(d.value("selected").toObject().value("output_device").toString(), "virtual");
    EXPECT_EQ(d.value("sample_rates").toArray().size(), 3);
}

TEST_F(ApiServerTest, DeviceChangeRestartsTheRunningStreamInOneCall) {
    startServer();
    ASSERT_EQ(http->post("/api/audio/start").status, 200);
    const HttpReply r =
        http->post("/api/audio/device", R"({"buffer_size":256,"sample_rate":44100})");
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_TRUE(r.json().value("audio_running").toBool());
    EXPECT_EQ(r.json().value("buffer_size").toInt(), 256);
    EXPECT_EQ(r.json().value("sample_rate").toInt(), 44100);
    EXPECT_EQ(engine.config().blockSize, 256);
}

TEST_F(ApiServerTest, DeviceErrorsAreClearJsonAndTheServerStaysUp) {
    startServer();
    ASSERT_EQ(http->post("/api/audio/start").status, 200);

    HttpReply r = http->post("/api/audio/device", R"({"device":"no such device at all"})");
    EXPECT_EQ(r.status, 422) << r.body.toStdString();
    EXPECT_EQ(r.errorCode(), "invalid_config");
    EXPECT_FALSE(r.json().value("error").toObject().value("message").toString().isEmpty());
    EXPECT_EQ(engine.config().outputDevice, "virtual");  // previous configuration kept
    EXPECT_TRUE(engine.isRunning());

    r = http->post("/api/audio/device", R"({"sample_rate":12345})");
    EXPECT_EQ(r.status, 422);
    EXPECT_TRUE(r.body.contains("sample_rate")) << r.body.toStdString();

    r = http->post("/api/audio/device", R"({"buffer_size":"big"})");
    EXPECT_EQ(r.status, 422);
    r = http->post("/api/audio/device", R"({"buffer_sise":256})");
    EXPECT_EQ(r.status, 422);
    EXPECT_TRUE(r.body.contains("buffer_sise"));
    r = http->post("/api/audio/device", R"({})");
    EXPECT_EQ(r.status, 422);
    r = http->post("/api/audio/device", R"({"buffer_size":256)");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.errorCode(), "malformed_json");
    r = http->post("/api/audio/device", "buffer_size=256", {{"Content-Type", "text/plain"}});
    EXPECT_EQ(r.status, 415);
    r = http->post("/api/audio/device");
    EXPECT_EQ(r.status, 400);

    EXPECT_EQ(http->get("/healthz").status, 200);
    EXPECT_TRUE(engine.isRunning());
}

TEST_F(ApiServerTest, UnknownPathIs404AndWrongMethodIs405WithAllow) {
    startServer();
    HttpReply r = http->get("/api/nope");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.errorCode(), "not_found");
    r = http->send("DELETE", "/api/status");
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(r.errorCode(), "method_not_allowed");
    EXPECT_EQ(r.header("Allow"), "GET, OPTIONS");
    r = http->get("/api/audio/start");
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(r.header("Allow"), "POST, OPTIONS");
}

TEST_F(ApiServerTest, WithATokenEveryRouteButHealthzNeedsTheBearerToken) {
    ApiServerOptions options;
    options.token = "tok3n";
    startServer(options);
    EXPECT_EQ(http->get("/healthz").status, 200);
    HttpReply r = http->get("/api/status");
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.errorCode(), "unauthorized");
    EXPECT_EQ(r.header("WWW-Authenticate"), "Bearer");
    EXPECT_EQ(http->get("/api/status", {{"Authorization", "Bearer wrong"}}).status, 401);
    EXPECT_EQ(http->post("/api/audio/start", {}, {{"Authorization", "Bearer wrong"}}).status, 401);
    EXPECT_FALSE(engine.isRunning());
    EXPECT_EQ(http->get("/api/status", kGoodToken).status, 200);
    EXPECT_EQ(http->get("/api/openapi.json").status, 401);
    EXPECT_EQ(http->get("/api/openapi.json", kGoodToken).status, 200);
}

TEST_F(ApiServerTest, RefusesToListenBeyondLoopbackWithoutATokenAndSaysWhy) {
    ApiServerOptions options;
    options.host = "0.0.0.0";
    options.port = 0;
    ApiServer refusing(engine, options);
    const auto error = refusing.start();
    ASSERT_TRUE(error);
    EXPECT_TRUE(error->contains("token")) << error->toStdString();
    EXPECT_FALSE(refusing.isRunning());

    options.insecure = true;
    ApiServer insecure(engine, options);
    EXPECT_FALSE(insecure.start());
    EXPECT_EQ(insecure.address(), "0.0.0.0");
}

TEST_F(ApiServerTest, ReportsAPortInUse) {
    startServer();
    ApiServerOptions options;
    options.port = server->port();
    ApiServer second(engine, options);
    const auto error = second.start();
    ASSERT_TRUE(error);
    EXPECT_TRUE(error->contains(QString::number(server->port())));
    EXPECT_EQ(http->get("/healthz").status, 200);
}

TEST_F(ApiServerTest, OpenApiDocumentListsEveryRouteTheServerAnswers) {
    startServer({}, [](ApiServer& s) {
        s.addStream("extra", 5.0, [] { return QJsonObject{{"x", 1}}; });
    });
    const QJsonObject doc = http->get("/api/openapi.json").json();
    EXPECT_EQ(doc.value("openapi").toString(), "3.1.0");
    const QJsonObject paths = doc.value("paths").toObject();
    const QStringList expected{
        "/api/status",     "/api/audio/start",  "/api/audio/stop", "/api/audio/performance",
        "/api/devices",    "/api/audio/device", "/healthz",        "/api/openapi.json",
        "/api/websockets", "/ws/status",        "/ws/extra",       "/readyz",
        "/version",        "/metrics"};
    for (const auto& path : expected) EXPECT_TRUE(paths.contains(path)) << path.toStdString();

    // Every documented operation is answered (never 404/405), and documents a response.
    for (auto it = paths.begin(); it != paths.end(); ++it) {
        const QJsonObject item = it.value().toObject();
        for (auto op = item.begin(); op != item.end(); ++op) {
            const QByteArray method = op.key().toUpper().toLatin1();
            const HttpReply r = http->send(method, it.key());
            EXPECT_NE(r.status, 404) << method.constData() << ' ' << it.key().toStdString();
            EXPECT_NE(r.status, 405) << method.constData() << ' ' << it.key().toStdString();
            EXPECT_FALSE(op.value().toObject().value("responses").toObject().isEmpty());
        }
    }
    const QJsonObject device = paths.value("/api/audio/device").toObject().value("post").toObject();
    EXPECT_TRUE(device.value("requestBody")
                    .toObject()
                    .value("content")
                    .toObject()
                    .contains("application/json"));
    EXPECT_TRUE(device.value("responses").toObject().contains("422"));
    EXPECT_TRUE(paths.value("/healthz")
                    .toObject()
                    .value("get")
                    .toObject()
                    .value("security")
                    .toArray()
                    .isEmpty());
    // /metrics is documented as the Prometheus text format, the actions with `ok`.
    const QJsonObject metrics = paths.value("/metrics").toObject().value("get").toObject();
    EXPECT_TRUE(metrics.value("responses")
                    .toObject()
                    .value("200")
                    .toObject()
                    .value("content")
                    .toObject()
                    .contains("text/plain; version=0.0.4"));
    const QJsonObject start = paths.value("/api/audio/start").toObject().value("post").toObject();
    EXPECT_TRUE(start.value("responses")
                    .toObject()
                    .value("200")
                    .toObject()
                    .value("content")
                    .toObject()
                    .value("application/json")
                    .toObject()
                    .value("schema")
                    .toObject()
                    .value("properties")
                    .toObject()
                    .contains("ok"));
}

TEST_F(ApiServerTest, ExtensionRoutesGetParametersValidatedAndHandlerFailuresContained) {
    startServer({}, [](ApiServer& s) {
        Route r;
        r.method = "POST";
        r.path = "/api/things/{id}/offset";
        r.summary = "test route";
        r.query = {{"offset_ms", schema::number(0, 200), "offset", true}};
        r.errorStatuses = {409};
        r.handler = [](const Request& request) {
            if (request.pathParams.value("id") == "busy")
                return Response::error(ApiError::conflict("busy", "thing is busy"));
            if (request.pathParams.value("id") == "throw") throw std::runtime_error("boom");
            return Response::json(QJsonObject{{"id", request.pathParams.value("id")},
                                              {"offset_ms", request.query.value("offset_ms")}});
        };
        s.addRoute(r);
    });
    HttpReply r = http->post("/api/things/a/offset?offset_ms=12.5");
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_EQ(r.json().value("id").toString(), "a");
    EXPECT_DOUBLE_EQ(r.json().value("offset_ms").toDouble(), 12.5);
    EXPECT_EQ(http->post("/api/things/a/offset").status, 400);
    EXPECT_EQ(http->post("/api/things/a/offset?offset_ms=abc").status, 400);
    EXPECT_EQ(http->post("/api/things/a/offset?offset_ms=500").status, 422);
    EXPECT_EQ(http->post("/api/things/busy/offset?offset_ms=1").status, 409);
    r = http->post("/api/things/throw/offset?offset_ms=1");
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(r.errorCode(), "internal_error");
    EXPECT_EQ(http->get("/healthz").status, 200);
}

TEST_F(ApiServerTest, BodyLargerThanTheRouteLimitIs413) {
    startServer();
    const QByteArray body(2 << 20, ' ');
    const RawExchange x =
        rawExchange(server->port(),
                    "POST /api/audio/device HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                    "application/json\r\nContent-Length: " +
                        QByteArray::number(body.size()) + "\r\n\r\n" + body);
    EXPECT_EQ(x.status(), 413) << x.received.left(200).toStdString();
    EXPECT_TRUE(x.received.contains("payload_too_large"));
    EXPECT_EQ(http->get("/healthz").status, 200);
}

TEST_F(ApiServerTest, CorsPreflightIsAnsweredForListedOriginsOnly) {
    ApiServerOptions options;
    options.token = "tok3n";
    options.corsOrigins = {"http://app.example"};
    startServer(options);
    HttpReply r = http->send("OPTIONS", "/api/audio/start", {},
                             {{"Origin", "http://app.example"},
                              {"Access-Control-Request-Method", "POST"},
                              {"Access-Control-Request-Headers", "authorization"}});
    EXPECT_EQ(r.status, 204);
    EXPECT_EQ(r.header("Access-Control-Allow-Origin"), "http://app.example");
    EXPECT_TRUE(r.header("Access-Control-Allow-Methods").contains("POST"));
    EXPECT_TRUE(r.header("Access-Control-Allow-Headers").contains("Authorization"));

    r = http->get("/api/status", {{"Origin", "http://app.example"}, kGoodToken.first()});
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("Access-Control-Allow-Origin"), "http://app.example");

    r = http->send("OPTIONS", "/api/audio/start", {}, {{"Origin", "http://evil.example"}});
    EXPECT_EQ(r.status, 403);
    EXPECT_TRUE(r.header("Access-Control-Allow-Origin").isEmpty());
    r = http->post("/api/audio/start", {}, {{"Origin", "http://evil.example"}, kGoodToken.first()});
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(r.errorCode(), "origin_not_allowed");
    EXPECT_FALSE(engine.isRunning());
}

TEST_F(ApiServerTest, StatusStreamSendsStatusAndPerformanceAtTenHertz) {
    startServer();
    WsClient ws;
    ASSERT_TRUE(ws.open(wsUrl("/ws/status")));
    ASSERT_TRUE(waitFor([&] { return ws.messages.size() >= 5; }, 3000));
    const QJsonObject frame = ws.message(0);
    EXPECT_EQ(frame.value("type").toString(), "status");
    EXPECT_TRUE(frame.value("status").toObject().contains("audio_running"));
    EXPECT_TRUE(frame.value("performance").toObject().contains("cpu_load"));
    EXPECT_EQ(ws.message(1).value("frame_id").toInteger(),
              ws.message(0).value("frame_id").toInteger() + 1);
}

TEST_F(ApiServerTest, WebSocketAnswersPingWithPong) {
    startServer();
    WsClient ws;
    ASSERT_TRUE(ws.open(wsUrl("/ws/status")));
    ws.socket().sendTextMessage(R"({"type":"ping","id":7})");
    ASSERT_TRUE(waitFor([&] {
        for (qsizetype i = 0; i < ws.messages.size(); ++i)
            if (ws.message(i).value("type") == "pong") return true;
        return false;
    }));
    for (qsizetype i = 0; i < ws.messages.size(); ++i) {
        if (ws.message(i).value("type") == "pong") {
            EXPECT_EQ(ws.message(i).value("id").toInt(), 7);
        }
    }
}

TEST_F(ApiServerTest, WebSocketPingWithAnIdLongerThan256BytesClosesTheClient) {
    startServer();
    WsClient ws;
    ASSERT_TRUE(ws.open(wsUrl("/ws/status")));
    const QString fine(256 - 2, 'x');  // with its quotes, 256 bytes of JSON
    ws.socket().sendTextMessage(QStringLiteral(R"({"type":"ping","id":"%1"})").arg(fine));
    ASSERT_TRUE(waitFor([&] {
        for (qsizetype i = 0; i < ws.messages.size(); ++i)
            if (ws.message(i).value("type") == "pong") return true;
        return false;
    }));
    const QString tooLong(60 * 1024, 'x');
    ws.socket().sendTextMessage(QStringLiteral(R"({"type":"ping","id":"%1"})").arg(tooLong));
    ASSERT_TRUE(waitFor([&] { return ws.closed; }, 3000));
    EXPECT_EQ(ws.closeCode, QWebSocketProtocol::CloseCodeTooMuchData);
    for (qsizetype i = 0; i < ws.messages.size(); ++i)
        EXPECT_LT(ws.messages.at(i).size(), 1024) << "a long id was echoed";
}

// A client whose send queue is over the limit gets no pong (counted as dropped), so a client
// that sends pings without reading cannot grow the server's memory.
TEST_F(ApiServerTest, WebSocketPingIsNotAnsweredWhileTheClientsQueueIsFull) {
    ApiServerOptions options;
    options.webSockets.maxQueuedBytes = -1;  // every client counts as backlogged
    options.statusStreamRateHz = 0.5;
    startServer(options);
    WsClient ws;
    ASSERT_TRUE(ws.open(wsUrl("/ws/status")));
    for (int i = 0; i < 5; ++i) ws.socket().sendTextMessage(R"({"type":"ping","id":1})");
    waitFor([] { return false; }, 500);
    for (qsizetype i = 0; i < ws.messages.size(); ++i)
        EXPECT_NE(ws.message(i).value("type"), "pong");
    const QList<WebSocketClientStats> clients = server->webSocketClients();
    ASSERT_EQ(clients.size(), 1);
    EXPECT_GE(clients.first().framesDropped, 5u);
}

TEST_F(ApiServerTest, WebSocketWithBadTokenIsClosedWith4001) {
    ApiServerOptions options;
    options.token = "tok3n";
    startServer(options);
    WsClient bad;
    bad.open(wsUrl("/ws/status?token=wrong"));
    ASSERT_TRUE(waitFor([&] { return bad.closed; }));
    EXPECT_EQ(bad.closeCode, 4001);
    EXPECT_TRUE(bad.messages.isEmpty());

    WsClient none;
    none.open(wsUrl("/ws/status"));
    ASSERT_TRUE(waitFor([&] { return none.closed; }));
    EXPECT_EQ(none.closeCode, 4001);

    WsClient good;
    ASSERT_TRUE(good.open(wsUrl("/ws/status?token=tok3n")));
    EXPECT_TRUE(waitFor([&] { return !good.messages.isEmpty(); }, 3000));
    EXPECT_FALSE(good.closed);
}

TEST_F(ApiServerTest, WebSocketOnUnknownPathOrFromForeignOriginIsRefused) {
    ApiServerOptions options;
    options.corsOrigins = {"http://app.example"};
    startServer(options);
    WsClient unknown;
    EXPECT_FALSE(unknown.open(wsUrl("/ws/nothing")));
    WsClient foreign;
    EXPECT_FALSE(foreign.open(wsUrl("/ws/status"), "http://evil.example"));
    WsClient listed;
    EXPECT_TRUE(listed.open(wsUrl("/ws/status"), "http://app.example"));
    // A plain GET on a stream path explains itself.
    EXPECT_EQ(http->get("/ws/status").status, 426);
}

TEST_F(ApiServerTest, StatusCountsClientsOfTheMetricsStream) {
    startServer({}, [](ApiServer& s) {
        s.addStream("/ws/metrics", 30.0, [] { return QJsonObject{{"ici", 0.5}}; });
    });
    WsClient a, b;
    ASSERT_TRUE(a.open(wsUrl("/ws/metrics")));
    ASSERT_TRUE(b.open(wsUrl("/ws/metrics")));
    EXPECT_EQ(http->get("/api/status").json().value("metrics_clients").toInt(), 2);
    EXPECT_EQ(http->get("/api/status").json().value("latency_clients").toInt(), 0);
    const QJsonObject clients = http->get("/api/websockets").json();
    EXPECT_EQ(clients.value("clients").toArray().size(), 2);
}

TEST_F(ApiServerTest, StopClosesClientsAndFreesThePort) {
    startServer();
    WsClient ws;
    ASSERT_TRUE(ws.open(wsUrl("/ws/status")));
    const quint16 port = server->port();
    server->stop();
    EXPECT_TRUE(waitFor([&] { return ws.closed; }));
    QTcpSocket probe;
    probe.connectToHost(QHostAddress::LocalHost, port);
    EXPECT_FALSE(probe.waitForConnected(500));
}

TEST_F(ApiServerTest, LoopbackServerWithoutTokenRefusesForeignHostNames) {
    startServer();
    RawExchange x = rawExchange(server->port(),
                                "GET /api/status HTTP/1.1\r\nHost: rebound.example:8000\r\n\r\n");
    EXPECT_EQ(x.status(), 403);
    EXPECT_TRUE(x.received.contains("host_not_allowed"));
    x = rawExchange(server->port(), "GET /api/status HTTP/1.1\r\nHost: localhost:8000\r\n\r\n");
    EXPECT_EQ(x.status(), 200);

    // With a token the token is the defence, and any host name is fine.
    ApiServerOptions options;
    options.token = "tok3n";
    startServer(options);
    x = rawExchange(
        server->port(),
        "GET /api/status HTTP/1.1\r\nHost: soundlab.lan\r\nAuthorization: Bearer tok3n\r\n\r\n");
    EXPECT_EQ(x.status(), 200);
}

TEST_F(ApiServerTest, ExpectContinueIsAnsweredBeforeTheBody) {
    startServer();
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, server->port());
    ASSERT_TRUE(socket.waitForConnected(2000));
    const QByteArray body = R"({"buffer_size":256})";
    socket.write(
        "POST /api/audio/device HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
        "application/json\r\nExpect: 100-continue\r\nContent-Length: " +
        QByteArray::number(body.size()) + "\r\n\r\n");
    ASSERT_TRUE(socket.waitForReadyRead(500)) << "no 100 Continue";
    EXPECT_TRUE(socket.readAll().startsWith("HTTP/1.1 100 Continue\r\n\r\n"));
    socket.write(body);
    QByteArray answer;
    while (!answer.contains("audio_running") && socket.waitForReadyRead(2000))
        answer += socket.readAll();
    EXPECT_TRUE(answer.startsWith("HTTP/1.1 200")) << answer.toStdString();
}

TEST_F(ApiServerTest, ListensOnIpv6LoopbackWithABracketedUrl) {
    ApiServerOptions options;
    options.host = "::1";
    options.port = 0;
    ApiServer v6(engine, options);
    if (auto error = v6.start()) GTEST_SKIP() << "no IPv6 loopback here: " << error->toStdString();
    EXPECT_EQ(v6.url(), QStringLiteral("http://[::1]:%1").arg(v6.port()));
    HttpClient client(v6.url());
    EXPECT_EQ(client.get("/api/status").status, 200);
}
