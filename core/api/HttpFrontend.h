#pragma once

#include "api/AccessPolicy.h"
#include "api/HttpRequestCounter.h"
#include "api/Route.h"
#include "api/RouteTable.h"
#include "api/WebSocketHub.h"

#include <QAbstractHttpServer>
#include <optional>

namespace soundlab::api {

// The HTTP side of the server: turns each request into a route call, in this order of checks:
// Host (403, DNS rebinding), Origin (403), path (404), CORS preflight (OPTIONS), method (405 with
// Allow), token (401), body size (413), content type (415), JSON syntax (400), query and body
// schema (400/422), then the handler. WebSocket upgrades on a stream path are handed to the hub.
//
// It subclasses QAbstractHttpServer rather than using QHttpServer's router because that
// router answers a wrong method with 404 and cannot share its table with the OpenAPI document.
// Thread: created, used and destroyed on the server thread.
class HttpFrontend : public QAbstractHttpServer {
    Q_OBJECT
public:
    HttpFrontend(const RouteTable& routes, WebSocketHub& hub, const AccessPolicy& access,
                 qint64 defaultBodyLimit, QObject* parent = nullptr);

    // Counts every answer this frontend writes (GET /metrics); the counter outlives it.
    void countAnswersIn(HttpRequestCounter* counter) { answers_ = counter; }

    // The body limit of the route a request line names (the default for unknown routes).
    qint64 bodyLimit(const QByteArray& method, const QByteArray& target) const;

protected:
    bool handleRequest(const QHttpServerRequest& request, QTcpSocket* socket) override;
    void missingHandler(const QHttpServerRequest& request, QTcpSocket* socket) override;

private:
    // Builds the response to one (non-upgrade) request.
    Response respond(const QHttpServerRequest& request) const;
    static ApiError hostRefusal();
    std::optional<ApiError> upgradeRefusal(const QHttpServerRequest& request) const;
    void write(const QHttpServerRequest& request, QTcpSocket* socket, Response response);
    std::optional<ApiError> parseQuery(const Route& route, const QHttpServerRequest& request,
                                       QJsonObject* query) const;

    const RouteTable& routes_;
    WebSocketHub& hub_;
    const AccessPolicy& access_;
    qint64 defaultBodyLimit_;
    HttpRequestCounter* answers_ = nullptr;
};

}  // namespace soundlab::api
