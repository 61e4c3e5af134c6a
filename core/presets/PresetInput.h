#pragma once

#include "presets/Preset.h"
#include "presets/ValidationError.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>

namespace soundlab::presets {

// A preset as a client sent it (POST body, bundle entry, A/B slot body), checked against schema v1
// and completed with the schema's defaults. `id`, `created_at` and `modified_at` are left as sent
// (possibly absent): the store decides them.
struct PresetInput {
    QJsonObject raw;       // exactly as received; merge needs to know which fields were present
    QJsonObject document;  // raw + defaults
    QList<ValidationError> errors;

    bool isValid() const { return errors.isEmpty(); }
    // The typed preset; meaningful only when valid.
    Preset preset() const { return Preset::fromJson(document); }

    static PresetInput parse(const QJsonValue& raw);
};

}  // namespace soundlab::presets
