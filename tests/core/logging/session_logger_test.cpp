#include "logging/GapDetector.h"
#include "logging/GzipFile.h"
#include "logging/LogSessions.h"
#include "logging/SessionLogger.h"

#include <gtest/gtest.h>

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <chrono>
#include <thread>

namespace soundlab::logging {
namespace {

QList<QByteArray> linesOf(const QByteArray& content) {
    QList<QByteArray> lines = content.split('\n');
    if (!lines.isEmpty() && lines.last().isEmpty()) lines.removeLast();
    return lines;
}

QList<QByteArray> gzLines(const QString& path) {
    const auto content = gunzipFile(path);
    EXPECT_TRUE(content.has_value()) << path.toStdString();
    return content ? linesOf(*content) : QList<QByteArray>{};
}

// What a reader of the files relies on: every category has a CSV with a header row and a JSONL
// with the same records, both gzip-compressed on close and readable line by line.
TEST(SessionLogger, WritesEveryCategoryAsCsvAndJsonlAndCompressesThemOnClose) {
    QTemporaryDir root;
    QString id;
    {
        SessionLogger logger({root.path()});
        id = logger.sessionId();
        EXPECT_TRUE(sessions::isValidId(id)) << id.toStdString();
        for (int i = 0; i < 30; ++i) {
            logger.log(Category::Metrics, QStringLiteral("frame"),
                       {{QStringLiteral("frame_id"), i},
                        {QStringLiteral("ici"), 0.25},
                        {QStringLiteral("state"), QStringLiteral("AWAKE")},
                        {QStringLiteral("extra"), QStringLiteral("a, \"quoted\" value")}});
        }
        logger.logEverywhere(QStringLiteral("marker"), {{QStringLiteral("label"), "take 1"}});
        logger.flush();
        EXPECT_TRUE(QFile::exists(logger.filePath(Category::Metrics, QStringLiteral("csv"))));
        logger.close();
        EXPECT_EQ(logger.status().written, 35u);
        EXPECT_EQ(logger.status().dropped, 0u);
    }
    for (Category category : kCategories) {
        const QString base = QDir(root.path()).filePath(categoryName(category) + '/' + id + '_' +
                                                        categoryName(category));
        EXPECT_FALSE(QFile::exists(base + ".csv")) << "left uncompressed";
        const QList<QByteArray> csv = gzLines(base + ".csv.gz");
        const QList<QByteArray> jsonl = gzLines(base + ".jsonl.gz");
        ASSERT_FALSE(csv.isEmpty());
        EXPECT_TRUE(csv[0].startsWith("timestamp,type,")) << csv[0].toStdString();
        EXPECT_TRUE(csv[0].endsWith(",detail"));
        const int records = category == Category::Metrics ? 31 : 1;
        EXPECT_EQ(csv.size(), records + 1);
        ASSERT_EQ(jsonl.size(), records);
        for (const QByteArray& line : jsonl) {
            const QJsonObject object = QJsonDocument::fromJson(line).object();
            EXPECT_TRUE(object.contains("timestamp") && object.contains("time") &&
                        object.contains("type"))
                << line.toStdString();
        }
        const QJsonObject last = QJsonDocument::fromJson(jsonl.last()).object();
        EXPECT_EQ(last.value("type").toString(), "marker");
        EXPECT_EQ(last.value("label").toString(), "take 1");
    }
    const QString metrics =
        QDir(root.path()).filePath("metrics/" + id + "_metrics");
    const QList<QByteArray> csv = gzLines(metrics + ".csv.gz");
    const QList<QByteArray> header = csv[0].split(',');
    const int frameColumn = int(header.indexOf("frame_id"));
    ASSERT_GE(frameColumn, 0);
    EXPECT_EQ(csv[6].split(',')[frameColumn], "5");
    // A field with no column goes to `detail` as JSON, quoted as RFC 4180 says.
    EXPECT_TRUE(csv[1].endsWith("\"{\"\"extra\"\":\"\"a, \\\"\"quoted\\\"\" value\"\"}\""))
        << csv[1].toStdString();
    const QJsonObject first = QJsonDocument::fromJson(gzLines(metrics + ".jsonl.gz")[0]).object();
    EXPECT_EQ(first.value("extra").toString(), "a, \"quoted\" value");
    EXPECT_EQ(first.value("ici").toDouble(), 0.25);
}

// A producer never waits: with the queue full, records are dropped and counted, and the log
// says so in a `dropped` record.
TEST(SessionLogger, AFullQueueDropsAndCountsAndNeverBlocks) {
    QTemporaryDir root;
    SessionLogger logger({root.path(), 64});
    int accepted = 0;
    for (int i = 0; i < 20000; ++i)
        accepted += logger.log(Category::AudioEngine, QStringLiteral("flood"),
                               {{QStringLiteral("i"), i}});
    EXPECT_LT(accepted, 20000);
    logger.flush();
    const auto status = logger.status();
    EXPECT_EQ(status.dropped, uint64_t(20000 - accepted));
    // The `dropped` record is written within a second (housekeeping).
    std::this_thread::sleep_for(std::chrono::milliseconds(1300));
    logger.close();
    const QList<QByteArray> jsonl =
        gzLines(logger.filePath(Category::AudioEngine, QStringLiteral("jsonl.gz")));
    bool found = false;
    for (const QByteArray& line : jsonl) {
        const QJsonObject object = QJsonDocument::fromJson(line).object();
        if (object.value("type") == "dropped") {
            found = true;
            EXPECT_EQ(object.value("dropped_total").toDouble(), double(status.dropped));
        }
    }
    EXPECT_TRUE(found);
    EXPECT_EQ(jsonl.size(), accepted + 1);
}

// A session a crash left behind (no live writer, uncompressed, a partial last line) is found at
// the next start: the partial line goes, a `recovered` record is added, the files compressed.
TEST(SessionLogger, ACrashedSessionIsRecoveredAndCompressedAtTheNextStart) {
    QTemporaryDir root;
    const QString crashed = QStringLiteral("20261129T101010Z-beef");
    QDir(root.path()).mkpath("metrics");
    const QString base = QDir(root.path()).filePath("metrics/" + crashed + "_metrics");
    {
        QFile csv(base + ".csv");
        ASSERT_TRUE(csv.open(QIODevice::WriteOnly));
        csv.write("timestamp,type,frame_id\n1.0,frame,1\n2.0,fra");
        QFile jsonl(base + ".jsonl");
        ASSERT_TRUE(jsonl.open(QIODevice::WriteOnly));
        jsonl.write("{\"type\":\"frame\",\"frame_id\":1}\n{\"type\":\"fr");
    }
    SessionLogger logger({root.path()});
    logger.flush();
    for (int i = 0; i < 100 && logger.status().recovered.isEmpty(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_EQ(logger.status().recovered, QStringList{crashed});
    const QList<QByteArray> csv = gzLines(base + ".csv.gz");
    ASSERT_EQ(csv.size(), 3);
    EXPECT_EQ(csv[1], "1.0,frame,1");
    EXPECT_TRUE(csv[2].contains(",recovered,")) << csv[2].toStdString();
    const QList<QByteArray> jsonl = gzLines(base + ".jsonl.gz");
    ASSERT_EQ(jsonl.size(), 2);
    EXPECT_EQ(QJsonDocument::fromJson(jsonl[1]).object().value("type"), "recovered");
    EXPECT_FALSE(QFile::exists(base + ".csv"));
    // The session that runs now is not touched.
    logger.log(Category::Metrics, "frame", {});
    logger.flush();
    EXPECT_TRUE(QFile::exists(logger.filePath(Category::Metrics, "csv")));
}

// Another process's session that is still being written is never "recovered".
TEST(SessionLogger, ASessionStillBeingWrittenIsLeftAlone) {
    QTemporaryDir root;
    SessionLogger first({root.path()});
    first.log(Category::Metrics, "frame", {});
    first.flush();
    SessionLogger second({root.path()});
    second.flush();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_TRUE(second.status().recovered.isEmpty());
    EXPECT_TRUE(QFile::exists(first.filePath(Category::Metrics, "csv")));
}

// The log directory removed while the session runs: records of that moment fail and are counted,
// the error shows in status, and logging resumes by itself once it can.
TEST(SessionLogger, ResumesWhenItsDirectoryComesBackAfterBeingDeleted) {
    QTemporaryDir root;
    SessionLogger logger({root.path()});
    logger.log(Category::Metrics, "frame", {{"frame_id", 1}});
    logger.flush();
    ASSERT_TRUE(QDir(QDir(root.path()).filePath("metrics")).removeRecursively());
    // Housekeeping (every second) notices and recreates the files.
    bool resumed = false;
    for (int i = 0; i < 100 && !resumed; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        resumed = QFile::exists(logger.filePath(Category::Metrics, "csv"));
    }
    ASSERT_TRUE(resumed);
    logger.log(Category::Metrics, "frame", {{"frame_id", 2}});
    logger.flush();
    logger.close();
    const QList<QByteArray> csv = gzLines(logger.filePath(Category::Metrics, "csv.gz"));
    ASSERT_EQ(csv.size(), 2);  // a fresh header, then the new record
    EXPECT_TRUE(csv[0].startsWith("timestamp,type"));
    EXPECT_TRUE(csv[1].contains(",frame,2,"));
    EXPECT_TRUE(logger.status().error.isEmpty()) << logger.status().error.toStdString();
}

// Two runs started within one second (a quick restart) still list in start order.
TEST(LogSessions, IdsSortByStartTimeEvenWithinASecond) {
    const QDateTime start = QDateTime::fromString("2026-11-30T02:05:00.004Z", Qt::ISODateWithMs);
    for (int ms : {1, 5, 250, 990}) {
        const QString earlier = sessions::newId(start);
        const QString later = sessions::newId(start.addMSecs(ms));
        EXPECT_TRUE(sessions::isValidId(earlier) && sessions::isValidId(later));
        EXPECT_LT(earlier, later) << ms;
        EXPECT_EQ(sessions::startOf(later).toString(Qt::ISODate), "2026-11-30T02:05:00Z");
    }
}

TEST(LogSessions, RetentionRemovesOnlyOldSessionsAndListingNamesTheirFiles) {
    QTemporaryDir root;
    QDir(root.path()).mkpath("metrics");
    const QString old = "20200101T000000Z-0001";
    const QString recent = "20261129T000000Z-0002";
    for (const QString& id : {old, recent}) {
        QFile file(QDir(root.path()).filePath("metrics/" + id + "_metrics.csv.gz"));
        ASSERT_TRUE(file.open(QIODevice::WriteOnly));
        file.write("x");
    }
    QFile stray(QDir(root.path()).filePath("metrics/notes.txt"));
    ASSERT_TRUE(stray.open(QIODevice::WriteOnly));
    const QDateTime now = QDateTime::fromString("2026-11-30T12:00:00Z", Qt::ISODate);
    EXPECT_EQ(sessions::removeOlderThan(root.path(), 30, QString(), now), QStringList{old});
    const auto listed = sessions::list(root.path());
    ASSERT_EQ(listed.size(), 1);
    EXPECT_EQ(listed[0].id, recent);
    ASSERT_EQ(listed[0].files.size(), 1);
    EXPECT_TRUE(listed[0].files[0].compressed);
    EXPECT_TRUE(sessions::find(root.path(), recent, recent + "_metrics.csv.gz").has_value());
    EXPECT_FALSE(sessions::find(root.path(), recent, "../" + recent + "_metrics.csv.gz"));
    EXPECT_FALSE(sessions::find(root.path(), "..", "notes.txt"));
    EXPECT_TRUE(QFile::exists(stray.fileName()));
}

// A periodic stream's frames 33.3 ms apart (30 Hz): jitter up to two periods is no gap; a stall
// of half a second is one gap with its bounds and the frames it lost; frames that arrive late
// but carry their own, regular timestamps (a late analysis catching up) are none.
TEST(GapDetector, OneGapRecordPerHoleWithItsBoundsAndMissingFrames) {
    const double period = 1.0 / 30.0;
    GapDetector detector(period);
    double t = 1000.0;
    for (int i = 0; i < 30; ++i, t += period) EXPECT_FALSE(detector.frame(t)) << i;
    EXPECT_FALSE(detector.frame(t + 0.9 * period));  // jitter: 1.9 periods after the last
    t += 0.9 * period + period;
    const double before = t - period;
    const double after = before + 0.5;  // 15 periods later: 14 frames missing
    const auto gap = detector.frame(after);
    ASSERT_TRUE(gap);
    EXPECT_DOUBLE_EQ(gap->value("start").toDouble(), before);
    EXPECT_DOUBLE_EQ(gap->value("end").toDouble(), after);
    EXPECT_EQ(gap->value("missing_frames").toDouble(), 14.0);
    EXPECT_EQ(detector.gaps(), 1u);
    EXPECT_FALSE(detector.frame(after + period));
    detector.reset();  // a new stream: its first frame is no gap
    EXPECT_FALSE(detector.frame(after + 10.0));
    EXPECT_EQ(detector.gaps(), 1u);
}

}  // namespace
}  // namespace soundlab::logging
