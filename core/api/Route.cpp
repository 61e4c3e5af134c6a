#include "api/Route.h"

#include "api/JsonSchema.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>

namespace soundlab::api {

namespace {

// Converts a query parameter's text to the JSON type its schema asks for.
std::optional<QJsonValue> convert(const QString& text, const QJsonObject& schema) {
    const QString type = schema.value(QStringLiteral("type")).toString();
    if (type == QLatin1String("boolean")) {
        if (text == QLatin1String("true") || text == QLatin1String("1")) return QJsonValue(true);
        if (text == QLatin1String("false") || text == QLatin1String("0")) return QJsonValue(false);
        return std::nullopt;
    }
    if (type == QLatin1String("integer")) {
        bool ok = false;
        const qlonglong v = text.toLongLong(&ok);
        return ok ? std::optional<QJsonValue>(QJsonValue(v)) : std::nullopt;
    }
    if (type == QLatin1String("number")) {
        bool ok = false;
        const double v = text.toDouble(&ok);
        return ok && std::isfinite(v) ? std::optional<QJsonValue>(QJsonValue(v)) : std::nullopt;
    }
    return QJsonValue(text);
}

}  // namespace

std::optional<ApiError> QueryParameter::check(const QJsonValue& value) const {
    if (auto violation = schema::validate(value, schema))
        return ApiError::invalidValue(
            QStringLiteral("query parameter '%1' %2").arg(name, violation->message));
    return std::nullopt;
}

std::optional<ApiError> parseQuery(const QList<QueryParameter>& parameters, const QUrlQuery& items,
                                   QJsonObject* query) {
    for (const auto& parameter : parameters) {
        if (!items.hasQueryItem(parameter.name)) {
            if (parameter.required)
                return ApiError::badRequest(
                    QStringLiteral("missing_parameter"),
                    QStringLiteral("query parameter '%1' is required").arg(parameter.name));
            continue;
        }
        const QString text = items.queryItemValue(parameter.name, QUrl::FullyDecoded);
        const auto value = convert(text, parameter.schema);
        if (!value)
            return ApiError::badRequest(
                QStringLiteral("malformed_parameter"),
                QStringLiteral("query parameter '%1' must be %2, got '%3'")
                    .arg(parameter.name, parameter.schema.value(QStringLiteral("type")).toString(),
                         text.left(64)));
        if (auto error = parameter.check(*value)) return error;
        query->insert(parameter.name, *value);
    }
    return std::nullopt;
}

Response Response::json(const QJsonValue& value, int status) {
    Response r;
    r.status = status;
    r.body = value.isArray() ? QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact)
                             : QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
    return r;
}

Response Response::error(const ApiError& error) {
    return json(error.toJson(), error.status);
}

}  // namespace soundlab::api
