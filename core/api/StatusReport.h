#pragma once

#include <QElapsedTimer>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QPair>
#include <QString>
#include <functional>

namespace soundlab {
class AudioEngine;
struct SignalLevels;
namespace dsp {
struct MasterGainSettings;
}
}  // namespace soundlab

namespace soundlab::api {

// Composes the JSON of /api/status and /api/audio/performance (and of the /ws/status frames)
// from the audio engine and from fields that other parts of Soundlab provide.
//
// Thread: status() and performance() run on the server thread (/api/status, /ws/status) and on
// API worker threads (the answers of start, stop and device changes); providers and the client
// counter must be callable from any thread (read atomics or take their own short lock).
class StatusReport {
public:
    using FieldProvider = std::function<QJsonValue()>;
    using ClientCounter = std::function<int(const QString& streamPath)>;

    explicit StatusReport(AudioEngine& engine);

    // Adds or replaces a top-level field of /api/status. `latency_calibrated` and
    // `preset_loaded` start as false; the latency and preset features set their providers.
    void setField(const QString& name, FieldProvider provider);
    // Counts the WebSocket clients of a stream (metrics_clients, latency_clients).
    void setClientCounter(ClientCounter counter) { clientCounter_ = std::move(counter); }

    QJsonObject status() const;
    QJsonObject performance() const;

    static QJsonObject statusSchema();
    static QJsonObject performanceSchema();

    // The status's `output` (GET /api/audio/output too) and `levels` objects.
    static QJsonObject outputJson(const dsp::MasterGainSettings& output);
    static QJsonObject levelsJson(const SignalLevels& levels);
    static QJsonObject outputSchema();
    static QJsonObject levelsSchema();

private:
    AudioEngine& engine_;
    QElapsedTimer uptime_;
    QList<QPair<QString, FieldProvider>> fields_;
    ClientCounter clientCounter_;
};

}  // namespace soundlab::api
