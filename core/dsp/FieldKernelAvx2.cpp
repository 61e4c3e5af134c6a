// AVX2+FMA kernel of the chromatic field engine: the eight cells in one __m256, the eight phases
// in two __m256d. Every function here carries target("avx2,fma") instead of the file being built
// with -mavx2, so no AVX2 instruction can leak into code that runs on older CPUs.
//
// It mirrors FieldKernelScalar.cpp operation for operation in the phase integration and the Φ
// modulation (no FMA there, same summation order: the two give identical phases, which matters
// because the Kuramoto dynamics can amplify differences). Only the cell update uses FMA; the
// cell is a contraction, so that rounding difference stays ≈ 1e-7 and never grows.

#include "dsp/FieldKernel.h"

#if defined(SOUNDLAB_DSP_HAS_AVX2_KERNEL)

#include "dsp/FieldModel.h"

#include <immintrin.h>

#include <numbers>

#define SOUNDLAB_TARGET_AVX2 __attribute__((target("avx2,fma")))

namespace soundlab::dsp::detail {

namespace {

constexpr double kTwoPi = 2.0 * std::numbers::pi;
constexpr double kTwoOverPi = 2.0 / std::numbers::pi;
constexpr double kHalfPi = std::numbers::pi / 2.0;

struct SinCos8 {
    __m256 sin;
    __m256 cos;
};

// sinCos() of FieldKernelScalar.cpp for eight phases held as two __m256d (lanes 0–3, 4–7).
SOUNDLAB_TARGET_AVX2 inline SinCos8 sinCos8(__m256d lo, __m256d hi) {
    const __m256d twoOverPi = _mm256_set1_pd(kTwoOverPi);
    const __m256d halfPi = _mm256_set1_pd(kHalfPi);
    constexpr int kNearest = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;
    const __m256d quadrantLo = _mm256_round_pd(_mm256_mul_pd(lo, twoOverPi), kNearest);
    const __m256d quadrantHi = _mm256_round_pd(_mm256_mul_pd(hi, twoOverPi), kNearest);
    const __m128 rLo = _mm256_cvtpd_ps(_mm256_sub_pd(lo, _mm256_mul_pd(quadrantLo, halfPi)));
    const __m128 rHi = _mm256_cvtpd_ps(_mm256_sub_pd(hi, _mm256_mul_pd(quadrantHi, halfPi)));
    const __m256 r = _mm256_set_m128(rHi, rLo);
    const __m256i q =
        _mm256_set_m128i(_mm256_cvtpd_epi32(quadrantHi), _mm256_cvtpd_epi32(quadrantLo));

    const __m256 z = _mm256_mul_ps(r, r);
    const __m256 z2 = _mm256_mul_ps(z, z);
    const __m256 sinPoly = _mm256_add_ps(
        _mm256_add_ps(_mm256_set1_ps(kSinC1), _mm256_mul_ps(_mm256_set1_ps(kSinC2), z)),
        _mm256_mul_ps(_mm256_set1_ps(kSinC3), z2));
    const __m256 s = _mm256_add_ps(r, _mm256_mul_ps(_mm256_mul_ps(r, z), sinPoly));
    const __m256 cosPoly = _mm256_add_ps(
        _mm256_add_ps(_mm256_set1_ps(kCosC1), _mm256_mul_ps(_mm256_set1_ps(kCosC2), z)),
        _mm256_mul_ps(_mm256_set1_ps(kCosC3), z2));
    const __m256 c =
        _mm256_add_ps(_mm256_sub_ps(_mm256_set1_ps(1.0f), _mm256_mul_ps(_mm256_set1_ps(0.5f), z)),
                      _mm256_mul_ps(z2, cosPoly));

    // Odd quadrants swap sin and cos; bit 1 of q (of q + 1 for cos) flips the sign.
    const __m256i one = _mm256_set1_epi32(1);
    const __m256i two = _mm256_set1_epi32(2);
    const __m256 swap = _mm256_castsi256_ps(_mm256_cmpeq_epi32(_mm256_and_si256(q, one), one));
    const __m256 sinSign = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_and_si256(q, two), 30));
    const __m256 cosSign =
        _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_and_si256(_mm256_add_epi32(q, one), two), 30));
    return {_mm256_xor_ps(_mm256_blendv_ps(s, c, swap), sinSign),
            _mm256_xor_ps(_mm256_blendv_ps(c, s, swap), cosSign)};
}

// ((v0 + v4) + (v2 + v6)) + ((v1 + v5) + (v3 + v7)) in every lane: a butterfly of swaps across
// halves, pairs and neighbours. Each lane adds the same pairs (in mirrored order, which IEEE
// addition does not care about), so all lanes equal the scalar kernel's sum8().
SOUNDLAB_TARGET_AVX2 inline __m256 sum8(__m256 v) {
    v = _mm256_add_ps(v, _mm256_permute2f128_ps(v, v, 0x01));
    v = _mm256_add_ps(v, _mm256_permute_ps(v, 0x4E));
    return _mm256_add_ps(v, _mm256_permute_ps(v, 0xB1));
}

