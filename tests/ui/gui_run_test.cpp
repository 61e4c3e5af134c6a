// A scripted run of the real window on a real display (Xvfb under CTest, see run-under-xvfb.sh):
// the app's own assembly (ControlRoom) over an engine on the virtual device, driven with key
// presses as an operator would, with a PNG of the dashboard and of every detail view written
// into the build tree (gui-run/). It checks what the operator relies on: the charts receive
// points, the state badge names a state, the keys reach the engine (Space, 1–5, T, Esc, ?), and
// QML printed no warning on the way.
#include "AudioViewModel.h"
#include "ControlRoom.h"
#include "GuiBackend.h"
#include "MetricsViewModel.h"
#include "OutputViewModel.h"
#include "PhiViewModel.h"
#include "PresetsViewModel.h"
#include "api/PhiRoutes.h"
#include "engine/AudioEngine.h"
#include "latency/LatencyCalibrator.h"
#include "latency/LatencyCompensation.h"
#include "logging/SessionLogger.h"
#include "metrics/MetricsAnalyzer.h"
#include "presets/AbComparator.h"
#include "presets/EnginePresetTarget.h"
#include "presets/PresetStore.h"

#include <QtQml/qqmlextensionplugin.h>
#include <gtest/gtest.h>
#include <QApplication>
#include <QDir>
#include <QImage>
#include <QMutex>
#include <QQuickItem>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>

Q_IMPORT_QML_PLUGIN(SoundlabPlugin)

