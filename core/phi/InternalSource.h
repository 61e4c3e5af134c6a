#pragma once

#include "phi/PhiTypes.h"

#include <cmath>

namespace soundlab::phi {

// `internal`: an oscillator at 0.01–10 Hz: depth = 0.6 + 0.3·sin θ, phase = θ (SPEC §4). θ
// advances per block by 2π·f·frames/fs, exact at any block size. Audio thread.
class InternalSource {
public:
    void prepare(double sampleRate) noexcept {
        sampleRate_ = sampleRate;
        theta_ = 0.0;
    }
    void setFrequency(double hz) noexcept { hz_ = hz; }
    void advance(int frames) noexcept {
        theta_ = wrapPhase(theta_ + kTwoPi * hz_ * double(frames) / sampleRate_);
    }
    Output output() const noexcept { return {theta_, 0.6 + 0.3 * std::sin(theta_)}; }

private:
    double sampleRate_ = 48000.0;
    double hz_ = 0.1;
    double theta_ = 0.0;
};

}  // namespace soundlab::phi
