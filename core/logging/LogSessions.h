#pragma once

#include "logging/LogCategory.h"

#include <QDateTime>
#include <QJsonArray>
#include <QString>
#include <QStringList>

#include <optional>

namespace soundlab::logging {

// What lies in a log root, session by session (SPEC §8):
//   <root>/<category>/<session>_<category>.{csv,jsonl}[.gz]   and   <root>/audio/<session>_*.flac
// A session id is its start time in UTC and a short id (the millisecond in hex, one random hex
// digit): "20261130T020500Z-3fa9". Ids sort by start time.
// Plain functions over the file system: the logger uses them at start (recovery, retention), the
// API to list and serve files. None of them touches a session another process still writes (its
// lock file, <root>/.locks/<session>.lock, is held).
namespace sessions {

bool isValidId(const QString& id);
// The start time a session id names (invalid for a malformed id).
QDateTime startOf(const QString& id);
QString newId(const QDateTime& startUtc);
QString lockFilePath(const QString& root, const QString& id);

struct SessionFile {
    QString name;      // "20261130T020500Z-3fa9_metrics.csv.gz"
    QString category;  // folder: "metrics", …, "audio"
    QString path;      // absolute
    qint64 bytes = 0;
    bool compressed = false;
};
struct Session {
    QString id;
    QDateTime started;
    QList<SessionFile> files;
};

// Newest first.
QList<Session> list(const QString& root);
// The file `name` of session `id`, if it is one of that session's files (never a path outside
// the root: `name` must match a listed file exactly).
std::optional<SessionFile> find(const QString& root, const QString& id, const QString& name);
// JSON for GET /api/logs/sessions.
QJsonArray toJson(const QList<Session>& sessions);

// Uncompressed sessions other than `current` whose writer is gone (crash, SIGKILL, power loss):
// each file loses its last partial line, gains a `recovered` record, and is gzip-compressed.
// Returns the ids recovered; problems go to `errors`.
QStringList recoverCrashed(const QString& root, const QString& current, QStringList* errors);

// Removes every file of sessions that started more than `days` days before `now` (not
// `current`). Returns the ids removed.
QStringList removeOlderThan(const QString& root, int days, const QString& current,
                            const QDateTime& now);

}  // namespace sessions
}  // namespace soundlab::logging
