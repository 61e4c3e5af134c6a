#include "api/Route.h"

#include "api/JsonSchema.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace soundlab::api {

std::optional<ApiError> QueryParameter::check(const QJsonValue& value) const {
    if (auto violation = schema::validate(value, schema))
        return ApiError::invalidValue(
            QStringLiteral("query parameter '%1' %2").arg(name, violation->message));
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
