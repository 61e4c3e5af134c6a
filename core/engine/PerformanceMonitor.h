#pragma once

#include "engine/PerformanceStats.h"
#include "metrics/DelayLockedLoop.h"
#include "rt/SeqLock.h"

#include <atomic>
#include <mutex>
#include <thread>

namespace soundlab {

class ProcessingChain;

// Drains the chain's timing records on its own thread (every 20 ms) and keeps processing-time
// statistics since the stream started: Welford's running mean and variance, min, max, and the
// CPU load (processing time ÷ block duration) current/average/peak. The same records feed the
// stream clock's delay-locked loop (SPEC §6 drift; the audio thread only stamps them), whose
// estimate is published after each pass for readers that never wait (a seqlock).
class PerformanceMonitor {
public:
    explicit PerformanceMonitor(ProcessingChain& chain);
    ~PerformanceMonitor();

    // Clears the statistics for a new stream (call with the stream stopped); the stream clock
    // starts over with the stream's first block.
    void reset(double sampleRate, int blockSize);
    PerformanceStats snapshot() const;
    // The stream clock's latest estimate: any thread, never waits.
    metrics::ClockEstimate clock() const { return clock_.read(); }
    // Starts the stream clock over (it syncs to the next block); returns the estimate then.
    metrics::ClockEstimate resetClock();

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
    metrics::DelayLockedLoop dll_;           // under mutex_
    SeqLock<metrics::ClockEstimate> clock_;  // written under mutex_, read by anyone
    std::atomic<bool> running_{true};
    std::thread thread_;
};

}  // namespace soundlab
