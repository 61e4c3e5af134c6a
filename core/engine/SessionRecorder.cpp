#include "engine/SessionRecorder.h"

#include "logging/SessionLogger.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <sndfile.h>

#include <algorithm>
#include <chrono>
#include <tuple>
#include <utility>
#include <vector>

#include <pthread.h>

namespace soundlab {

namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(20);

// One FLAC file of a take, written under its `.part` name until the take ends.
struct FlacFile {
    QString finalPath;
    QString partPath() const { return finalPath + QStringLiteral(".part"); }
    SNDFILE* file = nullptr;

    QString open(double sampleRate, int channels, const QJsonObject& comment, const QString& title,
                 const QString& date) {
        SF_INFO info{};
        info.samplerate = int(sampleRate);
        info.channels = channels;
        info.format = SF_FORMAT_FLAC | SF_FORMAT_PCM_24;
        file = sf_open(QFile::encodeName(partPath()).constData(), SFM_WRITE, &info);
        if (file == nullptr)
            return QStringLiteral("cannot create %1: %2").arg(partPath(), sf_strerror(nullptr));
        // Samples beyond full scale clip rather than wrap around in the 24-bit conversion.
        sf_command(file, SFC_SET_CLIPPING, nullptr, SF_TRUE);
        // FLAC keeps these as Vorbis comments (COMMENT, TITLE, DATE, SOFTWARE); they must be set
        // before the first sample is written.
        sf_set_string(file, SF_STR_COMMENT,
                      QJsonDocument(comment).toJson(QJsonDocument::Compact).constData());
        sf_set_string(file, SF_STR_TITLE, title.toUtf8().constData());
        sf_set_string(file, SF_STR_DATE, date.toUtf8().constData());
        sf_set_string(file, SF_STR_SOFTWARE, "Soundlab " SOUNDLAB_VERSION);
        return {};
    }
    QString write(const float* interleaved, int64_t frames) {
        if (sf_writef_float(file, interleaved, frames) != frames)
            return QStringLiteral("cannot write %1: %2").arg(partPath(), sf_strerror(file));
        return {};
    }
    // Closes; renames to the final name only when `complete`.
    QString finish(bool complete) {
        if (file == nullptr) return {};
        const int error = sf_close(file);
        file = nullptr;
        if (error != 0)
            return QStringLiteral("cannot finish %1: %2").arg(partPath(), sf_error_number(error));
        if (complete && !QFile::rename(partPath(), finalPath))
            return QStringLiteral("cannot rename %1 to %2").arg(partPath(), finalPath);
        return {};
    }
};

}  // namespace

struct SessionRecorder::Take {
    int number = 0;
    uint64_t generation = 0;
    double sampleRate = 0.0;
    int64_t firstPosition = 0;
    int64_t nextPosition = 0;
    double firstHeardUnix = 0.0;
    QString clock;
    FlacFile input, output;
    std::vector<float> in, out;  // staging, RecordingRing::kMaxBlockFrames frames
    uint64_t frames = 0;
    uint64_t dropped = 0;

    QStringList names() const {
        return {QFileInfo(input.finalPath).fileName(), QFileInfo(output.finalPath).fileName()};
    }
};

SessionRecorder::SessionRecorder(RecordingRing& ring, logging::SessionLogger& log, Options options)
    : ring_(ring), log_(log), options_(std::move(options)) {
    status_.directory = options_.directory;
}

SessionRecorder::~SessionRecorder() {
    stop();
}

QString SessionRecorder::fileName(int take, const char* stream) const {
    const QString suffix = take > 1 ? QStringLiteral("_%1").arg(take) : QString();
    return QStringLiteral("%1_%2%3.flac").arg(options_.sessionId, QLatin1String(stream), suffix);
}