// θ ≥ 2π → θ + (−2π); θ < 0 → θ + 2π (never both): both tests at once, one addition.
SOUNDLAB_TARGET_AVX2 inline __m256d wrapPhase(__m256d theta) {
    const __m256d twoPi = _mm256_set1_pd(kTwoPi);
    const __m256d above =
        _mm256_and_pd(_mm256_cmp_pd(theta, twoPi, _CMP_GE_OQ), _mm256_set1_pd(-kTwoPi));
    const __m256d below =
        _mm256_and_pd(_mm256_cmp_pd(theta, _mm256_setzero_pd(), _CMP_LT_OQ), twoPi);
    return _mm256_add_pd(theta, _mm256_or_pd(above, below));
}

SOUNDLAB_TARGET_AVX2 inline __m256 clampUnit(__m256 x) {
    return _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-1.0f)), _mm256_set1_ps(1.0f));
}

// Rows of eight samples of one frame → rows of eight frames of one channel.
SOUNDLAB_TARGET_AVX2 inline void transpose8x8(__m256 (&rows)[8]) {
    const __m256 t0 = _mm256_unpacklo_ps(rows[0], rows[1]);
    const __m256 t1 = _mm256_unpackhi_ps(rows[0], rows[1]);
    const __m256 t2 = _mm256_unpacklo_ps(rows[2], rows[3]);
    const __m256 t3 = _mm256_unpackhi_ps(rows[2], rows[3]);
    const __m256 t4 = _mm256_unpacklo_ps(rows[4], rows[5]);
    const __m256 t5 = _mm256_unpackhi_ps(rows[4], rows[5]);
    const __m256 t6 = _mm256_unpacklo_ps(rows[6], rows[7]);
    const __m256 t7 = _mm256_unpackhi_ps(rows[6], rows[7]);
    const __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44);
    const __m256 s1 = _mm256_shuffle_ps(t0, t2, 0xEE);
    const __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44);
    const __m256 s3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    const __m256 s4 = _mm256_shuffle_ps(t4, t6, 0x44);
    const __m256 s5 = _mm256_shuffle_ps(t4, t6, 0xEE);
    const __m256 s6 = _mm256_shuffle_ps(t5, t7, 0x44);
    const __m256 s7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    rows[0] = _mm256_permute2f128_ps(s0, s4, 0x20);
    rows[1] = _mm256_permute2f128_ps(s1, s5, 0x20);
    rows[2] = _mm256_permute2f128_ps(s2, s6, 0x20);
    rows[3] = _mm256_permute2f128_ps(s3, s7, 0x20);
    rows[4] = _mm256_permute2f128_ps(s0, s4, 0x31);
    rows[5] = _mm256_permute2f128_ps(s1, s5, 0x31);
    rows[6] = _mm256_permute2f128_ps(s2, s6, 0x31);
    rows[7] = _mm256_permute2f128_ps(s3, s7, 0x31);
}

// scratch[8·n + k] → channels[k][offset + n].
SOUNDLAB_TARGET_AVX2 void deinterleave(const float* scratch, int frames, float* const* channels,
                                       int offset) {
    int n = 0;
    for (; n + 8 <= frames; n += 8) {
        __m256 rows[8];
        for (int i = 0; i < 8; ++i) rows[i] = _mm256_load_ps(scratch + kFieldChannels * (n + i));
        transpose8x8(rows);
        for (int k = 0; k < kFieldChannels; ++k)
            _mm256_storeu_ps(channels[k] + offset + n, rows[k]);
    }
    for (; n < frames; ++n) {
        for (int k = 0; k < kFieldChannels; ++k) {
            channels[k][offset + n] = scratch[kFieldChannels * n + k];
        }
    }
}

}  // namespace

