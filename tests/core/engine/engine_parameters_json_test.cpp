#include "engine/EngineParametersJson.h"

#include <gtest/gtest.h>
#include <QJsonArray>
#include <QJsonDocument>

using namespace soundlab;

namespace {
QJsonObject parse(const char* json) {
    return QJsonDocument::fromJson(json).object();
}

std::vector<std::string> fields(const std::vector<dsp::ParameterError>& errors) {
    std::vector<std::string> names;
    for (const auto& e : errors) names.push_back(e.field);
    return names;
}
}  // namespace

TEST(EngineParametersJson, RoundTripsEveryField) {
    dsp::EngineParameters engine;
    engine.frequencies[2] = 3.5f;
    engine.enabled[7] = false;
    engine.gain = 0.5f;
    engine.bandSplit = false;
    dsp::DownmixParameters downmix;
    downmix.strategy = dsp::DownmixStrategy::Phi;
    downmix.customWeights = true;
    downmix.weightsL.fill(0.25f);
    downmix.weightsR.fill(0.75f);
    const QJsonObject body{{"engine", engineToJson(engine)}, {"downmix", downmixToJson(downmix)}};

    dsp::EngineParameters e2;
    dsp::DownmixParameters d2;
    EXPECT_TRUE(applyParametersJson(body, 48000, &e2, &d2).empty());
    EXPECT_EQ(e2, engine);
    EXPECT_EQ(d2, downmix);
}

TEST(EngineParametersJson, PartialUpdateKeepsTheRest) {
    dsp::EngineParameters engine;
    engine.gain = 0.7f;
    dsp::DownmixParameters downmix;
    const auto errors = applyParametersJson(parse(R"({"engine":{"coupling_strength":1.5}})"), 48000,
                                            &engine, &downmix);
    EXPECT_TRUE(errors.empty());
    EXPECT_EQ(engine.couplingStrength, 1.5f);
    EXPECT_EQ(engine.gain, 0.7f);
}

TEST(EngineParametersJson, BandSplitIsABooleanThatDefaultsToTrue) {
    dsp::EngineParameters engine;
    EXPECT_TRUE(engine.bandSplit);
    EXPECT_TRUE(engineToJson(engine).value("band_split").toBool(false));
    dsp::DownmixParameters downmix;
    EXPECT_TRUE(
        applyParametersJson(parse(R"({"engine":{"band_split":false}})"), 48000, &engine, &downmix)
            .empty());
    EXPECT_FALSE(engine.bandSplit);
    const auto errors =
        applyParametersJson(parse(R"({"engine":{"band_split":1}})"), 48000, &engine, &downmix);
    ASSERT_EQ(fields(errors), std::vector<std::string>{"engine.band_split"});
    EXPECT_FALSE(engine.bandSplit);
}

TEST(EngineParametersJson, ReportsEveryProblemByPathAndChangesNothing) {
    dsp::EngineParameters engine;
    dsp::DownmixParameters downmix;
    const dsp::EngineParameters before = engine;
    auto errors =
        applyParametersJson(parse(R"({"engine":{"frequencies":[1,2,3],"gain":"loud","colour":1},
                  "downmix":{"strategy":"surround","weights_l":[0,0,0,0,0,0,0,0]},"extra":true})"),
                            48000, &engine, &downmix);
    const auto names = fields(errors);
    for (const char* expected : {"extra", "engine.colour", "engine.frequencies", "engine.gain",
                                 "downmix.strategy", "downmix.weights_l"})
        EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
    EXPECT_EQ(engine, before);

    errors = applyParametersJson(parse(R"({"engine":{"amplitudes":[0,0,0,0,0,0,0,1.5]}})"), 48000,
                                 &engine, &downmix);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].field, "engine.amplitudes[7]");
    EXPECT_EQ(errors[0].max, 1.0);

    errors =
        applyParametersJson(parse(R"({"engine":{"sample_rate":44100}})"), 48000, &engine, &downmix);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].field, "engine.sample_rate");
}

TEST(EngineParametersJson, NullWeightsReturnToTheStrategy) {
    dsp::EngineParameters engine;
    dsp::DownmixParameters downmix;
    downmix.customWeights = true;
    EXPECT_TRUE(applyParametersJson(parse(R"({"downmix":{"weights_l":null,"weights_r":null}})"),
                                    48000, &engine, &downmix)
                    .empty());
    EXPECT_FALSE(downmix.customWeights);
}
