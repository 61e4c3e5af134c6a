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
    bool connected = false;
    QObject::connect(&socket, &QWebSocket::connected, [&] { connected = true; });
    QObject::connect(&socket, &QWebSocket::disconnected, [&] {
        if (connected) std::fprintf(stderr, "api_ws_gap_client: the server closed the stream\n");
        QCoreApplication::exit(1);
    });
    QObject::connect(&socket, &QWebSocket::textMessageReceived, [](const QString&) {
        // Stamped at once: the event loop does nothing else.
        const auto now = std::chrono::system_clock::now().time_since_epoch();
        std::printf("%lld\n",
                    static_cast<long long>(
                        std::chrono::duration_cast<std::chrono::microseconds>(now).count()));
        std::fflush(stdout);
    });
    socket.open(QUrl(QString::fromLocal8Bit(argv[1])));
    QTimer::singleShot(std::atoi(argv[2]) * 1000, &app, &QCoreApplication::quit);
    return app.exec();
}
