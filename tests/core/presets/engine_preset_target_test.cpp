// Presets on the live engine: the mapping Preset ⇄ engine parameters, EnginePresetTarget over a
// real AudioEngine, and the A/B toggle rendered offline through the engine's own processing chain
// (the test plays the audio thread), so what is measured is exactly what a listener would hear.

#include "dsp/DownmixParameters.h"
#include "engine/AudioEngine.h"
#include "engine/ProcessingChain.h"
#include "preset_fixtures.h"
#include "presets/AbComparator.h"
#include "presets/EnginePresetTarget.h"
#include "presets/PresetEngineMapping.h"
#include "presets/PresetInput.h"
#include "presets/PresetSchema.h"

#include <gtest/gtest.h>
#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

namespace soundlab::presets {
namespace {

using testing::jsonObject;

constexpr double kSampleRate = 48000.0;

Preset presetFrom(const char* json) {
    const PresetInput input = PresetInput::parse(jsonObject(json));
    if (!input.isValid()) qFatal("invalid test preset: %s", json);
    return input.preset();
}

// Two presets that differ in everything the engine has: oscillator frequencies (slow vs. fast),
// modulation amounts (almost none vs. full), coupling (none vs. locked), Φ depth and the downmix
// (the first four channels on the left only vs. the last four on the right only).
Preset calmPreset() {
    return presetFrom(R"({"name": "Calm",
        "engine": {"frequencies": [0.05, 0.06, 0.07, 0.08, 0.09, 0.1, 0.11, 0.12],
                   "amplitudes": [0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05],
                   "coupling_strength": 0},
        "phi": {"depth": 0.2},
        "downmix": {"strategy": "linear",
                    "weights_l": [0.25, 0.25, 0.25, 0.25, 0, 0, 0, 0],
                    "weights_r": [0, 0, 0, 0, 0, 0, 0, 0]}})");
}

Preset stormPreset() {
    return presetFrom(R"({"name": "Storm",
        "engine": {"frequencies": [20, 19, 18, 17, 16, 15, 14, 13],
                   "amplitudes": [1, 1, 1, 1, 1, 1, 1, 1],
                   "coupling_strength": 2},
        "phi": {"mode": "internal", "depth": 1.6, "frequency": 5},
        "downmix": {"strategy": "phi",
                    "weights_l": [0, 0, 0, 0, 0, 0, 0, 0],
                    "weights_r": [0, 0, 0, 0, 0.25, 0.25, 0.25, 0.25]}})");
}

// Stereo output, one vector per side.
struct Stereo {
    std::vector<float> left;
    std::vector<float> right;
    size_t size() const { return left.size(); }
};

// An AudioEngine that is never started: the test calls its chain's process() itself, so the
// A/B comparator, EnginePresetTarget, AudioEngine::setParameters and the chain's command queue
// all run exactly as in the app, only the clock is the test's.
class OfflineEngine {
public:
    explicit OfflineEngine(int blockFrames) : blockFrames_(blockFrames) {
        engine.chain().prepare(kSampleRate, blockFrames);
        input_.resize(size_t(blockFrames));
    }

    // Renders whole blocks covering `seconds` and appends them to `out`.
    void render(double seconds, Stereo& out) {
        const int blocks = int(std::ceil(seconds * kSampleRate / blockFrames_));
        for (int b = 0; b < blocks; ++b) renderBlock(out);
    }
    void renderBlock(Stereo& out) {
        // A musical input: two partials (A3 and a fifth above), −8 dBFS and −14 dBFS.
        for (float& x : input_) {
            const double t = double(inputFrame_++) / kSampleRate;
            x = float(0.4 * std::sin(2 * std::numbers::pi * 220.0 * t) +
                      0.2 * std::sin(2 * std::numbers::pi * 331.0 * t));
        }
        const size_t start = out.size();
        out.left.resize(start + size_t(blockFrames_));
        out.right.resize(start + size_t(blockFrames_));
        AudioBlock block;
        block.input = input_.data();
        block.left = out.left.data() + start;
        block.right = out.right.data() + start;
        block.frames = blockFrames_;
        engine.chain().process(block);
        dropTimings();
    }
    int blockFrames() const { return blockFrames_; }

    AudioEngine engine;
    EnginePresetTarget target{engine};
    AbComparator ab{&target};

private:
    void dropTimings() {
        BlockTiming timing;
        while (engine.chain().popTiming(&timing)) {
        }
    }

