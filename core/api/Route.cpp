#include "api/Route.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace soundlab::api {

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
