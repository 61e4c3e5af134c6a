#include "dsp/StereoDownmix.h"
#include "dsp_test_support.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace soundlab::dsp::test {
namespace {

constexpr double kHalfPi = std::numbers::pi / 2.0;
const DownmixStrategy kStrategies[] = {DownmixStrategy::Spatial, DownmixStrategy::Energy,
                                       DownmixStrategy::Linear, DownmixStrategy::Phi};

DownmixParameters withStrategy(DownmixStrategy strategy) {
    DownmixParameters parameters;
    parameters.strategy = strategy;
    return parameters;
}

struct Stereo {
    std::vector<float> left;
    std::vector<float> right;
};

// Mixes whole channel signals in blocks of `block`.
Stereo mix(StereoDownmix& downmix, const Channels& channels, int block) {
    const size_t frames = channels[0].size();
    Stereo out{std::vector<float>(frames), std::vector<float>(frames)};
    for (size_t start = 0; start < frames; start += static_cast<size_t>(block)) {
        const int count = static_cast<int>(std::min<size_t>(block, frames - start));
        std::array<const float*, N> pointers;
        for (int k = 0; k < N; ++k) pointers[k] = channels[k].data() + start;
        downmix.process(pointers.data(), count, out.left.data() + start, out.right.data() + start);
    }
    return out;
}

double power(const std::vector<float>& x) {
    double sum = 0.0;
    for (float v : x) sum += static_cast<double>(v) * v;
    return sum / static_cast<double>(x.size());
}

TEST(DownmixStrategy, NamesRoundTrip) {
    for (DownmixStrategy strategy : kStrategies) {
        EXPECT_EQ(downmixStrategyFromString(toString(strategy)), strategy);
    }
    EXPECT_EQ(toString(DownmixStrategy::Spatial), "spatial");
    EXPECT_EQ(toString(DownmixStrategy::Energy), "energy");
    EXPECT_EQ(toString(DownmixStrategy::Linear), "linear");
    EXPECT_EQ(toString(DownmixStrategy::Phi), "phi");
    EXPECT_FALSE(downmixStrategyFromString("Spatial").has_value());
    EXPECT_FALSE(downmixStrategyFromString("").has_value());
}

TEST(DownmixWeights, SpatialIsAnEqualPowerPanNormalisedToZeroDbfs) {
    const StereoWeights w = strategyWeights(DownmixStrategy::Spatial);
    double sumCos = 0.0;
    for (int k = 0; k < N; ++k) sumCos += std::cos(k / 7.0 * kHalfPi);
    double sumLeft = 0.0;
    double sumRight = 0.0;
    for (int k = 0; k < N; ++k) {
        EXPECT_NEAR(w.left[k], std::cos(k / 7.0 * kHalfPi) / sumCos, 1e-7) << k;
        EXPECT_NEAR(w.right[k], std::sin(k / 7.0 * kHalfPi) / sumCos, 1e-7) << k;
        // Equal power: the same total at every pan position.
        EXPECT_NEAR(w.left[k] * w.left[k] + w.right[k] * w.right[k], 1.0 / (sumCos * sumCos), 1e-7);
        sumLeft += w.left[k];
        sumRight += w.right[k];
    }
    EXPECT_EQ(w.left[7], 0.0f);
    EXPECT_NEAR(w.right[0], 0.0f, 1e-9);
    EXPECT_NEAR(sumLeft, 1.0, 1e-6);  // all channels at full scale, in phase: 0 dBFS
    EXPECT_NEAR(sumRight, 1.0, 1e-6);
}

TEST(DownmixWeights, EnergyAndLinearAreUniform) {
    const StereoWeights energy = strategyWeights(DownmixStrategy::Energy);
    const StereoWeights linear = strategyWeights(DownmixStrategy::Linear);
    for (int k = 0; k < N; ++k) {
        EXPECT_FLOAT_EQ(energy.left[k], 1.0f / std::sqrt(8.0f));
        EXPECT_FLOAT_EQ(energy.right[k], 1.0f / std::sqrt(8.0f));
        EXPECT_FLOAT_EQ(linear.left[k], 0.125f);
        EXPECT_FLOAT_EQ(linear.right[k], 0.125f);
    }
}

TEST(DownmixWeights, PhiFollowsTheGoldenRatioAndIsBalanced) {
    const StereoWeights w = strategyWeights(DownmixStrategy::Phi);
    double norm = 0.0;
    for (int k = 0; k < N; ++k) norm += std::pow(kPhi, -k);
    double powerLeft = 0.0;
    double powerRight = 0.0;
    for (int k = 0; k < N; ++k) {
        const double expected = std::pow(kPhi, -k) / norm;
        EXPECT_NEAR(std::hypot(w.left[k], w.right[k]), expected, 1e-6) << k;
        powerLeft += w.left[k] * w.left[k];
        powerRight += w.right[k] * w.right[k];
    }
    EXPECT_FLOAT_EQ(w.left[0], w.right[0]);  // the loudest channel sits in the centre
    // Alternating sides: odd channels right of centre, even ones (after 0) left of it.
    for (int k = 1; k < N; ++k) EXPECT_EQ(w.right[k] > w.left[k], k % 2 == 1) << k;
    EXPECT_LE(std::fabs(10.0 * std::log10(powerLeft / powerRight)), 1.0);
}

TEST(StereoDownmix, PhiIsBalancedWithinOneDecibelOnUncorrelatedChannels) {
    StereoDownmix downmix;
    downmix.prepare(512);
    downmix.setParameters(withStrategy(DownmixStrategy::Phi));
    Channels channels;
    for (int k = 0; k < N; ++k) channels[k] = whiteNoise(seconds(2.0), 0.5f, 100 + k);
    const Stereo out = mix(downmix, channels, 512);
    const double imbalance = 10.0 * std::log10(power(out.left) / power(out.right));
    EXPECT_LE(std::fabs(imbalance), 1.0);
    RecordProperty("phi_imbalance_db", std::to_string(imbalance));
}

TEST(StereoDownmix, SpatialKeepsTheSamePowerWhereverAChannelSits) {
    double first = 0.0;
    for (int k = 0; k < N; ++k) {
        StereoDownmix downmix;
        downmix.prepare(512);
        Channels channels;
        for (int j = 0; j < N; ++j) channels[j].assign(seconds(0.1), 0.0f);
        channels[k] = cosine(seconds(0.1), 440.0, 0.8f);
        const Stereo out = mix(downmix, channels, 512);
        const double total = power(out.left) + power(out.right);
        if (k == 0) first = total;
        EXPECT_NEAR(total / first, 1.0, 1e-4) << "channel " << k;
    }
}

TEST(StereoDownmix, ProcessAppliesTheWeightsOfEachStrategy) {
    for (SimdImplementation implementation : availableImplementations())
        for (DownmixStrategy strategy : kStrategies) {
            StereoDownmix downmix;
            ASSERT_TRUE(downmix.setImplementation(implementation));
            downmix.prepare(64);
            downmix.setParameters(withStrategy(strategy));
            downmix.reset();
            const StereoWeights w = strategyWeights(strategy);
            for (int k = 0; k < N; ++k) {
                Channels channels;
                for (int j = 0; j < N; ++j) channels[j].assign(16, 0.0f);
                channels[k][3] = 0.5f;
                const Stereo out = mix(downmix, channels, 16);
                EXPECT_FLOAT_EQ(out.left[3], 0.5f * w.left[k])
                    << toString(implementation) << " " << toString(strategy) << " " << k;
                EXPECT_FLOAT_EQ(out.right[3], 0.5f * w.right[k])
                    << toString(implementation) << " " << toString(strategy) << " " << k;
            }
        }
}

TEST(StereoDownmix, CustomWeightsOverrideTheStrategy) {
    DownmixParameters parameters = withStrategy(DownmixStrategy::Phi);
    parameters.customWeights = true;
    parameters.weightsL = {1.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};
    parameters.weightsR = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.25f};
    StereoDownmix downmix;
    downmix.prepare(64);
    downmix.setParameters(parameters);
    downmix.reset();
    Channels channels;
    for (int k = 0; k < N; ++k) channels[k].assign(8, 0.1f * static_cast<float>(k + 1));
    const Stereo out = mix(downmix, channels, 8);
    EXPECT_FLOAT_EQ(out.left[0], 0.1f);
    EXPECT_FLOAT_EQ(out.right[0], 0.2f);
    EXPECT_EQ(downmix.weights().left, parameters.weightsL);
}

