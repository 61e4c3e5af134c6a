// The preset endpoints over real HTTP: an in-process ApiServer on a free port with the preset
// store in a temporary data directory, the audit log in a temporary log root, and the A/B
// comparator on the real AudioEngine (virtual device) through EnginePresetTarget, as the app
// wires them.

#include "ApiTestSupport.h"
#include "api/ApiServer.h"
#include "api/PresetRoutes.h"
#include "engine/AudioEngine.h"
#include "preset_fixtures.h"
#include "presets/AbComparator.h"
#include "presets/EnginePresetTarget.h"
#include "logging/SessionLogger.h"
#include "presets/PresetAuditLog.h"
#include "presets/PresetStore.h"

#include <gtest/gtest.h>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QMap>
#include <QTemporaryDir>
#include <QUrlQuery>

using namespace soundlab;
using namespace soundlab::api;
using namespace soundlab::api::test;

namespace {

// The body of "POST /api/presets" in the seed README, verbatim (shared with the library tests).
const QByteArray kSeedReadmeExample =
    QJsonDocument(soundlab::presets::testing::seedReadmeExample()).toJson();

using Headers = QList<QPair<QByteArray, QByteArray>>;

QByteArray json(const QJsonObject& object) {
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QStringList errorPaths(const HttpReply& reply) {
    QStringList paths;
    for (const QJsonValue& e : reply.json().value("error").toObject().value("errors").toArray())
        paths << e.toObject().value("path").toString();
    return paths;
}

// multipart/form-data as browsers and curl send it.
QByteArray multipartBody(const QByteArray& boundary, const QByteArray& field,
                         const QByteArray& fileBytes) {
    return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field +
           "\"; filename=\"bundle.json\"\r\nContent-Type: application/octet-stream\r\n\r\n" +
           fileBytes + "\r\n--" + boundary + "--\r\n";
}

// GET /api/presets answers a bare JSON array (the seed's clients read one).
QJsonArray listed(const HttpReply& reply) {
    return QJsonDocument::fromJson(reply.body).array();
}

// The number of stored presets, as the list's X-Total-Count header tells it.
int storedCount(HttpClient& http) {
    return http.get("/api/presets").header("X-Total-Count").toInt();
}

class PresetRoutesTest : public ::testing::Test {
protected:
    void SetUp() override {
        qtApp();
        StreamConfig config;
        config.inputDevice = QStringLiteral("virtual");
        config.outputDevice = QStringLiteral("virtual");
        ASSERT_FALSE(engine.configure(config));
    }
    void TearDown() override {
        server.reset();
        engine.stop();
    }

    QString presetDirectory() const { return presets::PresetStore::directoryFor(dataDir.path()); }

    // Builds the preset services and the server as app/main.cpp does. Tests that need files in
    // the preset directory before the store loads write them first.
    void start() {
        sessionLog = std::make_unique<logging::SessionLogger>(
            logging::SessionLogger::Options{logRoot.path()});
        auditLog = std::make_unique<presets::PresetAuditLog>(*sessionLog);
        store = std::make_unique<presets::PresetStore>(
            presets::PresetStore::Options{presetDirectory(), auditLog.get(), {}});
        target = std::make_unique<presets::EnginePresetTarget>(engine);
        ab = std::make_unique<presets::AbComparator>(target.get(), auditLog.get());
        ApiServerOptions options;
        options.port = 0;
        server = std::make_unique<ApiServer>(engine, options);
        for (Route& route : presetRoutes(*store, *ab, auditLog.get()))
            server->addRoute(std::move(route));
        server->setStatusField(QStringLiteral("preset_loaded"),
                               [this] { return QJsonValue(target->loadedPreset().has_value()); });
        const auto error = server->start();
        ASSERT_FALSE(error) << error->toStdString();
        http = std::make_unique<HttpClient>(server->url());
    }

    // Creates a preset and returns its stored document.
    QJsonObject create(const QJsonObject& body, const QString& query = {}) {
        const HttpReply r = http->post("/api/presets" + query, json(body));
        EXPECT_TRUE(r.status == 201 || r.status == 200) << r.body.toStdString();
        return r.json();
    }

    // Every file of the preset directory, name → bytes.
    QMap<QString, QByteArray> directorySnapshot() const {
        QMap<QString, QByteArray> files;
        const QDir dir(presetDirectory());
        for (const QString& name : dir.entryList(QDir::Files | QDir::Hidden)) {
            QFile file(dir.filePath(name));
            EXPECT_TRUE(file.open(QIODevice::ReadOnly));
            files.insert(name, file.readAll());
        }
        return files;
    }

    QList<QJsonObject> auditRecords() {
        auditLog->flush();
        QFile file(auditLog->filePath());
        EXPECT_TRUE(file.open(QIODevice::ReadOnly));
        QList<QJsonObject> records;
        for (const QByteArray& line : file.readAll().split('\n'))
            if (!line.isEmpty()) records.append(QJsonDocument::fromJson(line).object());
        return records;
    }

    QTemporaryDir dataDir;
    QTemporaryDir logRoot;
    AudioEngine engine;
    std::unique_ptr<logging::SessionLogger> sessionLog;
    std::unique_ptr<presets::PresetAuditLog> auditLog;
    std::unique_ptr<presets::PresetStore> store;
    std::unique_ptr<presets::EnginePresetTarget> target;
    std::unique_ptr<presets::AbComparator> ab;
    std::unique_ptr<ApiServer> server;
    std::unique_ptr<HttpClient> http;
};

// ---- create, get, update, delete ----------------------------------------------------------------

TEST_F(PresetRoutesTest, SeedReadmeExampleIsCreatedWithLocationAndETagAndDefaults) {
    start();
    const HttpReply created = http->post("/api/presets", kSeedReadmeExample);
    ASSERT_EQ(created.status, 201) << created.body.toStdString();
    const QJsonObject preset = created.json();
    const QString id = preset.value("id").toString();
    EXPECT_FALSE(id.isEmpty());
    EXPECT_EQ(created.header("Location"), "/api/presets/" + id.toUtf8());
    EXPECT_FALSE(created.header("ETag").isEmpty());
    EXPECT_EQ(preset.value("schema_version").toInt(), 1);
    EXPECT_EQ(preset.value("name").toString(), "My Preset");
    EXPECT_EQ(preset.value("engine").toObject().value("coupling_strength").toDouble(), 1.5);
    EXPECT_EQ(preset.value("engine").toObject().value("sample_rate").toInt(), 48000);  // default
    EXPECT_EQ(preset.value("phi").toObject().value("mode").toString(), "audio");
    EXPECT_FALSE(preset.value("created_at").toString().isEmpty());
    EXPECT_EQ(preset.value("author").toString(), "");

    const HttpReply got = http->get("/api/presets/" + id);
    ASSERT_EQ(got.status, 200);
    EXPECT_EQ(got.json(), preset);
    EXPECT_EQ(got.header("ETag"), created.header("ETag"));
    EXPECT_TRUE(QFile::exists(QDir(presetDirectory()).filePath(id + ".json")));

    const HttpReply missing = http->get("/api/presets/no-such-id");
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(missing.errorCode(), "not_found");
}

TEST_F(PresetRoutesTest, AnInvalidPresetIs422NamingEveryErrorAtOnce) {
    start();
    const HttpReply r = http->post("/api/presets", R"({
        "name": "",
        "engine": {"frequencies": [0.5, 0.81, 30, 2.12, 3.43, 5.55, 8.97, 14.52], "gain": 1},
        "phi": {"mode": "loud"},
        "colour": "red"})");
    ASSERT_EQ(r.status, 422) << r.body.toStdString();
    EXPECT_EQ(r.errorCode(), "invalid_value");
    const QStringList paths = errorPaths(r);
    for (const char* path : {"name", "engine.frequencies[2]", "engine.gain", "phi.mode", "colour"})
        EXPECT_TRUE(paths.contains(path)) << path << " in " << paths.join(", ").toStdString();
    EXPECT_TRUE(r.body.contains("[0.01, 20]")) << "the allowed range is named";
    EXPECT_TRUE(directorySnapshot().isEmpty());
}

TEST_F(PresetRoutesTest, MalformedJsonIs400AndOtherMediaTypesAre415) {
    start();
    HttpReply r = http->post("/api/presets", R"({"name": "x")");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.errorCode(), "malformed_json");
    r = http->post("/api/presets", "name=x", {{"Content-Type", "text/plain"}});
    EXPECT_EQ(r.status, 415);
    EXPECT_EQ(r.errorCode(), "unsupported_media_type");
    r = http->post("/api/presets");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.errorCode(), "missing_body");
    r = http->post("/api/presets", "[1, 2]");
    EXPECT_EQ(r.status, 422);
}

