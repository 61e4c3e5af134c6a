#include "dsp/BandSplitter.h"

#include "dsp/GoldenRatio.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

#if defined(SOUNDLAB_DSP_HAS_AVX2_SPLIT)
#include <immintrin.h>
#endif

namespace soundlab::dsp {

namespace detail {

namespace {
// Per-sample flush of the filter states, at −600 dB: far enough above the smallest normal float
// (1.2e-38) that no product with a coefficient (≥ 1e-5) can be denormal, and far enough below
// audio that the error it injects is nothing. A higher threshold does harm: flushing one state of
// a resonant low-frequency section while the other is still busy injects an error of the size of
// the threshold every few samples, which the section's gain keeps alive as a limit cycle (at
// 1e-15 band 0 sat at ±1e-14 for ever). Exact silence comes from process(), block by block.
constexpr float kStateFlush = 1e-30f;
inline float flush(float z) {
    return std::fabs(z) >= kStateFlush ? z : 0.0f;  // NaN → 0, as the AVX2 build
}
}  // namespace

void splitBandsScalar(const BandSplitCoefficients& c, BandSplitState& state, const float* input,
                      int frames, float* bands) {
    constexpr int K = kFieldChannels;
    // Local copies: the compiler then knows the band stores cannot alias the states or the
    // coefficients, and can keep the eight-lane inner loops in SSE registers.
    BandSplitState local = state;
    const BandSplitCoefficients q = c;
    for (int n = 0; n < frames; ++n) {
        float x[K];
        for (int k = 0; k < K; ++k) x[k] = input[n];
        for (int s = 0; s < kBandSplitSections; ++s) {
            for (int k = 0; k < K; ++k) {
                const float y = q.b0[s][k] * x[k] + local.z1[s][k];
                local.z1[s][k] = flush((q.b1[s][k] * x[k] - q.a1[s][k] * y) + local.z2[s][k]);
                local.z2[s][k] = flush(q.b2[s][k] * x[k] - q.a2[s][k] * y);
                x[k] = y;
            }
        }
        for (int k = 0; k < K; ++k) bands[n * K + k] = x[k];
    }
    state = local;
}

#if defined(SOUNDLAB_DSP_HAS_AVX2_SPLIT)

#define SOUNDLAB_TARGET_AVX2 __attribute__((target("avx2,fma")))

namespace {
// flush() on eight lanes: |z| >= threshold keeps z, anything smaller becomes +0.
SOUNDLAB_TARGET_AVX2 inline __m256 flush8(__m256 z) {
    const __m256 magnitude = _mm256_and_ps(z, _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff)));
    return _mm256_and_ps(z, _mm256_cmp_ps(magnitude, _mm256_set1_ps(kStateFlush), _CMP_GE_OQ));
}
}  // namespace

// splitBandsScalar() with the eight bands in one register, operation for operation (no FMA):
// the two builds give identical output.
SOUNDLAB_TARGET_AVX2 void splitBandsAvx2(const BandSplitCoefficients& c, BandSplitState& state,
                                         const float* input, int frames, float* bands) {
    __m256 z1[kBandSplitSections];
    __m256 z2[kBandSplitSections];
    for (int s = 0; s < kBandSplitSections; ++s) {
        z1[s] = _mm256_load_ps(state.z1[s]);
        z2[s] = _mm256_load_ps(state.z2[s]);
    }
    for (int n = 0; n < frames; ++n) {
        __m256 x = _mm256_set1_ps(input[n]);
        for (int s = 0; s < kBandSplitSections; ++s) {
            const __m256 y = _mm256_add_ps(_mm256_mul_ps(_mm256_load_ps(c.b0[s]), x), z1[s]);
            z1[s] = flush8(_mm256_add_ps(_mm256_sub_ps(_mm256_mul_ps(_mm256_load_ps(c.b1[s]), x),
                                                       _mm256_mul_ps(_mm256_load_ps(c.a1[s]), y)),
                                         z2[s]));
            z2[s] = flush8(_mm256_sub_ps(_mm256_mul_ps(_mm256_load_ps(c.b2[s]), x),
                                         _mm256_mul_ps(_mm256_load_ps(c.a2[s]), y)));
            x = y;
        }
        _mm256_storeu_ps(bands + n * kFieldChannels, x);
    }
    for (int s = 0; s < kBandSplitSections; ++s) {
        _mm256_store_ps(state.z1[s], z1[s]);
        _mm256_store_ps(state.z2[s], z2[s]);
    }
}

#endif  // SOUNDLAB_DSP_HAS_AVX2_SPLIT

}  // namespace detail

