#include "api/ApiServer.h"

#include "api/AudioRoutes.h"
#include "api/EngineRoutes.h"
#include "api/GuardedTcpServer.h"
#include "api/HttpFrontend.h"
#include "api/JsonSchema.h"
#include "api/LatencyRoutes.h"
#include "api/OpenApiDocument.h"
#include "api/PhiRoutes.h"
#include "engine/AudioEngine.h"
#include "rt/HandOff.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

namespace soundlab::api {

namespace {

// The seed's /ws/latency rate.
constexpr double kLatencyStreamRateHz = 10.0;
const QString kControlPath = QStringLiteral("/ws/control");
const QString kEventsPath = QStringLiteral("/ws/events");

// The audio stream's part of /api/status: what a type "audio" record of /ws/events carries when
// it changes (the callback count and uptime move all the time, so they are left out).
QJsonObject audioEventState(const QJsonObject& status) {
    QJsonObject audio;
    for (const char* key : {"audio_running", "stream_state", "sample_rate", "buffer_size", "device",
                            "backend", "host_api", "host_period", "last_error"})
        audio.insert(QLatin1String(key), status.value(QLatin1String(key)));
    return audio;
}

QString hostForUrl(const QHostAddress& address) {
    return address.protocol() == QAbstractSocket::IPv6Protocol
               ? QStringLiteral("[%1]").arg(address.toString())
               : address.toString();
}

}  // namespace

ApiServer::ApiServer(AudioEngine& engine, ApiServerOptions options)
    : engine_(engine),
      options_(std::move(options)),
      calibrator_(engine),
      access_(options_.token, options_.corsOrigins),
      report_(engine),
      events_(
          {engine,
           [this](int64_t callbackNs) {
               return heardUnixSecondsOfCallback({engine_, calibrator_, compensation_}, callbackNs);
           },
           [this] { return audioEventState(report_.status()); },
           [this] { return latestCalibrationJson(calibrator_); }}),
      threadContext_(std::make_unique<QObject>()),
      executor_(threadContext_.get(), std::max(1, options_.workerThreads)) {
    thread_.setObjectName(QStringLiteral("soundlab-api"));
    threadContext_->moveToThread(&thread_);
    report_.setField(QStringLiteral("latency_calibrated"), [this] {
        return latencyFrame({engine_, calibrator_, compensation_})
            .value(QStringLiteral("calibrated"));
    });
}

// Then executor_ waits for handlers still running past stop()'s bound, and threadContext_ is
// deleted (its thread has finished: safe from here).
ApiServer::~ApiServer() {
    stop();
}

QString ApiServer::url() const {
    return QStringLiteral("http://%1:%2").arg(hostForUrl(QHostAddress(address_))).arg(port_);
}

void ApiServer::addRoute(Route route) {
    if (running_) {
        qWarning("soundlab api: addRoute(%s) after start() is ignored", qPrintable(route.path));
        return;
    }
    extraRoutes_.append(std::move(route));
}

void ApiServer::addStream(QString path, double rateHz, std::function<QJsonObject()> frame) {
    if (!path.startsWith(u'/')) path = QStringLiteral("/ws/") + path;
    if (running_ || rateHz <= 0.0) {
        qWarning("soundlab api: addStream(%s) ignored (after start() or rate <= 0)",
                 qPrintable(path));
        return;
    }
    streams_.append({path, rateHz, std::move(frame)});
}

void ApiServer::addPushStream(QString path, double nominalRateHz, QString description,
                              QJsonObject frameSchema) {
    if (!path.startsWith(u'/')) path = QStringLiteral("/ws/") + path;
    if (running_) {
        qWarning("soundlab api: addPushStream(%s) after start() is ignored", qPrintable(path));
        return;
    }
    streams_.append({path, nominalRateHz, {}, std::move(description), std::move(frameSchema)});
}

void ApiServer::publish(const QString& path, QString text, double rateHz) {
    if (!running_) return;
    if (pendingPublishes_.fetch_add(1) >= kMaxPendingPublishes) {
        pendingPublishes_.fetch_sub(1);
        publishesDropped_.fetch_add(1);
        return;
    }
    QMetaObject::invokeMethod(
        threadContext_.get(),
        rt::handedOver([this, path, text = std::move(text), rateHz] {
            pendingPublishes_.fetch_sub(1);
            if (hub_) hub_->publish(path, text, rateHz);
        }),
        Qt::QueuedConnection);
}

WebSocketHub::StreamTotals ApiServer::streamTotals(const QString& path) const {
    WebSocketHub::StreamTotals totals;
    if (!running_) return totals;
    runOnServerThread([&] {
        if (hub_) totals = hub_->streamTotals(path);
    });
    return totals;
}

void ApiServer::setStatusField(const QString& name, std::function<QJsonValue()> provider) {
    if (running_) {
        qWarning("soundlab api: setStatusField(%s) after start() is ignored", qPrintable(name));
        return;
    }
    report_.setField(name, std::move(provider));
}

void ApiServer::addReadinessCheck(const QString& name,
                                  std::function<std::optional<QString>()> notReadyReason) {
    if (running_) return;
    readiness_.append({name, std::move(notReadyReason)});
}

void ApiServer::addMetric(const QString& name, const QString& help, std::function<double()> value) {
    if (running_) return;
    gauges_.append({name, help, std::move(value)});
}

void ApiServer::runOnServerThread(const std::function<void()>& work) const {
    if (QThread::currentThread() == &thread_) {
        work();
        return;
    }
    QMetaObject::invokeMethod(threadContext_.get(), rt::handedOver(work),
                              Qt::BlockingQueuedConnection);
}

QJsonObject ApiServer::statusFrame() {
    return {
        {QStringLiteral("type"), QStringLiteral("status")},
        {QStringLiteral("frame_id"), static_cast<qint64>(++statusFrameId_)},
        {QStringLiteral("timestamp"), QDateTime::currentMSecsSinceEpoch() / 1000.0},
        {QStringLiteral("status"), report_.status()},
        {QStringLiteral("performance"), report_.performance()},
    };
}

QList<Route> ApiServer::serviceRoutes() {
    using namespace schema;
    QList<Route> routes;

    Route openApi;
    openApi.method = "GET";
    openApi.path = QStringLiteral("/api/openapi.json");
    openApi.summary = QStringLiteral("This document (OpenAPI 3.1)");
    openApi.tag = QStringLiteral("server");
    openApi.responseSchema = object({{QStringLiteral("openapi"), string()}}, {}, true);
    openApi.execution = Execution::ServerThread;  // built once at start, read-only
    openApi.handler = [this](const Request&) {
        Response r;
        r.body = openApiJson_;
        return r;
    };
    routes << openApi;

    Route clients;
    clients.method = "GET";
    clients.path = QStringLiteral("/api/websockets");
    clients.summary = QStringLiteral("WebSocket streams and their clients, with lost frames");
    clients.tag = QStringLiteral("streams");
    clients.responseSchema = object(
        {{QStringLiteral("streams"), arrayOf(object({{QStringLiteral("path"), string()},
                                                     {QStringLiteral("rate_hz"), number(0)},
                                                     {QStringLiteral("clients"), integer(0)}}))},
         {QStringLiteral("clients"),
          arrayOf(object({{QStringLiteral("stream"), string()},
                          {QStringLiteral("peer"), string()},
                          {QStringLiteral("frames_sent"), integer(0)},
                          {QStringLiteral("frames_dropped"), integer(0)},
                          {QStringLiteral("queued_bytes"), integer(0)}}))}});
    clients.execution = Execution::ServerThread;  // the hub lives on the server thread
    clients.handler = [this](const Request&) {
        QJsonArray streams;
        for (const auto& path : hub_->streamPaths())
            streams.append(QJsonObject{{QStringLiteral("path"), path},
                                       {QStringLiteral("rate_hz"), hub_->streamRate(path)},
                                       {QStringLiteral("clients"), hub_->clientCount(path)}});
        QJsonArray list;
        for (const auto& c : hub_->clientStats())
            list.append(QJsonObject{
                {QStringLiteral("stream"), c.stream},
                {QStringLiteral("peer"), c.peer},
                {QStringLiteral("frames_sent"), static_cast<qint64>(c.framesSent)},
                {QStringLiteral("frames_dropped"), static_cast<qint64>(c.framesDropped)},
                {QStringLiteral("queued_bytes"), c.queuedBytes}});
        return Response::json(
            QJsonObject{{QStringLiteral("streams"), streams}, {QStringLiteral("clients"), list}});
    };
    routes << clients;
    return routes;
}

void ApiServer::buildRouteTable() {
    routes_ = RouteTable();
    for (auto& route : serviceRoutes()) routes_.add(std::move(route));
    const auto webSockets = [this] {
        return WebSocketTotals{static_cast<int>(hub_->clientStats().size()),
                               hub_->framesSentTotal(), hub_->framesDroppedTotal()};
    };
    QList<MetricGauge> gauges = gauges_;
    gauges.append({QStringLiteral("soundlab_http_connections"),
                   QStringLiteral("Open HTTP connections, WebSocket ones included (at most "
                                  "%1; beyond it new ones are closed at once).")
                       .arg(options_.maxConnections),
                   [this] { return listener_ ? double(listener_->openConnections()) : 0.0; }});
    for (auto& route : probeRoutes({engine_, answers_, webSockets, readiness_, gauges}))
        routes_.add(std::move(route));  // /healthz, /readyz, /version, /metrics
    for (auto& route : audioRoutes(engine_, report_, &calibrator_)) routes_.add(std::move(route));
    for (auto& route : latencyRoutes({engine_, calibrator_, compensation_}))
        routes_.add(std::move(route));
    for (auto& route : engineRoutes(engine_)) routes_.add(std::move(route));
    const LatencyApi latency{engine_, calibrator_, compensation_};
    for (auto& route : phiRoutes(engine_, options_.oscCounters, [latency](int64_t callbackNs) {
             return heardUnixSecondsOfCallback(latency, callbackNs);
         }))
        routes_.add(std::move(route));
    for (const auto& route : extraRoutes_) routes_.add(route);
    // Every change a route answers is told to /ws/events and to the optional observer (the
    // session log), whoever ran the route: HTTP, /ws/control or the GUI's in-process backend.
    RouteTable observed;
    for (Route route : routes_.routes()) {
        if (EventStream::recordedRoute(route.method, route.path) && route.handler) {
            route.handler = [inner = std::move(route.handler), observer = options_.changeObserver,
                             events = &events_,
                             audible = EventStream::audibleRoute(route.method, route.path)](
                                const Request& request) {
                Response response = inner(request);
                events->changed(request, response, audible);
                if (observer) observer(request, response);
                return response;
            };
        } else if (route.method != "GET" && route.handler && options_.changeObserver) {
            route.handler = [inner = std::move(route.handler),
                             observer = options_.changeObserver](const Request& request) {
                Response response = inner(request);
                observer(request, response);
                return response;
            };
        }
        observed.add(std::move(route));
    }
    routes_ = std::move(observed);
    for (const auto& route : routes_.routes())
        if (route.execution == Execution::Worker) executor_.addSerialQueue(route.serialQueue);

    control_ = std::make_unique<ControlChannel>(routes_, executor_);
    QList<StreamDescription> streams{
        {QStringLiteral("/ws/status"), options_.statusStreamRateHz, {}, {}},
        {QStringLiteral("/ws/latency"), kLatencyStreamRateHz, {}, {}}};
    for (const auto& s : streams_)
        if (s.path != QLatin1String("/ws/status") && s.path != QLatin1String("/ws/latency"))
            streams.append({s.path, s.rateHz, s.description, {}, s.frameSchema});
    streams.append(
        {kEventsPath,
         0.0,
         QStringLiteral("Every state change as one record, numbered by seq (1, 2, 3, … per server "
                        "run, no gaps: a client that sees a gap lost records and re-reads the "
                        "state over REST). type \"change\": a route's 2xx answer to a request "
                        "that changed state (HTTP, /ws/control or the GUI), with the answer as "
                        "state; changes that reach the audio thread also say the block that "
                        "applied them and when it is heard. type \"audio\": the stream's state "
                        "or device changed without a request (watchdog). type \"calibration\": "
                        "a latency calibration's progress or result (docs/api.md \"Events\")."),
         {},
         EventStream::frameSchema()});
    streams.append(
        {kControlPath, 0.0,
         QStringLiteral("JSON messages that run REST routes, for clients that stream updates at a "
                        "high rate (docs/api.md \"WebSocket control\"). A message with an \"id\" "
                        "always gets {\"type\":\"result\",\"id\",\"ok\":true,\"status\","
                        "\"result\"} or {\"type\":\"error\",\"id\",\"ok\":false,\"error\":"
                        "{\"status\",\"code\",\"message\"}}; one without an id is answered only "
                        "when it fails. Malformed JSON: an error with status 400."),
         control_->messagesDescription()});
    openApiJson_ =
        QJsonDocument(buildOpenApiDocument(routes_, streams, QStringLiteral(SOUNDLAB_VERSION)))
            .toJson(QJsonDocument::Compact);
}

QByteArray ApiServer::openApiDocument() {
    if (!running_) buildRouteTable();
    return openApiJson_;
}

std::optional<QString> ApiServer::start() {
    if (running_) return std::nullopt;
    QString error;
    const auto address = AccessPolicy::resolveHost(options_.host, &error);
    if (!address) return error;
    if (auto refusal =
            AccessPolicy::bindRefusal(*address, !options_.token.isEmpty(), options_.insecure))
        return refusal;
    // Any web page the user visits could drive the audio through the user's browser.
    if (options_.corsOrigins.contains(QStringLiteral("*")) && options_.token.isEmpty())
        return QStringLiteral(
            "--cors-origin '*' without --token would let every web page drive the audio; set "
            "--token (or SOUNDLAB_TOKEN), or list the allowed origins instead of '*'");

    buildRouteTable();
    report_.setClientCounter([this](const QString& path) {
        std::lock_guard lock(clientCountsMutex_);
        return clientCounts_.value(path);
    });

    thread_.start();
    quint16 bound = 0;
    runOnServerThread([&] {
        hub_ = new WebSocketHub(access_, options_.webSockets);
        hub_->addStream(QStringLiteral("/ws/status"), options_.statusStreamRateHz,
                        [this] { return statusFrame(); });
        hub_->addStream(QStringLiteral("/ws/latency"), kLatencyStreamRateHz, [this] {
            return latencyStreamFrame({engine_, calibrator_, compensation_});
        });
        for (const auto& s : streams_) {
            if (s.path == QLatin1String("/ws/latency")) continue;
            if (s.frame)
                hub_->addStream(s.path, s.rateHz, s.frame);
            else
                hub_->addPushStream(s.path, s.rateHz);
        }
        hub_->addPushStream(kEventsPath, 0.0);
        events_.start(threadContext_.get(), [this](const QString& text) {
            if (hub_) hub_->publish(kEventsPath, text, 0.0);
        });
        hub_->addControl(kControlPath, [control = control_.get()](
                                           const QJsonObject& message, const QHostAddress& peer,
                                           const WebSocketHub::Reply& reply) {
            control->handle(message, reply, peer);
        });
        hub_->setCountsListener([this](const QHash<QString, int>& counts) {
            std::lock_guard lock(clientCountsMutex_);
            clientCounts_ = counts;
        });

        frontend_ = new HttpFrontend(routes_, *hub_, access_, executor_, options_.maxBodyBytes);
        frontend_->countAnswersIn(&answers_);
        auto* listener = new GuardedTcpServer(
            options_.http,
            [frontend = frontend_](const QByteArray& method, const QByteArray& target) {
                return frontend->bodyLimit(method, target);
            },
            options_.maxConnections);
        QObject::connect(listener, &GuardedTcpServer::refused, listener,
                         [this](int status) { answers_.count(status); });
        if (!listener->listen(*address, options_.port)) {
            error = QStringLiteral("cannot listen on %1:%2: %3")
                        .arg(address->toString())
                        .arg(options_.port)
                        .arg(listener->errorString());
            delete listener;
            return;
        }
        bound = listener->serverPort();
        // Pages served from the server's own address may use it without --cors-origin.
        access_.allowOwnOrigins(
            {QStringLiteral("http://%1:%2").arg(hostForUrl(*address)).arg(bound),
             QStringLiteral("http://localhost:%1").arg(bound)});
        access_.restrictHostsToLoopback(address->isLoopback() && !access_.tokenRequired());
        frontend_->bind(listener);  // takes ownership
        listener_ = listener;
        hub_->start();
    });
    if (bound == 0) {
        stop();
        return error;
    }
    port_ = bound;
    address_ = address->toString();
    running_ = true;
    return std::nullopt;
}

void ApiServer::stop() {
    if (thread_.isRunning()) {
        // Running handlers finish and their answers go out (the server thread keeps serving
        // meanwhile); new ones are refused with 503.
        runOnServerThread([this] {
            if (frontend_) frontend_->refuseNewWork();
        });
        if (!executor_.waitForDone(options_.stopTimeout))
            qWarning(
                "soundlab api: %d handler(s) still running after %lld ms; their answers "
                "are dropped",
                executor_.pending(), static_cast<long long>(options_.stopTimeout.count()));
        runOnServerThread([this] {
            events_.stop();
            // Clients first: their sockets may still belong to the listener.
            if (hub_) hub_->closeAll();
            delete frontend_;
            frontend_ = nullptr;
            listener_ = nullptr;
            delete hub_;
            hub_ = nullptr;
        });
        thread_.quit();
        thread_.wait();
    }
    running_ = false;
}

QList<WebSocketClientStats> ApiServer::webSocketClients() const {
    QList<WebSocketClientStats> stats;
    if (!running_) return stats;
    runOnServerThread([&] { stats = hub_->clientStats(); });
    return stats;
}

}  // namespace soundlab::api
