#include "dsp/EngineParameters.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace soundlab::dsp {
namespace {

TEST(EngineParameters, DefaultsFollowTheSpecAndAreValid) {
    const EngineParameters defaults;
    const float expected[] = {0.5f, 0.809f, 1.309f, 2.118f, 3.427f, 5.545f, 8.972f, 14.517f};
    for (int k = 0; k < kFieldChannels; ++k) {
        EXPECT_NEAR(defaults.frequencies[k], expected[k], 1e-3f) << k;
        EXPECT_FLOAT_EQ(defaults.frequencies[k], static_cast<float>(0.5 * std::pow(kPhi, k)));
        EXPECT_TRUE(defaults.enabled[k]);
    }
    EXPECT_TRUE(EngineParameters::validate(defaults).empty());
    EXPECT_NEAR(PhiInput{}.depth, 0.618f, 1e-3f);
}

TEST(EngineParameters, ValidationNamesEachBadFieldWithItsRange) {
    EngineParameters parameters;
    parameters.frequencies[3] = 25.0f;
    parameters.amplitudes[0] = std::numeric_limits<float>::quiet_NaN();
    parameters.couplingStrength = 2.5f;
    parameters.gain = -0.1f;
    const auto errors = EngineParameters::validate(parameters);
    ASSERT_EQ(errors.size(), 4u);
    EXPECT_EQ(errors[0].field, "frequencies[3]");
    EXPECT_EQ(errors[0].min, 0.01);
    EXPECT_EQ(errors[0].max, 20.0);
    EXPECT_EQ(errors[0].message, "frequencies[3] must be within [0.01, 20] Hz (got 25)");
    EXPECT_EQ(errors[1].field, "amplitudes[0]");
    EXPECT_EQ(errors[1].max, 1.0);
    EXPECT_EQ(errors[2].field, "coupling_strength");
    EXPECT_EQ(errors[2].max, 2.0);
    EXPECT_EQ(errors[3].field, "gain");
}

TEST(EngineParameters, RangeEndsAreValid) {
    EngineParameters parameters;
    parameters.frequencies.fill(0.01f);
    parameters.frequencies[7] = 20.0f;
    parameters.amplitudes.fill(0.0f);
    parameters.amplitudes[1] = 1.0f;
    parameters.couplingStrength = 2.0f;
    parameters.gain = 0.0f;
    EXPECT_TRUE(EngineParameters::validate(parameters).empty());
    parameters.frequencies[7] = std::numeric_limits<float>::infinity();
    EXPECT_EQ(EngineParameters::validate(parameters).size(), 1u);
}

}  // namespace
}  // namespace soundlab::dsp
