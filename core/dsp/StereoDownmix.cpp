#include "dsp/StereoDownmix.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <stdexcept>

namespace soundlab::dsp {

namespace {
constexpr float kEnergyGainMin = 0.125f;  // 1/8: eight identical channels, the least g can be
// g is unbounded when channels cancel (Σy → 0 with every channel busy); 2 caps that (+6 dB),
// and the limiter does the rest. With band split g sits near 1.2 (see kBandSplitPowerDeficit).
constexpr float kEnergyGainMax = 2.0f;
constexpr double kSilentPower = 1e-20;  // −200 dB: below it the ratio means nothing; hold g
// LR4 bands are in phase at their crossovers and −6 dB each there, so the sum of the bands'
// powers falls 3 dB short of the input's power at each crossover; over broadband noise the
// shortfall is 1.50 dB (white) to 1.67 dB (pink), measured through the engine at depth 0
// (EngineLevels tests). Without this, energy with band split would sit 1.6 dB low.
constexpr double kBandSplitPowerDeficit = 1.4454;  // +1.6 dB
}  // namespace

StereoDownmix::StereoDownmix() {
    for (DownmixStrategy strategy : {DownmixStrategy::Spatial, DownmixStrategy::Energy,
                                     DownmixStrategy::Linear, DownmixStrategy::Phi}) {
        for (bool bands : {false, true})
            strategyTable_[bands][static_cast<size_t>(strategy)] = strategyWeights(strategy, bands);
    }
    targetNominal_ = strategyTable_[bandSplit_][static_cast<size_t>(parameters_.strategy)];
    to_ = targetNominal_;
    toEnergy_ = parameters_.strategy == DownmixStrategy::Energy;
    if (toEnergy_) to_ = StereoWeights{};
    reset();
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

void StereoDownmix::prepare(double sampleRate, int maxBlock) {
    if (!(std::isfinite(sampleRate) && sampleRate > 0.0)) {
        throw std::invalid_argument("StereoDownmix: sample rate must be finite and positive");
    }
    sampleRate_ = sampleRate;
    // floor(), as the engine's 10 ms parameter ramps: 441 / 480 / 960 samples.
    fadeLength_ = std::max(1, static_cast<int>(std::floor(kCrossfadeSeconds * sampleRate)));
    maxBlock_ = std::max(0, maxBlock);
    decorrelator_.prepare(sampleRate);
    reset();
}

void StereoDownmix::reset() {
    from_ = to_;
    fromTurned_ = StereoWeights{};
    fadeDone_ = fadeLength_;
    decorrelatorRunning_ = false;
    channelPower_ = 0.0;
    sumPower_ = 0.0;
    energyTracking_ = false;
    energyGain_ = 0.35355339f / energyWeight();  // g = 1/√8
}

void StereoDownmix::setParameters(const DownmixParameters& parameters) noexcept {
    if (parameters == parameters_) return;
    parameters_ = parameters;
    retarget();
}

void StereoDownmix::setBandSplit(bool bandSplit) noexcept {
    if (bandSplit == bandSplit_) return;
    bandSplit_ = bandSplit;
    // The energy estimates carry on: both are normalised for the mode (the channels' power to
    // keep; the power of u·Σy), so they estimate the input's power either way and g does not jump.
    // The weights' crossfade is shaped to match the engine's (retarget(), MixRamp::shape).
    retarget();
}

void StereoDownmix::retarget() noexcept {
    const detail::FadeShape shape = bandSplit_ == fadeFromBandSplit_ ? detail::FadeShape::Linear
                                    : bandSplit_                     ? detail::FadeShape::ToBands
                                                 : detail::FadeShape::ToFullBand;
    fadeFromBandSplit_ = bandSplit_;
    // Table lookup rather than effectiveWeights(): no libm work on the audio thread.
    StereoWeights nominal;
    if (parameters_.customWeights) {
        nominal = effectiveWeights(parameters_);
    } else {
        const auto index = static_cast<size_t>(parameters_.strategy);
        nominal = strategyTable_[bandSplit_][index < 4 ? index : 0];
    }
    targetNominal_ = nominal;
    const bool energy =
        !parameters_.customWeights && parameters_.strategy == DownmixStrategy::Energy;
    const bool turned =
        bandSplit_ && !parameters_.customWeights && parameters_.strategy == DownmixStrategy::Spatial;
    StereoWeights next = nominal;
    if (energy) {
        next.left.fill(energyWeight());
        next.right.fill(energyWeight());
    }
    if (next == to_ && energy == toEnergy_ && turned == toTurned_) return;
    // Freeze the weights the output runs on at this instant (the last sample of the last block:
    // the kernel's t and energy gain there) as the start of the new crossfade.
    const float t = fadeDone_ >= fadeLength_
                        ? 1.0f
                        : detail::shapeFade(fadeShape_, static_cast<float>(fadeDone_) /
                                                            static_cast<float>(fadeLength_));
    const float toGain = toEnergy_ ? energyGain_ : 1.0f;
    const float plainShare = toTurned_ ? 0.0f : t * toGain;
    const float turnedShare = toTurned_ ? t * toGain : 0.0f;
    for (int k = 0; k < kFieldChannels; ++k) {
        from_.left[k] = (1.0f - t) * from_.left[k] + plainShare * to_.left[k];
        from_.right[k] = (1.0f - t) * from_.right[k] + plainShare * to_.right[k];
        fromTurned_.left[k] = (1.0f - t) * fromTurned_.left[k] + turnedShare * to_.left[k];
        fromTurned_.right[k] = (1.0f - t) * fromTurned_.right[k] + turnedShare * to_.right[k];
    }
    if (energy && !toEnergy_) energyTracking_ = false;  // start from the next block's powers
    to_ = next;
    toEnergy_ = energy;
    toTurned_ = turned;
    // No fade when the output already runs on exactly the new weights.
    const StereoWeights none{};
    const bool alreadyThere = turned ? (fromTurned_ == to_ && from_ == none)
                                     : (from_ == to_ && fromTurned_ == none);
    fadeDone_ = (!energy && alreadyThere) ? fadeLength_ : 0;
    fadeShape_ = shape;
}

float StereoDownmix::updateEnergyGain(const float* const* channels, int frames) noexcept {
    // Block means of Σ_k y_k² / 8 (the channels' mean power) and of (Σ_k y_k)².
    double channelSum = 0.0;
    double sumSum = 0.0;
    for (int n = 0; n < frames; ++n) {
        float sum = 0.0f;
        float squares = 0.0f;
        for (int k = 0; k < kFieldChannels; ++k) {
            if (channels[k] == nullptr) continue;
            const float y = channels[k][n];
            sum += y;
            squares += y * y;
        }
        channelSum += squares;
        sumSum += static_cast<double>(sum) * sum;
    }
    // The power to keep: the channels' mean (full band: eight versions of one signal) or, with
    // band split, their total (the bands partition the input's power), raised by what the
    // crossover's overlaps take from it (kBandSplitPowerDeficit).
    const double shares =
        bandSplit_ ? 1.0 / kBandSplitPowerDeficit : static_cast<double>(kFieldChannels);
    const double channelPower = channelSum / (shares * static_cast<double>(frames));
    // The power of u·Σy, the sum with the nominal weights (1/8 full band, 1 band split): the
    // input's power at depth 0 either way, so the estimate runs on across a band split toggle.
    const double weight = energyWeight();
    const double sumPower = weight * weight * sumSum / static_cast<double>(frames);
    if (!(std::isfinite(channelPower) && std::isfinite(sumPower))) return energyGain_;  // hold
    if (!energyTracking_) {
        channelPower_ = channelPower;
        sumPower_ = sumPower;
        energyTracking_ = true;
    } else {
        // One pole per block with the per-sample time constant: e^{−frames/(τ·fs)}.
        const double keep =
            std::exp(-static_cast<double>(frames) / (kEnergyTimeConstantSeconds * sampleRate_));
        channelPower_ = keep * channelPower_ + (1.0 - keep) * channelPower;
        sumPower_ = keep * sumPower_ + (1.0 - keep) * sumPower;
    }
    if (sumPower_ > kSilentPower) {
        // energyGain_ is relative to u: the channels' weight is u·energyGain_ ∈ [1/8, 2].
        const double g = std::sqrt(channelPower_ / sumPower_);
        energyGain_ =
            static_cast<float>(std::clamp(g, kEnergyGainMin / weight, kEnergyGainMax / weight));
    }
    return energyGain_;
}

void StereoDownmix::process(const float* const* channels, int frames, float* left,
                            float* right) noexcept {
    if (frames <= 0 || left == nullptr || right == nullptr) return;
    if (channels == nullptr) {
        std::fill_n(left, frames, 0.0f);
        std::fill_n(right, frames, 0.0f);
        return;
    }
    // energy: g ramps linearly over the block from where it ended to this block's estimate.
    const float gain0 = toEnergy_ ? energyGain_ : 1.0f;
    const float gain1 = toEnergy_ ? updateEnergyGain(channels, frames) : 1.0f;
    const auto gainAt = [&](int n) {
        return gain0 + (gain1 - gain0) * (static_cast<float>(n) / static_cast<float>(frames));
    };
    // In chunks of what the decorrelator holds; the gain ramp runs on across them.
    for (int done = 0; done < frames;) {
        const int chunk = std::min(frames - done, BandDecorrelator::kChunk);
        const float* chunkChannels[kFieldChannels];
        for (int k = 0; k < kFieldChannels; ++k)
            chunkChannels[k] = channels[k] ? channels[k] + done : nullptr;
        processChunk(chunkChannels, chunk, gainAt(done), gainAt(done + chunk), left + done,
                     right + done);
        done += chunk;
    }
}

void StereoDownmix::processChunk(const float* const* channels, int frames, float gain0,
                                 float gain1, float* left, float* right) noexcept {
    const StereoWeights none{};
    const bool fading = fadeDone_ < fadeLength_;
    const float* const* turned = nullptr;
    if (toTurned_ || (fading && !(fromTurned_ == none))) {
        if (!decorrelatorRunning_) decorrelator_.reset();
        decorrelatorRunning_ = true;
        turned = decorrelator_.process(channels, frames).data();
    } else {
        decorrelatorRunning_ = false;
    }
    detail::MixRamp ramp;
    ramp.from = from_;
    ramp.fromTurned = fromTurned_;
    ramp.to = to_;
    ramp.toTurned = toTurned_;
    ramp.fadeDone = fadeDone_;
    ramp.fadeLength = fadeLength_;
    ramp.shape = fadeShape_;
    ramp.toGain0 = gain0;
    ramp.toGain1 = gain1;
    kernel_(channels, turned, frames, ramp, left, right);
    if (fadeDone_ < fadeLength_) fadeDone_ += std::min(frames, fadeLength_ - fadeDone_);
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
