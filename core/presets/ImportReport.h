#pragma once

#include "presets/CollisionPolicy.h"
#include "presets/PresetDiff.h"
#include "presets/PresetOutcome.h"
#include "presets/ValidationError.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <array>

namespace soundlab::presets {

// What happens to one incoming preset (a POST body or a bundle entry).
enum class PresetAction { Create, Overwrite, Copy, Merge, Conflict, Invalid };
inline constexpr int kPresetActionCount = 6;

// "create", "overwrite", "copy", "merge", "conflict", "invalid"
QString toString(PresetAction action);

// The verdict on one bundle entry.
struct ImportEntry {
    int index = 0;  // position in the bundle's `presets`
    PresetAction action = PresetAction::Invalid;
    QString id;           // the id it has (or would have) in the store; the incoming id otherwise
    QString name;         // the name it has (or would have); a copy's new unique name
    QString existingId;   // overwrite, merge, conflict: the stored preset it collides with
    QStringList reasons;  // human-readable, one per cause
    QList<ValidationError> errors;  // invalid: every schema error, paths inside the preset
    PresetDiff diff;                // conflict: existing → incoming
    QString storageError;           // real run only: the write failed, nothing changed

    QJsonObject toJson() const;
};

// The answer to an import: per entry what happened (or, for a dry run, what would happen) and
// the counts per action. A dry run and the real run that follows produce equal reports apart
// from `dry_run` (a test holds this).
struct ImportReport {
    PresetOutcome outcome = PresetOutcome::Ok;  // Ok, or the envelope's Malformed/TooLarge/Invalid
    bool dryRun = false;
    CollisionPolicy policy = CollisionPolicy::Prompt;
    QList<ValidationError> errors;  // the envelope's errors
    QList<ImportEntry> entries;

    int count(PresetAction action) const;
    // entries whose write failed (real run only)
    int storageFailures() const;

    // One line per entry that was (or would be) left out: invalid, conflict, or its write
    // failed. The seed's clients show these; the per-entry reports carry the details.
    QStringList entryErrors() const;

    // {"dry_run", "collision", "counts": {"create": n, ..., "total": n}, "presets": [...],
    // "errors": ["preset 3 (\"X\"): why", ...]} or, for a refused envelope,
    // {"error": {"code", "message", "errors"}}.
    QJsonObject toJson() const;
};

}  // namespace soundlab::presets
