// The real `soundlab --no-gui` process under the conditions its session logs are built for
// (issue 13, docs/logging.md "Tests"): a metrics analysis stalled past its ring (one `gap`),
// or only late (none); a logger that cannot keep up with a flood (drops counted, no producer
// blocked, no xrun); and a 10 s run whose five logs zcat reads, with CSV and JSONL the same
// records and 300 metrics rows at 30 Hz. Threads are stalled the way a debugger does
// (StoppedThread), which stops one thread and leaves the audio running.

#include "SessionLogFiles.h"
#include "StoppedThread.h"
#include "XrunBudget.h"

#include <gtest/gtest.h>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QSet>
#include <QTemporaryDir>
#include <QThread>

#include <cmath>

using namespace soundlab::api::test;

namespace {

// 48 kHz: AnalysisRing::kSampleCapacity (65535 samples) lasts 1.365 s.
constexpr double kRingSeconds = 65535.0 / 48000.0;

QJsonObject metricsStats(const QString& base) {
    return curl({base + "/api/metrics/stats"}).json();
}

qint64 ringOverflows(const QString& base) {
    return metricsStats(base).value("ring_overflows").toInteger(-1);
}

soundlab::test::AudioTally audioTally(const QString& base) {
    return soundlab::test::AudioTally::of(curl({base + "/api/audio/performance"}).json());
}

// The CSV cell SessionLogger writes for a JSON value, compared as a reader would parse it.
void expectCell(const QString& cell, const QJsonValue& value, const QString& column) {
    SCOPED_TRACE(column.toStdString());
    switch (value.type()) {
        case QJsonValue::Undefined:
        case QJsonValue::Null:
            EXPECT_TRUE(cell.isEmpty()) << cell.toStdString();
            break;
        case QJsonValue::Bool:
            EXPECT_EQ(cell, value.toBool() ? "true" : "false");
            break;
        case QJsonValue::Double:
            EXPECT_NEAR(cell.toDouble(), value.toDouble(),
                        1e-9 * std::max(1.0, std::fabs(value.toDouble())));
            break;
        case QJsonValue::String:
            EXPECT_EQ(cell, value.toString());
            break;
        case QJsonValue::Array:
        case QJsonValue::Object:
            EXPECT_EQ(QJsonDocument::fromJson(cell.toUtf8()).toVariant(), value.toVariant());
            break;
    }
}

// Every line of both files read (zcat), the CSV header `timestamp,type,…,detail`, and row i the
// same record as JSONL line i: same timestamp and type, every field in its column or in
// `detail`, nothing else.
QList<QJsonObject> readCategory(const QString& root, const QString& session,
                                const QString& category) {
    SCOPED_TRACE(category.toStdString());
    const QList<QStringList> rows = csvRows(zcat(logFile(root, session, category, "csv.gz")));
    const QList<QJsonObject> records =
        jsonRecords(zcat(logFile(root, session, category, "jsonl.gz")));
    if (rows.isEmpty()) {
        ADD_FAILURE() << "empty CSV";
        return records;
    }
    const QStringList header = rows.first();
    EXPECT_GE(header.size(), 3);
    EXPECT_EQ(header.mid(0, 2), (QStringList{"timestamp", "type"}));
    EXPECT_EQ(header.last(), "detail");
    const QStringList columns = header.mid(2, header.size() - 3);
    EXPECT_EQ(rows.size() - 1, records.size());
    for (int i = 0; i < std::min(int(rows.size()) - 1, int(records.size())); ++i) {
        const QStringList& row = rows[i + 1];
        const QJsonObject& record = records[i];
        SCOPED_TRACE(QJsonDocument(record).toJson(QJsonDocument::Compact).toStdString());
        EXPECT_EQ(row.size(), header.size());
        if (row.size() != header.size()) continue;
        EXPECT_NEAR(row[0].toDouble(), record.value("timestamp").toDouble(), 1e-6);
        EXPECT_EQ(row[1], record.value("type").toString());
        EXPECT_TRUE(record.value("time").toString().endsWith('Z'));
        QJsonObject rest = record;
        for (const char* key : {"timestamp", "time", "type"}) rest.remove(key);
        for (int c = 0; c < columns.size(); ++c) {
            expectCell(row[c + 2], rest.value(columns[c]), columns[c]);
            rest.remove(columns[c]);
        }
        const QString detail = row.last();
        EXPECT_EQ(
            detail.isEmpty() ? QJsonObject() : QJsonDocument::fromJson(detail.toUtf8()).object(),
            rest);
    }
    return records;
}

}  // namespace