TEST_F(PresetRoutesTest, WrongMethodsAre405WithAllow) {
    start();
    HttpReply r = http->send("PATCH", "/api/presets/some-id", R"({"name": "x"})");
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(r.errorCode(), "method_not_allowed");
    EXPECT_EQ(r.header("Allow"), "GET, PUT, DELETE, OPTIONS");
    r = http->send("PUT", "/api/presets", R"({"name": "x"})");
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(r.header("Allow"), "GET, POST, OPTIONS");
    EXPECT_EQ(http->get("/api/presets/ab/toggle").status, 405);
    EXPECT_EQ(http->post("/api/presets/ab/status").status, 405);
}

TEST_F(PresetRoutesTest, PutReplacesAndHonoursIfMatch) {
    start();
    const QJsonObject created =
        create(QJsonObject{{"name", "Warm pad"}, {"tags", QJsonArray{"pad"}}});
    const QString path = "/api/presets/" + created.value("id").toString();
    const QByteArray etag = http->get(path).header("ETag");
    ASSERT_FALSE(etag.isEmpty());

    HttpReply r = http->send("PUT", path, R"({"name": "Warm pad", "notes": "v2"})",
                             {{"Content-Type", "application/json"}, {"If-Match", etag}});
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_EQ(r.json().value("notes").toString(), "v2");
    EXPECT_EQ(r.json().value("tags").toArray().size(), 0);  // a replacement, not a patch
    EXPECT_EQ(r.json().value("created_at"), created.value("created_at"));
    const QByteArray newTag = r.header("ETag");
    EXPECT_FALSE(newTag.isEmpty());
    EXPECT_NE(newTag, etag);

    // A second operator still holding the first version is stopped, and told the current tag.
    r = http->send("PUT", path, R"({"name": "Warm pad", "notes": "stale"})",
                   {{"Content-Type", "application/json"}, {"If-Match", etag}});
    EXPECT_EQ(r.status, 412);
    EXPECT_EQ(r.errorCode(), "precondition_failed");
    EXPECT_EQ(r.json().value("error").toObject().value("current_etag").toString().toUtf8(), newTag);
    EXPECT_EQ(r.header("ETag"), newTag);
    EXPECT_EQ(http->get(path).json().value("notes").toString(), "v2");

    r = http->send("PUT", path, R"({"name": "Warm pad", "notes": "v3"})");  // unconditional
    EXPECT_EQ(r.status, 200);
    r = http->send("PUT", "/api/presets/nope", R"({"name": "x"})");
    EXPECT_EQ(r.status, 404);
    r = http->send("PUT", path, R"({"id": "other", "name": "Warm pad"})");
    EXPECT_EQ(r.status, 422);
    EXPECT_TRUE(errorPaths(r).contains("id"));
    create(QJsonObject{{"name", "Bright"}});
    r = http->send("PUT", path, R"({"name": "BRIGHT"})");
    EXPECT_EQ(r.status, 409);
    EXPECT_EQ(r.errorCode(), "conflict");
}

