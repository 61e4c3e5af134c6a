#pragma once

// Internal to core/dsp: the two builds of StereoDownmix's per-sample work (weighted sums of the
// eight channels, the strategy crossfade, the energy gain ramp, soft limiter). Only StereoDownmix
// uses this.

#include "dsp/DownmixParameters.h"

namespace soundlab::dsp::detail {

// What one block mixes. Per sample n < frames, with ramp(x0, x1) = x0 + (x1 − x0)·(n + 1)/frames
// and the fade position t(n) = min((fadeDone + n + 1)/fadeLength, 1) (1 throughout when
// fadeDone >= fadeLength):
//   left[n] = limit((1 − t)·Σ from.left[k]·y_k + t·ramp(toGain)·Σ to.left[k]·y_k)
// and likewise right. toGain is 1 except for the energy strategy's power-following g (`from` is
// always fixed weights: StereoDownmix freezes the energy gain into them when a fade starts).
// Divisions rather than multiplications by a reciprocal, so t and the ramps land exactly on 1 and
// on their end values (IEEE division is exact for x/x), in both builds alike.
// How the fade position t becomes the weights' share τ of the new weights. A band split toggle
// changes the channels themselves, over the same 10 ms, linearly (ChromaticFieldEngine): eight
// full-band copies add up 8× louder than eight bands, so a linear crossfade of the weights (1/8
// ↔ 1 for linear) would multiply with the engine's and swell by +7 dB half-way. With c the
// engine's share of bands, the weights must go as 1/(8 − 7c); in terms of the new weights' share:
//   ToFullBand (c = 1 − t): τ = 8t/(1 + 7t);   ToBands (c = t): τ = t/(8 − 7t).
// Exact for the uniform strategies at depth 0, close for spatial (its ratio is 7.5, not 8).
enum class FadeShape { Linear, ToFullBand, ToBands };

// τ(t) for a shape; the AVX2 build does the same operations.
inline float shapeFade(FadeShape shape, float t) {
    switch (shape) {
        case FadeShape::Linear:
            return t;
        case FadeShape::ToFullBand:
            return (8.0f * t) / (1.0f + 7.0f * t);
        case FadeShape::ToBands:
            return t / (8.0f - 7.0f * t);
    }
    return t;
}

// The channels come in two versions: as they are, and turned (BandDecorrelator: odd bands ≈ 90°
// against even ones, for `spatial` with band split). `from` and `fromTurned` weigh one each (a
// fade can start between the two); `to` weighs the turned ones when toTurned.
struct MixRamp {
    StereoWeights from;
    StereoWeights fromTurned;
    StereoWeights to;
    bool toTurned = false;
    float toGain0 = 1.0f;
    float toGain1 = 1.0f;
    int fadeDone = 0;    // samples of the fade played before this block
    int fadeLength = 0;  // samples in the whole fade
    FadeShape shape = FadeShape::Linear;
    bool fading() const { return fadeDone < fadeLength; }
};

// Null channels (and a null `turned`) are skipped, and so are channels with no weight.
using StereoMixKernel = void (*)(const float* const* channels, const float* const* turned,
                                 int frames, const MixRamp& ramp, float* left, float* right);

void mixStereoScalar(const float* const* channels, const float* const* turned, int frames,
                     const MixRamp& ramp, float* left, float* right);

#if defined(__x86_64__) || defined(__i386__)
#define SOUNDLAB_DSP_HAS_AVX2_MIX 1
// Requires cpuSupportsAvx2Fma(); compiled per function with target("avx2,fma").
void mixStereoAvx2(const float* const* channels, const float* const* turned, int frames,
                   const MixRamp& ramp, float* left, float* right);
#endif

// The weighted inputs of one block: both versions of each channel that carry any weight.
struct MixInputs {
    static constexpr int kMax = 2 * kFieldChannels;
    const float* signal[kMax];
    float toLeft[kMax];
    float toRight[kMax];
    float fromLeft[kMax];
    float fromRight[kMax];
    int count = 0;

    MixInputs(const float* const* channels, const float* const* turned, const MixRamp& ramp) {
        for (int k = 0; k < kFieldChannels; ++k) {
            add(channels ? channels[k] : nullptr, ramp.toTurned ? 0.0f : ramp.to.left[k],
                ramp.toTurned ? 0.0f : ramp.to.right[k], ramp.from.left[k], ramp.from.right[k]);
        }
        for (int k = 0; k < kFieldChannels; ++k) {
            add(turned ? turned[k] : nullptr, ramp.toTurned ? ramp.to.left[k] : 0.0f,
                ramp.toTurned ? ramp.to.right[k] : 0.0f, ramp.fromTurned.left[k],
                ramp.fromTurned.right[k]);
        }
    }

private:
    void add(const float* y, float tl, float tr, float fl, float fr) {
        if (y == nullptr || (tl == 0.0f && tr == 0.0f && fl == 0.0f && fr == 0.0f)) return;
        signal[count] = y;
        toLeft[count] = tl;
        toRight[count] = tr;
        fromLeft[count] = fl;
        fromRight[count] = fr;
        ++count;
    }
};

// The limiter curve shared by both builds (StereoDownmix::softLimit() documents it).
inline constexpr float kLimiterKnee = 0.89125094f;  // −1 dBFS
inline constexpr float kLimiterHeadroom = 1.0f - kLimiterKnee;
inline constexpr float kLimiterMaxExcess = 1e30f;  // keeps z/(1 + z) defined near FLT_MAX

}  // namespace soundlab::dsp::detail
