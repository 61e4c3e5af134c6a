#pragma once

#include "api/Route.h"

#include <QList>

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

// The `logging` object of /api/status.
QJsonObject loggingStatus(const logging::SessionLogger* logger);

}  // namespace soundlab::api
