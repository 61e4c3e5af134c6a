// The GUI in the session logs (issue 13): every change a view-model makes reaches the
// audio_engine log as a `control` record with client "gui", shaped as the API request it equals
// (GuiApiClient); the M key's view-model puts a `marker` into every category's log through POST
// /api/markers' function and says so in the status bar. Real logger, real files.
#include "EngineViewModel.h"
#include "GuiApiClient.h"
#include "LatencyViewModel.h"
#include "PhiViewModel.h"
#include "SessionLogViewModel.h"

#include "engine/AudioEngine.h"
#include "latency/LatencyCalibrator.h"
#include "latency/LatencyCompensation.h"
#include "logging/SessionLogger.h"

#include <gtest/gtest.h>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTemporaryDir>

namespace soundlab {
namespace {

QList<QJsonObject> records(const logging::SessionLogger& log, logging::Category category,
                           const QString& type) {
    QFile file(log.filePath(category, QStringLiteral("jsonl")));
    EXPECT_TRUE(file.open(QIODevice::ReadOnly)) << file.fileName().toStdString();
    QList<QJsonObject> matching;
    for (const QByteArray& line : file.readAll().split('\n')) {
        const QJsonObject record = QJsonDocument::fromJson(line).object();
        if (record.value("type") == type) matching << record;
    }
    return matching;
}

struct Session {
    QTemporaryDir dir;
    logging::SessionLogger log{{dir.path(), 16384, {}, QStringLiteral("20261130T080000Z-0001")}};
};

TEST(GuiApiClient, NotesEveryChangeAsTheControlRecordOfTheRequestItEquals) {
    Session session;
    AudioEngine engine;
    GuiApiClient gui(engine, &session.log);

    EXPECT_TRUE(gui.updateEngine({{"engine", QJsonObject{{"gain", 0.5}}}}).empty());
    EXPECT_FLOAT_EQ(engine.settings().engine.gain, 0.5f);
    EXPECT_FALSE(gui.updateEngine({{"engine", QJsonObject{{"gain", 7.0}}}}).empty());
    EXPECT_FLOAT_EQ(engine.settings().engine.gain, 0.5f) << "a refused change changes nothing";
    EXPECT_TRUE(gui.updatePhi({{"mode", "internal"}}).empty());
    EXPECT_FALSE(gui.selectDevice(QStringLiteral("virtual")));
    gui.stopAudio();
    session.log.flush();

    const QList<QJsonObject> control =
        records(session.log, logging::Category::AudioEngine, QStringLiteral("control"));
    ASSERT_EQ(control.size(), 5);
    const QList<std::tuple<QString, QString, int>> expected = {{"PUT", "/api/engine", 200},
                                                               {"PUT", "/api/engine", 422},
                                                               {"PUT", "/api/phi", 200},
                                                               {"POST", "/api/audio/device", 200},
                                                               {"POST", "/api/audio/stop", 200}};
    for (int i = 0; i < control.size(); ++i) {
        SCOPED_TRACE(i);
        EXPECT_EQ(control[i].value("client").toString(), "gui");
        EXPECT_EQ(control[i].value("method").toString(), std::get<0>(expected[i]));
        EXPECT_EQ(control[i].value("path").toString(), std::get<1>(expected[i]));
        EXPECT_EQ(control[i].value("status").toInt(), std::get<2>(expected[i]));
    }
    EXPECT_EQ(control[0].value("body").toObject(),
              (QJsonObject{{"engine", QJsonObject{{"gain", 0.5}}}}));
    EXPECT_EQ(control[3].value("body").toObject(), (QJsonObject{{"device", "virtual"}}));
    EXPECT_FALSE(control[4].contains("body"));
}

// The latency panel's actions too, as the POSTs they equal (the query is not logged, as for the
// API's own requests), refusals with their 409/422.
TEST(GuiApiClient, LatencyPanelActionsReachTheControlLog) {
    Session session;
    AudioEngine engine;  // stopped: a calibration is refused
    GuiApiClient gui(engine, &session.log);
    latency::LatencyCalibrator calibrator(engine);
    latency::LatencyCompensation compensation;
    LatencyViewModel latencyView(gui, {engine, calibrator, compensation});

    EXPECT_FALSE(latencyView.calibrate());
    EXPECT_TRUE(latencyView.setCompensation(10.0));
    EXPECT_FALSE(latencyView.setCompensation(500.0));
    EXPECT_TRUE(latencyView.adjustCompensation(5.0));
    EXPECT_TRUE(latencyView.setManualOffset(-3.0));
    EXPECT_EQ(compensation.compensationMs(), 15.0);
    session.log.flush();

    const QList<QJsonObject> control =
        records(session.log, logging::Category::AudioEngine, QStringLiteral("control"));
    const QList<std::pair<QString, int>> expected = {{"/api/latency/calibrate", 409},
                                                     {"/api/latency/compensation/set", 200},
                                                     {"/api/latency/compensation/set", 422},
                                                     {"/api/latency/compensation/adjust", 200},
                                                     {"/api/latency/compensation/manual", 200}};
    ASSERT_EQ(control.size(), expected.size());
    for (int i = 0; i < control.size(); ++i) {
        SCOPED_TRACE(i);
        EXPECT_EQ(control[i].value("client").toString(), "gui");
        EXPECT_EQ(control[i].value("method").toString(), "POST");
        EXPECT_EQ(control[i].value("path").toString(), expected[i].first);
        EXPECT_EQ(control[i].value("status").toInt(), expected[i].second);
    }
}

// The view-models change state only through the client, so their edits are in the log too.
TEST(GuiApiClient, ViewModelEditsReachTheControlLog) {
    Session session;
    AudioEngine engine;
    GuiApiClient gui(engine, &session.log);
    EngineViewModel engineView(gui);
    PhiViewModel phiView(gui);

    engineView.setGain(0.25);
    engineView.setAmplitude(2, 0.5);
    engineView.setStrategy(1);
    EXPECT_TRUE(phiView.setManualDepth(0.3));
    session.log.flush();

    EXPECT_FLOAT_EQ(engine.settings().engine.gain, 0.25f);
    EXPECT_FLOAT_EQ(engine.settings().engine.amplitudes[2], 0.5f);
    const QList<QJsonObject> control =
        records(session.log, logging::Category::AudioEngine, QStringLiteral("control"));
    ASSERT_EQ(control.size(), 4);
    for (const QJsonObject& record : control) {
        EXPECT_EQ(record.value("client").toString(), "gui");
        EXPECT_EQ(record.value("status").toInt(), 200);
    }
    EXPECT_EQ(control[0].value("body").toObject(),
              (QJsonObject{{"engine", QJsonObject{{"gain", 0.25}}}}));
    const QJsonArray amplitudes = control[1]
                                      .value("body")
                                      .toObject()
                                      .value("engine")
                                      .toObject()
                                      .value("amplitudes")
                                      .toArray();
    ASSERT_EQ(amplitudes.size(), 8);
    EXPECT_DOUBLE_EQ(amplitudes.at(2).toDouble(), 0.5);
    EXPECT_DOUBLE_EQ(amplitudes.at(0).toDouble(), double(engine.settings().engine.amplitudes[0]));
    EXPECT_EQ(control[2].value("body").toObject(),
              (QJsonObject{{"downmix", QJsonObject{{"strategy", engineView.strategies().at(1)}}}}));
    EXPECT_EQ(control[3].value("path").toString(), "/api/phi");
    EXPECT_EQ(control[3].value("body").toObject(),
              (QJsonObject{{"manual", QJsonObject{{"depth", 0.3}}}}));
}

TEST(SessionLogViewModel, TheMarkerKeyPutsANumberedMarkerIntoEveryCategoryAndSaysSo) {
    Session session;
    AudioEngine engine;
    GuiApiClient gui(engine, &session.log);
    SessionLogViewModel view(gui);
    EXPECT_TRUE(view.message().isEmpty());

    EXPECT_TRUE(view.addMarker());
    EXPECT_TRUE(view.addMarker());
    EXPECT_TRUE(view.addMarker(QStringLiteral("take 2")));
    EXPECT_EQ(view.markers(), 3);
    EXPECT_TRUE(QRegularExpression(QStringLiteral("^Marker 3 at \\d\\d:\\d\\d:\\d\\d$"))
                    .match(view.message())
                    .hasMatch())
        << view.message().toStdString();
    EXPECT_FALSE(view.addMarker(QString(201, QLatin1Char('x'))));
    EXPECT_EQ(view.markers(), 3);
    EXPECT_TRUE(view.message().startsWith(QStringLiteral("No marker: label")))
        << view.message().toStdString();
    session.log.flush();

    for (logging::Category category : logging::kCategories) {
        SCOPED_TRACE(logging::categoryName(category).toStdString());
        const QList<QJsonObject> markers = records(session.log, category, QStringLiteral("marker"));
        ASSERT_EQ(markers.size(), 3);
        EXPECT_EQ(markers[0].value("label").toString(), "M key #1");
        EXPECT_EQ(markers[1].value("label").toString(), "M key #2");
        EXPECT_EQ(markers[2].value("label").toString(), "take 2");
        for (const QJsonObject& marker : markers)
            EXPECT_EQ(marker.value("client").toString(), "gui");
    }
}

TEST(SessionLogViewModel, WithoutLoggingTheKeySaysWhyThereIsNoMarker) {
    AudioEngine engine;
    GuiApiClient gui(engine, nullptr);
    SessionLogViewModel view(gui);
    EXPECT_FALSE(view.addMarker());
    EXPECT_EQ(view.markers(), 0);
    EXPECT_EQ(view.message(), QStringLiteral("No marker: logging is off (--no-logging)"));
}

}  // namespace
}  // namespace soundlab