namespace soundlab {
namespace {

// Every warning Qt printed while the window ran (QML's carry their qrc: URL).
QMutex warningsLock;
QStringList warnings;
QtMessageHandler previousHandler = nullptr;
void collectWarnings(QtMsgType type, const QMessageLogContext& context, const QString& message) {
    if (type != QtDebugMsg && type != QtInfoMsg) {
        const QMutexLocker lock(&warningsLock);
        warnings << message;
    }
    previousHandler(type, context, message);
}
QStringList qmlWarnings() {
    const QMutexLocker lock(&warningsLock);
    QStringList qml;
    for (const QString& w : warnings)
        if (w.contains(QLatin1String("qrc:")) || w.contains(QLatin1String("QML")) ||
            w.contains(QLatin1String("Binding")))
            qml << w;
    return qml;
}

QString outputDirectory() {
    const QString dir = QStringLiteral(GUI_RUN_OUTPUT_DIR);
    QDir().mkpath(dir);
    return dir;
}

// The window as it is now, after the scene graph drew the latest changes.
QImage grab(QQuickWindow* window, const QString& name) {
    QTest::qWait(200);  // a few frames at 60 Hz: the last property changes are drawn
    QImage image = window->grabWindow();
    image.save(outputDirectory() + QLatin1Char('/') + name + QStringLiteral(".png"));
    return image;
}

// Distinct colours in a coarse sample: a blank or single-colour grab has very few.
int colours(const QImage& image) {
    QSet<QRgb> seen;
    for (int y = 0; y < image.height(); y += 7)
        for (int x = 0; x < image.width(); x += 7) seen.insert(image.pixel(x, y));
    return int(seen.size());
}

// By objectName through the item tree (items a Repeater or a Card holds are not QObject children
// of the window's content).
QQuickItem* findItem(QQuickItem* root, const QString& objectName) {
    if (root->objectName() == objectName) return root;
    for (QQuickItem* child : root->childItems())
        if (QQuickItem* found = findItem(child, objectName)) return found;
    return nullptr;
}
QQuickItem* item(QQuickWindow* window, const char* objectName) {
    return findItem(window->contentItem(), QLatin1String(objectName));
}

QString phiMode(const AudioEngine& engine) {
    return api::phiState(engine).value(QStringLiteral("mode")).toString();
}

TEST(GuiRun, AnOperatorDrivesTheControlRoomWithKeys) {
    QTemporaryDir dir;
    logging::SessionLogger log({dir.path(), 16384, {}, QStringLiteral("20261130T120000Z-0001")});
    AudioEngine engine;
    StreamConfig config;
    config.inputDevice = config.outputDevice = QStringLiteral("virtual");
    ASSERT_FALSE(engine.configure(config));
    metrics::MetricsAnalyzer analyzer(engine.chain().analysisRing(), {});
    analyzer.start();
    presets::PresetStore store({dir.filePath("presets"), nullptr, {}});
    presets::EnginePresetTarget target(engine);
    presets::AbComparator ab(&target);
    test::GuiBackend gui(engine, &log, {}, nullptr, nullptr,
                         test::windowRoutes(analyzer, dir.path() + "/soundlab.conf", store, ab));
    ControlRoom room({gui.backend, {}});
    QQuickWindow* window = room.load();
    ASSERT_NE(window, nullptr);
    window->resize(1280, 800);
    window->show();
    window->requestActivate();
    ASSERT_TRUE(QTest::qWaitForWindowActive(window, 10000));

    // Space starts audio (POST /api/audio/start through the window's backend, on a worker thread).
    ASSERT_FALSE(engine.status().running);
    QTest::keyClick(window, Qt::Key_Space);
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return engine.status().running && room.audio().running(); }, 20000));

    // The charts receive points and the badge names one of the analysis's states.
    QQuickItem* chart = item(window, "dashboardChart");
    ASSERT_NE(chart, nullptr);
    ASSERT_TRUE(QTest::qWaitFor([&] { return chart->property("pointCount").toInt() >= 10; }, 30000))
        << "frames " << room.metrics().frameCount() << ", points "
        << chart->property("pointCount").toInt();
    QQuickItem* badge = item(window, "stateBadge");
    ASSERT_NE(badge, nullptr);
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return room.metrics().states().contains(badge->property("text").toString()); },
        20000));
    EXPECT_EQ(badge->property("text").toString(), room.metrics().state());

    // 1–5 pick the Φ source, in the order the Φ strip numbers them.
    const QStringList modes = room.phi().property("modes").toStringList();
    ASSERT_EQ(modes.size(), 5);
    for (int i = 4; i >= 0; --i) {
        QTest::keyClick(window, char('1' + i));
        EXPECT_EQ(phiMode(engine), modes[i]) << "key " << i + 1;
    }
    EXPECT_EQ(phiMode(engine), QStringLiteral("manual"));
    // Let a few seconds of the field show on the chart for the picture.
    QTest::qWait(3000);
    const QImage dashboard = grab(window, QStringLiteral("dashboard"));
    EXPECT_EQ(dashboard.size(), window->size() * window->devicePixelRatio());
    EXPECT_GT(colours(dashboard), 20) << "the dashboard grab looks blank";

    // T: A and B hold two couplings; each press plays the other one on the engine.
    auto coupling = [&engine] { return engine.settings().engine.couplingStrength; };
    ASSERT_EQ(gui.call("PUT", "/api/engine",
                       QJsonObject{{"engine", QJsonObject{{"coupling_strength", 0.25}}}})
                  .status,
              200);
    room.presets().storeLiveInSlot(QStringLiteral("A"));
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return !room.presets().slotA().isEmpty() && !room.presets().busy(); }, 10000));
    ASSERT_EQ(gui.call("PUT", "/api/engine",
                       QJsonObject{{"engine", QJsonObject{{"coupling_strength", 1.75}}}})
                  .status,
              200);
    room.presets().storeLiveInSlot(QStringLiteral("B"));
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return !room.presets().slotB().isEmpty() && !room.presets().busy(); }, 10000));
    // Live is B's coupling; the first T plays A (neither slot was playing), the second B. The
    // slot the A/B card names follows within a refresh.
    QTest::keyClick(window, Qt::Key_T);
    EXPECT_TRUE(QTest::qWaitFor([&] { return coupling() == 0.25f; }, 10000)) << coupling();
    EXPECT_TRUE(QTest::qWaitFor([&] { return room.presets().activeSlot() == "A"; }, 10000));
    QTest::keyClick(window, Qt::Key_T);
    EXPECT_TRUE(QTest::qWaitFor([&] { return coupling() == 1.75f; }, 10000)) << coupling();
    EXPECT_TRUE(QTest::qWaitFor([&] { return room.presets().activeSlot() == "B"; }, 10000));
    grab(window, QStringLiteral("dashboard-ab"));

    // ? opens the key help over the dashboard and closes it again.
    QObject* help = window->findChild<QObject*>(QStringLiteral("help"));
    ASSERT_NE(help, nullptr);
    QTest::keyClick(window, '?');
    ASSERT_TRUE(QTest::qWaitFor([&] { return help->property("opened").toBool(); }));
    grab(window, QStringLiteral("help"));
    QTest::keyClick(window, '?');
    ASSERT_TRUE(QTest::qWaitFor([&] { return !help->property("visible").toBool(); }));

    // Every detail view opens beside the right column; each grab shows something.
    const QStringList views = window->property("detailViews").toStringList();
    ASSERT_EQ(views.size(), 7);
    const QStringList files{"audio", "engine", "phi", "metrics", "latency", "presets", "settings"};
    for (int i = 0; i < views.size(); ++i) {
        window->setProperty("currentTab", i);
        const QImage view = grab(window, QStringLiteral("detail-") + files[i]);
        EXPECT_GT(colours(view), 10) << files[i].toStdString();
    }
    window->setProperty("currentTab", -1);

    // Esc is the panic: the output mutes (ramped), through the API's function.
    EXPECT_FALSE(engine.output().muted);
    QTest::keyClick(window, Qt::Key_Escape);
    EXPECT_TRUE(engine.output().muted);
    ASSERT_TRUE(QTest::qWaitFor([&] { return room.output().muted(); }));

    // Space stops audio again.
    QTest::keyClick(window, Qt::Key_Space);
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return !engine.status().running && !room.audio().busy(); }, 20000));

    EXPECT_TRUE(qmlWarnings().isEmpty()) << qmlWarnings().join('\n').toStdString();
    analyzer.stop();
}

}  // namespace
}  // namespace soundlab

int main(int argc, char** argv) {
    // The software renderer, as on a machine without a GPU (and as the benchmarks measure).
    qputenv("QT_QUICK_BACKEND", "software");
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")) {
        std::printf("no display: run under xvfb-run (tests/ui/run-under-xvfb.sh)\n");
        return 77;
    }
    soundlab::previousHandler = qInstallMessageHandler(soundlab::collectWarnings);
    QApplication app(argc, argv);  // the charts need widgets
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
