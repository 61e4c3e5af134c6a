#include "presets/PresetInput.h"

#include "presets/PresetSchema.h"

#include <algorithm>

namespace soundlab::presets {

PresetInput PresetInput::parse(const QJsonValue& raw) {
    const PresetSchema& schema = PresetSchema::instance();
    PresetInput input;
    input.raw = raw.toObject();
    input.document = raw.isObject() ? schema.withDefaults(input.raw) : QJsonObject();
    input.errors = schema.validate(raw.isObject() ? QJsonValue(input.document) : raw);

    // The schema's pattern admits 2025-02-30; a calendar is beyond JSON Schema, so this one rule
    // lives here.
    for (const char* key : {"created_at", "modified_at"}) {
        const QString field = QString::fromLatin1(key);
        const QJsonValue value = input.document.value(field);
        const bool alreadyReported =
            std::any_of(input.errors.begin(), input.errors.end(),
                        [&](const ValidationError& e) { return e.path == field; });
        if (value.isString() && !alreadyReported && !parseTimestamp(value.toString()).isValid()) {
            input.errors.append({field, QStringLiteral("must be a real calendar date-time in UTC "
                                                       "ISO 8601; got \"%1\"")
                                            .arg(value.toString())});
        }
    }
    return input;
}

}  // namespace soundlab::presets
