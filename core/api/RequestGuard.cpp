#include "api/RequestGuard.h"

#include <sys/socket.h>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTcpSocket>
#include <algorithm>
#include <utility>

namespace soundlab::api {

namespace {

QByteArray reasonPhrase(int status) {
    switch (status) {
        case 400:
            return "Bad Request";
        case 408:
            return "Request Timeout";
        case 411:
            return "Length Required";
        case 413:
            return "Payload Too Large";
        case 431:
            return "Request Header Fields Too Large";
        default:
            return "Error";
    }
}

// The value of header `name` (lower-case) in a raw request head, or a null array.
QByteArray headerValue(const QByteArrayList& lines, const QByteArray& name) {
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray& line = lines.at(i);
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().toLower() == name)
            return line.mid(colon + 1).trimmed();
    }
    return {};
}

// Whether a header's value lists `token` (comma-separated, case-insensitive), as Connection and
// Upgrade do ("keep-alive, Upgrade").
bool listsToken(const QByteArray& value, const QByteArray& token) {
    for (const QByteArray& item : value.split(','))
        if (item.trimmed().compare(token, Qt::CaseInsensitive) == 0) return true;
    return false;
}

// RFC 6455 §4.1: a GET with Upgrade: websocket and Connection: upgrade; a handshake has no body.
bool isWebSocketHandshake(const QByteArrayList& lines, const QByteArray& method) {
    if (method != "GET") return false;
    if (!listsToken(headerValue(lines, "upgrade"), "websocket")) return false;
    if (!listsToken(headerValue(lines, "connection"), "upgrade")) return false;
    if (!headerValue(lines, "transfer-encoding").isNull()) return false;
    const QByteArray length = headerValue(lines, "content-length");
    return length.isNull() || length.trimmed() == "0";
}

// The most an announced body may drain after an error answer (within the linger time).
constexpr qint64 kMaxAnnouncedLinger = 64 << 20;

}  // namespace

RequestGuard::RequestGuard(QTcpSocket* socket, Limits limits, BodyLimit bodyLimit)
    : QObject(socket), socket_(socket), limits_(limits), bodyLimit_(std::move(bodyLimit)) {
    timer_.setSingleShot(true);
    connect(&timer_, &QTimer::timeout, this, &RequestGuard::onTimeout);
    connect(socket, &QTcpSocket::readyRead, this, &RequestGuard::onReadyRead);
    timer_.start(limits_.idleTimeout);
}

RequestGuard* RequestGuard::of(QTcpSocket* socket) {
    return socket ? socket->findChild<RequestGuard*>(QString(), Qt::FindDirectChildrenOnly)
                  : nullptr;
}

void RequestGuard::releaseForUpgrade() {
    phase_ = Phase::Upgrade;
    timer_.stop();
    disconnect(socket_, &QTcpSocket::readyRead, this, &RequestGuard::onReadyRead);
}

void RequestGuard::setAnswerOwed(bool owed) {
    answerOwed_ = owed;
    if (owed) {
        if (!inRequest_ && phase_ == Phase::Head) timer_.stop();
        return;
    }
    if (heldRejection_) {
        writeRejection(*std::exchange(heldRejection_, std::nullopt));
        return;
    }
    // A request still arriving keeps its request timer.
    if (!inRequest_ && phase_ == Phase::Head) restartIdleTimer();
}

void RequestGuard::restartIdleTimer() {
    inRequest_ = false;
    if (answerOwed_)
        timer_.stop();  // the client waits for us: the wait is not idleness
    else
        timer_.start(limits_.idleTimeout);
}

void RequestGuard::onReadyRead() {
    if (phase_ == Phase::Upgrade || phase_ == Phase::Rejected || !socket_->isOpen()) return;
    // The parser reads everything in its own slot after this one, so what is available now is
    // exactly what arrived since the last notification.
    const QByteArray fresh = socket_->peek(socket_->bytesAvailable());
    consume(fresh.constData(), fresh.size());
}

void RequestGuard::armRequestTimer() {
    if (!inRequest_) {
        inRequest_ = true;
        timer_.start(limits_.requestTimeout);
    }
}

void RequestGuard::consume(const char* data, qint64 size) {
    while (size > 0 && (phase_ == Phase::Head || phase_ == Phase::Body)) {
        armRequestTimer();
        if (phase_ == Phase::Body) {
            const qint64 taken = std::min(size, bodyRemaining_);
            bodyRemaining_ -= taken;
            data += taken;
            size -= taken;
            if (bodyRemaining_ == 0) {
                phase_ = Phase::Head;
                restartIdleTimer();
            }
            continue;
        }
        // Head: look for the blank line, also across the boundary of the previous chunk.
        const qsizetype before = head_.size();
        const qint64 appended = std::min(size, limits_.maxHeadBytes - before + 1);
        head_.append(data, appended);
        const qsizetype end = head_.indexOf("\r\n\r\n", std::max<qsizetype>(0, before - 3));
        if (end < 0) {
            if (head_.size() > limits_.maxHeadBytes) {
                reject({431, QStringLiteral("header_too_large"),
                        QStringLiteral("the request head exceeds %1 bytes")
                            .arg(limits_.maxHeadBytes)});
            }
            return;
        }
        const qint64 headBytesInChunk = end + 4 - before;
        head_.truncate(end + 4);
        data += headBytesInChunk;
        size -= headBytesInChunk;
        onHeadComplete();
    }
}

