// The latency routes over real HTTP and WebSocket, on the virtual device's loopback cable
// (1234.37 samples, 20 dB SNR): calibration end to end, 409s, the compensation offsets' ranges.

#include "ApiTestSupport.h"
#include "VirtualDeviceApiTest.h"
#include "api/ApiServer.h"
#include "engine/AudioEngine.h"

#include <gtest/gtest.h>

#include <QJsonArray>
#include <memory>

using namespace soundlab;
using namespace soundlab::api;
using namespace soundlab::api::test;

namespace {

constexpr double kDelay = 1234.37;

class LatencyRoutes : public VirtualDeviceApiTest {
protected:
    // A fractional loopback at 20 dB SNR, in 256-frame blocks.
    StreamConfig streamConfig() const override {
        StreamConfig config = VirtualDeviceApiTest::streamConfig();
        config.blockSize = 256;
        config.virtualDevice.loopbackDelaySamples = kDelay;
        config.virtualDevice.loopbackSnrDb = 20.0;
        return config;
    }

    // Waits (serving the event loop) until the latest calibration is no longer running.
    QJsonObject waitForCalibration(qint64 id) {
        QJsonObject last;
        EXPECT_TRUE(waitFor(
            [&] {
                last = http->get("/api/latency/stats").json();
                const QJsonObject c = last.value("last_calibration").toObject();
                return c.value("id").toInteger() == id && c.value("state").toString() != "running";
            },
            20000));
        return last;
    }

};

}  // namespace

TEST_F(LatencyRoutes, CalibrationEndToEnd) {
    QUrl wsUrl(server->url());
    wsUrl.setScheme("ws");
    wsUrl.setPath("/ws/latency");
    WsClient ws;
    ASSERT_TRUE(ws.open(wsUrl));

    EXPECT_FALSE(http->get("/api/latency/current").json().value("calibrated").toBool());
    const HttpReply started = http->post("/api/latency/calibrate");
    ASSERT_EQ(started.status, 202) << started.body.toStdString();
    const qint64 id = started.json().value("calibration_id").toInteger();
    EXPECT_GE(id, 1);
    EXPECT_EQ(started.json().value("calibration").toObject().value("state").toString(), "running");

    const HttpReply again = http->post("/api/latency/calibrate");
    EXPECT_EQ(again.status, 409);
    EXPECT_EQ(again.errorCode(), "calibration_running");

    const QJsonObject stats = waitForCalibration(id);
    const QJsonObject last = stats.value("last_calibration").toObject();
    EXPECT_EQ(last.value("state").toString(), "done")
        << last.value("error").toString().toStdString();
    const QJsonObject result = last.value("result").toObject();
    EXPECT_EQ(result.value("verdict").toString(), "ok");
    EXPECT_NEAR(result.value("round_trip_samples").toDouble(), kDelay, 0.05);
    EXPECT_NEAR(result.value("round_trip_ms").toDouble(), kDelay / 48.0, 0.05 / 48.0);
    EXPECT_GT(result.value("calibration_quality").toDouble(), 0.8);
    EXPECT_EQ(result.value("polarity").toInt(), 1);
    EXPECT_TRUE(stats.value("calibrated").toBool());
    EXPECT_EQ(stats.value("last_successful_calibration").toObject().value("id").toInteger(), id);

    const QJsonObject current = http->get("/api/latency/current").json();
    EXPECT_TRUE(current.value("calibrated").toBool());
    EXPECT_NEAR(current.value("total_measured_ms").toDouble(), kDelay / 48.0, 0.01);
    EXPECT_EQ(current.value("buffer_size_samples").toInt(), 256);
    EXPECT_EQ(current.value("sample_rate").toDouble(), 48000.0);
    EXPECT_EQ(current.value("hw_output_latency_ms").toDouble(), 256 / 48.0);
    EXPECT_NEAR(current.value("os_latency_ms").toDouble(), (kDelay - 256) / 48.0, 0.01);
    EXPECT_TRUE(http->get("/api/status").json().value("latency_calibrated").toBool());

    // The stream showed the run and its result, as `calibration` in its 10 Hz frames.
    bool sawRunning = false, sawDone = false;
    ASSERT_TRUE(waitFor(
        [&] {
            for (qsizetype i = 0; i < ws.messages.size(); ++i) {
                const QJsonObject m = ws.message(i);
                const QJsonObject c = m.value("calibration").toObject();
                if (m.value("type").toString() != "latency" || c.value("id").toInteger() != id)
                    continue;
                sawRunning |= c.value("state").toString() == "running";
                sawDone |= c.value("state").toString() == "done" &&
                           c.value("result").toObject().value("verdict").toString() == "ok";
            }
            return sawRunning && sawDone;
        },
        5000));
    EXPECT_TRUE(ws.message(ws.messages.size() - 1).contains("effective_latency_ms"));
    EXPECT_EQ(http->get("/api/status").json().value("latency_clients").toInt(), 1);
}

