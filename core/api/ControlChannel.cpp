#include "api/ControlChannel.h"

#include "api/JsonSchema.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QStringList>

namespace soundlab::api {

QList<ControlMessageType> controlMessageTypes() {
    return {
        {QStringLiteral("phi"), "PUT", QStringLiteral("/api/phi"), {}},
        {QStringLiteral("sensor"), "POST", QStringLiteral("/api/phi/sensor"),
         QStringLiteral("samples")},
    };
}

ControlChannel::ControlChannel(const RouteTable& routes, RouteExecutor& executor,
                               const QList<ControlMessageType>& types)
    : executor_(executor) {
    for (const ControlMessageType& t : types) {
        const RouteTable::Match match = routes.match(t.method, t.path);
        if (match.route)
            entries_.append({t, *match.route});
        else
            qWarning("soundlab api: /ws/control type '%s' has no route %s %s", qPrintable(t.type),
                     t.method.constData(), qPrintable(t.path));
    }
}

void ControlChannel::handle(const QJsonObject& message, const WebSocketHub::Reply& reply,
                            const QHostAddress& peer) {
    const QString type = message.value(QStringLiteral("type")).toString();
    const Entry* entry = nullptr;
    for (const Entry& e : entries_)
        if (e.type.type == type) entry = &e;
    if (!entry) {
        QStringList known{QStringLiteral("ping")};
        for (const Entry& e : entries_) known << e.type.type;
        answer(message,
               Response::error(
                   ApiError::badRequest(QStringLiteral("unknown_message"),
                                        QStringLiteral("unknown message type '%1'; known: %2")
                                            .arg(type.left(64), known.join(QStringLiteral(", "))))),
               reply);
        return;
    }

    QJsonObject fields = message;
    fields.remove(QStringLiteral("type"));
    fields.remove(QStringLiteral("id"));
    Request request;
    request.method = entry->route.method;
    request.path = entry->route.path;
    request.peer = peer;
    const QString& batch = entry->type.batchField;
    if (!batch.isEmpty() && fields.contains(batch)) {
        if (fields.size() > 1) {
            answer(message,
                   Response::error(ApiError::invalidValue(
                       QStringLiteral("%1: send either one sample's fields or '%1', not both")
                           .arg(batch))),
                   reply);
            return;
        }
        request.body = fields.value(batch);
    } else {
        request.body = fields;
    }
    // What HttpFrontend checks before a REST handler runs, with the same answer.
    if (const auto violation = schema::validate(request.body, entry->route.requestSchema)) {
        answer(message, Response::error(ApiError::invalidValue(violation->toString())), reply);
        return;
    }
    if (entry->route.execution == Execution::ServerThread) {
        answer(message, invokeHandler(entry->route.handler, request), reply);
        return;
    }
    executor_.run(entry->route.serialQueue, entry->route.handler, std::move(request),
                  [message, reply](Response response) { answer(message, response, reply); });
}

void ControlChannel::answer(const QJsonObject& message, const Response& response,
                            const WebSocketHub::Reply& reply) {
    const bool ok = response.status < 400;
    const bool hasId = message.contains(QStringLiteral("id"));
    if (ok && !hasId) return;  // fire and forget: only failures are answered
    const QJsonDocument doc = QJsonDocument::fromJson(response.body);
    const QJsonValue body = doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object());
    QJsonObject out;
    if (hasId) out.insert(QStringLiteral("id"), message.value(QStringLiteral("id")));
    out.insert(QStringLiteral("ok"), ok);
    if (ok) {
        out.insert(QStringLiteral("type"), QStringLiteral("result"));
        out.insert(QStringLiteral("status"), response.status);
        out.insert(QStringLiteral("result"), body);
    } else {
        QJsonObject error = body.toObject().value(QStringLiteral("error")).toObject();
        error.insert(QStringLiteral("status"), response.status);
        out.insert(QStringLiteral("type"), QStringLiteral("error"));
        out.insert(QStringLiteral("error"), error);
    }
    reply(out);
}

QJsonObject ControlChannel::messagesDescription() const {
    QJsonObject messages;
    for (const Entry& e : entries_) {
        QString description = QStringLiteral("Runs %1 %2: same body, validation and answer.")
                                  .arg(QString::fromLatin1(e.route.method), e.route.path);
        if (!e.type.batchField.isEmpty())
            description += QStringLiteral(" A batch goes in '%1'.").arg(e.type.batchField);
        messages.insert(e.type.type, QJsonObject{{QStringLiteral("description"), description},
                                                 {QStringLiteral("body"), e.route.requestSchema}});
    }
    return messages;
}

}  // namespace soundlab::api
