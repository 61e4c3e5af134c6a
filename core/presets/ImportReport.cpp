#include "presets/ImportReport.h"

#include <QJsonArray>
#include <algorithm>

namespace soundlab::presets {

QString toString(PresetAction action) {
    switch (action) {
        case PresetAction::Create:
            return QStringLiteral("create");
        case PresetAction::Overwrite:
            return QStringLiteral("overwrite");
        case PresetAction::Copy:
            return QStringLiteral("copy");
        case PresetAction::Merge:
            return QStringLiteral("merge");
        case PresetAction::Conflict:
            return QStringLiteral("conflict");
        case PresetAction::Invalid:
            return QStringLiteral("invalid");
    }
    return {};
}

QJsonObject ImportEntry::toJson() const {
    QJsonObject json{
        {QStringLiteral("index"), index},
        {QStringLiteral("action"), presets::toString(action)},
        {QStringLiteral("id"), id},
        {QStringLiteral("name"), name},
        {QStringLiteral("reasons"), QJsonArray::fromStringList(reasons)},
    };
    if (!existingId.isEmpty()) json.insert(QStringLiteral("existing_id"), existingId);
    if (!errors.isEmpty()) json.insert(QStringLiteral("errors"), presets::toJson(errors));
    if (action == PresetAction::Conflict && !diff.isEmpty()) {
        json.insert(QStringLiteral("diff"), diff.toJson());
    }
    if (!storageError.isEmpty()) json.insert(QStringLiteral("storage_error"), storageError);
    return json;
}

int ImportReport::count(PresetAction action) const {
    return static_cast<int>(std::count_if(
        entries.begin(), entries.end(), [&](const ImportEntry& e) { return e.action == action; }));
}

int ImportReport::storageFailures() const {
    return static_cast<int>(std::count_if(entries.begin(), entries.end(), [](const ImportEntry& e) {
        return !e.storageError.isEmpty();
    }));
}

QStringList ImportReport::entryErrors() const {
    QStringList lines;
    for (const ImportEntry& entry : entries) {
        QString why;
        if (!entry.storageError.isEmpty())
            why = QStringLiteral("not written: ") + entry.storageError;
        else if (entry.action == PresetAction::Invalid || entry.action == PresetAction::Conflict)
            why = entry.reasons.join(QStringLiteral("; "));
        else
            continue;
        lines.append(
            QStringLiteral("preset %1 (\"%2\"): %3").arg(entry.index).arg(entry.name, why));
    }
    return lines;
}

QJsonObject ImportReport::toJson() const {
    if (outcome != PresetOutcome::Ok) {
        return QJsonObject{
            {QStringLiteral("error"),
             QJsonObject{
                 {QStringLiteral("code"), presets::toString(outcome)},
                 {QStringLiteral("message"),
                  errors.isEmpty() ? QStringLiteral("the bundle was refused; nothing was imported")
                                   : QStringLiteral("the bundle was refused (%1); nothing was "
                                                    "imported")
                                         .arg(errors.first().toString())},
                 {QStringLiteral("errors"), presets::toJson(errors)},
             }}};
    }
    QJsonObject counts;
    for (int a = 0; a < kPresetActionCount; ++a) {
        const auto action = static_cast<PresetAction>(a);
        counts.insert(presets::toString(action), count(action));
    }
    counts.insert(QStringLiteral("total"), static_cast<int>(entries.size()));
    counts.insert(QStringLiteral("storage_failed"), storageFailures());

    QJsonArray presetReports;
    for (const ImportEntry& entry : entries) presetReports.append(entry.toJson());
    return QJsonObject{
        {QStringLiteral("dry_run"), dryRun},
        {QStringLiteral("collision"), presets::toString(policy)},
        {QStringLiteral("counts"), counts},
        {QStringLiteral("presets"), presetReports},
        {QStringLiteral("errors"), QJsonArray::fromStringList(entryErrors())},
    };
}

}  // namespace soundlab::presets
