// Portable kernel of the chromatic field engine. FieldKernelAvx2.cpp computes the same thing eight
// lanes at a time; keep the two in step (same operations, same order) when changing either.

#include "dsp/FieldKernel.h"
#include "dsp/FieldModel.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <utility>

namespace soundlab::dsp::detail {

namespace {

constexpr double kTwoPi = 2.0 * std::numbers::pi;
constexpr double kTwoOverPi = 2.0 / std::numbers::pi;
constexpr double kHalfPi = std::numbers::pi / 2.0;

struct SinCos {
    float sin;
    float cos;
};

// sin and cos of a phase given in double: reduced exactly-enough in double to r ∈ [−π/4, π/4]
// around the nearest multiple q·π/2, then polynomials in float, then the quadrant's swap/sign.
SinCos sinCos(double angle) {
    const double quadrant = std::nearbyint(angle * kTwoOverPi);
    const float r = static_cast<float>(angle - quadrant * kHalfPi);
    const int q = static_cast<int>(quadrant);
    // Estrin's scheme rather than Horner's: a shorter dependency chain for the AVX2 kernel, where
    // this sits on the sample-to-sample critical path.
    const float z = r * r;
    const float z2 = z * z;
    float s = r + (r * z) * ((kSinC1 + kSinC2 * z) + kSinC3 * z2);
    float c = (1.0f - 0.5f * z) + z2 * ((kCosC1 + kCosC2 * z) + kCosC3 * z2);
    if (q & 1) std::swap(s, c);
    if (q & 2) s = -s;
    if ((q + 1) & 2) c = -c;
    return {s, c};
}

// The AVX2 kernel's horizontal sum, term for term (IEEE addition is commutative, so every
// lane of its butterfly computes exactly this).
float sum8(const float* v) {
    return ((v[0] + v[4]) + (v[2] + v[6])) + ((v[1] + v[5]) + (v[3] + v[7]));
}

float clampUnit(float x) {
    return std::min(std::max(x, -1.0f), 1.0f);
}

}  // namespace

void advanceFieldScalar(FieldState& sharedState, const FieldConstants& constants,
                        const float* input, int frames, float* const* channels, int offset,
                        float* /*scratch: scalar stores go straight to the channels*/) {
    constexpr int N = kFieldChannels;
    // A local copy: the compiler then knows the channel stores cannot alias it.
    FieldState state = sharedState;
    for (int n = 0; n < frames; ++n) {
        // Parameter ramps (a zero step leaves a value bit-exact).
        for (int k = 0; k < N; ++k) {
            state.omega[k] += state.omegaStep[k];
            state.amplitude[k] += state.amplitudeStep[k];
            state.outputGain[k] += state.outputGainStep[k];
        }
        state.coupling += state.couplingStep;
        state.depth += state.depthStep;
        state.phiPhase += state.phiPhaseStep;

        // Mean field R·e^{iψ} = (1/8)·Σ e^{iθ_j}, kept as the sums Σ cos θ_j and Σ sin θ_j.
        float sinTheta[N];
        float cosTheta[N];
        for (int k = 0; k < N; ++k) {
            const SinCos sc = sinCos(state.theta[k]);
            sinTheta[k] = sc.sin;
            cosTheta[k] = sc.cos;
        }
        const float sumCos = sum8(cosTheta);
        const float sumSin = sum8(sinTheta);

        // Φ modulation m_k = 1 + d·a_k·sin(θ_k + φ + k·2π/Φ²), cell input u_k = band_k·m_k.
        const double phi = static_cast<double>(state.phiPhase);
        const float* band = input + N * n;
        float drive[N];
        for (int k = 0; k < N; ++k) {
            const float modulation =
                sinCos((state.theta[k] + phi) + constants.modulationOffset[k]).sin;
            const float m = 1.0f + (state.depth * state.amplitude[k]) * modulation;
            drive[k] = band[k] * m;
        }

        // Cells: the exact one-pole step towards A0·y_k + A1·(y_{k−1} + y_{k+1}) + B·u_k.
        float y[N];
        for (int k = 0; k < N; ++k) y[k] = clampUnit(state.cell[k]);
        const float neighbourCoupling = state.coupling * kCellNeighbourCouplingPerK;
        for (int k = 0; k < N; ++k) {
            const float target = kCellSelfFeedback * y[k] +
                                 neighbourCoupling * (y[(k + N - 1) % N] + y[(k + 1) % N]) +
                                 kCellInputGain * drive[k];
            float x = state.cell[k] + constants.cellAlpha * (target - state.cell[k]);
            if (std::fabs(x) < kCellFlushThreshold) x = 0.0f;
            state.cell[k] = x;
            channels[k][offset + n] = clampUnit(x) * state.outputGain[k];
        }

        // Kuramoto step: θ_k += ω_k + K·κ/fs·R·sin(ψ − θ_k), with R·sin(ψ − θ_k) = Y·cos θ_k −
        // X·sin θ_k and (X, Y) = (Σcos, Σsin)/8; the 1/8 (exact) is folded into the gain.
        const float pullGain = (state.coupling * constants.couplingRadPerSample) * 0.125f;
        for (int k = 0; k < N; ++k) {
            const float pull = pullGain * (sumSin * cosTheta[k] - sumCos * sinTheta[k]);
            double theta = state.theta[k] + static_cast<double>(state.omega[k] + pull);
            if (theta >= kTwoPi) {
                theta += -kTwoPi;
            } else if (theta < 0.0) {
                theta += kTwoPi;
            }
            state.theta[k] = theta;
        }
    }
    sharedState = state;
}

}  // namespace soundlab::dsp::detail
