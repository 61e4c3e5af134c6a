// Session audio (issue 13, docs/logging.md "Session audio") over real HTTP: the virtual device
// plays a WAV file with one click a second into the chain; the recorder writes real FLAC files,
// which libsndfile reads back here. The click must sit in the input file exactly where the
// first sample's position (file metadata, `recording` log record) says; the first sample's
// heard time must be the metrics frames' clock.

#include "ApiTestSupport.h"
#include "api/ApiServer.h"
#include "api/JsonSchema.h"
#include "api/RecordRoutes.h"
#include "audio/WavWriter.h"
#include "engine/AudioEngine.h"
#include "engine/SessionRecorder.h"
#include "logging/SessionLogger.h"
#include "metrics/MetricsAnalyzer.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>

#include <gtest/gtest.h>
#include <sndfile.h>

#include <chrono>
#include <cmath>
#include <memory>
#include <thread>
#include <vector>

namespace soundlab::api::test {
namespace {

constexpr int64_t kClickAt = 12345;  // within each second of the test file
constexpr float kClick = 0.9f;

// A FLAC file as libsndfile decodes it.
struct Decoded {
    SF_INFO info{};
    std::vector<float> samples;  // interleaved
    QJsonObject comment;
};

Decoded decode(const QString& path) {
    Decoded d;
    SNDFILE* file = sf_open(QFile::encodeName(path).constData(), SFM_READ, &d.info);
    EXPECT_NE(file, nullptr) << path.toStdString() << ": " << sf_strerror(nullptr);
    if (file == nullptr) return d;
    d.samples.resize(size_t(d.info.frames) * size_t(d.info.channels));
    EXPECT_EQ(sf_readf_float(file, d.samples.data(), d.info.frames), d.info.frames);
    if (const char* comment = sf_get_string(file, SF_STR_COMMENT))
        d.comment = QJsonDocument::fromJson(comment).object();
    sf_close(file);
    return d;
}

QList<QJsonObject> recordingRecords(const QString& jsonlPath) {
    QFile file(jsonlPath);
    EXPECT_TRUE(file.open(QIODevice::ReadOnly)) << jsonlPath.toStdString();
    QList<QJsonObject> records;
    for (const QByteArray& line : file.readAll().split('\n')) {
        const QJsonObject record = QJsonDocument::fromJson(line).object();
        if (record.value("type").toString() == "recording") records << record;
    }
    return records;
}

class RecordRoutesTest : public ::testing::Test {
protected:
    // The slowest the writer's first clock look-up may be (a stalled writer in one test).
    virtual int clockDelayMs() const { return 0; }
    virtual int sampleRate() const { return 48000; }
    // The device's input: the click file, unless a test loops the output back.
    virtual void configureInput(VirtualDeviceOptions& device) const {
        device.input = QStringLiteral("file:") + clickFile;
    }

    void SetUp() override {
        qtApp();
        ASSERT_TRUE(dir.isValid());
        // One second of silence with one click: the device loops it, so the click is at every
        // stream position ≡ kClickAt (mod rate).
        clickFile = dir.filePath("click.wav");
        std::vector<float> second(size_t(sampleRate()), 0.0f);
        second[size_t(kClickAt)] = kClick;
        WavWriter writer;
        QString error;
        ASSERT_TRUE(writer.open(clickFile, sampleRate(), 1, &error)) << error.toStdString();
        ASSERT_TRUE(writer.write(second.data(), qint64(second.size())));
        ASSERT_TRUE(writer.close(&error)) << error.toStdString();

        logger = std::make_unique<logging::SessionLogger>(
            logging::SessionLogger::Options{dir.filePath("logs"), 16384, {}, {}});
        analyzer = std::make_unique<metrics::MetricsAnalyzer>(
            engine.chain().analysisRing(),
            metrics::MetricsAnalyzer::Options{
                {30.0, 2048}, [this] { return engine.status().stream.outputLatency; }});
        analyzer->start();
        recorder = std::make_unique<SessionRecorder>(
            engine.chain().recordingRing(), *logger,
            SessionRecorder::Options{logger->root() + "/audio", logger->sessionId(),
                                     [this](uint64_t generation) {
                                         if (int delay = clockDelayMs(); delay > 0 && !stalled) {
                                             stalled = true;
                                             std::this_thread::sleep_for(
                                                 std::chrono::milliseconds(delay));
                                         }
                                         return analyzer->timeBase(generation);
                                     },
                                     1000});

        StreamConfig config;
        config.inputDevice = config.outputDevice = QStringLiteral("virtual");
        config.sampleRate = sampleRate();
        config.blockSize = 256;
        configureInput(config.virtualDevice);
        ASSERT_FALSE(engine.configure(config));
        ASSERT_FALSE(engine.start());

        ApiServerOptions options;
        options.port = 0;
        server = std::make_unique<ApiServer>(engine, options);
        for (Route& route : recordRoutes(recorder.get())) server->addRoute(std::move(route));
        ASSERT_FALSE(server->start());
        http = std::make_unique<HttpClient>(server->url());
    }
    void TearDown() override {
        server.reset();
        engine.stop();
        recorder.reset();
        analyzer.reset();
        logger.reset();
    }

