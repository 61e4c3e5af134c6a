#include "api/HttpFrontend.h"

#include "api/JsonSchema.h"
#include "api/RequestGuard.h"

#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonArray>
#include <QJsonDocument>
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
                           qint64 defaultBodyLimit, QObject* parent)
    : QAbstractHttpServer(parent),
      routes_(routes),
      hub_(hub),
      access_(access),
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
        return true;
    }
    write(request, socket, respond(request));
    return true;
}

void HttpFrontend::missingHandler(const QHttpServerRequest& request, QTcpSocket* socket) {
    RequestGuard* guard = RequestGuard::of(socket);
    if (guard && guard->rejected()) return;
    const auto refusal = upgradeRefusal(request);
    write(request, socket,
          Response::error(refusal.value_or(ApiError::notFound(QStringLiteral("not found")))));
}

void HttpFrontend::write(const QHttpServerRequest& request, QTcpSocket* socket, Response response) {
    if (answers_) answers_->count(response.status);
    const QByteArray origin = request.value("origin");
    if (!origin.isEmpty() && access_.originAllowed(origin)) {
        response.addHeader("Access-Control-Allow-Origin", origin);
        response.addHeader("Vary", "Origin");
    }
    QHttpServerResponder responder = makeResponder(request, socket);
    responder.writeStatusLine(static_cast<QHttpServerResponder::StatusCode>(response.status));
    if (!response.body.isEmpty() || response.status != 204) {
        responder.writeHeader("Content-Type", response.contentType);
        responder.writeHeader("Content-Length", QByteArray::number(response.body.size()));
    }
    responder.writeHeader("Cache-Control", "no-store");
    for (const auto& [name, value] : response.headers) responder.writeHeader(name, value);
    responder.writeBody(response.body);
}

std::optional<ApiError> HttpFrontend::parseQuery(const Route& route,
                                                 const QHttpServerRequest& request,
                                                 QJsonObject* query) const {
    const QUrlQuery items(request.url());
    for (const auto& parameter : route.query) {
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
        if (auto violation = schema::validate(*value, parameter.schema))
            return ApiError::invalidValue(
                QStringLiteral("query parameter '%1' %2").arg(parameter.name, violation->message));
        query->insert(parameter.name, *value);
    }
    return std::nullopt;
}

ApiError HttpFrontend::hostRefusal() {
    return ApiError::forbidden(
        QStringLiteral("host_not_allowed"),
        QStringLiteral("this server answers only to loopback host names (no access token set)"));
}

Response HttpFrontend::respond(const QHttpServerRequest& request) const {
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
    if (auto error = parseQuery(route, request, &call.query)) return Response::error(*error);

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

    try {
        return route.handler(call);
    } catch (const std::exception& e) {
        qWarning("soundlab api: %s %s failed: %s", method.constData(), qPrintable(decodedPath),
                 e.what());
        return Response::error(ApiError::internal(
            QStringLiteral("the handler failed: %1").arg(QString::fromLocal8Bit(e.what()))));
    } catch (...) {
        return Response::error(ApiError::internal(QStringLiteral("the handler failed")));
    }
}

}  // namespace soundlab::api
