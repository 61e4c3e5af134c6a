#pragma once

#include "api/RequestGuard.h"

#include <QTcpServer>

namespace soundlab::api {

// The listening socket of the API: puts a RequestGuard on every connection before the HTTP
// server sees it, and refuses connections beyond maxConnections (each costs a descriptor).
class GuardedTcpServer : public QTcpServer {
    Q_OBJECT
public:
    GuardedTcpServer(RequestGuard::Limits limits, RequestGuard::BodyLimit bodyLimit,
                     int maxConnections, QObject* parent = nullptr);

    int openConnections() const { return openConnections_; }

signals:
    // A connection's RequestGuard answered it with `status` (408, 411, 413, 431, 400).
    void refused(int status);

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    RequestGuard::Limits limits_;
    RequestGuard::BodyLimit bodyLimit_;
    int maxConnections_;
    int openConnections_ = 0;
};

}  // namespace soundlab::api
