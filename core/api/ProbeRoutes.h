#pragma once

#include "api/HttpRequestCounter.h"
#include "api/Route.h"

#include <QList>
#include <QString>
#include <functional>
#include <optional>

namespace soundlab {
class AudioEngine;
}

namespace soundlab::api {

// Something /readyz waits for: answers why it is not ready yet, or nullopt when it is.
struct ReadinessCheck {
    QString name;  // "audio", "presets", ...
    std::function<std::optional<QString>()> notReadyReason;
};

// A value /metrics exposes as a Prometheus gauge, e.g. the number of stored presets.
struct MetricGauge {
    QString name;  // "soundlab_presets"
    QString help;
    std::function<double()> value;
};

struct WebSocketTotals {
    int clients = 0;
    quint64 framesSent = 0;     // since the server started, closed clients included
    quint64 framesDropped = 0;  // ditto
};

// What the probe routes read. The functions run on the server thread.
struct ProbeSources {
    AudioEngine& engine;
    const HttpRequestCounter& requests;
    std::function<WebSocketTotals()> webSockets;
    QList<ReadinessCheck> readiness;  // beyond the built-in "audio" check
    QList<MetricGauge> gauges;
};

// The operational routes (SPEC §9): GET /healthz (liveness, seed shape), /readyz (readiness:
// 200, or 503 naming what is not ready), /version, and /metrics in the Prometheus text
// exposition format 0.0.4. /healthz and /readyz need no token (orchestrators probe without
// one); /version and /metrics follow the token rule (Prometheus sends bearer tokens).
QList<Route> probeRoutes(ProbeSources sources);

// The Prometheus text format of everything /metrics reports (exposed for tests).
QByteArray prometheusText(const ProbeSources& sources, double uptimeSeconds);

}  // namespace soundlab::api
