#pragma once

#include "engine/PerformanceStats.h"
#include "metrics/DelayLockedLoop.h"
#include "rt/SeqLock.h"

#include <atomic>
#include <mutex>
#include <thread>

namespace soundlab {

class ProcessingChain;
struct BlockTiming;

// Drains the chain's timing records on its own thread (every 20 ms) and keeps processing-time
// statistics since the stream started: Welford's running mean and variance, min, max, the
// CPU load (processing time ÷ block duration) current/average/peak and its histogram. The same
// records carry each block's levels, which become the meters here, in block time (not wall
// time): a peak held and falling at 20 dB/s, an RMS over 300 ms. And they feed the stream
// clock's delay-locked loop (SPEC §6 drift; the audio thread only stamps them), whose estimate
// is published after each pass for readers that never wait (a seqlock).
class PerformanceMonitor {
public:
    explicit PerformanceMonitor(ProcessingChain& chain);
    ~PerformanceMonitor();

    // Clears the statistics for a new stream (call with the stream stopped); the stream clock
    // starts over with the stream's first block.
    void reset(double sampleRate, int blockSize);
    // Drains what the audio thread has recorded so far first: a snapshot taken after the stream
    // stopped counts every block.
    PerformanceStats snapshot();
    SignalLevels levels();
    // The stream clock's latest estimate: any thread, never waits.
    metrics::ClockEstimate clock() const { return clock_.read(); }
    // Starts the stream clock over (it syncs to the next block); returns the estimate then.
    metrics::ClockEstimate resetClock();

private:
    // One meter's state: linear held peak and mean square.
    struct Meter {
        double peak = 0.0;
        double meanSquare = 0.0;
    };
    void run();
    void drainLocked();
    static void updateMeter(Meter* meter, double blockPeak, double blockMeanSquare,
                            double blockSeconds);
    static LevelReading reading(const Meter& meter);

    ProcessingChain& chain_;
    std::mutex mutex_;  // control threads and the monitor thread; never the audio thread
    PerformanceStats stats_;
    double sampleRate_ = 48000.0;
    double meanMs_ = 0.0, m2_ = 0.0;  // Welford accumulators of processing time
    double loadSum_ = 0.0;
    uint64_t samples_ = 0;
    Meter input_, left_, right_;
    metrics::DelayLockedLoop dll_;           // under mutex_
    SeqLock<metrics::ClockEstimate> clock_;  // written under mutex_, read by anyone
    std::atomic<bool> running_{true};
    std::thread thread_;
};

}  // namespace soundlab
