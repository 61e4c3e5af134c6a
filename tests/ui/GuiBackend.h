#pragma once

// The window's backend in tests: a LocalBackend over the routes an API server has for `engine`
// (status, audio, engine, Φ, latency, markers), as app/main.cpp gives it the server's own route
// table, with the session log's change observer (`control` records, client "gui").
#include "LocalBackend.h"
#include "api/AudioRoutes.h"
#include "api/EngineRoutes.h"
#include "api/LatencyRoutes.h"
#include "api/LogRoutes.h"
#include "api/MetricsRoutes.h"
#include "api/PhiRoutes.h"
#include "api/PresetRoutes.h"
#include "api/SettingsRoutes.h"
#include "api/StatusReport.h"
#include "engine/AudioEngine.h"
#include "latency/LatencyCalibrator.h"
#include "latency/LatencyCompensation.h"
#include "logging/SessionLogger.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <memory>
#include <optional>

namespace soundlab::test {

// Empty latency objects unless the test brings its own (e.g. the API server's); `more`: routes
// the app's server has besides (the metrics charts', the settings' for a whole window).
struct GuiBackend {
    GuiBackend(AudioEngine& engine, logging::SessionLogger* log, api::OscCountersProvider osc = {},
               latency::LatencyCalibrator* calibrator = nullptr,
               latency::LatencyCompensation* compensation = nullptr,
               const QList<api::Route>& more = {})
        : report(engine),
          ownCalibrator(calibrator ? nullptr
                                   : std::make_unique<latency::LatencyCalibrator>(engine)),
          latency{engine, calibrator ? *calibrator : *ownCalibrator,
                  compensation ? *compensation : ownCompensation},
          backend(routes(engine, log, std::move(osc)) + more,
                  log ? api::controlLogObserver(*log) : LocalBackend::ChangeObserver{}) {}

    QList<api::Route> routes(AudioEngine& engine, logging::SessionLogger* log,
                             api::OscCountersProvider osc) {
        QList<api::Route> all = api::audioRoutes(engine, report, &latency.calibrator);
        all << api::engineRoutes(engine) << api::phiRoutes(engine, std::move(osc))
            << api::latencyRoutes(latency) << api::logRoutes(log);
        return all;
    }

    // Sends and runs the event loop until the answer came (at most 10 s).
    BackendReply call(const QByteArray& method, const QString& path,
                      const QJsonValue& body = QJsonValue::Undefined) {
        std::optional<BackendReply> reply;
        QObject context;
        backend.send(method, path, body, &context, [&](const BackendReply& r) { reply = r; });
        QElapsedTimer clock;
        clock.start();
        while (!reply && clock.elapsed() < 10000)
            QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        return reply.value_or(BackendReply{});
    }

    api::StatusReport report;
    std::unique_ptr<latency::LatencyCalibrator> ownCalibrator;
    latency::LatencyCompensation ownCompensation;
    api::LatencyApi latency;
    LocalBackend backend;
};

// The routes a whole window reads besides the engine's: the metrics charts, the settings and
// the preset browser's (the store and A/B comparator must outlive the backend).
inline QList<api::Route> windowRoutes(const metrics::MetricsAnalyzer& analyzer,
                                      const QString& settingsFile, presets::PresetStore& store,
                                      presets::AbComparator& ab) {
    return api::metricsChartRoutes(analyzer) + api::settingsRoutes({{"soundlab"}, settingsFile}) +
           api::presetRoutes(store, ab, nullptr);
}

// Runs the event loop until `done()` (answers of Worker routes come through it); false after
// `timeoutMs`.
template <typename F>
bool waitUntil(F done, int timeoutMs = 5000) {
    QElapsedTimer clock;
    clock.start();
    while (!done()) {
        if (clock.elapsed() > timeoutMs) return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    }
    return true;
}

}  // namespace soundlab::test
