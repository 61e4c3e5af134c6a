#include "api/HttpFrontend.h"

#include "api/JsonSchema.h"
#include "api/RequestGuard.h"

#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QTcpSocket>
#include <QUrlQuery>

namespace soundlab::api {

namespace {

QByteArray methodName(QHttpServerRequest::Method method) {
    using M = QHttpServerRequest::Method;
    switch (method) {
        case M::Get:
            return "GET";
        case M::Put:
            return "PUT";
        case M::Delete:
            return "DELETE";
        case M::Post:
            return "POST";
        case M::Head:
            return "HEAD";
        case M::Options:
            return "OPTIONS";
        case M::Patch:
            return "PATCH";
        case M::Connect:
            return "CONNECT";
        case M::Trace:
            return "TRACE";
        default:
            return "UNKNOWN";
    }
}

bool isWebSocketUpgrade(const QHttpServerRequest& request) {
    return request.value("upgrade").compare("websocket", Qt::CaseInsensitive) == 0;
}

// "multipart/form-data; boundary=x" → "multipart/form-data"
QByteArray mediaType(const QByteArray& contentType) {
    return contentType.split(';').value(0).trimmed().toLower();
}

bool isJsonContentType(const QByteArray& contentType) {
    const QByteArray mime = mediaType(contentType);
    return mime == "application/json" || mime.endsWith("+json");
}

bool acceptsRawBody(const Route& route, const QByteArray& contentType) {
    const QByteArray mime = mediaType(contentType);
    for (const RawBodyType& type : route.rawBodyTypes) {
        if (type.mediaType == mime) return true;
        if (type.mediaType == "application/json" && isJsonContentType(contentType)) return true;
    }
    return false;
}

QStringList acceptedBodyTypes(const Route& route) {
    QStringList types;
    if (!route.requestSchema.isEmpty()) types << QStringLiteral("application/json");
    for (const RawBodyType& type : route.rawBodyTypes)
        if (!types.contains(QString::fromLatin1(type.mediaType)))
            types << QString::fromLatin1(type.mediaType);
    return types;
}

}  // namespace

HttpFrontend::HttpFrontend(const RouteTable& routes, WebSocketHub& hub, const AccessPolicy& access,
                           RouteExecutor& executor, qint64 defaultBodyLimit, QObject* parent)
    : QAbstractHttpServer(parent),
      routes_(routes),
      hub_(hub),
      access_(access),
      executor_(executor),
      defaultBodyLimit_(defaultBodyLimit) {
    connect(this, &QAbstractHttpServer::newWebSocketConnection, this, [this] {
        while (hasPendingWebSocketConnections()) hub_.accept(nextPendingWebSocketConnection());
    });
}

qint64 HttpFrontend::bodyLimit(const QByteArray& method, const QByteArray& target) const {
    const QByteArray path = target.split('?').value(0);
    const RouteTable::Match match = routes_.match(method, QString::fromUtf8(path));
    if (match.route && match.route->maxBodyBytes > 0) return match.route->maxBodyBytes;
    return defaultBodyLimit_;
}

std::optional<ApiError> HttpFrontend::upgradeRefusal(const QHttpServerRequest& request) const {
    if (!access_.hostAllowed(request.value("host"))) return hostRefusal();
    if (!access_.originAllowed(request.value("origin")))
        return ApiError::forbidden(QStringLiteral("origin_not_allowed"),
                                   QStringLiteral("this origin may not open WebSockets here"));
    const QString path = request.url().path();
    if (!hub_.hasStream(path))
        return ApiError::notFound(QStringLiteral("no WebSocket stream at %1 (streams: %2)")
                                      .arg(path, hub_.streamPaths().join(", ")));
    return std::nullopt;
}

bool HttpFrontend::handleRequest(const QHttpServerRequest& request, QTcpSocket* socket) {
    RequestGuard* guard = RequestGuard::of(socket);
    if (guard && guard->rejected()) return false;  // already answered; missingHandler is silent
    if (isWebSocketUpgrade(request)) {
        if (upgradeRefusal(request)) return false;  // missingHandler answers, Qt closes
        // Returning true without writing makes Qt 6.4 hand the socket to its WebSocket server.
        if (guard) guard->releaseForUpgrade();
        socket->setSocketOption(QAbstractSocket::SendBufferSizeSocketOption,
                                hub_.limits().socketSendBufferBytes);
        // Each frame is a whole message: send it now. With Nagle a frame waited for the ACK of
        // the one before, which a client may delay by 40 ms (/ws/events' p99, bench-events.py).
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        return true;
    }

    // Qt 6.4's request object is reused for the connection's next request: keep what the answer
    // needs. The responder only holds the socket (and writes nothing when it is destroyed), so
    // it may write later, from this thread, as long as the socket lives.
    const QByteArray origin = request.value("origin");
    const bool answersOwed = owed_.count(socket) > 0;
    const auto answer = [&](Response response) {
        if (answersOwed) {
            owe(socket, makeResponder(request, socket), origin, std::move(response));
        } else {
            QHttpServerResponder responder = makeResponder(request, socket);
            write(responder, origin, std::move(response));
        }
    };

    std::variant<Response, Call> checked = check(request);
    if (auto* refusal = std::get_if<Response>(&checked)) {
        answer(std::move(*refusal));
        return true;
    }
    Call& call = std::get<Call>(checked);
    const Route& route = *call.route;
    if (route.execution == Execution::ServerThread) {
        answer(invokeHandler(route.handler, call.request));
        return true;
    }
    if (refusingWork_) {
        answer(Response::error(
            {503, QStringLiteral("unavailable"), QStringLiteral("the server is shutting down")}));
        return true;
    }
    const quint64 id = owe(socket, makeResponder(request, socket), origin, std::nullopt);
    // Runs on this thread; the frontend or the socket may be gone by then (stop(), or the
    // client closed the connection): the answer is then dropped.
    auto deliver = [frontend = QPointer<HttpFrontend>(this),
                    connection = QPointer<QTcpSocket>(socket), id](Response response) {
        if (frontend && connection) frontend->settle(connection, id, std::move(response));
    };
    executor_.run(route.serialQueue, route.handler, std::move(call.request), std::move(deliver));
    return true;
}

void HttpFrontend::missingHandler(const QHttpServerRequest& request, QTcpSocket* socket) {
    RequestGuard* guard = RequestGuard::of(socket);
    if (guard && guard->rejected()) return;
    const auto refusal = upgradeRefusal(request);
    Response response =
        Response::error(refusal.value_or(ApiError::notFound(QStringLiteral("not found"))));
    if (owed_.count(socket) > 0) {
        owe(socket, makeResponder(request, socket), request.value("origin"), std::move(response));
        return;
    }
    QHttpServerResponder responder = makeResponder(request, socket);
    write(responder, request.value("origin"), std::move(response));
}

quint64 HttpFrontend::owe(QTcpSocket* socket, QHttpServerResponder responder, QByteArray origin,
                          std::optional<Response> response) {
    auto [it, inserted] = owed_.try_emplace(socket);
    if (inserted) {
        it->second.watch =
            connect(socket, &QObject::destroyed, this, [this, socket] { owed_.erase(socket); });
        // The client waits for us now: not an idle connection.
        if (RequestGuard* guard = RequestGuard::of(socket)) guard->setAnswerOwed(true);
    }
    const quint64 id = ++nextAnswerId_;
    it->second.answers.push_back(
        {id, std::move(responder), std::move(origin), std::move(response)});
    return id;
}

void HttpFrontend::settle(QTcpSocket* socket, quint64 id, Response response) {
    const auto it = owed_.find(socket);
    if (it == owed_.end()) return;
    for (OwedAnswer& owed : it->second.answers)
        if (owed.id == id) owed.response = std::move(response);
    flush(socket);
}

void HttpFrontend::flush(QTcpSocket* socket) {
    const auto it = owed_.find(socket);
    if (it == owed_.end()) return;
    std::deque<OwedAnswer>& answers = it->second.answers;
    while (!answers.empty() && answers.front().response) {
        OwedAnswer owed = std::move(answers.front());
        answers.pop_front();
        // A client that closed meanwhile gets nothing (and Qt deletes the socket).
        if (socket->state() == QAbstractSocket::ConnectedState)
            write(owed.responder, owed.origin, std::move(*owed.response));
    }
    if (!answers.empty()) return;
    disconnect(it->second.watch);
    owed_.erase(it);
    // May write an error the guard held back until the older answers were out.
    if (RequestGuard* guard = RequestGuard::of(socket)) guard->setAnswerOwed(false);
}

void HttpFrontend::write(QHttpServerResponder& responder, const QByteArray& origin,
                         Response response) {
    if (answers_) answers_->count(response.status);
    if (!origin.isEmpty() && access_.originAllowed(origin)) {
        response.addHeader("Access-Control-Allow-Origin", origin);
        response.addHeader("Vary", "Origin");
    }
    responder.writeStatusLine(static_cast<QHttpServerResponder::StatusCode>(response.status));
    if (!response.body.isEmpty() || response.status != 204) {
        responder.writeHeader("Content-Type", response.contentType);
        responder.writeHeader("Content-Length", QByteArray::number(response.body.size()));
    }
    responder.writeHeader("Cache-Control", "no-store");
    for (const auto& [name, value] : response.headers) responder.writeHeader(name, value);
    responder.writeBody(response.body);
}

ApiError HttpFrontend::hostRefusal() {
    return ApiError::forbidden(
        QStringLiteral("host_not_allowed"),
        QStringLiteral("this server answers only to loopback host names (no access token set)"));
}

std::variant<Response, HttpFrontend::Call> HttpFrontend::check(
    const QHttpServerRequest& request) const {
    if (!access_.hostAllowed(request.value("host"))) return Response::error(hostRefusal());
    const QByteArray origin = request.value("origin");
    if (!access_.originAllowed(origin))
        return Response::error(
            ApiError::forbidden(QStringLiteral("origin_not_allowed"),
                                QStringLiteral("origin %1 is not allowed (see --cors-origin)")
                                    .arg(QString::fromUtf8(origin))));

    const QByteArray method = methodName(request.method());
    const QString path = request.url().path(QUrl::FullyEncoded);
    const RouteTable::Match match = routes_.match(method, path);
    const QString decodedPath = request.url().path();

    if (!match.pathKnown()) {
        if (hub_.hasStream(decodedPath))
            return Response::error({426, QStringLiteral("upgrade_required"),
                                    QStringLiteral("%1 is a WebSocket stream: connect with "
                                                   "ws://")
                                        .arg(decodedPath)});
        return Response::error(ApiError::notFound(
            QStringLiteral("no route %1 (see /api/openapi.json)").arg(decodedPath)));
    }
    const QByteArray allow = match.allowedMethods.join(", ") + ", OPTIONS";

    if (method == "OPTIONS") {
        // CORS preflight (or a plain capability query). Preflights carry no credentials.
        Response r;
        r.status = 204;
        r.addHeader("Allow", allow);
        if (!origin.isEmpty()) {
            r.addHeader("Access-Control-Allow-Methods", allow);
            r.addHeader("Access-Control-Allow-Headers", "Authorization, Content-Type");
            r.addHeader("Access-Control-Max-Age", "600");
        }
        return r;
    }
    if (!match.route) {
        Response r = Response::error(ApiError::methodNotAllowed(
            QStringLiteral("%1 does not accept %2; allowed: %3")
                .arg(decodedPath, QString::fromLatin1(method), QString::fromLatin1(allow))));
        r.addHeader("Allow", allow);
        return r;
    }
    const Route& route = *match.route;

    if (route.requiresAuth && !access_.acceptsAuthorization(request.value("authorization"))) {
        Response r = Response::error(ApiError::unauthorized(
            request.value("authorization").isEmpty()
                ? QStringLiteral("this server requires 'Authorization: Bearer <token>'")
                : QStringLiteral("the access token is not valid")));
        r.addHeader("WWW-Authenticate", "Bearer");
        return r;
    }

    const QByteArray rawBody = request.body();
    const qint64 limit = route.maxBodyBytes > 0 ? route.maxBodyBytes : defaultBodyLimit_;
    if (rawBody.size() > limit)
        return Response::error(ApiError::payloadTooLarge(
            QStringLiteral("the body has %1 bytes; this route accepts at most %2")
                .arg(rawBody.size())
                .arg(limit)));

    Request call;
    call.method = method;
    call.path = decodedPath;
    call.pathParams = match.pathParams;
    call.rawBody = rawBody;
    call.peer = request.remoteAddress();
    call.rawQuery = QUrlQuery(request.url().query(QUrl::FullyEncoded));
    for (const auto& [name, value] : request.headers())
        call.headers.append(qMakePair(name.toLower(), value));
    if (auto error = parseQuery(route.query, QUrlQuery(request.url()), &call.query))
        return Response::error(*error);

    const bool takesBody = !route.requestSchema.isEmpty() || !route.rawBodyTypes.isEmpty();
    if (takesBody) {
        if (rawBody.trimmed().isEmpty()) {
            if (route.requestBodyRequired)
                return Response::error(
                    ApiError::badRequest(QStringLiteral("missing_body"),
                                         QStringLiteral("this route needs a body (%1)")
                                             .arg(acceptedBodyTypes(route).join(" or "))));
        } else if (acceptsRawBody(route, request.value("content-type"))) {
            // The handler parses it (call.rawBody); nothing to check here.
        } else {
            if (route.requestSchema.isEmpty() || !isJsonContentType(request.value("content-type")))
                return Response::error(ApiError::unsupportedMediaType(
                    QStringLiteral("send the body as 'Content-Type: %1'")
                        .arg(acceptedBodyTypes(route).join("' or '"))));
            QJsonParseError parseError;
            const QJsonDocument doc = QJsonDocument::fromJson(rawBody, &parseError);
            if (parseError.error != QJsonParseError::NoError)
                return Response::error(ApiError::badRequest(
                    QStringLiteral("malformed_json"),
                    QStringLiteral("the body is not valid JSON: %1 at offset %2")
                        .arg(parseError.errorString())
                        .arg(parseError.offset)));
            call.body = doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(doc.array());
            if (auto violation = schema::validate(call.body, route.requestSchema))
                return Response::error(ApiError::invalidValue(violation->toString()));
        }
    }

    return Call{&route, std::move(call)};
}

}  // namespace soundlab::api
