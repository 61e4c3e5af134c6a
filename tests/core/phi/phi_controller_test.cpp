// PhiController: the 100 ms raised-cosine crossfade, shortest-arc phase, running outgoing
// source, switches mid-fade, settings through the triple buffer.

#include "phi/PhiController.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using namespace soundlab::phi;

namespace {

constexpr double kRate = 48000.0;

struct Rig {
    explicit Rig(int block) : block(block), input(size_t(block), 0.0f) {
        controller.setSettings(settings);
        controller.prepare(kRate);
    }
    soundlab::dsp::PhiInput run() { return controller.process(input.data(), block); }
    void apply() { controller.setSettings(settings); }

    int block;
    std::vector<float> input;
    Settings settings;
    PhiController controller;
};

}  // namespace

TEST(PhiController, ManualIsTheDefaultAndReportsItsValues) {
    Rig rig(256);
    rig.settings.manualDepth = 1.2;
    rig.settings.manualPhase = 2.0;
    rig.apply();
    const auto out = rig.run();
    EXPECT_FLOAT_EQ(out.depth, 1.2f);
    EXPECT_FLOAT_EQ(out.phase, 2.0f);
    const State s = rig.controller.state();
    EXPECT_EQ(s.mode, Mode::Manual);
    EXPECT_FALSE(s.fading);
    EXPECT_EQ(s.blocks, 1u);
}

TEST(PhiController, CrossfadeFromSixPointTwoToPointOneTakesTheShortArcAndLasts100Ms) {
    for (int block : {64, 256, 512, 1000, 2048}) {
        Rig rig(block);
        rig.settings.manualDepth = 0.2;
        rig.settings.manualPhase = 6.2;
        rig.apply();
        rig.run();
        // The sensor source at phase 0.1 rad: no heart-rate motion is possible below 40 bpm, so
        // hold it at 0.1 + a slow drift the test allows for.
        SensorValues v;
        v.present = true;
        v.heartRateBpm = 40.0;
        v.gsr = 1.0;
        v.accelX = 0.1 / kPi;
        rig.controller.setSensor(v);
        rig.settings.mode = Mode::Sensor;
        rig.apply();
        int fadingBlocks = 0;
        double previousDepth = 0.2;
        for (int i = 0; i < 200; ++i) {
            const auto out = rig.run();
            const State s = rig.controller.state();
            // Never through π: stays near 6.2…2π or 0…0.1 + drift (40 bpm ≈ 0.42 rad / 100 ms).
            EXPECT_TRUE(out.phase >= 6.19f || out.phase <= 0.1f + 0.6f)
                << "block " << block << " phase " << out.phase;
            EXPECT_GE(out.depth + 1e-6, previousDepth) << "depth moves monotonically to Φ";
            previousDepth = out.depth;
            if (!s.fading) break;
            EXPECT_EQ(s.fadeFrom, Mode::Manual);
            EXPECT_EQ(s.fadeTo, Mode::Sensor);
            ++fadingBlocks;
        }
        // The fade's end is the first block that reports it done: duration in blocks incl. it.
        const double seconds = double(fadingBlocks + 1) * block / kRate;
        EXPECT_NEAR(seconds, 0.1, double(block) / kRate) << "block " << block;
        EXPECT_NEAR(rig.controller.state().depth, soundlab::dsp::kPhi, 1e-9);
    }
}

TEST(PhiController, DepthFollowsTheRaisedCosine) {
    Rig rig(480);  // 10 blocks per fade
    rig.settings.manualDepth = 0.0;
    rig.apply();
    rig.run();
    SensorValues v;
    v.present = true;
    v.gsr = 1.0;
    v.heartRateBpm = 60.0;
    rig.controller.setSensor(v);
    rig.settings.mode = Mode::Sensor;
    rig.apply();
    for (int i = 1; i < 10; ++i) {
        const auto out = rig.run();
        const double w = 0.5 - 0.5 * std::cos(kPi * i / 10.0);
        EXPECT_NEAR(out.depth, w * soundlab::dsp::kPhi, 1e-6) << i;
        EXPECT_NEAR(rig.controller.state().fadeProgress, i / 10.0, 1e-9);
    }
}

