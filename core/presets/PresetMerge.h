#pragma once

#include <QJsonObject>

namespace soundlab::presets {

// The `merge` collision policy (SPEC §7) on documents: the fields present in `incoming` override,
// absent ones keep `existing`'s value, tags are unioned (existing order first, case-insensitive),
// and created_at keeps the earlier of the two. Objects (engine, phi, downmix, ui) merge key by key,
// so {"engine": {"coupling_strength": 1.5}} changes only that one value; other arrays
// (frequencies, weights) are values and are replaced whole. The result keeps `existing`'s id and
// modified_at; the store stamps modified_at when it writes.
//
// `incoming` must be the preset as sent (without defaults filled in), or every default would
// override a stored value.
QJsonObject mergePresets(const QJsonObject& existing, const QJsonObject& incoming);

}  // namespace soundlab::presets
