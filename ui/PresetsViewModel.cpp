#include "PresetsViewModel.h"

#include "api/PresetRoutes.h"
#include "presets/CollisionPolicy.h"
#include "presets/PresetBundle.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>

namespace soundlab {

namespace {

constexpr int kRefreshMs = 33;                  // 30 Hz at most: the GUI asks at its rate
const QString kClient = QStringLiteral("gui");  // the audit log's name for this client

// The list shows up to the API's largest page; the search narrows it.
presets::PresetListQuery listQuery(const QString& query, const QString& tag) {
    return {query.trimmed(), tag, presets::kMaxListLimit};
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

PresetsViewModel::PresetsViewModel(presets::PresetStore& store, presets::AbComparator& ab,
                                   QObject* parent)
    : QObject(parent), store_(store), ab_(ab) {
    worker_.setMaxThreadCount(1);  // actions run in the order they were asked for
    timer_.setInterval(kRefreshMs);
    // A tick while a read is in flight is simply skipped: the GUI asks at its rate.
    connect(&timer_, &QTimer::timeout, this, [this] {
        if (!readInFlight_) startRead();
    });
    timer_.start();
    refresh();
}

PresetsViewModel::~PresetsViewModel() {
    timer_.stop();
    worker_.waitForDone();
}

template <typename Result>
void PresetsViewModel::runTask(std::function<Result()> work, std::function<void(Result)> done) {
    ++tasksPending_;
    worker_.start([this, work = std::move(work), done = std::move(done)] {
        Result result = work();
        // Queued to the GUI thread; the destructor waits for this task, so `this` is alive.
        QMetaObject::invokeMethod(
            this,
            [this, done, result = std::move(result)] {
                --tasksPending_;
                done(result);
            },
            Qt::QueuedConnection);
    });
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
    // The list and the tags are read only when the store changed (its revision) or the search
    // did; the A/B status and diff, which have no revision, are cheap and read every time.
    const bool listWanted = listWanted_;
    listWanted_ = false;
    runTask<Snapshot>(
        [&store = store_, &ab = ab_, query = listQuery(query_, tagFilter_), listWanted,
         seen = seenRevision_] {
            Snapshot s;
            s.revision = store.revision();  // before the list: a later change is read next time
            if (listWanted || s.revision != seen) {
                const presets::PresetListResult list = store.list(query);
                s.hasList = true;
                s.list = api::presetSummaries(list);
                s.total = list.total;
                s.tags = store.stats().tagCounts.keys();
                s.tags.sort(Qt::CaseInsensitive);
            }
            s.abStatus = ab.status().toJson();
            const api::PresetAnswer diff = api::abDiff(ab);
            if (diff.succeeded()) s.diff = diff.body;
            return s;
        },
        [this](Snapshot snapshot) {
            readInFlight_ = false;
            applySnapshot(snapshot);
            if (rereadWanted_) {
                rereadWanted_ = false;
                startRead();
            }
        });
}

void PresetsViewModel::applySnapshot(const Snapshot& s) {
    if (s.hasList) seenRevision_ = s.revision;
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

void PresetsViewModel::setOutcome(const Outcome& outcome) {
    message_ = outcome.error.isEmpty() ? outcome.message : QString();
    lastError_ = outcome.error;
    emit messageChanged();
}

void PresetsViewModel::runAction(std::function<Outcome()> work, std::function<void()> then) {
    ++actionsPending_;
    emit busyChanged();
    runTask<Outcome>(std::move(work), [this, then = std::move(then)](Outcome outcome) {
        setOutcome(outcome);
        if (then) then();
        refresh();  // the documents after the change
        --actionsPending_;
        emit busyChanged();
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
    runAction([&store = store_, &ab = ab_, id]() -> Outcome {
        const api::PresetAnswer a = api::applyStoredPreset(store, ab, id, kClient);
        if (!a.succeeded()) return {{}, a.errorMessage()};
        return {QStringLiteral("Loaded “%1”")
                    .arg(a.body.value(QLatin1String("applied"))
                             .toObject()
                             .value(QLatin1String("name"))
                             .toString()),
                {}};
    });
}

void PresetsViewModel::saveLive(const QString& name) {
    runAction([&store = store_, &ab = ab_, name]() -> Outcome {
        const api::PresetAnswer a =
            api::saveLivePreset(store, ab, name, presets::CollisionPolicy::Prompt, kClient);
        if (!a.succeeded()) return {{}, a.errorMessage()};
        return {QStringLiteral("Saved the live state as “%1”")
                    .arg(a.body.value(QLatin1String("name")).toString()),
                {}};
    });
}

void PresetsViewModel::rename(const QString& id, const QString& name) {
    runAction([&store = store_, id, name]() -> Outcome {
        const presets::PresetResult current = store.get(id);
        if (current.outcome != presets::PresetOutcome::Ok) return {{}, current.message};
        QJsonObject document = current.preset->document;
        const QString before = document.value(QLatin1String("name")).toString();
        document.insert(QStringLiteral("name"), name);
        const presets::PresetResult result =
            store.update(id, document, current.preset->etag, kClient);
        if (result.outcome != presets::PresetOutcome::Ok) return {{}, result.message};
        return {QStringLiteral("Renamed “%1” to “%2”").arg(before, result.preset->preset.name), {}};
    });
}

void PresetsViewModel::setTags(const QString& id, const QString& tags) {
    QJsonArray list;
    for (const QString& tag : tags.split(QLatin1Char(','), Qt::SkipEmptyParts))
        if (!tag.trimmed().isEmpty()) list.append(tag.trimmed());
    runAction([&store = store_, id, list]() -> Outcome {
        const presets::PresetResult current = store.get(id);
        if (current.outcome != presets::PresetOutcome::Ok) return {{}, current.message};
        QJsonObject document = current.preset->document;
        document.insert(QStringLiteral("tags"), list);
        const presets::PresetResult result =
            store.update(id, document, current.preset->etag, kClient);
        if (result.outcome != presets::PresetOutcome::Ok) return {{}, result.message};
        return {QStringLiteral("Tagged “%1”").arg(result.preset->preset.name), {}};
    });
}

void PresetsViewModel::remove(const QString& id) {
    auto removed = std::make_shared<QJsonObject>();
    runAction(
        [&store = store_, id, removed]() -> Outcome {
            const api::PresetAnswer a = api::removePreset(store, id, {}, kClient, removed.get());
            if (!a.succeeded()) return {{}, a.errorMessage()};
            return {QStringLiteral("Deleted “%1”")
                        .arg(removed->value(QLatin1String("name")).toString()),
                    {}};
        },
        [this, removed] {
            if (removed->isEmpty()) return;
            undoDocument_ = *removed;
            emit messageChanged();
        });
}

void PresetsViewModel::undo() {
    if (undoDocument_.isEmpty()) return;
    const QJsonObject document = undoDocument_;
    undoDocument_ = {};
    emit messageChanged();
    // The kept document has the id and created_at, which create keeps: the same preset again.
    runAction([&store = store_, document]() -> Outcome {
        const presets::PresetResult result =
            store.create(document, presets::CollisionPolicy::Prompt, kClient);
        if (presets::httpStatus(result.outcome) >= 300) return {{}, result.message};
        return {QStringLiteral("Restored “%1”").arg(result.preset->preset.name), {}};
    });
}

void PresetsViewModel::storeInSlot(const QString& slotText, const QString& id) {
    const auto slot = slotOf(slotText);
    if (!slot) return;
    runAction([&store = store_, &ab = ab_, slot = *slot, id]() -> Outcome {
        const api::PresetAnswer a = api::storeStoredPresetInSlot(store, ab, slot, id, kClient);
        if (!a.succeeded()) return {{}, a.errorMessage()};
        return {QStringLiteral("Slot %1: “%2”")
                    .arg(presets::toString(slot), a.body.value(QLatin1String("preset"))
                                                      .toObject()
                                                      .value(QLatin1String("name"))
                                                      .toString()),
                {}};
    });
}

void PresetsViewModel::storeLiveInSlot(const QString& slotText) {
    const auto slot = slotOf(slotText);
    if (!slot) return;
    runAction([&ab = ab_, slot = *slot]() -> Outcome {
        const presets::AbResult result = ab.storeLive(slot, kClient);
        if (result.outcome != presets::PresetOutcome::Ok) return {{}, result.message};
        return {QStringLiteral("Slot %1: the live state").arg(presets::toString(slot)), {}};
    });
}

void PresetsViewModel::toggle() {
    runAction([&ab = ab_]() -> Outcome {
        const presets::AbResult result = ab.toggle(kClient);
        if (result.outcome != presets::PresetOutcome::Ok) return {{}, result.message};
        return {QStringLiteral("Playing %1: “%2”")
                    .arg(presets::toString(*result.slot), result.content->preset.name),
                {}};
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
    const presets::ImportOptions options{dryRun,
                                         presets::collisionPolicyFromString(importCollision_)
                                             .value_or(presets::CollisionPolicy::Prompt)};
    auto report = std::make_shared<QJsonObject>();
    runAction(
        [&store = store_, path = localFile(importFile_), options, report]() -> Outcome {
            QFile file(path);
            if (!file.open(QIODevice::ReadOnly))
                return {{}, QStringLiteral("cannot read %1: %2").arg(path, file.errorString())};
            // One byte over the cap is enough for the store to answer "too large".
            const QByteArray bytes = file.read(presets::kMaxBundleBytes + 1);
            const presets::ImportReport result = store.importBundle(bytes, options, kClient);
            *report = result.toJson();
            if (result.outcome != presets::PresetOutcome::Ok)
                return {{}, api::PresetAnswer{result.outcome, *report}.errorMessage()};
            return {options.dryRun ? QStringLiteral("Dry run: nothing changed yet")
                                   : QStringLiteral("Imported"),
                    {}};
        },
        [this, report, dryRun] {
            importReport_.clear();
            importSummary_.clear();
            const QJsonObject counts = report->value(QLatin1String("counts")).toObject();
            QStringList parts;
            for (const QString& action :
                 {QStringLiteral("create"), QStringLiteral("overwrite"), QStringLiteral("copy"),
                  QStringLiteral("merge"), QStringLiteral("conflict"), QStringLiteral("invalid")})
                if (counts.value(action).toInt() > 0)
                    parts << QStringLiteral("%1 %2").arg(counts.value(action).toInt()).arg(action);
            importSummary_ = parts.join(QStringLiteral(", "));
            for (const QJsonValue& value : report->value(QLatin1String("presets")).toArray()) {
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
            importPending_ = dryRun && !report->contains(QLatin1String("error"));
            emit importChanged();
        });
}

void PresetsViewModel::exportTo(const QUrl& file) {
    runAction([&store = store_, path = localFile(file)]() -> Outcome {
        const presets::ExportResult result = store.exportBundle({}, kClient);
        if (result.outcome != presets::PresetOutcome::Ok) return {{}, result.message};
        QSaveFile out(path);  // write-then-rename: a failed export leaves no half file
        if (!out.open(QIODevice::WriteOnly) ||
            out.write(QJsonDocument(result.bundle).toJson(QJsonDocument::Compact)) < 0 ||
            !out.commit())
            return {{}, QStringLiteral("cannot write %1: %2").arg(path, out.errorString())};
        return {QStringLiteral("Exported %1 presets to %2")
                    .arg(result.bundle.value(QLatin1String("presets")).toArray().size())
                    .arg(path),
                {}};
    });
}

}  // namespace soundlab
