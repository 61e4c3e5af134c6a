#pragma once

#include "presets/CollisionPolicy.h"
#include "presets/ImportReport.h"
#include "presets/PresetDiff.h"
#include "presets/PresetIndex.h"
#include "presets/StoredPreset.h"
#include "presets/ValidationError.h"

#include <QDateTime>
#include <QJsonValue>
#include <QString>
#include <QStringList>
#include <functional>
#include <optional>

namespace soundlab::presets {

// Makes a candidate id for a new preset; called with attempt 0, 1, ... until the id is free.
using PresetIdGenerator = std::function<QString(int attempt)>;

// What storing one incoming preset would do, decided without touching the disk.
struct PresetResolution {
    PresetAction action = PresetAction::Invalid;
    QString incomingId;                    // as sent; may be empty
    QString incomingName;                  // as sent; may be empty
    std::optional<StoredPreset> result;    // create, copy, overwrite, merge: what to store
    std::optional<StoredPreset> existing;  // the stored preset it collides with, if any
    PresetDiff diff;                       // existing → incoming, when it collides
    QStringList reasons;                   // human-readable, one per cause
    QList<ValidationError> errors;         // invalid: every schema error
};

// Decides how `raw` (a POST body or bundle entry, possibly partial) enters `index` (SPEC §7):
// invalid documents are refused with all their errors; a collision (same id, or same name
// case-insensitively) is resolved by `policy`; otherwise the preset is created, keeping a sent
// id and created_at. Timestamps written are `now`; new ids come from `newId`.
//
// Choices where SPEC §7 is silent:
// - overwrite keeps the existing id and created_at; merge keeps the id and the earlier created_at;
// - new_copy keeps the incoming name when only the id collided, else picks the first free
//   "X (copy)", "X (copy 2)", ... (an existing " (copy N)" suffix on X is replaced, not nested);
//   a copy is a new preset, so its created_at is `now`;
// - if the id matches one stored preset and the name another, overwrite and merge are refused as
//   a conflict (either would leave two presets with one name); new_copy proceeds;
// - an id held by a damaged file is a conflict under every policy but new_copy.
PresetResolution resolveIncomingPreset(const PresetIndex& index, const QJsonValue& raw,
                                       CollisionPolicy policy, const QDateTime& now,
                                       const PresetIdGenerator& newId);

// The first of "X (copy)", "X (copy 2)", ... not taken in `index` (at most 128 characters).
QString uniqueCopyName(const PresetIndex& index, const QString& name);

}  // namespace soundlab::presets