TEST(StereoDownmix, LimiterKeepsFullScaleCorrelatedChannelsWithinUnitRange) {
    DownmixParameters allOnes;
    allOnes.customWeights = true;
    allOnes.weightsL.fill(1.0f);
    allOnes.weightsR.fill(1.0f);
    std::vector<DownmixParameters> cases = {allOnes};
    for (DownmixStrategy strategy : kStrategies) cases.push_back(withStrategy(strategy));
    for (SimdImplementation implementation : availableImplementations())
        for (const DownmixParameters& parameters : cases) {
            StereoDownmix downmix;
            ASSERT_TRUE(downmix.setImplementation(implementation));
            downmix.prepare(256);
            downmix.setParameters(parameters);
            downmix.reset();
            Channels channels;
            // Full scale, all channels identical: a square wave between +1 and −1.
            for (int k = 0; k < N; ++k) {
                channels[k].resize(1024);
                for (size_t n = 0; n < 1024; ++n) channels[k][n] = (n / 64) % 2 == 0 ? 1.0f : -1.0f;
            }
            const Stereo out = mix(downmix, channels, 256);
            for (size_t n = 0; n < 1024; ++n) {
                ASSERT_LE(std::fabs(out.left[n]), 1.0f);
                ASSERT_LE(std::fabs(out.right[n]), 1.0f);
            }
        }
    // Far beyond full scale, and garbage that should never come from the engine.
    const float nan = std::numeric_limits<float>::quiet_NaN();
    for (float x : {1.0f, 8.0f, 1e6f, 1e30f, -1e30f, std::numeric_limits<float>::max(), nan,
                    std::numeric_limits<float>::infinity()}) {
        const float y = StereoDownmix::softLimit(x);
        EXPECT_TRUE(std::isfinite(y));
        EXPECT_LE(std::fabs(y), 1.0f) << x;
    }
}

