// The operator essentials over real HTTP and WebSocket (issue 14): master gain and panic
// (/api/audio/output, /api/audio/panic), the input channel (POST /api/audio/device), the level
// meters in /api/status and the /ws/status frames, the load histogram in /api/audio/performance.

#include "ApiTestSupport.h"
#include "VirtualDeviceApiTest.h"
#include "api/AudioRoutes.h"
#include "engine/AudioEngine.h"

#include <gtest/gtest.h>
#include <QJsonArray>

using namespace soundlab;
using namespace soundlab::api;
using namespace soundlab::api::test;

namespace {

class OutputRoutesTest : public VirtualDeviceApiTest {
protected:
    StreamConfig streamConfig() const override {
        StreamConfig config = VirtualDeviceApiTest::streamConfig();
        config.virtualDevice.input = QStringLiteral("sine:1000");
        config.virtualDevice.secondInput = QStringLiteral("silence");
        config.blockSize = 256;
        return config;
    }
    HttpReply putOutput(const QByteArray& body) {
        return http->send("PUT", "/api/audio/output", body);
    }
    QJsonObject levels() { return http->get("/api/status").json()["levels"].toObject(); }
    static double peak(const QJsonObject& meter) { return meter["peak_dbfs"].toDouble(); }
    static double rms(const QJsonObject& meter) { return meter["rms_dbfs"].toDouble(); }
};

}  // namespace

TEST_F(OutputRoutesTest, GetShowsTheDefaultsAndTheRange) {
    const HttpReply r = http->get("/api/audio/output");
    ASSERT_EQ(r.status, 200);
    const QJsonObject o = r.json();
    EXPECT_EQ(o["gain_db"].toDouble(), 0.0);
    EXPECT_FALSE(o["muted"].toBool());
    EXPECT_EQ(o["gain_db_min"].toDouble(), -60.0);
    EXPECT_EQ(o["gain_db_max"].toDouble(), 12.0);
    EXPECT_EQ(o["ramp_ms"].toDouble(), 20.0);
    const QJsonObject status = http->get("/api/status").json();
    EXPECT_EQ(status["output"].toObject()["gain_db"].toDouble(), 0.0);
    EXPECT_EQ(status["input_channel"].toInt(-1), 0);
}

TEST_F(OutputRoutesTest, PutChangesWhatIsGivenAndRefusesAGainOutOfRange) {
    HttpReply r = putOutput(R"({"gain_db": -12.5})");
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_EQ(r.json()["gain_db"].toDouble(), -12.5);
    EXPECT_FALSE(r.json()["muted"].toBool());
    EXPECT_EQ(engine.output().gainDb, -12.5);

    for (const QByteArray& body : {QByteArray(R"({"gain_db": 12.5})"),
                                  QByteArray(R"({"gain_db": -61})"),
                                  QByteArray(R"({"gain_db": "loud"})")}) {
        r = putOutput(body);
        EXPECT_EQ(r.status, 422) << body.toStdString();
        EXPECT_EQ(r.errorCode(), QStringLiteral("invalid_value"));
        EXPECT_TRUE(r.json()["error"].toObject()["message"].toString().contains("gain_db"))
            << r.body.toStdString();
    }
    r = putOutput(R"({"volume": 3})");
    EXPECT_EQ(r.status, 422) << "an unknown field is named, not ignored";
    EXPECT_EQ(engine.output().gainDb, -12.5) << "refused changes change nothing";

    // The GUI's path validates the same way.
    const auto errors = updateOutput(engine, QJsonObject{{"gain_db", 40}});
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_NE(errors[0].message.find("gain_db"), std::string::npos);
    EXPECT_FALSE(updateOutput(engine, QJsonObject{}).empty()) << "nothing to change";
}

