// SettingsViewModel is a client of /api/settings (in-process, LocalBackend): it shows the
// document GET serves and saves by PUT, so the Settings tab refuses what the API refuses, with
// the same message. AudioViewModel hands a device chosen in the window on to be remembered.
#include "AudioViewModel.h"
#include "GuiBackend.h"
#include "SettingsViewModel.h"

#include "engine/AudioEngine.h"
#include "api/SettingsRoutes.h"
#include "settings/SettingsFile.h"

#include <gtest/gtest.h>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <atomic>

namespace soundlab {
namespace {

bool waitUntil(const std::function<bool()>& done, int timeoutMs = 5000) {
    QElapsedTimer timer;
    timer.start();
    while (!done() && timer.elapsed() < timeoutMs)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    return done();
}

QVariantMap entry(const QVariantList& settings, const QString& key) {
    for (const QVariant& v : settings)
        if (v.toMap().value("key").toString() == key) return v.toMap();
    return {};
}

TEST(SettingsViewModel, ShowsTheApiDocumentAndSavesThroughTheSameCheck) {
    QTemporaryDir dir;
    const SettingsFileContext context{{"soundlab"}, dir.path() + "/soundlab.conf"};
    LocalBackend backend(api::settingsRoutes(context));
    SettingsViewModel vm(backend);
    ASSERT_TRUE(waitUntil([&] { return !vm.busy() && !vm.settings().isEmpty(); }));
    EXPECT_EQ(vm.settings(), settingsDocument(context).value("settings").toArray().toVariantList());

    vm.save({{"metrics/metrics-rate", "500"}});
    ASSERT_TRUE(waitUntil([&] { return !vm.busy() && !vm.error().isEmpty(); }));
    EXPECT_EQ(vm.errorKey(), "metrics/metrics-rate");
    EXPECT_TRUE(vm.error().contains("30 to 120")) << vm.error().toStdString();
    EXPECT_FALSE(QFile::exists(context.filePath)) << "a refused save writes nothing";

    vm.save({{"metrics/metrics-rate", "60"}, {"audio/device", "virtual"}});
    ASSERT_TRUE(waitUntil([&] { return !vm.busy() && !vm.message().isEmpty(); }));
    EXPECT_TRUE(vm.error().isEmpty()) << vm.error().toStdString();
    EXPECT_EQ(entry(vm.settings(), "metrics/metrics-rate").value("file_value").toString(), "60");
    EXPECT_EQ(entry(vm.settings(), "audio/device").value("origin").toString(), context.filePath);
}

TEST(AudioViewModel, ADeviceChosenInTheWindowIsHandedOnByName) {
    AudioEngine engine;
    test::GuiBackend gui(engine, nullptr);
    AudioViewModel vm(gui.backend);
    std::atomic<bool> called = false;
    QString chosen;
    vm.setDeviceChosen([&](const QString& selector) {
        chosen = selector;
        called = true;
    });
    // GET /api/devices runs off the GUI thread: the list comes through the event loop.
    ASSERT_TRUE(waitUntil([&] { return vm.devices().contains(QStringLiteral("virtual")); }));
    const int virtualRow = int(vm.devices().indexOf(QStringLiteral("virtual")));
    ASSERT_GE(virtualRow, 0) << vm.devices().join(", ").toStdString();
    vm.selectDevice(virtualRow);
    ASSERT_TRUE(waitUntil([&] { return called.load() && !vm.busy(); }));
    EXPECT_EQ(chosen, "virtual");
}

}  // namespace
}  // namespace soundlab