namespace {

struct Biquad {
    double b0 = 1.0, b1 = 0.0, b2 = 0.0, a1 = 0.0, a2 = 0.0;
};

const Biquad kIdentity{};
const Biquad kZero{0.0, 0.0, 0.0, 0.0, 0.0};

enum class Shape { LowPass, HighPass, AllPass };

// RBJ Audio EQ Cookbook (bilinear transform, frequency prewarped), Q = 1/√2 (Butterworth), a0
// normalised to 1. LowPass² and HighPass² are the LR4 pair; AllPass is their sum.
Biquad cookbook(Shape shape, double frequency, double sampleRate) {
    const double w0 = 2.0 * std::numbers::pi * frequency / sampleRate;
    const double cosW = std::cos(w0);
    const double alpha = std::sin(w0) / (2.0 * (1.0 / std::numbers::sqrt2));
    const double a0 = 1.0 + alpha;
    Biquad q;
    q.a1 = -2.0 * cosW / a0;
    q.a2 = (1.0 - alpha) / a0;
    switch (shape) {
        case Shape::LowPass:
            q.b0 = (1.0 - cosW) / 2.0 / a0;
            q.b1 = (1.0 - cosW) / a0;
            q.b2 = q.b0;
            break;
        case Shape::HighPass:
            q.b0 = (1.0 + cosW) / 2.0 / a0;
            q.b1 = -(1.0 + cosW) / a0;
            q.b2 = q.b0;
            break;
        case Shape::AllPass:
            q.b0 = (1.0 - alpha) / a0;
            q.b1 = -2.0 * cosW / a0;
            q.b2 = 1.0;  // (1 + α)/a0
            break;
    }
    return q;
}

constexpr double kHighestSplitShareOfRate = 0.45;
constexpr float kSilentState = 1e-20f;

}  // namespace

double BandSplitter::crossoverFrequency(int i) {
    return 125.0 * std::pow(kPhi, 1.5 * i);
}

double BandSplitter::bandCentre(int k) {
    if (k <= 0) return 60.0;
    if (k >= kBands - 1) return 15000.0;
    return std::sqrt(crossoverFrequency(k - 1) * crossoverFrequency(k));
}

BandSplitter::BandSplitter() {
    if (!setImplementation(defaultSimdImplementation())) {
        setImplementation(SimdImplementation::Scalar);
    }
    prepare(48000.0);
}

bool BandSplitter::setImplementation(SimdImplementation implementation) {
#if defined(SOUNDLAB_DSP_HAS_AVX2_SPLIT)
    const auto avx2 = &detail::splitBandsAvx2;
#else
    const decltype(&detail::splitBandsScalar) avx2 = nullptr;
#endif
    const auto kernel = chooseKernel(implementation, &detail::splitBandsScalar, avx2);
    if (kernel == nullptr) return false;
    kernel_ = kernel;
    implementation_ = implementation;
    return true;
}

void BandSplitter::prepare(double sampleRate) {
    if (!(std::isfinite(sampleRate) && sampleRate > 0.0)) {
        throw std::invalid_argument("BandSplitter: sample rate must be finite and positive");
    }
    for (int k = 0; k < kBands; ++k) {
        // Band k's chain, low to high (see the class comment), padded with identities.
        Biquad chain[detail::kBandSplitSections];
        for (Biquad& section : chain) section = kIdentity;
        int s = 0;
        for (int i = 0; i < kSplits; ++i) {
            const double f = crossoverFrequency(i);
            const bool usable = f < kHighestSplitShareOfRate * sampleRate;
            if (i < k) {  // k is above split i: high-pass
                const Biquad hp = usable ? cookbook(Shape::HighPass, f, sampleRate) : kZero;
                chain[s++] = hp;
                chain[s++] = usable ? hp : kIdentity;
            } else if (i == k) {  // the band's own upper edge: low-pass
                if (usable) {
                    const Biquad lp = cookbook(Shape::LowPass, f, sampleRate);
                    chain[s++] = lp;
                    chain[s++] = lp;
                }
            } else if (usable) {  // a split above the band: its allpass
                chain[s++] = cookbook(Shape::AllPass, f, sampleRate);
            }
        }
        for (int j = 0; j < detail::kBandSplitSections; ++j) {
            coefficients_.b0[j][k] = static_cast<float>(chain[j].b0);
            coefficients_.b1[j][k] = static_cast<float>(chain[j].b1);
            coefficients_.b2[j][k] = static_cast<float>(chain[j].b2);
            coefficients_.a1[j][k] = static_cast<float>(chain[j].a1);
            coefficients_.a2[j][k] = static_cast<float>(chain[j].a2);
        }
    }
    reset();
}

void BandSplitter::reset() noexcept {
    state_ = detail::BandSplitState{};
}

void BandSplitter::process(const float* input, int frames, float* bands) noexcept {
    if (frames <= 0) return;
    kernel_(coefficients_, state_, input, frames, bands);
    // When every state has decayed below −400 dB, all of them go to 0 at once (no section is left
    // half-flushed to ring on), so a decay ends in exact silence.
    float largest = 0.0f;
    for (int s = 0; s < detail::kBandSplitSections; ++s)
        for (int k = 0; k < kBands; ++k) {
            largest = std::max(largest, std::fabs(state_.z1[s][k]));
            largest = std::max(largest, std::fabs(state_.z2[s][k]));
        }
    if (largest < kSilentState) reset();
}

}  // namespace soundlab::dsp
