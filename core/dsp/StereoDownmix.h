#pragma once

#include "dsp/DownmixParameters.h"
#include "dsp/SimdImplementation.h"
#include "dsp/StereoMixKernel.h"

#include <array>

namespace soundlab::dsp {

// Mixes the engine's eight channels to stereo with a strategy's (or custom) weights, then a soft
// limiter keeps every output sample within ±1 (SPEC §3).
//
// Threading: construction and prepare() on a control thread; setParameters(), process() and the
// accessors on the audio thread: they never allocate, lock or throw.
class StereoDownmix {
public:
    // Signals up to the knee (−1 dBFS) pass unchanged; above it the limiter bends smoothly
    // (continuous slope) towards ±1 and never reaches beyond.
    static constexpr float kLimiterKnee = detail::kLimiterKnee;

    // Spatial strategy, prepared for any block size, the CPU's best implementation
    // (defaultSimdImplementation(): AVX2 unless SOUNDLAB_FORCE_SCALAR=1 or the CPU lacks it).
    StereoDownmix();

    // Chooses the mixing code; false (keeping the current one) when this CPU cannot run it.
    bool setImplementation(SimdImplementation implementation);
    SimdImplementation implementation() const noexcept { return implementation_; }

    // The downmix keeps no per-sample buffers, so this allocates nothing; it records the block
    // size for symmetry with the engine and calls reset().
    void prepare(int maxBlock);
    // Ends any crossfade: the next block uses the target weights throughout.
    void reset();

    // Audio thread, between blocks. A change of strategy or weights crossfades (linearly in the
    // weights, hence in the output) over the next process() call; unchanged parameters do nothing.
    void setParameters(const DownmixParameters& parameters) noexcept;
    const DownmixParameters& parameters() const noexcept { return parameters_; }
    // The weights in effect once the current crossfade (if any) has finished.
    const StereoWeights& weights() const noexcept { return target_; }

    // channels: 8 buffers of >= frames samples (a null channel counts as silence); left/right:
    // >= frames samples each, not aliasing the channels. Any frames > 0 is fine.
    void process(const float* const* channels, int frames, float* left, float* right) noexcept;

    // The limiter curve: identity up to the knee, then knee + (1 − knee)·z/(1 + z) with
    // z = (|x| − knee)/(1 − knee), sign kept. Non-finite input gives 0.
    static float softLimit(float x) noexcept;

    int maxBlock() const noexcept { return maxBlock_; }

private:
    SimdImplementation implementation_ = SimdImplementation::Scalar;
    detail::StereoMixKernel kernel_ = nullptr;
    std::array<StereoWeights, 4> strategyTable_;  // indexed by DownmixStrategy
    DownmixParameters parameters_;
    StereoWeights current_;  // weights at the end of the last block
    StereoWeights target_;   // weights the next block ends at
    bool fading_ = false;
    int maxBlock_ = 0;
};

}  // namespace soundlab::dsp
