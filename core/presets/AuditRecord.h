#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>

namespace soundlab::presets {

// One line of the preset audit log (SPEC §7): who did what to which preset, and how it ended.
struct AuditRecord {
    QDateTime time;  // UTC; PresetAuditLog::record() stamps it when left invalid
    QString client;  // remote address of the HTTP client, or "gui"
    QString action;  // create, update, delete, import, export, ab_store, ab_toggle, ab_clear, load
    QString target;  // preset id; the slot ("A", "B", "all") for A/B actions
    QString name;    // preset name when known
    QString result;  // a PresetOutcome string ("ok", "conflict", ...)
    QJsonObject details;

    // {"time","client","action","target","name","result","details"}
    QJsonObject toJson() const;
};

}  // namespace soundlab::presets
