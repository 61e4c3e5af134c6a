#include "logging/GzipFile.h"
#include "logging/SessionLogger.h"
#include "preset_fixtures.h"
#include "presets/PresetAuditLog.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>

namespace soundlab::presets {
namespace {

QList<QJsonObject> parseLines(const QByteArray& content) {
    QList<QJsonObject> records;
    for (const QByteArray& line : content.split('\n'))
        if (!line.isEmpty()) records.append(QJsonDocument::fromJson(line).object());
    return records;
}

QList<QJsonObject> readRecords(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return {};
    return parseLines(file.readAll());
}

AuditRecord sample(const QString& action, const QString& target) {
    return AuditRecord{{}, "127.0.0.1", action, target, "Name", "ok", QJsonObject{{"detail", 1}}};
}

TEST(PresetAuditLogTest, WritesOneAuditRecordPerActionWithEveryFieldInTheSessionsPresetsLog) {
    QTemporaryDir logRoot;
    logging::SessionLogger session({logRoot.path()});
    PresetAuditLog log(session);
    EXPECT_EQ(log.filePath(), QDir(logRoot.path())
                                  .filePath("presets/" + session.sessionId() + "_presets.jsonl"));
    const QDateTime before = QDateTime::currentDateTimeUtc();
    log.record(sample("create", "id-1"));
    log.record(sample("delete", "id-1"));
    log.flush();

    const QList<QJsonObject> records = readRecords(log.filePath());
    ASSERT_EQ(records.size(), 2);
    EXPECT_EQ(records[0].keys(), (QStringList{"action", "client", "details", "name", "result",
                                              "target", "time", "timestamp", "type"}));
    EXPECT_EQ(records[0].value("type"), "audit");
    EXPECT_EQ(records[0].value("action"), "create");
    EXPECT_EQ(records[1].value("action"), "delete");
    EXPECT_EQ(records[0].value("details").toObject().value("detail").toInt(), 1);
    const QString time = records[0].value("time").toString();
    EXPECT_TRUE(time.endsWith('Z'));
    const QDateTime stamped = QDateTime::fromString(time, Qt::ISODateWithMs);
    EXPECT_GE(stamped.toMSecsSinceEpoch(), before.toMSecsSinceEpoch());
    EXPECT_EQ(log.counters().logged, 2u);
    EXPECT_EQ(log.counters().dropped, 0u);
    // The CSV twin has the audit columns.
    QFile csv(session.filePath(logging::Category::Presets, "csv"));
    ASSERT_TRUE(csv.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = csv.readAll().split('\n');
    EXPECT_EQ(lines[0], "timestamp,type,client,action,target,name,result,detail");
    EXPECT_TRUE(lines[1].contains(",audit,127.0.0.1,create,id-1,Name,ok,")) << lines[1].data();
}

// The trail is per session now: each run's actions are in its own file, gzipped at its close,
// and every session's file stays.
TEST(PresetAuditLogTest, EachSessionKeepsItsOwnTrail) {
    QTemporaryDir logRoot;
    QStringList files;
    for (const char* target : {"first", "second"}) {
        logging::SessionLogger session({logRoot.path()});
        PresetAuditLog log(session);
        log.record(sample("create", target));
        files << log.filePath() + ".gz";
    }
    ASSERT_NE(files[0], files[1]);
    for (int i = 0; i < 2; ++i) {
        const auto content = logging::gunzipFile(files[i]);
        ASSERT_TRUE(content.has_value()) << files[i].toStdString();
        const QList<QJsonObject> records = parseLines(*content);
        ASSERT_EQ(records.size(), 1);
        EXPECT_EQ(records[0].value("target"), i == 0 ? "first" : "second");
    }
}

// The presets log is a FIFO nobody reads yet, so the logger thread blocks in the disk I/O. The
// callers still return at once; what does not fit the queue is dropped and counted. Once a
// reader appears, everything accepted arrives.
TEST(PresetAuditLogTest, ABlockedDiskNeverBlocksCallersAndOverflowIsCounted) {
    QTemporaryDir logRoot;
    const QString id = "20261130T000000Z-f1f0";
    const QString path = QDir(logRoot.path()).filePath("presets/" + id + "_presets.jsonl");
    ASSERT_TRUE(QDir().mkpath(QFileInfo(path).absolutePath()));
    ASSERT_EQ(mkfifo(path.toLocal8Bit().constData(), 0600), 0);

    constexpr int kCapacity = 4;
    constexpr int kRecords = 100;
    auto session = std::make_unique<logging::SessionLogger>(
        logging::SessionLogger::Options{logRoot.path(), kCapacity, std::nullopt, id});
    auto log = std::make_unique<PresetAuditLog>(*session);
    for (int i = 0; i < kRecords; ++i) log->record(sample("create", QString::number(i)));

    const PresetAuditLog::Counters blocked = log->counters();
    EXPECT_GE(blocked.dropped, static_cast<uint64_t>(kRecords - kCapacity));
    EXPECT_EQ(blocked.logged + blocked.dropped, static_cast<uint64_t>(kRecords));

    const int reader = ::open(path.toLocal8Bit().constData(), O_RDONLY);
    ASSERT_GE(reader, 0);
    log->flush();
    const PresetAuditLog::Counters done = log->counters();
    log.reset();
    session.reset();
    QByteArray received;
    char buffer[4096];
    for (ssize_t n; (n = ::read(reader, buffer, sizeof buffer)) > 0;) received.append(buffer, n);
    ::close(reader);

    EXPECT_EQ(done.logged, blocked.logged);
    const QList<QJsonObject> records = parseLines(received);
    int audits = 0;
    for (const QJsonObject& record : records) audits += record.value("type") == "audit";
    EXPECT_EQ(audits, static_cast<int>(done.logged));
}

TEST(PresetAuditLogTest, AnUnwritableLocationCountsFailuresInsteadOfThrowing) {
    QTemporaryDir logRoot;
    // "presets" is a file, so presets/<session>_presets.jsonl cannot be created.
    QFile blocker(QDir(logRoot.path()).filePath("presets"));
    ASSERT_TRUE(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    logging::SessionLogger session({logRoot.path()});
    PresetAuditLog log(session);
    log.record(sample("create", "x"));
    log.flush();
    EXPECT_EQ(log.counters().failed, 1u);
    EXPECT_EQ(log.counters().logged, 1u);
    EXPECT_FALSE(session.status().error.isEmpty());
}

}  // namespace
}  // namespace soundlab::presets
