#pragma once

#include "phi/PhiTypes.h"

#include <algorithm>

namespace soundlab::phi {

// `sensor`: the latest pushed reading drives Φ (docs/phi.md). Mappings:
//  - GSR (0–1) → depth = gsr·Φ;
//  - heart rate (40–200 bpm) → phase rate = hr/60 Hz (one Φ cycle per beat);
//  - accelerometer x (g) → phase offset = clamp(x, −1, 1)·π (tilting through ±1 g sweeps ±π).
// The reading holds until the next one: stale data (> 2 s, flagged on the control side by
// SensorInbox) keeps its last value, and the phase keeps turning at the last heart rate. Before
// the first reading the source outputs depth 0, phase 0. Audio thread; no allocation.
class SensorSource {
public:
    void prepare(double sampleRate) noexcept {
        sampleRate_ = sampleRate;
        theta_ = 0.0;
    }
    void set(const SensorValues& values) noexcept { values_ = values; }
    void advance(int frames) noexcept {
        if (!values_.present) return;
        theta_ = wrapPhase(theta_ +
                           kTwoPi * (values_.heartRateBpm / 60.0) * double(frames) / sampleRate_);
    }
    Output output() const noexcept {
        if (!values_.present) return {0.0, 0.0};
        const double offset = std::clamp(values_.accelX, -1.0, 1.0) * kPi;
        return {wrapPhase(theta_ + offset), std::clamp(values_.gsr, 0.0, 1.0) * dsp::kPhi};
    }

private:
    double sampleRate_ = 48000.0;
    SensorValues values_;
    double theta_ = 0.0;
};

}  // namespace soundlab::phi