TEST(StereoDownmix, SoftLimitIsTransparentBelowTheKneeAndSmoothAbove) {
    for (float x = -StereoDownmix::kLimiterKnee; x <= StereoDownmix::kLimiterKnee; x += 0.01f) {
        EXPECT_EQ(StereoDownmix::softLimit(x), x);
    }
    float previousX = 0.8f;
    float previousY = StereoDownmix::softLimit(previousX);
    for (float x = 0.8f + 1e-4f; x < 20.0f; x += 1e-4f) {
        const float y = StereoDownmix::softLimit(x);
        EXPECT_GE(y, previousY) << x;  // monotonic
        // Slope never above 1 (no kink at the knee), within float rounding of the difference.
        EXPECT_LE(y - previousY, (x - previousX) * 1.001f + 1e-7f) << x;
        EXPECT_LT(y, 1.0f);
        EXPECT_EQ(StereoDownmix::softLimit(-x), -y);
        previousX = x;
        previousY = y;
    }
    EXPECT_GT(StereoDownmix::softLimit(20.0f), 0.99f);
}

TEST(StereoDownmix, StrategySwitchCrossfadesOverOneBlock) {
    for (SimdImplementation implementation : availableImplementations()) {
        SCOPED_TRACE(toString(implementation));
        StereoDownmix downmix;
        ASSERT_TRUE(downmix.setImplementation(implementation));
        downmix.prepare(64);
        Channels channels;
        for (int k = 0; k < N; ++k) channels[k].assign(64, 0.05f * static_cast<float>(k + 1));
        const Stereo before = mix(downmix, channels, 64);
        downmix.setParameters(withStrategy(DownmixStrategy::Linear));
        const Stereo during = mix(downmix, channels, 64);
        const Stereo after = mix(downmix, channels, 64);
        const float from = before.left[63];
        const float to = after.left[0];
        ASSERT_GT(std::fabs(to - from), 0.05f);
        for (int n = 0; n < 64; ++n) {
            EXPECT_NEAR(during.left[n], from + (to - from) * static_cast<float>(n + 1) / 64.0f,
                        1e-6f)
                << n;
        }
        for (int n = 0; n < 64; ++n) EXPECT_EQ(after.left[n], to);
    }
}

