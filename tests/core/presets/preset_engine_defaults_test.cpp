#include "dsp/DownmixParameters.h"
#include "dsp/EngineParameters.h"
#include "preset_fixtures.h"
#include "presets/Preset.h"

#include <gtest/gtest.h>

namespace soundlab::presets {
namespace {

// A preset's defaults are the engine's: applying a preset that only has a name must leave the
// engine where it starts. The engine holds floats, hence the float comparison.
TEST(PresetEngineDefaultsTest, PresetDefaultsAreTheEngineDefaults) {
    const Preset preset;
    const dsp::EngineParameters engine;
    ASSERT_EQ(kPresetChannelCount, static_cast<int>(dsp::kFieldChannels));
    for (int k = 0; k < kPresetChannelCount; ++k) {
        EXPECT_EQ(static_cast<float>(preset.engine.frequencies[k]), engine.frequencies[k]) << k;
        EXPECT_EQ(static_cast<float>(preset.engine.amplitudes[k]), engine.amplitudes[k]) << k;
    }
    EXPECT_EQ(static_cast<float>(preset.engine.couplingStrength), engine.couplingStrength);
    EXPECT_EQ(static_cast<float>(preset.phi.depth), dsp::PhiInput{}.depth);
    EXPECT_EQ(static_cast<float>(preset.phi.phase), dsp::PhiInput{}.phase);
    EXPECT_EQ(toString(preset.downmix.strategy).toStdString(),
              dsp::toString(dsp::DownmixParameters{}.strategy));
}

TEST(PresetEngineDefaultsTest, DownmixStrategiesAreSpelledAlike) {
    for (DownmixStrategy strategy : {DownmixStrategy::Spatial, DownmixStrategy::Energy,
                                     DownmixStrategy::Linear, DownmixStrategy::Phi}) {
        const std::string name = toString(strategy).toStdString();
        EXPECT_TRUE(dsp::downmixStrategyFromString(name).has_value()) << name;
    }
}

}  // namespace
}  // namespace soundlab::presets
