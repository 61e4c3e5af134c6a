// Both builds of the stereo mix. The AVX2 one sums eight frames at a time across the channels in
// registers; the scalar one sample by sample. Same weights, ramps and limiter; they differ only by
// FMA rounding in the weighted sums (≈ 1e-7).

#include "dsp/StereoMixKernel.h"

#include "dsp/StereoDownmix.h"

#include <algorithm>

#if defined(SOUNDLAB_DSP_HAS_AVX2_MIX)
#include <immintrin.h>

#include <cfloat>
#endif

namespace soundlab::dsp::detail {

void mixStereoScalar(const float* const* channels, const float* const* turned, int frames,
                     const MixRamp& ramp, float* left, float* right) {
    const MixInputs inputs(channels, turned, ramp);
    const bool fading = ramp.fading();
    const float blockLength = static_cast<float>(frames);
    const float fadeLength = static_cast<float>(ramp.fadeLength);
    for (int n = 0; n < frames; ++n) {
        float toLeft = 0.0f;
        float toRight = 0.0f;
        float fromLeft = 0.0f;
        float fromRight = 0.0f;
        for (int i = 0; i < inputs.count; ++i) {
            const float y = inputs.signal[i][n];
            toLeft += inputs.toLeft[i] * y;
            toRight += inputs.toRight[i] * y;
            if (fading) {
                fromLeft += inputs.fromLeft[i] * y;
                fromRight += inputs.fromRight[i] * y;
            }
        }
        const float r = static_cast<float>(n + 1) / blockLength;
        const float toGain = ramp.toGain0 + (ramp.toGain1 - ramp.toGain0) * r;
        float sumLeft = toGain * toLeft;
        float sumRight = toGain * toRight;
        if (fading) {
            const float t = shapeFade(
                ramp.shape, std::min(static_cast<float>(ramp.fadeDone + n + 1) / fadeLength, 1.0f));
            const float a = 1.0f - t;
            const float b = t * toGain;
            sumLeft = a * fromLeft + b * toLeft;
            sumRight = a * fromRight + b * toRight;
        }
        left[n] = StereoDownmix::softLimit(sumLeft);
        right[n] = StereoDownmix::softLimit(sumRight);
    }
}

#if defined(SOUNDLAB_DSP_HAS_AVX2_MIX)

#define SOUNDLAB_TARGET_AVX2 __attribute__((target("avx2,fma")))

namespace {

// shapeFade() on eight positions, operation for operation.
SOUNDLAB_TARGET_AVX2 inline __m256 shapeFade8(FadeShape shape, __m256 t) {
    switch (shape) {
        case FadeShape::Linear:
            return t;
        case FadeShape::ToFullBand:
            return _mm256_div_ps(
                _mm256_mul_ps(_mm256_set1_ps(8.0f), t),
                _mm256_add_ps(_mm256_set1_ps(1.0f), _mm256_mul_ps(_mm256_set1_ps(7.0f), t)));
        case FadeShape::ToBands:
            return _mm256_div_ps(
                t, _mm256_sub_ps(_mm256_set1_ps(8.0f), _mm256_mul_ps(_mm256_set1_ps(7.0f), t)));
    }
    return t;
}

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

SOUNDLAB_TARGET_AVX2 void mixStereoAvx2(const float* const* channels,
                                        const float* const* turned, int frames,
                                        const MixRamp& ramp, float* left, float* right) {
    const MixInputs inputs(channels, turned, ramp);
    const float* const* active = inputs.signal;
    const float* toLeft = inputs.toLeft;
    const float* toRight = inputs.toRight;
    const float* fromLeft = inputs.fromLeft;
    const float* fromRight = inputs.fromRight;
    const int count = inputs.count;
    const bool fading = ramp.fading();
    const __m256 blockLength = _mm256_set1_ps(static_cast<float>(frames));
    const __m256 fadeLength = _mm256_set1_ps(static_cast<float>(ramp.fadeLength));
    const __m256 one = _mm256_set1_ps(1.0f);
    const __m256 toGain0 = _mm256_set1_ps(ramp.toGain0);
    const __m256 toGainDelta = _mm256_set1_ps(ramp.toGain1 - ramp.toGain0);
    const __m256i frameOffsets = _mm256_setr_epi32(1, 2, 3, 4, 5, 6, 7, 8);
    int n = 0;
    for (; n + 8 <= frames; n += 8) {
        const __m256i index = _mm256_add_epi32(_mm256_set1_epi32(n), frameOffsets);
        // The scalar build's expressions, operation for operation (no contraction).
        const __m256 r = _mm256_div_ps(_mm256_cvtepi32_ps(index), blockLength);
        const __m256 toGain = _mm256_add_ps(toGain0, _mm256_mul_ps(toGainDelta, r));
        __m256 sumToLeft = _mm256_setzero_ps();
        __m256 sumToRight = _mm256_setzero_ps();
        __m256 sumFromLeft = _mm256_setzero_ps();
        __m256 sumFromRight = _mm256_setzero_ps();
        for (int i = 0; i < count; ++i) {
            const __m256 y = _mm256_loadu_ps(active[i] + n);
            sumToLeft = _mm256_fmadd_ps(_mm256_set1_ps(toLeft[i]), y, sumToLeft);
            sumToRight = _mm256_fmadd_ps(_mm256_set1_ps(toRight[i]), y, sumToRight);
            if (fading) {
                sumFromLeft = _mm256_fmadd_ps(_mm256_set1_ps(fromLeft[i]), y, sumFromLeft);
                sumFromRight = _mm256_fmadd_ps(_mm256_set1_ps(fromRight[i]), y, sumFromRight);
            }
        }
        __m256 sumLeft = _mm256_mul_ps(toGain, sumToLeft);
        __m256 sumRight = _mm256_mul_ps(toGain, sumToRight);
        if (fading) {
            const __m256 t = shapeFade8(
                ramp.shape,
                _mm256_min_ps(_mm256_div_ps(_mm256_cvtepi32_ps(_mm256_add_epi32(
                                                _mm256_set1_epi32(ramp.fadeDone), index)),
                                            fadeLength),
                              one));
            const __m256 a = _mm256_sub_ps(one, t);
            const __m256 b = _mm256_mul_ps(t, toGain);
            sumLeft = _mm256_add_ps(_mm256_mul_ps(a, sumFromLeft), _mm256_mul_ps(b, sumToLeft));
            sumRight = _mm256_add_ps(_mm256_mul_ps(a, sumFromRight), _mm256_mul_ps(b, sumToRight));
        }
        _mm256_storeu_ps(left + n, softLimit8(sumLeft));
        _mm256_storeu_ps(right + n, softLimit8(sumRight));
    }
    {
        // The last frames % 8 samples, as the scalar build computes them.
        for (; n < frames; ++n) {
            float sumToLeft = 0.0f;
            float sumToRight = 0.0f;
            float sumFromLeft = 0.0f;
            float sumFromRight = 0.0f;
            for (int i = 0; i < count; ++i) {
                const float y = active[i][n];
                sumToLeft += toLeft[i] * y;
                sumToRight += toRight[i] * y;
                sumFromLeft += fromLeft[i] * y;
                sumFromRight += fromRight[i] * y;
            }
            const float r = static_cast<float>(n + 1) / static_cast<float>(frames);
            const float toGain = ramp.toGain0 + (ramp.toGain1 - ramp.toGain0) * r;
            float sumLeft = toGain * sumToLeft;
            float sumRight = toGain * sumToRight;
            if (fading) {
                const float t =
                    shapeFade(ramp.shape, std::min(static_cast<float>(ramp.fadeDone + n + 1) /
                                                       static_cast<float>(ramp.fadeLength),
                                                   1.0f));
                const float a = 1.0f - t;
                const float b = t * toGain;
                sumLeft = a * sumFromLeft + b * sumToLeft;
                sumRight = a * sumFromRight + b * sumToRight;
            }
            left[n] = StereoDownmix::softLimit(sumLeft);
            right[n] = StereoDownmix::softLimit(sumRight);
        }
    }
}

#endif  // SOUNDLAB_DSP_HAS_AVX2_MIX

}  // namespace soundlab::dsp::detail