TEST_F(LatencyRoutes, CalibrateWithoutAudioIs409) {
    engine.stop();
    const HttpReply r = http->post("/api/latency/calibrate");
    EXPECT_EQ(r.status, 409);
    EXPECT_EQ(r.errorCode(), "audio_not_running");
}

TEST_F(LatencyRoutes, AudioStartWithCalibrateStartsOne) {
    engine.stop();
    const HttpReply r = http->post("/api/audio/start?calibrate=true");
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_TRUE(r.json().value("ok").toBool());
    const QJsonObject calibration = r.json().value("calibration").toObject();
    const qint64 id = calibration.value("calibration_id").toInteger();
    ASSERT_GE(id, 1) << r.body.toStdString();
    const QJsonObject stats = waitForCalibration(id);
    EXPECT_NEAR(stats.value("last_calibration")
                    .toObject()
                    .value("result")
                    .toObject()
                    .value("round_trip_samples")
                    .toDouble(),
                kDelay, 0.05);
    // A plain start (already running) starts none.
    const HttpReply plain = http->post("/api/audio/start");
    EXPECT_FALSE(plain.json().contains("calibration"));
}

TEST_F(LatencyRoutes, CompensationOffsetsAreStoredAndRangeChecked) {
    const double total =
        http->get("/api/latency/current").json().value("total_measured_ms").toDouble();
    HttpReply r = http->post("/api/latency/compensation/set?offset_ms=10");
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_TRUE(r.json().value("ok").toBool());
    EXPECT_EQ(r.json().value("compensation_offset_ms").toDouble(), 10.0);

    for (const char* bad : {"/api/latency/compensation/set?offset_ms=250",
                            "/api/latency/compensation/set?offset_ms=-1",
                            "/api/latency/compensation/adjust?delta_ms=60",
                            "/api/latency/compensation/adjust?delta_ms=-20",  // would go below 0
                            "/api/latency/compensation/manual?offset_ms=51",
                            "/api/latency/compensation/manual?offset_ms=-50.5"}) {
        const HttpReply refused = http->post(bad);
        EXPECT_EQ(refused.status, 422) << bad << ": " << refused.body.toStdString();
        EXPECT_EQ(refused.errorCode(), "invalid_value") << bad;
        EXPECT_TRUE(
            refused.json().value("error").toObject().value("message").toString().contains("_ms"))
            << bad << ": the message names the field";
    }
    for (const char* malformed :
         {"/api/latency/compensation/set?offset_ms=abc",
          "/api/latency/compensation/set?offset_ms=nan", "/api/latency/compensation/set"}) {
        EXPECT_EQ(http->post(malformed).status, 400) << malformed;
    }

    EXPECT_EQ(http->post("/api/latency/compensation/adjust?delta_ms=5").status, 200);
    r = http->post("/api/latency/compensation/manual?offset_ms=-5");
    ASSERT_EQ(r.status, 200);
    const QJsonObject frame = http->get("/api/latency/current").json();
    EXPECT_EQ(frame.value("compensation_offset_ms").toDouble(), 15.0);
    EXPECT_EQ(frame.value("manual_offset_ms").toDouble(), -5.0);
    EXPECT_NEAR(frame.value("effective_latency_ms").toDouble(), total - 15.0 + 5.0, 1e-9);
    EXPECT_EQ(frame.value("aligned_5ms").toBool(),
              std::abs(frame.value("effective_latency_ms").toDouble()) <= 5.0);
}

