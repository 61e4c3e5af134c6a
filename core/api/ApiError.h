#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace soundlab::api {

// An error as every route reports it: HTTP status plus the body
// {"error":{"code":"...","message":"..."}}. `code` is a stable machine-readable word,
// `message` tells a human what was wrong and, where possible, what is valid.
struct ApiError {
    int status = 500;
    QString code;
    QString message;

    QJsonObject toJson() const {
        return QJsonObject{
            {QStringLiteral("error"),
             QJsonObject{{QStringLiteral("code"), code}, {QStringLiteral("message"), message}}}};
    }

    static ApiError badRequest(QString code, QString message) {
        return {400, std::move(code), std::move(message)};
    }
    static ApiError unauthorized(QString message) {
        return {401, QStringLiteral("unauthorized"), std::move(message)};
    }
    static ApiError forbidden(QString code, QString message) {
        return {403, std::move(code), std::move(message)};
    }
    static ApiError notFound(QString message) {
        return {404, QStringLiteral("not_found"), std::move(message)};
    }
    static ApiError methodNotAllowed(QString message) {
        return {405, QStringLiteral("method_not_allowed"), std::move(message)};
    }
    static ApiError conflict(QString code, QString message) {
        return {409, std::move(code), std::move(message)};
    }
    static ApiError payloadTooLarge(QString message) {
        return {413, QStringLiteral("payload_too_large"), std::move(message)};
    }
    static ApiError unsupportedMediaType(QString message) {
        return {415, QStringLiteral("unsupported_media_type"), std::move(message)};
    }
    static ApiError invalidValue(QString message) {
        return {422, QStringLiteral("invalid_value"), std::move(message)};
    }
    static ApiError internal(QString message) {
        return {500, QStringLiteral("internal_error"), std::move(message)};
    }
};

}  // namespace soundlab::api
