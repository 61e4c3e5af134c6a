#pragma once

// Clients for the API tests: an HTTP client on QNetworkAccessManager, a raw TCP client for
// malformed requests, and a WebSocket client. All run on the test's thread with a local event
// loop; the server under test runs on its own thread.

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>
#include <functional>
#include <memory>

namespace soundlab::api::test {

// Qt networking needs an application object; one per test program.
inline QCoreApplication& qtApp() {
    static int argc = 1;
    static char name[] = "soundlab_api_test";
    static char* argv[] = {name, nullptr};
    if (!QCoreApplication::instance()) new QCoreApplication(argc, argv);  // lives until exit
    return *QCoreApplication::instance();
}

// Runs the event loop until `done` holds or `timeoutMs` passes; returns `done()`.
inline bool waitFor(const std::function<bool()>& done, int timeoutMs = 5000) {
    if (done()) return true;
    // An event loop that checks every few milliseconds: it sleeps between events rather
    // than spinning, so the server and the audio thread get the CPU.
    QElapsedTimer timer;
    timer.start();
    QEventLoop loop;
    QTimer tick;
    QObject::connect(&tick, &QTimer::timeout, &loop, [&] {
        if (done() || timer.elapsed() >= timeoutMs) loop.quit();
    });
    tick.start(5);
    loop.exec();
    return done();
}

struct HttpReply {
    int status = 0;  // 0: no HTTP answer (connection failed or closed)
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
    QString networkError;

    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QString errorCode() const { return json().value("error").toObject().value("code").toString(); }
    QByteArray header(const QByteArray& name) const {
        for (const auto& [n, v] : headers)
            if (n.compare(name, Qt::CaseInsensitive) == 0) return v;
        return {};
    }
};

class HttpClient {
public:
    explicit HttpClient(QString base) : base_(std::move(base)) { qtApp(); }

    HttpReply send(const QByteArray& method, const QString& path, const QByteArray& body = {},
                   const QList<QPair<QByteArray, QByteArray>>& headers = {}) {
        QNetworkRequest request(QUrl(base_ + path));
        request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
        for (const auto& [name, value] : headers) request.setRawHeader(name, value);
        if (!body.isEmpty() && !request.hasRawHeader("Content-Type"))
            request.setRawHeader("Content-Type", "application/json");
        QNetworkReply* reply = manager_.sendCustomRequest(request, method, body);
        waitFor([reply] { return reply->isFinished(); }, 15000);
        HttpReply r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.body = reply->readAll();
        r.headers = reply->rawHeaderPairs();
        if (reply->error() != QNetworkReply::NoError && r.status == 0)
            r.networkError = reply->errorString();
        reply->deleteLater();
        return r;
    }
    HttpReply get(const QString& path, const QList<QPair<QByteArray, QByteArray>>& headers = {}) {
        return send("GET", path, {}, headers);
    }
    HttpReply post(const QString& path, const QByteArray& body = {},
                   const QList<QPair<QByteArray, QByteArray>>& headers = {}) {
        return send("POST", path, body, headers);
    }

private:
    QString base_;
    QNetworkAccessManager manager_;
};

// Sends raw bytes over TCP and reads whatever comes back until the server closes the
// connection or `timeoutMs` passes.
struct RawExchange {
    QByteArray received;
    bool closedByServer = false;
    int status() const {
        if (!received.startsWith("HTTP/1.1 ")) return 0;
        return received.mid(9, 3).toInt();
    }
};

inline RawExchange rawExchange(quint16 port, const QByteArray& data, int timeoutMs = 5000,
                               bool closeWriteSideAfterSend = false) {
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    RawExchange result;
    if (!socket.waitForConnected(3000)) return result;
    socket.write(data);
    // Large payloads: let the writes drain, but a server that closes early is fine.
    while (socket.bytesToWrite() > 0 && socket.state() == QAbstractSocket::ConnectedState)
        if (!socket.waitForBytesWritten(timeoutMs)) break;
    if (closeWriteSideAfterSend) socket.disconnectFromHost();
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs) {
        if (socket.state() != QAbstractSocket::ConnectedState) {
            result.received += socket.readAll();
            result.closedByServer = true;
            break;
        }
        if (socket.waitForReadyRead(100))
            result.received += socket.readAll();
        else if (socket.state() != QAbstractSocket::ConnectedState) {
            result.received += socket.readAll();
            result.closedByServer = true;
            break;
        }
        // A complete response with "Connection: close" (or any complete response) is enough.
        const qsizetype headEnd = result.received.indexOf("\r\n\r\n");
        if (headEnd > 0) {
            const QByteArray head = result.received.left(headEnd).toLower();
            const qsizetype cl = head.indexOf("content-length:");
            if (cl >= 0) {
                const qsizetype eol = head.indexOf("\r\n", cl);
                const qint64 length = head.mid(cl + 15, eol - cl - 15).trimmed().toLongLong();
                if (result.received.size() >= headEnd + 4 + length) break;
            }
        }
    }
    return result;
}

// A WebSocket client that records every text message and the close code.
class WsClient {
public:
    WsClient() {
        qtApp();
        QObject::connect(&socket_, &QWebSocket::textMessageReceived,
                         [this](const QString& m) { messages.append(m); });
        QObject::connect(&socket_, &QWebSocket::disconnected, [this] {
            closed = true;
            closeCode = socket_.closeCode();
        });
    }
    bool open(const QUrl& url, const QByteArray& origin = {}, int timeoutMs = 5000) {
        QNetworkRequest request(url);
        if (!origin.isEmpty()) request.setRawHeader("Origin", origin);
        socket_.open(request);
        return waitFor(
                   [this] { return socket_.state() == QAbstractSocket::ConnectedState || closed; },
                   timeoutMs) &&
               socket_.state() == QAbstractSocket::ConnectedState;
    }
    QWebSocket& socket() { return socket_; }
    QJsonObject message(qsizetype i) const {
        return QJsonDocument::fromJson(messages.at(i).toUtf8()).object();
    }

    QStringList messages;
    bool closed = false;
    int closeCode = 0;

private:
    QWebSocket socket_;
};

}  // namespace soundlab::api::test