TEST_F(PresetRoutesTest, DeleteAnswersOkWithTheIdAndHonoursIfMatch) {
    start();
    const QString path =
        "/api/presets/" + create(QJsonObject{{"name", "Gone"}}).value("id").toString();
    const QByteArray etag = http->get(path).header("ETag");
    HttpReply r = http->send("DELETE", path, {}, {{"If-Match", "\"0000\""}});
    EXPECT_EQ(r.status, 412);
    EXPECT_EQ(http->get(path).status, 200);
    r = http->send("DELETE", path, {}, {{"If-Match", etag}});
    EXPECT_EQ(r.status, 200);  // the seed's scripts parse {"ok": true}
    EXPECT_EQ(r.json().value("ok"), QJsonValue(true));
    EXPECT_EQ("/api/presets/" + r.json().value("id").toString(), path);
    EXPECT_EQ(http->get(path).status, 404);
    EXPECT_EQ(http->send("DELETE", path).status, 404);
    EXPECT_TRUE(directorySnapshot().isEmpty());
}

// ---- list, collisions, stats ------------------------------------------------------------------

TEST_F(PresetRoutesTest, ListIsNewestFirstAndFiltersByQueryTagAndLimit) {
    start();
    create(QJsonObject{{"name", "Warm pad"}, {"tags", QJsonArray{"Pad", "soft"}}});
    create(QJsonObject{{"name", "Glass"}, {"notes", "a WARM bell"}});
    create(QJsonObject{{"name", "Drone"}, {"tags", QJsonArray{"pad"}}});

    HttpReply r = http->get("/api/presets");
    ASSERT_EQ(r.status, 200);
    QStringList names;
    for (const QJsonValue& p : listed(r)) names << p.toObject().value("name").toString();
    EXPECT_EQ(names, (QStringList{"Drone", "Glass", "Warm pad"}));
    EXPECT_EQ(r.header("X-Total-Count"), "3");
    EXPECT_FALSE(listed(r).at(0).toObject().contains("engine"));

    r = http->get("/api/presets?query=warm");  // name or notes, any case
    EXPECT_EQ(listed(r).size(), 2);
    r = http->get("/api/presets?query=warm+pad");  // '+' is a space, as forms send it
    EXPECT_EQ(listed(r).size(), 1);
    r = http->get("/api/presets?tag=PAD");
    EXPECT_EQ(listed(r).size(), 2);
    r = http->get("/api/presets?tag=pad&query=drone");
    EXPECT_EQ(listed(r).size(), 1);
    r = http->get("/api/presets?limit=2");
    EXPECT_EQ(listed(r).size(), 2);
    EXPECT_EQ(r.header("X-Total-Count"), "3");

    for (const char* bad : {"0", "201", "-5"}) {
        r = http->get(QStringLiteral("/api/presets?limit=%1").arg(bad));
        EXPECT_EQ(r.status, 422) << bad;
        EXPECT_TRUE(r.body.contains("limit")) << r.body.toStdString();
    }
    EXPECT_EQ(http->get("/api/presets?limit=many").status, 400);
}

TEST_F(PresetRoutesTest, CollisionsFollowThePolicy) {
    start();
    const QJsonObject original = create(
        QJsonObject{{"name", "Warm pad"}, {"tags", QJsonArray{"pad"}}, {"notes", "keep me"}});
    const QString id = original.value("id").toString();
    const QByteArray incoming =
        R"({"name": "WARM PAD", "tags": ["night"], "engine": {"coupling_strength": 1.5}})";

    HttpReply r = http->post("/api/presets", incoming);  // default: prompt
    ASSERT_EQ(r.status, 409) << r.body.toStdString();
    EXPECT_EQ(r.errorCode(), "conflict");
    const QJsonObject error = r.json().value("error").toObject();
    EXPECT_EQ(error.value("existing").toObject().value("id").toString(), id);
    const QJsonObject diff = error.value("diff").toObject();
    EXPECT_EQ(diff.value("engine.coupling_strength").toArray(), (QJsonArray{1, 1.5}));
    EXPECT_EQ(diff.value("name").toArray(), (QJsonArray{"Warm pad", "WARM PAD"}));

    r = http->post("/api/presets?collision=merge", incoming);
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_EQ(r.json().value("id").toString(), id);
    EXPECT_EQ(r.json().value("tags").toArray(), (QJsonArray{"pad", "night"}));
    EXPECT_EQ(r.json().value("notes").toString(), "keep me");  // absent: kept
    EXPECT_EQ(r.json().value("created_at"), original.value("created_at"));

    r = http->post("/api/presets?collision=overwrite", incoming);
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.json().value("id").toString(), id);
    EXPECT_EQ(r.json().value("notes").toString(), "");  // replaced by the defaults

    r = http->post("/api/presets?collision=new_copy", incoming);
    ASSERT_EQ(r.status, 201);
    EXPECT_NE(r.json().value("id").toString(), id);
    EXPECT_EQ(r.json().value("name").toString(), "WARM PAD (copy)");

    r = http->post("/api/presets?collision=sometimes", incoming);
    EXPECT_EQ(r.status, 422);
    EXPECT_TRUE(r.body.contains("collision"));
    EXPECT_EQ(storedCount(*http), 2);
}

