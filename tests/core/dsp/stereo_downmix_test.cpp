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

double power(const std::vector<float>& x, size_t begin);

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

// SPEC §3: the two lowest bands in the centre, the higher ones alternately left and right in
// pairs, each pair wider.
constexpr double kPan[N] = {0.5, 0.5, 0.3, 0.7, 0.2, 0.8, 0.1, 0.9};

TEST(DownmixWeights, SpatialIsAnEqualPowerPanNormalisedToZeroDbfs) {
    const StereoWeights w = strategyWeights(DownmixStrategy::Spatial);
    double sumCos = 0.0;
    for (int k = 0; k < N; ++k) sumCos += std::cos(kPan[k] * kHalfPi);
    double sumLeft = 0.0;
    double sumRight = 0.0;
    for (int k = 0; k < N; ++k) {
        EXPECT_NEAR(w.left[k], std::cos(kPan[k] * kHalfPi) / sumCos, 1e-7) << k;
        EXPECT_NEAR(w.right[k], std::sin(kPan[k] * kHalfPi) / sumCos, 1e-7) << k;
        // Equal power: the same total at every pan position.
        EXPECT_NEAR(w.left[k] * w.left[k] + w.right[k] * w.right[k], 1.0 / (sumCos * sumCos), 1e-7);
        sumLeft += w.left[k];
        sumRight += w.right[k];
    }
    EXPECT_EQ(w.left[0], w.right[0]);  // bass in the centre
    EXPECT_EQ(w.left[1], w.right[1]);
    for (int k = 2; k < N; ++k) EXPECT_EQ(w.right[k] > w.left[k], k % 2 == 1) << k;
    EXPECT_NEAR(sumLeft, 1.0, 1e-6);  // all channels at full scale, in phase: 0 dBFS
    EXPECT_NEAR(sumRight, 1.0, 1e-6);
}