// Stalled within what the analysis ring holds, the analysis catches up from it: frames come late
// but carry the time of their audio, so there is no gap. Stalled longer, the audio thread drops
// blocks: one `gap` record, from the last frame before to the first after, with the frames
// missing at the rate, and frame ids that go on.
TEST(SessionLogLoad, AnAnalysisStalledPastItsRingMakesOneGapWithItsBoundsAndALateOneNone) {
    QTemporaryDir logs;
    SoundlabProcess soundlab({"--port", "0", "--log-dir", logs.path(), "--auto-start-audio",
                              "--sample-rate", "48000", "--metrics-rate", "30"});
    const QString base = soundlab.waitForListening();
    ASSERT_FALSE(base.isEmpty()) << soundlab.standardError().toStdString();
    const QString session = sessionOf(base);
    const pid_t analysis = threadNamed(soundlab.pid(), "soundlab-metric");
    ASSERT_NE(analysis, 0) << "no thread named soundlab-metric";
    QThread::msleep(1000);

    {
        StoppedThread late(analysis);
        if (!late.stopped())
            GTEST_SKIP() << "cannot stop one thread here (ptrace): " << late.error().toStdString();
        QThread::msleep(500);
    }
    QThread::msleep(1000);
    EXPECT_EQ(ringOverflows(base), 0);

    double stalledSeconds = 0.0;
    {
        StoppedThread stalled(analysis);
        ASSERT_TRUE(stalled.stopped()) << stalled.error().toStdString();
        QElapsedTimer timer;
        timer.start();
        QThread::msleep(3000);
        stalledSeconds = double(timer.nsecsElapsed()) * 1e-9;
    }
    QThread::msleep(1000);
    EXPECT_GT(ringOverflows(base), 0);
    EXPECT_EQ(soundlab.terminate(), 0);

    const QList<QJsonObject> records =
        jsonRecords(zcat(logFile(logs.path(), session, "metrics", "jsonl.gz")));
    QList<int> gaps;
    for (int i = 0; i < records.size(); ++i)
        if (records[i].value("type") == "gap") gaps << i;
    ASSERT_EQ(gaps.size(), 1);
    const int g = gaps.first();
    ASSERT_GT(g, 0);
    ASSERT_LT(g + 1, records.size());
    const QJsonObject gap = records[g];
    const QJsonObject before = records[g - 1];
    const QJsonObject after = records[g + 1];
    ASSERT_EQ(before.value("type"), "frame");
    ASSERT_EQ(after.value("type"), "frame");
    const double start = gap.value("start").toDouble();
    const double end = gap.value("end").toDouble();
    EXPECT_DOUBLE_EQ(start, before.value("timestamp").toDouble());
    EXPECT_DOUBLE_EQ(end, after.value("timestamp").toDouble());
    EXPECT_DOUBLE_EQ(gap.value("timestamp").toDouble(), start);
    EXPECT_NEAR(gap.value("duration_s").toDouble(), end - start, 1e-9);
    EXPECT_DOUBLE_EQ(gap.value("nominal_period_s").toDouble(), 1.0 / 30.0);
    EXPECT_EQ(gap.value("missing_frames").toDouble(), std::round((end - start) * 30.0) - 1.0);
    // What the ring could not hold: the stall less the ring's 1.365 s, plus the catch-up.
    EXPECT_GT(end - start, stalledSeconds - kRingSeconds - 0.2);
    EXPECT_LT(end - start, stalledSeconds);
    EXPECT_EQ(gap.value("frame_id").toInteger(), after.value("frame_id").toInteger());
    EXPECT_EQ(after.value("frame_id").toInteger(), before.value("frame_id").toInteger() + 1);

    // Everywhere else (the late stretch included) frames are one period apart, ids +1.
    const QList<QJsonObject> frames = recordsOfType(records, "frame");
    ASSERT_GE(frames.size(), 90);
    for (int i = 1; i < frames.size(); ++i) {
        ASSERT_EQ(frames[i].value("frame_id").toInteger(),
                  frames[i - 1].value("frame_id").toInteger() + 1);
        const double step =
            frames[i].value("timestamp").toDouble() - frames[i - 1].value("timestamp").toDouble();
        if (frames[i] == after) continue;
        // One period, to the stream clock loop's corrections: up to the callbacks' jitter while
        // it learns in the first seconds (docs/latency.md "Drift"), far below a missing frame.
        ASSERT_NEAR(step, 1.0 / 30.0, 2e-3) << "frame " << frames[i].value("frame_id").toInteger();
    }
}

