#pragma once

#include <optional>

namespace soundlab {
struct AudioStatus;
}

namespace soundlab::latency {

class LatencyCalibrator;
class LatencyCompensation;

// The stream's latency figures now (SPEC §6), computed in one place for the latency frame and
// for the heard time of every frame's `timestamp` (metrics, Φ, latency).
struct LatencyFigures {
    bool running = false;
    double hwInputMs = 0.0;  // the stream's reported latencies (0 when stopped)
    double hwOutputMs = 0.0;
    bool calibrated = false;  // the last successful calibration measured this stream
    std::optional<double> roundTripSamples;
    double totalMeasuredMs = 0.0;  // calibrated round trip; until calibrated hw in + hw out
    double quality = 0.0;
    double compensationMs = 0.0;
    double manualMs = 0.0;

    double effectiveMs() const { return totalMeasuredMs - compensationMs - manualMs; }
    double osMs() const;
    // From processing a sample to hearing it, seconds: the reported output latency until
    // calibrated, then the measured round trip − the reported input latency; plus the
    // compensation and manual offsets (the user's corrections).
    double heardLatencySeconds() const;
};

// Readers only: a published status, an atomic calibration snapshot, two atomics. Never waits.
LatencyFigures latencyFigures(const AudioStatus& status, const LatencyCalibrator& calibrator,
                              const LatencyCompensation& compensation);

}  // namespace soundlab::latency