int SessionRecorder::freeTakeNumber(int after) const {
    // Never overwrite: a take number whose files (or their .part) exist is skipped.
    const QDir dir(options_.directory);
    for (int take = after + 1;; ++take) {
        bool used = false;
        for (const char* stream : {"input", "output"}) {
            const QString name = fileName(take, stream);
            used = used || dir.exists(name) || dir.exists(name + QStringLiteral(".part"));
        }
        if (!used) return take;
    }
}

std::optional<SessionRecorder::Error> SessionRecorder::start() {
    std::lock_guard control(controlMutex_);
    if (thread_.joinable()) {
        std::lock_guard lock(statusMutex_);
        if (status_.recording)
            return Error{Error::Kind::AlreadyRecording,
                         QStringLiteral("already recording to %1")
                             .arg(status_.files.join(QStringLiteral(", ")))};
    }
    if (thread_.joinable()) thread_.join();  // it ended by itself (a write error)
    if (!QDir().mkpath(options_.directory) || !QFileInfo(options_.directory).isWritable())
        return Error{Error::Kind::Unwritable,
                     QStringLiteral("cannot write to %1").arg(options_.directory)};
    // The writer is not running: lastTake_ is ours to read; the disk is looked at unlocked.
    const int take = freeTakeNumber(lastTake_);
    {
        std::lock_guard lock(statusMutex_);
        reservedTake_ = lastTake_ = take;
        Status fresh;
        fresh.recording = true;
        fresh.directory = options_.directory;
        fresh.files = {fileName(reservedTake_, "input"), fileName(reservedTake_, "output")};
        fresh.startedAt = logging::SessionLogger::now();
        status_ = fresh;
    }
    failed_ = false;
    {
        std::lock_guard lock(wakeMutex_);
        quit_ = false;
        attached_ = false;
    }
    thread_ = std::thread([this] { run(); });
    // Returns once the writer holds the ring: every block from now on is recorded.
    std::unique_lock lock(wakeMutex_);
    wake_.wait(lock, [this] { return attached_; });
    return std::nullopt;
}

std::optional<SessionRecorder::Error> SessionRecorder::stop() {
    std::lock_guard control(controlMutex_);
    if (!thread_.joinable())
        return Error{Error::Kind::NotRecording, QStringLiteral("not recording")};
    {
        std::lock_guard lock(wakeMutex_);
        quit_ = true;
    }
    wake_.notify_all();
    thread_.join();
    std::lock_guard lock(statusMutex_);
    const bool wasRecording = status_.recording;
    status_.recording = false;
    if (reservedTake_ > 0) {
        // No block came (the stream was stopped throughout): no file, and the number is free.
        status_.files.clear();
        lastTake_ = reservedTake_ - 1;
        reservedTake_ = 0;
    }
    if (!wasRecording)  // it had ended by itself: say why
        return Error{Error::Kind::NotRecording,
                     QStringLiteral("not recording (the recording ended: %1)").arg(status_.error)};
    return std::nullopt;
}

SessionRecorder::Status SessionRecorder::status() const {
    std::lock_guard lock(statusMutex_);
    return status_;
}

void SessionRecorder::run() {
    pthread_setname_np(pthread_self(), "sl-recorder");
    {
        RecordingRing::Consumer consumer(ring_);
        {
            std::lock_guard lock(wakeMutex_);
            attached_ = true;
        }
        wake_.notify_all();
        std::vector<RecordingSample> samples(RecordingRing::kMaxBlockFrames);
        RecordingBlock block;
        for (;;) {
            bool quit;
            {
                std::unique_lock lock(wakeMutex_);
                quit = wake_.wait_for(lock, kPollInterval, [this] { return quit_; });
            }
            // After a stop request: what the ring holds now still goes in.
            while (!failed_ && consumer.pop(&block, samples.data())) write(block, samples.data());
            if (quit || failed_) break;
        }
        // Leaving this scope detaches the consumer: the audio thread stops copying.
    }
    finishTake();  // recording goes false in stop(), or in fail() when it ends by itself
}

