// api_ws_load_client URL CLIENTS SECONDS
// Opens CLIENTS WebSocket connections to URL, keeps them for SECONDS and prints how many
// frames each received. Used by scripts/bench-api.sh to load the server during wrk runs.

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTimer>
#include <QWebSocket>
#include <algorithm>
#include <cstdio>
#include <memory>
#include <vector>

int main(int argc, char* argv[]) {
    QCoreApplication app(argc, argv);
    if (argc != 4) {
        std::fprintf(stderr, "usage: %s URL CLIENTS SECONDS\n", argv[0]);
        return 2;
    }
    const QUrl url(QString::fromLocal8Bit(argv[1]));
    const int count = std::atoi(argv[2]);
    const int seconds = std::atoi(argv[3]);

    struct Client {
        QWebSocket socket;
        long frames = 0;
        bool connected = false;
        bool closed = false;
    };
    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < count; ++i) {
        auto c = std::make_unique<Client>();
        Client* raw = c.get();
        QObject::connect(&raw->socket, &QWebSocket::connected, [raw] { raw->connected = true; });
        QObject::connect(&raw->socket, &QWebSocket::disconnected, [raw] { raw->closed = true; });
        QObject::connect(&raw->socket, &QWebSocket::textMessageReceived,
                         [raw](const QString&) { ++raw->frames; });
        raw->socket.open(url);
        clients.push_back(std::move(c));
    }
    QElapsedTimer elapsed;
    elapsed.start();
    QTimer::singleShot(seconds * 1000, &app, &QCoreApplication::quit);
    app.exec();

    long minFrames = -1, total = 0;
    int connected = 0, closed = 0;
    for (const auto& c : clients) {
        connected += c->connected;
        closed += c->closed;
        total += c->frames;
        minFrames = minFrames < 0 ? c->frames : std::min(minFrames, c->frames);
    }
    std::printf(
        "ws_clients=%d connected=%d closed=%d seconds=%.1f frames_min=%ld frames_avg=%.1f\n", count,
        connected, closed, elapsed.elapsed() / 1000.0, minFrames,
        count ? double(total) / count : 0.0);
    return connected == count && closed == 0 ? 0 : 1;
}