// The logger's thread stopped (a disk that hangs) while clients push far more than its queue's
// 16 384 records: every request is answered at once (a producer that blocked would hang it),
// the overflow is counted in /api/status and as `dropped` records once the logger runs again,
// and the audio has no xrun.
TEST(SessionLogLoad, AFloodPastTheQueueDropsAndCountsWithoutBlockingAnyoneOrTheAudio) {
    QTemporaryDir logs;
    SoundlabProcess soundlab(
        {"--port", "0", "--log-dir", logs.path(), "--auto-start-audio", "--metrics-rate", "120"});
    const QString base = soundlab.waitForListening();
    ASSERT_FALSE(base.isEmpty()) << soundlab.standardError().toStdString();
    const QString session = sessionOf(base);
    const pid_t logger = threadNamed(soundlab.pid(), "soundlab-log");
    ASSERT_NE(logger, 0) << "no thread named soundlab-log";
    QThread::msleep(500);
    const soundlab::test::AudioTally audioBefore = audioTally(base);
    ASSERT_GT(audioBefore.callbacks, 0u);
    const qint64 framesBefore = metricsStats(base).value("frames").toInteger();

    // 24 batches of 1000 sensor samples (one `sensor` record each) and 20 markers (five each):
    // 24 100 records, more than the queue holds, none of which can be written meanwhile.
    constexpr int kBatches = 24, kBatchSize = 1000, kMarkers = 20;
    QJsonArray batch;
    for (int i = 0; i < kBatchSize; ++i) batch.append(QJsonObject{{"gsr", (i % 100) / 100.0}});
    const QByteArray batchBody = QJsonDocument(batch).toJson(QJsonDocument::Compact);
    {
        StoppedThread stalled(logger);
        if (!stalled.stopped())
            GTEST_SKIP() << "cannot stop one thread here (ptrace): "
                         << stalled.error().toStdString();
        for (int i = 0; i < kBatches; ++i) {
            const CurlResult r = postJson(base + "/api/phi/sensor", batchBody);
            ASSERT_EQ(r.status, 200) << r.body.toStdString();
        }
        for (int i = 0; i < kMarkers; ++i) {
            const CurlResult r = postJson(base + "/api/markers", R"({"label": "flood"})");
            ASSERT_EQ(r.status, 201) << r.body.toStdString();
        }
        // The analysis went on handing frames to the stopped logger meanwhile.
        EXPECT_GT(metricsStats(base).value("frames").toInteger(), framesBefore);
    }
    QThread::msleep(1500);  // the logger writes its `dropped` records within a second
    const QJsonObject logging = curl({base + "/api/status"}).json().value("logging").toObject();
    const qint64 dropped = logging.value("dropped").toInteger();
    EXPECT_GE(dropped, kBatches * kBatchSize + kMarkers * 5 - 16384);
    EXPECT_TRUE(soundlab::test::audioKeptUpUnderLoad(audioTally(base) - audioBefore));
    EXPECT_EQ(soundlab.terminate(), 0);

    // Each category's latest `dropped` record has its total; together they are the status's.
    qint64 droppedInLogs = 0;
    for (const QString& category : kLogCategories) {
        const QList<QJsonObject> records =
            jsonRecords(zcat(logFile(logs.path(), session, category, "jsonl.gz")));
        const QList<QJsonObject> drops = recordsOfType(records, "dropped");
        if (drops.isEmpty()) continue;
        qint64 since = 0;
        for (const QJsonObject& d : drops) since += d.value("dropped_since_last").toInteger();
        EXPECT_EQ(since, drops.last().value("dropped_total").toInteger()) << category.toStdString();
        droppedInLogs += drops.last().value("dropped_total").toInteger();
        if (category == "phi_modulator") {
            const qsizetype sensors = recordsOfType(records, "sensor").size();
            EXPECT_GT(sensors, 0);
            EXPECT_LT(sensors, kBatches * kBatchSize);
        }
    }
    EXPECT_EQ(droppedInLogs, dropped);
    const QList<QJsonObject> phi =
        jsonRecords(zcat(logFile(logs.path(), session, "phi_modulator", "jsonl.gz")));
    EXPECT_FALSE(recordsOfType(phi, "dropped").isEmpty());
}

