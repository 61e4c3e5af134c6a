// The control room window (qml/Main.qml) with the real view-models, offscreen: the M key puts a
// marker into every session log and the status bar says so; typed into a text field, M is a
// letter, not a marker.
#include "AudioViewModel.h"
#include "EngineViewModel.h"
#include "GuiBackend.h"
#include "LatencyViewModel.h"
#include "MetricsViewModel.h"
#include "PhiViewModel.h"
#include "PresetsViewModel.h"
#include "SessionLogViewModel.h"
#include "SettingsViewModel.h"
#include "api/MetricsRoutes.h"
#include "api/SettingsRoutes.h"
#include "presets/AbComparator.h"
#include "presets/EnginePresetTarget.h"
#include "presets/PresetStore.h"

#include "engine/AudioEngine.h"
#include "latency/LatencyCalibrator.h"
#include "latency/LatencyCompensation.h"
#include "logging/SessionLogger.h"
#include "metrics/MetricsAnalyzer.h"

#include <QtQml/qqmlextensionplugin.h>
#include <gtest/gtest.h>
#include <QApplication>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QQmlApplicationEngine>
#include <QQmlComponent>
#include <QQuickItem>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QTest>

Q_IMPORT_QML_PLUGIN(SoundlabPlugin)

namespace soundlab {
namespace {

int markersIn(const logging::SessionLogger& log, logging::Category category) {
    QFile file(log.filePath(category, QStringLiteral("jsonl")));
    if (!file.open(QIODevice::ReadOnly)) return -1;
    int markers = 0;
    for (const QByteArray& line : file.readAll().split('\n'))
        if (QJsonDocument::fromJson(line).object().value("type") == "marker") ++markers;
    return markers;
}

// Every label in the window's footer, joined: what the status bar shows.
QString statusBarText(QQuickWindow* window) {
    QString text;
    const QObject* footer = window->property("footer").value<QObject*>();
    if (footer == nullptr) return text;
    for (const QObject* child : footer->findChildren<QObject*>())
        if (child->inherits("QQuickText")) text += child->property("text").toString();
    return text;
}

TEST(MainWindow, TheMKeyAddsAMarkerToEveryLogAndTheStatusBarSaysSo) {
    QTemporaryDir dir;
    logging::SessionLogger log({dir.path(), 16384, {}, QStringLiteral("20261130T080000Z-0002")});
    AudioEngine engine;
    test::GuiBackend gui(engine, &log);
    metrics::MetricsAnalyzer analyzer(engine.chain().analysisRing(), {});
    AudioViewModel audio(gui.backend);
    EngineViewModel engineView(gui.backend);
    PhiViewModel phi(gui.backend);
    LocalBackend metricsBackend(api::metricsChartRoutes(analyzer));
    MetricsViewModel metrics(metricsBackend);
    LatencyViewModel latencyView(gui.backend);
    SessionLogViewModel logView(gui.backend);
    LocalBackend settingsBackend(
        api::settingsRoutes({{"soundlab"}, dir.path() + "/soundlab.conf"}));
    SettingsViewModel settings(settingsBackend);
    presets::PresetStore store({dir.filePath("presets"), nullptr, {}});
    presets::EnginePresetTarget target(engine);
    presets::AbComparator ab(&target);
    PresetsViewModel presetsView(store, ab);

    QQmlApplicationEngine qml;
    qml.setInitialProperties({{"audio", QVariant::fromValue(&audio)},
                              {"engine", QVariant::fromValue(&engineView)},
                              {"phi", QVariant::fromValue(&phi)},
                              {"metrics", QVariant::fromValue(&metrics)},
                              {"latency", QVariant::fromValue(&latencyView)},
                              {"log", QVariant::fromValue(&logView)},
                              {"settings", QVariant::fromValue(&settings)},
                              {"presets", QVariant::fromValue(&presetsView)}});
    qml.load(QUrl(QStringLiteral("qrc:/Soundlab/Main.qml")));
    ASSERT_EQ(qml.rootObjects().size(), 1);
    auto* window = qobject_cast<QQuickWindow*>(qml.rootObjects().first());
    ASSERT_NE(window, nullptr);
    window->requestActivate();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(window));

    QTest::keyClick(window, Qt::Key_M);
    QTest::keyClick(window, Qt::Key_M);
    EXPECT_EQ(logView.markers(), 2);
    EXPECT_TRUE(statusBarText(window).contains(QStringLiteral("Marker 2 at ")))
        << statusBarText(window).toStdString();

    // In a text field M is a letter.
    QObject* field = nullptr;
    {
        QQmlComponent component(&qml);
        component.setData("import QtQuick.Controls\nTextField { width: 100 }", QUrl());
        field = component.create();
        ASSERT_NE(field, nullptr) << component.errorString().toStdString();
    }
    auto* item = qobject_cast<QQuickItem*>(field);
    item->setParentItem(window->contentItem());
    item->forceActiveFocus();
    ASSERT_TRUE(item->hasActiveFocus());
    QTest::keyClick(window, Qt::Key_M);
    EXPECT_EQ(field->property("text").toString(), QStringLiteral("m"));
    EXPECT_EQ(logView.markers(), 2);

    log.flush();
    for (logging::Category category : logging::kCategories)
        EXPECT_EQ(markersIn(log, category), 2) << logging::categoryName(category).toStdString();
    delete field;
}

}  // namespace
}  // namespace soundlab

int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    qputenv("QT_QUICK_BACKEND", "software");
    QApplication app(argc, argv);  // the metrics tab's charts need widgets
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