    int blockFrames_;
    std::vector<float> input_;
    uint64_t inputFrame_ = 0;
};

size_t frames(double seconds) {
    return size_t(std::llround(seconds * kSampleRate));
}

// The largest |x[n] − x[n−1]| over [begin, end) on either side.
float maxStep(const Stereo& s, size_t begin, size_t end) {
    float step = 0.0f;
    for (size_t n = std::max<size_t>(begin, 1); n < end; ++n) {
        step = std::max(step, std::fabs(s.left[n] - s.left[n - 1]));
        step = std::max(step, std::fabs(s.right[n] - s.right[n - 1]));
    }
    return step;
}

float peak(const std::vector<float>& x, size_t begin, size_t end) {
    float p = 0.0f;
    for (size_t n = begin; n < end; ++n) p = std::max(p, std::fabs(x[n]));
    return p;
}

// ---- mapping ----------------------------------------------------------------------------------

TEST(PresetEngineMappingTest, PresetSettingsBecomeEngineParametersKeepingEnablesAndGain) {
    dsp::EngineParameters current;
    current.enabled[3] = false;
    current.gain = 0.5f;
    const Preset storm = stormPreset();
    const dsp::EngineParameters p = engineParametersFor(storm.engine, current);
    for (int k = 0; k < dsp::kFieldChannels; ++k) {
        EXPECT_EQ(p.frequencies[k], float(storm.engine.frequencies[k])) << k;
        EXPECT_EQ(p.amplitudes[k], 1.0f) << k;
    }
    EXPECT_EQ(p.couplingStrength, 2.0f);
    EXPECT_FALSE(p.enabled[3]);
    EXPECT_EQ(p.gain, 0.5f);
    EXPECT_TRUE(dsp::EngineParameters::validate(p).empty());
}

TEST(PresetEngineMappingTest, BandSplitGoesBothWaysAndOldPresetsReadAsOn) {
    // A schema v1 document from before band split: no engine.band_split.
    const QJsonObject old = jsonObject(R"({"name": "Old", "engine": {"coupling_strength": 0.5}})");
    ASSERT_TRUE(PresetInput::parse(old).isValid());
    EXPECT_TRUE(Preset::fromJson(old).engine.bandSplit);
    dsp::EngineParameters current;
    current.bandSplit = false;
    EXPECT_TRUE(engineParametersFor(Preset::fromJson(old).engine, current).bandSplit);

    const QJsonObject off = jsonObject(R"({"name": "Off", "engine": {"band_split": false}})");
    ASSERT_TRUE(PresetInput::parse(off).isValid());
    const Preset preset = Preset::fromJson(off);
    EXPECT_FALSE(preset.engine.bandSplit);
    EXPECT_FALSE(engineParametersFor(preset.engine, dsp::EngineParameters{}).bandSplit);
    EXPECT_FALSE(preset.toJson().value("engine").toObject().value("band_split").toBool(true));
    EXPECT_FALSE(engineSettingsFrom(engineParametersFor(preset.engine, {}), 48000).bandSplit);
    // true is the default and is not written: older readers see the document they know.
    EXPECT_FALSE(Preset::fromJson(old).toJson().value("engine").toObject().contains("band_split"));

    const QJsonObject wrong = jsonObject(R"({"name": "Bad", "engine": {"band_split": "yes"}})");
    EXPECT_FALSE(PresetInput::parse(wrong).isValid());
}

TEST(PresetEngineMappingTest, AMissingWeightSideTakesTheStrategysWeights) {
    DownmixSettings settings;
    settings.strategy = DownmixStrategy::Phi;
    EXPECT_FALSE(downmixParametersFor(settings).customWeights);
    EXPECT_EQ(downmixParametersFor(settings).strategy, dsp::DownmixStrategy::Phi);

    settings.weightsLeft = ChannelValues{1, 0, 0, 0, 0, 0, 0, 0.5};
    const dsp::DownmixParameters leftOnly = downmixParametersFor(settings);
    EXPECT_TRUE(leftOnly.customWeights);
    EXPECT_EQ(leftOnly.weightsL[0], 1.0f);
    EXPECT_EQ(leftOnly.weightsL[7], 0.5f);
    EXPECT_EQ(leftOnly.weightsR, dsp::strategyWeights(dsp::DownmixStrategy::Phi).right);

    settings.weightsLeft.reset();
    settings.weightsRight = ChannelValues{0, 0, 0, 0, 0, 0, 0, 1};
    const dsp::DownmixParameters rightOnly = downmixParametersFor(settings);
    EXPECT_EQ(rightOnly.weightsL, dsp::strategyWeights(dsp::DownmixStrategy::Phi).left);
    EXPECT_EQ(rightOnly.weightsR[7], 1.0f);
    EXPECT_TRUE(dsp::DownmixParameters::validate(rightOnly).empty());
}

