#include "presets/PresetMerge.h"

#include "presets/Preset.h"

#include <QJsonArray>

namespace soundlab::presets {

namespace {

QJsonObject mergeObjects(QJsonObject base, const QJsonObject& overrides) {
    for (auto it = overrides.begin(); it != overrides.end(); ++it) {
        const QJsonValue current = base.value(it.key());
        if (current.isObject() && it.value().isObject()) {
            base.insert(it.key(), mergeObjects(current.toObject(), it.value().toObject()));
        } else {
            base.insert(it.key(), it.value());
        }
    }
    return base;
}

QJsonArray unionOfTags(const QJsonArray& existing, const QJsonArray& incoming) {
    QJsonArray result = existing;
    QStringList seen;
    for (const QJsonValue& tag : existing) seen.append(tag.toString().toCaseFolded());
    for (const QJsonValue& tag : incoming) {
        const QString folded = tag.toString().toCaseFolded();
        if (seen.contains(folded)) continue;
        seen.append(folded);
        result.append(tag);
    }
    return result;
}

}  // namespace

QJsonObject mergePresets(const QJsonObject& existing, const QJsonObject& incoming) {
    QJsonObject merged = mergeObjects(existing, incoming);
    merged.insert(QStringLiteral("id"), existing.value(QLatin1String("id")));
    merged.insert(QStringLiteral("modified_at"), existing.value(QLatin1String("modified_at")));
    merged.insert(QStringLiteral("tags"),
                  unionOfTags(existing.value(QLatin1String("tags")).toArray(),
                              incoming.value(QLatin1String("tags")).toArray()));

    const QJsonValue existingCreated = existing.value(QLatin1String("created_at"));
    const QJsonValue incomingCreated = incoming.value(QLatin1String("created_at"));
    const QDateTime a = parseTimestamp(existingCreated.toString());
    const QDateTime b = parseTimestamp(incomingCreated.toString());
    const bool incomingEarlier = b.isValid() && (!a.isValid() || b < a);
    merged.insert(QStringLiteral("created_at"),
                  incomingEarlier ? incomingCreated : existingCreated);
    return merged;
}

}  // namespace soundlab::presets