TEST_F(OutputRoutesTest, PanicSilencesTheOutputMetersAndUnmuteBringsTheSoundBack) {
    ASSERT_TRUE(waitFor([&] { return peak(levels()["output"].toObject()["left"].toObject()) > -60; },
                        5000))
        << "the virtual sine must reach the output";
    HttpReply r = http->post("/api/audio/panic");
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_TRUE(r.json()["muted"].toBool());
    EXPECT_EQ(r.json()["gain_db"].toDouble(), 0.0) << "the gain is kept for the unmute";
    EXPECT_TRUE(http->get("/api/status").json()["output"].toObject()["muted"].toBool());
    // The held peak falls at 20 dB/s from wherever it was, the RMS faster: both reach the floor.
    ASSERT_TRUE(waitFor([&] { return rms(levels()["output"].toObject()["right"].toObject()) < -100; },
                        10000));
    EXPECT_GT(peak(levels()["input"].toObject()), -7.0) << "the input is still metered";

    r = putOutput(R"({"muted": false})");
    ASSERT_EQ(r.status, 200);
    EXPECT_FALSE(r.json()["muted"].toBool());
    EXPECT_TRUE(waitFor([&] { return rms(levels()["output"].toObject()["left"].toObject()) > -60; },
                        5000));
}

TEST_F(OutputRoutesTest, TheStatusFramesCarryTheMetersAndTheInputMeterReadsTheSine) {
    WsClient ws;
    ASSERT_TRUE(ws.open(QUrl(server->url().replace("http://", "ws://") + "/ws/status")));
    // The 300 ms RMS settles within a second or two of the stream's start.
    ASSERT_TRUE(waitFor(
        [&] {
            if (ws.messages.isEmpty()) return false;
            const QJsonObject input = ws.message(ws.messages.size() - 1)["status"]
                                          .toObject()["levels"]
                                          .toObject()["input"]
                                          .toObject();
            return rms(input) > -9.06;
        },
        10000));
    const QJsonObject frame = ws.message(ws.messages.size() - 1);
    const QJsonObject frameLevels = frame["status"].toObject()["levels"].toObject();
    EXPECT_NEAR(peak(frameLevels["input"].toObject()), -6.02, 0.05);
    EXPECT_NEAR(rms(frameLevels["input"].toObject()), -9.03, 0.05);
    EXPECT_TRUE(frameLevels["output"].toObject().contains("left"));
    EXPECT_TRUE(frame["performance"].toObject().contains("load_histogram"));
}

TEST_F(OutputRoutesTest, TheInputChannelIsChosenThroughTheDeviceRouteAndChecked) {
    HttpReply r = http->post("/api/audio/device", R"({"input_channel": 2})");
    EXPECT_EQ(r.status, 422) << r.body.toStdString();
    EXPECT_TRUE(r.json()["error"].toObject()["message"].toString().contains("0 to 1"))
        << r.body.toStdString();
    r = http->post("/api/audio/device", R"({"input_channel": -1})");
    EXPECT_EQ(r.status, 422);

    r = http->post("/api/audio/device", R"({"input_channel": 1})");
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_EQ(r.json()["input_channel"].toInt(), 1);
    EXPECT_EQ(http->get("/api/devices").json()["selected"].toObject()["input_channel"].toInt(), 1);
    // The second channel is silent here: the input meter falls to the floor.
    EXPECT_TRUE(waitFor([&] { return peak(levels()["input"].toObject()) <= -120.0; }, 5000));
}

TEST_F(OutputRoutesTest, PerformanceHasAHistogramThatCountsTheCallbacks) {
    ASSERT_TRUE(waitFor([&] { return engine.status().callbackCount > 20; }, 5000));
    engine.stop();
    const QJsonObject p = http->get("/api/audio/performance").json();
    const QJsonObject histogram = p["load_histogram"].toObject();
    EXPECT_EQ(histogram["unit"].toString(), QStringLiteral("cpu_load"));
    const QJsonArray bins = histogram["bins"].toArray();
    ASSERT_EQ(bins.size(), 11);
    EXPECT_EQ(bins[0].toObject()["lower"].toDouble(), 0.0);
    EXPECT_EQ(bins[0].toObject()["upper"].toDouble(), 0.001);
    EXPECT_TRUE(bins[10].toObject()["upper"].isNull()) << "the last bin: over the deadline";
    qint64 counted = 0;
    for (const QJsonValue& bin : bins) counted += bin.toObject()["count"].toInteger();
    EXPECT_EQ(counted, p["callback_count"].toInteger());
}