TEST(PresetEngineMappingTest, CapturedSettingsAreTheDecimalsThatWereSetAndValidAgain) {
    const Preset seed =
        Preset::fromJson(PresetSchema::instance().withDefaults(testing::seedReadmeExample()));
    dsp::EngineParameters engine = engineParametersFor(seed.engine, {});
    engine.frequencies[0] = 0.01f;  // the range's edge: 0.01f as a double is below 0.01
    const EngineSettings captured = engineSettingsFrom(engine, 44100);
    EXPECT_EQ(captured.sampleRate, 44100);
    EXPECT_EQ(captured.frequencies[0], 0.01);
    EXPECT_EQ(captured.frequencies[1], 0.81);
    EXPECT_EQ(captured.amplitudes[0], 0.6);
    EXPECT_EQ(captured.couplingStrength, 1.5);

    Preset live;
    live.name = "Live";
    live.engine = captured;
    live.downmix = downmixSettingsFrom(downmixParametersFor(calmPreset().downmix));
    EXPECT_EQ(live.downmix.weightsLeft, calmPreset().downmix.weightsLeft);
    EXPECT_EQ(live.downmix.weightsRight, calmPreset().downmix.weightsRight);
    const QList<ValidationError> errors = PresetSchema::instance().validate(live.toJson());
    EXPECT_TRUE(errors.isEmpty()) << errors.value(0).toString().toStdString();
}

TEST(PresetEngineMappingTest, StrategiesMapBothWays) {
    for (DownmixStrategy s : {DownmixStrategy::Spatial, DownmixStrategy::Energy,
                              DownmixStrategy::Linear, DownmixStrategy::Phi}) {
        EXPECT_EQ(fromDsp(toDsp(s)), s);
        EXPECT_EQ(QString::fromLatin1(dsp::toString(toDsp(s)).data()), toString(s));
    }
}

// ---- EnginePresetTarget -----------------------------------------------------------------------

TEST(EnginePresetTargetTest, ApplyMovesTheEngineAndCaptureReadsItBackWithThePhiSettings) {
    AudioEngine engine;
    EnginePresetTarget target(engine);
    EXPECT_EQ(target.captureLiveState().phi, PhiSettings{});  // nothing applied yet
    EXPECT_FALSE(target.loadedPreset());

    Preset storm = stormPreset();
    storm.id = "storm-1";
    target.applyPreset(storm);
    EXPECT_EQ(engine.engineParameters().couplingStrength, 2.0f);
    EXPECT_EQ(engine.engineParameters().frequencies[0], 20.0f);
    EXPECT_EQ(engine.downmixParameters().strategy, dsp::DownmixStrategy::Phi);
    ASSERT_TRUE(target.loadedPreset());
    EXPECT_EQ(target.loadedPreset()->id, "storm-1");
    EXPECT_EQ(target.loadedPreset()->name, "Storm");

    const Preset live = target.captureLiveState();
    EXPECT_EQ(live.name, "Live");
    EXPECT_EQ(live.engine, storm.engine);  // these decimals survive the float round trip
    EXPECT_EQ(live.downmix, storm.downmix);
    EXPECT_EQ(live.phi, storm.phi);  // no live Φ controller yet: the applied preset's
    EXPECT_EQ(live.engine.sampleRate, engine.config().sampleRate);
}

TEST(EnginePresetTargetTest, APresetIsNoLongerLoadedOnceTheEngineIsChangedOtherwise) {
    AudioEngine engine;
    EnginePresetTarget target(engine);
    target.applyPreset(calmPreset());
    ASSERT_TRUE(target.loadedPreset());

    dsp::EngineParameters gainOnly = engine.engineParameters();
    gainOnly.gain = 0.5f;  // not a preset setting: the preset is still what plays
    ASSERT_TRUE(engine.setEngineParameters(gainOnly).empty());
    EXPECT_TRUE(target.loadedPreset());

    dsp::EngineParameters coupling = engine.engineParameters();
    coupling.couplingStrength = 1.25f;
    ASSERT_TRUE(engine.setEngineParameters(coupling).empty());
    EXPECT_FALSE(target.loadedPreset());

    target.applyPreset(calmPreset());
    EXPECT_TRUE(target.loadedPreset());
    EXPECT_EQ(engine.engineParameters().gain, 0.5f);  // kept across the apply
}