    QJsonObject status() { return http->get("/api/record").json(); }
    bool recordFrames(double frames) {
        return waitFor([&] { return status().value("frames").toDouble() >= frames; }, 20000);
    }
    QString audioPath(const QString& name) const { return logger->root() + "/audio/" + name; }

    QTemporaryDir dir;
    QString clickFile;
    AudioEngine engine;
    std::unique_ptr<logging::SessionLogger> logger;
    std::unique_ptr<metrics::MetricsAnalyzer> analyzer;
    std::unique_ptr<SessionRecorder> recorder;
    std::unique_ptr<ApiServer> server;
    std::unique_ptr<HttpClient> http;
    bool stalled = false;  // the writer thread's
};

// Every click of the input file at the sample the metadata predicts, and silence elsewhere
// (except where the log says frames were dropped). Returns the clicks found.
// `holes`: the dropped ranges the log names (position, frames).
int expectClicksWherePositionsSay(const Decoded& input, int64_t first, int64_t period,
                                  const QList<QPair<int64_t, int64_t>>& holes = {}) {
    int clicks = 0;
    for (int64_t i = 0; i < int64_t(input.samples.size()); ++i) {
        const int64_t position = first + i;
        bool dropped = false;
        for (const auto& [from, frames] : holes)
            dropped = dropped || (position >= from && position < from + frames);
        const float expected = !dropped && position % period == kClickAt ? kClick : 0.0f;
        if (std::abs(input.samples[size_t(i)] - expected) > 1e-3f) {
            ADD_FAILURE() << "input sample " << i << " (position " << position << ") is "
                          << input.samples[size_t(i)] << ", expected " << expected;
            return clicks;
        }
        if (expected != 0.0f) ++clicks;
    }
    return clicks;
}

TEST_F(RecordRoutesTest, TheClickIsInTheInputFileWhereTheLogAndTheMetadataSay) {
    const HttpReply start = http->post("/api/record/start");
    ASSERT_EQ(start.status, 200) << start.body.toStdString();
    ASSERT_TRUE(start.json().value("recording").toBool());
    const QString id = logger->sessionId();
    EXPECT_EQ(start.json().value("files").toArray(),
              QJsonArray({id + "_input.flac", id + "_output.flac"}));
    // Three seconds: three clicks, whose positions pin the alignment to the sample (it does not
    // depend on the length; the drift-free mapping is the time base's business).
    ASSERT_TRUE(recordFrames(3 * 48000));
    const HttpReply stop = http->post("/api/record/stop");
    ASSERT_EQ(stop.status, 200) << stop.body.toStdString();
    const QJsonObject s = stop.json();
    EXPECT_FALSE(s.value("recording").toBool());
    const auto frames = int64_t(s.value("frames").toDouble());
    const auto first = int64_t(s.value("first_sample_position").toDouble());
    const double heard = s.value("first_sample_heard_unix").toDouble();
    EXPECT_EQ(s.value("dropped_frames").toDouble(), 0.0);
    EXPECT_EQ(s.value("clock").toString(), "metrics");

    // Final names only: the .part files were renamed.
    EXPECT_EQ(QDir(logger->root() + "/audio").entryList(QDir::Files),
              QStringList({id + "_input.flac", id + "_output.flac"}));
    const Decoded input = decode(audioPath(id + "_input.flac"));
    const Decoded output = decode(audioPath(id + "_output.flac"));
    EXPECT_EQ(input.info.channels, 1);
    EXPECT_EQ(output.info.channels, 2);
    EXPECT_EQ(input.info.samplerate, 48000);
    EXPECT_EQ(output.info.samplerate, 48000);
    EXPECT_EQ((input.info.format & SF_FORMAT_TYPEMASK), SF_FORMAT_FLAC);
    EXPECT_EQ(input.info.frames, frames);
    EXPECT_EQ(output.info.frames, frames);

    // The metadata of both files names the same first sample.
    for (const Decoded* file : {&input, &output}) {
        EXPECT_EQ(file->comment.value("first_sample_position").toDouble(), double(first));
        EXPECT_DOUBLE_EQ(file->comment.value("first_sample_heard_unix").toDouble(), heard);
        EXPECT_EQ(file->comment.value("session").toString(), id);
        EXPECT_EQ(file->comment.value("clock").toString(), "metrics");
    }
    EXPECT_EQ(input.comment.value("stream").toString(), "input");
    EXPECT_EQ(output.comment.value("stream").toString(), "output");

    // The clicks are where the positions say: every one of them, nothing else.
    const int64_t expectedClicks =
        (first + frames - 1 - kClickAt) / 48000 - (first - 1 - kClickAt + 48000) / 48000 + 1;
    EXPECT_GE(expectedClicks, 3);
    EXPECT_EQ(expectClicksWherePositionsSay(input, first, 48000), expectedClicks);

    // The audio_engine log says the same: a start record stamped with the first sample's heard
    // time, a stop record with the frames.
    logger->flush();
    const QList<QJsonObject> records =
        recordingRecords(logger->filePath(logging::Category::AudioEngine, QStringLiteral("jsonl")));
    ASSERT_EQ(records.size(), 2);
    EXPECT_EQ(records[0].value("event").toString(), "start");
    EXPECT_EQ(records[0].value("first_sample_position").toDouble(), double(first));
    EXPECT_NEAR(records[0].value("first_sample_heard_unix").toDouble(), heard, 1e-6);
    EXPECT_NEAR(records[0].value("timestamp").toDouble(), heard, 1e-6);
    EXPECT_EQ(records[0].value("files").toArray(),
              QJsonArray({id + "_input.flac", id + "_output.flac"}));
    EXPECT_EQ(records[1].value("event").toString(), "stop");
    EXPECT_EQ(records[1].value("frames").toDouble(), double(frames));
    EXPECT_EQ(records[1].value("dropped_frames").toDouble(), 0.0);

    // The heard time is the metrics clock: a frame's timestamp minus its distance in samples.
    const auto frame = analyzer->latest();
    ASSERT_TRUE(frame);
    if (analyzer->stats().restarts == 1) {
        // To the stream clock's learning: the loop that stamps both narrows over the first
        // seconds (docs/latency.md "Drift"), so the mapping the recorder took at its start and
        // the one a frame is stamped with later differ by a fraction of the callback jitter.
        EXPECT_NEAR(frame->timestamp - double(frame->samplePosition - first) / 48000.0, heard,
                    1e-3);
    } else {
        // The analysis lost blocks on a busy machine and re-anchored its clock: the same
        // mapping, re-taken from a later callback time.
        EXPECT_NEAR(frame->timestamp - double(frame->samplePosition - first) / 48000.0, heard,
                    0.05);
    }
}

TEST_F(RecordRoutesTest, StartWhileRecordingAndStopWhileIdleAre409) {
    const HttpReply idleStop = http->post("/api/record/stop");
    EXPECT_EQ(idleStop.status, 409);
    EXPECT_EQ(idleStop.errorCode(), "not_recording");
    ASSERT_EQ(http->post("/api/record/start").status, 200);
    const HttpReply again = http->post("/api/record/start");
    EXPECT_EQ(again.status, 409);
    EXPECT_EQ(again.errorCode(), "already_recording");
    EXPECT_TRUE(
        again.json().value("error").toObject().value("message").toString().contains("_input.flac"));
    EXPECT_TRUE(status().value("recording").toBool());  // the refused start changed nothing
    ASSERT_EQ(http->post("/api/record/stop").status, 200);
    EXPECT_EQ(http->post("/api/record/stop").status, 409);
}

TEST_F(RecordRoutesTest, EachRestartWritesTheNextNumberedFiles) {
    const QString id = logger->sessionId();
    for (int take = 1; take <= 3; ++take) {
        const HttpReply start = http->post("/api/record/start");
        ASSERT_EQ(start.status, 200) << start.body.toStdString();
        const QString suffix = take > 1 ? QStringLiteral("_%1").arg(take) : QString();
        EXPECT_EQ(
            start.json().value("files").toArray(),
            QJsonArray({id + "_input" + suffix + ".flac", id + "_output" + suffix + ".flac"}));
        ASSERT_TRUE(recordFrames(4800));
        ASSERT_EQ(http->post("/api/record/stop").status, 200);
    }
    const QStringList names = QDir(logger->root() + "/audio").entryList(QDir::Files);
    EXPECT_EQ(names,
              QStringList({id + "_input.flac", id + "_input_2.flac", id + "_input_3.flac",
                           id + "_output.flac", id + "_output_2.flac", id + "_output_3.flac"}));
    int64_t previousEnd = 0;
    for (const QString& suffix : {QString(), QStringLiteral("_2"), QStringLiteral("_3")}) {
        const Decoded input = decode(audioPath(id + "_input" + suffix + ".flac"));
        const Decoded output = decode(audioPath(id + "_output" + suffix + ".flac"));
        EXPECT_GE(input.info.frames, 4800);
        EXPECT_EQ(output.info.frames, input.info.frames);
        // Later takes start later in the stream, each aligned on its own first sample.
        const auto first = int64_t(input.comment.value("first_sample_position").toDouble());
        EXPECT_GE(first, previousEnd);
        previousEnd = first + input.info.frames;
        expectClicksWherePositionsSay(input, first, 48000);
    }
}

TEST_F(RecordRoutesTest, AStreamRestartWhileRecordingStartsTheNextTake) {
    const QString id = logger->sessionId();
    ASSERT_EQ(http->post("/api/record/start").status, 200);
    ASSERT_TRUE(recordFrames(4800));
    // Positions start again from 0 with the new stream: a new take, each on its own positions.
    engine.stop();
    ASSERT_FALSE(engine.start());
    ASSERT_TRUE(waitFor([&] { return status().value("files").toArray().size() == 4; }, 20000));
    const double firstTakeFrames = status().value("frames").toDouble();
    ASSERT_TRUE(recordFrames(firstTakeFrames + 4800));
    ASSERT_EQ(http->post("/api/record/stop").status, 200);
    EXPECT_EQ(QDir(logger->root() + "/audio").entryList(QDir::Files),
              QStringList({id + "_input.flac", id + "_input_2.flac", id + "_output.flac",
                           id + "_output_2.flac"}));
    for (const QString& suffix : {QString(), QStringLiteral("_2")}) {
        const Decoded input = decode(audioPath(id + "_input" + suffix + ".flac"));
        EXPECT_GE(input.info.frames, 4800);
        expectClicksWherePositionsSay(
            input, int64_t(input.comment.value("first_sample_position").toDouble()), 48000);
    }
}

TEST_F(RecordRoutesTest, ARecordingWhileTheStreamIsStoppedWaitsAndLeavesNoFileIfNoneCame) {
    engine.stop();
    const HttpReply start = http->post("/api/record/start");
    ASSERT_EQ(start.status, 200);
    EXPECT_TRUE(start.json().value("recording").toBool());
    EXPECT_EQ(start.json().value("frames").toDouble(), 0.0);
    const HttpReply stop = http->post("/api/record/stop");
    ASSERT_EQ(stop.status, 200);
    EXPECT_EQ(stop.json().value("files").toArray(), QJsonArray());
    EXPECT_TRUE(QDir(logger->root() + "/audio").entryList(QDir::Files).isEmpty());

    // The number was not used up, and a recording waits for the stream to start.
    const QString id = logger->sessionId();
    ASSERT_EQ(http->post("/api/record/start").status, 200);
    ASSERT_FALSE(engine.start());
    ASSERT_TRUE(recordFrames(4800));
    ASSERT_EQ(http->post("/api/record/stop").status, 200);
    EXPECT_EQ(QDir(logger->root() + "/audio").entryList(QDir::Files),
              QStringList({id + "_input.flac", id + "_output.flac"}));
    const Decoded input = decode(audioPath(id + "_input.flac"));
    EXPECT_EQ(input.comment.value("first_sample_position").toDouble(), 0.0);  // from the start
    expectClicksWherePositionsSay(input, 0, 48000);
}

TEST_F(RecordRoutesTest, StatusRouteFollowsTheRecording) {
    QJsonObject s = status();
    EXPECT_TRUE(s.value("enabled").toBool());
    EXPECT_FALSE(s.value("recording").toBool());
    EXPECT_EQ(s.value("files").toArray(), QJsonArray());
    EXPECT_EQ(s.value("frames").toDouble(), 0.0);
    EXPECT_TRUE(s.value("started_at").isNull());
    EXPECT_TRUE(s.value("first_sample_position").isNull());

    const double before = logging::SessionLogger::now();
    ASSERT_EQ(http->post("/api/record/start").status, 200);
    ASSERT_TRUE(recordFrames(9600));
    s = status();
    EXPECT_TRUE(s.value("recording").toBool());
    EXPECT_GE(s.value("started_at").toDouble(), before);
    EXPECT_LE(s.value("started_at").toDouble(), logging::SessionLogger::now());
    EXPECT_EQ(s.value("sample_rate").toDouble(), 48000.0);
    EXPECT_EQ(s.value("dropped_frames").toDouble(), 0.0);
    EXPECT_GE(s.value("first_sample_position").toDouble(), 0.0);
    EXPECT_GT(s.value("first_sample_heard_unix").toDouble(), before - 1.0);
    EXPECT_EQ(s.value("directory").toString(), logger->root() + "/audio");
    // While recording, the files are still .part: no half-written file has the final name.
    const QString id = logger->sessionId();
    EXPECT_TRUE(QFile::exists(audioPath(id + "_input.flac.part")));
    EXPECT_TRUE(QFile::exists(audioPath(id + "_output.flac.part")));
    EXPECT_FALSE(QFile::exists(audioPath(id + "_input.flac")));
    const double frames = s.value("frames").toDouble();
    ASSERT_TRUE(recordFrames(frames + 4800));  // it grows

    ASSERT_EQ(http->post("/api/record/stop").status, 200);
    s = status();
    EXPECT_FALSE(s.value("recording").toBool());
    EXPECT_EQ(s.value("files").toArray().size(), 2);  // the latest recording's, after the stop
    EXPECT_TRUE(s.value("error").isNull());
}

// A writer that stalls longer than the ring holds (2.7 s at 96 kHz): the audio thread drops and
// counts, the writer fills the hole with silence, and the files stay on the positions.
class StalledRecorderTest : public RecordRoutesTest {
protected:
    int clockDelayMs() const override { return 4000; }
    int sampleRate() const override { return 96000; }
};

TEST_F(StalledRecorderTest, DroppedFramesAreCountedLoggedAndLeaveTheFilesAligned) {
    ASSERT_EQ(http->post("/api/record/start").status, 200);
    // The writer is stuck in its first clock look-up for 4 s; then it catches up.
    ASSERT_TRUE(waitFor([&] { return status().value("dropped_frames").toDouble() > 0; }, 20000));
    ASSERT_TRUE(recordFrames(6 * 96000));
    const HttpReply stop = http->post("/api/record/stop");
    ASSERT_EQ(stop.status, 200);
    const QJsonObject s = stop.json();
    const auto dropped = int64_t(s.value("dropped_frames").toDouble());
    EXPECT_GT(dropped, 96000 / 2);

    logger->flush();
    const QList<QJsonObject> records =
        recordingRecords(logger->filePath(logging::Category::AudioEngine, QStringLiteral("jsonl")));
    QList<QPair<int64_t, int64_t>> holes;
    int64_t logged = 0;
    for (const QJsonObject& r : records) {
        if (r.value("event").toString() != "dropped") continue;
        holes.append(
            {int64_t(r.value("position").toDouble()), int64_t(r.value("frames").toDouble())});
        logged += holes.last().second;
    }
    EXPECT_EQ(logged, dropped);
    ASSERT_FALSE(holes.isEmpty());
    EXPECT_EQ(records.last().value("dropped_frames").toDouble(), double(dropped));

    const QString id = logger->sessionId();
    const Decoded input = decode(audioPath(id + "_input.flac"));
    EXPECT_EQ(input.info.frames, int64_t(s.value("frames").toDouble()));
    EXPECT_EQ(input.info.samplerate, 96000);
    // Silence where the log says; the clicks after the hole are still where the positions say.
    const auto first = int64_t(input.comment.value("first_sample_position").toDouble());
    EXPECT_GE(expectClicksWherePositionsSay(input, first, 96000, holes), 4);
}

TEST_F(RecordRoutesTest, TheOpenApiDocumentDescribesTheRoutesAndTheirAnswersMatchIt) {
    const QJsonObject paths = http->get("/api/openapi.json").json().value("paths").toObject();
    const QJsonObject start = paths.value("/api/record/start").toObject().value("post").toObject();
    const QJsonObject responses = start.value("responses").toObject();
    for (const char* code : {"200", "409", "503"}) EXPECT_TRUE(responses.contains(code)) << code;
    const QJsonObject schema = paths.value("/api/record")
                                   .toObject()
                                   .value("get")
                                   .toObject()
                                   .value("responses")
                                   .toObject()
                                   .value("200")
                                   .toObject()
                                   .value("content")
                                   .toObject()
                                   .value("application/json")
                                   .toObject()
                                   .value("schema")
                                   .toObject();
    ASSERT_FALSE(schema.isEmpty());
    // Idle, recording and stopped answers all fit the documented schema.
    auto check = [&](const QJsonObject& answer) {
        const auto violation = schema::validate(answer, schema);
        EXPECT_FALSE(violation) << (violation ? violation->toString().toStdString() : "");
    };
    check(status());
    const HttpReply started = http->post("/api/record/start");
    check(started.json());
    ASSERT_TRUE(recordFrames(4800));
    check(status());
    check(http->post("/api/record/stop").json());
}

// The output looped back to the input through a 700-sample cable: input sample k of the files
// is output sample k − 700, so the two files start at the same position.
class LoopbackRecordingTest : public RecordRoutesTest {
protected:
    static constexpr int kDelay = 700;
    void configureInput(VirtualDeviceOptions& device) const override {
        device.loopbackDelaySamples = kDelay;
    }
};

TEST_F(LoopbackRecordingTest, TheInputFileIsTheOutputFileDelayedByTheCable) {
    // Something to loop (the engine alone plays silence into a silent loop): a probe burst, as
    // a latency calibration plays it, which the output file must hold too.
    ASSERT_EQ(http->post("/api/record/start").status, 200);
    ASSERT_TRUE(recordFrames(4800));
    std::vector<float> burst(480);
    for (size_t i = 0; i < burst.size(); ++i) burst[i] = 0.5f * std::sin(0.05 * double(i));
    QString error;
    ASSERT_TRUE(engine.playAndRecord(burst, 4800, 5000, &error)) << error.toStdString();
    const double played = status().value("frames").toDouble();
    ASSERT_TRUE(recordFrames(played + 4800));
    ASSERT_EQ(http->post("/api/record/stop").status, 200);
    const QString id = logger->sessionId();
    const Decoded input = decode(audioPath(id + "_input.flac"));
    const Decoded output = decode(audioPath(id + "_output.flac"));
    ASSERT_EQ(input.info.frames, output.info.frames);
    ASSERT_GT(input.info.frames, kDelay);
    double energy = 0.0;
    for (int64_t k = kDelay; k < input.info.frames; ++k) {
        const float left = output.samples[2 * size_t(k - kDelay)];
        energy += double(left) * left;
        // 24-bit files: equal to the quantisation step.
        ASSERT_NEAR(input.samples[size_t(k)], left, 2.0 / (1 << 23)) << "sample " << k;
    }
    EXPECT_GT(energy, 1e-3);  // the output was not silence: the comparison meant something
}

TEST(RecordRoutesWithoutLogging, StartIsRefusedWithAClearError) {
    qtApp();
    AudioEngine engine;
    ApiServerOptions options;
    options.port = 0;
    ApiServer server(engine, options);
    for (Route& route : recordRoutes(nullptr)) server.addRoute(std::move(route));
    ASSERT_FALSE(server.start());
    HttpClient http(server.url());
    const HttpReply start = http.post("/api/record/start", {});
    EXPECT_EQ(start.status, 409);
    EXPECT_EQ(start.errorCode(), "logging_off");
    EXPECT_TRUE(start.json().value("error").toObject().value("message").toString().contains(
        "--no-logging"));
    const QJsonObject s = http.get("/api/record").json();
    EXPECT_FALSE(s.value("enabled").toBool());
    EXPECT_FALSE(s.value("recording").toBool());
}

}  // namespace
}  // namespace soundlab::api::test
