#include "api/WebSocketHub.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrlQuery>
#include <QWebSocket>
#include <cmath>

namespace soundlab::api {

struct WebSocketHub::Client {
    QWebSocket* socket = nullptr;  // owned by the hub (its QObject child)
    Stream* stream = nullptr;
    QString peer;
    quint64 sent = 0;
    quint64 dropped = 0;
    qint64 lastPongMs = 0;        // on the hub's clock
    qint64 droppingSinceMs = -1;  // when it started losing frames; -1 while it keeps up
    double rateHz = 0.0;          // ?rate=N on a pushed stream; 0: every frame
    double credit = 1.0;          // decimation: a frame goes out when a whole one is owed
    bool closing = false;
};

namespace {

// The hub's monotonic clock in milliseconds.
qint64 nowMs() {
    static QElapsedTimer clock = [] {
        QElapsedTimer t;
        t.start();
        return t;
    }();
    return clock.elapsed();
}

QString compact(const QJsonObject& object) {
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

// Errors about the message itself; `status` is the HTTP status the same mistake gets over REST.
QJsonObject errorMessage(const QString& code, const QString& message) {
    return {{QStringLiteral("type"), QStringLiteral("error")},
            {QStringLiteral("error"), QJsonObject{{QStringLiteral("status"), 400},
                                                  {QStringLiteral("code"), code},
                                                  {QStringLiteral("message"), message}}}};
}

}  // namespace

WebSocketHub::WebSocketHub(const AccessPolicy& access, WebSocketLimits limits, QObject* parent)
    : QObject(parent), access_(access), limits_(limits) {
    connect(&pingTimer_, &QTimer::timeout, this, &WebSocketHub::pingClients);
}

WebSocketHub::~WebSocketHub() {
    closeAll();
}

void WebSocketHub::addStream(const QString& path, double rateHz, FrameSource frame) {
    auto stream = std::make_unique<Stream>();
    stream->path = path;
    stream->rateHz = rateHz;
    stream->frame = std::move(frame);
    for (auto& existing : streams_) {
        if (existing->path == path) {
            existing = std::move(stream);
            return;
        }
    }
    streams_.push_back(std::move(stream));
}

void WebSocketHub::addControl(const QString& path, MessageHandler handler) {
    addStream(path, 0.0, {});
    for (auto& stream : streams_)
        if (stream->path == path) stream->onMessage = std::move(handler);
}

void WebSocketHub::addPushStream(const QString& path, double rateHz) {
    addStream(path, rateHz, {});
    for (auto& stream : streams_)
        if (stream->path == path) stream->pushed = true;
}

bool WebSocketHub::hasStream(const QString& path) const {
    for (const auto& s : streams_)
        if (s->path == path) return true;
    return false;
}

QStringList WebSocketHub::streamPaths() const {
    QStringList paths;
    for (const auto& s : streams_) paths << s->path;
    return paths;
}

double WebSocketHub::streamRate(const QString& path) const {
    for (const auto& s : streams_)
        if (s->path == path) return s->rateHz;
    return 0.0;
}

void WebSocketHub::start() {
    for (auto& stream : streams_) {
        // No timer: a control endpoint sends no frames, a pushed stream's come from publish().
        if (stream->onMessage || stream->pushed || !stream->frame) continue;
        stream->timer = std::make_unique<QTimer>();
        stream->timer->setTimerType(Qt::PreciseTimer);
        stream->timer->setInterval(
            std::max(1, static_cast<int>(std::lround(1000.0 / stream->rateHz))));
        Stream* s = stream.get();
        connect(stream->timer.get(), &QTimer::timeout, this, [this, s] { broadcast(*s); });
        stream->timer->start();
    }
    pingTimer_.start(limits_.pingInterval);
}

void WebSocketHub::accept(std::unique_ptr<QWebSocket> owned) {
    QWebSocket* socket = owned.release();
    socket->setParent(this);
    socket->setMaxAllowedIncomingMessageSize(limits_.maxIncomingMessageBytes);
    socket->setMaxAllowedIncomingFrameSize(limits_.maxIncomingMessageBytes);
    socket->setReadBufferSize(limits_.maxIncomingMessageBytes);

    auto client = std::make_unique<Client>();
    client->socket = socket;
    client->peer =
        QStringLiteral("%1:%2").arg(socket->peerAddress().toString()).arg(socket->peerPort());
    client->lastPongMs = nowMs();
    Client& c = *client;
    clients_.push_back(std::move(client));

    connect(socket, &QWebSocket::disconnected, this, [this, socket] {
        // Removal is deferred: this signal may fire inside a loop over the clients.
        QMetaObject::invokeMethod(
            this, [this, socket] { removeClient(socket); }, Qt::QueuedConnection);
    });

    // Refusals close from the event loop: this runs inside Qt's handshake code, which still
    // reads from the socket after announcing the connection.
    const auto refuse = [this, socket](Client& client, int code, const QString& reason) {
        client.closing = true;
        publishCounts();
        QMetaObject::invokeMethod(
            this,
            [this, socket, code, reason] {
                if (Client* c = find(socket)) closeClient(*c, code, reason);
            },
            Qt::QueuedConnection);
    };
    const QUrl url = socket->requestUrl();
    if (!access_.originAllowed(socket->origin().toUtf8())) {
        refuse(c, kCloseForbiddenOrigin, QStringLiteral("origin not allowed"));
        return;
    }
    const QByteArray queryToken =
        QUrlQuery(url).queryItemValue(QStringLiteral("token"), QUrl::FullyDecoded).toUtf8();
    const QByteArray authorization = socket->request().rawHeader("Authorization");
    const bool authorized =
        !access_.tokenRequired() || (!queryToken.isEmpty() && access_.acceptsToken(queryToken)) ||
        (!authorization.isEmpty() && access_.acceptsAuthorization(authorization));
    if (!authorized) {
        refuse(c, kCloseUnauthorized, QStringLiteral("unauthorized: bad or missing token"));
        return;
    }
    for (auto& stream : streams_)
        if (stream->path == url.path()) c.stream = stream.get();
    if (!c.stream) {
        refuse(c, kCloseUnknownStream, QStringLiteral("no such stream"));
        return;
    }
    const QUrlQuery query(url);
    if (c.stream->pushed && query.hasQueryItem(QStringLiteral("rate"))) {
        bool ok = false;
        c.rateHz = query.queryItemValue(QStringLiteral("rate")).toDouble(&ok);
        if (!ok || !std::isfinite(c.rateHz) || c.rateHz < 1.0) {
            refuse(c, kCloseBadRequest,
                   QStringLiteral("rate must be a number from 1 to the analysis rate (Hz)"));
            return;
        }
    }
    publishCounts();

    connect(socket, &QWebSocket::textMessageReceived, this, [this, socket](const QString& text) {
        if (Client* client = find(socket)) onTextMessage(*client, text);
    });
    connect(socket, &QWebSocket::binaryMessageReceived, this, [this, socket] {
        if (Client* client = find(socket))
            reply(*client, errorMessage(QStringLiteral("unsupported_message"),
                                        QStringLiteral("send JSON text messages")));
    });
    connect(socket, &QWebSocket::pong, this, [this, socket] {
        if (Client* client = find(socket)) client->lastPongMs = nowMs();
    });
}

void WebSocketHub::broadcast(Stream& stream) {
    bool anyone = false;
    for (const auto& c : clients_) anyone = anyone || (c->stream == &stream && !c->closing);
    if (!anyone) return;  // frames cost something to make; nobody is listening

    QString text;
    try {
        text = compact(stream.frame());
    } catch (const std::exception& e) {
        qWarning("soundlab api: stream %s failed to make a frame: %s", qPrintable(stream.path),
                 e.what());
        return;
    }
    const qint64 now = nowMs();
    for (const auto& c : clients_)
        if (c->stream == &stream && !c->closing) sendFrame(*c, text, now);
}

void WebSocketHub::publish(const QString& path, const QString& text, double rateHz) {
    const Stream* stream = nullptr;
    for (const auto& s : streams_)
        if (s->path == path) stream = s.get();
    const qint64 now = nowMs();
    for (const auto& c : clients_) {
        if (c->closing || c->stream != stream || !stream) continue;
        if (c->rateHz > 0.0 && c->rateHz < rateHz) {
            // Decimation by credit: exactly rateHz·(N/rate) frames on average, evenly spread.
            c->credit += c->rateHz / rateHz;
            if (c->credit < 1.0) continue;
            c->credit -= 1.0;
        }
        sendFrame(*c, text, now);
    }
}

void WebSocketHub::sendFrame(Client& c, const QString& text, qint64 now) {
    if (c.socket->bytesToWrite() > limits_.maxQueuedBytes) {
        ++c.dropped;
        ++c.stream->framesDropped;
        ++framesDroppedTotal_;
        if (c.droppingSinceMs < 0) c.droppingSinceMs = now;
        if (now - c.droppingSinceMs > limits_.stallTimeout.count())
            closeClient(c, kCloseStalled, QStringLiteral("client stalled"));
        return;
    }
    c.droppingSinceMs = -1;
    c.socket->sendTextMessage(text);
    ++c.sent;
    ++c.stream->framesSent;
    ++framesSentTotal_;
}

void WebSocketHub::reply(Client& client, const QJsonObject& message) {
    if (client.closing) return;
    if (client.socket->bytesToWrite() > limits_.maxQueuedBytes) {
        ++client.dropped;
        ++framesDroppedTotal_;
        return;
    }
    client.socket->sendTextMessage(compact(message));  // replies are not stream frames: not counted
}

void WebSocketHub::onTextMessage(Client& client, const QString& message) {
    client.lastPongMs = nowMs();  // a client that talks is alive
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(message.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) {
        reply(client,
              errorMessage(QStringLiteral("malformed_json"), QStringLiteral("send a JSON object")));
        return;
    }
    const QJsonObject object = doc.object();
    const QString type = object.value(QStringLiteral("type")).toString();
    if (type == QLatin1String("ping")) {
        QJsonObject pong{{QStringLiteral("type"), QStringLiteral("pong")}};
        if (!takeId(client, object, &pong)) return;
        reply(client, pong);
        return;
    }
    if (client.stream->onMessage) {
        QJsonObject bounded;  // only checks the id's length: the handler echoes it
        if (!takeId(client, object, &bounded)) return;
        // The reply may come later (from a worker): find the client again then.
        const QPointer<QWebSocket> socket = client.socket;
        client.stream->onMessage(object, socket->peerAddress(),
                                 [this, socket](const QJsonObject& answer) {
                                     if (Client* c = socket ? find(socket) : nullptr)
                                         reply(*c, answer);
                                 });
        return;
    }
    reply(client, errorMessage(
                      QStringLiteral("unknown_message"),
                      QStringLiteral("unknown message type '%1'; known: ping").arg(type.left(64))));
}

bool WebSocketHub::takeId(Client& client, const QJsonObject& message, QJsonObject* answer) {
    if (!message.contains(QStringLiteral("id"))) return true;
    const QJsonValue id = message.value(QStringLiteral("id"));
    // Measured as the client wrote it (compact JSON), so any type of id is bounded.
    const qint64 idBytes = QJsonDocument(QJsonArray{id}).toJson(QJsonDocument::Compact).size() - 2;
    if (idBytes > limits_.maxPingIdBytes) {
        closeClient(client, QWebSocketProtocol::CloseCodeTooMuchData,
                    QStringLiteral("message id longer than %1 bytes").arg(limits_.maxPingIdBytes));
        return false;
    }
    answer->insert(QStringLiteral("id"), id);
    return true;
}

void WebSocketHub::pingClients() {
    const qint64 now = nowMs();
    const qint64 deadline = 3 * limits_.pingInterval.count();
    for (const auto& c : clients_) {
        if (c->closing) continue;
        if (now - c->lastPongMs > deadline)
            closeClient(*c, kCloseStalled, QStringLiteral("no pong: client stalled"));
        else
            c->socket->ping();
    }
}

void WebSocketHub::closeClient(Client& client, int code, const QString& reason) {
    client.closing = true;
    publishCounts();
    QWebSocket* socket = client.socket;
    socket->close(static_cast<QWebSocketProtocol::CloseCode>(code), reason);
    // A client that does not answer the close handshake is cut off.
    QTimer::singleShot(1000, socket, [socket] { socket->abort(); });
}

WebSocketHub::Client* WebSocketHub::find(QWebSocket* socket) {
    for (auto& c : clients_)
        if (c->socket == socket) return c.get();
    return nullptr;
}

void WebSocketHub::removeClient(QWebSocket* socket) {
    for (auto it = clients_.begin(); it != clients_.end(); ++it) {
        if ((*it)->socket == socket) {
            clients_.erase(it);
            socket->deleteLater();
            publishCounts();
            return;
        }
    }
}

void WebSocketHub::closeAll() {
    for (auto& c : clients_) {
        c->socket->disconnect(this);
        c->socket->abort();
        delete c->socket;
    }
    clients_.clear();
    publishCounts();
    for (auto& s : streams_) s->timer.reset();
    pingTimer_.stop();
}

void WebSocketHub::publishCounts() const {
    if (!countsListener_) return;
    QHash<QString, int> counts;
    for (const auto& s : streams_) counts.insert(s->path, clientCount(s->path));
    countsListener_(counts);
}

int WebSocketHub::clientCount(const QString& path) const {
    int count = 0;
    for (const auto& c : clients_)
        if (c->stream && c->stream->path == path && !c->closing) ++count;
    return count;
}

WebSocketHub::StreamTotals WebSocketHub::streamTotals(const QString& path) const {
    StreamTotals totals;
    for (const auto& s : streams_) {
        if (s->path != path) continue;
        totals.framesSent = s->framesSent;
        totals.framesDropped = s->framesDropped;
    }
    totals.clients = clientCount(path);
    return totals;
}

QList<WebSocketClientStats> WebSocketHub::clientStats() const {
    QList<WebSocketClientStats> stats;
    for (const auto& c : clients_) {
        if (!c->stream || c->closing) continue;
        stats.append({c->stream->path, c->peer, c->sent, c->dropped, c->socket->bytesToWrite()});
    }
    return stats;
}

}  // namespace soundlab::api
