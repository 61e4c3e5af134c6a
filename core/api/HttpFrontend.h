#pragma once

#include "api/AccessPolicy.h"
#include "api/HttpRequestCounter.h"
#include "api/Route.h"
#include "api/RouteExecutor.h"
#include "api/RouteTable.h"
#include "api/WebSocketHub.h"

#include <QAbstractHttpServer>
#include <QHttpServerResponder>
#include <deque>
#include <optional>
#include <unordered_map>
#include <variant>

namespace soundlab::api {

// The HTTP side of the server: turns each request into a route call, in this order of checks:
// Host (403, DNS rebinding), Origin (403), path (404), CORS preflight (OPTIONS), method (405 with
// Allow), token (401), body size (413), content type (415), JSON syntax (400), query and body
// schema (400/422), then the handler. WebSocket upgrades on a stream path are handed to the hub.
//
// It subclasses QAbstractHttpServer rather than using QHttpServer's router because that
// router answers a wrong method with 404 and cannot share its table with the OpenAPI document.
//
// Every check runs on the server thread; the handler runs there too for ServerThread routes,
// otherwise on the RouteExecutor, and the answer is written back here when it is ready. Answers
// on one connection leave in the order of their requests (HTTP/1.1 pipelining): an answer that
// is ready early waits behind the ones still being computed.
// Thread: created, used and destroyed on the server thread.
class HttpFrontend : public QAbstractHttpServer {
    Q_OBJECT
public:
    HttpFrontend(const RouteTable& routes, WebSocketHub& hub, const AccessPolicy& access,
                 RouteExecutor& executor, qint64 defaultBodyLimit, QObject* parent = nullptr);

    // Counts every answer this frontend writes (GET /metrics); the counter outlives it.
    void countAnswersIn(HttpRequestCounter* counter) { answers_ = counter; }

    // The body limit of the route a request line names (the default for unknown routes).
    qint64 bodyLimit(const QByteArray& method, const QByteArray& target) const;

    // From now on Worker routes are answered 503 instead of being started (ApiServer::stop
    // drains the ones already running).
    void refuseNewWork() { refusingWork_ = true; }

protected:
    bool handleRequest(const QHttpServerRequest& request, QTcpSocket* socket) override;
    void missingHandler(const QHttpServerRequest& request, QTcpSocket* socket) override;

private:
    // A request that passed every check, for its route's handler.
    struct Call {
        const Route* route;
        Request request;
    };
    // An answer owed on one connection: written when it and every older one are ready.
    struct OwedAnswer {
        quint64 id;
        QHttpServerResponder responder;
        QByteArray origin;
        std::optional<Response> response;  // empty while a worker computes it
    };

    // Checks one (non-upgrade) request: the error answer, or the call to make.
    std::variant<Response, Call> check(const QHttpServerRequest& request) const;
    static ApiError hostRefusal();
    std::optional<ApiError> upgradeRefusal(const QHttpServerRequest& request) const;
    void write(QHttpServerResponder& responder, const QByteArray& origin, Response response);
    // Queues an answer on `socket` (ready or not) and returns its id.
    quint64 owe(QTcpSocket* socket, QHttpServerResponder responder, QByteArray origin,
                std::optional<Response> response);
    // A worker's result for answer `id` on `socket`.
    void settle(QTcpSocket* socket, quint64 id, Response response);
    // Writes the ready answers at the head of the socket's queue.
    void flush(QTcpSocket* socket);

    const RouteTable& routes_;
    WebSocketHub& hub_;
    const AccessPolicy& access_;
    RouteExecutor& executor_;
    qint64 defaultBodyLimit_;
    bool refusingWork_ = false;
    quint64 nextAnswerId_ = 0;
    struct Connection {
        std::deque<OwedAnswer> answers;  // oldest first
        QMetaObject::Connection watch;   // removes the entry when the socket is destroyed
    };
    // Connections with answers still owed.
    std::unordered_map<QTcpSocket*, Connection> owed_;
    HttpRequestCounter* answers_ = nullptr;
};

}  // namespace soundlab::api
