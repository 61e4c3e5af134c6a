// GET/PUT /api/phi and POST /api/phi/sensor over real HTTP; the Φ fields of /api/status; a
// preset apply sets the Φ controller.

#include "ApiTestSupport.h"
#include "VirtualDeviceApiTest.h"
#include "RecordingCallback.h"
#include "api/ApiServer.h"
#include "engine/AudioEngine.h"
#include "presets/AbComparator.h"
#include "presets/EnginePresetTarget.h"

#include <gtest/gtest.h>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QThread>
#include <cmath>

using namespace soundlab;
using namespace soundlab::api;
using namespace soundlab::api::test;

namespace {

class PhiRoutesTest : public VirtualDeviceApiTest {
protected:
    HttpReply put(const QByteArray& body) { return http->send("PUT", "/api/phi", body); }
    HttpReply sensor(const QByteArray& body) { return http->post("/api/phi/sensor", body); }

    // Waits up to 2 s for the audio (or OSC) thread to get there.
    template <typename F>
    bool waitFor(F condition) {
        return soundlab::test::waitFor(condition, 2000);
    }
};

}  // namespace

TEST_F(PhiRoutesTest, GetShowsTheControllerAndEverySource) {
    const HttpReply r = http->get("/api/phi");
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    const QJsonObject body = r.json();
    EXPECT_EQ(body["mode"].toString(), QStringLiteral("manual"));
    EXPECT_NEAR(body["depth"].toDouble(), 0.618, 0.001);
    EXPECT_FALSE(body["crossfade"].toObject()["active"].toBool());
    EXPECT_NEAR(body["manual"].toObject()["depth"].toDouble(), 0.618, 0.001);
    EXPECT_EQ(body["audio"].toObject()["attack_ms"].toDouble(), 20.0);
    EXPECT_EQ(body["audio"].toObject()["release_ms"].toDouble(), 100.0);
    EXPECT_TRUE(body["audio"].toObject().contains("envelope"));
    EXPECT_EQ(body["internal"].toObject()["frequency_hz"].toDouble(), 0.1);
    const QJsonObject s = body["sensor"].toObject();
    EXPECT_TRUE(s["age_s"].isNull());
    EXPECT_FALSE(s["stale"].toBool());
    EXPECT_EQ(s["received"].toInt(), 0);
    EXPECT_TRUE(s["accel"].toObject().contains("z"));
    // No OSC server given to the API: the port is null, the counters zero.
    EXPECT_TRUE(body["osc"].toObject()["port"].isNull());
    EXPECT_EQ(body["osc"].toObject()["rejected"].toInt(), 0);
}

TEST_F(PhiRoutesTest, PutChangesOnlyWhatItNamesAndTheAudioThreadCrossfades) {
    HttpReply r = put(R"({"mode":"internal","internal":{"frequency_hz":2.5}})");
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_EQ(r.json()["mode"].toString(), QStringLiteral("internal"));
    EXPECT_EQ(r.json()["internal"].toObject()["frequency_hz"].toDouble(), 2.5);
    EXPECT_EQ(engine.phiSettings().attackMs, 20.0) << "untouched";
    EXPECT_NEAR(engine.phiSettings().manualDepth, 0.618, 0.001) << "untouched";
    // The audio thread takes it at its next block and fades from manual.
    ASSERT_TRUE(waitFor([&] { return engine.phiState().mode == phi::Mode::Internal; }));
    ASSERT_TRUE(waitFor([&] { return !engine.phiState().fading; })) << "a fade ends (100 ms)";
    const QJsonObject body = http->get("/api/phi").json();
    EXPECT_EQ(body["crossfade"].toObject()["to"].toString(), QStringLiteral("internal"));
    EXPECT_EQ(body["crossfade"].toObject()["progress"].toDouble(), 1.0);

    r = put(R"({"manual":{"depth":1.5,"phase":6.0},"audio":{"attack_ms":50,"release_ms":400}})");
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_EQ(engine.phiSettings().mode, phi::Mode::Internal) << "untouched";
    EXPECT_EQ(engine.phiSettings().manualDepth, 1.5);
    EXPECT_EQ(engine.phiSettings().releaseMs, 400.0);
}