// ---- the toggle, heard ------------------------------------------------------------------------

// The parameters change for one block plus 10 ms after a toggle reaches the audio thread: the
// downmix crossfades over the next block, every engine parameter ramps over 10 ms, both from the
// block's start. Before and after, the parameters are constant: that is "steady state" below.
// (The field's oscillators keep running through all of it; after a toggle they drift from A's
// phases into B's rhythm, which is B's own behaviour under B's parameters, not the switch.)
size_t switchFrames(int blockFrames) {
    return size_t(blockFrames) + frames(0.010);
}

// A → B through the real path. No sample-to-sample step while the parameters move may exceed the
// larger steady-state maximum step of A and B: a click is exactly such a step.
TEST(AbToggleAudioTest, ToggleBetweenVeryDifferentPresetsHasNoStepLargerThanSteadyState) {
    OfflineEngine offline(512);
    ASSERT_EQ(offline.ab.store(AbSlot::A, calmPreset(), "test").outcome, PresetOutcome::Ok);
    ASSERT_EQ(offline.ab.store(AbSlot::B, stormPreset(), "test").outcome, PresetOutcome::Ok);
    ASSERT_EQ(offline.ab.toggle("test").active, AbSlot::A);

    Stereo out;
    offline.render(1.0, out);  // settle on A
    const size_t steadyABegin = out.size();
    offline.render(1.0, out);
    const size_t toggleAt = out.size();
    const float maxStepA = maxStep(out, steadyABegin, toggleAt);

    ASSERT_EQ(offline.ab.toggle("test").active, AbSlot::B);
    offline.render(1.5, out);
    const size_t steadyBBegin = toggleAt + switchFrames(offline.blockFrames());
    const float maxStepB = maxStep(out, steadyBBegin, out.size());
    const float transitionStep = maxStep(out, toggleAt - 1, steadyBBegin);

    const float bound = std::max(maxStepA, maxStepB);
    RecordProperty("max_step_A", std::to_string(maxStepA));
    RecordProperty("max_step_B", std::to_string(maxStepB));
    RecordProperty("max_step_toggle", std::to_string(transitionStep));
    EXPECT_LE(transitionStep, bound) << "A " << maxStepA << ", B " << maxStepB;
    EXPECT_GT(maxStepA, 0.0f);
    EXPECT_GT(maxStepB, 0.0f);

    // The measure does catch clicks: cutting from A's steady output to B's at A's loudest
    // moment (what a switch without smoothing would do) jumps by more than the bound.
    size_t loudest = toggleAt - frames(0.01);
    for (size_t n = loudest; n < toggleAt; ++n)
        if (std::fabs(out.left[n]) > std::fabs(out.left[loudest])) loudest = n;
    const float hardCut = std::max(std::fabs(out.left[steadyBBegin] - out.left[loudest]),
                                   std::fabs(out.right[steadyBBegin] - out.right[loudest]));
    RecordProperty("hard_cut_step", std::to_string(hardCut));
    EXPECT_GT(hardCut, 2.0f * bound);
}

