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
    if (!setImplementation(defaultSimdImplementation())) {
        setImplementation(SimdImplementation::Scalar);
    }
}

bool StereoDownmix::setImplementation(SimdImplementation implementation) {
#if defined(SOUNDLAB_DSP_HAS_AVX2_MIX)
    const auto avx2 = &detail::mixStereoAvx2;
#else
    const decltype(&detail::mixStereoScalar) avx2 = nullptr;
#endif
    const auto kernel = chooseKernel(implementation, &detail::mixStereoScalar, avx2);
    if (kernel == nullptr) return false;
    kernel_ = kernel;
    implementation_ = implementation;
    return true;
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
    if (channels == nullptr) {
        std::fill_n(left, frames, 0.0f);
        std::fill_n(right, frames, 0.0f);
        return;
    }
    kernel_(channels, frames, current_, target_, fading_, left, right);
    current_ = target_;
    fading_ = false;
}

float StereoDownmix::softLimit(float x) noexcept {
    using namespace detail;
    const float magnitude = std::fabs(x);
    if (!(magnitude <= FLT_MAX)) return 0.0f;  // NaN or ±Inf: mute rather than pass it on
    if (magnitude <= kLimiterKnee) return x;
    const float z = std::min((magnitude - kLimiterKnee) / kLimiterHeadroom, kLimiterMaxExcess);
    const float limited = std::min(kLimiterKnee + kLimiterHeadroom * (z / (1.0f + z)), 1.0f);
    return std::copysign(limited, x);
}

}  // namespace soundlab::dsp
