#pragma once

#include "api/ApiError.h"

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrlQuery>
#include <functional>

namespace soundlab::api {

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

// A query parameter a route accepts. The server converts the text to the schema's type
// (boolean, integer, number or string) and validates it before the handler runs.
struct QueryParameter {
    QString name;
    QJsonObject schema;
    QString description;
    bool required = false;
};

// What a handler sees of a request, after routing, authentication, size, content-type,
// parsing and schema validation have passed.
struct Request {
    QByteArray method;
    QString path;
    QHash<QString, QString> pathParams;  // {name} segments of the route's path, decoded
    QJsonObject query;                   // declared query parameters, converted and validated
    // The whole query as sent (still percent-encoded), for parameters that repeat (?ids=a&ids=b)
    // or that a library parses itself.
    QUrlQuery rawQuery;
    // Parsed JSON body: Undefined when the route takes none, or when the body came as one of the
    // route's rawBodyTypes.
    QJsonValue body;
    QByteArray rawBody;
    HeaderList headers;  // names lower-case
    QHostAddress peer;

    QByteArray header(const QByteArray& lowerCaseName) const {
        for (const auto& [name, value] : headers)
            if (name == lowerCaseName) return value;
        return {};
    }
};

// What a handler answers. JSON unless it says otherwise.
struct Response {
    int status = 200;
    QByteArray body;
    QByteArray contentType = "application/json";
    HeaderList headers;

    void addHeader(const QByteArray& name, const QByteArray& value) {
        headers.append(qMakePair(name, value));
    }

    static Response json(const QJsonValue& value, int status = 200);
    static Response error(const ApiError& error);
};

// A media type other than JSON that a route accepts as its body, e.g. "multipart/form-data".
struct RawBodyType {
    QByteArray mediaType;  // lower case, without parameters
    QJsonObject schema;    // what the OpenAPI document shows for it
};

// One operation of the API. The same table drives the router and /api/openapi.json, so the
// document always describes what the server does.
struct Route {
    QByteArray method;  // GET, POST, PUT, PATCH or DELETE
    QString path;       // literal segments and {param} segments: "/api/presets/{id}"
    QString summary;
    QString description;
    QString tag;  // OpenAPI grouping ("audio", "server", "presets", ...)
    QList<QueryParameter> query;
    // JSON Schema (subset, see JsonSchema.h) of the request body; empty: the route takes no body.
    QJsonObject requestSchema;
    // Bodies the server hands to the handler unparsed (in rawBody, with the Content-Type header):
    // the route parses them itself. A type listed here wins over requestSchema for that type;
    // "application/json" here means JSON bodies are not parsed either (e.g. a 16 MiB bundle the
    // handler checks before parsing). Any other type gets 415.
    QList<RawBodyType> rawBodyTypes;
    bool requestBodyRequired = true;
    QJsonObject responseSchema;                         // of the 2xx answer
    QByteArray responseMediaType = "application/json";  // of the 2xx answer, for the document
    QList<QPair<QString, QString>> responseHeaders;     // of the 2xx answer: name, description
    int successStatus = 200;
    QList<int> errorStatuses;  // route-specific errors (409, 422, ...) for the document
    qint64 maxBodyBytes = 0;   // 0: the server's default (ApiServerOptions::maxBodyBytes)
    bool requiresAuth = true;  // false only for liveness probes
    // Runs on the server thread. It may call into the engine's control API (which never waits
    // for the audio thread) but must not block for long: every other request waits meanwhile.
    std::function<Response(const Request&)> handler;
};

}  // namespace soundlab::api
