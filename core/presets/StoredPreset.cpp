#include "presets/StoredPreset.h"

#include "presets/EntityTag.h"

namespace soundlab::presets {

StoredPreset StoredPreset::fromDocument(const QJsonObject& document) {
    StoredPreset stored;
    stored.preset = Preset::fromJson(document);
    stored.document = stored.preset.toJson();
    stored.etag = entityTag(stored.document);
    return stored;
}

QJsonObject StoredPreset::summaryJson() const {
    QJsonObject summary;
    for (const char* key : {"id", "name", "tags", "author", "created_at", "modified_at"}) {
        summary.insert(QLatin1String(key), document.value(QLatin1String(key)));
    }
    return summary;
}

}  // namespace soundlab::presets
