#pragma once

#include "api/AccessPolicy.h"

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>
#include <chrono>
#include <functional>
#include <memory>
#include <vector>

class QWebSocket;

namespace soundlab::api {

// One WebSocket client as /api/websockets reports it.
struct WebSocketClientStats {
    QString stream;
    QString peer;
    quint64 framesSent = 0;
    quint64 framesDropped = 0;  // skipped because the client's send queue was full
    qint64 queuedBytes = 0;
};

// Limits of the hub; the defaults suit status and metrics frames of a few hundred bytes.
struct WebSocketLimits {
    // A client whose unsent data exceeds this loses the frames that follow (counted) until it
    // catches up; other clients and the engine never wait for it.
    qint64 maxQueuedBytes = 256 * 1024;
    // A client that keeps losing frames this long, or that has not answered a protocol ping
    // for three ping intervals, is stalled and gets closed.
    std::chrono::milliseconds stallTimeout{5'000};
    std::chrono::milliseconds pingInterval{5'000};
    qint64 maxIncomingMessageBytes = 64 * 1024;
    // The longest ping id echoed back. A longer one closes the client (1009, message too big):
    // the echo exists for matching answers to pings, not for moving data.
    qint64 maxPingIdBytes = 256;
    // The kernel send buffer of each client socket; small, so that a stalled client shows up
    // in the hub's own queue soon instead of hiding megabytes in the kernel.
    int socketSendBufferBytes = 64 * 1024;
};

// The WebSocket side of the server: streams (/ws/<name>) that each produce a JSON frame at a
// fixed rate, and the clients subscribed to them. Each client has its own capped send queue,
// so a slow client loses frames and never delays the others. Clients may send
// {"type":"ping"} and get {"type":"pong"}. A control endpoint (addControl) is a path without
// frames whose clients send messages that a handler answers (/ws/control, docs/api.md).
//
// Thread: lives on, and is used only from, the server thread.
class WebSocketHub : public QObject {
    Q_OBJECT
public:
    using FrameSource = std::function<QJsonObject()>;
    // Sends one JSON message back to the client that sent the one being handled; does nothing
    // once that client has gone. Server thread only; may be kept and called later (a handler
    // that finishes on a worker answers through it).
    using Reply = std::function<void(const QJsonObject&)>;
    // Handles one JSON object a client of a control endpoint sent (not "ping"), on this thread;
    // `peer` is the client's address.
    using MessageHandler = std::function<void(const QJsonObject& message, const QHostAddress& peer,
                                              const Reply& reply)>;

    WebSocketHub(const AccessPolicy& access, WebSocketLimits limits, QObject* parent = nullptr);
    ~WebSocketHub() override;

    // Before start(). `path` is the full path ("/ws/status").
    void addStream(const QString& path, double rateHz, FrameSource frame);
    // A path whose clients send messages instead of receiving frames (rate 0 in streamRate).
    // Same access checks as the streams. Before start().
    void addControl(const QString& path, MessageHandler handler);
    // A pushed stream (/ws/metrics): no timer; every frame given to publish() goes out once, in
    // order, to each client (or to every k-th client that asked for ?rate=N). `rateHz` is its
    // nominal rate for /api/websockets.
    void addPushStream(const QString& path, double rateHz);
    // Sends one frame of a pushed stream, serialised once, the same text to every client. A
    // client whose send queue is over the limit loses it (counted). `rateHz`: the rate the
    // frames come at now, for the clients' ?rate=N decimation.
    void publish(const QString& path, const QString& text, double rateHz);
    bool hasStream(const QString& path) const;
    QStringList streamPaths() const;
    double streamRate(const QString& path) const;

    void start();
    // Takes a freshly upgraded socket: checks its Origin and token (?token= or an
    // Authorization header) and subscribes it to the stream named by its path. A bad token
    // closes it with code 4001, an unknown stream with 4004, a foreign origin with 4003.
    void accept(std::unique_ptr<QWebSocket> socket);
    // Closes every client (server shutdown).
    void closeAll();

    const WebSocketLimits& limits() const { return limits_; }
    int clientCount(const QString& path) const;
    // Called on this thread with the client count of every stream whenever one changes, so
    // that handlers on worker threads can read the counts without touching the hub.
    using CountsListener = std::function<void(const QHash<QString, int>& clientsPerStream)>;
    void setCountsListener(CountsListener listener) { countsListener_ = std::move(listener); }
    QList<WebSocketClientStats> clientStats() const;
    // Frames sent and lost of one stream since start, clients that have gone included.
    struct StreamTotals {
        int clients = 0;
        quint64 framesSent = 0;
        quint64 framesDropped = 0;
    };
    StreamTotals streamTotals(const QString& path) const;
    // Since start, clients that have gone included (for /metrics counters that never go back).
    quint64 framesSentTotal() const { return framesSentTotal_; }
    quint64 framesDroppedTotal() const { return framesDroppedTotal_; }

    static constexpr int kCloseUnauthorized = 4001;
    static constexpr int kCloseForbiddenOrigin = 4003;
    static constexpr int kCloseUnknownStream = 4004;
    static constexpr int kCloseStalled = 4008;
    static constexpr int kCloseBadRequest = 4022;  // e.g. ?rate= out of range

private:
    struct Client;
    struct Stream {
        QString path;
        double rateHz = 0.0;
        FrameSource frame;         // polled streams only
        MessageHandler onMessage;  // set for a control endpoint
        bool pushed = false;       // frames come through publish(), not a timer
        std::unique_ptr<QTimer> timer;
        quint64 framesSent = 0;
        quint64 framesDropped = 0;
    };

    void broadcast(Stream& stream);
    // Sends `text` unless the client's queue is over the limit (then counts a lost frame and
    // closes a client that has been losing them for the stall timeout).
    void sendFrame(Client& client, const QString& text, qint64 nowMs);
    void onTextMessage(Client& client, const QString& message);
    // Sends a reply to something the client sent, unless its send queue is over the limit: a
    // client that sends faster than it reads must not grow the server's memory (counted as a
    // dropped frame).
    void reply(Client& client, const QJsonObject& message);
    // The "id" of a message, if it has one no longer than maxPingIdBytes; a longer one closes
    // the client (1009) and returns false.
    bool takeId(Client& client, const QJsonObject& message, QJsonObject* answer);
    void pingClients();
    void closeClient(Client& client, int code, const QString& reason);
    void removeClient(QWebSocket* socket);
    Client* find(QWebSocket* socket);
    void publishCounts() const;

    const AccessPolicy& access_;
    WebSocketLimits limits_;
    std::vector<std::unique_ptr<Stream>> streams_;
    std::vector<std::unique_ptr<Client>> clients_;
    QTimer pingTimer_;
    CountsListener countsListener_;
    quint64 framesSentTotal_ = 0;
    quint64 framesDroppedTotal_ = 0;
};

}  // namespace soundlab::api
