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
#include <optional>

namespace soundlab::api {

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

// A query parameter a route accepts. The server converts the text to the schema's type
// (boolean, integer, number or string) and validates it before the handler runs.
struct QueryParameter {
    QString name;
    QJsonObject schema;
    QString description;
    bool required = false;

    // The 422 the server answers when a converted value breaks the schema. In-process callers
    // of a handler's function (the GUI's view-models) check with it, for the same message.
    std::optional<ApiError> check(const QJsonValue& value) const;
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
    // Who sent it when it came in-process, not over a socket: "gui" (ui/LocalBackend). Logs
    // name clientName().
    QString client;

    QString clientName() const { return client.isEmpty() ? peer.toString() : client; }

    QByteArray header(const QByteArray& lowerCaseName) const {
        for (const auto& [name, value] : headers)
            if (name == lowerCaseName) return value;
        return {};
    }
};

// Converts and validates the declared query parameters found in `items` into `query`, as the
// server does before a handler runs: the 400 (missing, malformed) or 422 (out of range) to answer,
// or nullopt. For every front end of the routes (HTTP, the GUI's in-process backend).
std::optional<ApiError> parseQuery(const QList<QueryParameter>& parameters, const QUrlQuery& items,
                                   QJsonObject* query);

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

// Where a route's handler runs (docs/api.md, "Threads").
enum class Execution {
    // On the API's worker pool; the server thread goes on parsing, routing, answering other
    // requests and sending WebSocket frames meanwhile, and writes the answer when it is ready.
    // The default: a handler may wait (device open/close, file writes with fsync, a lock that
    // a long import holds) unless its route says otherwise.
    Worker,
    // Inline on the server thread, for handlers that never wait: they read lock-free snapshots
    // or server-thread state (the WebSocket hub), do no I/O and take no lock that another thread
    // may hold for long.
    ServerThread,
};

// Serial queues of the built-in routes (Route::serialQueue): the requests that change one
// resource run one at a time, in arrival order, as they did when every handler ran on the one
// server thread.
inline const QString kAudioQueue = QStringLiteral("audio");      // stream start/stop/config
inline const QString kEngineQueue = QStringLiteral("engine");    // what the engine plays
inline const QString kPresetsQueue = QStringLiteral("presets");  // preset store writes

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
    Execution execution = Execution::Worker;
    // Worker routes naming the same queue run one at a time, in the order their requests were
    // read (e.g. "audio": start, stop and device changes, which read-modify-write the stream
    // configuration). Empty: any free worker, concurrently with other handlers.
    QString serialQueue;
    // Called with a request that passed every check. It runs where `execution` says, so it may
    // touch only thread-safe objects (or server-thread ones when it runs there), and must not
    // keep references into the Request beyond the call.
    std::function<Response(const Request&)> handler;
};

}  // namespace soundlab::api