TEST_F(PhiRoutesTest, BadValuesAre422NamingTheFieldAndChangeNothing) {
    const phi::Settings before = engine.phiSettings();
    struct Case {
        const char* body;
        const char* field;
    };
    for (const Case& c :
         {Case{R"({"mode":"osc"})", "mode"}, Case{R"({"manual":{"depth":1.7}})", "depth"},
          Case{R"({"manual":{"phase":-0.1}})", "phase"},
          Case{R"({"audio":{"attack_ms":5}})", "attack_ms"},
          Case{R"({"audio":{"release_ms":501}})", "release_ms"},
          Case{R"({"internal":{"frequency_hz":11}})", "frequency_hz"},
          Case{R"({"mode":"audio","internal":{"frequency_hz":0}})", "frequency_hz"},
          Case{R"({"volume":1})", "volume"}}) {
        const HttpReply r = put(c.body);
        EXPECT_EQ(r.status, 422) << c.body;
        const QString message = r.json()["error"].toObject()["message"].toString();
        EXPECT_TRUE(message.contains(QLatin1String(c.field)))
            << c.body << " -> " << message.toStdString();
    }
    EXPECT_EQ(engine.phiSettings(), before);
    EXPECT_EQ(http->get("/api/phi").json()["mode"].toString(), QStringLiteral("manual"));
}

TEST_F(PhiRoutesTest, SensorPushesOneOrABatchInTimeOrderAndCounts) {
    HttpReply r = sensor(R"({"heart_rate_bpm":72,"gsr":0.25,"accel":{"x":0.1,"y":0,"z":1}})");
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_EQ(r.json()["received"].toInt(), 1);
    EXPECT_EQ(r.json()["applied"].toInt(), 1);
    EXPECT_NEAR(r.json()["age_s"].toDouble(-1), 0.0, 1.0);

    // A batch out of order: the latest t holds.
    const double now = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
    const QByteArray batch =
        QStringLiteral(R"([{"t":%1,"gsr":0.9},{"t":%2,"gsr":0.5,"heart_rate_bpm":90}])")
            .arg(now, 0, 'f', 3)
            .arg(now - 0.5, 0, 'f', 3)
            .toUtf8();
    r = sensor(batch);
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_EQ(r.json()["received"].toInt(), 3);
    EXPECT_EQ(r.json()["applied"].toInt(), 3);
    EXPECT_EQ(r.json()["gsr"].toDouble(), 0.9);
    EXPECT_EQ(r.json()["heart_rate_bpm"].toDouble(), 90.0);

    // The sensor source drives Φ once selected: depth = gsr·Φ.
    ASSERT_EQ(put(R"({"mode":"sensor"})").status, 200);
    ASSERT_TRUE(waitFor([&] {
        const phi::State s = engine.phiState();
        return !s.fading && s.mode == phi::Mode::Sensor;
    }));
    EXPECT_NEAR(http->get("/api/phi").json()["depth"].toDouble(), 0.9 * 1.6180339887, 1e-6);
}

TEST_F(PhiRoutesTest, SensorOutOfRangeIs422NamingTheFieldAndAppliesNothing) {
    for (const char* body :
         {R"({"gsr":1.5})", R"([{"gsr":0.5},{"heart_rate_bpm":20}])", R"({"accel":{"x":99}})"}) {
        const HttpReply r = sensor(body);
        EXPECT_EQ(r.status, 422) << body;
    }
    const HttpReply r = sensor(R"([{"gsr":0.5},{"heart_rate_bpm":20}])");
    EXPECT_TRUE(r.json()["error"].toObject()["message"].toString().contains("heart_rate_bpm"))
        << r.body.toStdString();
    const QJsonObject s = http->get("/api/phi").json()["sensor"].toObject();
    EXPECT_EQ(s["received"].toInt(), 0);
    EXPECT_EQ(s["gsr"].toDouble(), 0.0);
    EXPECT_TRUE(s["age_s"].isNull());
}

