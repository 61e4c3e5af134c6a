#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace soundlab::presets {

// One reason a document was rejected. `path` names the field in dotted form
// ("engine.frequencies[2]", "phi.mode"; "(root)" for the document itself) and `message` says what
// is allowed and what was given, so a client can show it next to the field.
struct ValidationError {
    QString path;
    QString message;

    bool operator==(const ValidationError&) const = default;

    QJsonObject toJson() const;
    // "engine.frequencies[2]: must be a number in [0.01, 20]; got 25"
    QString toString() const;
};

QJsonArray toJson(const QList<ValidationError>& errors);

// Prefixes every path with `prefix` ("presets[3]" + "engine.phase" → "presets[3].engine.phase").
QList<ValidationError> prefixed(const QList<ValidationError>& errors, const QString& prefix);

}  // namespace soundlab::presets
