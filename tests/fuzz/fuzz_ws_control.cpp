// Text messages to /ws/control of the real server over a real WebSocket: the hub's message
// handling (JSON, ping, id bounds), the control channel and the Φ and sensor routes it runs.
// After each input a ping with an id is sent and its pong awaited, so the input has been
// handled (one socket, handled in order) before the next one; a closed connection (a message
// that breaks a limit) is opened again.

#include "LiveServer.h"

#include <QElapsedTimer>
#include <QWebSocket>
#include <cstddef>
#include <cstdint>

namespace {

soundlab::fuzz::LiveServer* server = nullptr;
QWebSocket* socket = nullptr;
QString lastPongId;
quint64 pings = 0;

template <typename F>
bool waitFor(F done, int timeoutMs) {
    QElapsedTimer timer;
    timer.start();
    while (!done() && timer.elapsed() < timeoutMs)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 10);
    return done();
}

void connectControl() {
    delete socket;
    socket = new QWebSocket;
    QObject::connect(socket, &QWebSocket::textMessageReceived, [](const QString& message) {
        // The pongs the harness waits for; other answers are the server's business.
        if (message.contains(QLatin1String("\"pong\"")) && message.contains(QLatin1String("sync-")))
            lastPongId = message;
    });
    socket->open(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws/control").arg(server->server->port())));
    if (!waitFor([] { return socket->state() == QAbstractSocket::ConnectedState; }, 10'000))
        soundlab::fuzz::fail("cannot open /ws/control");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    server = new soundlab::fuzz::LiveServer;
    connectControl();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (socket->state() != QAbstractSocket::ConnectedState) connectControl();
    socket->sendTextMessage(
        QString::fromUtf8(reinterpret_cast<const char*>(data), qsizetype(size)));
    const QString id = QStringLiteral("sync-%1").arg(++pings);
    socket->sendTextMessage(QStringLiteral(R"({"type":"ping","id":"%1"})").arg(id));
    // The pong, or the server closed the connection (the input broke a limit).
    const bool answered = waitFor(
        [&] {
            return lastPongId.contains(u'"' + id + u'"') ||
                   socket->state() != QAbstractSocket::ConnectedState;
        },
        30'000);
    if (!answered) soundlab::fuzz::fail("/ws/control stopped answering pings");
    return 0;
}
