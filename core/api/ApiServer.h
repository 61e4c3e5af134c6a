#pragma once

#include "api/AccessPolicy.h"
#include "api/ControlChannel.h"
#include "api/EventStream.h"
#include "api/HttpRequestCounter.h"
#include "api/OscServer.h"
#include "api/ProbeRoutes.h"
#include "api/RequestGuard.h"
#include "api/Route.h"
#include "api/RouteExecutor.h"
#include "api/RouteTable.h"
#include "api/StatusReport.h"
#include "api/WebSocketHub.h"
#include "latency/LatencyCalibrator.h"
#include "latency/LatencyCompensation.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QThread>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

namespace soundlab {
class AudioEngine;
}

namespace soundlab::api {

class GuardedTcpServer;
class HttpFrontend;

struct ApiServerOptions {
    QString host = QStringLiteral("127.0.0.1");
    quint16 port = 8000;      // 0: any free port (see ApiServer::port())
    QString token;            // empty: no authentication (allowed on loopback, or with insecure)
    bool insecure = false;    // listen beyond loopback without a token anyway
    QStringList corsOrigins;  // browser origins allowed; "*" allows any
    qint64 maxBodyBytes = 1 << 20;  // default body limit; routes may set their own
    // Beyond the command line: limits that tests and benchmarks tune.
    RequestGuard::Limits http;
    WebSocketLimits webSockets;
    int maxConnections = 512;
    double statusStreamRateHz = 10.0;
    // Handlers of Execution::Worker routes without a serial queue that may run at once (each
    // serial queue has one more thread of its own).
    int workerThreads = 4;
    // How long stop() lets running handlers finish (and their answers go out) before it tears
    // the server down anyway; their late answers are then dropped.
    std::chrono::milliseconds stopTimeout{5'000};
    // The OSC server's counters for GET /api/phi `osc`; empty: OSC is off.
    std::function<OscCounters()> oscCounters;
    // Told of every answered request that may change state (any method but GET), on the thread
    // that ran its handler: the session log's "who changed what" (docs/logging.md). Must not
    // block.
    std::function<void(const Request&, const Response&)> changeObserver;
};

// The HTTP + WebSocket API on one port (SPEC §9). It runs on its own thread, where its Qt
// objects are created (QHttpServer's sockets cannot be moved between threads afterwards), so
// neither the GUI nor the audio thread ever waits for a client.
//
// Handlers that may block run on worker threads (Route::execution, docs/api.md "Threads"); the
// server thread only parses, checks, routes, writes answers and sends WebSocket frames.
//
// Use: construct, register extension routes/streams/status fields, start(); stop() or destroy.
// The public methods are called from one control thread (the app's main thread).
class ApiServer {
public:
    ApiServer(AudioEngine& engine, ApiServerOptions options);
    ~ApiServer();
    ApiServer(const ApiServer&) = delete;
    ApiServer& operator=(const ApiServer&) = delete;

    // Binds and serves. Returns why it refuses (beyond loopback without a token and without
    // insecure; CORS origin "*" without a token) or cannot (address in use, unknown host).
    // Starting a running server is a no-op.
    std::optional<QString> start();
    void stop();
    bool isRunning() const { return running_; }
    quint16 port() const { return port_; }
    QString address() const { return address_; }
    // "http://ADDRESS:PORT", with IPv6 addresses in brackets: what to print at start.
    QString url() const;
    // The OpenAPI document of the routes and streams added so far: what /api/openapi.json
    // serves. `soundlab --print-openapi` writes it without starting, for the install.
    QByteArray openApiDocument();

    // The routes as the server runs them (every change told to /ws/events and to
    // ApiServerOptions::changeObserver), built by
    // start() (or openApiDocument()): what an in-process client such as the GUI's LocalBackend
    // dispatches to, so it runs exactly the handlers a request would. Read on the control thread.
    const RouteTable& routeTable() const { return routes_; }

