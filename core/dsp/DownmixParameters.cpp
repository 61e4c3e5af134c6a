#include "dsp/DownmixParameters.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

namespace soundlab::dsp {

namespace {

constexpr int N = kFieldChannels;
constexpr double kHalfPi = std::numbers::pi / 2.0;

// Spatial pan positions (0 = left, 1 = right; SPEC §3): the two lowest bands (bass) in the
// centre, the higher ones in pairs alternately left and right, each pair wider than the last.
constexpr double kSpatialPan[N] = {0.5, 0.5, 0.3, 0.7, 0.2, 0.8, 0.1, 0.9};
constexpr double kSpatialBandsMakeUp = 1.1482;  // +1.2 dB (amplitude)

// Equal-power pan law: position 0 = left, 1 = right; cos² + sin² = 1 at every position.
void panEqualPower(double weight, double position, StereoWeights& weights, int k) {
    // cos(π/2) is 6e-17 in floating point; a channel panned hard right gets exactly 0 on the left.
    const auto gain = [weight](double g) {
        return static_cast<float>(std::fabs(g) < 1e-12 ? 0.0 : weight * g);
    };
    weights.left[k] = gain(std::cos(position * kHalfPi));
    weights.right[k] = gain(std::sin(position * kHalfPi));
}

StereoWeights spatialWeights(bool bandSplit) {
    StereoWeights weights;
    if (bandSplit) {
        // Each band is its own signal: the equal-power law scaled by √2, so a centred band is
        // unity on each side and every band keeps its power (the mean of both sides'). The
        // bands meet in quadrature (StereoDownmix turns the odd ones), so they add in power,
        // and the crossover overlaps (−6 dB per band at each split) leave the mix 1.2–1.4 dB
        // short of the input on noise (EngineLevels tests): kSpatialBandsMakeUp is +1.2 dB.
        const double gain = std::numbers::sqrt2 * kSpatialBandsMakeUp;
        for (int k = 0; k < N; ++k) panEqualPower(gain, kSpatialPan[k], weights, k);
        return weights;
    }
    // Full band: eight copies of one signal. Normalised so that all channels at full scale and
    // in phase sum to exactly 1 (0 dBFS) on each side; the positions are symmetric about the
    // centre, so Σ cos(p·π/2) = Σ sin(p·π/2).
    double sum = 0.0;
    for (int k = 0; k < N; ++k) sum += std::cos(kSpatialPan[k] * kHalfPi);
    for (int k = 0; k < N; ++k) panEqualPower(1.0 / sum, kSpatialPan[k], weights, k);
    return weights;
}

StereoWeights phiWeights() {
    // w_k = Φ^−k / Σ Φ^−j (Σ w = 1). Channel k sits off centre by the fractional part of k/Φ²
    // (k golden angles, in turns), alternately to the left (even k) and right (odd k). Channel 0,
    // which carries 62 % of the power, is in the centre; the left/right power difference for
    // equal-power uncorrelated channels is 0.45 dB.
    double sum = 0.0;
    for (int k = 0; k < N; ++k) sum += std::pow(kPhi, -k);
    StereoWeights weights;
    for (int k = 0; k < N; ++k) {
        const double offset = k / (kPhi * kPhi) - std::floor(k / (kPhi * kPhi));
        const double position = 0.5 + (k % 2 == 1 ? 0.5 : -0.5) * offset;
        panEqualPower(std::pow(kPhi, -k) / sum, position, weights, k);
    }
    return weights;
}

StereoWeights uniformWeights(double weight) {
    StereoWeights weights;
    weights.left.fill(static_cast<float>(weight));
    weights.right.fill(static_cast<float>(weight));
    return weights;
}

float sanitiseWeight(float weight) {
    return std::isfinite(weight) ? std::clamp(weight, 0.0f, 1.0f) : 0.0f;
}

}  // namespace

std::string_view toString(DownmixStrategy strategy) {
    switch (strategy) {
        case DownmixStrategy::Spatial:
            return "spatial";
        case DownmixStrategy::Energy:
            return "energy";
        case DownmixStrategy::Linear:
            return "linear";
        case DownmixStrategy::Phi:
            return "phi";
    }
    return "spatial";
}

std::optional<DownmixStrategy> downmixStrategyFromString(std::string_view name) {
    for (DownmixStrategy strategy : {DownmixStrategy::Spatial, DownmixStrategy::Energy,
                                     DownmixStrategy::Linear, DownmixStrategy::Phi}) {
        if (name == toString(strategy)) return strategy;
    }
    return std::nullopt;
}

std::vector<ParameterError> DownmixParameters::validate(const DownmixParameters& parameters) {
    std::vector<ParameterError> errors;
    if (!parameters.customWeights) return errors;
    const auto check = [&errors](const std::array<float, N>& weights, const char* name) {
        for (int k = 0; k < N; ++k) {
            if (!(std::isfinite(weights[k]) && weights[k] >= 0.0f && weights[k] <= 1.0f)) {
                errors.push_back(makeRangeError(std::string(name) + '[' + std::to_string(k) + ']',
                                                weights[k], 0.0, 1.0, ""));
            }
        }
    };
    check(parameters.weightsL, "weights_l");
    check(parameters.weightsR, "weights_r");
    return errors;
}

StereoWeights strategyWeights(DownmixStrategy strategy, bool bandSplit) {
    switch (strategy) {
        case DownmixStrategy::Spatial:
            return spatialWeights(bandSplit);
        case DownmixStrategy::Energy:
            // Nominal: the live gain follows power (StereoDownmix).
            return uniformWeights(bandSplit ? 1.0 : 1.0 / std::sqrt(8.0));
        case DownmixStrategy::Linear:
            // Full band: the mean of eight copies; band split: the bands sum back to the input.
            return uniformWeights(bandSplit ? 1.0 : 1.0 / 8.0);
        case DownmixStrategy::Phi:
            // The same with bands: a deliberate spectral tilt (Φ^−k per band), exempt from the
            // band-split level rule (SPEC §3).
            return phiWeights();
    }
    return spatialWeights(bandSplit);
}

StereoWeights effectiveWeights(const DownmixParameters& parameters) {
    if (!parameters.customWeights) return strategyWeights(parameters.strategy);
    StereoWeights weights;
    for (int k = 0; k < N; ++k) {
        weights.left[k] = sanitiseWeight(parameters.weightsL[k]);
        weights.right[k] = sanitiseWeight(parameters.weightsR[k]);
    }
    return weights;
}

}  // namespace soundlab::dsp
