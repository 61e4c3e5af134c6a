#include "dsp/StereoDownmix.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

namespace soundlab::dsp {

StereoDownmix::StereoDownmix() {
    for (DownmixStrategy strategy : {DownmixStrategy::Spatial, DownmixStrategy::Energy,
                                     DownmixStrategy::Linear, DownmixStrategy::Phi}) {
        strategyTable_[static_cast<size_t>(strategy)] = strategyWeights(strategy);
    }
    target_ = strategyTable_[static_cast<size_t>(parameters_.strategy)];
    current_ = target_;
}

void StereoDownmix::prepare(int maxBlock) {
    maxBlock_ = std::max(0, maxBlock);
    reset();
}

void StereoDownmix::reset() {
    current_ = target_;
    fading_ = false;
}

void StereoDownmix::setParameters(const DownmixParameters& parameters) noexcept {
    if (parameters == parameters_) return;
    parameters_ = parameters;
    // Table lookup rather than effectiveWeights(): no libm work on the audio thread.
    StereoWeights next;
    if (parameters.customWeights) {
        next = effectiveWeights(parameters);
    } else {
        const auto index = static_cast<size_t>(parameters.strategy);
        next = strategyTable_[index < strategyTable_.size() ? index : 0];
    }
    if (next == target_) return;
    // A change during a crossfade that has not run yet starts from where the output is now.
    target_ = next;
    fading_ = !(current_ == target_);
}

void StereoDownmix::process(const float* const* channels, int frames, float* left,
                            float* right) noexcept {
    if (frames <= 0 || left == nullptr || right == nullptr) return;
    std::fill_n(left, frames, 0.0f);
    std::fill_n(right, frames, 0.0f);
    if (channels != nullptr) {
        const float fadeStep = 1.0f / static_cast<float>(frames);
        for (int k = 0; k < kFieldChannels; ++k) {
            const float* y = channels[k];
            if (y == nullptr) continue;
            const float toLeft = target_.left[k];
            const float toRight = target_.right[k];
            if (fading_) {
                // Sample n of the block has weight from + (to − from)·(n + 1)/frames: the block's
                // last sample is fully on the new weights.
                const float fromLeft = current_.left[k];
                const float fromRight = current_.right[k];
                const float deltaLeft = toLeft - fromLeft;
                const float deltaRight = toRight - fromRight;
                for (int n = 0; n < frames; ++n) {
                    const float t = static_cast<float>(n + 1) * fadeStep;
                    left[n] += (fromLeft + deltaLeft * t) * y[n];
                    right[n] += (fromRight + deltaRight * t) * y[n];
                }
            } else {
                for (int n = 0; n < frames; ++n) {
                    left[n] += toLeft * y[n];
                    right[n] += toRight * y[n];
                }
            }
        }
    }
    for (int n = 0; n < frames; ++n) {
        left[n] = softLimit(left[n]);
        right[n] = softLimit(right[n]);
    }
    current_ = target_;
    fading_ = false;
}

float StereoDownmix::softLimit(float x) noexcept {
    const float magnitude = std::fabs(x);
    if (!(magnitude <= FLT_MAX)) return 0.0f;  // NaN or ±Inf: mute rather than pass it on
    if (magnitude <= kLimiterKnee) return x;
    constexpr float kHeadroom = 1.0f - kLimiterKnee;
    // Bounded so that z/(1 + z) stays defined (→ 1) for magnitudes near FLT_MAX.
    const float z = std::min((magnitude - kLimiterKnee) / kHeadroom, 1e30f);
    const float limited = std::min(kLimiterKnee + kHeadroom * (z / (1.0f + z)), 1.0f);
    return std::copysign(limited, x);
}

}  // namespace soundlab::dsp
