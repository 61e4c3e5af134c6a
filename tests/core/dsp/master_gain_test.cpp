// The master output stage: ramps that never click, a panic that is silent after the ramp, the
// dB gain exact at steady state; and the block level the meters are made of.

#include "dsp/MasterGain.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using namespace soundlab::dsp;

namespace {

constexpr double kRate = 48000.0;
constexpr int kRamp = 960;  // 20 ms at 48 kHz

// Runs `frames` of DC 1.0 through the gain: the output is the gain itself, sample by sample.
std::vector<float> gainTrace(MasterGain& gain, int frames, int block = 64) {
    std::vector<float> left(size_t(frames), 1.0f), right(size_t(frames), 1.0f);
    for (int offset = 0; offset < frames; offset += block)
        gain.process(left.data() + offset, right.data() + offset, std::min(block, frames - offset));
    for (int i = 0; i < frames; ++i) EXPECT_EQ(left[size_t(i)], right[size_t(i)]);
    return left;
}

float largestStep(const std::vector<float>& trace, float before) {
    float largest = 0.0f;
    for (float g : trace) {
        largest = std::max(largest, std::abs(g - before));
        before = g;
    }
    return largest;
}

}  // namespace

TEST(MasterGain, PanicRampsToExactSilenceWithinTheRampAndNeverJumps) {
    MasterGain gain;
    gain.prepare(kRate, 1.0f);
    ASSERT_EQ(gain.rampSamples(), kRamp);
    gain.setTarget(MasterGainSettings{0.0, true}.targetGain());
    const std::vector<float> trace = gainTrace(gain, 2 * kRamp);
    // Each sample at most 1/960 below the previous one: a straight line, no click.
    EXPECT_LE(largestStep(trace, 1.0f), 1.0f / kRamp + 1e-6f);
    EXPECT_GT(trace[kRamp - 2], 0.0f);
    for (int i = kRamp - 1; i < 2 * kRamp; ++i) ASSERT_EQ(trace[size_t(i)], 0.0f) << i;
}

TEST(MasterGain, UnmuteAndGainChangesRampToo) {
    MasterGain gain;
    gain.prepare(kRate, 0.0f);  // opened muted: silent from the first sample
    EXPECT_EQ(gainTrace(gain, 64)[0], 0.0f);
    const float target = MasterGainSettings{12.0, false}.targetGain();
    gain.setTarget(target);
    std::vector<float> trace = gainTrace(gain, 2 * kRamp);
    EXPECT_LE(largestStep(trace, 0.0f), target / kRamp + 1e-5f);
    EXPECT_EQ(trace.back(), target);
    // A new target in the middle of a ramp starts from where the gain is: still no jump.
    gain.setTarget(1.0f);
    trace = gainTrace(gain, kRamp / 2);
    const float middle = trace.back();
    gain.setTarget(0.25f);
    const std::vector<float> turn = gainTrace(gain, 2 * kRamp);
    EXPECT_LE(largestStep(turn, middle), std::abs(middle - 0.25f) / kRamp + 1e-6f);
    EXPECT_EQ(turn.back(), 0.25f);
}

TEST(MasterGain, TheGainInDecibelsAppliesExactlyAtSteadyState) {
    for (double db : {-60.0, -20.0, -6.0, 0.0, 3.5, 12.0}) {
        const float expected = float(std::pow(10.0, db / 20.0));
        EXPECT_FLOAT_EQ((MasterGainSettings{db, false}.targetGain()), expected);
        MasterGain gain;
        gain.prepare(kRate, 1.0f);
        gain.setTarget(expected);
        gainTrace(gain, kRamp);
        std::vector<float> left{0.5f, -0.25f, 1.0f}, right{0.1f, 0.0f, -1.0f};
        gain.process(left.data(), right.data(), 3);
        EXPECT_EQ(left[0], 0.5f * expected) << db;
        EXPECT_EQ(left[1], -0.25f * expected) << db;
        EXPECT_EQ(right[2], -1.0f * expected) << db;
    }
}

TEST(MasterGainSettings, RefusesAGainOutsideItsRangeNamingTheField) {
    EXPECT_TRUE(MasterGainSettings::validate({-60.0, false}).empty());
    EXPECT_TRUE(MasterGainSettings::validate({12.0, true}).empty());
    for (double bad : {-60.5, 12.1, std::nan(""), double(INFINITY)}) {
        const auto errors = MasterGainSettings::validate({bad, false});
        ASSERT_EQ(errors.size(), 1u) << bad;
        EXPECT_EQ(errors[0].field, "gain_db");
        EXPECT_EQ(errors[0].min, -60.0);
        EXPECT_EQ(errors[0].max, 12.0);
        EXPECT_NE(errors[0].message.find("[-60, 12] dB"), std::string::npos) << errors[0].message;
    }
}

TEST(BlockLevel, IsThePeakAndTheSumOfSquares) {
    const std::vector<float> x{0.25f, -0.5f, 0.0f, 0.125f};
    const BlockLevel level = measureLevel(x.data(), int(x.size()));
    EXPECT_EQ(level.peak, 0.5f);
    EXPECT_FLOAT_EQ(level.sumSquares, 0.0625f + 0.25f + 0.015625f);
    EXPECT_EQ(measureLevel(nullptr, 4).peak, 0.0f);  // no input: silence
}
