#include "presets/ValidationError.h"

namespace soundlab::presets {

QJsonObject ValidationError::toJson() const {
    return QJsonObject{{QStringLiteral("path"), path}, {QStringLiteral("message"), message}};
}

QString ValidationError::toString() const {
    return path + QStringLiteral(": ") + message;
}

QJsonArray toJson(const QList<ValidationError>& errors) {
    QJsonArray array;
    for (const ValidationError& error : errors) array.append(error.toJson());
    return array;
}

QList<ValidationError> prefixed(const QList<ValidationError>& errors, const QString& prefix) {
    QList<ValidationError> result;
    result.reserve(errors.size());
    for (const ValidationError& error : errors) {
        QString path = prefix;
        if (error.path == QLatin1String("(root)")) {
            // the prefix alone names the document
        } else if (error.path.startsWith(QLatin1Char('['))) {
            path += error.path;
        } else {
            path += QLatin1Char('.') + error.path;
        }
        result.append({path, error.message});
    }
    return result;
}

}  // namespace soundlab::presets
