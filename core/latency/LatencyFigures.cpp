#include "latency/LatencyFigures.h"

#include "engine/AudioEngine.h"
#include "latency/LatencyCalibrator.h"
#include "latency/LatencyCompensation.h"

#include <algorithm>

namespace soundlab::latency {

double LatencyFigures::osMs() const {
    return calibrated ? std::max(0.0, totalMeasuredMs - hwInputMs - hwOutputMs) : 0.0;
}

double LatencyFigures::heardLatencySeconds() const {
    const double outputMs = calibrated ? totalMeasuredMs - hwInputMs : hwOutputMs;
    return (outputMs + compensationMs + manualMs) * 1e-3;
}

LatencyFigures latencyFigures(const AudioStatus& status, const LatencyCalibrator& calibrator,
                              const LatencyCompensation& compensation) {
    LatencyFigures f;
    const StreamInfo& stream = status.stream;
    f.running = status.running;
    f.hwInputMs = f.running ? stream.inputLatency * 1000.0 : 0.0;
    f.hwOutputMs = f.running ? stream.outputLatency * 1000.0 : 0.0;
    f.totalMeasuredMs = f.hwInputMs + f.hwOutputMs;  // the stream's own figures until calibrated
    const auto success = calibrator.lastSuccess();
    f.calibrated = f.running && success && LatencyCalibrator::sameStream(success->stream, stream);
    if (f.calibrated) {
        f.roundTripSamples = *success->result->roundTripSamples;
        f.totalMeasuredMs = *f.roundTripSamples * 1000.0 / stream.sampleRate;
        f.quality = success->result->quality;
    }
    f.compensationMs = compensation.compensationMs();
    f.manualMs = compensation.manualMs();
    return f;
}

}  // namespace soundlab::latency
