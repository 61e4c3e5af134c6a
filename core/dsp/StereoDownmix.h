#pragma once

#include "dsp/BandDecorrelator.h"
#include "dsp/DownmixParameters.h"
#include "dsp/SimdImplementation.h"
#include "dsp/StereoMixKernel.h"

#include <algorithm>
#include <array>

namespace soundlab::dsp {

// Mixes the engine's eight channels to stereo with a strategy's (or custom) weights, then a soft
// limiter keeps every output sample within ±1 (SPEC §3). The `energy` strategy follows power:
// L = R = g·Σy with g = √(mean channel power ÷ power of Σy), both powers smoothed (50 ms).
// `spatial` with band split mixes the bands with odd ones turned ≈ 90° (BandDecorrelator), so
// neighbours panned apart do not cancel in L − R where they overlap.
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

    // Strategy crossfade length: 10 ms, in samples.
    static constexpr double kCrossfadeSeconds = 0.010;
    // Time constant of the energy strategy's power estimates (SPEC §3: ≥ 50 ms).
    static constexpr double kEnergyTimeConstantSeconds = 0.050;

    // The downmix's buffers are fixed members, so this allocates nothing; it sets the crossfade
    // length, the energy smoothing and the decorrelator for the sample rate and calls reset(). Throws
    // std::invalid_argument for a rate that is not finite and positive.
    void prepare(double sampleRate, int maxBlock);
    // Ends any crossfade (the next block uses the target weights throughout) and forgets the
    // energy strategy's power estimates (g back to 1/√8).
    void reset();

    // Audio thread, between blocks. A change of strategy or weights starts a crossfade (linear in
    // the weights, hence in the output) of crossfadeSamples() from the next process() call on,
    // per sample and across blocks, whatever the block size. A change during a crossfade starts
    // the new one from the weights the output has reached (no jump). Unchanged parameters do
    // nothing.
    void setParameters(const DownmixParameters& parameters) noexcept;
    // Audio thread, between blocks: whether the channels are the engine's crossover bands (they
    // sum to the input) or full-band copies; the strategies' weights and the energy target are
    // normalised for each (SPEC §3), so the level stays put across a toggle. A change crossfades
    // like a strategy change. Custom weights are used as given either way.
    void setBandSplit(bool bandSplit) noexcept;
    bool bandSplit() const noexcept { return bandSplit_; }
    const DownmixParameters& parameters() const noexcept { return parameters_; }
    // The weights in effect once the current crossfade (if any) has finished; for `energy` the
    // nominal 1/√8 (the live gain is energyGain()).
    const StereoWeights& weights() const noexcept { return targetNominal_; }
    int crossfadeSamples() const noexcept { return fadeLength_; }
    // Samples until the current crossfade ends (0 when none runs).
    int crossfadeRemaining() const noexcept { return std::max(0, fadeLength_ - fadeDone_); }
    // The energy strategy's g at the end of the last block: 1/8 for identical channels, 1/√8 for
    // uncorrelated ones of equal power (full band); with band split ≈ 1 (the bands' total power
    // over the power of their sum). Held through silence. Tracked while `energy` is the target.
    float energyGain() const noexcept { return energyWeight() * energyGain_; }

    // channels: 8 buffers of >= frames samples (a null channel counts as silence); left/right:
    // >= frames samples each, not aliasing the channels. Any frames > 0 is fine.
    void process(const float* const* channels, int frames, float* left, float* right) noexcept;

    // The limiter curve: identity up to the knee, then knee + (1 − knee)·z/(1 + z) with
    // z = (|x| − knee)/(1 − knee), sign kept. Non-finite input gives 0.
    static float softLimit(float x) noexcept;

    int maxBlock() const noexcept { return maxBlock_; }

private:
    // Updates the smoothed powers with one block and returns g at its end.
    float updateEnergyGain(const float* const* channels, int frames) noexcept;
    // Starts the crossfade to what parameters_ and bandSplit_ now call for.
    void retarget() noexcept;
    // Mixes up to BandDecorrelator::kChunk frames; energy's g goes from gain0 to gain1.
    void processChunk(const float* const* channels, int frames, float gain0, float gain1,
                      float* left, float* right) noexcept;
    // energy's nominal weight u: 1/8 for full-band channels (their mean is the input), 1 for
    // band-split ones (their sum is).
    float energyWeight() const noexcept { return bandSplit_ ? 1.0f : 0.125f; }

    SimdImplementation implementation_ = SimdImplementation::Scalar;
    detail::StereoMixKernel kernel_ = nullptr;
    // [bandSplit][DownmixStrategy]
    std::array<std::array<StereoWeights, 4>, 2> strategyTable_;
    bool bandSplit_ = false;
    DownmixParameters parameters_;
    StereoWeights targetNominal_;
    // The crossfade: from `from_` + `fromTurned_` (fixed weights on the channels and on the
    // turned channels: a change freezes whatever the output was running on, energy gain
    // included) to `to_` (for energy: all ones, times energyGain_), on the turned channels when
    // toTurned_ (spatial with band split).
    StereoWeights from_;
    StereoWeights fromTurned_;
    StereoWeights to_;
    bool toEnergy_ = false;
    bool toTurned_ = false;
    BandDecorrelator decorrelator_;
    bool decorrelatorRunning_ = false;  // false: its state is stale; reset before the next use
    int fadeDone_ = 0;
    int fadeLength_ = 480;
    // Energy strategy: one-pole smoothed mean channel power and power of Σy (double: a 50 ms
    // pole at 96 kHz is 1 − 2e-4 per sample, and the ratio of two small numbers must stay exact).
    double channelPower_ = 0.0;
    double sumPower_ = 0.0;
    bool energyTracking_ = false;  // false: the next estimate starts from the block's own powers
    // g relative to the nominal weight u (energyWeight()); the channels' weight is u·energyGain_.
    float energyGain_ = 8.0f * 0.35355339f;
    // The band split state the last crossfade started from, and how that crossfade is shaped.
    bool fadeFromBandSplit_ = false;
    detail::FadeShape fadeShape_ = detail::FadeShape::Linear;
    double sampleRate_ = 48000.0;
    int maxBlock_ = 0;
};

}  // namespace soundlab::dsp
