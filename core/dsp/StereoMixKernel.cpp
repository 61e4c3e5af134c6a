// Both builds of the stereo mix. The AVX2 one sums eight frames at a time across the channels in
// registers; the scalar one accumulates channel by channel. Same weights, same limiter; they
// differ only by FMA rounding (≈ 1e-7).

#include "dsp/StereoMixKernel.h"

#include "dsp/StereoDownmix.h"

#include <algorithm>

#if defined(SOUNDLAB_DSP_HAS_AVX2_MIX)
#include <immintrin.h>

#include <cfloat>
#endif

namespace soundlab::dsp::detail {

void mixStereoScalar(const float* const* channels, int frames, const StereoWeights& from,
                     const StereoWeights& to, bool fading, float* left, float* right) {
    std::fill_n(left, frames, 0.0f);
    std::fill_n(right, frames, 0.0f);
    const float fadeStep = 1.0f / static_cast<float>(frames);
    for (int k = 0; k < kFieldChannels; ++k) {
        const float* y = channels[k];
        if (y == nullptr) continue;
        if (fading) {
            const float deltaLeft = to.left[k] - from.left[k];
            const float deltaRight = to.right[k] - from.right[k];
            for (int n = 0; n < frames; ++n) {
                const float t = static_cast<float>(n + 1) * fadeStep;
                left[n] += (from.left[k] + deltaLeft * t) * y[n];
                right[n] += (from.right[k] + deltaRight * t) * y[n];
            }
        } else {
            for (int n = 0; n < frames; ++n) {
                left[n] += to.left[k] * y[n];
                right[n] += to.right[k] * y[n];
            }
        }
    }
    for (int n = 0; n < frames; ++n) {
        left[n] = StereoDownmix::softLimit(left[n]);
        right[n] = StereoDownmix::softLimit(right[n]);
    }
}

#if defined(SOUNDLAB_DSP_HAS_AVX2_MIX)

#define SOUNDLAB_TARGET_AVX2 __attribute__((target("avx2,fma")))

namespace {

// StereoDownmix::softLimit() on eight samples, operation for operation.
SOUNDLAB_TARGET_AVX2 inline __m256 softLimit8(__m256 x) {
    const __m256 signMask = _mm256_set1_ps(-0.0f);
    const __m256 knee = _mm256_set1_ps(kLimiterKnee);
    const __m256 one = _mm256_set1_ps(1.0f);
    const __m256 magnitude = _mm256_andnot_ps(signMask, x);
    const __m256 z = _mm256_min_ps(
        _mm256_div_ps(_mm256_sub_ps(magnitude, knee), _mm256_set1_ps(kLimiterHeadroom)),
        _mm256_set1_ps(kLimiterMaxExcess));
    const __m256 bent =
        _mm256_min_ps(_mm256_add_ps(knee, _mm256_mul_ps(_mm256_set1_ps(kLimiterHeadroom),
                                                        _mm256_div_ps(z, _mm256_add_ps(one, z)))),
                      one);
    const __m256 below = _mm256_cmp_ps(magnitude, knee, _CMP_LE_OQ);
    const __m256 limited = _mm256_blendv_ps(bent, magnitude, below);
    const __m256 finite = _mm256_cmp_ps(magnitude, _mm256_set1_ps(FLT_MAX), _CMP_LE_OQ);
    return _mm256_and_ps(_mm256_or_ps(limited, _mm256_and_ps(x, signMask)), finite);
}

}  // namespace

SOUNDLAB_TARGET_AVX2 void mixStereoAvx2(const float* const* channels, int frames,
                                        const StereoWeights& from, const StereoWeights& to,
                                        bool fading, float* left, float* right) {
    const float* active[kFieldChannels];
    float fromLeft[kFieldChannels];
    float fromRight[kFieldChannels];
    float deltaLeft[kFieldChannels];
    float deltaRight[kFieldChannels];
    int count = 0;
    for (int k = 0; k < kFieldChannels; ++k) {
        if (channels[k] == nullptr) continue;
        active[count] = channels[k];
        fromLeft[count] = fading ? from.left[k] : to.left[k];
        fromRight[count] = fading ? from.right[k] : to.right[k];
        deltaLeft[count] = fading ? to.left[k] - from.left[k] : 0.0f;
        deltaRight[count] = fading ? to.right[k] - from.right[k] : 0.0f;
        ++count;
    }
    const float fadeStep = 1.0f / static_cast<float>(frames);
    const __m256i frameOffsets = _mm256_setr_epi32(1, 2, 3, 4, 5, 6, 7, 8);
    int n = 0;
    for (; n + 8 <= frames; n += 8) {
        // t = (n + 1)/frames … (n + 8)/frames, as the scalar build computes it per sample.
        const __m256 t =
            _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_add_epi32(_mm256_set1_epi32(n), frameOffsets)),
                          _mm256_set1_ps(fadeStep));
        __m256 sumLeft = _mm256_setzero_ps();
        __m256 sumRight = _mm256_setzero_ps();
        for (int i = 0; i < count; ++i) {
            const __m256 y = _mm256_loadu_ps(active[i] + n);
            const __m256 weightLeft = _mm256_add_ps(_mm256_set1_ps(fromLeft[i]),
                                                    _mm256_mul_ps(_mm256_set1_ps(deltaLeft[i]), t));
            const __m256 weightRight = _mm256_add_ps(
                _mm256_set1_ps(fromRight[i]), _mm256_mul_ps(_mm256_set1_ps(deltaRight[i]), t));
            sumLeft = _mm256_fmadd_ps(weightLeft, y, sumLeft);
            sumRight = _mm256_fmadd_ps(weightRight, y, sumRight);
        }
        _mm256_storeu_ps(left + n, softLimit8(sumLeft));
        _mm256_storeu_ps(right + n, softLimit8(sumRight));
    }
    for (; n < frames; ++n) {
        const float t = static_cast<float>(n + 1) * fadeStep;
        float sumLeft = 0.0f;
        float sumRight = 0.0f;
        for (int i = 0; i < count; ++i) {
            sumLeft += (fromLeft[i] + deltaLeft[i] * t) * active[i][n];
            sumRight += (fromRight[i] + deltaRight[i] * t) * active[i][n];
        }
        left[n] = StereoDownmix::softLimit(sumLeft);
        right[n] = StereoDownmix::softLimit(sumRight);
    }
}

#endif  // SOUNDLAB_DSP_HAS_AVX2_MIX

}  // namespace soundlab::dsp::detail
