#include "dsp/BandDecorrelator.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace soundlab::dsp {

namespace {
constexpr double kLowestPoleHz = 40.0;
constexpr double kHighestPoleHz = 20000.0;
constexpr double kHighestPoleShareOfRate = 0.45;
}  // namespace

void BandDecorrelator::prepare(double sampleRate) {
    if (!(std::isfinite(sampleRate) && sampleRate > 0.0)) {
        throw std::invalid_argument("BandDecorrelator: sample rate must be finite and positive");
    }
    const double low = kLowestPoleHz;
    const double high = std::min(kHighestPoleHz, kHighestPoleShareOfRate * sampleRate);
    constexpr int poles = 2 * kSections;
    for (int i = 0; i < poles; ++i) {
        const double pole = low * std::pow(high / low, (i + 0.5) / poles);
        // The analog allpass (p − s)/(p + s), bilinear with the pole prewarped.
        const double k = std::tan(std::numbers::pi * pole / sampleRate);
        coefficients_[i % 2][i / 2] = static_cast<float>((k - 1.0) / (k + 1.0));
    }
    reset();
}

void BandDecorrelator::reset() noexcept {
    state_ = {};
}

const std::array<const float*, kFieldChannels>& BandDecorrelator::process(
    const float* const* channels, int frames) noexcept {
    frames = std::clamp(frames, 0, kChunk);
    for (int k = 0; k < kFieldChannels; ++k) {
        float* out = output_[k].data();
        outputPointers_[k] = out;
        if (channels == nullptr || channels[k] == nullptr) {
            std::fill_n(out, frames, 0.0f);
            continue;
        }
        const std::array<float, kSections>& a = coefficients_[k % 2];
        ChannelState& state = state_[k];
        const float* in = channels[k];
        for (int n = 0; n < frames; ++n) {
            float v = in[n];
            for (int s = 0; s < kSections; ++s) {
                // y = a·x + x₁ − a·y₁ = a·(x − y₁) + x₁
                const float y = a[s] * (v - state.y1[s]) + state.x1[s];
                state.x1[s] = v;
                state.y1[s] = y;
                v = y;
            }
            out[n] = v;
        }
    }
    return outputPointers_;
}

}  // namespace soundlab::dsp
