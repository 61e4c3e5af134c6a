// The GUI in the session logs (issue 13): every change a view-model makes reaches the
// audio_engine log as a `control` record with client "gui", shaped as the API request it equals
// (LocalBackend runs the route's handler with the session log's change observer); the M key's
// view-model puts a `marker` into every category's log through POST /api/markers and says so in
// the status bar. Real logger, real files.
#include "EngineViewModel.h"
#include "GuiBackend.h"
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
#include <algorithm>

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

TEST(LocalBackend, NotesEveryChangeAsTheControlRecordOfTheRequestItEquals) {
    Session session;
    AudioEngine engine;
    test::GuiBackend gui(engine, &session.log);

    EXPECT_EQ(
        gui.call("PUT", "/api/engine", QJsonObject{{"engine", QJsonObject{{"gain", 0.5}}}}).status,
        200);
    EXPECT_FLOAT_EQ(engine.settings().engine.gain, 0.5f);
    const BackendReply refused =
        gui.call("PUT", "/api/engine", QJsonObject{{"engine", QJsonObject{{"gain", 7.0}}}});
    EXPECT_EQ(refused.status, 422);
    EXPECT_TRUE(refused.message().contains("gain")) << refused.message().toStdString();
    EXPECT_FLOAT_EQ(engine.settings().engine.gain, 0.5f) << "a refused change changes nothing";
    EXPECT_EQ(gui.call("PUT", "/api/phi", QJsonObject{{"mode", "internal"}}).status, 200);
    EXPECT_EQ(gui.call("POST", "/api/audio/device", QJsonObject{{"device", "virtual"}}).status,
              200);
    EXPECT_EQ(gui.call("POST", "/api/audio/stop").status, 200);
    session.log.flush();

    // As for an API client, a request refused by the body's schema never reached a handler and
    // changed nothing: no record. (Handlers on worker threads log from there: the file's order
    // across threads is the logger's, so records are found by path.)
    const QList<QJsonObject> control =
        records(session.log, logging::Category::AudioEngine, QStringLiteral("control"));
    ASSERT_EQ(control.size(), 4);
    const auto find = [&](const QString& path) {
        for (const QJsonObject& record : control)
            if (record.value("path").toString() == path) return record;
        ADD_FAILURE() << "no record of " << path.toStdString();
        return QJsonObject();
    };
    const QList<std::pair<QString, QString>> expected = {{"PUT", "/api/engine"},
                                                         {"PUT", "/api/phi"},
                                                         {"POST", "/api/audio/device"},
                                                         {"POST", "/api/audio/stop"}};
    for (const auto& [method, path] : expected) {
        SCOPED_TRACE(path.toStdString());
        const QJsonObject record = find(path);
        EXPECT_EQ(record.value("client").toString(), "gui");
        EXPECT_EQ(record.value("method").toString(), method);
        EXPECT_EQ(record.value("status").toInt(), 200);
    }
    EXPECT_EQ(find("/api/engine").value("body").toObject(),
              (QJsonObject{{"engine", QJsonObject{{"gain", 0.5}}}}));
    EXPECT_EQ(find("/api/audio/device").value("body").toObject(),
              (QJsonObject{{"device", "virtual"}}));
    EXPECT_FALSE(find("/api/audio/stop").contains("body"));
}

