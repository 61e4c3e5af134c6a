#pragma once

// Internal to core/dsp: the two builds of StereoDownmix's per-sample work (weighted sum of the
// eight channels, optional crossfade of the weights, soft limiter). Only StereoDownmix uses this.

#include "dsp/DownmixParameters.h"

namespace soundlab::dsp::detail {

// left[n] = limit(Σ_k w_k(n)·channels[k][n]) and likewise right, for n < frames. Without `fading`
// w_k(n) = to; with it, w_k(n) = from + (to − from)·(n + 1)/frames. Null channels are skipped.
using StereoMixKernel = void (*)(const float* const* channels, int frames,
                                 const StereoWeights& from, const StereoWeights& to, bool fading,
                                 float* left, float* right);

void mixStereoScalar(const float* const* channels, int frames, const StereoWeights& from,
                     const StereoWeights& to, bool fading, float* left, float* right);

#if defined(__x86_64__) || defined(__i386__)
#define SOUNDLAB_DSP_HAS_AVX2_MIX 1
// Requires cpuSupportsAvx2Fma(); compiled per function with target("avx2,fma").
void mixStereoAvx2(const float* const* channels, int frames, const StereoWeights& from,
                   const StereoWeights& to, bool fading, float* left, float* right);
#endif

// The limiter curve shared by both builds (StereoDownmix::softLimit() documents it).
inline constexpr float kLimiterKnee = 0.89125094f;  // −1 dBFS
inline constexpr float kLimiterHeadroom = 1.0f - kLimiterKnee;
inline constexpr float kLimiterMaxExcess = 1e30f;  // keeps z/(1 + z) defined near FLT_MAX

}  // namespace soundlab::dsp::detail