void SessionRecorder::write(const RecordingBlock& block, const RecordingSample* samples) {
    if (!take_ || block.generation != take_->generation || block.sampleRate != take_->sampleRate ||
        block.samplePosition < take_->nextPosition) {
        // A new stream (or the first block): a take starts with it.
        finishTake();
        if (failed_ || !openTake(block)) return;
    }
    Take& take = *take_;
    // Blocks the ring had to drop: silence in their place keeps both files on the positions.
    if (const int64_t gap = block.samplePosition - take.nextPosition; gap > 0) {
        std::fill(take.in.begin(), take.in.end(), 0.0f);
        std::fill(take.out.begin(), take.out.end(), 0.0f);
        for (int64_t left = gap; left > 0;) {
            const int64_t n = std::min<int64_t>(left, int64_t(RecordingRing::kMaxBlockFrames));
            QString error = take.input.write(take.in.data(), n);
            if (error.isEmpty()) error = take.output.write(take.out.data(), n);
            if (!error.isEmpty()) return fail(error);
            left -= n;
        }
        log_.log(logging::Category::AudioEngine, QStringLiteral("recording"),
                 {{QStringLiteral("event"), QStringLiteral("dropped")},
                  {QStringLiteral("files"), QJsonArray::fromStringList(take.names())},
                  {QStringLiteral("position"), double(take.nextPosition)},
                  {QStringLiteral("frames"), double(gap)}});
        take.dropped += uint64_t(gap);
        take.frames += uint64_t(gap);
        std::lock_guard lock(statusMutex_);
        status_.frames += uint64_t(gap);
        status_.droppedFrames += uint64_t(gap);
    }
    for (int32_t i = 0; i < block.frames; ++i) {
        take.in[size_t(i)] = samples[i].input;
        take.out[2 * size_t(i)] = samples[i].left;
        take.out[2 * size_t(i) + 1] = samples[i].right;
    }
    QString error = take.input.write(take.in.data(), block.frames);
    if (error.isEmpty()) error = take.output.write(take.out.data(), block.frames);
    if (!error.isEmpty()) return fail(error);
    take.frames += uint64_t(block.frames);
    take.nextPosition = block.samplePosition + block.frames;

    std::lock_guard lock(statusMutex_);
    status_.frames += uint64_t(block.frames);
}

