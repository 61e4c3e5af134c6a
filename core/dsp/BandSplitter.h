#pragma once

#include "dsp/EngineParameters.h"
#include "dsp/SimdImplementation.h"

#include <array>

namespace soundlab::dsp {

namespace detail {

// Biquad sections per band: band 7 passes all seven high-passes, two sections each (LR4).
inline constexpr int kBandSplitSections = 14;

// One lane per band: section s of band k has coefficients [s][k]. Transposed direct form II,
// normalised (a0 = 1): y = b0·x + z1; z1 ← b1·x − a1·y + z2; z2 ← b2·x − a2·y.
struct alignas(32) BandSplitCoefficients {
    float b0[kBandSplitSections][kFieldChannels];
    float b1[kBandSplitSections][kFieldChannels];
    float b2[kBandSplitSections][kFieldChannels];
    float a1[kBandSplitSections][kFieldChannels];
    float a2[kBandSplitSections][kFieldChannels];
};

struct alignas(32) BandSplitState {
    float z1[kBandSplitSections][kFieldChannels] = {};
    float z2[kBandSplitSections][kFieldChannels] = {};
};

// Splits `frames` samples of `input` into bands[n·8 + k] (interleaved: one sample's eight bands
// together, as the field kernels read them). Both builds do the same float operations in the same
// order (no FMA), so they give identical results.
using BandSplitKernel = void (*)(const BandSplitCoefficients& coefficients, BandSplitState& state,
                                 const float* input, int frames, float* bands);

void splitBandsScalar(const BandSplitCoefficients& coefficients, BandSplitState& state,
                      const float* input, int frames, float* bands);
#if defined(__x86_64__) || defined(__i386__)
#define SOUNDLAB_DSP_HAS_AVX2_SPLIT 1
void splitBandsAvx2(const BandSplitCoefficients& coefficients, BandSplitState& state,
                    const float* input, int frames, float* bands);
#endif

}  // namespace detail

// The crossover tree that gives each cell its colour (SPEC §2, issue 9): Linkwitz–Riley 4th-order
// splits at f_i = 125·Φ^{1.5·i} Hz (i = 0..6: 125, 257, 530, 1090, 2243, 4617, 9502 Hz) cut the
// input into eight bands, band k for cell k, that sum to an allpass of the input.
//
// Structure (serial, low to high): band k = HP_0·…·HP_{k−1}·LP_k·AP_{k+1}·…·AP_6 (band 7 has
// the seven high-passes only), where LP_i/HP_i are the LR4 low/high-pass at f_i (two cascaded
// Butterworth biquads, Q = 1/√2) and AP_i = LP_i + HP_i is their sum, the 2nd-order allpass with
// the same poles (Q = 1/√2). By induction from the top, Σ bands = AP_0·AP_1·…·AP_6: each band
// below the top carries, as allpasses, the splits it did not pass through. That needs 8 to 14
// sections per band; shorter chains are padded with identity sections, so one lane per band
// runs the same 14 sections (one AVX2 register per section).
//
// Coefficients: RBJ cookbook (bilinear transform with the corner prewarped), computed in double
// in prepare() for the sample rate and stored in float. A split at or above 0.45·fs (9502 Hz at
// fs < 21.1 kHz) is left out: its low-pass and allpass become identities and its high-pass
// zero, so the bands above are silent and the sum is still an allpass.
//
// Threading: prepare() and reset() on a control thread; process() on the audio thread (no
// allocation, no locks).
class BandSplitter {
public:
    static constexpr int kBands = kFieldChannels;
    static constexpr int kSplits = kBands - 1;

    // f_i in Hz: 125·Φ^{1.5·i}.
    static double crossoverFrequency(int i);
    // Geometric centre of band k's pass band (√(f_{k−1}·f_k)); 60 Hz and 15 kHz for the outer two.
    static double bandCentre(int k);

    BandSplitter();

    bool setImplementation(SimdImplementation implementation);
    SimdImplementation implementation() const noexcept { return implementation_; }

    // Throws std::invalid_argument for a sample rate that is not finite and positive.
    void prepare(double sampleRate);
    void reset() noexcept;

    // bands[n·8 + k] = band k of input[n], n < frames. Allocation-free. Filter states below 1e-30
    // are flushed to 0 every sample (no denormals, with or without FTZ), and all of them together
    // once every one is below 1e-20 at the end of a block (a decay ends in exact silence).
    void process(const float* input, int frames, float* bands) noexcept;

private:
    SimdImplementation implementation_ = SimdImplementation::Scalar;
    detail::BandSplitKernel kernel_ = nullptr;
    detail::BandSplitCoefficients coefficients_{};
    detail::BandSplitState state_;
};

}  // namespace soundlab::dsp
