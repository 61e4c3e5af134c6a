#pragma once

#include <cstdint>

namespace soundlab::metrics {

// The one clock of metrics, Φ and latency frames (SPEC §6): a stream's sample position → the
// monotonic clock → Unix time. The monotonic clock is mapped to Unix time once per process (the
// first use), so that every frame's `timestamp` moves with the monotonic clock, never with NTP
// steps of the wall clock, and all three streams agree.
//
// Today a stream's sample positions map to the monotonic clock at the nominal rate from one
// anchor (the first block's callback time), and "heard" adds the stream's reported output
// latency. The latency issue improves exactly these two steps and nothing else: observe() feeds
// a delay-locked loop that tracks the device clock's drift (and resets on xruns/restarts), and
// setOutputLatency() gets the calibrated round trip plus the user's compensation.
//
// Threading: plain value; one thread owns an instance (the metrics analysis thread owns its own).
class TimeBase {
public:
    // Steady clock now, in nanoseconds.
    static int64_t steadyNowNs();
    // Unix seconds of a steady-clock time, by the process-wide mapping.
    static double unixSeconds(int64_t steadyNs);

    // A stream (re)starts: sample `position` was processed at `steadyNs` (its callback time).
    void start(int64_t position, int64_t steadyNs, double sampleRate);
    bool started() const { return started_; }
    // Per block: where the device clock says `position` was processed. Unused until the DLL
    // (latency issue) filters it; the nominal rate from the anchor holds meanwhile.
    void observe(int64_t position, int64_t steadyNs);
    // From the output of the callback that processes a sample to when it is heard: the stream's
    // reported output latency until calibration; then measured round trip − reported input
    // latency, plus the compensation and manual offsets.
    void setOutputLatency(double seconds) { outputLatencySeconds_ = seconds; }
    double outputLatency() const { return outputLatencySeconds_; }
    double sampleRate() const { return sampleRate_; }

    // When sample `position` is processed, on the steady clock.
    int64_t processedSteadyNs(int64_t position) const;
    // When sample `position` is heard, Unix seconds: the `timestamp` of SPEC §5 and §6.
    double heardUnixSeconds(int64_t position) const;

private:
    bool started_ = false;
    int64_t anchorPosition_ = 0;
    int64_t anchorSteadyNs_ = 0;
    double sampleRate_ = 48000.0;
    double outputLatencySeconds_ = 0.0;
};

}  // namespace soundlab::metrics