TEST_F(PresetRoutesTest, SaveLiveStoresTheLiveStateAnsweredLikeACreate) {
    start();
    ASSERT_EQ(http->send("PUT", "/api/engine", R"({"engine": {"coupling_strength": 0.3}})").status,
              200);
    HttpReply r = http->post("/api/presets/save-live", R"({"name": "Evening set"})");
    ASSERT_EQ(r.status, 201) << r.body.toStdString();
    const QString id = r.json().value("id").toString();
    EXPECT_EQ(r.json().value("name").toString(), "Evening set");
    EXPECT_DOUBLE_EQ(
        r.json().value("engine").toObject().value("coupling_strength").toDouble(), 0.3);
    EXPECT_EQ(r.header("Location"), "/api/presets/" + id.toUtf8());
    const HttpReply got = http->get("/api/presets/" + id);
    ASSERT_EQ(got.status, 200);
    EXPECT_EQ(got.json(), r.json());
    EXPECT_EQ(got.header("ETag"), r.header("ETag"));

    // A taken name (ignoring case) follows ?collision= as POST /api/presets does.
    r = http->post("/api/presets/save-live", R"({"name": "EVENING SET"})");
    ASSERT_EQ(r.status, 409) << r.body.toStdString();
    EXPECT_EQ(r.json().value("error").toObject().value("existing").toObject().value("id"), id);
    r = http->post("/api/presets/save-live?collision=new_copy", R"({"name": "Evening set"})");
    ASSERT_EQ(r.status, 201) << r.body.toStdString();
    EXPECT_EQ(r.json().value("name").toString(), "Evening set (copy)");

    r = http->post("/api/presets/save-live", "{}");
    EXPECT_EQ(r.status, 422);
    EXPECT_TRUE(r.body.contains("name")) << r.body.toStdString();
    EXPECT_EQ(http->post("/api/presets/save-live?collision=sometimes", R"({"name": "y"})").status,
              422);
    EXPECT_EQ(storedCount(*http), 2);
}

TEST_F(PresetRoutesTest, StatsReportCountsTagsDamagedFilesAndTheAuditLog) {
    ASSERT_TRUE(QDir().mkpath(presetDirectory()));
    QFile broken(QDir(presetDirectory()).filePath("broken.json"));
    ASSERT_TRUE(broken.open(QIODevice::WriteOnly));
    broken.write("{ not json");
    broken.close();
    start();
    create(QJsonObject{{"name", "One"}, {"tags", QJsonArray{"pad"}}});
    create(QJsonObject{{"name", "Two"}, {"tags", QJsonArray{"Pad", "lead"}}});

    const HttpReply r = http->get("/api/presets/stats");
    ASSERT_EQ(r.status, 200);
    const QJsonObject stats = r.json();
    EXPECT_EQ(stats.value("count").toInt(), 2);
    // Tags count case-insensitively, under their first spelling in list order (newest first).
    EXPECT_EQ(stats.value("tags").toObject(), (QJsonObject{{"Pad", 2}, {"lead", 1}}));
    EXPECT_EQ(stats.value("directory").toString(), QDir(presetDirectory()).absolutePath());
    const QJsonArray damaged = stats.value("damaged_files").toArray();
    ASSERT_EQ(damaged.size(), 1);
    EXPECT_EQ(damaged.at(0).toObject().value("file").toString(), "broken.json");
    auditLog->flush();
    const QJsonObject audit = http->get("/api/presets/stats").json().value("audit_log").toObject();
    EXPECT_EQ(audit.value("file").toString(), auditLog->filePath());
    EXPECT_EQ(audit.value("session").toString(), sessionLog->sessionId());
    EXPECT_GE(audit.value("logged").toInt(), 3);  // the damaged file's load, two creates
    EXPECT_EQ(audit.value("dropped").toInt(), 0);
}

// ---- export and import ------------------------------------------------------------------------