TEST(DownmixWeights, BandSplitWeightsKeepEachBandsPower) {
    const StereoWeights spatial = strategyWeights(DownmixStrategy::Spatial, true);
    for (int k = 0; k < N; ++k) {
        // √2·(cos, sin) and +1.2 dB of make-up for the crossover overlaps: a centred band is
        // 1.2 dB above unity on each side; every band keeps its power (the mean of both
        // sides'), raised by the same 1.2 dB.
        const double makeUp = 1.1482;
        EXPECT_NEAR(std::sqrt(2.0) * makeUp * std::cos(kPan[k] * kHalfPi), spatial.left[k], 1e-6)
            << k;
        EXPECT_NEAR(0.5 * (spatial.left[k] * spatial.left[k] + spatial.right[k] * spatial.right[k]),
                    makeUp * makeUp, 1e-6);
    }
    EXPECT_NEAR(spatial.left[0], 1.1482f, 1e-6f);
    const StereoWeights linear = strategyWeights(DownmixStrategy::Linear, true);
    for (int k = 0; k < N; ++k) EXPECT_EQ(linear.left[k], 1.0f);  // the bands sum to the input
    EXPECT_EQ(strategyWeights(DownmixStrategy::Phi, true), strategyWeights(DownmixStrategy::Phi));
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
    downmix.prepare(kSampleRate, 512);
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
        downmix.prepare(kSampleRate, 512);
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
            downmix.prepare(kSampleRate, 64);
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
    downmix.prepare(kSampleRate, 64);
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
            downmix.prepare(kSampleRate, 256);
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

// SPEC §3: a strategy change crossfades over 10 ms, per sample, whatever the block size; it
// starts with the first block after the change and ends 10 ms later (441 / 480 / 960 samples).
TEST(StereoDownmix, StrategySwitchCrossfadesOverTenMillisecondsAtEveryBlockSize) {
    for (SimdImplementation implementation : availableImplementations())
        for (double rate : {44100.0, 48000.0, 96000.0})
            for (int block : {64, 512, 2048}) {
                SCOPED_TRACE(implementationName(implementation) + " " + std::to_string(rate) +
                             " Hz, block " + std::to_string(block));
                StereoDownmix downmix;
                ASSERT_TRUE(downmix.setImplementation(implementation));
                downmix.prepare(rate, block);
                const int fade = static_cast<int>(std::floor(0.010 * rate));
                ASSERT_EQ(downmix.crossfadeSamples(), fade);
                // Constant channels: the output is the weights themselves, so the fade is visible.
                const size_t frames = size_t(block) * 4 + size_t(fade) + size_t(block) * 2;
                Channels channels;
                for (int k = 0; k < N; ++k) channels[k].assign(frames, 0.05f * float(k + 1));
                Channels head;
                Channels tail;
                const size_t changeAt = size_t(block) * 4;
                for (int k = 0; k < N; ++k) {
                    head[k].assign(channels[k].begin(), channels[k].begin() + changeAt);
                    tail[k].assign(channels[k].begin() + changeAt, channels[k].end());
                }
                const Stereo before = mix(downmix, head, block);
                downmix.setParameters(withStrategy(DownmixStrategy::Phi));
                const Stereo after = mix(downmix, tail, block);
                const float from = before.left.back();
                float to = 0.0f;  // phi's left weights on the constant channels
                const StereoWeights phi = strategyWeights(DownmixStrategy::Phi);
                for (int k = 0; k < N; ++k) to += phi.left[k] * 0.05f * float(k + 1);
                ASSERT_GT(std::fabs(to - from), 0.05f);
                for (int n = 0; n < fade; ++n) {
                    ASSERT_NEAR(after.left[n], from + (to - from) * float(n + 1) / float(fade),
                                2e-6f)
                        << n;
                }
                // Complete at the fade's last sample: 10 ms after the block boundary.
                EXPECT_NE(after.left[size_t(fade) - 2], to);
                for (size_t n = size_t(fade) - 1; n < after.left.size(); ++n) {
                    ASSERT_NEAR(after.left[n], to, 1e-6f) << n;
                }
                EXPECT_EQ(downmix.crossfadeRemaining(), 0);
            }
}

// A change during a crossfade starts the next one from where the output is: no jump.
TEST(StereoDownmix, ChangeDuringACrossfadeStartsFromWhereTheFadeIs) {
    for (SimdImplementation implementation : availableImplementations()) {
        SCOPED_TRACE(implementationName(implementation));
        StereoDownmix downmix;
        ASSERT_TRUE(downmix.setImplementation(implementation));
        downmix.prepare(kSampleRate, 64);
        Channels channels;
        for (int k = 0; k < N; ++k) channels[k].assign(64, 0.05f * float(k + 1));
        Stereo out;
        const auto run = [&](int blocks) {
            for (int b = 0; b < blocks; ++b) {
                const Stereo block = mix(downmix, channels, 64);
                out.left.insert(out.left.end(), block.left.begin(), block.left.end());
                out.right.insert(out.right.end(), block.right.begin(), block.right.end());
            }
        };
        run(2);
        downmix.setParameters(withStrategy(DownmixStrategy::Linear));
        run(3);  // 192 of 480 samples into the fade
        EXPECT_GT(downmix.crossfadeRemaining(), 0);
        downmix.setParameters(withStrategy(DownmixStrategy::Phi));
        run(12);
        // A straight-line fade moves at most |Δw·y|/480 per sample; a jump would be far larger.
        for (const std::vector<float>* side : {&out.left, &out.right}) {
            float largest = 0.0f;
            float smallest = 1.0f;
            for (float v : *side) {
                largest = std::max(largest, v);
                smallest = std::min(smallest, v);
            }
            EXPECT_LE(maxStep(*side, 0, side->size()), 2.0f * (largest - smallest) / 480.0f);
        }
        EXPECT_EQ(downmix.crossfadeRemaining(), 0);
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
    for (int block : {64, 512, 2048}) {
        SCOPED_TRACE("block " + std::to_string(block));
        const size_t fade = size_t(0.010 * kSampleRate);
        const size_t frames = 100 * 512 + 100 * size_t(block);
        const size_t switchAt = 100 * 512;  // a multiple of every block size
        Channels channels;
        for (int k = 0; k < N; ++k) {
            channels[k] = cosine(frames, 110.0 * (k + 1), 0.25f);
        }
        for (DownmixStrategy from : kStrategies) {
            for (DownmixStrategy to : kStrategies) {
                if (from == to) continue;
                StereoDownmix downmix;
                downmix.prepare(kSampleRate, block);
                downmix.setParameters(withStrategy(from));
                downmix.reset();
                Channels first;
                Channels second;
                for (int k = 0; k < N; ++k) {
                    first[k].assign(channels[k].begin(), channels[k].begin() + switchAt);
                    second[k].assign(channels[k].begin() + switchAt, channels[k].end());
                }
                Stereo out = mix(downmix, first, block);
                downmix.setParameters(withStrategy(to));
                const Stereo rest = mix(downmix, second, block);
                out.left.insert(out.left.end(), rest.left.begin(), rest.left.end());
                out.right.insert(out.right.end(), rest.right.begin(), rest.right.end());
                for (const std::vector<float>* side : {&out.left, &out.right}) {
                    // Steady state: a second before the switch and after the fade (the energy
                    // gain needs a few 50 ms time constants to settle after a switch to it).
                    const float before = maxStep(*side, switchAt - 48000, switchAt);
                    const float after = maxStep(*side, switchAt + fade, frames);
                    const float transition = maxStep(*side, switchAt - 1, switchAt + fade + 1);
                    EXPECT_LE(transition, 1.05f * std::max(before, after))
                        << toString(from) << " -> " << toString(to);
                }
            }
        }
    }
}

// ---- energy: power-following gain (SPEC §3) ----------------------------------------------------

double meanChannelPower(const Channels& channels, size_t begin) {
    double sum = 0.0;
    for (const auto& channel : channels) {
        for (size_t n = begin; n < channel.size(); ++n) sum += double(channel[n]) * channel[n];
    }
    return sum / (N * double(channels[0].size() - begin));
}

double power(const std::vector<float>& x, size_t begin) {
    double sum = 0.0;
    for (size_t n = begin; n < x.size(); ++n) sum += double(x[n]) * x[n];
    return sum / double(x.size() - begin);
}

TEST(StereoDownmix, EnergyKeepsTheMeanChannelPowerOfCorrelatedChannels) {
    for (SimdImplementation implementation : availableImplementations())
        for (int block : {64, 512, 2048}) {
            StereoDownmix downmix;
            ASSERT_TRUE(downmix.setImplementation(implementation));
            downmix.prepare(kSampleRate, block);
            downmix.setParameters(withStrategy(DownmixStrategy::Energy));
            downmix.reset();
            // The same noise on every channel, at slightly different levels.
            const std::vector<float> noise = whiteNoise(seconds(2.0), 0.3f, 7);
            Channels channels;
            for (int k = 0; k < N; ++k) {
                channels[k] = noise;
                for (float& v : channels[k]) v *= 1.0f - 0.02f * float(k);
            }
            const Stereo out = mix(downmix, channels, block);
            const size_t settled = seconds(0.5);
            const double ratioDb =
                10.0 * std::log10(power(out.left, settled) / meanChannelPower(channels, settled));
            EXPECT_LE(std::fabs(ratioDb), 1.0) << block;
            EXPECT_NEAR(downmix.energyGain(), 1.0 / 8.0, 0.005) << block;
            EXPECT_EQ(out.left, out.right);
            RecordProperty("correlated_power_error_db", std::to_string(ratioDb));
        }
}

TEST(StereoDownmix, EnergyKeepsTheMeanChannelPowerOfIndependentChannels) {
    for (SimdImplementation implementation : availableImplementations()) {
        StereoDownmix downmix;
        ASSERT_TRUE(downmix.setImplementation(implementation));
        downmix.prepare(kSampleRate, 512);
        downmix.setParameters(withStrategy(DownmixStrategy::Energy));
        Channels channels;
        for (int k = 0; k < N; ++k) channels[k] = whiteNoise(seconds(2.0), 0.3f, 300 + k);
        const Stereo out = mix(downmix, channels, 512);
        const size_t settled = seconds(0.5);
        const double ratioDb =
            10.0 * std::log10(power(out.left, settled) / meanChannelPower(channels, settled));
        EXPECT_LE(std::fabs(ratioDb), 1.0);
        EXPECT_NEAR(downmix.energyGain(), 1.0 / std::sqrt(8.0), 0.02);
    }
}

TEST(StereoDownmix, EnergyHoldsItsGainThroughSilenceAndNeverProducesNaN) {
    StereoDownmix downmix;
    downmix.prepare(kSampleRate, 512);
    downmix.setParameters(withStrategy(DownmixStrategy::Energy));
    Channels silence;
    for (int k = 0; k < N; ++k) silence[k].assign(seconds(0.5), 0.0f);
    Stereo out = mix(downmix, silence, 512);
    for (float v : out.left) ASSERT_EQ(v, 0.0f);
    EXPECT_FLOAT_EQ(downmix.energyGain(), 1.0f / std::sqrt(8.0f));
    Channels same;
    const std::vector<float> noise = whiteNoise(seconds(1.0), 0.3f, 9);
    for (int k = 0; k < N; ++k) same[k] = noise;
    mix(downmix, same, 512);
    const float g = downmix.energyGain();
    EXPECT_NEAR(g, 0.125f, 0.005f);
    out = mix(downmix, silence, 512);  // 0.5 s of silence
    for (float v : out.left) ASSERT_EQ(v, 0.0f);
    out = mix(downmix, silence, 512);
    EXPECT_EQ(downmix.energyGain(), g);
    // Perfectly cancelling channels: Σy = 0 while every channel is busy.
    Channels cancelling;
    for (int k = 0; k < N; ++k) {
        cancelling[k] = noise;
        if (k % 2 == 1)
            for (float& v : cancelling[k]) v = -v;
    }
    out = mix(downmix, cancelling, 512);
    for (float v : out.left) ASSERT_TRUE(std::isfinite(v));
    EXPECT_TRUE(std::isfinite(downmix.energyGain()));
}

TEST(StereoDownmix, Avx2AndScalarAgreeOnTheEnergyGain) {
    if (!cpuSupportsAvx2Fma()) GTEST_SKIP() << "this CPU has no AVX2+FMA";
    StereoDownmix downmixes[2];
    ASSERT_TRUE(downmixes[0].setImplementation(SimdImplementation::Scalar));
    ASSERT_TRUE(downmixes[1].setImplementation(SimdImplementation::Avx2));
    Channels channels;
    const std::vector<float> common = whiteNoise(seconds(3.0), 0.4f, 11);
    for (int k = 0; k < N; ++k) {
        channels[k] = whiteNoise(seconds(3.0), 0.3f, 400 + k);
        // Correlation rising over time: g moves from 1/√8 towards 1/8.
        for (size_t n = 0; n < channels[k].size(); ++n) {
            const float c = float(n) / float(channels[k].size());
            channels[k][n] = (1.0f - c) * channels[k][n] + c * common[n];
        }
    }
    Stereo out[2];
    for (int i = 0; i < 2; ++i) {
        downmixes[i].prepare(kSampleRate, 333);
        downmixes[i].setParameters(withStrategy(DownmixStrategy::Energy));
        out[i] = mix(downmixes[i], channels, 333);
    }
    for (size_t n = 0; n < out[0].left.size(); ++n) {
        ASSERT_NEAR(out[0].left[n], out[1].left[n], 1e-5f) << n;
    }
}

// The app's default input (the virtual device's 440 Hz sine at −6 dBFS) through the engine at its
// defaults: the eight channels are nearly identical, so Σy/√8 would run ≈ 9 dB hot and the
// limiter would bend 65 % of the samples. Power-following g keeps it below the knee.
TEST(StereoDownmix, EnergyKeepsTheDefaultSineBelowTheLimiterKnee) {
    for (SimdImplementation implementation : availableImplementations())
        for (int block : {64, 512, 2048}) {
            ChromaticFieldEngine engine;
            ASSERT_TRUE(engine.setImplementation(implementation));
            engine.prepare(kSampleRate, block);
            StereoDownmix downmix;
            ASSERT_TRUE(downmix.setImplementation(implementation));
            downmix.prepare(kSampleRate, block);
            downmix.setParameters(withStrategy(DownmixStrategy::Energy));
            const std::vector<float> input = cosine(seconds(5.0), 440.0, 0.5f);
            const Channels channels = render(engine, input, block);
            const Stereo out = mix(downmix, channels, block);
            size_t limited = 0;
            for (float v : out.left) limited += std::fabs(v) > StereoDownmix::kLimiterKnee;
            const double share = double(limited) / double(out.left.size());
            EXPECT_LT(share, 0.01) << implementationName(implementation) << " block " << block;
            RecordProperty("limited_share_block_" + std::to_string(block), std::to_string(share));
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
