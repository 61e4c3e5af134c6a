// GET/PUT /api/engine over real HTTP: the D-ASE parameters, partial updates, 422 naming fields.

#include "ApiTestSupport.h"
#include "VirtualDeviceApiTest.h"
#include "api/ApiServer.h"
#include "engine/AudioEngine.h"

#include <gtest/gtest.h>
#include <QJsonArray>

using namespace soundlab;
using namespace soundlab::api;
using namespace soundlab::api::test;

namespace {

class EngineRoutesTest : public VirtualDeviceApiTest {
protected:
    HttpReply put(const QByteArray& body) { return http->send("PUT", "/api/engine", body); }
};

}  // namespace

TEST_F(EngineRoutesTest, GetShowsTheParametersAndWhatTheEngineRuns) {
    const HttpReply r = http->get("/api/engine");
    ASSERT_EQ(r.status, 200);
    const QJsonObject body = r.json();
    const QJsonObject e = body["engine"].toObject();
    EXPECT_EQ(e["num_channels"].toInt(), 8);
    EXPECT_EQ(e["sample_rate"].toInt(), 48000);
    ASSERT_EQ(e["frequencies"].toArray().size(), 8);
    EXPECT_DOUBLE_EQ(e["frequencies"].toArray()[0].toDouble(), 0.5);
    EXPECT_NEAR(e["frequencies"].toArray()[7].toDouble(), 14.52, 0.01);
    EXPECT_EQ(body["downmix"].toObject()["strategy"].toString(), QStringLiteral("spatial"));
    EXPECT_TRUE(body["implementation"].toString() == QStringLiteral("avx2") ||
                body["implementation"].toString() == QStringLiteral("scalar"));
    EXPECT_GE(body["order_parameter"].toDouble(-1), 0.0);
}

TEST_F(EngineRoutesTest, PutChangesOnlyWhatItNamesAndTheEngineRunsIt) {
    HttpReply r = put(R"({"engine":{"coupling_strength":1.75},"downmix":{"strategy":"phi"}})");
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_DOUBLE_EQ(r.json()["engine"].toObject()["coupling_strength"].toDouble(), 1.75);
    EXPECT_EQ(engine.engineParameters().couplingStrength, 1.75f);
    EXPECT_EQ(engine.downmixParameters().strategy, dsp::DownmixStrategy::Phi);
    EXPECT_EQ(engine.engineParameters().gain, dsp::EngineParameters{}.gain) << "untouched";

    r = put(R"({"downmix":{"weights_l":[1,1,1,1,0,0,0,0],"weights_r":[0,0,0,0,1,1,1,1]}})");
    ASSERT_EQ(r.status, 200);
    EXPECT_TRUE(engine.downmixParameters().customWeights);
    EXPECT_EQ(r.json()["downmix"].toObject()["weights_l"].toArray().size(), 8);
}

TEST_F(EngineRoutesTest, BadValuesAre422NamingTheFieldAndItsRangeAndChangeNothing) {
    const dsp::EngineParameters before = engine.engineParameters();
    struct Case {
        const char* body;
        const char* field;
    };
    for (const Case& c :
         {Case{R"({"engine":{"coupling_strength":2.5}})", "coupling_strength"},
          Case{R"({"engine":{"frequencies":[1,1,1,1,1,1,1,99]}})", "frequencies[7]"},
          Case{R"({"engine":{"amplitudes":[1,1]}})", "amplitudes"},
          Case{R"({"engine":{"sample_rate":44100}})", "sample_rate"},
          Case{R"({"downmix":{"strategy":"mono"}})", "strategy"},
          Case{R"({"downmix":{"weights_l":[1,1,1,1,1,1,1,1]}})", "weights_l"},
          Case{R"({"volume":11})", "volume"}}) {
        const HttpReply r = put(c.body);
        EXPECT_EQ(r.status, 422) << c.body;
        EXPECT_EQ(r.errorCode(), QStringLiteral("invalid_value")) << c.body;
        const QString message = r.json()["error"].toObject()["message"].toString();
        EXPECT_TRUE(message.contains(QLatin1String(c.field)))
            << c.body << " -> " << message.toStdString();
    }
    EXPECT_EQ(engine.engineParameters(), before);
    EXPECT_EQ(put("{not json").status, 400);

    // The message names the whole allowed range.
    const HttpReply r = put(R"({"engine":{"coupling_strength":2.5}})");
    EXPECT_TRUE(r.json()["error"].toObject()["message"].toString().contains(
        QStringLiteral("within [0, 2]")))
        << r.body.toStdString();
}

TEST_F(EngineRoutesTest, OpenApiDocumentDescribesTheEngineRoutes) {
    const QJsonObject doc = http->get("/api/openapi.json").json();
    const QJsonObject path = doc["paths"].toObject()["/api/engine"].toObject();
    EXPECT_TRUE(path.contains("get"));
    EXPECT_TRUE(path.contains("put"));
}
