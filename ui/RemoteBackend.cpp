#include "RemoteBackend.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>

namespace soundlab {

RemoteBackend::RemoteBackend(const QUrl& base, const QString& token, QObject* parent)
    : ControlBackend(parent), base_(base), token_(token) {}

RemoteBackend::~RemoteBackend() {
    // No answer may reach a half-destroyed backend: the replies go with the access manager.
    for (QNetworkReply* reply : std::as_const(inFlight_)) {
        reply->disconnect(this);
        reply->abort();
    }
}

QString RemoteBackend::hostAndPort() const {
    const int defaultPort = base_.scheme() == QLatin1String("https") ? 443 : 80;
    return QStringLiteral("%1:%2").arg(base_.host()).arg(base_.port(defaultPort));
}

void RemoteBackend::send(const QByteArray& method, const QString& pathAndQuery,
                         const BackendHeaders& headers, const QJsonValue& body, QObject* context,
                         Done done) {
    if (!open_) {
        BackendReply reply;
        reply.transportError =
            QStringLiteral("the link to %1 is down; the request was not sent").arg(hostAndPort());
        if (context) done(reply);
        return;
    }
    transmit(method, pathAndQuery, headers, body, kRequestTimeoutMs, context, std::move(done));
}

void RemoteBackend::probe(const QString& path, int timeoutMs, QObject* context, Done done) {
    transmit("GET", path, {}, QJsonValue::Undefined, timeoutMs, context, std::move(done));
}

void RemoteBackend::transmit(const QByteArray& method, const QString& pathAndQuery,
                             const BackendHeaders& headers, const QJsonValue& body, int timeoutMs,
                             QObject* context, Done done) {
    QNetworkRequest request(base_.resolved(QUrl(pathAndQuery)));
    request.setTransferTimeout(timeoutMs);
    // Plain HTTP/1.1 with keep-alive: the box's server (QHttpServer) speaks nothing else.
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    if (!token_.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + token_.toUtf8());
    for (const auto& [name, value] : headers) request.setRawHeader(name, value);
    QByteArray payload;
    if (!body.isUndefined()) {
        payload = body.isArray() ? QJsonDocument(body.toArray()).toJson(QJsonDocument::Compact)
                                 : QJsonDocument(body.toObject()).toJson(QJsonDocument::Compact);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    }
    QNetworkReply* reply = network_.sendCustomRequest(request, method, payload);
    ++requestsSent_;
    inFlight_.insert(reply);
    const QPointer<QObject> guard(context);
    connect(reply, &QNetworkReply::finished, this,
            [this, reply, guard, timeoutMs, done = std::move(done)] {
                inFlight_.remove(reply);
                reply->deleteLater();
                BackendReply answer;
                answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
                if (answer.status == 0) {
                    answer.transportError = describe(*reply, timeoutMs);
                    emit transportFailed(answer.transportError);
                } else {
                    const QByteArray bytes = reply->readAll();
                    const QJsonDocument doc = QJsonDocument::fromJson(bytes);
                    answer.body = doc.isArray()    ? QJsonValue(doc.array())
                                  : doc.isObject() ? QJsonValue(doc.object())
                                                   : QJsonValue(QString::fromUtf8(bytes));
                    for (const auto& [name, value] : reply->rawHeaderPairs())
                        answer.headers.append({name.toLower(), value});
                    if (answer.status == 401) emit unauthorized();
                }
                if (guard) done(answer);
            });
}

QString RemoteBackend::describe(QNetworkReply& reply, int timeoutMs) const {
    switch (reply.error()) {
    case QNetworkReply::ConnectionRefusedError:
        return QStringLiteral("connection refused by %1").arg(hostAndPort());
    case QNetworkReply::RemoteHostClosedError:
        return QStringLiteral("%1 closed the connection").arg(hostAndPort());
    case QNetworkReply::HostNotFoundError:
        return QStringLiteral("host %1 not found").arg(base_.host());
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError:  // setTransferTimeout's abort
        return QStringLiteral("no answer from %1 within %2 s")
            .arg(hostAndPort())
            .arg(timeoutMs / 1000.0);
    default:
        return QStringLiteral("%1: %2").arg(hostAndPort(), reply.errorString());
    }
}

}  // namespace soundlab
