// The real `soundlab --no-gui` process and its preset wiring (app/main.cpp): the store under
// --data-dir, the audit trail under --log-dir (none with --no-logging), preset_loaded in
// /api/status, and presets that survive a restart. Driven by curl, including its multipart
// upload (`curl -F file=@bundle.json`).

#include "ApiTestSupport.h"

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

// One soundlab process on the virtual device; reads its "listening on http://…" line.
class Soundlab {
public:
    explicit Soundlab(const QStringList& arguments) {
        qtApp();
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char* name : {"DISPLAY", "WAYLAND_DISPLAY", "SOUNDLAB_TOKEN"}) env.remove(name);
        process_.setProcessEnvironment(env);
        process_.start(QStringLiteral(SOUNDLAB_BINARY),
                       QStringList{"--no-gui", "--device", "virtual", "--port", "0"} + arguments);
    }
    ~Soundlab() { stop(); }

    QString waitForListening() {
        static const QRegularExpression line(QStringLiteral("listening on (http://\\S+)"));
        QByteArray out;
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 15000 && process_.state() != QProcess::NotRunning) {
            process_.waitForReadyRead(100);
            out += process_.readAllStandardOutput();
            const auto match = line.match(QString::fromLocal8Bit(out));
            if (match.hasMatch()) return match.captured(1);
        }
        return {};
    }
    // SIGTERM, as an operator or a service manager stops it; returns the exit code.
    int stop() {
        if (process_.state() == QProcess::NotRunning) return process_.exitCode();
        ::kill(pid_t(process_.processId()), SIGTERM);
        if (!process_.waitForFinished(10000)) {
            process_.kill();
            process_.waitForFinished(5000);
            return -1;
        }
        return process_.exitCode();
    }
    QString standardError() { return QString::fromLocal8Bit(process_.readAllStandardError()); }

private:
    QProcess process_;
};

struct CurlResult {
    int status = 0;
    QByteArray body;
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

CurlResult curl(const QStringList& arguments) {
    QProcess p;
    p.start(QStringLiteral("curl"),
            QStringList{"-sS", "-w", "\n%{http_code}", "--max-time", "20"} + arguments);
    CurlResult r;
    if (!p.waitForFinished(30000)) return r;
    const QByteArray out = p.readAllStandardOutput();
    const qsizetype newline = out.lastIndexOf('\n');
    r.status = out.mid(newline + 1).trimmed().toInt();
    r.body = out.left(newline);
    return r;
}

CurlResult postJson(const QString& url, const QByteArray& body) {
    return curl({"-X", "POST", "-H", "Content-Type: application/json", "--data-binary",
                 QString::fromUtf8(body), url});
}

QList<QJsonObject> auditRecords(const QString& logDir) {
    QFile file(QDir(logDir).filePath("presets/audit.jsonl"));
    QList<QJsonObject> records;
    if (!file.open(QIODevice::ReadOnly)) return records;
    for (const QByteArray& line : file.readAll().split('\n'))
        if (!line.isEmpty()) records.append(QJsonDocument::fromJson(line).object());
    return records;
}

}  // namespace

TEST(PresetProcess, PresetsAndTheAuditTrailSurviveARestart) {
    QTemporaryDir data;
    QTemporaryDir logs;
    QString id;
    {
        Soundlab soundlab({"--data-dir", data.path(), "--log-dir", logs.path()});
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
        EXPECT_EQ(soundlab.stop(), 0);
    }
    ASSERT_EQ(auditRecords(logs.path()).size(), 2);  // create, apply

    Soundlab again({"--data-dir", data.path(), "--log-dir", logs.path()});
    const QString base = again.waitForListening();
    ASSERT_FALSE(base.isEmpty()) << again.standardError().toStdString();
    CurlResult r = curl({base + "/api/presets"});
    ASSERT_EQ(r.status, 200);
    ASSERT_EQ(r.json().value("total").toInt(), 1);
    EXPECT_EQ(r.json().value("presets").toArray().at(0).toObject().value("id").toString(), id);
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
    EXPECT_EQ(curl({base + "/api/presets"}).json().value("total").toInt(), 2);
    EXPECT_EQ(again.stop(), 0);

    QStringList actions;
    for (const QJsonObject& record : auditRecords(logs.path()))
        actions << record.value("action").toString();
    EXPECT_EQ(actions, (QStringList{"create", "apply", "export", "import", "import"}));
}

TEST(PresetProcess, NoLoggingWritesNoAuditTrail) {
    QTemporaryDir data;
    QTemporaryDir logs;
    Soundlab soundlab({"--data-dir", data.path(), "--log-dir", logs.path(), "--no-logging"});
    const QString base = soundlab.waitForListening();
    ASSERT_FALSE(base.isEmpty()) << soundlab.standardError().toStdString();
    ASSERT_EQ(postJson(base + "/api/presets", R"({"name": "Quiet"})").status, 201);
    const CurlResult stats = curl({base + "/api/presets/stats"});
    EXPECT_TRUE(stats.json().value("audit_log").isNull()) << stats.body.toStdString();
    EXPECT_EQ(soundlab.stop(), 0);
    EXPECT_TRUE(QDir(logs.path()).isEmpty());
    EXPECT_EQ(QDir(data.filePath("presets")).entryList(QDir::Files).size(), 1);
}
