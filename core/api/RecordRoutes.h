#pragma once

#include "api/Route.h"

#include <QJsonObject>
#include <QList>

namespace soundlab {
class SessionRecorder;
}

namespace soundlab::api {

// Session audio over HTTP (issue 13, docs/logging.md "Session audio"):
//   GET  /api/record        recording?, files, frames written, dropped frames, started_at, …
//   POST /api/record/start  409 while recording
//   POST /api/record/stop   409 when not recording; the files carry their final names after it
// `recorder` is null with --no-logging: start and stop answer 409 `logging_off`. It must outlive
// the server. Start and stop wait for the writer thread (a take's files are finished on stop),
// so they run on a worker queue of their own, in order.
QList<Route> recordRoutes(SessionRecorder* recorder);

// The document GET /api/record answers (also the answer of start and stop).
QJsonObject recordingStatus(const SessionRecorder* recorder);

}  // namespace soundlab::api