SOUNDLAB_TARGET_AVX2 void advanceFieldAvx2(FieldState& state, const FieldConstants& constants,
                                           const float* input, int frames, float* const* channels,
                                           int offset, float* scratch) {
    __m256d thetaLo = _mm256_load_pd(state.theta);
    __m256d thetaHi = _mm256_load_pd(state.theta + 4);
    __m256 cell = _mm256_load_ps(state.cell);
    __m256 omega = _mm256_load_ps(state.omega);
    const __m256 omegaStep = _mm256_load_ps(state.omegaStep);
    __m256 amplitude = _mm256_load_ps(state.amplitude);
    const __m256 amplitudeStep = _mm256_load_ps(state.amplitudeStep);
    __m256 outputGain = _mm256_load_ps(state.outputGain);
    const __m256 outputGainStep = _mm256_load_ps(state.outputGainStep);
    float coupling = state.coupling;
    const float couplingStep = state.couplingStep;
    float depth = state.depth;
    const float depthStep = state.depthStep;
    float phiPhase = state.phiPhase;
    const float phiPhaseStep = state.phiPhaseStep;

    const __m256d offsetLo = _mm256_load_pd(constants.modulationOffset);
    const __m256d offsetHi = _mm256_load_pd(constants.modulationOffset + 4);
    const float couplingRadPerSample = constants.couplingRadPerSample;
    const __m256 alpha = _mm256_set1_ps(constants.cellAlpha);
    const __m256 selfFeedback = _mm256_set1_ps(kCellSelfFeedback);
    const __m256 inputGain = _mm256_set1_ps(kCellInputGain);
    const __m256 flushThreshold = _mm256_set1_ps(kCellFlushThreshold);
    const __m256 absMask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
    const __m256 one = _mm256_set1_ps(1.0f);
    const __m256i previousLane = _mm256_setr_epi32(7, 0, 1, 2, 3, 4, 5, 6);
    const __m256i nextLane = _mm256_setr_epi32(1, 2, 3, 4, 5, 6, 7, 0);

    for (int n = 0; n < frames; ++n) {
        omega = _mm256_add_ps(omega, omegaStep);
        amplitude = _mm256_add_ps(amplitude, amplitudeStep);
        outputGain = _mm256_add_ps(outputGain, outputGainStep);
        coupling += couplingStep;
        depth += depthStep;
        phiPhase += phiPhaseStep;

        const SinCos8 field = sinCos8(thetaLo, thetaHi);
        const __m256 sumCos = sum8(field.cos);
        const __m256 sumSin = sum8(field.sin);

        const __m256d phi = _mm256_set1_pd(static_cast<double>(phiPhase));
        const __m256 modulation = sinCos8(_mm256_add_pd(_mm256_add_pd(thetaLo, phi), offsetLo),
                                          _mm256_add_pd(_mm256_add_pd(thetaHi, phi), offsetHi))
                                      .sin;
        const __m256 modDepth = _mm256_mul_ps(_mm256_set1_ps(depth), amplitude);
        const __m256 m = _mm256_fmadd_ps(modDepth, modulation, one);
        const __m256 drive = _mm256_mul_ps(_mm256_loadu_ps(input + kFieldChannels * n), m);

        const __m256 y = clampUnit(cell);
        const __m256 neighbours = _mm256_add_ps(_mm256_permutevar8x32_ps(y, previousLane),
                                                _mm256_permutevar8x32_ps(y, nextLane));
        const __m256 neighbourCoupling = _mm256_set1_ps(coupling * kCellNeighbourCouplingPerK);
        const __m256 target =
            _mm256_fmadd_ps(neighbourCoupling, neighbours,
                            _mm256_fmadd_ps(inputGain, drive, _mm256_mul_ps(selfFeedback, y)));
        cell = _mm256_fmadd_ps(alpha, _mm256_sub_ps(target, cell), cell);
        const __m256 tiny = _mm256_cmp_ps(_mm256_and_ps(cell, absMask), flushThreshold, _CMP_LT_OQ);
        cell = _mm256_andnot_ps(tiny, cell);
        _mm256_store_ps(scratch + kFieldChannels * n, _mm256_mul_ps(clampUnit(cell), outputGain));

        const __m256 pullGain = _mm256_set1_ps((coupling * couplingRadPerSample) * 0.125f);
        const __m256 pull = _mm256_mul_ps(
            pullGain,
            _mm256_sub_ps(_mm256_mul_ps(sumSin, field.cos), _mm256_mul_ps(sumCos, field.sin)));
        const __m256 increment = _mm256_add_ps(omega, pull);
        thetaLo =
            wrapPhase(_mm256_add_pd(thetaLo, _mm256_cvtps_pd(_mm256_castps256_ps128(increment))));
        thetaHi =
            wrapPhase(_mm256_add_pd(thetaHi, _mm256_cvtps_pd(_mm256_extractf128_ps(increment, 1))));
    }

    deinterleave(scratch, frames, channels, offset);

    _mm256_store_pd(state.theta, thetaLo);
    _mm256_store_pd(state.theta + 4, thetaHi);
    _mm256_store_ps(state.cell, cell);
    _mm256_store_ps(state.omega, omega);
    _mm256_store_ps(state.amplitude, amplitude);
    _mm256_store_ps(state.outputGain, outputGain);
    state.coupling = coupling;
    state.depth = depth;
    state.phiPhase = phiPhase;
}

}  // namespace soundlab::dsp::detail

#endif  // SOUNDLAB_DSP_HAS_AVX2_KERNEL
