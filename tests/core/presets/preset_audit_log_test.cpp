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

QList<QJsonObject> readRecords(const QString& path) {
    QFile file(path);
    QList<QJsonObject> records;
    if (!file.open(QIODevice::ReadOnly)) return records;
    for (const QByteArray& line : file.readAll().split('\n')) {
        if (!line.isEmpty()) records.append(QJsonDocument::fromJson(line).object());
    }
    return records;
}

AuditRecord sample(const QString& action, const QString& target) {
    return AuditRecord{{}, "127.0.0.1", action, target, "Name", "ok", QJsonObject{{"detail", 1}}};
}

TEST(PresetAuditLogTest, WritesOneJsonLinePerRecordWithEveryField) {
    QTemporaryDir logRoot;
    PresetAuditLog log(logRoot.path());
    EXPECT_EQ(log.filePath(), QDir(logRoot.path()).filePath("presets/audit.jsonl"));
    const QDateTime before = QDateTime::currentDateTimeUtc();
    log.record(sample("create", "id-1"));
    log.record(sample("delete", "id-1"));
    log.flush();

    const QList<QJsonObject> records = readRecords(log.filePath());
    ASSERT_EQ(records.size(), 2);
    EXPECT_EQ(records[0].keys(),
              (QStringList{"action", "client", "details", "name", "result", "target", "time"}));
    EXPECT_EQ(records[0].value("action"), "create");
    EXPECT_EQ(records[1].value("action"), "delete");
    EXPECT_EQ(records[0].value("details").toObject().value("detail").toInt(), 1);
    const QString time = records[0].value("time").toString();
    EXPECT_TRUE(time.endsWith('Z'));
    const QDateTime stamped = QDateTime::fromString(time, Qt::ISODateWithMs);
    EXPECT_GE(stamped.toMSecsSinceEpoch(), before.toMSecsSinceEpoch());
    EXPECT_EQ(log.counters().written, 2u);
    EXPECT_EQ(log.counters().dropped, 0u);
}

TEST(PresetAuditLogTest, AppendsAcrossRestarts) {
    QTemporaryDir logRoot;
    {
        PresetAuditLog log(logRoot.path());
        log.record(sample("create", "first"));
    }  // the destructor writes what is queued
    {
        PresetAuditLog log(logRoot.path());
        log.record(sample("update", "second"));
    }
    const QList<QJsonObject> records = readRecords(PresetAuditLog::filePathFor(logRoot.path()));
    ASSERT_EQ(records.size(), 2);
    EXPECT_EQ(records[0].value("target"), "first");
    EXPECT_EQ(records[1].value("target"), "second");
}

// The audit file is a FIFO nobody reads yet, so the writer thread blocks in the disk I/O. The
// callers still return at once; what does not fit the queue is dropped and counted. Once a
// reader appears, everything accepted arrives.
TEST(PresetAuditLogTest, ABlockedDiskNeverBlocksCallersAndOverflowIsCounted) {
    QTemporaryDir logRoot;
    const QString path = PresetAuditLog::filePathFor(logRoot.path());
    ASSERT_TRUE(QDir().mkpath(QFileInfo(path).absolutePath()));
    ASSERT_EQ(mkfifo(path.toLocal8Bit().constData(), 0600), 0);

    // QFile warns that it cannot seek in a FIFO; that is expected here.
    const QtMessageHandler previousHandler =
        qInstallMessageHandler([](QtMsgType, const QMessageLogContext&, const QString&) {});

    constexpr int kCapacity = 4;
    constexpr int kRecords = 100;
    auto log = std::make_unique<PresetAuditLog>(logRoot.path(), kCapacity);
    for (int i = 0; i < kRecords; ++i) log->record(sample("create", QString::number(i)));

    // At most one queue's worth went to the blocked writer and one more waits in the queue.
    const PresetAuditLog::Counters blocked = log->counters();
    EXPECT_GE(blocked.dropped, static_cast<uint64_t>(kRecords - 2 * kCapacity));
    EXPECT_EQ(blocked.written, 0u);

    const int reader = ::open(path.toLocal8Bit().constData(), O_RDONLY);
    ASSERT_GE(reader, 0);
    log->flush();
    const PresetAuditLog::Counters done = log->counters();
    log.reset();
    QByteArray received;
    char buffer[4096];
    for (ssize_t n; (n = ::read(reader, buffer, sizeof buffer)) > 0;) received.append(buffer, n);
    ::close(reader);

    EXPECT_EQ(done.written + done.dropped, static_cast<uint64_t>(kRecords));
    EXPECT_EQ(received.count('\n'), static_cast<qsizetype>(done.written));
    EXPECT_TRUE(received.startsWith("{\"action\":\"create\""));
    qInstallMessageHandler(previousHandler);
}

TEST(PresetAuditLogTest, AnUnwritableLocationCountsFailuresInsteadOfThrowing) {
    QTemporaryDir logRoot;
    // "presets" is a file, so presets/audit.jsonl cannot be created.
    QFile blocker(QDir(logRoot.path()).filePath("presets"));
    ASSERT_TRUE(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    PresetAuditLog log(logRoot.path());
    log.record(sample("create", "x"));
    log.flush();
    EXPECT_EQ(log.counters().failed, 1u);
    EXPECT_EQ(log.counters().written, 0u);
}

}  // namespace
}  // namespace soundlab::presets
