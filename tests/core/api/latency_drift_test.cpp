// Drift tracking on the live stream (issue 12): the virtual device's clock runs 500 ppm fast
// (--virtual-skew-ppm), the performance monitor feeds the delay-locked loop from the callbacks'
// timing records, and /api/latency/drift, /api/latency/current, /ws/latency and /api/phi show it.
//
// Tolerance: the run is short (the loop settles 10 s after its sync) and the callbacks' jitter
// is the test machine's scheduling, not a sound card's. The simulation (drift_tracking_test)
// gives ≤ 2 ppm at 10 s with 0.2 ms of jitter; 25 ppm (5 % of the skew) leaves room for ten times
// that on a loaded machine and still tells 500 ppm from none. The 1-ppm goal is the simulation's,
// over 60 s.

#include "ApiTestSupport.h"
#include "VirtualDeviceApiTest.h"
#include "api/ApiServer.h"
#include "engine/AudioEngine.h"
#include "metrics/TimeBase.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace soundlab;
using namespace soundlab::api;
using namespace soundlab::api::test;

namespace {

constexpr double kSkewPpm = 500.0;
constexpr double kTolerancePpm = 25.0;
// 1024-frame blocks (21 ms): the virtual device counts a wake-up more than a block late as an
// xrun, and each xrun resyncs the loop. A virtual machine that loses its CPU for 5–20 ms now and
// then (36 xruns in 17 s at 256 frames on one CI-like VM) then never lets it settle; the skew
// does not depend on the block size.
constexpr int kBlock = 1024;

class LatencyDrift : public VirtualDeviceApiTest {
protected:
    StreamConfig streamConfig() const override {
        StreamConfig config = VirtualDeviceApiTest::streamConfig();
        config.blockSize = kBlock;
        config.virtualDevice.clockSkewPpm = kSkewPpm;
        return config;
    }

    // Waits (serving the event loop) until the loop is locked and settled, and has tracked the
    // stream for `minSeconds`; returns the document. An xrun on a loaded machine starts it
    // over: it then settles again within the bound.
    QJsonObject waitUntilSettled(double minSeconds = 0.0) {
        QJsonObject drift;
        EXPECT_TRUE(waitFor(
            [&] {
                drift = http->get("/api/latency/drift").json();
                return drift.value("locked").toBool() && drift.value("settled").toBool() &&
                       drift.value("seconds_tracked").toDouble() >= minSeconds;
            },
            90000))
            << QJsonDocument(drift).toJson().toStdString();
        return drift;
    }

    // `timestamp` − `latencySeconds` is the stream clock's time of one of the latest blocks.
    static void expectHeardTimeOfABlock(double timestamp, double latencySeconds,
                                        const metrics::ClockEstimate& clock) {
        using metrics::TimeBase;
        const double processed = timestamp - latencySeconds;
        const int64_t steadyNs =
            clock.syncNs +
            int64_t(std::llround((processed - TimeBase::unixSeconds(clock.syncNs)) * 1e9));
        const int64_t block = clock.blockStartNear(steadyNs);
        EXPECT_NEAR(processed, TimeBase::unixSeconds(clock.steadyNsAt(block)), 0.05e-3)
            << "not on the stream clock's block times";
        // One of the latest: within a second of the newest block the loop has seen.
        EXPECT_LE(std::abs(block - clock.position), int64_t(48000));
    }
};

}  // namespace

TEST_F(LatencyDrift, TheDriftDocumentReportsTheDevicesSkew) {
    // 20 s rather than the 10 s the loop settles in: at 10 s, with two test programs beside it,
    // the estimate read 529 ppm once (the scheduling jitter is the machine's).
    const QJsonObject drift = waitUntilSettled(20.0);
    const double ppm = drift.value("drift_ppm").toDouble();
    EXPECT_NEAR(ppm, kSkewPpm, kTolerancePpm);
    EXPECT_DOUBLE_EQ(drift.value("drift_rate_ms_per_sec").toDouble(), ppm / 1000.0);
    // Device time − host time grows at the skew (0.5 ms per second here).
    const double seconds = drift.value("seconds_tracked").toDouble();
    EXPECT_GE(seconds, 10.0);
    EXPECT_NEAR(drift.value("drift_ms").toDouble(), kSkewPpm * 1e-3 * seconds,
                kTolerancePpm * 1e-3 * seconds + 0.5);
    EXPECT_GE(drift.value("resync_count").toInteger(), 1);  // the stream's start
    EXPECT_TRUE(drift.value("last_resync_reason").isString());
    EXPECT_EQ(drift.value("sample_rate").toDouble(), 48000.0);
    EXPECT_GT(drift.value("blocks").toInteger(), 0);

    // The latency frame carries the same figures.
    const QJsonObject current = http->get("/api/latency/current").json();
    for (const char* field : {"drift_ms", "drift_rate_ms_per_sec", "drift_ppm"})
        ASSERT_TRUE(current.value(field).isDouble()) << field;
    EXPECT_NEAR(current.value("drift_ppm").toDouble(), kSkewPpm, kTolerancePpm);
    EXPECT_NEAR(current.value("drift_rate_ms_per_sec").toDouble(), kSkewPpm / 1000.0,
                kTolerancePpm / 1000.0);
    EXPECT_GT(current.value("drift_ms").toDouble(), 0.0);

    // And so do /ws/latency's frames.
    QUrl wsUrl(server->url());
    wsUrl.setScheme("ws");
    wsUrl.setPath("/ws/latency");
    WsClient ws;
    ASSERT_TRUE(ws.open(wsUrl));
    ASSERT_TRUE(waitFor([&] { return !ws.messages.isEmpty(); }));
    const QJsonObject frame = ws.message(0);
    EXPECT_EQ(frame.value("type").toString(), "latency");
    EXPECT_NEAR(frame.value("drift_ppm").toDouble(), kSkewPpm, kTolerancePpm);
    EXPECT_TRUE(frame.value("drift_ms").isDouble());
    EXPECT_TRUE(frame.value("drift_rate_ms_per_sec").isDouble());
}

