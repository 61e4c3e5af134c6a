#pragma once

#include "presets/PresetOutcome.h"
#include "presets/ValidationError.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>

namespace soundlab::presets {

// Bundles above this size are refused before parsing (HTTP 413).
inline constexpr qsizetype kMaxBundleBytes = 16 * 1024 * 1024;
// Bundles with more presets than this are refused whole (HTTP 413): an import holds the store's
// write lock while it plans and writes, and 10 000 files take seconds to write.
inline constexpr qsizetype kMaxBundlePresets = 10'000;

// The export/import format (SPEC §7): {"schema_version":1,"export_date":…,"presets":[…]}.
QJsonObject makeBundle(const QJsonArray& presets, const QDateTime& exportDate);

// A bundle's envelope, checked; the presets inside are checked one by one by the importer, so a
// bad entry never spoils the good ones.
struct BundleContents {
    PresetOutcome outcome = PresetOutcome::Ok;  // Ok, Malformed, TooLarge or Invalid
    QJsonArray presets;
    QList<ValidationError> errors;  // why the envelope was refused
};

// Raw bytes as uploaded (a multipart file field or a request body).
BundleContents readBundle(const QByteArray& bytes);
// An already parsed body. Envelope rules: an object with a `presets` array, `schema_version`
// 1 when present, `export_date` a string when present, no other keys.
BundleContents readBundle(const QJsonValue& bundle);

}  // namespace soundlab::presets
