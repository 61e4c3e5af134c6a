#pragma once

#include "metrics/DelayLockedLoop.h"

#include <cstdint>

namespace soundlab::metrics {

// The one clock of metrics, Φ and latency frames (SPEC §6): a stream's sample position → the
// monotonic clock → Unix time. The monotonic clock is mapped to Unix time once per process (the
// first use), so that every frame's `timestamp` moves with the monotonic clock, never with NTP
// steps of the wall clock, and all three streams agree.
//
// Sample positions map to the monotonic clock through the stream's delay-locked loop
// (DelayLockedLoop, fed by the performance monitor from the callback timing records): the loop's
// estimate is handed in by observe() and followed once it tracks this stream; until then (the
// first blocks, before the monitor's first pass) the nominal rate from an anchor (the first
// block's callback time) holds. "Heard" adds the output latency: the stream's reported output
// latency until calibration, then the measured round trip − the reported input latency, plus the
// compensation and manual offsets (latency::heardLatencySeconds computes it).
//
// Threading: plain value; one thread owns an instance (the metrics analysis thread owns its own).
// The loop's estimate reaches it as a copy (a seqlock snapshot), never by reference.
class TimeBase {
public:
    // Steady clock now, in nanoseconds.
    static int64_t steadyNowNs();
    // Unix seconds of a steady-clock time, by the process-wide mapping.
    static double unixSeconds(int64_t steadyNs);
    // When sample `position` of the stream `clock` tracks is heard, Unix seconds.
    static double heardUnixSeconds(const ClockEstimate& clock, int64_t position,
                                   double outputLatencySeconds);

    // A stream (re)starts: sample `position` of stream `generation` was processed at `steadyNs`
    // (its callback time).
    void start(uint64_t generation, int64_t position, int64_t steadyNs, double sampleRate);
    bool started() const { return started_; }
    // Per block: the loop's latest estimate; followed when it tracks this stream.
    void observe(const ClockEstimate& clock);
    // Whether positions map through the loop (rather than the nominal rate).
    bool followsClock() const { return followsClock_; }
    // From the output of the callback that processes a sample to when it is heard (see above).
    void setOutputLatency(double seconds) { outputLatencySeconds_ = seconds; }
    double outputLatency() const { return outputLatencySeconds_; }
    double sampleRate() const { return sampleRate_; }

    // When sample `position` is processed, on the steady clock.
    int64_t processedSteadyNs(int64_t position) const;
    // When sample `position` is heard, Unix seconds: the `timestamp` of SPEC §5 and §6.
    double heardUnixSeconds(int64_t position) const;

private:
    bool started_ = false;
    uint64_t generation_ = 0;
    int64_t anchorPosition_ = 0;
    int64_t anchorSteadyNs_ = 0;
    double sampleRate_ = 48000.0;
    double outputLatencySeconds_ = 0.0;
    bool followsClock_ = false;
    ClockEstimate clock_;
};

}  // namespace soundlab::metrics
