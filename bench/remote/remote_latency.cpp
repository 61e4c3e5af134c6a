// The remote control room's delays over the network (issue 15, docs/benchmarks.md "Remote
// control room"), measured with the window's own parts against a running box:
//  - command round trip: PhiViewModel::setManualDepth (what the depth fader calls) until the
//    /ws/events record of that change arrives (LinkViewModel::event), and until the block that
//    applied it is heard (the record's heard_time);
//  - live-data delay: a metrics frame's heard time (its `timestamp`) until MetricsViewModel holds
//    it as a chart point (its 30 Hz poll over HTTP).
// Usage: bench_remote_latency URL [TOKEN] [COMMANDS] (scripts/bench-remote.sh starts a box).
#include "ControlBackend.h"
#include "LinkViewModel.h"
#include "MetricsViewModel.h"
#include "PhiViewModel.h"
#include "RemoteBackend.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QJsonObject>
#include <QUrl>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace soundlab;

namespace {

double nowSeconds() { return QDateTime::currentMSecsSinceEpoch() / 1000.0; }

// Runs the event loop until `done` or `timeoutMs`.
template <typename F>
bool runUntil(F done, int timeoutMs) {
    QElapsedTimer clock;
    clock.start();
    while (!done() && clock.elapsed() < timeoutMs)
        QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents, 5);
    return done();
}

void report(const char* what, std::vector<double> ms) {
    if (ms.empty()) {
        std::printf("%-44s no samples\n", what);
        return;
    }
    std::sort(ms.begin(), ms.end());
    const auto at = [&](double q) { return ms[std::min(ms.size() - 1, size_t(q * ms.size()))]; };
    std::printf("%-40s n %4zu  min %7.2f  p50 %7.2f  p99 %7.2f  max %7.2f ms\n", what,
                ms.size(), ms.front(), at(0.5), at(0.99), ms.back());
}

}  // namespace

int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_remote_latency URL [TOKEN] [COMMANDS]\n");
        return 2;
    }
    const QUrl url(QString::fromLocal8Bit(argv[1]));
    const QString token = argc > 2 ? QString::fromLocal8Bit(argv[2]) : QString();
    const int commands = argc > 3 ? std::atoi(argv[3]) : 200;

    RemoteBackend backend(url, token);
    LinkViewModel link(backend);
    if (!runUntil([&] { return link.up() && link.eventsConnected(); }, 10000)) {
        std::fprintf(stderr, "no link to %s with /ws/events: %s\n", argv[1],
                     qPrintable(link.message()));
        return 1;
    }
    PhiViewModel phi(backend);
    MetricsViewModel metrics(backend);

    // Live data: each frame that becomes a chart point, against its heard time.
    std::vector<double> liveDelayMs;
    quint64 seenFrame = 0;
    QObject::connect(&metrics, &MetricsViewModel::changed, [&] {
        const double now = nowSeconds();
        const auto& points = metrics.points();
        for (auto it = points.rbegin(); it != points.rend() && it->frameId > seenFrame; ++it)
            if (seenFrame != 0) liveDelayMs.push_back(1000.0 * (now - it->timestamp));
        if (!points.empty()) seenFrame = points.back().frameId;
    });

    // Commands: alternate two depths, one at a time, each waiting for its event record.
    std::vector<double> eventMs, heardMs;
    QJsonObject lastRecord;
    QObject::connect(&link, &LinkViewModel::event,
                     [&](const QJsonObject& record) { lastRecord = record; });
    runUntil([] { return false; }, 2000);  // the chart's first history, then steady polling
    liveDelayMs.clear();
    if (!phi.setMode(QStringLiteral("manual"))) return 1;
    runUntil([] { return false; }, 300);
    for (int i = 0; i < commands; ++i) {
        const double depth = i % 2 ? 0.25 : 0.75;
        lastRecord = {};
        const double sent = nowSeconds();
        QElapsedTimer clock;
        clock.start();
        if (!phi.setManualDepth(depth)) {
            std::fprintf(stderr, "setManualDepth refused\n");
            return 1;
        }
        const bool arrived = runUntil(
            [&] {
                return lastRecord.value(QLatin1String("path")).toString() ==
                           QLatin1String("/api/phi") &&
                       lastRecord.value(QLatin1String("state"))
                               .toObject()
                               .value(QLatin1String("manual"))
                               .toObject()
                               .value(QLatin1String("depth"))
                               .toDouble() == depth;
            },
            5000);
        if (!arrived) {
            std::fprintf(stderr, "command %d: no /ws/events record within 5 s\n", i);
            continue;
        }
        eventMs.push_back(double(clock.nsecsElapsed()) / 1e6);
        const QJsonValue heard = lastRecord.value(QLatin1String("heard_time"));
        if (heard.isDouble()) heardMs.push_back(1000.0 * (heard.toDouble() - sent));
        runUntil([] { return false; }, 20);  // about two commands per refresh tick
    }

    std::printf("box %s, %d commands, %zu chart points\n", qPrintable(backend.hostAndPort()),
                commands, liveDelayMs.size());
    report("command -> its /ws/events record", eventMs);
    report("command -> heard (record's heard_time)", heardMs);
    report("frame heard time -> chart point", liveDelayMs);
    return 0;
}
