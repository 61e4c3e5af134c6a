#include "api/GuardedTcpServer.h"

#include <QTcpSocket>

namespace soundlab::api {

GuardedTcpServer::GuardedTcpServer(RequestGuard::Limits limits, RequestGuard::BodyLimit bodyLimit,
                                   int maxConnections, QObject* parent)
    : QTcpServer(parent),
      limits_(limits),
      bodyLimit_(std::move(bodyLimit)),
      maxConnections_(maxConnections) {
    setListenBacklogSize(maxConnections);
}

void GuardedTcpServer::incomingConnection(qintptr socketDescriptor) {
    auto* socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(socketDescriptor)) {
        delete socket;
        return;
    }
    if (openConnections_ >= maxConnections_) {
        socket->abort();
        socket->deleteLater();
        return;
    }
    ++openConnections_;
    connect(socket, &QObject::destroyed, this, [this] { --openConnections_; });
    auto* guard = new RequestGuard(socket, limits_, bodyLimit_);
    connect(guard, &RequestGuard::refused, this, &GuardedTcpServer::refused);
    addPendingConnection(socket);
}

}  // namespace soundlab::api