// A 10 s run: every category written and gzipped, zcat reads every line, CSV and JSONL carry the
// same records (header, keys, values), and 30 Hz metrics give 300 ± 3 rows in 10 s.
TEST(SessionLogLoad, TenSecondsWriteEveryCategoryAsTheSameCsvAndJsonlWith300MetricsRows) {
    QTemporaryDir logs;
    SoundlabProcess soundlab(
        {"--port", "0", "--log-dir", logs.path(), "--auto-start-audio", "--metrics-rate", "30"});
    const QString base = soundlab.waitForListening();
    ASSERT_FALSE(base.isEmpty()) << soundlab.standardError().toStdString();
    const QString session = sessionOf(base);
    ASSERT_EQ(postJson(base + "/api/markers", R"({"label": "start, \"quoted\""})").status, 201);
    ASSERT_EQ(postJson(base + "/api/phi", R"({"mode": "internal"})", "PUT").status, 200);
    QThread::msleep(11000);
    EXPECT_EQ(soundlab.terminate(), 0);

    for (const QString& category : kLogCategories) {
        const QList<QJsonObject> records = readCategory(logs.path(), session, category);
        EXPECT_TRUE(typesOf(records).contains("marker")) << category.toStdString();
    }
    const QList<QJsonObject> frames =
        recordsOfType(readCategory(logs.path(), session, "metrics"), "frame");
    ASSERT_FALSE(frames.isEmpty());
    const double first = frames.first().value("timestamp").toDouble();
    ASSERT_GE(frames.last().value("timestamp").toDouble() - first, 10.0);
    int inTenSeconds = 0;
    for (const QJsonObject& frame : frames)
        if (frame.value("timestamp").toDouble() < first + 10.0) ++inTenSeconds;
    EXPECT_NEAR(inTenSeconds, 300, 3);
}

// The whole process suspended (SIGSTOP/SIGCONT, as a laptop's sleep or a debugger does): the
// device's clock ran on, the blocks of that time never came. The stream clock's loop resyncs on
// the late callback, so the frames after it carry their real time and one `gap` spans the
// suspension; the stream and the API go on.
TEST(SessionLogLoad, ASuspendedProcessMakesOneGapAsLongAsTheSuspension) {
    QTemporaryDir logs;
    SoundlabProcess soundlab({"--port", "0", "--log-dir", logs.path(), "--auto-start-audio",
                              "--metrics-rate", "30"});
    const QString base = soundlab.waitForListening();
    ASSERT_FALSE(base.isEmpty()) << soundlab.standardError().toStdString();
    const QString session = sessionOf(base);
    QThread::msleep(1500);
    ::kill(pid_t(soundlab.pid()), SIGSTOP);
    QThread::msleep(2000);
    ::kill(pid_t(soundlab.pid()), SIGCONT);
    QThread::msleep(1500);
    EXPECT_TRUE(curl({base + "/api/status"}).json().value("audio_running").toBool());
    EXPECT_EQ(soundlab.terminate(), 0);

    const QList<QJsonObject> gaps = recordsOfType(
        jsonRecords(zcat(logFile(logs.path(), session, "metrics", "jsonl.gz"))), "gap");
    ASSERT_EQ(gaps.size(), 1);
    const double duration = gaps.first().value("duration_s").toDouble();
    EXPECT_GT(duration, 1.9);  // the 2 s, less at most a frame
    EXPECT_LT(duration, 3.0);  // plus the signals' and the scheduler's delays
}
