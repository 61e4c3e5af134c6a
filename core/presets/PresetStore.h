#pragma once

#include "presets/CollisionPolicy.h"
#include "presets/ImportReport.h"
#include "presets/Preset.h"
#include "presets/PresetBundle.h"
#include "presets/PresetDiff.h"
#include "presets/PresetIndex.h"
#include "presets/PresetOutcome.h"
#include "presets/StoredPreset.h"
#include "presets/ValidationError.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>
#include <atomic>
#include <functional>
#include <optional>
#include <shared_mutex>

namespace soundlab::presets {

class PresetAuditLog;

inline constexpr int kMinListLimit = 1;
inline constexpr int kMaxListLimit = 200;
inline constexpr int kDefaultListLimit = 50;

// The result of get, create, update and delete. `outcome` says which of the other members are
// meaningful; body() is the matching response body.
struct PresetResult {
    PresetOutcome outcome = PresetOutcome::Ok;
    // create: what happened to the incoming preset (create, copy, overwrite, merge; conflict and
    // invalid when refused)
    PresetAction action = PresetAction::Create;
    std::optional<StoredPreset> preset;    // Ok/Created: the preset as stored (deleted: as it was)
    std::optional<StoredPreset> existing;  // Conflict: the preset in the way;
                                           // PreconditionFailed: the current version
    PresetDiff diff;                // Conflict: existing → incoming; update: previous → stored
    QList<ValidationError> errors;  // Invalid
    QString message;                // one line for people, set for every failure

    // Success: the preset document. Failure: {"error": {"code", "message", and "errors" |
    // "existing" + "diff" | "current_etag" when they apply}}.
    QJsonObject body() const;
};

struct PresetListQuery {
    QString query;  // case-insensitive substring of name, notes or a tag; empty matches all
    QString tag;    // case-insensitive equality with one tag; empty matches all
    int limit = kDefaultListLimit;  // kMinListLimit..kMaxListLimit, else Invalid
};

struct PresetListResult {
    PresetOutcome outcome = PresetOutcome::Ok;  // Ok or Invalid (limit out of range)
    QList<ValidationError> errors;
    QList<StoredPreset> presets;  // newest modified_at first, at most `limit`
    int total = 0;                // matches before the limit

    // {"presets": [summary, ...], "count": n, "total": m}, or the error body
    QJsonObject body() const;
};

struct ExportResult {
    PresetOutcome outcome = PresetOutcome::Ok;  // Ok or NotFound (an id does not exist)
    QJsonObject bundle;
    QStringList missingIds;
    QString fileName;  // for Content-Disposition: soundlab-presets-<UTC time>.json
    QString message;

    // the bundle, or the error body naming the missing ids
    QJsonObject body() const;
};

struct ImportOptions {
    bool dryRun = false;
    CollisionPolicy collision = CollisionPolicy::Prompt;
};

struct DamagedPresetFile {
    QString fileName;
    QList<ValidationError> errors;
};

struct PresetStoreStats {
    QString directory;
    QString directoryError;  // set when the directory could not be created or read
    int presetCount = 0;
    QMap<QString, int> tagCounts;  // by tag as first spelled
    QDateTime lastModified;        // newest modified_at; invalid when empty
    QList<DamagedPresetFile> damagedFiles;

    QJsonObject toJson() const;
};

// The preset library: one pretty-printed JSON file per preset, `<directory>/<id>.json`, each
// written atomically (QSaveFile: a crash mid-write leaves the previous file intact), and an
// in-memory index loaded at construction that serves reads without touching the disk.
//
// A file that is not valid JSON or not a valid preset is reported in stats() and the audit log,
// left untouched on disk, and skipped; the others load normally. Its id stays reserved, so the
// store never overwrites a damaged file a person may want to repair.
//
// Names are unique case-insensitively and ids match ^[A-Za-z0-9_-]{1,64}$, so an id can never
// name a path outside the directory.
//
// Every mutating call takes `client` (the HTTP peer address, or "gui") for the audit log.
//
// Thread-safety: all methods may be called from any thread; reads share a lock, writes (which
// include the file I/O) are exclusive.
class PresetStore {
public:
    struct Options {
        QString directory;                   // usually directoryFor(<data-dir>)
        PresetAuditLog* auditLog = nullptr;  // not owned; nullptr writes no audit
        std::function<QDateTime()> clock;    // UTC now; defaults to the system clock
    };

