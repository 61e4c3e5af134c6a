// api_ws_gap_client URL SECONDS
// Connects one WebSocket client to URL (e.g. ws://127.0.0.1:PORT/ws/status) for SECONDS and
// prints the arrival time of every frame, one per line, in microseconds since the Unix epoch
// (the system clock, so that scripts can compare it with `date +%s%6N`). Used by
// scripts/bench-ws-gap.sh to find the largest gap between frames while the API works.

#include <QCoreApplication>
#include <QTimer>
#include <QWebSocket>
#include <chrono>
#include <cstdio>

int main(int argc, char* argv[]) {
    QCoreApplication app(argc, argv);
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s URL SECONDS\n", argv[0]);
        return 2;
    }
    QWebSocket socket;
    const QUrl url(QString::fromLocal8Bit(argv[1]));
    // A server that stalls long enough closes the client (no pong for 15 s): say so and come
    // back, so that the gap (reconnection included) is still measured.
    QObject::connect(&socket, &QWebSocket::disconnected, [&] {
        std::fprintf(stderr, "api_ws_gap_client: closed by the server (code %d); reconnecting\n",
                     int(socket.closeCode()));
        QTimer::singleShot(100, [&] { socket.open(url); });
    });
    QObject::connect(&socket, &QWebSocket::textMessageReceived, [](const QString&) {
        // Stamped at once: the event loop does nothing else.
        const auto now = std::chrono::system_clock::now().time_since_epoch();
        std::printf("%lld\n",
                    static_cast<long long>(
                        std::chrono::duration_cast<std::chrono::microseconds>(now).count()));
        std::fflush(stdout);
    });
    socket.open(url);
    QTimer::singleShot(std::atoi(argv[2]) * 1000, &app, &QCoreApplication::quit);
    return app.exec();
}
