#include "PresetsViewModel.h"

#include "RefreshClock.h"

#include "api/PresetRoutes.h"
#include "presets/CollisionPolicy.h"
#include "presets/PresetBundle.h"
#include "rt/HandOff.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>
#include <QUrlQuery>

namespace soundlab {

namespace {

// The list has no revision to ask for: read it twice a second unless an action or the search
// asks sooner.
constexpr int kListPollTicks = 15;

// GET /api/presets with the search, up to the API's largest page.
QString listPath(const QString& query, const QString& tag) {
    QUrlQuery q;
    if (!query.trimmed().isEmpty()) q.addQueryItem(QStringLiteral("query"), query.trimmed());
    if (!tag.isEmpty()) q.addQueryItem(QStringLiteral("tag"), tag);
    q.addQueryItem(QStringLiteral("limit"), QString::number(presets::kMaxListLimit));
    return QStringLiteral("/api/presets?") + q.toString(QUrl::FullyEncoded);
}

QString presetPath(const QString& id) {
    return QStringLiteral("/api/presets/") + QString::fromUtf8(QUrl::toPercentEncoding(id));
}

QString nameIn(const QJsonObject& object, const char* key) {
    return object.value(QLatin1String(key)).toObject().value(QLatin1String("name")).toString();
}

QString displayValue(const QJsonValue& value) {
    if (value.isNull() || value.isUndefined()) return QStringLiteral("—");
    if (value.isString()) return value.toString();
    if (value.isBool()) return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (value.isDouble()) return QString::number(value.toDouble(), 'g', 6);
    const QJsonDocument doc =
        value.isArray() ? QJsonDocument(value.toArray()) : QJsonDocument(value.toObject());
    return QString::fromUtf8(doc.toJson(QJsonDocument::Compact));
}

std::optional<presets::AbSlot> slotOf(const QString& text) {
    return presets::abSlotFromString(text);
}

QString localFile(const QUrl& url) {
    return url.isLocalFile() ? url.toLocalFile() : url.toString();
}

}  // namespace

// The import file as the route's body, or why it cannot be sent.
PresetsViewModel::BundleFile PresetsViewModel::readBundle(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {{}, QStringLiteral("cannot read %1: %2").arg(path, file.errorString())};
    if (file.size() > presets::kMaxBundleBytes)
        return {{},
                QStringLiteral("%1 is larger than the %2 MiB an import accepts")
                    .arg(path)
                    .arg(presets::kMaxBundleBytes / (1024 * 1024))};
    QJsonParseError parseError;
    const QJsonDocument bundle = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (bundle.isNull())
        return {{}, QStringLiteral("%1 is not JSON: %2").arg(path, parseError.errorString())};
    return {bundle.isArray() ? QJsonValue(bundle.array()) : QJsonValue(bundle.object()), {}};
}

PresetsViewModel::PresetsViewModel(ControlBackend& backend, QObject* parent)
    : QObject(parent), backend_(backend) {
    files_.setMaxThreadCount(1);
    // On the window's one refresh tick (30 Hz), like every view-model. A tick while a read is
    // in flight is simply skipped: the GUI asks at its rate.
    RefreshClock::subscribe(this, [this] {
        if (++ticksSinceList_ >= kListPollTicks) listWanted_ = true;
        if (!readInFlight_) startRead();
    });
    refresh();
}

PresetsViewModel::~PresetsViewModel() {
    files_.waitForDone();
}

void PresetsViewModel::request(const QByteArray& method, const QString& pathAndQuery,
                               const BackendHeaders& headers, const QJsonValue& body,
                               ControlBackend::Done done) {
    ++tasksPending_;
    backend_.send(method, pathAndQuery, headers, body, this,
                  [this, done = std::move(done)](const BackendReply& reply) {
                      --tasksPending_;
                      done(reply);
                  });
}

template <typename Result>
void PresetsViewModel::offThread(std::function<Result()> work,
                                 std::function<void(const Result&)> done) {
    ++tasksPending_;
    files_.start(rt::handedOver([this, work = std::move(work), done = std::move(done)] {
        Result result = work();
        // Queued to the GUI thread; the destructor waits for this task, so `this` is alive.
        QMetaObject::invokeMethod(
            this,
            rt::handedOver([this, done, result = std::move(result)] {
                --tasksPending_;
                done(result);
            }),
            Qt::QueuedConnection);
    }));
}

void PresetsViewModel::refresh() {
    listWanted_ = true;
    // A read in flight may have started before the change that asks for this one: read again
    // after it. At most one read is queued, so a slow import never piles them up.
    if (readInFlight_) {
        rereadWanted_ = true;
        return;
    }
    startRead();
}

void PresetsViewModel::startRead() {
    readInFlight_ = true;
    const bool listWanted = listWanted_;
    listWanted_ = false;
    if (listWanted) ticksSinceList_ = 0;
    auto snapshot = std::make_shared<Snapshot>();
    snapshot->hasList = listWanted;
    auto remaining = std::make_shared<int>(listWanted ? 4 : 2);
    const auto arrived = [this, snapshot, remaining] {
        if (--*remaining > 0) return;
        readInFlight_ = false;
        applySnapshot(*snapshot);
        if (rereadWanted_) {
            rereadWanted_ = false;
            startRead();
        }
    };
    if (listWanted) {
        request("GET", listPath(query_, tagFilter_), {}, QJsonValue::Undefined,
                [snapshot, arrived](const BackendReply& reply) {
                    if (reply.ok()) {
                        snapshot->list = reply.body.toArray();
                        snapshot->total = reply.header("x-total-count").toInt();
                    } else {
                        snapshot->hasList = false;
                    }
                    arrived();
                });
        request("GET", QStringLiteral("/api/presets/stats"), {}, QJsonValue::Undefined,
                [snapshot, arrived](const BackendReply& reply) {
                    snapshot->tags = reply.object().value(QLatin1String("tags")).toObject().keys();
                    snapshot->tags.sort(Qt::CaseInsensitive);
                    arrived();
                });
    }
    request("GET", QStringLiteral("/api/presets/ab/status"), {}, QJsonValue::Undefined,
            [snapshot, arrived](const BackendReply& reply) {
                snapshot->abStatus = reply.object();
                arrived();
            });
    // 404 while a slot is empty: no diff to show.
    request("GET", QStringLiteral("/api/presets/ab/diff"), {}, QJsonValue::Undefined,
            [snapshot, arrived](const BackendReply& reply) {
                if (reply.ok()) snapshot->diff = reply.object();
                arrived();
            });
}

void PresetsViewModel::applySnapshot(const Snapshot& s) {
    if (s.hasList && (s.list != listDocument_ || s.total != total_ || s.tags != tags_)) {
        listDocument_ = s.list;
        total_ = s.total;
        tags_ = s.tags;
        presets_.clear();
        for (const QJsonValue& value : listDocument_) {
            QVariantMap row = value.toObject().toVariantMap();
            const QDateTime modified = QDateTime::fromString(
                value.toObject().value(QLatin1String("modified_at")).toString(), Qt::ISODateWithMs);
            row.insert(QStringLiteral("modified"),
                       modified.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")));
            presets_ << row;
        }
        emit listChanged();
    }
    if (s.abStatus != abStatus_ || s.diff != diffDocument_) {
        abStatus_ = s.abStatus;
        diffDocument_ = s.diff;
        diff_.clear();
        for (auto it = diffDocument_.begin(); it != diffDocument_.end(); ++it) {
            const QJsonArray sides = it.value().toArray();
            diff_ << QVariantMap{{QStringLiteral("path"), it.key()},
                                 {QStringLiteral("a"), displayValue(sides.at(0))},
                                 {QStringLiteral("b"), displayValue(sides.at(1))}};
        }
        emit abChanged();
    }
}

void PresetsViewModel::enqueue(std::function<void()> start) {
    ++actionsPending_;
    emit busyChanged();
    queued_.push_back(std::move(start));
    if (!actionRunning_) startNextAction();
}

void PresetsViewModel::startNextAction() {
    if (queued_.empty()) return;
    actionRunning_ = true;
    const std::function<void()> start = std::move(queued_.front());
    queued_.pop_front();
    start();
}

void PresetsViewModel::finish(const QString& message, const QString& error) {
    message_ = error.isEmpty() ? message : QString();
    lastError_ = error;
    emit messageChanged();
    refresh();  // the documents after the change
    --actionsPending_;
    emit busyChanged();
    actionRunning_ = false;
    startNextAction();
}

void PresetsViewModel::act(const QByteArray& method, const QString& pathAndQuery,
                           const QJsonValue& body,
                           std::function<QString(const BackendReply&)> describe) {
    enqueue([=, this] {
        request(method, pathAndQuery, {}, body,
                [this, describe = std::move(describe)](const BackendReply& reply) {
                    if (reply.ok())
                        finish(describe(reply), {});
                    else
                        finish({}, reply.message());
                });
    });
}

void PresetsViewModel::setQuery(const QString& query) {
    if (query == query_) return;
    query_ = query;
    emit queryChanged();
    refresh();
}

void PresetsViewModel::setTagFilter(const QString& tag) {
    if (tag == tagFilter_) return;
    tagFilter_ = tag;
    emit queryChanged();
    refresh();
}

QString PresetsViewModel::slotA() const {
    return abStatus_.value(QLatin1String("slot_a_name")).toString();  // null → ""
}
QString PresetsViewModel::slotB() const {
    return abStatus_.value(QLatin1String("slot_b_name")).toString();
}
QString PresetsViewModel::activeSlot() const {
    return abStatus_.value(QLatin1String("current_slot")).toString();
}
QString PresetsViewModel::undoName() const {
    return undoDocument_.value(QLatin1String("name")).toString();
}

QStringList PresetsViewModel::collisionPolicies() const {
    using presets::CollisionPolicy;
    QStringList names;
    for (CollisionPolicy p : {CollisionPolicy::Prompt, CollisionPolicy::Overwrite,
                              CollisionPolicy::NewCopy, CollisionPolicy::Merge})
        names << presets::toString(p);
    return names;
}

// ---- actions ------------------------------------------------------------------------------------

void PresetsViewModel::load(const QString& id) {
    act("POST", presetPath(id) + QStringLiteral("/apply"), QJsonValue::Undefined,
        [](const BackendReply& reply) {
            return QStringLiteral("Loaded “%1”").arg(nameIn(reply.object(), "applied"));
        });
}

void PresetsViewModel::saveLive(const QString& name) {
    act("POST", QStringLiteral("/api/presets/save-live"), QJsonObject{{QStringLiteral("name"), name}},
        [](const BackendReply& reply) {
            return QStringLiteral("Saved the live state as “%1”")
                .arg(reply.object().value(QLatin1String("name")).toString());
        });
}

void PresetsViewModel::editStored(
    const QString& id, std::function<void(QJsonObject&)> edit,
    std::function<QString(const QJsonObject&, const QJsonObject&)> describe) {
    enqueue([=, this] {
        // PUT with If-Match: the ETag just read, so a change made in between is not overwritten.
        request("GET", presetPath(id), {}, QJsonValue::Undefined,
                [this, id, edit = std::move(edit),
                 describe = std::move(describe)](const BackendReply& current) {
                    if (!current.ok()) return finish({}, current.message());
                    const QJsonObject before = current.object();
                    QJsonObject document = before;
                    edit(document);
                    request("PUT", presetPath(id), {{"if-match", current.header("etag")}}, document,
                            [this, before, describe](const BackendReply& reply) {
                                if (!reply.ok()) return finish({}, reply.message());
                                finish(describe(before, reply.object()), {});
                            });
                });
    });
}

void PresetsViewModel::rename(const QString& id, const QString& name) {
    editStored(
        id, [name](QJsonObject& document) { document.insert(QStringLiteral("name"), name); },
        [](const QJsonObject& before, const QJsonObject& after) {
            return QStringLiteral("Renamed “%1” to “%2”")
                .arg(before.value(QLatin1String("name")).toString(),
                     after.value(QLatin1String("name")).toString());
        });
}

void PresetsViewModel::setTags(const QString& id, const QString& tags) {
    QJsonArray list;
    for (const QString& tag : tags.split(QLatin1Char(','), Qt::SkipEmptyParts))
        if (!tag.trimmed().isEmpty()) list.append(tag.trimmed());
    editStored(
        id, [list](QJsonObject& document) { document.insert(QStringLiteral("tags"), list); },
        [](const QJsonObject&, const QJsonObject& after) {
            return QStringLiteral("Tagged “%1”").arg(after.value(QLatin1String("name")).toString());
        });
}

void PresetsViewModel::remove(const QString& id) {
    enqueue([=, this] {
        // The document first: what an undo recreates; its ETag makes sure it is what gets deleted.
        request("GET", presetPath(id), {}, QJsonValue::Undefined,
                [this, id](const BackendReply& current) {
                    if (!current.ok()) return finish({}, current.message());
                    const QJsonObject document = current.object();
                    request("DELETE", presetPath(id), {{"if-match", current.header("etag")}},
                            QJsonValue::Undefined, [this, document](const BackendReply& reply) {
                                if (!reply.ok()) return finish({}, reply.message());
                                undoDocument_ = document;
                                finish(QStringLiteral("Deleted “%1”")
                                           .arg(document.value(QLatin1String("name")).toString()),
                                       {});
                            });
                });
    });
}

void PresetsViewModel::undo() {
    if (undoDocument_.isEmpty()) return;
    const QJsonObject document = undoDocument_;
    undoDocument_ = {};
    emit messageChanged();
    // The kept document has the id and created_at, which a create keeps: the same preset again.
    act("POST", QStringLiteral("/api/presets?collision=prompt"), document,
        [](const BackendReply& reply) {
            return QStringLiteral("Restored “%1”")
                .arg(reply.object().value(QLatin1String("name")).toString());
        });
}

void PresetsViewModel::storeInSlot(const QString& slotText, const QString& id) {
    const auto slot = slotOf(slotText);
    if (!slot) return;
    const QString name = presets::toString(*slot);
    act("POST",
        QStringLiteral("/api/presets/ab/store/%1?id=%2")
            .arg(name, QString::fromUtf8(QUrl::toPercentEncoding(id))),
        QJsonValue::Undefined, [name](const BackendReply& reply) {
            return QStringLiteral("Slot %1: “%2”").arg(name, nameIn(reply.object(), "preset"));
        });
}

void PresetsViewModel::storeLiveInSlot(const QString& slotText) {
    const auto slot = slotOf(slotText);
    if (!slot) return;
    const QString name = presets::toString(*slot);
    act("POST", QStringLiteral("/api/presets/ab/store/%1").arg(name), QJsonValue::Undefined,
        [name](const BackendReply&) {
            return QStringLiteral("Slot %1: the live state").arg(name);
        });
}

void PresetsViewModel::toggle() {
    act("POST", QStringLiteral("/api/presets/ab/toggle"), QJsonValue::Undefined,
        [](const BackendReply& reply) {
            return QStringLiteral("Playing %1: “%2”")
                .arg(reply.object().value(QLatin1String("slot")).toString(),
                     nameIn(reply.object(), "preset"));
        });
}

// ---- import and export
// ---------------------------------------------------------------------------

void PresetsViewModel::setImportCollision(const QString& policy) {
    if (policy == importCollision_ || !presets::collisionPolicyFromString(policy)) return;
    importCollision_ = policy;
    emit importChanged();
    if (importPending_) runImport(true);  // the report shows what this choice would do
}

void PresetsViewModel::previewImport(const QUrl& file) {
    importFile_ = file;
    importPending_ = false;
    importReport_.clear();
    importSummary_.clear();
    emit importChanged();
    runImport(true);
}

void PresetsViewModel::confirmImport() {
    if (!importPending_) return;
    runImport(false);
}

void PresetsViewModel::cancelImport() {
    importFile_.clear();
    importPending_ = false;
    importReport_.clear();
    importSummary_.clear();
    emit importChanged();
}

void PresetsViewModel::runImport(bool dryRun) {
    enqueue([=, this] {
        // The file is read off the GUI thread (up to 16 MiB), then sent as the route's JSON body.
        offThread<BundleFile>([path = localFile(importFile_)] { return readBundle(path); },
                              [this, dryRun](const BundleFile& file) {
                                  if (!file.error.isEmpty()) return finish({}, file.error);
                                  sendImport(file.bundle, dryRun);
                              });
    });
}

void PresetsViewModel::sendImport(const QJsonValue& body, bool dryRun) {
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("dry_run"),
                       dryRun ? QStringLiteral("true") : QStringLiteral("false"));
    query.addQueryItem(QStringLiteral("collision"), importCollision_);
    request(
        "POST", QStringLiteral("/api/presets/import?") + query.toString(QUrl::FullyEncoded), {},
        body, [this, dryRun](const BackendReply& reply) {
            const QJsonObject report = reply.object();
            importReport_.clear();
            importSummary_.clear();
            const QJsonObject counts = report.value(QLatin1String("counts")).toObject();
            QStringList parts;
            for (const QString& action :
                 {QStringLiteral("create"), QStringLiteral("overwrite"), QStringLiteral("copy"),
                  QStringLiteral("merge"), QStringLiteral("conflict"), QStringLiteral("invalid")})
                if (counts.value(action).toInt() > 0)
                    parts << QStringLiteral("%1 %2").arg(counts.value(action).toInt()).arg(action);
            importSummary_ = parts.join(QStringLiteral(", "));
            for (const QJsonValue& value : report.value(QLatin1String("presets")).toArray()) {
                const QJsonObject entry = value.toObject();
                QStringList reasons;
                for (const QJsonValue& r : entry.value(QLatin1String("reasons")).toArray())
                    reasons << r.toString();
                importReport_ << QVariantMap{
                    {QStringLiteral("index"), entry.value(QLatin1String("index")).toInt()},
                    {QStringLiteral("action"), entry.value(QLatin1String("action")).toString()},
                    {QStringLiteral("name"), entry.value(QLatin1String("name")).toString()},
                    {QStringLiteral("reasons"), reasons.join(QStringLiteral("; "))}};
            }
            // After a dry run the user confirms or cancels; after the real run it is done.
            importPending_ = dryRun && reply.ok();
            emit importChanged();
            if (reply.ok())
                finish(dryRun ? QStringLiteral("Dry run: nothing changed yet")
                              : QStringLiteral("Imported"),
                       {});
            else
                finish({}, reply.message());
        });
}

void PresetsViewModel::exportTo(const QUrl& file) {
    enqueue([=, this] {
        request(
            "POST", QStringLiteral("/api/presets/export"), {}, QJsonValue::Undefined,
            [this, path = localFile(file)](const BackendReply& reply) {
                if (!reply.ok()) return finish({}, reply.message());
                // Written off the GUI thread, write-then-rename: a failed export leaves no half
                // file.
                offThread<QString>(
                    [path, bundle = reply.object()] {
                        QSaveFile out(path);
                        if (!out.open(QIODevice::WriteOnly) ||
                            out.write(QJsonDocument(bundle).toJson(QJsonDocument::Compact)) < 0 ||
                            !out.commit())
                            return QStringLiteral("cannot write %1: %2")
                                .arg(path, out.errorString());
                        return QString();
                    },
                    [this, path,
                     count = reply.object().value(QLatin1String("presets")).toArray().size()](
                        const QString& error) {
                        if (!error.isEmpty()) return finish({}, error);
                        finish(QStringLiteral("Exported %1 presets to %2").arg(count).arg(path),
                               {});
                    });
            });
    });
}

}  // namespace soundlab
