#pragma once

#include "api/Route.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QObject>
#include <QString>
#include <QTimer>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

namespace soundlab {
class AudioEngine;
}

namespace soundlab::api {

// The records of /ws/events (docs/api.md "Events"): every state change, numbered 1, 2, 3, … per
// server run. Sources: the 2xx answers of the routes that change state (whatever ran them: HTTP,
// /ws/control, the GUI's in-process backend), and what changes without a request — the audio
// stream's state or device (the watchdog) and latency calibrations, checked at 10 Hz.
//
// A change that reaches the audio thread (audibleRoute()) is held until the block that surely
// applied it has completed, to report that block's index and heard time; a held record holds back
// the ones after it, so records go out in seq order. Records that find the queue full are lost:
// their seq is skipped, so clients see the gap and re-read the state over REST.
//
// Threads: changed() from any thread (handlers run on the server thread, on API workers, on the
// GUI's thread); it takes a short lock and never waits for the audio thread. start(), stop() and
// the records' sending run on the server thread.
class EventStream {
public:
    struct Sources {
        AudioEngine& engine;
        // Unix seconds when the block whose callback started at `callbackSteadyNs` is heard.
        std::function<double(int64_t callbackSteadyNs)> heardTime;
        // The audio stream's state and device (the status report's audio fields).
        std::function<QJsonObject()> audioState;
        // The latest latency calibration run, or null.
        std::function<QJsonValue()> calibration;
    };
    using Send = std::function<void(const QString& text)>;

    static constexpr int kMaxPending = 1024;
    static constexpr qint64 kMaxStateBytes = 64 * 1024;
    // How long a record waits for its block before it goes out without one.
    static constexpr std::chrono::milliseconds kMaxHold{1000};
    static constexpr std::chrono::milliseconds kHoldPoll{2};
    static constexpr std::chrono::milliseconds kWatchInterval{100};

    explicit EventStream(Sources sources);
    ~EventStream();
    EventStream(const EventStream&) = delete;
    EventStream& operator=(const EventStream&) = delete;

    // Whether a change through this route (method + route path, e.g. "/api/presets/{id}/apply")
    // reaches the audio thread through the parameter buffers: its record waits for the block.
    static bool audibleRoute(const QByteArray& method, const QString& routePath);
    // Whether a 2xx answer of this route is a state change worth a record: every non-GET route
    // but the sensor feed (samples, not settings; up to hundreds a second).
    static bool recordedRoute(const QByteArray& method, const QString& routePath);

    // The JSON Schema of a record, for the OpenAPI document.
    static QJsonObject frameSchema();

    // A route answered (call right after its handler returned). 2xx answers become records.
    void changed(const Request& request, const Response& response, bool audible);

    // Server thread: records go out through `send` from now on; the 10 Hz watch of the stream
    // and the calibrator starts.
    void start(QObject* serverThreadContext, Send send);
    // Server thread: stops sending; pending records are dropped (the clients are going too).
    void stop();

    quint64 lastSeq() const;
    quint64 lost() const;

private:
    struct Pending {
        quint64 seq = 0;
        QJsonObject record;     // type, client, method, path, status / state
        QByteArray answerBody;  // a change's answer, parsed into "state" when it goes out
        bool audible = false;
        uint64_t callbacks = 0;  // the chain's callback count right after the handler
        std::chrono::steady_clock::time_point queuedAt;
    };

    void enqueue(Pending pending);
    void drain();  // server thread
    void watch();  // server thread
    // Fills block and heard_time when block callbacks + 1 has completed; false while it has not.
    bool resolveBlock(Pending& pending);

    Sources sources_;
    mutable std::mutex mutex_;
    std::deque<Pending> queue_;
    quint64 seq_ = 0;
    quint64 lost_ = 0;
    QObject* context_ = nullptr;  // the server thread's; null while stopped

    // Server thread only.
    Send send_;
    std::unique_ptr<QTimer> holdTimer_;
    std::unique_ptr<QTimer> watchTimer_;
    QJsonValue lastAudio_;
    QJsonValue lastCalibration_;
};

}  // namespace soundlab::api
