// Session audio in the real program (issue 13, docs/logging.md "Session audio"): --record, the
// record routes driven by curl, the files finished on SIGTERM, and what a SIGKILL leaves.
// libsndfile reads the files back.

#include "ApiTestSupport.h"
#include "SoundlabProcess.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QTemporaryDir>

#include <gtest/gtest.h>
#include <sndfile.h>

using namespace soundlab::api::test;

namespace {

struct FlacInfo {
    bool opened = false;
    SF_INFO info{};
    sf_count_t decoded = 0;  // frames actually read
    QJsonObject comment;
};

FlacInfo readFlac(const QString& path) {
    FlacInfo r;
    SNDFILE* file = sf_open(QFile::encodeName(path).constData(), SFM_READ, &r.info);
    if (file == nullptr) return r;
    r.opened = true;
    std::vector<float> buffer(4096 * size_t(r.info.channels));
    for (sf_count_t n; (n = sf_readf_float(file, buffer.data(), 4096)) > 0;) r.decoded += n;
    if (const char* comment = sf_get_string(file, SF_STR_COMMENT))
        r.comment = QJsonDocument::fromJson(comment).object();
    sf_close(file);
    return r;
}

QList<QJsonObject> recordingRecords(const QString& gzPath) {
    QProcess zcat;
    zcat.start("zcat", {gzPath});
    zcat.waitForFinished(10000);
    EXPECT_EQ(zcat.exitCode(), 0) << gzPath.toStdString();
    QList<QJsonObject> records;
    for (const QByteArray& line : zcat.readAllStandardOutput().split('\n')) {
        const QJsonObject record = QJsonDocument::fromJson(line).object();
        const QString type = record.value("type").toString();
        if (type == "recording" || type == "session_end") records << record;
    }
    return records;
}

QJsonObject recordStatus(const QString& base) {
    return curl({base + "/api/record"}).json();
}

bool waitForFrames(const QString& base, double frames) {
    return waitFor([&] { return recordStatus(base).value("frames").toDouble() > frames; }, 20000);
}

}  // namespace

TEST(RecordProcess, RecordFromTheStartThenStopAndStartOverCurlAndFinishOnSigterm) {
    QTemporaryDir dir;
    const QString logs = dir.filePath("logs");
    SoundlabProcess soundlab({"--auto-start-audio", "--record", "--log-dir", logs, "--data-dir",
                              dir.filePath("data"), "--port", "0"});
    const QString base = soundlab.waitForListening();
    ASSERT_FALSE(base.isEmpty()) << soundlab.standardError().toStdString();

    QJsonObject s = recordStatus(base);
    EXPECT_TRUE(s.value("recording").toBool());
    const QString session = s.value("files").toArray().at(0).toString().section('_', 0, 0);
    ASSERT_TRUE(waitForFrames(base, 24000));
    const CurlResult stop = curl({"-X", "POST", base + "/api/record/stop"});
    ASSERT_EQ(stop.status, 200) << stop.body.toStdString();
    const CurlResult start = curl({"-X", "POST", base + "/api/record/start"});
    ASSERT_EQ(start.status, 200) << start.body.toStdString();
    EXPECT_EQ(start.json().value("files").toArray(),
              QJsonArray({session + "_input_2.flac", session + "_output_2.flac"}));
    EXPECT_EQ(curl({"-X", "POST", base + "/api/record/start"}).status, 409);
    ASSERT_TRUE(waitForFrames(base, 4800));
    EXPECT_EQ(soundlab.terminate(SIGTERM), 0);

    // Both takes carry their final names; nothing is left as .part.
    const QDir audio(logs + "/audio");
    EXPECT_EQ(audio.entryList(QDir::Files),
              QStringList({session + "_input.flac", session + "_input_2.flac",
                           session + "_output.flac", session + "_output_2.flac"}));
    const QList<QJsonObject> records =
        recordingRecords(logs + "/audio_engine/" + session + "_audio_engine.jsonl.gz");
    ASSERT_EQ(records.size(), 5);
    QStringList events;
    for (const QJsonObject& r : records)
        events << (r.value("type").toString() == "session_end" ? "session_end"
                                                               : r.value("event").toString());
    EXPECT_EQ(events, QStringList({"start", "stop", "start", "stop", "session_end"}));

    for (const QString& suffix : {QString(), QStringLiteral("_2")}) {
        const FlacInfo input = readFlac(audio.filePath(session + "_input" + suffix + ".flac"));
        const FlacInfo output = readFlac(audio.filePath(session + "_output" + suffix + ".flac"));
        ASSERT_TRUE(input.opened && output.opened);
        EXPECT_EQ(input.info.channels, 1);
        EXPECT_EQ(output.info.channels, 2);
        EXPECT_EQ(input.info.samplerate, 48000);
        EXPECT_EQ(input.decoded, input.info.frames);
        EXPECT_EQ(output.decoded, input.decoded);
        // The stop record (the second one on SIGTERM) names the frames the files hold.
        const QJsonObject& stopRecord = records[suffix.isEmpty() ? 1 : 3];
        EXPECT_EQ(stopRecord.value("frames").toDouble(), double(input.decoded));
        EXPECT_EQ(stopRecord.value("first_sample_position").toDouble(),
                  input.comment.value("first_sample_position").toDouble());
    }
}