void RequestGuard::onHeadComplete() {
    const QByteArray head = std::exchange(head_, {});
    // Leading empty lines before a request line are allowed (RFC 9112 §2.2).
    const QByteArrayList lines = head.trimmed().split('\n');
    static const QRegularExpression requestLine(
        QStringLiteral("^[A-Z]{1,16} [\\x21-\\x7e]{1,8000} HTTP/1\\.[01]\\r?$"));
    const QByteArray first = lines.value(0);
    if (!requestLine.match(QString::fromLatin1(first)).hasMatch()) {
        reject(ApiError::badRequest(QStringLiteral("malformed_request"),
                                    QStringLiteral("the request line is not valid HTTP/1.1")));
        return;
    }
    const QByteArrayList words = first.trimmed().split(' ');
    const QByteArray method = words.at(0);
    const QByteArray target = words.at(1);

    if (isWebSocketHandshake(lines, method)) {
        // Whatever follows is for the WebSocket handshake; the server decides about it. Only a
        // real handshake (GET, no body) is exempt from counting: any other request with an
        // Upgrade header has its body measured below, or Qt would buffer it without limit.
        phase_ = Phase::Upgrade;
        timer_.start(limits_.requestTimeout);
        return;
    }
    if (!headerValue(lines, "transfer-encoding").isEmpty()) {
        reject({411, QStringLiteral("length_required"),
                QStringLiteral("send the body with a Content-Length, not a transfer encoding")});
        return;
    }
    const QByteArray lengthText = headerValue(lines, "content-length");
    qint64 length = 0;
    if (!lengthText.isNull()) {
        bool ok = false;
        length = lengthText.toLongLong(&ok);
        if (!ok || length < 0) {
            reject(ApiError::badRequest(QStringLiteral("malformed_request"),
                                        QStringLiteral("Content-Length is not a number")));
            return;
        }
    }
    const qint64 limit = bodyLimit_(method, target);
    if (length > limit) {
        // A client that announced its body may send all of it before it reads the answer;
        // cutting it off earlier would make its kernel drop the answer with the reset.
        lingerBudget_ = std::max(limits_.lingerMaxBytes, std::min(length, kMaxAnnouncedLinger));
        reject(ApiError::payloadTooLarge(
            QStringLiteral("the body has %1 bytes; this route accepts at most %2")
                .arg(length)
                .arg(limit)));
        return;
    }
    // Clients that wait for permission before sending a large body (curl does above 1 MiB)
    // get it at once; Qt 6.4 never sends it and they would wait a second.
    if (length > 0 && headerValue(lines, "expect").toLower() == "100-continue")
        socket_->write("HTTP/1.1 100 Continue\r\n\r\n");
    bodyRemaining_ = length;
    phase_ = Phase::Body;
    if (length == 0) {
        phase_ = Phase::Head;
        restartIdleTimer();
    }
}

void RequestGuard::reject(const ApiError& error) {
    phase_ = Phase::Rejected;
    emit refused(error.status);
    // From now on nothing reaches Qt's parser (it would buffer a huge body): this guard
    // drains and discards what the client still sends.
    disconnect(socket_, &QTcpSocket::readyRead, nullptr, nullptr);
    connect(socket_, &QTcpSocket::readyRead, this, [this] { drain(); });
    drain();
    if (answerOwed_) {
        // Older requests are still being answered: this answer goes after theirs.
        heldRejection_ = error;
        timer_.stop();
        return;
    }
    writeRejection(error);
}

void RequestGuard::writeRejection(const ApiError& error) {
    if (socket_->state() != QAbstractSocket::ConnectedState) return;  // the client left
    const QByteArray body = QJsonDocument(error.toJson()).toJson(QJsonDocument::Compact);
    socket_->write(
        "HTTP/1.1 " + QByteArray::number(error.status) + ' ' + reasonPhrase(error.status) +
        "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) +
        "\r\nConnection: close\r\n\r\n" + body);

    // Draining (see reject) rather than closing at once: the kernel would answer unread data
    // with a reset, and the client would lose the response.
    connect(socket_, &QTcpSocket::bytesWritten, this, [this] {
        if (socket_->bytesToWrite() == 0) finishResponse();
    });
    socket_->flush();
    if (socket_->bytesToWrite() == 0) finishResponse();
    // Lingering close: give the client this long to stop sending, then cut it off.
    timer_.start(limits_.lingerTimeout);
}

void RequestGuard::drain() {
    if (socket_->isTransactionStarted()) socket_->commitTransaction();
    drained_ += socket_->skip(socket_->bytesAvailable());
    // A client that keeps streaming a refused body (a huge chunked upload, say) is cut off
    // early rather than read for the whole linger time (once the answer has left).
    if (drained_ > std::max(limits_.lingerMaxBytes, lingerBudget_) && responseFinished_)
        socket_->abort();
}

void RequestGuard::finishResponse() {
    if (responseFinished_) return;
    responseFinished_ = true;
    // Half-close: the client reads the response and then end-of-stream, while the server
    // keeps draining what the client is still sending.
    if (socket_->socketDescriptor() >= 0) ::shutdown(socket_->socketDescriptor(), SHUT_WR);
}

void RequestGuard::onTimeout() {
    if (phase_ == Phase::Rejected) {
        socket_->abort();  // the lingering close is over
        return;
    }
    if (inRequest_ || phase_ == Phase::Upgrade) {
        reject({408, QStringLiteral("request_timeout"),
                QStringLiteral("the request did not arrive completely within %1 ms")
                    .arg(limits_.requestTimeout.count())});
    } else {
        socket_->disconnectFromHost();  // idle keep-alive connection
    }
}

}  // namespace soundlab::api