    explicit PresetStore(Options options);
    ~PresetStore();
    PresetStore(const PresetStore&) = delete;
    PresetStore& operator=(const PresetStore&) = delete;

    // <dataDir>/presets
    static QString directoryFor(const QString& dataDir);

    PresetListResult list(const PresetListQuery& query) const;
    PresetResult get(const QString& id) const;
    // The number of stored presets after the last completed change. Lock-free, so a metrics
    // or status reader never waits for an import that holds the write lock for seconds.
    int size() const;
    // A number that changes with every completed change to the presets (create, update, delete,
    // import). Lock-free, so a client polling for changes (the GUI) reads the list only when it
    // changed, and never waits for an import.
    quint64 revision() const { return revision_.load(std::memory_order_acquire); }
    PresetStoreStats stats() const;
    // Why the preset directory cannot be used, or empty. Set once at construction and never
    // changed, so it is read without the lock (a readiness probe must not wait for an import).
    QString directoryError() const { return directoryError_; }

    // POST /api/presets: stores a new preset from a (possibly partial) schema v1 body. Absent
    // fields take the schema's defaults; an absent id becomes a new UUID, an absent created_at
    // the current time; modified_at is always the current time. A collision with a stored preset
    // (same id, or same name case-insensitively) is resolved by `policy`.
    PresetResult create(const QJsonValue& body, CollisionPolicy policy, const QString& client);

    // PUT /api/presets/{id}: replaces the preset's settings with `body` (absent fields take the
    // defaults, as in create). id and created_at are kept; a body id must equal `id`. When
    // `ifMatch` is not empty it must accept the current ETag, else PreconditionFailed. Renaming
    // onto another preset's name is a Conflict.
    PresetResult update(const QString& id, const QJsonValue& body, const QString& ifMatch,
                        const QString& client);

    // DELETE /api/presets/{id}, with the same optional If-Match check.
    PresetResult remove(const QString& id, const QString& ifMatch, const QString& client);

    // POST /api/presets/export: all presets (newest first) or the given ids in the given order.
    ExportResult exportBundle(const QStringList& ids, const QString& client) const;

    // POST /api/presets/import. Every entry is checked and resolved in bundle order, each seeing
    // the entries before it; invalid and conflicting entries are reported and skipped, the others
    // are written. A dry run writes nothing and returns the report the real run would. New ids
    // are derived from the entry and its position (UUID v5), so they too are the same in both.
    ImportReport importBundle(const QJsonValue& bundle, const ImportOptions& options,
                              const QString& client);
    ImportReport importBundle(const QByteArray& bundle, const ImportOptions& options,
                              const QString& client);

private:
    void load();
    QDateTime now() const;
    // Ok, or why the file was not written (StorageFailed; InsufficientStorage on a full disk)
    // with `error` saying so. The previous file stays as it was either way.
    PresetOutcome writeFile(const StoredPreset& stored, QString* error) const;
    void audit(const QString& client, const QString& action, const QString& target,
               const QString& name, const QString& result, const QJsonObject& details) const;
    ImportReport importContents(const BundleContents& contents, const ImportOptions& options,
                                const QString& client);
    ImportReport importEntries(const QJsonArray& entries, const ImportOptions& options);
    void writeImported(const QList<std::optional<StoredPreset>>& planned, ImportReport& report);

    const Options options_;
    mutable std::shared_mutex mutex_;
    PresetIndex index_;
    QList<DamagedPresetFile> damagedFiles_;
    QString directoryError_;
    std::atomic<int> count_{0};  // index_.size(), published after each change under mutex_
    std::atomic<quint64> revision_{0};  // bumped after each change under mutex_
};

}  // namespace soundlab::presets
