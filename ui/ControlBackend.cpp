#include "ControlBackend.h"

#include <memory>

namespace soundlab {

QString BackendReply::message() const {
    if (status == 0) return transportError;
    if (ok()) return {};
    const QString message = object()
                                .value(QLatin1String("error"))
                                .toObject()
                                .value(QLatin1String("message"))
                                .toString();
    return message.isEmpty() ? QStringLiteral("the API answered %1").arg(status) : message;
}

bool ControlBackend::change(const QByteArray& method, const QString& pathAndQuery,
                            const QJsonValue& body, QObject* context, Done done) {
    auto refused = std::make_shared<bool>(false);
    send(method, pathAndQuery, body, context,
         [refused, done = std::move(done)](const BackendReply& reply) {
             *refused = !reply.ok();
             done(reply);
         });
    return !*refused;
}

void DocumentPoll::poll(QObject* context, std::function<void(const QJsonValue&)> done) {
    if (pending_) return;
    pending_ = true;
    // The poll outlives no view-model: it is a member of the one that passes itself as context.
    backend_.get(path_, context, [this, done = std::move(done)](const BackendReply& reply) {
        pending_ = false;
        if (reply.ok()) done(reply.body);
    });
}

}  // namespace soundlab
