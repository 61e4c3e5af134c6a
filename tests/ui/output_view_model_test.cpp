// The dashboard's output strip (OutputViewModel) beside the real API server on the virtual
// device: its gain, mute and meters are the documents GET /api/audio/output and /api/status
// serve; its changes are the API's (same validation, same refusal message), reach the engine,
// show on the API's side and land in the control log as the requests they equal.
#include "ApiTestSupport.h"
#include "LocalBackend.h"
#include "OutputViewModel.h"
#include "VirtualDeviceApiTest.h"
#include "api/LogRoutes.h"

#include "logging/SessionLogger.h"

#include <gtest/gtest.h>
#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>

namespace soundlab {
namespace {

using api::test::waitFor;

class OutputViewModelTest : public api::test::VirtualDeviceApiTest {
protected:
    StreamConfig streamConfig() const override {
        StreamConfig config = VirtualDeviceApiTest::streamConfig();
        config.virtualDevice.input = QStringLiteral("sine:1000");
        config.blockSize = 256;
        return config;
    }
    void SetUp() override {
        VirtualDeviceApiTest::SetUp();
        // The window's backend as the app builds it: the server's own routes, the control log.
        gui = std::make_unique<LocalBackend>(server->routeTable().routes(),
                                             api::controlLogObserver(log));
        vm = std::make_unique<OutputViewModel>(*gui);
    }
    void TearDown() override {
        vm.reset();
        VirtualDeviceApiTest::TearDown();
    }
    QList<QJsonObject> controlRecords() {
        log.flush();
        QFile file(log.filePath(logging::Category::AudioEngine, QStringLiteral("jsonl")));
        EXPECT_TRUE(file.open(QIODevice::ReadOnly));
        QList<QJsonObject> control;
        for (const QByteArray& line : file.readAll().split('\n')) {
            const QJsonObject record = QJsonDocument::fromJson(line).object();
            if (record.value("type") == "control") control << record;
        }
        return control;
    }

    QTemporaryDir dir;
    logging::SessionLogger log{{dir.path(), 16384, {}, QStringLiteral("20261130T120000Z-0002")}};
    std::unique_ptr<LocalBackend> gui;
    std::unique_ptr<OutputViewModel> vm;
};

TEST_F(OutputViewModelTest, GainAndMuteAreTheApiDocumentBothWays) {
    const QJsonObject served = http->get("/api/audio/output").json();
    EXPECT_EQ(vm->gainDb(), served["gain_db"].toDouble());
    EXPECT_EQ(vm->gainDbMin(), served["gain_db_min"].toDouble());
    EXPECT_EQ(vm->gainDbMax(), served["gain_db_max"].toDouble());
    EXPECT_FALSE(vm->muted());

    // The GUI's change is what the API then serves.
    EXPECT_TRUE(vm->setGainDb(-9.5));
    EXPECT_EQ(engine.output().gainDb, -9.5);
    EXPECT_EQ(http->get("/api/audio/output").json()["gain_db"].toDouble(), -9.5);
    // The API's change shows in the strip within one 30 Hz refresh.
    ASSERT_EQ(http->send("PUT", "/api/audio/output", R"({"gain_db": 3})").status, 200);
    EXPECT_TRUE(waitFor([&] { return vm->gainDb() == 3.0; }));
}

TEST_F(OutputViewModelTest, AGainOutOfRangeIsRefusedWithTheApisMessageAndChangesNothing) {
    EXPECT_TRUE(vm->setGainDb(-6.0));
    EXPECT_FALSE(vm->setGainDb(30.0));
    EXPECT_EQ(engine.output().gainDb, -6.0);
    EXPECT_EQ(vm->gainDb(), -6.0);
    const QJsonObject refusal =
        http->send("PUT", "/api/audio/output", R"({"gain_db": 30})").json()["error"].toObject();
    EXPECT_TRUE(vm->lastError().contains(QStringLiteral("gain_db")))
        << vm->lastError().toStdString();
    EXPECT_TRUE(refusal["message"].toString().contains(vm->lastError()))
        << refusal["message"].toString().toStdString() << " / " << vm->lastError().toStdString();
    // The next accepted change clears it.
    EXPECT_TRUE(vm->setGainDb(-3.0));
    EXPECT_TRUE(vm->lastError().isEmpty());
}

TEST_F(OutputViewModelTest, PanicMutesKeepsTheGainAndUnmuteBringsTheSoundBack) {
    ASSERT_TRUE(vm->setGainDb(-4.0));
    // The sine plays: the output meters rise above the floor.
    ASSERT_TRUE(waitFor([&] { return vm->leftPeakDb() > -40.0 && vm->inputPeakDb() > -40.0; }))
        << vm->leftPeakDb() << " " << vm->inputPeakDb();
    EXPECT_GE(vm->leftPeakDb(), vm->leftRmsDb());

    vm->panic();
    EXPECT_TRUE(vm->muted());
    EXPECT_TRUE(http->get("/api/audio/output").json()["muted"].toBool());
    EXPECT_EQ(vm->gainDb(), -4.0);
    // Silent after the ramp: the output's RMS falls to the floor, the input's stays.
    EXPECT_TRUE(waitFor([&] { return vm->leftRmsDb() < -80.0; }, 10000)) << vm->leftRmsDb();
    EXPECT_GT(vm->inputRmsDb(), -40.0);

    EXPECT_TRUE(vm->setMuted(false));
    EXPECT_FALSE(engine.output().muted);
    EXPECT_TRUE(waitFor([&] { return vm->leftRmsDb() > -40.0; }, 10000)) << vm->leftRmsDb();

    const QList<QJsonObject> control = controlRecords();
    ASSERT_EQ(control.size(), 3);
    EXPECT_EQ(control[0]["path"].toString(), "/api/audio/output");
    EXPECT_EQ(control[0]["body"].toObject(), (QJsonObject{{"gain_db", -4.0}}));
    EXPECT_EQ(control[1]["method"].toString(), "POST");
    EXPECT_EQ(control[1]["path"].toString(), "/api/audio/panic");
    EXPECT_EQ(control[2]["body"].toObject(), (QJsonObject{{"muted", false}}));
    for (const QJsonObject& record : control) EXPECT_EQ(record["client"].toString(), "gui");
}

}  // namespace
}  // namespace soundlab