TEST_F(PresetRoutesTest, ExportIsADownloadOfAllOrTheNamedPresets) {
    start();
    const QString a = create(QJsonObject{{"name", "A"}}).value("id").toString();
    const QString b = create(QJsonObject{{"name", "B"}}).value("id").toString();

    HttpReply r = http->post("/api/presets/export");
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_TRUE(r.header("Content-Type").startsWith("application/json"));
    EXPECT_TRUE(
        r.header("Content-Disposition").startsWith("attachment; filename=\"soundlab-presets-"))
        << r.header("Content-Disposition").toStdString();
    EXPECT_TRUE(r.header("Content-Disposition").endsWith(".json\""));
    QJsonObject bundle = r.json();
    EXPECT_EQ(bundle.value("schema_version").toInt(), 1);
    EXPECT_FALSE(bundle.value("export_date").toString().isEmpty());
    EXPECT_EQ(bundle.value("presets").toArray().size(), 2);

    r = http->post("/api/presets/export?ids=" + a + "," + b);
    bundle = r.json();
    ASSERT_EQ(bundle.value("presets").toArray().size(), 2);
    EXPECT_EQ(bundle.value("presets").toArray().at(0).toObject().value("id").toString(), a);
    r = http->post("/api/presets/export?ids=" + b + "&ids=" + a);
    EXPECT_EQ(r.json().value("presets").toArray().at(0).toObject().value("id").toString(), b);

    r = http->post("/api/presets/export?ids=" + a + ",ghost");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.json().value("error").toObject().value("missing_ids").toArray(),
              QJsonArray{"ghost"});
}

TEST_F(PresetRoutesTest, ImportTakesAMultipartFileOrAJsonBody) {
    start();
    create(QJsonObject{{"name", "A"}, {"tags", QJsonArray{"x"}}});
    create(QJsonObject{{"name", "B"}});
    const QByteArray bundle = http->post("/api/presets/export").body;
    for (const QJsonValue& p : QJsonDocument::fromJson(bundle).object().value("presets").toArray())
        ASSERT_EQ(
            http->send("DELETE", "/api/presets/" + p.toObject().value("id").toString()).status,
            200);

    const QByteArray boundary = "------------------------soundlab1234";
    HttpReply r = http->post("/api/presets/import", multipartBody(boundary, "file", bundle),
                             {{"Content-Type", "multipart/form-data; boundary=" + boundary}});
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_EQ(r.json().value("counts").toObject().value("create").toInt(), 2);
    EXPECT_FALSE(r.json().value("dry_run").toBool());
    EXPECT_EQ(storedCount(*http), 2);

    // The same bundle again, as a JSON body: every preset now collides.
    r = http->post("/api/presets/import", bundle);
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_EQ(r.json().value("collision").toString(), "prompt");
    EXPECT_EQ(r.json().value("counts").toObject().value("conflict").toInt(), 2);
    const QJsonObject entry = r.json().value("presets").toArray().at(0).toObject();
    EXPECT_EQ(entry.value("action").toString(), "conflict");
    EXPECT_FALSE(entry.value("reasons").toArray().isEmpty());

    r = http->post("/api/presets/import?collision=new_copy", bundle);
    EXPECT_EQ(r.json().value("counts").toObject().value("copy").toInt(), 2);
    EXPECT_EQ(storedCount(*http), 4);
}

// Invalid entries are reported one by one while the valid ones go in.
TEST_F(PresetRoutesTest, ImportReportsInvalidEntriesAndStoresTheValidOnes) {
    start();
    const HttpReply r = http->post("/api/presets/import", R"({"presets": [
        {"name": "Good"},
        {"name": "Bad", "phi": {"depth": 9}},
        {"name": "Worse", "engine": {"coupling_strength": -1}, "extra": 1}]})");
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    const QJsonObject counts = r.json().value("counts").toObject();
    EXPECT_EQ(counts.value("create").toInt(), 1);
    EXPECT_EQ(counts.value("invalid").toInt(), 2);
    const QJsonArray entries = r.json().value("presets").toArray();
    EXPECT_EQ(entries.at(1).toObject().value("errors").toArray().size(), 1);
    EXPECT_EQ(entries.at(2).toObject().value("errors").toArray().size(), 2);
    EXPECT_EQ(storedCount(*http), 1);
    // The seed's clients read one `errors` line per preset left out, beside the report.
    const QJsonArray errors = r.json().value("errors").toArray();
    ASSERT_EQ(errors.size(), 2);
    EXPECT_TRUE(errors.at(0).toString().contains("Bad")) << errors.at(0).toString().toStdString();
    EXPECT_TRUE(errors.at(1).toString().contains("Worse"));
}

TEST_F(PresetRoutesTest, ImportWithNothingWrongHasAnEmptyErrorsArray) {
    start();
    const HttpReply r = http->post("/api/presets/import", R"({"presets": [{"name": "Fine"}]})");
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    ASSERT_TRUE(r.json().value("errors").isArray());
    EXPECT_TRUE(r.json().value("errors").toArray().isEmpty());
}