// Audible within 30 ms: after the toggle the output is B's own steady output. The reference is
// a second engine that played B all along; the two presets share the oscillators' frequencies
// and coupling, so both fields have the same phases and the outputs can be compared sample by
// sample. Everything else differs (modulation, downmix), so before the toggle they are apart.
TEST(AbToggleAudioTest, TheNewPresetIsHeardWithin30MillisecondsOfTheRequest) {
    Preset a = calmPreset();
    Preset b = stormPreset();
    b.engine.frequencies = a.engine.frequencies;
    b.engine.couplingStrength = a.engine.couplingStrength;

    const int block = 512;  // the default; a request waits at most one block to be picked up
    OfflineEngine toggled(block);
    OfflineEngine reference(block);
    ASSERT_EQ(toggled.ab.store(AbSlot::A, a, "test").outcome, PresetOutcome::Ok);
    ASSERT_EQ(toggled.ab.store(AbSlot::B, b, "test").outcome, PresetOutcome::Ok);
    ASSERT_EQ(toggled.ab.toggle("test").active, AbSlot::A);
    reference.target.applyPreset(b);

    Stereo out;
    Stereo ref;
    toggled.render(1.0, out);
    reference.render(1.0, ref);
    const size_t toggleAt = out.size();
    ASSERT_EQ(toggled.ab.toggle("test").active, AbSlot::B);
    toggled.render(0.2, out);
    reference.render(0.2, ref);

    const auto differs = [&](size_t n, float tolerance) {
        return std::fabs(out.left[n] - ref.left[n]) > tolerance ||
               std::fabs(out.right[n] - ref.right[n]) > tolerance;
    };
    // Apart before the toggle (by more than half of B's level) ...
    float apartBefore = 0.0f;
    for (size_t n = toggleAt - frames(0.05); n < toggleAt; ++n)
        apartBefore = std::max(apartBefore, std::fabs(out.right[n] - ref.right[n]));
    const float levelB = peak(ref.right, toggleAt, out.size());
    EXPECT_GT(apartBefore, 0.5f * levelB);

    // ... equal after: the last sample that still differs from B's own output.
    constexpr float kTolerance = 1e-4f;  // float rounding of two separately ramped engines
    size_t lastDifferent = toggleAt;
    for (size_t n = toggleAt; n < out.size(); ++n)
        if (differs(n, kTolerance)) lastDifferent = n;
    const double settledMs = 1000.0 * double(lastDifferent + 1 - toggleAt) / kSampleRate;
    // Worst case from the request: it arrives just after a block began and waits for the next.
    const double worstCaseMs = settledMs + 1000.0 * block / kSampleRate;
    RecordProperty("settled_ms", std::to_string(settledMs));
    RecordProperty("worst_case_from_request_ms", std::to_string(worstCaseMs));
    EXPECT_LE(worstCaseMs, 30.0) << "settled " << settledMs << " ms after the block boundary";
    // And the left side, which B does not use at all, is exactly silent from then on.
    EXPECT_EQ(peak(out.left, lastDifferent + 1, out.size()), 0.0f);
}

// Toggling every 2 ms (faster than the 10 ms ramps can finish) never fails, every toggle lands,
// and the output stays as smooth as steady state; afterwards the engine settles on the slot the
// comparator reports.
TEST(AbToggleAudioTest, RapidTogglesRetargetSmoothlyAndNeverFail) {
    const int block = 96;  // 2 ms: one toggle per block, each reaches the audio thread
    OfflineEngine offline(block);
    ASSERT_EQ(offline.ab.store(AbSlot::A, calmPreset(), "test").outcome, PresetOutcome::Ok);
    ASSERT_EQ(offline.ab.store(AbSlot::B, stormPreset(), "test").outcome, PresetOutcome::Ok);
    ASSERT_EQ(offline.ab.toggle("test").active, AbSlot::A);

    Stereo out;
    offline.render(1.0, out);
    const size_t steadyABegin = out.size();
    offline.render(0.5, out);
    const float maxStepA = maxStep(out, steadyABegin, out.size());

    const size_t burstBegin = out.size();
    int toggles = 0;
    for (; toggles < 101; ++toggles) {  // 202 ms
        const AbResult result = offline.ab.toggle("test");
        ASSERT_EQ(result.outcome, PresetOutcome::Ok) << toggles;
        ASSERT_EQ(result.active, toggles % 2 == 0 ? AbSlot::B : AbSlot::A);
        offline.renderBlock(out);
    }
    const size_t burstEnd = out.size();
    EXPECT_EQ(offline.ab.status().active, AbSlot::B);  // an odd number of toggles from A
    EXPECT_EQ(offline.engine.engineParameters(),
              engineParametersFor(stormPreset().engine, dsp::EngineParameters{}));

    offline.render(1.5, out);
    const size_t steadyBBegin = burstEnd + switchFrames(block);
    const float maxStepB = maxStep(out, steadyBBegin, out.size());
    const float burstStep = maxStep(out, burstBegin - 1, steadyBBegin);
    RecordProperty("max_step_burst", std::to_string(burstStep));
    EXPECT_LE(burstStep, std::max(maxStepA, maxStepB)) << "A " << maxStepA << ", B " << maxStepB;
    EXPECT_EQ(peak(out.left, steadyBBegin, out.size()), 0.0f);  // settled on B: left unused
    EXPECT_GT(peak(out.right, steadyBBegin, out.size()), 0.0f);
}

}  // namespace
}  // namespace soundlab::presets
