#include "LocalBackend.h"

#include "api/JsonSchema.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QThread>
#include <QUrl>
#include <QUrlQuery>
#include <algorithm>

namespace soundlab {

namespace {
// The server's default (ApiServerOptions::workerThreads).
constexpr int kWorkerThreads = 4;
}  // namespace

BackendReply toReply(const api::Response& response) {
    BackendReply reply;
    reply.status = response.status;
    const QJsonDocument doc = QJsonDocument::fromJson(response.body);
    reply.body = doc.isArray()    ? QJsonValue(doc.array())
                 : doc.isObject() ? QJsonValue(doc.object())
                                  : QJsonValue(QString::fromUtf8(response.body));
    for (const auto& [name, value] : response.headers)
        reply.headers.append({name.toLower(), value});
    return reply;
}

LocalBackend::LocalBackend(const QList<api::Route>& routes, ChangeObserver observer,
                           QObject* parent)
    : ControlBackend(parent), executor_(this, kWorkerThreads) {
    for (api::Route route : routes) {
        if (observer && route.method != "GET" && route.handler)
            route.handler = [inner = std::move(route.handler),
                             observer](const api::Request& request) {
                api::Response response = inner(request);
                observer(request, response);
                return response;
            };
        if (route.execution == api::Execution::Worker) executor_.addSerialQueue(route.serialQueue);
        routes_.add(std::move(route));
    }
}

LocalBackend::~LocalBackend() = default;

void LocalBackend::waitForHandlers() {
    // The answers come through this thread's event loop (the executor's reply context is this
    // object): run it meanwhile, or the last ones would never be counted as delivered.
    while (executor_.pending() > 0) {
        QCoreApplication::processEvents(QEventLoop::AllEvents);
        QThread::msleep(1);
    }
}

void LocalBackend::send(const QByteArray& method, const QString& pathAndQuery,
                        const BackendHeaders& headers, const QJsonValue& body, QObject* context,
                        Done done) {
    const QPointer<QObject> guard(context);
    const auto answer = [guard, done](const api::Response& response) {
        if (guard) done(toReply(response));
    };
    const QUrl url(pathAndQuery);
    const api::RouteTable::Match match = routes_.match(method, url.path(QUrl::FullyEncoded));
    if (!match.route) {
        answer(api::Response::error(
            match.pathKnown()
                ? api::ApiError::methodNotAllowed(QStringLiteral("%1 does not accept %2")
                                                      .arg(url.path(), QString::fromLatin1(method)))
                : api::ApiError::notFound(QStringLiteral("no route %1").arg(url.path()))));
        return;
    }
    const api::Route& route = *match.route;

    // What HttpFrontend checks before a handler runs, with the same answers.
    api::Request request;
    request.method = method;
    request.path = url.path();
    request.pathParams = match.pathParams;
    request.rawQuery = QUrlQuery(url.query(QUrl::FullyEncoded));
    request.client = QString::fromLatin1(kClient);
    for (const auto& [name, value] : headers) request.headers.append({name.toLower(), value});
    if (auto error = api::parseQuery(route.query, QUrlQuery(url), &request.query)) {
        answer(api::Response::error(*error));
        return;
    }
    const bool takesRawJson = std::any_of(
        route.rawBodyTypes.begin(), route.rawBodyTypes.end(),
        [](const api::RawBodyType& type) { return type.mediaType == "application/json"; });
    if ((takesRawJson || !route.requestSchema.isEmpty()) && !body.isUndefined()) {
        request.rawBody = body.isArray()
                              ? QJsonDocument(body.toArray()).toJson(QJsonDocument::Compact)
                              : QJsonDocument(body.toObject()).toJson(QJsonDocument::Compact);
        request.headers.append(
            qMakePair(QByteArray("content-type"), QByteArray("application/json")));
    }
    // A raw JSON body (the preset import's bundle) is the handler's to parse, as on the server.
    if (!takesRawJson && !route.requestSchema.isEmpty() && !body.isUndefined()) {
        request.body = body;
        if (const auto violation = api::schema::validate(request.body, route.requestSchema)) {
            answer(api::Response::error(api::ApiError::invalidValue(violation->toString())));
            return;
        }
    } else if (!route.requestSchema.isEmpty() && route.requestBodyRequired && body.isUndefined()) {
        answer(api::Response::error(api::ApiError::badRequest(
            QStringLiteral("missing_body"), QStringLiteral("this route needs a body"))));
        return;
    }

    if (route.execution == api::Execution::ServerThread) {
        answer(api::invokeHandler(route.handler, request));
        return;
    }
    executor_.run(route.serialQueue, route.handler, std::move(request), answer);
}

}  // namespace soundlab
