// The original Soundlab clients (the seed's browser UI and scripts) against this server, over
// real HTTP: the calls of the seed README's "API Reference", with the shapes those clients read
// (SPEC §9: a bare array from GET /api/presets, `ok` and `message` on actions, `{"ok": true}` on
// delete, current_slot / slot_a_name ... on A/B, a flat A/B diff, `errors` on import).

#include "ApiTestSupport.h"
#include "api/ApiServer.h"
#include "api/PresetRoutes.h"
#include "engine/AudioEngine.h"
#include "preset_fixtures.h"
#include "presets/AbComparator.h"
#include "presets/EnginePresetTarget.h"
#include "presets/PresetStore.h"

#include <gtest/gtest.h>
#include <QJsonArray>
#include <QTemporaryDir>

using namespace soundlab;
using namespace soundlab::api;
using namespace soundlab::api::test;

namespace {

class SeedClientsTest : public ::testing::Test {
protected:
    void SetUp() override {
        qtApp();
        StreamConfig config;
        config.inputDevice = config.outputDevice = QStringLiteral("virtual");
        ASSERT_FALSE(engine.configure(config));
        store = std::make_unique<presets::PresetStore>(presets::PresetStore::Options{
            presets::PresetStore::directoryFor(dataDir.path()), nullptr, {}});
        target = std::make_unique<presets::EnginePresetTarget>(engine);
        ab = std::make_unique<presets::AbComparator>(target.get());
        ApiServerOptions options;
        options.port = 0;
        server = std::make_unique<ApiServer>(engine, options);
        for (Route& route : presetRoutes(*store, *ab, nullptr)) server->addRoute(std::move(route));
        const auto error = server->start();
        ASSERT_FALSE(error) << error->toStdString();
        http = std::make_unique<HttpClient>(server->url());
    }
    void TearDown() override {
        server.reset();
        engine.stop();
    }

    QTemporaryDir dataDir;
    AudioEngine engine;
    std::unique_ptr<presets::PresetStore> store;
    std::unique_ptr<presets::EnginePresetTarget> target;
    std::unique_ptr<presets::AbComparator> ab;
    std::unique_ptr<ApiServer> server;
    std::unique_ptr<HttpClient> http;
};

// What the seed's UI sends to "store current preset in A": the live state it shows, no name.
const QByteArray kLiveStateBody = R"({
    "engine": {"coupling_strength": 1.2,
               "frequencies": [0.5, 0.81, 1.31, 2.12, 3.43, 5.55, 8.97, 14.52],
               "amplitudes": [0.6, 0.55, 0.5, 0.45, 0.4, 0.35, 0.3, 0.25]},
    "phi": {"mode": "manual", "depth": 0.5},
    "downmix": {"strategy": "spatial"}})";

}  // namespace

TEST_F(SeedClientsTest, HealthAndStatusAnswerWhatTheSeedClientsRead) {
    HttpReply r = http->get("/healthz");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.json().value("status").toString(), "healthy");
    EXPECT_EQ(r.json().value("service").toString(), "soundlab");
    EXPECT_TRUE(r.json().contains("version"));
    EXPECT_TRUE(r.json().value("uptime").isDouble());

    r = http->get("/api/status");
    for (const char* key :
         {"audio_running", "sample_rate", "buffer_size", "callback_count", "latency_calibrated",
          "preset_loaded", "metrics_clients", "latency_clients"})
        EXPECT_TRUE(r.json().contains(key)) << key;
}

TEST_F(SeedClientsTest, AudioActionsAnswerOkAndAMessage) {
    HttpReply r = http->post("/api/audio/start");
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_EQ(r.json().value("ok"), QJsonValue(true));
    EXPECT_FALSE(r.json().value("message").toString().isEmpty());
    EXPECT_TRUE(r.json().value("audio_running").toBool());

    r = http->get("/api/audio/performance");
    for (const char* key :
         {"callback_count", "buffer_duration_ms", "processing_time_ms", "cpu_load"})
        EXPECT_TRUE(r.json().contains(key)) << key;

    r = http->post("/api/audio/stop");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.json().value("ok"), QJsonValue(true));
    EXPECT_FALSE(r.json().value("message").toString().isEmpty());
    EXPECT_FALSE(r.json().value("audio_running").toBool());
}