TEST_F(LatencyDrift, ResetRestartsTheLoop) {
    ASSERT_TRUE(
        waitFor([&] { return http->get("/api/latency/drift").json().value("locked").toBool(); }));
    const qint64 before = http->get("/api/latency/drift").json().value("resync_count").toInteger();

    const HttpReply reset = http->post("/api/latency/drift/reset");
    ASSERT_EQ(reset.status, 200) << reset.body.toStdString();
    const QJsonObject now = reset.json();
    EXPECT_FALSE(now.value("locked").toBool());
    EXPECT_FALSE(now.value("settled").toBool());
    EXPECT_EQ(now.value("seconds_tracked").toDouble(), 0.0);
    EXPECT_EQ(now.value("drift_ppm").toDouble(), 0.0);
    EXPECT_EQ(now.value("last_resync_reason").toString(), "reset");
    EXPECT_EQ(now.value("resync_count").toInteger(), before + 1);

    // It syncs to the next block and tracks again.
    QJsonObject after;
    ASSERT_TRUE(waitFor([&] {
        after = http->get("/api/latency/drift").json();
        return after.value("locked").toBool() && after.value("seconds_tracked").toDouble() > 0.5;
    }));
    EXPECT_GE(after.value("resync_count").toInteger(), before + 1);

    // Only POST resets; other methods are refused with a JSON error.
    const HttpReply wrong = http->get("/api/latency/drift/reset");
    EXPECT_GE(wrong.status, 400);
    EXPECT_LT(wrong.status, 500);
}

TEST_F(LatencyDrift, TimestampsAreHeardTimesOnTheStreamClock) {
    ASSERT_TRUE(waitFor([&] {
        return http->get("/api/latency/drift").json().value("seconds_tracked").toDouble() > 1.0;
    }));
    ASSERT_EQ(http->post("/api/latency/compensation/set?offset_ms=100").status, 200);
    ASSERT_EQ(http->post("/api/latency/compensation/manual?offset_ms=-20").status, 200);
    // Not calibrated: the heard latency is the reported output latency plus the offsets.
    const double latency = engine.status().stream.outputLatency + 0.100 - 0.020;

    const QJsonObject frame = http->get("/api/latency/current").json();
    const QJsonObject phi = http->get("/api/phi").json();
    const metrics::ClockEstimate clock = engine.streamClock();
    ASSERT_TRUE(clock.tracking);
    expectHeardTimeOfABlock(frame.value("timestamp").toDouble(), latency, clock);
    ASSERT_TRUE(phi.value("timestamp").isDouble());
    expectHeardTimeOfABlock(phi.value("timestamp").toDouble(), latency, clock);
}

TEST_F(LatencyDrift, TheDriftRoutesFollowTheTokenRules) {
    ApiServerOptions options;
    options.port = 0;
    options.token = QStringLiteral("drift-secret");
    ApiServer guarded(engine, options);
    ASSERT_FALSE(guarded.start());
    HttpClient client(guarded.url());
    EXPECT_EQ(client.get("/api/latency/drift").status, 401);
    const HttpReply refused = client.post("/api/latency/drift/reset");
    EXPECT_EQ(refused.status, 401);
    EXPECT_FALSE(refused.errorCode().isEmpty());
    const QList<QPair<QByteArray, QByteArray>> auth{{"Authorization", "Bearer drift-secret"}};
    EXPECT_EQ(client.get("/api/latency/drift", auth).status, 200);
    EXPECT_EQ(client.post("/api/latency/drift/reset", {}, auth).status, 200);
}

TEST_F(LatencyDrift, OpenApiDescribesTheDriftRoutesAndFields) {
    const QJsonObject doc = http->get("/api/openapi.json").json();
    const QJsonObject paths = doc.value("paths").toObject();
    EXPECT_TRUE(paths.value("/api/latency/drift").toObject().contains("get"));
    EXPECT_TRUE(paths.value("/api/latency/drift/reset").toObject().contains("post"));
    const QByteArray text = QJsonDocument(doc).toJson();
    for (const char* field : {"drift_ms", "drift_rate_ms_per_sec", "drift_ppm", "resync_count",
                              "last_resync_reason", "seconds_tracked"})
        EXPECT_TRUE(text.contains(field)) << field;
}
