#pragma once

#include "api/RequestGuard.h"

#include <QTcpServer>

#include <atomic>

namespace soundlab::api {

// The listening socket of the API: puts a RequestGuard on every connection before the HTTP
// server sees it, and refuses connections beyond maxConnections (each costs a descriptor).
// Its listen backlog holds maxConnections: with Qt's default of 50, a burst of clients (a
// hundred WebSocket clients connecting at once) overflows the kernel's accept queue, and those
// clients see a connected socket the server only accepts seconds later, after SYN-ACK retries.
class GuardedTcpServer : public QTcpServer {
    Q_OBJECT
public:
    GuardedTcpServer(RequestGuard::Limits limits, RequestGuard::BodyLimit bodyLimit,
                     int maxConnections, QObject* parent = nullptr);

    // Connections held now; readable from any thread (/metrics).
    int openConnections() const { return openConnections_.load(std::memory_order_relaxed); }

signals:
    // A connection's RequestGuard answered it with `status` (408, 411, 413, 431, 400).
    void refused(int status);

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    RequestGuard::Limits limits_;
    RequestGuard::BodyLimit bodyLimit_;
    int maxConnections_;
    std::atomic<int> openConnections_{0};
};

}  // namespace soundlab::api
