#pragma once

#include "api/ApiError.h"

#include <QByteArray>
#include <QObject>
#include <QTimer>
#include <chrono>
#include <functional>
#include <optional>

class QTcpSocket;

namespace soundlab::api {

// Watches the bytes of one HTTP connection before Qt's request parser sees them, because
// QHttpServer 6.4 buffers a whole request, however large, before the server can look at it.
// It answers at once, and closes the connection, when a request
//   - has a head larger than maxHeadBytes (431) or a malformed request line (400),
//   - announces a body larger than its route allows (413, decided from the head alone),
//   - uses chunked transfer encoding, whose size is unknown in advance (411),
//   - does not arrive completely within requestTimeout (408, slow or truncated requests).
// An idle keep-alive connection is closed after idleTimeout. Lives on the server thread, as a
// child of its socket; it stops watching when the connection is upgraded to a WebSocket. Only a
// real WebSocket handshake (GET, Upgrade: websocket, Connection: upgrade, no body) is let
// through uncounted; any other request with an Upgrade header is measured like the rest.
class RequestGuard : public QObject {
    Q_OBJECT
public:
    struct Limits {
        qint64 maxHeadBytes = 64 * 1024;
        std::chrono::milliseconds requestTimeout{10'000};
        std::chrono::milliseconds idleTimeout{60'000};
        // After an error answer, how long the client may go on sending before it is cut off.
        std::chrono::milliseconds lingerTimeout{2'000};
        // ... and how much it may still send then: this much, or up to the Content-Length it
        // announced (at most 64 MiB), so that a client that writes before it reads still gets
        // the answer. A body of unknown length (chunked) is cut off after this much.
        qint64 lingerMaxBytes = 1 << 20;
    };
    // Body limit in bytes for a request line's method and target (path and query).
    using BodyLimit = std::function<qint64(const QByteArray& method, const QByteArray& target)>;

    // Must be constructed before the socket is handed to QAbstractHttpServer, so that this
    // guard's readyRead slot runs before the parser's.
    RequestGuard(QTcpSocket* socket, Limits limits, BodyLimit bodyLimit);

    static RequestGuard* of(QTcpSocket* socket);

    // True once this guard has answered the connection with an error; the parser may still
    // complete a request from bytes it already had, and that request must not be served.
    bool rejected() const { return phase_ == Phase::Rejected; }
    // The connection now carries WebSocket frames: stop parsing and timing it.
    void releaseForUpgrade();
    // Whether the server still owes this connection an answer (a handler runs on a worker).
    // Meanwhile the connection is not idle (no idle timeout), and an error this guard finds in
    // a pipelined request after it waits until the older answers are written, so that answers
    // stay in request order.
    void setAnswerOwed(bool owed);

signals:
    // This guard answered the connection itself with `status` (before the router saw it).
    void refused(int status);

private:
    enum class Phase { Head, Body, Upgrade, Rejected };

    void onReadyRead();
    void consume(const char* data, qint64 size);
    void onHeadComplete();
    void reject(const ApiError& error);
    void writeRejection(const ApiError& error);
    void restartIdleTimer();
    void drain();
    void finishResponse();
    void onTimeout();
    void armRequestTimer();

    QTcpSocket* socket_;
    Limits limits_;
    BodyLimit bodyLimit_;
    Phase phase_ = Phase::Head;
    QByteArray head_;
    qint64 bodyRemaining_ = 0;
    bool inRequest_ = false;
    bool responseFinished_ = false;
    bool answerOwed_ = false;
    std::optional<ApiError> heldRejection_;  // waits for answerOwed_ to clear
    qint64 drained_ = 0;       // bytes discarded after an error answer
    qint64 lingerBudget_ = 0;  // beyond lingerMaxBytes: the refused body's announced length
    QTimer timer_;
};

}  // namespace soundlab::api
