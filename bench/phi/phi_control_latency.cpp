// Control-to-audio latency of the Φ controller (issue 10, "Measure"): from the moment a client
// sends a change to the start of the first audio block that uses it, on the virtual device at
// 48 kHz / 512 frames, over each control path a client has:
//   - http:       PUT /api/phi {"manual":{"depth":…}} on a keep-alive TCP connection;
//   - ws phi:     {"type":"phi","manual":{"depth":…}} on /ws/control (no id: no reply);
//   - ws sensor:  {"type":"sensor","gsr":…} on /ws/control, mode sensor (depth = gsr·Φ);
//   - osc:        /soundlab/phi/depth f, sent with liblo over UDP.
// The real ApiServer and OscServer run in this process over real sockets; the audio thread
// publishes, with each block, the (phase, depth) it used and when that block read its inputs
// (phi::State::blockNs, the steady clock). A poller thread records every block's state; the
// latency of a change is blockNs of the first block whose depth is the new value minus the
// send time. A trial whose first block the poller may have missed (a gap in the block numbers)
// is discarded and counted. Sends are spread at random over two blocks, so the wait for the
// next block is sampled uniformly.
//
//   phi_control_latency [trials per path, default 300]

#include "api/ApiServer.h"
#include "api/OscServer.h"
#include "engine/AudioEngine.h"

#include <lo/lo.h>
#include <QCoreApplication>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QWebSocket>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace soundlab;

namespace {

int64_t steadyNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// Runs the event loop for `ms` (the WebSocket lives on this thread).
void pause(double ms) {
    const int64_t end = steadyNs() + int64_t(ms * 1e6);
    // Sleeps of up to 1 ms: the measuring threads should not take the CPU the server needs.
    for (int64_t now = steadyNs(); now < end; now = steadyNs()) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
        std::this_thread::sleep_for(
            std::chrono::nanoseconds(std::min<int64_t>(end - now, 1'000'000)));
    }
}

// Every block's published state, as seen by polling every 0.5 ms (blocks are 10.7 ms apart; a
// missed block shows as a gap in the block numbers).
class BlockRecorder {
public:
    struct Block {
        uint64_t index;
        int64_t ns;
        double depth;
    };
    explicit BlockRecorder(const AudioEngine& engine)
        : thread_([this, &engine] {
              uint64_t last = 0;
              while (!stop_) {
                  const phi::State s = engine.phiState();
                  if (s.blocks != last) {
                      last = s.blocks;
                      std::lock_guard lock(mutex_);
                      blocks_.push_back({s.blocks, s.blockNs, s.depth});
                  }
                  std::this_thread::sleep_for(std::chrono::microseconds(500));
              }
          }) {}
    ~BlockRecorder() {
        stop_ = true;
        thread_.join();
    }
    size_t size() const {
        std::lock_guard lock(mutex_);
        return blocks_.size();
    }
    // The first block from `from` on whose depth is `target`, and the one before it.
    bool find(size_t from, double target, Block* hit, Block* before) const {
        std::lock_guard lock(mutex_);
        for (size_t i = std::max<size_t>(from, 1); i < blocks_.size(); ++i) {
            if (std::abs(blocks_[i].depth - target) < 1e-9) {
                *hit = blocks_[i];
                *before = blocks_[i - 1];
                return true;
            }
        }
        return false;
    }

private:
    mutable std::mutex mutex_;
    std::vector<Block> blocks_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

// A keep-alive HTTP/1.1 client on a plain socket: nothing between the send and the wire.
class HttpConnection {
public:
    explicit HttpConnection(quint16 port) : port_(port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        const int one = 1;
        ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) std::perror("connect");
    }
    ~HttpConnection() { ::close(fd_); }
    void put(const std::string& path, const std::string& body) {
        const std::string request =
            "PUT " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) +
            "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
            "\r\n\r\n" + body;
        if (::send(fd_, request.data(), request.size(), 0) != ssize_t(request.size()))
            std::perror("send");
    }
    // Reads one answer (head + Content-Length body); returns its status.
    int readAnswer() {
        std::string data;
        char buffer[65536];
        size_t headEnd = std::string::npos;
        size_t length = 0;
        while (true) {
            if (headEnd == std::string::npos &&
                (headEnd = data.find("\r\n\r\n")) != std::string::npos) {
                const size_t at = data.find("Content-Length: ");
                length = at == std::string::npos ? 0 : std::stoul(data.substr(at + 16));
            }
            if (headEnd != std::string::npos && data.size() >= headEnd + 4 + length) break;
            const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
            if (n <= 0) return 0;
            data.append(buffer, size_t(n));
        }
        return std::stoi(data.substr(9, 3));
    }

private:
    quint16 port_;
    int fd_ = -1;
};

struct Result {
    std::vector<double> ms;
    int discarded = 0;
    // Trials whose change missed a block: the block before the one that used it had started
    // after the send (the transport took longer than the wait for the next block).
    int missedABlock = 0;
    double longestPeriodMs = 0;  // between the two blocks around the change: the device's jitter
};

double percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    const size_t i = size_t(std::ceil(p * double(v.size()))) - 1;
    return v[std::min(i, v.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const int trials = argc > 1 ? std::max(10, std::atoi(argv[1])) : 300;

    AudioEngine engine;
    StreamConfig config;
    config.inputDevice = config.outputDevice = QStringLiteral("virtual");
    config.sampleRate = 48000;
    config.blockSize = 512;
    if (auto error = engine.configure(config)) {
        std::fprintf(stderr, "configure: %s\n", qPrintable(error->message));
        return 1;
    }
    if (auto error = engine.start()) {
        std::fprintf(stderr, "start: %s\n", qPrintable(error->message));
        return 1;
    }
    api::OscServer osc(engine);
    if (auto error = osc.start(QStringLiteral("127.0.0.1"), 0)) {
        std::fprintf(stderr, "osc: %s\n", qPrintable(*error));
        return 1;
    }
    api::ApiServerOptions options;
    options.port = 0;
    options.oscCounters = [&osc] { return osc.counters(); };
    api::ApiServer server(engine, options);
    if (auto error = server.start()) {
        std::fprintf(stderr, "api: %s\n", qPrintable(*error));
        return 1;
    }

    HttpConnection http(server.port());
    QWebSocket ws;
    ws.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws/control").arg(server.port())));
    for (int i = 0; i < 2000 && ws.state() != QAbstractSocket::ConnectedState; ++i) pause(1);
    if (ws.state() != QAbstractSocket::ConnectedState) {
        std::fprintf(stderr, "ws: could not connect\n");
        return 1;
    }
    int wsErrors = 0;
    QObject::connect(&ws, &QWebSocket::textMessageReceived, [&](const QString& m) {
        ++wsErrors;  // messages without an id are answered only when they fail
        std::fprintf(stderr, "ws error: %s\n", qPrintable(m));
    });
    lo_address oscAddress =
        lo_address_new("127.0.0.1", std::to_string(*osc.counters().port).c_str());

    BlockRecorder recorder(engine);
    const double blockMs = 512.0 / 48.0;
    std::mt19937 random(7);
    std::uniform_real_distribution<double> spread(0.0, 2.0 * blockMs);

    // One path: `send(value)` sends a change whose block-rate depth is `depthOf(value)`.
    const auto measure = [&](const std::function<void(double)>& send,
                             const std::function<double(double)>& depthOf) {
        Result result;
        for (int i = 0; i < trials; ++i) {
            // A new value every trial (alternating halves of the range), exact in float32.
            const double value = double(float(0.1 + 0.5 * (i % 2) + 0.0003 * (i % 997)));
            pause(spread(random));
            const size_t from = recorder.size();
            const int64_t sent = steadyNs();
            send(value);
            BlockRecorder::Block hit{}, before{};
            bool found = false;
            for (int w = 0;
                 w < 2000 && !(found = recorder.find(from, depthOf(value), &hit, &before)); ++w)
                pause(1.0);
            if (!found || before.index + 1 != hit.index) {
                ++result.discarded;
                continue;
            }
            result.ms.push_back(double(hit.ns - sent) / 1e6);
            if (before.ns > sent) ++result.missedABlock;
            result.longestPeriodMs =
                std::max(result.longestPeriodMs, double(hit.ns - before.ns) / 1e6);
        }
        return result;
    };
    const auto same = [](double v) { return v; };

    std::printf(
        "control-to-audio latency, virtual device 48 kHz / 512 (block %.2f ms), %d trials "
        "per path\n",
        blockMs, trials);
    std::printf("goal: <= 1 block + 1 ms = %.2f ms\n\n", blockMs + 1.0);
    std::printf("%-12s %5s %9s %8s %8s %8s %9s %12s %14s\n", "path", "n", "discarded", "p50 ms",
                "p99 ms", "max ms", "p99/goal", "missed block", "longest period");
    const auto report = [&](const char* name, const Result& r) {
        if (r.ms.empty()) {
            std::printf("%-12s no valid trial\n", name);
            return;
        }
        const double p99 = percentile(r.ms, 0.99);
        std::printf("%-12s %5zu %9d %8.2f %8.2f %8.2f %9.2f %12d %11.2f ms\n", name, r.ms.size(),
                    r.discarded, percentile(r.ms, 0.5), p99, percentile(r.ms, 1.0),
                    p99 / (blockMs + 1.0), r.missedABlock, r.longestPeriodMs);
        std::fflush(stdout);
    };

    // Manual mode: the controller plays the manual depth as it is.
    http.put("/api/phi", R"({"mode":"manual"})");
    http.readAnswer();
    pause(200);  // past any fade
    report("http PUT", measure(
                           [&](double v) {
                               http.put("/api/phi",
                                        "{\"manual\":{\"depth\":" +
                                            QByteArray::number(v, 'g', 17).toStdString() + "}}");
                               if (http.readAnswer() != 200) std::fprintf(stderr, "PUT failed\n");
                           },
                           same));
    report("ws phi", measure(
                         [&](double v) {
                             ws.sendTextMessage(QString::fromUtf8(
                                 QJsonDocument(QJsonObject{{"type", "phi"},
                                                           {"manual", QJsonObject{{"depth", v}}}})
                                     .toJson(QJsonDocument::Compact)));
                             ws.flush();
                         },
                         same));
    report("osc depth",
           measure([&](double v) { lo_send(oscAddress, "/soundlab/phi/depth", "f", float(v)); },
                   same));
    // Sensor mode: depth = gsr·Φ.
    ws.sendTextMessage(QStringLiteral(R"({"type":"phi","mode":"sensor"})"));
    ws.sendTextMessage(QStringLiteral(R"({"type":"sensor","gsr":0.01,"heart_rate_bpm":60})"));
    pause(200);
    report("ws sensor", measure(
                            [&](double v) {
                                ws.sendTextMessage(QString::fromUtf8(
                                    QJsonDocument(QJsonObject{{"type", "sensor"}, {"gsr", v}})
                                        .toJson(QJsonDocument::Compact)));
                                ws.flush();
                            },
                            [](double v) { return v * dsp::kPhi; }));

    lo_address_free(oscAddress);
    std::printf("\nws errors: %d\n", wsErrors);
    server.stop();
    engine.stop();
    return wsErrors == 0 ? 0 : 1;
}
