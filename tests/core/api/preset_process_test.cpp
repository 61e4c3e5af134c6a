// The real `soundlab --no-gui` process and its preset wiring (app/main.cpp): the store under
// --data-dir, the audit trail under --log-dir (none with --no-logging), preset_loaded in
// /api/status, and presets that survive a restart. Driven by curl, including its multipart
// upload (`curl -F file=@bundle.json`).

#include "SoundlabProcess.h"
#include "logging/GzipFile.h"

#include <gtest/gtest.h>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <csignal>

using namespace soundlab::api::test;

namespace {

// A soundlab process on a free port with the given data and log directories.
QStringList onFreePort(const QStringList& arguments) {
    return QStringList{"--port", "0"} + arguments;
}

CurlResult postJson(const QString& url, const QByteArray& body) {
    return curl({"-X", "POST", "-H", "Content-Type: application/json", "--data-binary",
                 QString::fromUtf8(body), url});
}

// The audit records of every session under `logDir`, oldest session first (each session's
// presets log, gzipped when it closed).
QList<QJsonObject> auditRecords(const QString& logDir) {
    QList<QJsonObject> records;
    const QDir dir(QDir(logDir).filePath("presets"));
    for (const QString& name : dir.entryList({"*_presets.jsonl.gz"}, QDir::Files, QDir::Name)) {
        const auto content = soundlab::logging::gunzipFile(dir.filePath(name));
        if (!content) continue;
        for (const QByteArray& line : content->split('\n')) {
            const QJsonObject record = QJsonDocument::fromJson(line).object();
            if (record.value("type") == "audit") records.append(record);
        }
    }
    return records;
}

}  // namespace

TEST(PresetProcess, PresetsAndTheAuditTrailSurviveARestart) {
    QTemporaryDir data;
    QTemporaryDir logs;
    QString id;
    {
        SoundlabProcess soundlab(onFreePort({"--data-dir", data.path(), "--log-dir", logs.path()}));
        const QString base = soundlab.waitForListening();
        ASSERT_FALSE(base.isEmpty()) << soundlab.standardError().toStdString();

        CurlResult r = postJson(base + "/api/presets", R"({"name": "Night", "tags": ["pad"],
            "engine": {"coupling_strength": 1.5}})");
        ASSERT_EQ(r.status, 201) << r.body.toStdString();
        id = r.json().value("id").toString();
        EXPECT_TRUE(QFile::exists(data.filePath("presets/" + id + ".json")));

        EXPECT_FALSE(curl({base + "/api/status"}).json().value("preset_loaded").toBool());
        r = curl({"-X", "POST", base + "/api/presets/" + id + "/apply"});
        ASSERT_EQ(r.status, 200) << r.body.toStdString();
        const QJsonObject status = curl({base + "/api/status"}).json();
        EXPECT_TRUE(status.value("preset_loaded").toBool());
        EXPECT_EQ(status.value("loaded_preset").toObject().value("name").toString(), "Night");
        EXPECT_EQ(curl({base + "/api/engine"})
                      .json()
                      .value("engine")
                      .toObject()
                      .value("coupling_strength")
                      .toDouble(),
                  1.5);
        EXPECT_EQ(soundlab.terminate(), 0);
    }
    ASSERT_EQ(auditRecords(logs.path()).size(), 2);  // create, apply

    SoundlabProcess again(onFreePort({"--data-dir", data.path(), "--log-dir", logs.path()}));
    const QString base = again.waitForListening();
    ASSERT_FALSE(base.isEmpty()) << again.standardError().toStdString();
    CurlResult r = curl({base + "/api/presets"});
    ASSERT_EQ(r.status, 200);
    const QJsonArray listed = QJsonDocument::fromJson(r.body).array();  // a bare array
    ASSERT_EQ(listed.size(), 1);
    EXPECT_EQ(listed.at(0).toObject().value("id").toString(), id);
    EXPECT_FALSE(curl({base + "/api/status"}).json().value("preset_loaded").toBool());

    // Export to a file and import it back with curl's own multipart upload.
    const QString bundleFile = data.filePath("bundle.json");
    r = curl({"-X", "POST", "-o", bundleFile, base + "/api/presets/export"});
    ASSERT_EQ(r.status, 200);
    r = curl({"-F", "file=@" + bundleFile, base + "/api/presets/import?dry_run=true"});
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_EQ(r.json().value("counts").toObject().value("conflict").toInt(), 1);
    r = curl({"-F", "file=@" + bundleFile, base + "/api/presets/import?collision=new_copy"});
    EXPECT_EQ(r.json().value("counts").toObject().value("copy").toInt(), 1);
    EXPECT_EQ(QJsonDocument::fromJson(curl({base + "/api/presets"}).body).array().size(), 2);
    EXPECT_EQ(again.terminate(), 0);

    QStringList actions;
    for (const QJsonObject& record : auditRecords(logs.path()))
        actions << record.value("action").toString();
    EXPECT_EQ(actions, (QStringList{"create", "apply", "export", "import", "import"}));
}

TEST(PresetProcess, NoLoggingWritesNoAuditTrail) {
    QTemporaryDir data;
    QTemporaryDir logs;
    SoundlabProcess soundlab(
        onFreePort({"--data-dir", data.path(), "--log-dir", logs.path(), "--no-logging"}));
    const QString base = soundlab.waitForListening();
    ASSERT_FALSE(base.isEmpty()) << soundlab.standardError().toStdString();
    ASSERT_EQ(postJson(base + "/api/presets", R"({"name": "Quiet"})").status, 201);
    const CurlResult stats = curl({base + "/api/presets/stats"});
    EXPECT_TRUE(stats.json().value("audit_log").isNull()) << stats.body.toStdString();
    EXPECT_EQ(soundlab.terminate(), 0);
    EXPECT_TRUE(QDir(logs.path()).isEmpty());
    EXPECT_EQ(QDir(data.filePath("presets")).entryList(QDir::Files).size(), 1);
}
