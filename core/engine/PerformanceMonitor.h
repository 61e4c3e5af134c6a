#pragma once

#include "engine/PerformanceStats.h"

#include <atomic>
#include <mutex>
#include <thread>

namespace soundlab {

class ProcessingChain;

// Drains the chain's timing records on its own thread (every 20 ms) and keeps processing-time
// statistics since the stream started: Welford's running mean and variance, min, max, and the
// CPU load (processing time ÷ block duration) current/average/peak.
class PerformanceMonitor {
public:
    explicit PerformanceMonitor(ProcessingChain& chain);
    ~PerformanceMonitor();

    // Clears the statistics for a new stream (call with the stream stopped).
    void reset(double sampleRate, int blockSize);
    PerformanceStats snapshot() const;

private:
    void run();
    void drain();

    ProcessingChain& chain_;
    mutable std::mutex mutex_;  // control threads and the monitor thread; never the audio thread
    PerformanceStats stats_;
    double sampleRate_ = 48000.0;
    double meanMs_ = 0.0, m2_ = 0.0;  // Welford accumulators of processing time
    double loadSum_ = 0.0;
    uint64_t samples_ = 0;
    std::atomic<bool> running_{true};
    std::thread thread_;
};

}  // namespace soundlab