TEST(PhiController, TheOutgoingSourceKeepsRunningDuringTheFade) {
    Rig rig(480);
    rig.settings.mode = Mode::Internal;
    rig.settings.internalHz = 5.0;
    rig.apply();
    for (int i = 0; i < 30; ++i) rig.run();  // well past the start-up
    rig.settings.mode = Mode::Manual;
    rig.settings.manualDepth = 0.0;
    rig.settings.manualPhase = 0.0;
    rig.apply();
    double previousInternal = rig.controller.sourceOutput(Mode::Internal).phase;
    for (int i = 1; i < 10; ++i) {
        const auto out = rig.run();
        const Output internal = rig.controller.sourceOutput(Mode::Internal);
        // 5 Hz over 10 ms: a tenth of a turn per block, every block of the fade.
        EXPECT_NEAR(shortestArc(previousInternal, internal.phase), kTwoPi * 5.0 * 0.01, 1e-9);
        previousInternal = internal.phase;
        // And it is what is blended: the output follows its live value, not a frozen one.
        const double w = 0.5 - 0.5 * std::cos(kPi * i / 10.0);
        EXPECT_NEAR(out.depth, (1.0 - w) * internal.depth, 1e-5) << i;
        EXPECT_NEAR(
            std::fabs(shortestArc(out.phase, wrapPhase((1.0 - w) * internal.phase +
                                                       (internal.phase > kPi ? w * kTwoPi : 0.0)))),
            0.0, 1e-4)
            << i;
    }
}

TEST(PhiController, ASwitchMidFadeStartsFromWhereTheFadeIs) {
    Rig rig(480);
    rig.settings.manualDepth = 0.0;
    rig.settings.manualPhase = 1.0;
    rig.apply();
    rig.run();
    SensorValues v;
    v.present = true;
    v.gsr = 1.0;
    v.heartRateBpm = 40.0;
    rig.controller.setSensor(v);
    rig.settings.mode = Mode::Sensor;
    rig.apply();
    soundlab::dsp::PhiInput mid{};
    for (int i = 0; i < 5; ++i) mid = rig.run();  // half-way: depth ≈ Φ/2
    ASSERT_NEAR(mid.depth, soundlab::dsp::kPhi / 2, 0.01);
    rig.settings.mode = Mode::Midi;  // depth 0, phase 0
    rig.apply();
    const auto next = rig.run();
    // One block into the new fade: a hair from where it was, not a jump back to a source.
    EXPECT_NEAR(next.depth, mid.depth, 0.05);
    EXPECT_LT(std::fabs(shortestArc(mid.phase, next.phase)), 0.1);
    State s = rig.controller.state();
    EXPECT_TRUE(s.fading);
    EXPECT_EQ(s.fadeFrom, Mode::Sensor);
    EXPECT_EQ(s.fadeTo, Mode::Midi);
    EXPECT_NEAR(s.fadeProgress, 0.1, 1e-9) << "a new 100 ms from the switch";
    for (int i = 0; i < 9; ++i) rig.run();
    s = rig.controller.state();
    EXPECT_FALSE(s.fading);
    EXPECT_NEAR(s.depth, 0.0, 1e-12);
    EXPECT_NEAR(s.phase, 0.0, 1e-12);
}

TEST(PhiController, ValidateNamesTheFieldAndItsRange) {
    Settings s;
    EXPECT_TRUE(validate(s).empty());
    s.manualDepth = 2.0;
    s.attackMs = 5.0;
    s.internalHz = NAN;
    const auto errors = validate(s);
    ASSERT_EQ(errors.size(), 3u);
    EXPECT_EQ(errors[0].field, "manual.depth");
    EXPECT_NEAR(errors[0].max, soundlab::dsp::kPhi, 1e-12);
    EXPECT_EQ(errors[1].field, "audio.attack_ms");
    EXPECT_EQ(errors[1].min, 10.0);
    EXPECT_EQ(errors[2].field, "internal.frequency_hz");
    EXPECT_EQ(modeFromString("sensor"), Mode::Sensor);
    EXPECT_FALSE(modeFromString("osc"));
    EXPECT_EQ(toString(Mode::Internal), "internal");
}