TEST_F(PhiRoutesTest, StatusCarriesThePhiFields) {
    ASSERT_EQ(put(R"({"mode":"audio"})").status, 200);
    const QJsonObject status = http->get("/api/status").json();
    EXPECT_EQ(status["phi_mode"].toString(), QStringLiteral("audio"));
    EXPECT_TRUE(status["phi_phase"].isDouble());
    EXPECT_TRUE(status["phi_depth"].isDouble());
}

TEST_F(PhiRoutesTest, APresetApplySetsTheModeManualValuesAndFrequency) {
    presets::EnginePresetTarget target(engine);
    presets::Preset preset;
    preset.name = QStringLiteral("Pulse");
    preset.phi.mode = presets::PhiMode::Internal;
    preset.phi.depth = 1.0;
    preset.phi.phase = -3.14159265358979323846;
    preset.phi.frequency = 3.0;
    target.applyPreset(preset);
    const phi::Settings s = engine.phiSettings();
    EXPECT_EQ(s.mode, phi::Mode::Internal);
    EXPECT_EQ(s.manualDepth, 1.0);
    EXPECT_NEAR(s.manualPhase, 3.14159265358979323846, 1e-12) << "−π wrapped into [0, 2π)";
    EXPECT_EQ(s.internalHz, 3.0);
    EXPECT_EQ(http->get("/api/phi").json()["mode"].toString(), QStringLiteral("internal"));
    // Captured back verbatim while unchanged; from the controller once changed.
    EXPECT_EQ(target.captureLiveState().phi, preset.phi);
    ASSERT_EQ(put(R"({"mode":"audio"})").status, 200);
    EXPECT_EQ(target.captureLiveState().phi.mode, presets::PhiMode::Audio);
    EXPECT_EQ(target.captureLiveState().phi.frequency, 3.0);

    // A preset without a frequency keeps the oscillator's.
    preset.phi.frequency.reset();
    preset.phi.mode = presets::PhiMode::Manual;
    target.applyPreset(preset);
    EXPECT_EQ(engine.phiSettings().mode, phi::Mode::Manual);
    EXPECT_EQ(engine.phiSettings().internalHz, 3.0);
}

TEST_F(PhiRoutesTest, AnAbToggleSwitchesTheModeThroughTheCrossfade) {
    presets::EnginePresetTarget target(engine);
    presets::AbComparator ab(&target);
    presets::Preset a, b;
    a.name = QStringLiteral("A");
    a.phi.mode = presets::PhiMode::Manual;
    a.phi.depth = 0.2;
    b.name = QStringLiteral("B");
    b.phi.mode = presets::PhiMode::Internal;
    b.phi.frequency = 0.5;
    ASSERT_EQ(ab.store(presets::AbSlot::A, a, QStringLiteral("test")).outcome,
              presets::PresetOutcome::Ok);
    ASSERT_EQ(ab.store(presets::AbSlot::B, b, QStringLiteral("test")).outcome,
              presets::PresetOutcome::Ok);
    ab.toggle(QStringLiteral("test"));
    const phi::Mode first = engine.phiSettings().mode;
    ab.toggle(QStringLiteral("test"));
    const phi::Mode second = engine.phiSettings().mode;
    EXPECT_NE(first, second);
    EXPECT_TRUE((first == phi::Mode::Internal && second == phi::Mode::Manual) ||
                (first == phi::Mode::Manual && second == phi::Mode::Internal));
    // The audio thread fades to it and settles.
    ASSERT_TRUE(waitFor([&] {
        const phi::State s = engine.phiState();
        return s.mode == second && !s.fading;
    }));
}

TEST_F(PhiRoutesTest, OpenApiDocumentDescribesThePhiRoutes) {
    const QJsonObject doc = http->get("/api/openapi.json").json();
    const QJsonObject paths = doc["paths"].toObject();
    EXPECT_TRUE(paths["/api/phi"].toObject().contains("get"));
    EXPECT_TRUE(paths["/api/phi"].toObject().contains("put"));
    EXPECT_TRUE(paths["/api/phi/sensor"].toObject().contains("post"));
    // The OSC counters are part of the GET document's schema.
    const QByteArray get = QJsonDocument(paths["/api/phi"].toObject()["get"].toObject()).toJson();
    EXPECT_TRUE(get.contains("\"osc\"") && get.contains("\"rejected\"")) << get.toStdString();
}