TEST(RecordProcess, RecordWithNoLoggingExitsWithCode2AndSaysWhy) {
    QTemporaryDir dir;
    SoundlabProcess soundlab(
        {"--record", "--no-logging", "--data-dir", dir.filePath("data"), "--port", "0"});
    EXPECT_EQ(soundlab.waitForExit(), 2);
    EXPECT_TRUE(soundlab.standardError().contains("--no-logging"));
}

TEST(RecordProcess, AKilledRecordingLeavesDecodablePartFilesThatTheNextRunLeavesAlone) {
    QTemporaryDir dir;
    const QString logs = dir.filePath("logs");
    const QStringList arguments{"--auto-start-audio", "--record",           "--log-dir", logs,
                                "--data-dir",         dir.filePath("data"), "--port",    "0"};
    QStringList parts;
    {
        SoundlabProcess killed(arguments);
        const QString base = killed.waitForListening();
        ASSERT_FALSE(base.isEmpty()) << killed.standardError().toStdString();
        ASSERT_TRUE(waitForFrames(base, 48000));
        killed.terminate(SIGKILL);
    }
    const QDir audio(logs + "/audio");
    parts = audio.entryList({"*.part"}, QDir::Files);
    ASSERT_EQ(parts.size(), 2);
    // No final name for a take that never ended; what reached the disk decodes, tags included.
    const FlacInfo input = readFlac(audio.filePath(parts.filter("_input").value(0)));
    ASSERT_TRUE(input.opened);
    EXPECT_GT(input.decoded, 0);
    EXPECT_EQ(input.comment.value("stream").toString(), "input");

    QHash<QString, qint64> sizes;
    for (const QString& part : parts) sizes[part] = QFileInfo(audio.filePath(part)).size();
    {
        SoundlabProcess next(arguments);
        const QString base = next.waitForListening();
        ASSERT_FALSE(base.isEmpty()) << next.standardError().toStdString();
        ASSERT_TRUE(waitForFrames(base, 4800));
        // The API neither lists nor serves the interrupted take.
        const QByteArray sessions = curl({base + "/api/logs/sessions"}).body;
        EXPECT_FALSE(sessions.contains(".part")) << sessions.toStdString();
        EXPECT_EQ(next.terminate(SIGTERM), 0);
    }
    // The next run recovered the logs but left the .part files as they were.
    for (const QString& part : parts)
        EXPECT_EQ(QFileInfo(audio.filePath(part)).size(), sizes[part]) << part.toStdString();
    EXPECT_EQ(audio.entryList({"*.flac"}, QDir::Files).size(), 2);  // the new session's take
}
