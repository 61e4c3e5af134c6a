#pragma once

#include "api/Route.h"
#include "metrics/MetricsAnalyzer.h"

#include <QJsonObject>
#include <QList>

namespace soundlab::api {

class ApiServer;

inline const QString kMetricsStreamPath = QStringLiteral("/ws/metrics");

// The JSON of one frame, as /ws/metrics sends it and /api/metrics/latest and
// /api/metrics/history serve it (docs/api.md, docs/metrics.md).
QJsonObject metricsFrameJson(const metrics::MetricsFrame& frame);
// GET /api/metrics/history: {"seconds", "rate_hz", "count", "frames": [frame, …]} oldest first.
QJsonObject metricsHistoryJson(const metrics::MetricsAnalyzer& analyzer, double seconds);
// GET /api/metrics/states.
QJsonObject metricsStatesJson(const metrics::MetricsAnalyzer& analyzer);
QJsonObject metricsConfigJson(const metrics::MetricsConfig& config);
// The partial update PUT /api/metrics/config runs (a GUI would call it too): present fields
// replace; a bad one gives 422 naming it, and nothing changes.
std::optional<metrics::ConfigError> updateMetricsConfig(metrics::MetricsAnalyzer& analyzer,
                                                        const QJsonObject& patch);

// GET /api/metrics/latest and /api/metrics/history: what the window's charts read (also
// without a server, for the GUI's LocalBackend in tests). addMetricsApi adds them.
QList<Route> metricsChartRoutes(const metrics::MetricsAnalyzer& analyzer);

// Wires the analysis into the API, before server.start() and analyzer.start(): the routes under
// /api/metrics, and /ws/metrics as a pushed stream that every frame the analysis makes goes out
// on, serialised once, in order (the analyzer's frame sink is set here).
// `alsoTo` (optional) gets each frame's JSON too, on the analysis thread (the session log).
void addMetricsApi(ApiServer& server, metrics::MetricsAnalyzer& analyzer,
                   std::function<void(const QJsonObject& frame, double rateHz)> alsoTo = {});

}  // namespace soundlab::api