    // Extension points for later features; call before start(). A route with the same method
    // and path as an existing one replaces it.
    void addRoute(Route route);
    // A WebSocket stream at `path` ("/ws/metrics"; a bare name gets the /ws/ prefix) whose
    // `frame` is called on the server thread at `rateHz` while it has clients.
    void addStream(QString path, double rateHz, std::function<QJsonObject()> frame);
    // A pushed stream (e.g. /ws/metrics): its producer calls publish() for every frame, from any
    // thread; `nominalRateHz` is what the OpenAPI document and /api/websockets show.
    // `description` and `frameSchema` go into the OpenAPI document.
    void addPushStream(QString path, double nominalRateHz, QString description = {},
                       QJsonObject frameSchema = {});
    // Hands one frame (serialised once) of a pushed stream to the server thread, which sends it
    // to every client of `path` (WebSocketHub::publish). Any thread; never blocks. Frames beyond
    // kMaxPendingPublishes waiting for a busy server thread are dropped (publishesDropped()).
    void publish(const QString& path, QString text, double rateHz);
    static constexpr int kMaxPendingPublishes = 256;
    quint64 publishesDropped() const { return publishesDropped_.load(); }
    // Frames sent and lost on one stream since start, and its clients now (asks the server
    // thread; zeros while stopped).
    WebSocketHub::StreamTotals streamTotals(const QString& path) const;
    // A field of /api/status (and /ws/status), e.g. "latency_calibrated"; called on the server
    // thread.
    void setStatusField(const QString& name, std::function<QJsonValue()> provider);

    // Something GET /readyz waits for (e.g. the preset store); `notReadyReason` answers why it
    // is not ready, or nullopt. Called on the server thread; must not block.
    void addReadinessCheck(const QString& name,
                           std::function<std::optional<QString>()> notReadyReason);
    // A gauge of GET /metrics (e.g. "soundlab_presets"); called on the server thread.
    void addMetric(const QString& name, const QString& help, std::function<double()> value);

    // The /ws/events records (docs/api.md "Events"): the last seq given and the records lost to
    // a full queue. Any thread.
    const EventStream& events() const { return events_; }

    // The connected WebSocket clients with their frame counters (asks the server thread).
    QList<WebSocketClientStats> webSocketClients() const;

    // Latency calibration and the user's offsets (docs/latency.md), which the /api/latency
    // routes, /ws/latency and `?calibrate=true` drive; the same objects for other front ends
    // (--calibrate, the GUI).
    latency::LatencyCalibrator& latencyCalibrator() { return calibrator_; }
    latency::LatencyCompensation& latencyCompensation() { return compensation_; }

private:
    struct StreamSpec {
        QString path;
        double rateHz;
        std::function<QJsonObject()> frame;  // empty: pushed (publish())
        QString description = {};
        QJsonObject frameSchema = {};
    };

    void buildRouteTable();
    QList<Route> serviceRoutes();
    QJsonObject statusFrame();
    // Runs `work` on the server thread and waits for it.
    void runOnServerThread(const std::function<void()>& work) const;

    AudioEngine& engine_;
    ApiServerOptions options_;
    latency::LatencyCalibrator calibrator_;
    latency::LatencyCompensation compensation_;
    AccessPolicy access_;
    StatusReport report_;
    QList<Route> extraRoutes_;
    QList<StreamSpec> streams_;
    QList<ReadinessCheck> readiness_;
    QList<MetricGauge> gauges_;
    HttpRequestCounter answers_;
    // Before routes_: its handlers tell it of every change.
    EventStream events_;
    RouteTable routes_;
    QByteArray openApiJson_;
    quint64 statusFrameId_ = 0;

    // The WebSocket clients per stream, published by the hub, for status reports built on
    // worker threads (the hub itself may be used only on the server thread).
    mutable std::mutex clientCountsMutex_;
    QHash<QString, int> clientCounts_;

    QThread thread_;
    // Lives on thread_; target of runOnServerThread and of the workers' answers.
    std::unique_ptr<QObject> threadContext_;
    // After threadContext_, so that it is destroyed first: it waits for running handlers,
    // whose answers are posted to threadContext_.
    RouteExecutor executor_;
    // /ws/control: messages that run routes_ (built with it; used on thread_ only).
    std::unique_ptr<ControlChannel> control_;
    // Created and destroyed on thread_ while running.
    WebSocketHub* hub_ = nullptr;
    HttpFrontend* frontend_ = nullptr;
    GuardedTcpServer* listener_ = nullptr;  // owned by frontend_

    std::atomic<int> pendingPublishes_{0};
    std::atomic<quint64> publishesDropped_{0};

    std::atomic<bool> running_ = false;
    quint16 port_ = 0;
    QString address_;
};

}  // namespace soundlab::api