TEST_F(PresetRoutesTest, ImportOfMoreThanTenThousandPresetsIs413AndWritesNothing) {
    start();
    QJsonArray entries;
    for (int i = 0; i <= 10'000; ++i) entries.append(QJsonObject{{"name", QString::number(i)}});
    const QByteArray bundle = json(QJsonObject{{"presets", entries}});
    for (const char* dryRun : {"true", "false"}) {
        const HttpReply r =
            http->post(QStringLiteral("/api/presets/import?dry_run=%1").arg(dryRun), bundle);
        EXPECT_EQ(r.status, 413) << r.body.left(300).toStdString();
        EXPECT_EQ(r.errorCode(), "payload_too_large");
        EXPECT_TRUE(
            r.json().value("error").toObject().value("message").toString().contains("10000"))
            << r.body.left(300).toStdString();
    }
    EXPECT_TRUE(directorySnapshot().isEmpty());
    EXPECT_EQ(storedCount(*http), 0);
}

// The dry run leaves the directory byte for byte as it was, and reports exactly what the real run
// then does, under every collision policy.
TEST_F(PresetRoutesTest, ImportDryRunWritesNothingAndEqualsTheRealRun) {
    start();
    const QByteArray bundle = R"({"schema_version": 1, "presets": [
        {"name": "New one", "tags": ["fresh"]},
        {"id": "warm", "name": "warm PAD", "engine": {"coupling_strength": 1.7}, "tags": ["b"]},
        {"name": "Broken", "downmix": {"strategy": "surround"}},
        {"name": "New one", "notes": "same name as entry 0"}]})";
    for (const char* policy : {"prompt", "overwrite", "new_copy", "merge"}) {
        SCOPED_TRACE(policy);
        for (const QJsonValue& p : listed(http->get("/api/presets?limit=200")))
            http->send("DELETE", "/api/presets/" + p.toObject().value("id").toString());
        create(QJsonObject{{"id", "warm"}, {"name", "Warm pad"}, {"tags", QJsonArray{"a"}}});

        const QMap<QString, QByteArray> before = directorySnapshot();
        const HttpReply dry = http->post(
            QStringLiteral("/api/presets/import?dry_run=true&collision=%1").arg(policy), bundle);
        ASSERT_EQ(dry.status, 200) << dry.body.toStdString();
        EXPECT_TRUE(dry.json().value("dry_run").toBool());
        EXPECT_EQ(directorySnapshot(), before);

        const HttpReply real = http->post(
            QStringLiteral("/api/presets/import?dry_run=false&collision=%1").arg(policy), bundle);
        ASSERT_EQ(real.status, 200);
        QJsonObject dryReport = dry.json();
        QJsonObject realReport = real.json();
        dryReport.remove("dry_run");
        realReport.remove("dry_run");
        EXPECT_EQ(dryReport, realReport);
        EXPECT_EQ(realReport.value("counts").toObject().value("invalid").toInt(), 1);
        if (QLatin1String(policy) != QLatin1String("prompt")) {
            EXPECT_NE(directorySnapshot(), before);
        }
    }
}

TEST_F(PresetRoutesTest, ImportRefusesBadBundlesAndBadRequests) {
    start();
    // Above 16 MiB of bundle: 413, as a JSON body and as a multipart file.
    QByteArray huge = R"({"presets": [], "padding": ")" + QByteArray(16 * 1024 * 1024, 'x') + "\"}";
    HttpReply r = http->post("/api/presets/import", huge);
    EXPECT_EQ(r.status, 413) << r.body.left(300).toStdString();
    EXPECT_EQ(r.errorCode(), "payload_too_large");
    const QByteArray boundary = "b0undary";
    r = http->post("/api/presets/import", multipartBody(boundary, "file", huge),
                   {{"Content-Type", "multipart/form-data; boundary=" + boundary}});
    EXPECT_EQ(r.status, 413);
    // Beyond what the route admits at all: refused from the request head.
    const RawExchange x =
        rawExchange(server->port(),
                    "POST /api/presets/import HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                    "application/json\r\nContent-Length: 20000000\r\n\r\n");
    EXPECT_EQ(x.status(), 413);
    huge.clear();

    r = http->post("/api/presets/import", "this is not json");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.errorCode(), "malformed_json");
    r = http->post("/api/presets/import", R"({"preset": []})");
    EXPECT_EQ(r.status, 422);
    EXPECT_EQ(r.errorCode(), "invalid_value");
    r = http->post("/api/presets/import", R"({"presets": []})", {{"Content-Type", "text/csv"}});
    EXPECT_EQ(r.status, 415);
    r = http->post("/api/presets/import", multipartBody(boundary, "upload", "{}"),
                   {{"Content-Type", "multipart/form-data; boundary=" + boundary}});
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.errorCode(), "missing_file");
    r = http->post("/api/presets/import", "--b0undary\r\n\r\n{}",
                   {{"Content-Type", "multipart/form-data; boundary=" + boundary}});
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.errorCode(), "malformed_multipart");
    EXPECT_EQ(http->post("/api/presets/import?dry_run=perhaps", R"({"presets": []})").status, 400);
    EXPECT_EQ(http->post("/api/presets/import?collision=ask", R"({"presets": []})").status, 422);
    EXPECT_EQ(http->post("/api/presets/import").status, 400);
    EXPECT_TRUE(directorySnapshot().isEmpty());
}

// ---- A/B and apply
// --------------------------------------------------------------------------------

