// The remote control room (issue 15): the window's view-models over a RemoteBackend to a real
// headless Soundlab process (the same program, `--no-gui --port 0 --token …`), offscreen. What
// the window does is checked on the box's own REST API with a separate HTTP client; what the API
// changes shows in the window. Then the box is killed and started again on the same port, and a
// wrong token is refused without a retry storm.
#include "AudioViewModel.h"
#include "ControlRoom.h"
#include "LatencyViewModel.h"
#include "LinkViewModel.h"
#include "MetricsViewModel.h"
#include "PhiViewModel.h"
#include "PresetsViewModel.h"
#include "RemoteBackend.h"
#include "SoundlabProcess.h"

#include <QtQml/qqmlextensionplugin.h>
#include <gtest/gtest.h>
#include <QApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QQuickItem>
#include <QQuickWindow>
#include <QTemporaryDir>

#include <csignal>
#include <cstdio>

Q_IMPORT_QML_PLUGIN(SoundlabPlugin)

namespace soundlab {
namespace {

using api::test::HttpClient;
using api::test::HttpReply;
using api::test::SoundlabProcess;
using api::test::waitFor;

const QString kToken = QStringLiteral("remote-room-token");
constexpr int kPatienceMs = 10000;  // a busy two-core machine

// A headless box on the virtual device with a loop from output to input (for calibration),
// audio running, guarded by kToken. `port` 0: any free port.
std::unique_ptr<SoundlabProcess> startBox(const QString& dataDir, quint16 port = 0) {
    return std::make_unique<SoundlabProcess>(
        QStringList{"--port", QString::number(port), "--token", kToken, "--data-dir", dataDir,
                    "--no-logging", "--virtual-loopback-delay", "1000"});
}

// The box's API as any client sees it (with the token).
struct BoxApi {
    explicit BoxApi(const QString& base) : http(base) {}
    HttpReply get(const QString& path) { return http.get(path, auth()); }
    HttpReply send(const QByteArray& method, const QString& path, const QByteArray& body = {}) {
        return http.send(method, path, body, auth());
    }
    static QList<QPair<QByteArray, QByteArray>> auth() {
        return {{"Authorization", "Bearer " + kToken.toUtf8()}};
    }
    HttpClient http;
};

QQuickItem* findItem(QQuickItem* item, const QString& name) {
    if (item->objectName() == name) return item;
    for (QQuickItem* child : item->childItems())
        if (QQuickItem* found = findItem(child, name)) return found;
    return nullptr;
}

// The window's picture, beside the test binary (docs/gui.md "Remote" shows them).
void savePicture(QQuickWindow* window, const QString& name) {
    const QString dir = QStringLiteral(REMOTE_WINDOW_OUTPUT_DIR);
    QDir().mkpath(dir);
    EXPECT_TRUE(window->grabWindow().save(dir + '/' + name)) << name.toStdString();
}

TEST(RemoteWindow, DrivesTheBoxAndShowsItsChanges) {
    QTemporaryDir data;
    const auto box = startBox(data.path());
    const QString base = box->waitForListening();
    ASSERT_FALSE(base.isEmpty()) << box->standardError().toStdString();
    BoxApi api(base);

    RemoteBackend backend(QUrl(base), kToken);
    ControlRoom room({backend, {}});
    QQuickWindow* window = room.load();
    ASSERT_NE(window, nullptr);
    EXPECT_EQ(window->title(), QStringLiteral("Soundlab — 127.0.0.1:%1").arg(box->port));
    ASSERT_TRUE(waitFor([&] { return room.link().state() == "up"; }, kPatienceMs))
        << room.link().message().toStdString();
    EXPECT_GE(room.link().roundTripMs(), 0);
    ASSERT_TRUE(waitFor([&] { return !room.phi().mode().isEmpty(); }, kPatienceMs));

    // Start audio from the window: the box runs it.
    room.audio().start();
    ASSERT_TRUE(waitFor([&] { return api.get("/api/status").json().value("audio_running") == true; },
                        kPatienceMs));
    ASSERT_TRUE(waitFor([&] { return room.audio().running(); }, kPatienceMs));

    // The Φ source, as the 1–5 keys pick it.
    ASSERT_TRUE(room.phi().setMode("internal"));
    ASSERT_TRUE(waitFor([&] { return api.get("/api/phi").json().value("mode") == "internal"; },
                        kPatienceMs));

    // A and B from the live state (B after a change made on the box), then the toggle.
    room.presets().storeLiveInSlot("A");
    ASSERT_TRUE(waitFor([&] { return room.presets().slotA() != ""; }, kPatienceMs))
        << room.presets().lastError().toStdString();
    ASSERT_EQ(api.send("PUT", "/api/engine", R"({"engine": {"coupling_strength": 0.3}})").status,
              200);
    room.presets().storeLiveInSlot("B");
    ASSERT_TRUE(waitFor(
        [&] { return api.get("/api/presets/ab/status").json().value("current_slot") == "B"; },
        kPatienceMs));
    room.presets().toggle();
    ASSERT_TRUE(waitFor(
        [&] { return api.get("/api/presets/ab/status").json().value("current_slot") == "A"; },
        kPatienceMs));
    EXPECT_DOUBLE_EQ(
        api.get("/api/engine").json().value("engine").toObject().value("coupling_strength").toDouble(),
        1.0)
        << "A's coupling is playing again";

    // Calibrate: the box runs a calibration on its loop.
    ASSERT_TRUE(room.latency().calibrate());
    ASSERT_TRUE(waitFor(
        [&] {
            return api.get("/api/latency/stats").json().value("last_calibration").toObject().value(
                       "id").toInteger() >= 1;
        },
        kPatienceMs));

    // "Save live" is a route now: the preset appears in the box's store.
    room.presets().saveLive("From the laptop");
    ASSERT_TRUE(waitFor(
        [&] { return api.get("/api/presets?query=laptop").body.contains("From the laptop"); },
        kPatienceMs))
        << room.presets().lastError().toStdString();

    // Export and import move files between this machine and the box: the bundle written here
    // holds the box's preset; deleted on the box, it comes back from the file.
    QTemporaryDir files;
    const QString bundle = files.filePath("bundle.json");
    room.presets().exportTo(QUrl::fromLocalFile(bundle));
    ASSERT_TRUE(waitFor([&] { return QFile::exists(bundle); }, kPatienceMs))
        << room.presets().lastError().toStdString();
    QFile exported(bundle);
    ASSERT_TRUE(exported.open(QIODevice::ReadOnly));
    EXPECT_TRUE(exported.readAll().contains("From the laptop"));
    const QJsonArray found = QJsonDocument::fromJson(api.get("/api/presets?query=laptop").body).array();
    ASSERT_EQ(found.size(), 1);
    const QString id = found.first().toObject().value("id").toString();
    ASSERT_EQ(api.send("DELETE", "/api/presets/" + id).status, 200);
    room.presets().previewImport(QUrl::fromLocalFile(bundle));
    ASSERT_TRUE(waitFor([&] { return room.presets().importPending(); }, kPatienceMs))
        << room.presets().lastError().toStdString();
    room.presets().confirmImport();
    EXPECT_TRUE(waitFor([&] { return api.get("/api/presets/" + id).status == 200; }, kPatienceMs))
        << room.presets().lastError().toStdString();

    // A change made through the API shows in the window.
    ASSERT_EQ(api.send("PUT", "/api/phi", R"({"mode": "manual"})").status, 200);
    EXPECT_TRUE(waitFor([&] { return room.phi().mode() == "manual"; }, kPatienceMs));
    // The charts are filled from the box's metrics.
    EXPECT_TRUE(waitFor([&] { return !room.metrics().lines().value(0).isEmpty(); }, kPatienceMs));
    savePicture(window, QStringLiteral("remote-up.png"));
}

TEST(RemoteWindow, ShowsTheLossAtOnceAndComesBackWithTheRestartedBox) {
    QTemporaryDir data;
    auto box = startBox(data.path());
    const QString base = box->waitForListening();
    ASSERT_FALSE(base.isEmpty()) << box->standardError().toStdString();
    const quint16 port = box->port;

    RemoteBackend backend(QUrl(base), kToken);
    ControlRoom room({backend, {}});
    QQuickWindow* window = room.load();
    ASSERT_NE(window, nullptr);
    ASSERT_TRUE(waitFor([&] { return room.link().up(); }, kPatienceMs));
    room.audio().start();
    ASSERT_TRUE(waitFor([&] { return room.audio().running(); }, kPatienceMs));
    QQuickItem* views = findItem(window->contentItem(), QStringLiteral("views"));
    ASSERT_NE(views, nullptr);
    EXPECT_TRUE(views->isEnabled());

    const qint64 killedAt = QDateTime::currentMSecsSinceEpoch();
    box->terminate(SIGKILL);
    ASSERT_TRUE(waitFor([&] { return room.link().state() == "down"; }, kPatienceMs));
    // The link's own time stamp of the change: a busy machine may run this test late, not it.
    EXPECT_LE(room.link().stateChangedAtMs() - killedAt, 2000);
    EXPECT_FALSE(room.link().message().isEmpty());
    EXPECT_FALSE(views->isEnabled()) << "the controls are disabled without a link";
    // The link banner exists only while the link is not up.
    const auto bannerText = [window] {
        const QQuickItem* shown = findItem(window->contentItem(), QStringLiteral("linkBanner"));
        return shown ? shown->property("text").toString() : QString();
    };
    EXPECT_TRUE(bannerText().contains(room.link().message())) << bannerText().toStdString();
    savePicture(window, QStringLiteral("remote-down.png"));

    // The box again, on the same port (a fresh engine: audio stopped, no frames yet).
    box = startBox(data.path(), port);
    ASSERT_FALSE(box->waitForListening().isEmpty()) << box->standardError().toStdString();
    ASSERT_TRUE(waitFor([&] { return room.link().up(); }, kPatienceMs))
        << room.link().message().toStdString();
    EXPECT_TRUE(views->isEnabled());
    EXPECT_TRUE(bannerText().isEmpty()) << "no link banner while up";
    // Live data again: the view-models read the new box (its audio stopped), and what the window
    // starts runs there and shows.
    ASSERT_TRUE(waitFor([&] { return !room.audio().running(); }, kPatienceMs));
    room.audio().start();
    ASSERT_TRUE(waitFor([&] { return room.audio().callbackCount() > 0; }, kPatienceMs));
    const quint64 callbacks = room.audio().callbackCount();
    EXPECT_TRUE(waitFor([&] { return room.audio().callbackCount() > callbacks; }, kPatienceMs));
    EXPECT_TRUE(waitFor([&] { return !room.metrics().lines().value(0).isEmpty(); }, kPatienceMs));
}

TEST(RemoteWindow, AWrongTokenIsNamedAndTriedOncePerBackoffStep) {
    QTemporaryDir data;
    const auto box = startBox(data.path());
    const QString base = box->waitForListening();
    ASSERT_FALSE(base.isEmpty()) << box->standardError().toStdString();

    RemoteBackend backend(QUrl(base), QStringLiteral("not-the-token"));
    ControlRoom room({backend, {}});
    QQuickWindow* window = room.load();
    ASSERT_NE(window, nullptr);
    ASSERT_TRUE(waitFor([&] { return room.link().state() == "unauthorized"; }, kPatienceMs));
    const QString message = room.link().message();
    EXPECT_TRUE(message.contains("401") && message.contains("token") &&
                message.contains(QStringLiteral("127.0.0.1:%1").arg(box->port)))
        << message.toStdString();

    // Over the next 3.5 s: attempts at 0.5 s and 1.5 s after the refusal (steps 0.5 s, 1 s),
    // the next at 3.5 s — never the view-models' 30 polls a second.
    const quint64 first = backend.requestsSent();
    EXPECT_EQ(first, 1u) << "only the link's probe went out";
    QElapsedTimer clock;
    clock.start();
    waitFor([] { return false; }, 3400);
    const quint64 attempts = backend.requestsSent() - first;
    EXPECT_GE(attempts, 1u) << "it keeps trying";
    EXPECT_LE(attempts, 3u) << attempts << " attempts in " << clock.elapsed() << " ms";
    EXPECT_EQ(room.link().state(), "unauthorized");
    savePicture(window, QStringLiteral("remote-unauthorized.png"));
}

}  // namespace
}  // namespace soundlab

namespace {
// Every QML warning (binding errors name their qrc: file): the remote states must bind cleanly.
QStringList qmlWarnings;
void collectQmlWarnings(QtMsgType type, const QMessageLogContext&, const QString& message) {
    if (message.contains(QLatin1String("qrc:"))) qmlWarnings << message;
    if (type != QtDebugMsg) fprintf(stderr, "%s\n", qPrintable(message));
}
}  // namespace

int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    qputenv("QT_QUICK_BACKEND", "software");
    QApplication app(argc, argv);  // the metrics charts need widgets
    qInstallMessageHandler(collectQmlWarnings);
    ::testing::InitGoogleTest(&argc, argv);
    const int failed = RUN_ALL_TESTS();
    if (!qmlWarnings.isEmpty()) {
        fprintf(stderr, "QML warnings:\n%s\n", qPrintable(qmlWarnings.join('\n')));
        return 1;
    }
    return failed;
}
