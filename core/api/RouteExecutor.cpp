#include "api/RouteExecutor.h"

#include "rt/HandOff.h"

#include <QDeadlineTimer>
#include <QThread>
#include <exception>

namespace soundlab::api {

Response invokeHandler(const std::function<Response(const Request&)>& handler,
                       const Request& request) {
    try {
        return handler(request);
    } catch (const std::exception& e) {
        qWarning("soundlab api: %s %s failed: %s", request.method.constData(),
                 qPrintable(request.path), e.what());
        return Response::error(ApiError::internal(
            QStringLiteral("the handler failed: %1").arg(QString::fromLocal8Bit(e.what()))));
    } catch (...) {
        return Response::error(ApiError::internal(QStringLiteral("the handler failed")));
    }
}

RouteExecutor::RouteExecutor(QObject* replyContext, int maxConcurrentHandlers)
    : replyContext_(replyContext) {
    concurrent_.setObjectName(QStringLiteral("soundlab-api-workers"));
    concurrent_.setMaxThreadCount(maxConcurrentHandlers);
}

RouteExecutor::~RouteExecutor() {
    // A task still running holds a copy of its handler, which refers to objects the server's
    // owner destroys after the server: wait for it, even past stop()'s bound.
    concurrent_.waitForDone();
    for (auto& [name, pool] : serial_) pool->waitForDone();
    handlersDone_.acquire();
}

void RouteExecutor::addSerialQueue(const QString& name) {
    if (name.isEmpty() || serial_.count(name)) return;
    auto pool = std::make_unique<QThreadPool>();
    pool->setObjectName(QStringLiteral("soundlab-api-") + name);
    pool->setMaxThreadCount(1);  // one at a time, first in first out
    serial_.emplace(name, std::move(pool));
}

QThreadPool* RouteExecutor::poolFor(const QString& serialQueue) {
    if (serialQueue.isEmpty()) return &concurrent_;
    const auto it = serial_.find(serialQueue);
    if (it != serial_.end()) return it->second.get();
    qWarning("soundlab api: serial queue '%s' was not registered; running concurrently",
             qPrintable(serialQueue));
    return &concurrent_;
}

void RouteExecutor::run(const QString& serialQueue, std::function<Response(const Request&)> handler,
                        Request request, std::function<void(Response)> deliver) {
    ++pending_;
    // The task owns copies of everything it uses: the route table may be rebuilt and the
    // request's connection may close while it runs.
    poolFor(serialQueue)
        ->start(rt::handedOver([this, handler = std::move(handler), request = std::move(request),
                                deliver = std::move(deliver)]() mutable {
            Response response = invokeHandler(handler, request);
            handlersDone_.release();
            QMetaObject::invokeMethod(
                replyContext_,
                rt::handedOver([this, deliver = std::move(deliver),
                                response = std::move(response)]() mutable {
                    deliver(std::move(response));
                    --pending_;
                }),
                Qt::QueuedConnection);
        }));
}

bool RouteExecutor::waitForDone(std::chrono::milliseconds timeout) {
    Q_ASSERT(QThread::currentThread() != replyContext_->thread());
    const QDeadlineTimer deadline(timeout);
    bool done = concurrent_.waitForDone(int(deadline.remainingTime()));
    for (auto& [name, pool] : serial_)
        done = pool->waitForDone(int(std::max<qint64>(0, deadline.remainingTime()))) && done;
    handlersDone_.acquire();
    // Results already computed are delivered by the server thread shortly after.
    while (done && pending_.load() > 0 && !deadline.hasExpired()) QThread::msleep(1);
    return done && pending_.load() == 0;
}

}  // namespace soundlab::api