TEST_F(PresetRoutesTest, AbStoreGetToggleDiffStatusAndClear) {
    start();
    HttpReply r = http->get("/api/presets/ab/status");
    ASSERT_EQ(r.status, 200);
    EXPECT_TRUE(r.json().value("active").isNull());
    EXPECT_TRUE(r.json().value("A").isNull());

    // A: the live engine state (no body). It is what plays, so A becomes active.
    r = http->post("/api/presets/ab/store/A");
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_EQ(r.json().value("source").toString(), "live");
    EXPECT_EQ(r.json().value("active").toString(), "A");
    EXPECT_EQ(r.json().value("preset").toObject().value("name").toString(), "Live");
    EXPECT_EQ(
        r.json().value("preset").toObject().value("engine").toObject().value("coupling_strength"),
        1);

    // B: the seed README's preset, sent in the body.
    r = http->post("/api/presets/ab/store/b", kSeedReadmeExample);
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_EQ(r.json().value("slot").toString(), "B");
    EXPECT_EQ(r.json().value("source").toString(), "preset");
    EXPECT_EQ(r.json().value("active").toString(), "A");

    r = http->get("/api/presets/ab/get/B");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.json().value("preset").toObject().value("name").toString(), "My Preset");

    r = http->get("/api/presets/ab/diff");
    ASSERT_EQ(r.status, 200);
    const QJsonObject diff = r.json();  // a flat map: dotted path → [a, b], nothing else
    for (auto it = diff.begin(); it != diff.end(); ++it)
        EXPECT_TRUE(it.value().isArray() && it.value().toArray().size() == 2)
            << it.key().toStdString();
    EXPECT_EQ(diff.value("engine.coupling_strength").toArray(), (QJsonArray{1, 1.5}));
    EXPECT_EQ(diff.value("phi.mode").toArray(), (QJsonArray{"manual", "audio"}));
    EXPECT_EQ(diff.value("name").toArray(), (QJsonArray{"Live", "My Preset"}));

    r = http->post("/api/presets/ab/toggle");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.json().value("active").toString(), "B");
    EXPECT_EQ(r.json().value("current_slot").toString(), "B");
    EXPECT_EQ(engine.engineParameters().couplingStrength, 1.5f);  // B reached the engine
    EXPECT_EQ(engine.engineParameters().frequencies[1], 0.81f);
    r = http->post("/api/presets/ab/toggle");
    EXPECT_EQ(r.json().value("active").toString(), "A");
    EXPECT_EQ(engine.engineParameters().couplingStrength, 1.0f);
    r = http->get("/api/presets/ab/status");
    EXPECT_EQ(r.json().value("toggles").toInt(), 2);
    EXPECT_EQ(r.json().value("B").toObject().value("name").toString(), "My Preset");
    EXPECT_EQ(r.json().value("slot_a_occupied"), QJsonValue(true));
    EXPECT_EQ(r.json().value("slot_b_occupied"), QJsonValue(true));
    EXPECT_EQ(r.json().value("slot_a_name").toString(), "Live");
    EXPECT_EQ(r.json().value("slot_b_name").toString(), "My Preset");
    EXPECT_EQ(r.json().value("current_slot").toString(), "A");

    r = http->send("DELETE", "/api/presets/ab/clear/B");
    ASSERT_EQ(r.status, 200);
    EXPECT_TRUE(r.json().value("B").isNull());
    EXPECT_EQ(r.json().value("slot_b_occupied"), QJsonValue(false));
    EXPECT_TRUE(r.json().value("slot_b_name").isNull());
    EXPECT_EQ(r.json().value("active").toString(), "A");
    r = http->post("/api/presets/ab/toggle");
    EXPECT_EQ(r.status, 409);
    EXPECT_EQ(r.errorCode(), "conflict");
    EXPECT_EQ(http->get("/api/presets/ab/diff").status, 404);
    EXPECT_EQ(http->get("/api/presets/ab/get/B").status, 404);

    r = http->send("DELETE", "/api/presets/ab/clear/all");
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(r.json().value("A").isNull());
    EXPECT_TRUE(r.json().value("active").isNull());

    EXPECT_EQ(http->post("/api/presets/ab/store/C").status, 404);
    EXPECT_EQ(http->get("/api/presets/ab/get/all").status, 404);
    EXPECT_EQ(http->send("DELETE", "/api/presets/ab/clear/both").status, 404);
}

TEST_F(PresetRoutesTest, AbStoreTakesAStoredPresetByIdAndRefusesBadInput) {
    start();
    const QString id = create(QJsonObject{{"name", "Stored"}}).value("id").toString();
    HttpReply r = http->post("/api/presets/ab/store/A?id=" + id);
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_EQ(r.json().value("preset").toObject().value("id").toString(), id);
    EXPECT_EQ(r.json().value("source").toString(), "preset");
    EXPECT_EQ(http->post("/api/presets/ab/store/A?id=ghost").status, 404);
    r = http->post("/api/presets/ab/store/A?id=" + id, R"({"name": "x"})");
    EXPECT_EQ(r.status, 400);
    r = http->post("/api/presets/ab/store/B", R"({"name": "x", "phi": {"depth": -1}})");
    EXPECT_EQ(r.status, 422);
    EXPECT_TRUE(errorPaths(r).contains("phi.depth"));
    r = http->post("/api/presets/ab/store/B", "x", {{"Content-Type", "text/plain"}});
    EXPECT_EQ(r.status, 415);
}

