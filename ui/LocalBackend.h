#pragma once

#include "ControlBackend.h"
#include "api/Route.h"
#include "api/RouteExecutor.h"
#include "api/RouteTable.h"

#include <functional>

namespace soundlab {

// The in-process backend: every request runs the route handler the API server runs for it,
// without a socket. The same checks come first (query parameters, the body's JSON schema), with
// the same 4xx answers; ServerThread routes (those that never wait) answer inline, Worker routes
// run off the GUI thread on serial queues as the server runs them, and answer on the GUI thread.
// Requests carry the client name "gui", so the change observer's `control` records and markers
// say the window did it.
//
// In the app it is given the server's own route table (ApiServer::routeTable(), which logs
// changes already); a test without a server gives it the routes and the session log's observer.
// Whatever the routes refer to (engine, store, calibrator) must outlive it.
class LocalBackend : public ControlBackend {
    Q_OBJECT
public:
    using ChangeObserver = std::function<void(const api::Request&, const api::Response&)>;

    explicit LocalBackend(const QList<api::Route>& routes, ChangeObserver observer = {},
                          QObject* parent = nullptr);
    ~LocalBackend() override;  // waits for running handlers

    using ControlBackend::send;
    void send(const QByteArray& method, const QString& pathAndQuery, const BackendHeaders& headers,
              const QJsonValue& body, QObject* context, Done done) override;

    // Waits until every handler ran and its answer was handed on (tests, shutdown); runs this
    // thread's events meanwhile.
    void waitForHandlers();

    static constexpr auto kClient = "gui";

private:
    api::RouteTable routes_;
    api::RouteExecutor executor_;
};

// The API's answer as a view-model sees it (the body parsed).
BackendReply toReply(const api::Response& response);

}  // namespace soundlab
