#include "dsp/ChromaticFieldEngine.h"

#include "dsp/FieldModel.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <numbers>
#include <stdexcept>

namespace soundlab::dsp {

namespace {

constexpr double kTwoPi = 2.0 * std::numbers::pi;
constexpr double kMinSampleRate = 8000.0;
constexpr double kMaxSampleRate = 384000.0;
constexpr int kMaxBlockLimit = 65536;
// Smoothed gains below −120 dB are treated as 0, so no product in the kernels can be denormal.
constexpr float kNegligibleGain = 1e-6f;

float clampOrKeep(float value, double min, double max, float previous) {
    if (!std::isfinite(value)) return previous;
    return std::clamp(value, static_cast<float>(min), static_cast<float>(max));
}

float zeroIfNegligible(float value) {
    return value < kNegligibleGain ? 0.0f : value;
}

double initialPhase(int k) {
    return std::fmod(k * kGoldenAngle, kTwoPi);
}

double wrapTwoPi(double angle) {
    return angle - kTwoPi * std::floor(angle / kTwoPi);
}

}  // namespace

ChromaticFieldEngine::ChromaticFieldEngine() {
    if (!setImplementation(defaultSimdImplementation())) {
        setImplementation(SimdImplementation::Scalar);
    }
}

void ChromaticFieldEngine::prepare(double sampleRate, int maxBlock) {
    if (!(sampleRate >= kMinSampleRate && sampleRate <= kMaxSampleRate)) {
        throw std::invalid_argument(
            "ChromaticFieldEngine: sample rate must be within [8000, "
            "384000] Hz");
    }
    if (maxBlock < 1 || maxBlock > kMaxBlockLimit) {
        throw std::invalid_argument("ChromaticFieldEngine: maxBlock must be within [1, 65536]");
    }
    sampleRate_ = sampleRate;
    maxBlock_ = maxBlock;
    sanitisedInput_.assign(static_cast<size_t>(maxBlock), 0.0f);
    cellInput_.assign(static_cast<size_t>(maxBlock) * kFieldChannels, 0.0f);
    splitter_.prepare(sampleRate);
    constexpr size_t kAlignmentFloats = 32 / sizeof(float);
    scratchStorage_.assign(static_cast<size_t>(maxBlock) * kFieldChannels + kAlignmentFloats, 0.0f);
    void* aligned = scratchStorage_.data();
    size_t space = scratchStorage_.size() * sizeof(float);
    scratch_ = static_cast<float*>(std::align(32, sizeof(float), aligned, space));
    rampSamples_ = std::max(1, static_cast<int>(std::floor(kParameterRampSeconds * sampleRate)));

    constants_.cellAlpha =
        static_cast<float>(1.0 - std::exp(-1.0 / (kCellTimeConstantSeconds * sampleRate)));
    constants_.couplingRadPerSample =
        static_cast<float>(kKuramotoCouplingRadPerSecond / sampleRate);
    for (int k = 0; k < kFieldChannels; ++k) constants_.modulationOffset[k] = k * kGoldenAngle;

    computeParameterTargets();
    reset();
}

void ChromaticFieldEngine::reset() {
    for (int k = 0; k < kFieldChannels; ++k) {
        state_.theta[k] = initialPhase(k);
        state_.cell[k] = 0.0f;
    }
    finishParameterRamp();
    splitter_.reset();
    bandMix_ = parameters_.bandSplit ? 1.0f : 0.0f;
    bandMixStep_ = 0.0f;
    bandMixRemaining_ = 0;
    phiPrimed_ = false;
    phiRampRemaining_ = 0;
    state_.depthStep = 0.0f;
    state_.phiPhaseStep = 0.0f;
    nonFiniteInputSamples_ = 0;
    publishFieldState();
}

bool ChromaticFieldEngine::setImplementation(SimdImplementation implementation) {
#if defined(SOUNDLAB_DSP_HAS_AVX2_KERNEL)
    const auto avx2 = &detail::advanceFieldAvx2;
#else
    const decltype(&detail::advanceFieldScalar) avx2 = nullptr;
#endif
    const auto kernel = chooseKernel(implementation, &detail::advanceFieldScalar, avx2);
    if (kernel == nullptr || !splitter_.setImplementation(implementation)) return false;
    kernel_ = kernel;
    implementation_ = implementation;
    return true;
}

void ChromaticFieldEngine::setParameters(const EngineParameters& requested) noexcept {
    EngineParameters next = parameters_;
    for (int k = 0; k < kFieldChannels; ++k) {
        next.frequencies[k] = clampOrKeep(requested.frequencies[k], kMinFrequencyHz,
                                          kMaxFrequencyHz, parameters_.frequencies[k]);
        next.amplitudes[k] =
            clampOrKeep(requested.amplitudes[k], 0.0, 1.0, parameters_.amplitudes[k]);
        next.enabled[k] = requested.enabled[k];
    }
    next.couplingStrength = clampOrKeep(requested.couplingStrength, 0.0, kMaxCouplingStrength,
                                        parameters_.couplingStrength);
    next.gain = clampOrKeep(requested.gain, 0.0, kMaxGain, parameters_.gain);
    next.bandSplit = requested.bandSplit;
    if (next == parameters_) return;
    const bool bandSplitChanged = next.bandSplit != parameters_.bandSplit;
    parameters_ = next;
    if (!isPrepared()) return;  // prepare() computes the targets and starts there
    if (bandSplitChanged) {
        // Crossfade between the full-band and the band-split cell input, from where it is.
        const float target = parameters_.bandSplit ? 1.0f : 0.0f;
        if (bandMix_ == 0.0f) splitter_.reset();  // it was idle: start from rest, not stale state
        bandMixStep_ = (target - bandMix_) / static_cast<float>(rampSamples_);
        bandMixRemaining_ = rampSamples_;
    }
    computeParameterTargets();
    startParameterRamp();
}

void ChromaticFieldEngine::computeParameterTargets() {
    const float gain = zeroIfNegligible(parameters_.gain);
    for (int k = 0; k < kFieldChannels; ++k) {
        targets_.omega[k] = static_cast<float>(kTwoPi * parameters_.frequencies[k] / sampleRate_);
        targets_.amplitude[k] = zeroIfNegligible(parameters_.amplitudes[k]);
        targets_.outputGain[k] = parameters_.enabled[k] ? gain : 0.0f;
    }
    targets_.coupling = zeroIfNegligible(parameters_.couplingStrength);
}

void ChromaticFieldEngine::startParameterRamp() {
    const auto length = static_cast<float>(rampSamples_);
    for (int k = 0; k < kFieldChannels; ++k) {
        state_.omegaStep[k] = (targets_.omega[k] - state_.omega[k]) / length;
        state_.amplitudeStep[k] = (targets_.amplitude[k] - state_.amplitude[k]) / length;
        state_.outputGainStep[k] = (targets_.outputGain[k] - state_.outputGain[k]) / length;
    }
    state_.couplingStep = (targets_.coupling - state_.coupling) / length;
    parameterRampRemaining_ = rampSamples_;
}

void ChromaticFieldEngine::finishParameterRamp() {
    for (int k = 0; k < kFieldChannels; ++k) {
        state_.omega[k] = targets_.omega[k];
        state_.amplitude[k] = targets_.amplitude[k];
        state_.outputGain[k] = targets_.outputGain[k];
        state_.omegaStep[k] = 0.0f;
        state_.amplitudeStep[k] = 0.0f;
        state_.outputGainStep[k] = 0.0f;
    }
    state_.coupling = targets_.coupling;
    state_.couplingStep = 0.0f;
    parameterRampRemaining_ = 0;
}

void ChromaticFieldEngine::retargetPhi(const PhiInput& phi) {
    // A non-finite value keeps the previous one (the default before the first block).
    const PhiInput previous = phiPrimed_ ? lastPhi_ : PhiInput{};
    PhiInput next;
    next.phase = std::isfinite(phi.phase) ? phi.phase : previous.phase;
    next.depth = clampOrKeep(phi.depth, 0.0, kMaxPhiDepth, previous.depth);
    const float depth = zeroIfNegligible(static_cast<float>(next.depth / kPhi));

    if (!phiPrimed_) {
        state_.depth = depth;
        state_.phiPhase = static_cast<float>(wrapTwoPi(next.phase));
        depthTarget_ = state_.depth;
        phiPhaseTarget_ = state_.phiPhase;
        lastPhi_ = next;
        phiPrimed_ = true;
        return;
    }
    if (next.phase == lastPhi_.phase && next.depth == lastPhi_.depth) return;
    lastPhi_ = next;

    // The phase glides along the shorter arc: from 6.2 to 0.1 rad it moves +0.18 rad, not −6.1.
    const double current = wrapTwoPi(state_.phiPhase);
    const double delta = std::remainder(static_cast<double>(next.phase) - current, kTwoPi);
    const auto length = static_cast<float>(rampSamples_);
    state_.phiPhase = static_cast<float>(current);
    phiPhaseTarget_ = static_cast<float>(current + delta);
    state_.phiPhaseStep = (phiPhaseTarget_ - state_.phiPhase) / length;
    depthTarget_ = depth;
    state_.depthStep = (depthTarget_ - state_.depth) / length;
    phiRampRemaining_ = rampSamples_;
}

void ChromaticFieldEngine::finishPhiRamp() {
    state_.depth = depthTarget_;
    state_.phiPhase = phiPhaseTarget_;
    state_.depthStep = 0.0f;
    state_.phiPhaseStep = 0.0f;
    phiRampRemaining_ = 0;
}

void ChromaticFieldEngine::process(const float* input, int frames, const PhiInput& phi,
                                   float* const* channels) noexcept {
    if (frames <= 0 || channels == nullptr) return;
    if (!isPrepared()) {
        for (int k = 0; k < kFieldChannels; ++k) std::fill_n(channels[k], frames, 0.0f);
        return;
    }
    retargetPhi(phi);
    for (int done = 0; done < frames;) {
        const int chunk = std::min(frames - done, maxBlock_);
        processChunk(input != nullptr ? input + done : nullptr, chunk, channels, done);
        done += chunk;
    }
    sanitiseState();
    publishFieldState();
}

void ChromaticFieldEngine::processChunk(const float* input, int frames, float* const* channels,
                                        int offset) {
    float* clean = sanitisedInput_.data();
    if (input == nullptr) {
        std::fill_n(clean, frames, 0.0f);
    } else {
        for (int n = 0; n < frames; ++n) {
            float sample = input[n];
            if (!std::isfinite(sample)) {
                sample = 0.0f;
                ++nonFiniteInputSamples_;
            }
            clean[n] = std::clamp(sample, -kInputLimit, kInputLimit);
        }
    }

    buildCellInputs(clean, frames);
    const float* cellInput = cellInput_.data();

    // Split the chunk where a ramp ends, so the kernels only ever add constant steps.
    for (int done = 0; done < frames;) {
        int segment = frames - done;
        if (parameterRampRemaining_ > 0) segment = std::min(segment, parameterRampRemaining_);
        if (phiRampRemaining_ > 0) segment = std::min(segment, phiRampRemaining_);
        kernel_(state_, constants_, cellInput + kFieldChannels * done, segment, channels,
                offset + done, scratch_);
        if (parameterRampRemaining_ > 0) {
            parameterRampRemaining_ -= segment;
            if (parameterRampRemaining_ == 0) finishParameterRamp();
        }
        if (phiRampRemaining_ > 0) {
            phiRampRemaining_ -= segment;
            if (phiRampRemaining_ == 0) finishPhiRamp();
        }
        done += segment;
    }
}

void ChromaticFieldEngine::buildCellInputs(const float* clean, int frames) {
    constexpr int K = kFieldChannels;
    float* lanes = cellInput_.data();
    if (bandMixRemaining_ == 0 && bandMix_ == 0.0f) {  // full band: the splitter rests
        for (int n = 0; n < frames; ++n) std::fill_n(lanes + K * n, K, clean[n]);
        return;
    }
    splitter_.process(clean, frames, lanes);
    for (int n = 0; n < frames; ++n) {
        if (bandMixRemaining_ > 0) {
            // A linear crossfade band·c + input·(1 − c); c lands exactly on its target.
            if (--bandMixRemaining_ == 0) {
                bandMix_ = parameters_.bandSplit ? 1.0f : 0.0f;
                bandMixStep_ = 0.0f;
            } else {
                bandMix_ += bandMixStep_;
            }
        } else if (bandMix_ == 1.0f) {
            break;  // the rest of the block is the bands as they are
        }
        for (int k = 0; k < K; ++k) {
            lanes[K * n + k] = bandMix_ * lanes[K * n + k] + (1.0f - bandMix_) * clean[n];
        }
    }
}

void ChromaticFieldEngine::sanitiseState() {
    // The equations keep everything finite for finite, limited input; this is the last line of
    // defence should that ever be wrong: a broken lane restarts instead of poisoning the field.
    for (int k = 0; k < kFieldChannels; ++k) {
        if (!std::isfinite(state_.cell[k])) state_.cell[k] = 0.0f;
        if (!std::isfinite(state_.theta[k])) state_.theta[k] = initialPhase(k);
    }
}

void ChromaticFieldEngine::publishFieldState() {
    double sumCos = 0.0;
    double sumSin = 0.0;
    for (int k = 0; k < kFieldChannels; ++k) {
        const double theta = state_.theta[k];
        sumCos += std::cos(theta);
        sumSin += std::sin(theta);
        const auto phase = static_cast<float>(theta);
        phases_[k] = phase < static_cast<float>(kTwoPi) ? phase : 0.0f;
    }
    orderParameter_ =
        static_cast<float>(std::min(1.0, std::hypot(sumCos, sumSin) / kFieldChannels));
}

}  // namespace soundlab::dsp
