#include "presets/PresetResolution.h"

#include "presets/PresetInput.h"
#include "presets/PresetMerge.h"

#include <QRegularExpression>

namespace soundlab::presets {

namespace {

constexpr int kMaxNameLength = 128;

QString freshId(const PresetIndex& index, const PresetIdGenerator& newId) {
    for (int attempt = 0;; ++attempt) {
        const QString id = newId(attempt);
        if (!index.isTaken(id)) return id;
    }
}

QString describe(const StoredPreset& stored) {
    return QStringLiteral("%1 (\"%2\")").arg(stored.preset.id, stored.preset.name);
}

// `document` with the store-owned fields set, as it will be stored.
StoredPreset finished(QJsonObject document, const QString& id, const QJsonValue& createdAt,
                      const QDateTime& now) {
    document.insert(QStringLiteral("id"), id);
    document.insert(QStringLiteral("created_at"), createdAt);
    document.insert(QStringLiteral("modified_at"), formatTimestamp(now));
    return StoredPreset::fromDocument(document);
}

}  // namespace

QString uniqueCopyName(const PresetIndex& index, const QString& name) {
    static const QRegularExpression copySuffix(QStringLiteral("^(.*) \\(copy(?: \\d+)?\\)$"),
                                               QRegularExpression::DotMatchesEverythingOption);
    const QRegularExpressionMatch match = copySuffix.match(name);
    const QString base = match.hasMatch() ? match.captured(1) : name;
    const QString key = base.toCaseFolded();
    for (int n = index.copySearchStart(key);; ++n) {
        const QString suffix =
            n == 1 ? QStringLiteral(" (copy)") : QStringLiteral(" (copy %1)").arg(n);
        QString kept = base.left(kMaxNameLength - suffix.size());
        if (!kept.isEmpty() && kept.back().isHighSurrogate()) kept.chop(1);  // never split a pair
        const QString candidate = kept + suffix;
        if (!index.findByName(candidate)) {
            index.rememberCopySearch(key, n);
            return candidate;
        }
    }
}

PresetResolution resolveIncomingPreset(const PresetIndex& index, const QJsonValue& raw,
                                       CollisionPolicy policy, const QDateTime& now,
                                       const PresetIdGenerator& newId) {
    PresetResolution resolution;
    const PresetInput input = PresetInput::parse(raw);
    resolution.incomingId = input.raw.value(QLatin1String("id")).toString();
    resolution.incomingName = input.raw.value(QLatin1String("name")).toString();
    if (!input.isValid()) {
        resolution.action = PresetAction::Invalid;
        resolution.errors = input.errors;
        for (const ValidationError& error : input.errors) {
            resolution.reasons.append(error.toString());
        }
        return resolution;
    }

    const QString& id = resolution.incomingId;
    const QString& name = resolution.incomingName;
    const QJsonValue sentCreatedAt = input.document.value(QLatin1String("created_at"));
    const QJsonValue createdNow = formatTimestamp(now);

    const StoredPreset* byId = id.isEmpty() ? nullptr : index.find(id);
    const StoredPreset* byName = index.findByName(name);
    const bool reservedId = !id.isEmpty() && index.isReserved(id);
    if (!byId && !byName && !reservedId) {
        resolution.action = PresetAction::Create;
        resolution.result = finished(input.document, id.isEmpty() ? freshId(index, newId) : id,
                                     sentCreatedAt.isString() ? sentCreatedAt : createdNow, now);
        return resolution;
    }

    // A collision. Say with what, then apply the policy.
    const StoredPreset* target = byId ? byId : byName;
    const bool nameElsewhere = byId && byName && byName != byId;
    if (reservedId) {
        resolution.reasons.append(
            QStringLiteral("id %1 belongs to a damaged file (%1.json) in the preset directory; "
                           "repair or delete that file first")
                .arg(id));
    }
    if (byId) {
        resolution.reasons.append(QStringLiteral("same id as the stored preset ") +
                                  describe(*byId));
    }
    if (byName && byName != byId) {
        resolution.reasons.append(
            QStringLiteral("same name (ignoring case) as the stored preset ") + describe(*byName));
    }
    if (target) {
        resolution.existing = *target;
        resolution.diff = PresetDiff::between(target->document, input.document);
    }

    if (policy == CollisionPolicy::NewCopy) {
        resolution.action = PresetAction::Copy;
        QJsonObject document = input.document;
        const QString copyName = byName ? uniqueCopyName(index, name) : name;
        document.insert(QStringLiteral("name"), copyName);
        resolution.result = finished(document, freshId(index, newId), createdNow, now);
        resolution.reasons.append(QStringLiteral("stored as a new preset %1 named \"%2\"")
                                      .arg(resolution.result->preset.id, copyName));
        return resolution;
    }

    resolution.action = PresetAction::Conflict;
    if (reservedId) return resolution;
    if (policy == CollisionPolicy::Prompt) {
        resolution.reasons.append(
            QStringLiteral("collision policy is prompt: choose overwrite, new_copy or merge"));
        return resolution;
    }
    if (nameElsewhere) {
        resolution.reasons.append(
            QStringLiteral("%1 would leave two presets named \"%2\"; use new_copy or rename")
                .arg(toString(policy), name));
        return resolution;
    }

    const QJsonValue keptCreatedAt = target->document.value(QLatin1String("created_at"));
    if (policy == CollisionPolicy::Overwrite) {
        resolution.action = PresetAction::Overwrite;
        resolution.result = finished(input.document, target->preset.id, keptCreatedAt, now);
        resolution.reasons.append(
            QStringLiteral("replaces the settings of %1, keeping its id").arg(target->preset.id));
        return resolution;
    }

    // Merge: built from what was sent, not from the defaults filled in for absent fields.
    const QJsonObject merged = mergePresets(target->document, input.raw);
    const PresetInput check = PresetInput::parse(merged);
    if (!check.isValid()) {
        resolution.action = PresetAction::Invalid;
        resolution.errors = check.errors;
        resolution.reasons.append(
            QStringLiteral("merging into %1 gives an invalid preset").arg(target->preset.id));
        for (const ValidationError& error : check.errors) {
            resolution.reasons.append(error.toString());
        }
        return resolution;
    }
    resolution.action = PresetAction::Merge;
    resolution.result = finished(check.document, target->preset.id,
                                 check.document.value(QLatin1String("created_at")), now);
    resolution.reasons.append(QStringLiteral("merged into %1: sent fields override, tags unioned")
                                  .arg(target->preset.id));
    return resolution;
}

}  // namespace soundlab::presets
