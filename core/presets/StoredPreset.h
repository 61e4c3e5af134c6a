#pragma once

#include "presets/Preset.h"

#include <QJsonObject>
#include <QString>

namespace soundlab::presets {

// A preset as the store holds it: the typed form, the canonical document (what its file holds
// and GET returns) and its ETag.
struct StoredPreset {
    Preset preset;
    QJsonObject document;
    QString etag;

    // From a valid, complete document: normalises it through the typed form (timestamps in UTC
    // with milliseconds, every field present) and computes the ETag of the result.
    static StoredPreset fromDocument(const QJsonObject& document);

    // The fields a listing shows: id, name, tags, author, created_at, modified_at.
    QJsonObject summaryJson() const;
};

}  // namespace soundlab::presets