bool SessionRecorder::openTake(const RecordingBlock& block) {
    auto take = std::make_unique<Take>();
    take->generation = block.generation;
    take->sampleRate = block.sampleRate;
    take->firstPosition = take->nextPosition = block.samplePosition;
    take->in.resize(RecordingRing::kMaxBlockFrames);
    take->out.resize(2 * RecordingRing::kMaxBlockFrames);

    // The metrics clock of this stream, once the analysis has seen it (it starts with the same
    // first block); otherwise one anchored on this block.
    std::optional<metrics::TimeBase> clock;
    for (int waited = 0; options_.clock && !clock; waited += 10) {
        clock = options_.clock(block.generation);
        if (clock || waited >= options_.clockWaitMs) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    take->clock = clock ? QStringLiteral("metrics") : QStringLiteral("recorder");
    if (!clock) {
        clock.emplace();
        clock->start(block.generation, block.samplePosition, block.callbackSteadyNs,
                     block.sampleRate);
    }
    take->firstHeardUnix = clock->heardUnixSeconds(block.samplePosition);

    int reserved, last;
    {
        std::lock_guard lock(statusMutex_);
        reserved = std::exchange(reservedTake_, 0);
        last = lastTake_;
    }
    take->number = reserved > 0 ? reserved : freeTakeNumber(last);  // disk I/O: unlocked
    if (reserved == 0) {
        std::lock_guard lock(statusMutex_);
        lastTake_ = take->number;
        status_.files << fileName(take->number, "input") << fileName(take->number, "output");
    }
    const QDir dir(options_.directory);
    take->input.finalPath = dir.filePath(fileName(take->number, "input"));
    take->output.finalPath = dir.filePath(fileName(take->number, "output"));

    const QString date =
        QDateTime::fromMSecsSinceEpoch(qint64(take->firstHeardUnix * 1000.0), Qt::UTC)
            .toString(Qt::ISODateWithMs);
    QJsonObject comment{{QStringLiteral("session"), options_.sessionId},
                        {QStringLiteral("take"), take->number},
                        {QStringLiteral("sample_rate"), block.sampleRate},
                        {QStringLiteral("first_sample_position"), double(block.samplePosition)},
                        {QStringLiteral("first_sample_heard_unix"), take->firstHeardUnix},
                        {QStringLiteral("clock"), take->clock}};
    for (auto [file, stream, channels] :
         {std::tuple{&take->input, "input", 1}, std::tuple{&take->output, "output", 2}}) {
        comment.insert(QStringLiteral("stream"), QLatin1String(stream));
        const QString title = QStringLiteral("%1 %2 take %3")
                                  .arg(options_.sessionId, QLatin1String(stream))
                                  .arg(take->number);
        if (QString error = file->open(block.sampleRate, channels, comment, title, date);
            !error.isEmpty()) {
            take->input.finish(false);
            QFile::remove(take->input.partPath());
            fail(error);
            return false;
        }
    }

    QJsonObject fields{{QStringLiteral("event"), QStringLiteral("start")},
                       {QStringLiteral("take"), take->number},
                       {QStringLiteral("files"), QJsonArray::fromStringList(take->names())},
                       {QStringLiteral("sample_rate"), block.sampleRate},
                       {QStringLiteral("first_sample_position"), double(block.samplePosition)},
                       {QStringLiteral("first_sample_heard_unix"), take->firstHeardUnix},
                       {QStringLiteral("clock"), take->clock}};
    // Stamped with the heard time of its first sample: the log line sits where the audio does.
    log_.log(logging::LogRecord{logging::Category::AudioEngine, QStringLiteral("recording"),
                                take->firstHeardUnix, fields});
    {
        std::lock_guard lock(statusMutex_);
        status_.firstSamplePosition = block.samplePosition;
        status_.firstSampleHeardUnix = take->firstHeardUnix;
        status_.sampleRate = block.sampleRate;
        status_.clock = take->clock;
    }
    take_ = std::move(take);
    return true;
}

void SessionRecorder::finishTake() {
    if (!take_) return;
    std::unique_ptr<Take> take = std::move(take_);
    QString error = take->input.finish(!failed_);
    const QString outputError = take->output.finish(!failed_);
    if (error.isEmpty()) error = outputError;
    QJsonObject fields{{QStringLiteral("event"), QStringLiteral("stop")},
                       {QStringLiteral("take"), take->number},
                       {QStringLiteral("files"), QJsonArray::fromStringList(take->names())},
                       {QStringLiteral("first_sample_position"), double(take->firstPosition)},
                       {QStringLiteral("first_sample_heard_unix"), take->firstHeardUnix},
                       {QStringLiteral("sample_rate"), take->sampleRate},
                       {QStringLiteral("frames"), double(take->frames)},
                       {QStringLiteral("dropped_frames"), double(take->dropped)}};
    if (failed_ || !error.isEmpty()) fields.insert(QStringLiteral("complete"), false);
    log_.log(logging::Category::AudioEngine, QStringLiteral("recording"), fields);
    if (!error.isEmpty() && !failed_) fail(error);
}

void SessionRecorder::fail(const QString& message) {
    failed_ = true;
    log_.log(
        logging::Category::AudioEngine, QStringLiteral("recording"),
        {{QStringLiteral("event"), QStringLiteral("error")}, {QStringLiteral("message"), message}});
    std::lock_guard lock(statusMutex_);
    status_.error = message;
    status_.recording = false;
}

}  // namespace soundlab