TEST_F(LatencyRoutes, AlignedComparesTheEffectiveLatencyWithATolerance) {
    // Uncalibrated: the virtual device's own figures, 0 in + one block out = 5.33 ms.
    QJsonObject r = http->get("/api/latency/aligned").json();
    EXPECT_EQ(r.value("tolerance_ms").toDouble(), 5.0);
    EXPECT_NEAR(r.value("effective_latency_ms").toDouble(), 256 / 48.0, 1e-9);
    EXPECT_FALSE(r.value("aligned").toBool());
    EXPECT_TRUE(http->get("/api/latency/aligned?tolerance_ms=6").json().value("aligned").toBool());
    ASSERT_EQ(http->post("/api/latency/compensation/set?offset_ms=5").status, 200);
    EXPECT_TRUE(http->get("/api/latency/aligned").json().value("aligned").toBool());
    EXPECT_EQ(http->get("/api/latency/aligned?tolerance_ms=-1").status, 422);
    EXPECT_EQ(http->get("/api/latency/aligned?tolerance_ms=x").status, 400);
}

TEST_F(LatencyRoutes, OpenApiDescribesTheRoutesAndTheStream) {
    const QJsonObject doc = http->get("/api/openapi.json").json();
    const QJsonObject paths = doc.value("paths").toObject();
    for (const char* path : {"/api/latency/calibrate", "/api/latency/stats", "/api/latency/current",
                             "/api/latency/compensation/set", "/api/latency/compensation/adjust",
                             "/api/latency/compensation/manual", "/api/latency/aligned"})
        EXPECT_TRUE(paths.contains(path)) << path;
    EXPECT_TRUE(paths.value("/api/latency/calibrate")
                    .toObject()
                    .value("post")
                    .toObject()
                    .value("responses")
                    .toObject()
                    .contains("202"));
    EXPECT_TRUE(QJsonDocument(doc).toJson().contains("/ws/latency"));
}

TEST_F(LatencyRoutes, ADeviceChangeDuringACalibrationEndsItWithAClearError) {
    const HttpReply started = http->post("/api/latency/calibrate");
    ASSERT_EQ(started.status, 202);
    const qint64 id = started.json().value("calibration_id").toInteger();
    // The probe is armed or playing (the chain's probe slot is taken).
    ASSERT_TRUE(waitFor([&] { return !engine.chain().probe().idle(); }, 5000));
    const HttpReply changed = http->post("/api/audio/device", R"({"buffer_size":512})");
    ASSERT_EQ(changed.status, 200) << changed.body.toStdString();
    const QJsonObject last = waitForCalibration(id).value("last_calibration").toObject();
    EXPECT_EQ(last.value("state").toString(), "failed");
    EXPECT_TRUE(last.value("result").isNull());
    EXPECT_FALSE(last.value("error").toString().isEmpty());
    EXPECT_TRUE(http->get("/api/status").json().value("audio_running").toBool());

    // The next one measures the new stream.
    const HttpReply again = http->post("/api/latency/calibrate");
    ASSERT_EQ(again.status, 202);
    const QJsonObject next = waitForCalibration(again.json().value("calibration_id").toInteger())
                                 .value("last_calibration")
                                 .toObject();
    EXPECT_EQ(next.value("buffer_size_samples").toInt(), 512);
    EXPECT_NEAR(next.value("result").toObject().value("round_trip_samples").toDouble(), kDelay,
                0.05);
}
