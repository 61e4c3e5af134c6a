#pragma once

#include "api/Route.h"
#include "rt/HandOff.h"

#include <QObject>
#include <QString>
#include <QThreadPool>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>

namespace soundlab::api {

// Runs the handlers of Execution::Worker routes off the server thread (docs/api.md, "Threads"):
// a bounded pool for handlers that may run side by side, plus one single-thread queue per
// Route::serialQueue name, so that the handlers of one resource run one at a time in the order
// they were submitted (QThreadPool runs tasks of equal priority first in, first out).
//
// Thread: run() is called on the server thread; each result is handed back on the thread of
// `replyContext`, which must outlive every submitted task (ApiServer waits for them before it
// deletes its server-thread context). waitForDone() may be called from any thread but the
// server thread (which may have to deliver results meanwhile).
class RouteExecutor {
public:
    RouteExecutor(QObject* replyContext, int maxConcurrentHandlers);
    ~RouteExecutor();  // waits for every task, however long it takes
    RouteExecutor(const RouteExecutor&) = delete;
    RouteExecutor& operator=(const RouteExecutor&) = delete;

    // Creates the queue `name` if it does not exist. Called before the server starts, so that
    // run() never creates threads or changes the map while workers run.
    void addSerialQueue(const QString& name);

    // Runs `handler(request)` on a worker (on `serialQueue` when not empty), catching what it
    // throws as a 500, then `deliver(response)` on the reply context's thread.
    void run(const QString& serialQueue, std::function<Response(const Request&)> handler,
             Request request, std::function<void(Response)> deliver);

    // Waits until no task is queued or running, at most `timeout`; true when all are done.
    bool waitForDone(std::chrono::milliseconds timeout);
    int pending() const { return pending_.load(); }

private:
    QThreadPool* poolFor(const QString& serialQueue);

    QObject* replyContext_;
    QThreadPool concurrent_;
    std::map<QString, std::unique_ptr<QThreadPool>> serial_;
    std::atomic<int> pending_{0};  // submitted, result not yet handed to the reply thread
    // Tasks release it when their handler returns; waitForDone() acquires it, so what a handler
    // read happens before what its waiter does next (the pool's own wait is Qt's, unseen by TSan).
    rt::HandOff handlersDone_;
};

// Calls a route's handler, turning an exception into a 500 (the server keeps serving).
Response invokeHandler(const std::function<Response(const Request&)>& handler,
                       const Request& request);

}  // namespace soundlab::api