TEST_F(SeedClientsTest, PresetListIsABareArrayAndDeleteAnswersOk) {
    const QByteArray example =
        QJsonDocument(presets::testing::seedReadmeExample()).toJson(QJsonDocument::Compact);
    HttpReply r = http->post("/api/presets", example);
    ASSERT_EQ(r.status, 201) << r.body.toStdString();
    const QString id = r.json().value("id").toString();
    ASSERT_EQ(http->post("/api/presets", R"({"name": "Other", "tags": ["spatial"]})").status, 201);

    r = http->get("/api/presets");
    ASSERT_EQ(r.status, 200);
    const QJsonDocument list = QJsonDocument::fromJson(r.body);
    ASSERT_TRUE(list.isArray()) << r.body.toStdString();
    EXPECT_EQ(list.array().size(), 2);
    EXPECT_EQ(r.header("X-Total-Count"), "2");
    // The README's query parameters still filter and page.
    r = http->get("/api/presets?query=my&tag=experimental&limit=10");
    ASSERT_TRUE(QJsonDocument::fromJson(r.body).isArray());
    ASSERT_EQ(QJsonDocument::fromJson(r.body).array().size(), 1);
    EXPECT_EQ(QJsonDocument::fromJson(r.body).array().at(0).toObject().value("name"), "My Preset");
    r = http->get("/api/presets?limit=1");
    EXPECT_EQ(QJsonDocument::fromJson(r.body).array().size(), 1);
    EXPECT_EQ(r.header("X-Total-Count"), "2");

    r = http->get("/api/presets/" + id);
    EXPECT_EQ(r.json().value("name").toString(), "My Preset");
    r = http->send("PUT", "/api/presets/" + id, R"({"name": "My Preset", "tags": ["edited"]})");
    EXPECT_EQ(r.status, 200);

    r = http->send("DELETE", "/api/presets/" + id);
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.json().value("ok"), QJsonValue(true));
    EXPECT_EQ(r.json().value("id").toString(), id);
}

TEST_F(SeedClientsTest, ExportThenImportCarriesAnErrorsArray) {
    ASSERT_EQ(http->post("/api/presets", R"({"name": "Kept"})").status, 201);
    const QByteArray bundle = http->post("/api/presets/export").body;
    HttpReply r = http->post("/api/presets/import?dry_run=true&collision=new_copy", bundle);
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_TRUE(r.json().value("errors").isArray());
    r = http->post("/api/presets/import?collision=new_copy", bundle);
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    ASSERT_TRUE(r.json().value("errors").isArray());
    EXPECT_TRUE(r.json().value("errors").toArray().isEmpty());
    r = http->post("/api/presets/import?collision=prompt", bundle);  // a conflict is an error
    EXPECT_EQ(r.json().value("errors").toArray().size(), 1);
}

TEST_F(SeedClientsTest, AbComparisonAnswersTheFieldsTheSeedUiReads) {
    HttpReply r = http->get("/api/presets/ab/status");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.json().value("slot_a_occupied"), QJsonValue(false));
    EXPECT_EQ(r.json().value("slot_b_occupied"), QJsonValue(false));
    EXPECT_TRUE(r.json().value("slot_a_name").isNull());
    EXPECT_TRUE(r.json().value("slot_b_name").isNull());
    EXPECT_TRUE(r.json().contains("current_slot"));
    EXPECT_TRUE(r.json().value("current_slot").isNull());

    // The UI stores the live state it shows, without a name.
    r = http->post("/api/presets/ab/store/A", kLiveStateBody);
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_EQ(r.json().value("preset").toObject().value("name").toString(), "Slot A");
    r = http->post("/api/presets/ab/store/B",
                   R"({"engine": {"coupling_strength": 1.8}, "downmix": {"strategy": "energy"}})");
    ASSERT_EQ(r.status, 200) << r.body.toStdString();

    r = http->get("/api/presets/ab/status");
    EXPECT_EQ(r.json().value("slot_a_occupied"), QJsonValue(true));
    EXPECT_EQ(r.json().value("slot_b_occupied"), QJsonValue(true));
    EXPECT_EQ(r.json().value("slot_a_name").toString(), "Slot A");
    EXPECT_EQ(r.json().value("slot_b_name").toString(), "Slot B");

    r = http->get("/api/presets/ab/get/A");
    EXPECT_EQ(r.json().value("preset").toObject().value("name").toString(), "Slot A");

    r = http->post("/api/presets/ab/toggle");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.json().value("current_slot").toString(), "A");
    r = http->post("/api/presets/ab/toggle");
    EXPECT_EQ(r.json().value("current_slot").toString(), "B");
    EXPECT_EQ(http->get("/api/presets/ab/status").json().value("current_slot").toString(), "B");

    // A flat map of dotted paths to [a, b], nothing else at the top level.
    r = http->get("/api/presets/ab/diff");
    ASSERT_EQ(r.status, 200);
    const QJsonObject diff = r.json();
    ASSERT_FALSE(diff.isEmpty());
    for (auto it = diff.begin(); it != diff.end(); ++it) {
        ASSERT_TRUE(it.value().isArray()) << it.key().toStdString();
        EXPECT_EQ(it.value().toArray().size(), 2) << it.key().toStdString();
    }
    EXPECT_EQ(diff.value("engine.coupling_strength").toArray(), (QJsonArray{1.2, 1.8}));
    EXPECT_EQ(diff.value("downmix.strategy").toArray(), (QJsonArray{"spatial", "energy"}));
    EXPECT_EQ(diff.value("name").toArray(), (QJsonArray{"Slot A", "Slot B"}));

    r = http->send("DELETE", "/api/presets/ab/clear/all");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.json().value("slot_a_occupied"), QJsonValue(false));
}
