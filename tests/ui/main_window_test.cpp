// The control room window (qml/Main.qml) with the real view-models, offscreen: the M key puts a
// marker into every session log and the status bar says so; typed into a text field, M is a
// letter, not a marker.
#include "ControlRoom.h"
#include "GuiBackend.h"
#include "LatencyViewModel.h"
#include "PhiViewModel.h"
#include "PresetsViewModel.h"
#include "SessionLogViewModel.h"
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

// Every text shown under `item`, one a line (the item tree: a Repeater's items are not its
// QObject children).
QString textsUnder(const QQuickItem* item) {
    QString texts;
    if (item->inherits("QQuickText")) texts += item->property("text").toString() + '\n';
    for (const QQuickItem* child : item->childItems()) texts += textsUnder(child);
    return texts;
}

// The texts of the banners showing now.
void collectBannerTexts(const QQuickItem* item, QStringList& texts) {
    if (item->objectName() == QLatin1String("bannerText"))
        texts << item->property("text").toString();
    for (const QQuickItem* child : item->childItems()) collectBannerTexts(child, texts);
}
QStringList bannerTexts(QQuickWindow* window) {
    QStringList texts;
    collectBannerTexts(window->contentItem(), texts);
    return texts;
}

TEST(MainWindow, TheMKeyAddsAMarkerToEveryLogAndTheStatusBarSaysSo) {
    QTemporaryDir dir;
    logging::SessionLogger log({dir.path(), 16384, {}, QStringLiteral("20261130T080000Z-0002")});
    AudioEngine engine;
    metrics::MetricsAnalyzer analyzer(engine.chain().analysisRing(), {});
    presets::PresetStore store({dir.filePath("presets"), nullptr, {}});
    presets::EnginePresetTarget target(engine);
    presets::AbComparator ab(&target);
    test::GuiBackend gui(engine, &log, {}, nullptr, nullptr,
                         test::windowRoutes(analyzer, dir.path() + "/soundlab.conf", store, ab));
    // The window as the app assembles it.
    ControlRoom room({gui.backend, {}});
    QQuickWindow* window = room.load();
    ASSERT_NE(window, nullptr);
    SessionLogViewModel& logView = room.log();
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
        QQmlComponent component(&room.qml());
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

// Keys without audio running (offscreen): Esc mutes through the panic route's function, 1–5 pick
// the Φ source, ? toggles the help that lists every key, C is refused (audio is stopped) and the
// refusal shows as a banner with the API's message; in a text field the keys are letters.
TEST(MainWindow, KeysReachTheApiAndARefusalShowsAsABanner) {
    QTemporaryDir dir;
    AudioEngine engine;
    metrics::MetricsAnalyzer analyzer(engine.chain().analysisRing(), {});
    presets::PresetStore store({dir.filePath("presets"), nullptr, {}});
    presets::EnginePresetTarget target(engine);
    presets::AbComparator ab(&target);
    test::GuiBackend gui(engine, nullptr, {}, nullptr, nullptr,
                         test::windowRoutes(analyzer, dir.path() + "/soundlab.conf", store, ab));
    ControlRoom room({gui.backend, {}});
    QQuickWindow* window = room.load();
    ASSERT_NE(window, nullptr);
    window->requestActivate();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(window));

    QTest::keyClick(window, Qt::Key_Escape);
    EXPECT_TRUE(engine.output().muted);

    const QStringList modes = room.phi().property("modes").toStringList();
    for (int i = 0; i < 5; ++i) {
        QTest::keyClick(window, char('1' + i));
        EXPECT_EQ(engine.phiSettings().mode, phi::Mode(i)) << "key " << i + 1;
        EXPECT_EQ(room.phi().property("mode").toString(), modes[i]);
    }
    QTest::keyClick(window, Qt::Key_1);
    EXPECT_EQ(engine.phiSettings().mode, phi::Mode::Manual);

    QObject* help = window->findChild<QObject*>(QStringLiteral("help"));
    ASSERT_NE(help, nullptr);
    QTest::keyClick(window, '?');
    ASSERT_TRUE(QTest::qWaitFor([&] { return help->property("opened").toBool(); }));
    // The help names every key the window has.
    auto* helpContent = help->property("contentItem").value<QQuickItem*>();
    ASSERT_NE(helpContent, nullptr);
    const QString listed = textsUnder(helpContent);
    for (const char* key : {"Space", "Esc", "T", "C", "1 … 5", "M", "Ctrl+F", "F11", "?"})
        EXPECT_TRUE(listed.contains(QString::fromUtf8(key))) << key;
    QTest::keyClick(window, '?');
    ASSERT_TRUE(QTest::qWaitFor([&] { return !help->property("visible").toBool(); }));

    EXPECT_TRUE(bannerTexts(window).isEmpty());
    QTest::keyClick(window, Qt::Key_C);
    // POST /api/latency/calibrate runs on a worker: its refusal comes back a moment later.
    ASSERT_TRUE(QTest::qWaitFor([&] { return !room.latency().lastError().isEmpty(); }))
        << "audio is stopped: the calibration is refused";
    const QString refusal = room.latency().lastError();
    ASSERT_TRUE(QTest::qWaitFor([&] { return bannerTexts(window).contains(refusal); }));

    // Ctrl+F opens the presets beside the dashboard with the search field focused: letters and
    // digits type there.
    QTest::keyClick(window, Qt::Key_F, Qt::ControlModifier);
    EXPECT_EQ(window->property("currentTab").toInt(), 5);
    QTest::keyClick(window, Qt::Key_3);
    QTest::keyClick(window, Qt::Key_T);
    EXPECT_EQ(engine.phiSettings().mode, phi::Mode::Manual) << "3 was typed, not a Φ source";
    ASSERT_TRUE(QTest::qWaitFor([&] { return room.presets().query() == QStringLiteral("3t"); }))
        << room.presets().query().toStdString();
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
