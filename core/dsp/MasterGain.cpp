#include "dsp/MasterGain.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace soundlab::dsp {

float MasterGainSettings::targetGain() const {
    return muted ? 0.0f : float(std::pow(10.0, gainDb / 20.0));
}

std::vector<ParameterError> MasterGainSettings::validate(const MasterGainSettings& settings) {
    if (std::isfinite(settings.gainDb) && settings.gainDb >= kMinGainDb &&
        settings.gainDb <= kMaxGainDb)
        return {};
    return {makeRangeError("gain_db", settings.gainDb, kMinGainDb, kMaxGainDb, "dB")};
}

void MasterGain::prepare(double sampleRate, float gain) {
    rampSamples_ = std::max(1, int(std::lround(kRampMs * 1e-3 * sampleRate)));
    current_ = target_ = gain;
    step_ = 0.0f;
    remaining_ = 0;
}

void MasterGain::setTarget(float gain) noexcept {
    if (gain == target_) return;
    target_ = gain;
    step_ = (target_ - current_) / float(rampSamples_);
    remaining_ = rampSamples_;
}

void MasterGain::process(float* left, float* right, int frames) noexcept {
    int i = 0;
    for (; i < frames && remaining_ > 0; ++i) {
        // Measured back from the target, so rounding never accumulates and the ramp ends on it.
        current_ = target_ - step_ * float(--remaining_);
        left[i] *= current_;
        right[i] *= current_;
    }
    if (i == frames) return;
    // Steady: unity costs nothing, silence is exact zeros, anything else one multiply.
    const size_t rest = size_t(frames - i);
    if (current_ == 1.0f) return;
    if (current_ == 0.0f) {
        std::memset(left + i, 0, rest * sizeof(float));
        std::memset(right + i, 0, rest * sizeof(float));
        return;
    }
    for (; i < frames; ++i) {
        left[i] *= current_;
        right[i] *= current_;
    }
}

BlockLevel measureLevel(const float* samples, int frames) noexcept {
    BlockLevel level;
    if (!samples) return level;
    for (int i = 0; i < frames; ++i) {
        const float x = samples[i];
        level.peak = std::max(level.peak, std::abs(x));
        level.sumSquares += x * x;
    }
    return level;
}

}  // namespace soundlab::dsp