// The latency panel's actions too, as the POSTs they equal (the query is not logged, as for the
// API's own requests), refusals by the handler with their 409/422.
TEST(LocalBackend, LatencyPanelActionsReachTheControlLog) {
    Session session;
    AudioEngine engine;  // stopped: a calibration is refused
    latency::LatencyCalibrator calibrator(engine);
    latency::LatencyCompensation compensation;
    test::GuiBackend gui(engine, &session.log, {}, &calibrator, &compensation);
    LatencyViewModel latencyView(gui.backend);

    EXPECT_TRUE(latencyView.calibrate()) << "answered later: the route runs off the GUI thread";
    ASSERT_TRUE(test::waitUntil([&] { return !latencyView.lastError().isEmpty(); }));
    EXPECT_TRUE(latencyView.setCompensation(10.0));
    EXPECT_FALSE(latencyView.setCompensation(500.0));
    EXPECT_TRUE(latencyView.adjustCompensation(5.0));
    EXPECT_TRUE(latencyView.setManualOffset(-3.0));
    EXPECT_EQ(compensation.compensationMs(), 15.0);
    EXPECT_TRUE(latencyView.setCompensation(195.0));
    EXPECT_FALSE(latencyView.adjustCompensation(10.0)) << "the handler's 422: beyond 200 ms";
    EXPECT_EQ(compensation.compensationMs(), 195.0);
    session.log.flush();

    // The out-of-range query parameter (500 ms) is refused before the handler, as over HTTP.
    // The calibration's route ran on a worker (it logs from there): checked apart from the
    // others, which ran in order on this thread.
    QList<QJsonObject> control =
        records(session.log, logging::Category::AudioEngine, QStringLiteral("control"));
    const auto calibrate = std::find_if(control.begin(), control.end(), [](const QJsonObject& r) {
        return r.value("path").toString() == "/api/latency/calibrate";
    });
    ASSERT_NE(calibrate, control.end());
    EXPECT_EQ(calibrate->value("status").toInt(), 409);
    EXPECT_EQ(calibrate->value("client").toString(), "gui");
    control.erase(calibrate);
    const QList<std::pair<QString, int>> expected = {{"/api/latency/compensation/set", 200},
                                                     {"/api/latency/compensation/adjust", 200},
                                                     {"/api/latency/compensation/manual", 200},
                                                     {"/api/latency/compensation/set", 200},
                                                     {"/api/latency/compensation/adjust", 422}};
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
TEST(LocalBackend, ViewModelEditsReachTheControlLog) {
    Session session;
    AudioEngine engine;
    test::GuiBackend gui(engine, &session.log);
    EngineViewModel engineView(gui.backend);
    PhiViewModel phiView(gui.backend);
    ASSERT_TRUE(test::waitUntil([&] { return !engineView.document().isEmpty(); }));

    // PUT /api/engine runs on the engine's serial queue: one at a time, in order.
    engineView.setGain(0.25);
    engineView.setAmplitude(2, 0.5);
    engineView.setStrategy(1);
    gui.backend.waitForHandlers();
    ASSERT_TRUE(test::waitUntil([&] { return engineView.strategy() == 1; }));
    EXPECT_TRUE(phiView.setManualDepth(0.3));
    session.log.flush();

    EXPECT_FLOAT_EQ(engine.settings().engine.gain, 0.25f);
    EXPECT_FLOAT_EQ(engine.settings().engine.amplitudes[2], 0.5f);
    const QList<QJsonObject> all =
        records(session.log, logging::Category::AudioEngine, QStringLiteral("control"));
    ASSERT_EQ(all.size(), 4);
    // The engine's edits in order (one worker thread ran them); the Φ edit ran on this thread.
    QList<QJsonObject> control;
    QJsonObject phiRecord;
    for (const QJsonObject& record : all) {
        EXPECT_EQ(record.value("client").toString(), "gui");
        EXPECT_EQ(record.value("status").toInt(), 200);
        if (record.value("path").toString() == "/api/engine")
            control << record;
        else
            phiRecord = record;
    }
    ASSERT_EQ(control.size(), 3);
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
    EXPECT_EQ(phiRecord.value("path").toString(), "/api/phi");
    EXPECT_EQ(phiRecord.value("body").toObject(),
              (QJsonObject{{"manual", QJsonObject{{"depth", 0.3}}}}));
}

TEST(SessionLogViewModel, TheMarkerKeyPutsANumberedMarkerIntoEveryCategoryAndSaysSo) {
    Session session;
    AudioEngine engine;
    test::GuiBackend gui(engine, &session.log);
    SessionLogViewModel view(gui.backend);
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
    test::GuiBackend gui(engine, nullptr);
    SessionLogViewModel view(gui.backend);
    EXPECT_FALSE(view.addMarker());
    EXPECT_EQ(view.markers(), 0);
    EXPECT_EQ(view.message(), QStringLiteral("No marker: logging is off (--no-logging)"));
}

}  // namespace
}  // namespace soundlab