TEST(StereoDownmix, Avx2AndScalarMixesAgree) {
    if (!cpuSupportsAvx2Fma()) GTEST_SKIP() << "this CPU has no AVX2+FMA";
    StereoDownmix downmixes[2];
    ASSERT_TRUE(downmixes[0].setImplementation(SimdImplementation::Scalar));
    ASSERT_TRUE(downmixes[1].setImplementation(SimdImplementation::Avx2));
    Channels channels;
    for (int k = 0; k < N; ++k) channels[k] = whiteNoise(5000, 0.6f, 200 + k);
    channels[2][17] = std::numeric_limits<float>::quiet_NaN();  // muted by the limiter in both
    const DownmixStrategy sequence[] = {DownmixStrategy::Phi, DownmixStrategy::Energy,
                                        DownmixStrategy::Linear, DownmixStrategy::Spatial};
    Stereo out[2];
    for (int i = 0; i < 2; ++i) {
        out[i] = {std::vector<float>(5000), std::vector<float>(5000)};
        size_t start = 0;
        // Odd block sizes exercise the AVX2 build's scalar tail; every block switches strategy.
        for (int block : {333, 1000, 7, 64, 1500, 2096}) {
            downmixes[i].setParameters(withStrategy(sequence[start % 4]));
            std::array<const float*, N> pointers;
            for (int k = 0; k < N; ++k) pointers[k] = k == 5 ? nullptr : channels[k].data() + start;
            downmixes[i].process(pointers.data(), block, out[i].left.data() + start,
                                 out[i].right.data() + start);
            start += static_cast<size_t>(block);
        }
    }
    for (size_t n = 0; n < 5000; ++n) {
        ASSERT_NEAR(out[0].left[n], out[1].left[n], 1e-6f) << n;
        ASSERT_NEAR(out[0].right[n], out[1].right[n], 1e-6f) << n;
    }
    EXPECT_EQ(out[1].left[17], 0.0f);
}

TEST(StereoDownmix, StrategySwitchesDoNotClick) {
    constexpr int kBlock = 512;
    const size_t frames = 200 * kBlock;
    const size_t switchAt = 100 * kBlock;
    Channels channels;
    for (int k = 0; k < N; ++k) {
        channels[k] = cosine(frames, 110.0 * (k + 1), 0.25f);
    }
    for (DownmixStrategy from : kStrategies) {
        for (DownmixStrategy to : kStrategies) {
            if (from == to) continue;
            StereoDownmix downmix;
            downmix.prepare(kBlock);
            downmix.setParameters(withStrategy(from));
            downmix.reset();
            Channels first;
            Channels second;
            for (int k = 0; k < N; ++k) {
                first[k].assign(channels[k].begin(), channels[k].begin() + switchAt);
                second[k].assign(channels[k].begin() + switchAt, channels[k].end());
            }
            Stereo out = mix(downmix, first, kBlock);
            downmix.setParameters(withStrategy(to));
            const Stereo rest = mix(downmix, second, kBlock);
            out.left.insert(out.left.end(), rest.left.begin(), rest.left.end());
            out.right.insert(out.right.end(), rest.right.begin(), rest.right.end());
            for (const std::vector<float>* side : {&out.left, &out.right}) {
                const float before = maxStep(*side, 0, switchAt);
                const float after = maxStep(*side, switchAt + kBlock, frames);
                const float transition = maxStep(*side, switchAt - kBlock, switchAt + 2 * kBlock);
                EXPECT_LE(transition, 1.05f * std::max(before, after))
                    << toString(from) << " -> " << toString(to);
            }
        }
    }
}

TEST(DownmixParameters, ValidationNamesBadCustomWeights) {
    DownmixParameters parameters;
    parameters.weightsL[2] = 3.0f;  // ignored while customWeights is false
    EXPECT_TRUE(DownmixParameters::validate(parameters).empty());
    parameters.customWeights = true;
    parameters.weightsR[7] = std::numeric_limits<float>::quiet_NaN();
    const auto errors = DownmixParameters::validate(parameters);
    ASSERT_EQ(errors.size(), 2u);
    EXPECT_EQ(errors[0].field, "weights_l[2]");
    EXPECT_EQ(errors[0].min, 0.0);
    EXPECT_EQ(errors[0].max, 1.0);
    EXPECT_EQ(errors[1].field, "weights_r[7]");
}

}  // namespace
}  // namespace soundlab::dsp::test