// Many toggles straight after one another, with the audio running: none fails, and the engine
// ends on the slot the status reports.
TEST_F(PresetRoutesTest, RapidTogglesOverHttpNeverFail) {
    start();
    ASSERT_FALSE(engine.start());
    ASSERT_EQ(http->post("/api/presets/ab/store/A",
                         R"({"name": "a", "engine": {"coupling_strength": 0.2}})")
                  .status,
              200);
    ASSERT_EQ(http->post("/api/presets/ab/store/B",
                         R"({"name": "b", "engine": {"coupling_strength": 1.8}})")
                  .status,
              200);
    for (int i = 0; i < 100; ++i) {
        const HttpReply r = http->post("/api/presets/ab/toggle");
        ASSERT_EQ(r.status, 200) << i << r.body.toStdString();
        ASSERT_EQ(r.json().value("active").toString(), i % 2 == 0 ? "A" : "B");
    }
    EXPECT_EQ(http->get("/api/presets/ab/status").json().value("active").toString(), "B");
    EXPECT_EQ(engine.engineParameters().couplingStrength, 1.8f);
    EXPECT_TRUE(engine.isRunning());
}

TEST_F(PresetRoutesTest, ApplyLoadsAStoredPresetAndStatusReportsIt) {
    start();
    EXPECT_FALSE(http->get("/api/status").json().value("preset_loaded").toBool());
    const QJsonObject stored = create(QJsonDocument::fromJson(kSeedReadmeExample).object());
    const QString id = stored.value("id").toString();

    HttpReply r = http->post("/api/presets/" + id + "/apply");
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_EQ(r.json().value("applied").toObject().value("id").toString(), id);
    EXPECT_TRUE(r.json().value("active").isNull());
    EXPECT_EQ(engine.engineParameters().couplingStrength, 1.5f);
    EXPECT_TRUE(http->get("/api/status").json().value("preset_loaded").toBool());

    // Changing the engine by other means: the preset is no longer what plays.
    ASSERT_EQ(http->send("PUT", "/api/engine", R"({"engine": {"coupling_strength": 0.3}})").status,
              200);
    EXPECT_FALSE(http->get("/api/status").json().value("preset_loaded").toBool());

    EXPECT_EQ(http->post("/api/presets/ghost/apply").status, 404);
}

TEST_F(PresetRoutesTest, EveryChangeIsAuditedWithTheClientAddress) {
    start();
    const QString id = create(QJsonObject{{"name", "Audited"}}).value("id").toString();
    http->send("PUT", "/api/presets/" + id, R"({"name": "Audited", "notes": "x"})");
    http->post("/api/presets/export");
    http->post("/api/presets/import?dry_run=true", R"({"presets": [{"name": "New"}]})");
    http->post("/api/presets/ab/store/A");
    http->post("/api/presets/ab/store/B?id=" + id);
    http->post("/api/presets/ab/toggle");
    http->send("DELETE", "/api/presets/ab/clear/all");
    http->post("/api/presets/" + id + "/apply");
    http->send("DELETE", "/api/presets/" + id);
    http->get("/api/presets");  // reads are not audited
    http->get("/api/presets/ab/status");

    QStringList trail;
    for (const QJsonObject& record : auditRecords()) {
        trail << record.value("action").toString() + ' ' + record.value("result").toString();
        EXPECT_EQ(record.value("client").toString(), "127.0.0.1");
        EXPECT_FALSE(record.value("time").toString().isEmpty());
    }
    EXPECT_EQ(trail.join(", ").toStdString(),
              "create created, update ok, export ok, import ok, ab_store ok, ab_store ok, "
              "ab_toggle ok, ab_clear ok, apply ok, delete ok");
}

// ---- the document
// --------------------------------------------------------------------------------

TEST_F(PresetRoutesTest, OpenApiDocumentsEveryPresetRouteAndTheSchemaIsServed) {
    start();
    const QJsonObject paths = http->get("/api/openapi.json").json().value("paths").toObject();
    const QList<QPair<QString, QString>> expected{
        {"/api/presets", "get"},
        {"/api/presets", "post"},
        {"/api/presets/{id}", "get"},
        {"/api/presets/{id}", "put"},
        {"/api/presets/{id}", "delete"},
        {"/api/presets/stats", "get"},
        {"/api/presets/schema", "get"},
        {"/api/presets/export", "post"},
        {"/api/presets/import", "post"},
        {"/api/presets/{id}/apply", "post"},
        {"/api/presets/ab/store/{slot}", "post"},
        {"/api/presets/ab/get/{slot}", "get"},
        {"/api/presets/ab/toggle", "post"},
        {"/api/presets/ab/status", "get"},
        {"/api/presets/ab/diff", "get"},
        {"/api/presets/ab/clear/{slot}", "delete"},
    };
    for (const auto& [path, method] : expected)
        EXPECT_TRUE(paths.value(path).toObject().contains(method))
            << method.toStdString() << ' ' << path.toStdString();
    const QJsonObject content = paths.value("/api/presets/import")
                                    .toObject()
                                    .value("post")
                                    .toObject()
                                    .value("requestBody")
                                    .toObject()
                                    .value("content")
                                    .toObject();
    EXPECT_TRUE(content.contains("application/json"));
    EXPECT_TRUE(content.contains("multipart/form-data"));
    const QJsonObject put = paths.value("/api/presets/{id}").toObject().value("put").toObject();
    EXPECT_TRUE(put.value("responses").toObject().contains("412"));

    const QJsonObject schema = http->get("/api/presets/schema").json();
    EXPECT_EQ(schema.value("$id").toString(),
              "https://soundlab.invalid/schemas/preset.schema.json");
    EXPECT_TRUE(schema.value("required").toArray().contains("name"));
}

}  // namespace
