// LatencyViewModel is an in-process client of /api/latency: on the virtual device's loopback
// cable (1234.37 samples, 20 dB SNR) with the API serving beside it, what the panel shows is what
// the API serves, a calibration it starts shows on both sides, and it is refused what the API
// refuses, with the same message.
#include "ApiTestSupport.h"
#include "LatencyLoopTest.h"

#include <gtest/gtest.h>
#include <QJsonArray>
#include <QLineSeries>

#include <cmath>

namespace soundlab {
namespace {

using namespace api::test;

QString errorMessage(const HttpReply& reply) {
    return reply.json().value("error").toObject().value("message").toString();
}

class LatencyViewModelTest : public test::LatencyLoopTest {
protected:
    // The frame's fields the panel shows, from the view-model and from GET /api/latency/current.
    void expectSameFigures(const QJsonObject& doc) {
        EXPECT_EQ(vm->hwInputMs(), doc["hw_input_latency_ms"].toDouble());
        EXPECT_EQ(vm->hwOutputMs(), doc["hw_output_latency_ms"].toDouble());
        EXPECT_EQ(vm->engineMs(), doc["engine_latency_ms"].toDouble());
        EXPECT_EQ(vm->osMs(), doc["os_latency_ms"].toDouble());
        EXPECT_EQ(vm->totalMs(), doc["total_measured_ms"].toDouble());
        EXPECT_EQ(vm->roundTripSamples(), doc["round_trip_samples"].toDouble(-1.0));
        EXPECT_EQ(vm->compensationMs(), doc["compensation_offset_ms"].toDouble());
        EXPECT_EQ(vm->manualMs(), doc["manual_offset_ms"].toDouble());
        EXPECT_EQ(vm->effectiveMs(), doc["effective_latency_ms"].toDouble());
        EXPECT_EQ(vm->calibrated(), doc["calibrated"].toBool());
        EXPECT_EQ(vm->quality(), doc["calibration_quality"].toDouble());
        EXPECT_EQ(vm->aligned(), doc["aligned_5ms"].toBool());
        EXPECT_EQ(vm->bufferSize(), doc["buffer_size_samples"].toInt());
        EXPECT_EQ(vm->sampleRate(), doc["sample_rate"].toDouble());
        // The DLL's fields, when the frame has them; absent reads as 0 and hasDrift false. They
        // move with every block the loop sees (as the timestamp does), so the readouts are
        // checked against the frame the view-model read, not one fetched a moment earlier.
        EXPECT_EQ(vm->hasDrift(), doc.contains("drift_ms"));
        const QJsonObject shown = vm->frame();
        EXPECT_EQ(vm->driftMs(), shown["drift_ms"].toDouble());
        EXPECT_EQ(vm->driftPpm(), shown["drift_ppm"].toDouble());
        EXPECT_EQ(vm->driftRateMsPerSec(), shown["drift_rate_ms_per_sec"].toDouble());
    }

};

TEST_F(LatencyViewModelTest, ReadoutsAreTheApiDocument) {
    ASSERT_EQ(http->post("/api/latency/compensation/set?offset_ms=12.5").status, 200);
    ASSERT_EQ(http->post("/api/latency/compensation/manual?offset_ms=-3").status, 200);
    // A change made through the API shows in the panel at its next 10 Hz refresh.
    ASSERT_TRUE(waitFor([&] { return vm->compensationMs() == 12.5 && vm->manualMs() == -3.0; }));

    const QJsonObject doc = http->get("/api/latency/current").json();
    vm->refresh();
    // The same document, field for field (only the timestamp and the stream clock's figures
    // move on).
    QJsonObject shown = vm->frame();
    QJsonObject served = doc;
    for (const char* moving : {"timestamp", "drift_ms", "drift_ppm", "drift_rate_ms_per_sec"}) {
        EXPECT_EQ(shown.contains(moving), served.contains(moving)) << moving;
        shown.remove(moving);
        served.remove(moving);
    }
    EXPECT_EQ(shown, served);
    expectSameFigures(doc);
    // Uncalibrated: the virtual device's own figures, 0 in + one block out.
    EXPECT_FALSE(vm->calibrated());
    EXPECT_EQ(vm->roundTripSamples(), -1.0) << "null until calibrated";
    EXPECT_NEAR(vm->totalMs(), 256 / 48.0, 1e-9);
    EXPECT_NEAR(vm->effectiveMs(), 256 / 48.0 - 12.5 + 3.0, 1e-9);
    EXPECT_EQ(vm->calibrationState(), QString()) << "no calibration yet";
    EXPECT_FALSE(vm->verdictText().isEmpty()) << "says what to do";
}

TEST_F(LatencyViewModelTest, CalibrationStartedInThePanelShowsThereAndInStats) {
    ASSERT_TRUE(vm->calibrate()) << vm->lastError().toStdString();
    // The route runs off the GUI thread; the panel shows the run once its 202 came.
    ASSERT_TRUE(waitFor([&] { return vm->calibrating(); }));
    EXPECT_TRUE(vm->lastError().isEmpty());
    EXPECT_EQ(vm->calibrationState(), QStringLiteral("running"));

    // A second request while it runs: the panel shows the 409's message, as HTTP gives it.
    const HttpReply busy = http->post("/api/latency/calibrate");
    ASSERT_EQ(busy.status, 409);
    vm->calibrate();
    ASSERT_TRUE(waitFor([&] { return !vm->lastError().isEmpty(); }));
    EXPECT_EQ(vm->lastError(), errorMessage(busy));

    // The panel's timer follows the run to its end.
    ASSERT_TRUE(waitFor([&] { return !vm->calibrating(); }, 20000));
    EXPECT_EQ(vm->calibrationState(), QStringLiteral("done"));
    EXPECT_EQ(vm->calibrationProgress(), 1.0);
    EXPECT_EQ(vm->verdict(), QStringLiteral("ok"));
    EXPECT_NEAR(vm->lastRoundTripSamples(), kDelay, 0.05);
    EXPECT_TRUE(vm->calibrated());
    EXPECT_NEAR(vm->roundTripSamples(), kDelay, 0.05);
    EXPECT_NEAR(vm->totalMs(), kDelay / 48.0, 0.05 / 48.0);
    EXPECT_GT(vm->quality(), 0.8);

    // The same run in GET /api/latency/stats.
    const QJsonObject stats = http->get("/api/latency/stats").json();
    const QJsonObject last = stats["last_calibration"].toObject();
    EXPECT_EQ(last, stats["last_successful_calibration"].toObject());
    EXPECT_EQ(last["state"].toString(), vm->calibrationState());
    const QJsonObject result = last["result"].toObject();
    EXPECT_EQ(result["verdict"].toString(), vm->verdict());
    EXPECT_EQ(result["round_trip_samples"].toDouble(), vm->lastRoundTripSamples());
    EXPECT_EQ(result["round_trip_ms"].toDouble(), vm->lastRoundTripMs());
    EXPECT_EQ(result["calibration_quality"].toDouble(), vm->lastQuality());
    EXPECT_EQ(result["peak_to_noise_db"].toDouble(), vm->lastPeakToNoiseDb());
    EXPECT_EQ(vm->stats()["last_calibration"].toObject()["id"], last["id"]);
    EXPECT_EQ(stats["calibrations_completed"].toInteger(), 1);
    vm->refresh();
    expectSameFigures(http->get("/api/latency/current").json());

    // Once over, the panel may start the next one.
    ASSERT_TRUE(vm->calibrate());
    ASSERT_TRUE(waitFor([&] { return vm->calibrating(); }));
    EXPECT_TRUE(vm->lastError().isEmpty()) << "an accepted action clears the message";
    ASSERT_TRUE(waitFor([&] { return !vm->calibrating(); }, 20000));
    EXPECT_EQ(http->get("/api/latency/stats").json()["calibrations_completed"].toInteger(), 2);
}

TEST_F(LatencyViewModelTest, CalibratingWithoutAudioShowsTheApisRefusal) {
    engine.stop();
    const HttpReply refused = http->post("/api/latency/calibrate");
    ASSERT_EQ(refused.status, 409);
    vm->calibrate();
    ASSERT_TRUE(waitFor([&] { return !vm->lastError().isEmpty(); }));
    EXPECT_EQ(vm->lastError(), errorMessage(refused));
    EXPECT_FALSE(vm->calibrating());
}

TEST_F(LatencyViewModelTest, OffsetsOutOfRangeAreRefusedWithTheApisMessageAndChangeNothing) {
    ASSERT_TRUE(vm->setCompensation(10.0)) << vm->lastError().toStdString();
    ASSERT_TRUE(vm->setManualOffset(-5.0));
    EXPECT_EQ(vm->compensationMs(), 10.0) << "shown at once, not at the next refresh";
    EXPECT_EQ(http->get("/api/latency/current").json()["compensation_offset_ms"].toDouble(), 10.0);

    struct Case {
        const char* path;
        std::function<bool()> action;
    };
    const Case cases[] = {
        {"/api/latency/compensation/set?offset_ms=250", [&] { return vm->setCompensation(250); }},
        {"/api/latency/compensation/set?offset_ms=-1", [&] { return vm->setCompensation(-1); }},
        {"/api/latency/compensation/adjust?delta_ms=60",
         [&] { return vm->adjustCompensation(60); }},
        {"/api/latency/compensation/adjust?delta_ms=-20",  // would take it below 0
         [&] { return vm->adjustCompensation(-20); }},
        {"/api/latency/compensation/manual?offset_ms=51", [&] { return vm->setManualOffset(51); }},
        {"/api/latency/compensation/manual?offset_ms=-50.5",
         [&] { return vm->setManualOffset(-50.5); }},
    };
    for (const Case& c : cases) {
        const HttpReply refused = http->post(c.path);
        ASSERT_EQ(refused.status, 422) << c.path;
        vm->clearError();
        EXPECT_FALSE(c.action()) << c.path;
        EXPECT_EQ(vm->lastError(), errorMessage(refused)) << c.path;
        EXPECT_TRUE(vm->lastError().contains("_ms")) << "names the parameter";
        EXPECT_EQ(vm->compensationMs(), 10.0) << c.path;
        EXPECT_EQ(vm->manualMs(), -5.0) << c.path;
    }
    // Not a number (what the panel's field gives for text that is none): refused, no change.
    EXPECT_FALSE(vm->setCompensation(std::nan("")));
    EXPECT_FALSE(vm->adjustCompensation(std::nan("")));
    EXPECT_FALSE(vm->setManualOffset(std::nan("")));
    EXPECT_TRUE(vm->lastError().contains("offset_ms")) << vm->lastError().toStdString();
    const QJsonObject doc = http->get("/api/latency/current").json();
    EXPECT_EQ(doc["compensation_offset_ms"].toDouble(), 10.0) << "nothing changed";
    EXPECT_EQ(doc["manual_offset_ms"].toDouble(), -5.0);

    // Within the ranges: accepted, the message goes, and the API serves the new values.
    EXPECT_TRUE(vm->adjustCompensation(-2.5));
    EXPECT_TRUE(vm->lastError().isEmpty());
    EXPECT_TRUE(vm->setCompensation(vm->maxCompensationMs()));
    EXPECT_TRUE(vm->setManualOffset(-vm->maxManualMs()));
    const QJsonObject after = http->get("/api/latency/current").json();
    EXPECT_EQ(after["compensation_offset_ms"].toDouble(), 200.0);
    EXPECT_EQ(after["manual_offset_ms"].toDouble(), -50.0);
}

TEST_F(LatencyViewModelTest, TheDriftChartHasOnePointPerRefreshWithinTheLastFiveMinutes) {
    ASSERT_TRUE(waitFor([&] { return vm->driftHistory().size() >= 5; }));
    QLineSeries drift, ppm;
    vm->updateDriftSeries(&drift, &ppm);
    const auto& history = vm->driftHistory();
    ASSERT_EQ(size_t(drift.count()), history.size());
    ASSERT_EQ(size_t(ppm.count()), history.size());
    EXPECT_EQ(drift.at(drift.count() - 1).x(), 0.0) << "the newest at the right edge";
    for (int i = 0; i < drift.count(); ++i) {
        EXPECT_LE(drift.at(i).x(), 0.0);
        EXPECT_GE(drift.at(i).x(), -LatencyViewModel::kChartSeconds);
        EXPECT_GE(drift.at(i).x(), -vm->driftSpanSeconds()) << "the x axis shows every point";
        if (i > 0) {
            EXPECT_GT(drift.at(i).x(), drift.at(i - 1).x());
        }
        EXPECT_EQ(drift.at(i).y(), history[size_t(i)].driftMs);
        EXPECT_EQ(ppm.at(i).y(), history[size_t(i)].driftPpm);
    }
    // The newest point is the frame's figure (0 while the frame has no drift fields), and the
    // axes hold every point.
    EXPECT_EQ(history.back().driftMs, vm->driftMs());
    EXPECT_EQ(history.back().driftPpm, vm->driftPpm());
    for (const auto& p : history) {
        EXPECT_GE(p.driftMs, vm->driftAxisMin());
        EXPECT_LE(p.driftMs, vm->driftAxisMax());
        EXPECT_GE(p.driftPpm, vm->ppmAxisMin());
        EXPECT_LE(p.driftPpm, vm->ppmAxisMax());
    }
}

}  // namespace
}  // namespace soundlab
