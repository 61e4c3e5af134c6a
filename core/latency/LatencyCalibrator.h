#pragma once

#include "audio/AudioBackend.h"
#include "latency/LoopbackAnalyzer.h"

#include <QString>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace soundlab {
class AudioEngine;
}

namespace soundlab::latency {

// Loopback calibration on the live stream (SPEC §6, docs/latency.md): plays the probe through
// AudioEngine::playAndRecord (the stream never stops), analyses the recording with
// LoopbackAnalyzer, and publishes each run. Runs one at a time, on a thread of its own, so no
// caller ever waits for it.
//
// Threading: start() and the readers may be called from any non-audio thread; readers never
// wait (a published snapshot).
class LatencyCalibrator {
public:
    struct Settings {
        double sweepSeconds = 0.5;
        // The longest round trip it can find; the recording runs this much past the probe.
        double maxRoundTripSeconds = 0.5;
    };

    // One calibration as readers see it.
    struct Run {
        enum class State { Running, Done, Failed };
        uint64_t id = 0;
        State state = State::Running;
        int64_t startedAtMs = 0;               // Unix time
        int64_t finishedAtMs = 0;              // Unix time; 0 while running
        double expectedSeconds = 0.0;          // probe + listening window, for progress
        StreamInfo stream;                     // the stream it measured
        std::optional<LoopbackResult> result;  // Done
        QString error;                         // Failed: why (stream restarted, stopped, ...)

        // Elapsed share of the expected time while running (capped below 1), 1 when over.
        double progress(int64_t nowMs) const;
        // Found the loop with a figure to trust: ok, inverted or noisy (not clipping, not
        // no_signal).
        bool succeeded() const {
            return state == State::Done && result && result->roundTripSamples &&
                   result->verdict != Verdict::Clipping;
        }
    };
    static const char* stateName(Run::State state);

    // Why start() refused.
    enum class Refusal { Busy, AudioNotRunning };
    struct Start {
        std::shared_ptr<const Run> run;  // the run started; null when refused
        Refusal refusal = Refusal::Busy;
        QString message;
    };

    explicit LatencyCalibrator(AudioEngine& engine);
    LatencyCalibrator(AudioEngine& engine, Settings settings);
    // Waits for a running calibration (bounded by its recording timeout).
    ~LatencyCalibrator();
    LatencyCalibrator(const LatencyCalibrator&) = delete;
    LatencyCalibrator& operator=(const LatencyCalibrator&) = delete;

    // Starts a calibration in the background. Refused while one runs, or with no stream.
    Start start();

    // The latest run (running or finished); null before the first.
    std::shared_ptr<const Run> latest() const { return latest_.load(); }
    // The latest finished run that found the loop; null if none did.
    std::shared_ptr<const Run> lastSuccess() const { return lastSuccess_.load(); }
    bool running() const { return running_.load(std::memory_order_acquire); }
    uint64_t completedRuns() const { return completed_.load(std::memory_order_relaxed); }

    // Whether `stream` is the one the last successful calibration measured (same backend,
    // devices, rate and block size): a reconfigured stream needs a new calibration.
    static bool sameStream(const StreamInfo& a, const StreamInfo& b);

private:
    void measure(Run run);

    AudioEngine& engine_;
    Settings settings_;
    std::mutex startMutex_;  // start() and the destructor: short
    std::thread worker_;
    std::atomic<bool> running_{false};
    std::atomic<uint64_t> completed_{0};
    uint64_t nextId_ = 1;  // under startMutex_
    // Written by start() and the calibration thread, read by anyone.
    std::atomic<std::shared_ptr<const Run>> latest_;
    std::atomic<std::shared_ptr<const Run>> lastSuccess_;
};

}  // namespace soundlab::latency
