#pragma once

// Internal to core/dsp: the per-sample state of the chromatic field engine and the two kernels that
// advance it. ChromaticFieldEngine owns the state; nothing else should include this header.

#include "dsp/EngineParameters.h"

namespace soundlab::dsp::detail {

// Values fixed by prepare() (they depend on the sample rate).
struct alignas(32) FieldConstants {
    double modulationOffset[kFieldChannels] = {};  // k·2π/Φ², rad
    float cellAlpha = 0.0f;                        // α = 1 − e^{−1/(τ·fs)}
    float couplingRadPerSample = 0.0f;  // κ/fs: K times this is the coupling, rad/sample
};

// Everything the kernels change every sample. A smoothed parameter moves by its `…Step` each
// sample (step 0 when it is not ramping); the engine sets steps and snaps values to their targets
// between kernel calls, so the kernels never branch on ramps.
struct alignas(32) FieldState {
    double theta[kFieldChannels] = {};  // θ_k, rad, kept in [0, 2π); double so phase stays exact
    float cell[kFieldChannels] = {};    // x_k
    float omega[kFieldChannels] = {};   // 2π·f_k/fs, rad per sample
    float omegaStep[kFieldChannels] = {};
    float amplitude[kFieldChannels] = {};  // a_k
    float amplitudeStep[kFieldChannels] = {};
    float outputGain[kFieldChannels] = {};  // gain·enabled_k
    float outputGainStep[kFieldChannels] = {};
    float coupling = 0.0f;  // K
    float couplingStep = 0.0f;
    float depth = 0.0f;  // d = Φ depth ÷ Φ, [0, 1]
    float depthStep = 0.0f;
    float phiPhase = 0.0f;  // φ, rad
    float phiPhaseStep = 0.0f;
};

// Advances the field by `frames` samples of `input` and writes channels[k][offset + n]. `input`
// holds eight floats per sample, input[8·n + k] = band_k[n], the signal cell k is driven by (its
// crossover band, or the full-band input when band split is off), already sanitised (finite,
// within ±1000). `scratch` is 32-byte aligned room for 8·frames floats: the
// AVX2 kernel stages each sample's eight outputs there with one store and transposes them into
// the channels afterwards (eight scattered stores per sample cost it a quarter of its time).
// Allocation-free; the audio thread calls it.
using FieldKernel = void (*)(FieldState& state, const FieldConstants& constants, const float* input,
                             int frames, float* const* channels, int offset, float* scratch);

void advanceFieldScalar(FieldState& state, const FieldConstants& constants, const float* input,
                        int frames, float* const* channels, int offset, float* scratch);

#if defined(__x86_64__) || defined(__i386__)
#define SOUNDLAB_DSP_HAS_AVX2_KERNEL 1
// Requires cpuSupportsAvx2Fma(); compiled with target("avx2,fma"), not with global -mavx2, so the
// rest of the library still runs on any x86-64.
void advanceFieldAvx2(FieldState& state, const FieldConstants& constants, const float* input,
                      int frames, float* const* channels, int offset, float* scratch);
#endif

// sin/cos on [−π/4, π/4] after reduction by quadrant: Cephes sinf/cosf minimax coefficients
// (max error ≈ 1 ulp in float). Both kernels evaluate them with the same operations in the same
// order, so the phase integration rounds identically in both.
inline constexpr float kSinC1 = -1.6666654611e-1f;
inline constexpr float kSinC2 = 8.3321608736e-3f;
inline constexpr float kSinC3 = -1.9515295891e-4f;
inline constexpr float kCosC1 = 4.166664568298827e-2f;
inline constexpr float kCosC2 = -1.388731625493765e-3f;
inline constexpr float kCosC3 = 2.443315711809948e-5f;

}  // namespace soundlab::dsp::detail
