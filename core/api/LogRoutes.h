#pragma once

#include "api/ApiError.h"
#include "api/Route.h"

#include <QJsonValue>
#include <QList>

#include <functional>
#include <variant>

namespace soundlab::logging {
class SessionLogger;
}

namespace soundlab::api {

// The session logs over HTTP (SPEC §8, docs/logging.md):
//   GET  /api/logs/sessions              every session under the log root, with its files
//   GET  /api/logs/sessions/{id}/{file}  one file, as it lies on disk (.csv.gz, .jsonl.gz, …)
//   POST /api/markers {"label": …}       a `marker` record in every category's log
// `logger` is null with --no-logging: the list is empty and markers answer 409. It must outlive
// the server. The handlers read the disk, so they run on workers.
QList<Route> logRoutes(logging::SessionLogger* logger);

// What the metrics analysis hands each frame to for the `metrics` log: a `frame` record (the
// /ws/metrics fields, stamped with the frame's own timestamp) and a `gap` record before a frame
// that follows more than two frame periods after the last (logging::GapDetector). Call it from
// one thread (the analysis thread).
std::function<void(const QJsonObject& frame, double rateHz)> metricsLogSink(logging::SessionLogger& logger);

// What POST /api/markers does, for the API and the GUI's M key alike: one `marker` record with
// `label` and `client` (the client's address, or "gui") in every category's log, all with the
// same timestamp. Answers {"label", "session", "timestamp"}; 409 with --no-logging (`logger`
// null), 422 for an empty or over-long label. Any thread but the audio thread.
std::variant<QJsonObject, ApiError> addMarker(logging::SessionLogger* logger, const QString& label,
                                              const QString& client);

// A change of state, as the `control` record of the audio_engine log has it: who (the API
// client's address, or "gui") and the request it was, or, from the GUI, the request it equals.
struct ControlChange {
    QString client;
    QByteArray method;
    QString path;
    QJsonValue body;  // undefined: none (or too large to log)
    int status = 200;
};
void logControl(logging::SessionLogger& logger, const ControlChange& change);

// ApiServerOptions::changeObserver for the session log: every request that may change state,
// with its answer's status, as a `control` record. Not markers (logged as themselves) nor sensor
// samples (data, up to hundreds a second: the Φ log's business).
std::function<void(const Request&, const Response&)> controlLogObserver(
    logging::SessionLogger& logger);

// The `logging` object of /api/status.
QJsonObject loggingStatus(const logging::SessionLogger* logger);

}  // namespace soundlab::api
