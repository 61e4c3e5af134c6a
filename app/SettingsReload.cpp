#include "SettingsReload.h"

#include "api/MetricsRoutes.h"
#include "api/PhiRoutes.h"
#include "engine/AudioEngine.h"
#include "metrics/MetricsAnalyzer.h"

#include <QJsonObject>

namespace soundlab {

ReloadOutcome applyReloadedSettings(AppOptions& running, const AppOptions& next,
                                    AudioEngine& engine, metrics::MetricsAnalyzer& metrics) {
    ReloadOutcome outcome;

    const StreamConfig& from = running.stream;
    const StreamConfig& to = next.stream;
    if (from.inputDevice != to.inputDevice || from.outputDevice != to.outputDevice ||
        from.sampleRate != to.sampleRate || from.blockSize != to.blockSize ||
        from.preferHostPeriod != to.preferHostPeriod) {
        // As POST /api/audio/device: a running stream restarts; on failure the old one stays.
        const auto error = engine.updateConfig([&to](StreamConfig& c) {
            c.inputDevice = to.inputDevice;
            c.outputDevice = to.outputDevice;
            c.sampleRate = to.sampleRate;
            c.blockSize = to.blockSize;
            c.preferHostPeriod = to.preferHostPeriod;
        });
        if (error) {
            outcome.failed << QStringLiteral("audio: %1").arg(error->message);
        } else {
            outcome.applied << QStringLiteral("audio");
            running.stream = to;
        }
    }

    QJsonObject phi;
    if (next.phiMode != running.phiMode && !next.phiMode.isEmpty())
        phi[QStringLiteral("mode")] = next.phiMode;
    if (next.phiDepth != running.phiDepth && next.phiDepth)
        phi[QStringLiteral("manual")] = QJsonObject{{QStringLiteral("depth"), *next.phiDepth}};
    if (!phi.isEmpty()) {
        const auto errors = api::updatePhi(engine, phi);
        if (errors.empty()) {
            outcome.applied << QStringLiteral("phi");
            running.phiMode = next.phiMode;
            running.phiDepth = next.phiDepth;
        } else {
            outcome.failed << QStringLiteral("phi: %1").arg(
                QString::fromStdString(errors[0].message));
        }
    }

    if (next.metricsRate != running.metricsRate) {
        const auto error = api::updateMetricsConfig(
            metrics, QJsonObject{{QStringLiteral("rate_hz"), next.metricsRate}});
        if (error) {
            outcome.failed
                << QStringLiteral("metrics-rate: %1").arg(QString::fromStdString(error->message));
        } else {
            outcome.applied << QStringLiteral("metrics-rate");
            running.metricsRate = next.metricsRate;
        }
    }

    // The rest is bound at start (sockets, directories, the token, the MIDI port's owner).
    const auto restart = [&](bool changed, const char* name) {
        if (changed) outcome.needRestart << QString::fromLatin1(name);
    };
    restart(next.host != running.host, "host");
    restart(next.port != running.port, "port");
    restart(next.token != running.token, "token");
    restart(next.insecure != running.insecure, "insecure");
    restart(next.corsOrigins != running.corsOrigins, "cors-origin");
    restart(next.oscPort != running.oscPort || next.oscHost != running.oscHost, "osc");
    restart(next.midiPort != running.midiPort, "midi-port");
    restart(next.dataDir != running.dataDir, "data-dir");
    restart(next.logDir != running.logDir || next.noLogging != running.noLogging, "logging");
    restart(next.logKeepDays != running.logKeepDays, "log-keep-days");
    return outcome;
}

}  // namespace soundlab
