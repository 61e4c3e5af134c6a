#pragma once

#include <QJsonObject>
#include <QString>

namespace soundlab::presets {

// The strong HTTP entity tag of a preset document: a quoted hash of its canonical (compact,
// key-sorted) JSON, so it changes exactly when the stored content changes.
QString entityTag(const QJsonObject& document);

// True when an If-Match header value admits `currentTag`: "*", or a comma-separated list of
// tags one of which equals it (a weak "W/" prefix is ignored; unquoted tags are accepted, since
// clients often drop the quotes).
bool ifMatchAccepts(const QString& ifMatch, const QString& currentTag);

}  // namespace soundlab::presets
