#include "api/RecordRoutes.h"

#include "api/JsonSchema.h"
#include "engine/SessionRecorder.h"

#include <QJsonArray>

namespace soundlab::api {

namespace {

const QString kRecordQueue = QStringLiteral("record");

template <typename T>
QJsonValue orNull(const std::optional<T>& value) {
    return value ? QJsonValue(double(*value)) : QJsonValue(QJsonValue::Null);
}

ApiError toApiError(const SessionRecorder::Error& error) {
    switch (error.kind) {
        case SessionRecorder::Error::Kind::AlreadyRecording:
            return ApiError::conflict(QStringLiteral("already_recording"), error.message);
        case SessionRecorder::Error::Kind::NotRecording:
            return ApiError::conflict(QStringLiteral("not_recording"), error.message);
        case SessionRecorder::Error::Kind::Unwritable:
            break;
    }
    return {503, QStringLiteral("recording_unwritable"), error.message};
}

Response loggingOff() {
    return Response::error(ApiError::conflict(
        QStringLiteral("logging_off"),
        QStringLiteral("recording needs the session logs, and logging is off (--no-logging)")));
}

}  // namespace

QJsonObject recordingStatus(const SessionRecorder* recorder) {
    if (recorder == nullptr)
        return QJsonObject{{QStringLiteral("enabled"), false},
                           {QStringLiteral("recording"), false},
                           {QStringLiteral("directory"), QJsonValue::Null},
                           {QStringLiteral("files"), QJsonArray{}},
                           {QStringLiteral("frames"), 0},
                           {QStringLiteral("dropped_frames"), 0},
                           {QStringLiteral("started_at"), QJsonValue::Null},
                           {QStringLiteral("sample_rate"), QJsonValue::Null},
                           {QStringLiteral("first_sample_position"), QJsonValue::Null},
                           {QStringLiteral("first_sample_heard_unix"), QJsonValue::Null},
                           {QStringLiteral("clock"), QJsonValue::Null},
                           {QStringLiteral("error"), QJsonValue::Null}};
    const SessionRecorder::Status s = recorder->status();
    return QJsonObject{
        {QStringLiteral("enabled"), true},
        {QStringLiteral("recording"), s.recording},
        {QStringLiteral("directory"), s.directory},
        {QStringLiteral("files"), QJsonArray::fromStringList(s.files)},
        {QStringLiteral("frames"), double(s.frames)},
        {QStringLiteral("dropped_frames"), double(s.droppedFrames)},
        {QStringLiteral("started_at"), orNull(s.startedAt)},
        {QStringLiteral("sample_rate"), orNull(s.sampleRate)},
        {QStringLiteral("first_sample_position"), orNull(s.firstSamplePosition)},
        {QStringLiteral("first_sample_heard_unix"), orNull(s.firstSampleHeardUnix)},
        {QStringLiteral("clock"), s.clock.isEmpty() ? QJsonValue(QJsonValue::Null) : s.clock},
        {QStringLiteral("error"), s.error.isEmpty() ? QJsonValue(QJsonValue::Null) : s.error}};
}

QList<Route> recordRoutes(SessionRecorder* recorder) {
    using namespace schema;
    const auto nullable = [](const QJsonObject& s) {
        return withTypes(s, {s.value(QStringLiteral("type")).toString(), QStringLiteral("null")});
    };
    const QJsonObject statusSchema = object(
        {{QStringLiteral("enabled"), boolean(QStringLiteral("false with --no-logging"))},
         {QStringLiteral("recording"), boolean()},
         {QStringLiteral("directory"), nullable(string(QStringLiteral("<log-root>/audio")))},
         {QStringLiteral("files"),
          arrayOf(string(),
                  QStringLiteral("the FLAC files of the current (or latest) recording, input "
                                 "then output per take, by their final names; while recording "
                                 "they are written as <name>.part"))},
         {QStringLiteral("frames"),
          integer(0, {},
                  QStringLiteral("frames written per file so far, over every take of this "
                                 "recording"))},
         {QStringLiteral("dropped_frames"),
          integer(0, {},
                  QStringLiteral("frames the writer could not keep up with, written as "
                                 "silence"))},
         {QStringLiteral("started_at"),
          nullable(number(0, {}, QStringLiteral("Unix seconds of the start request")))},
         {QStringLiteral("sample_rate"), nullable(number(0))},
         {QStringLiteral("first_sample_position"),
          nullable(integer(0, {},
                           QStringLiteral("stream sample position of the first frame of both "
                                          "files (of the latest take)")))},
         {QStringLiteral("first_sample_heard_unix"),
          nullable(number(0, {},
                          QStringLiteral("when that sample is heard, Unix seconds: the clock of "
                                         "the metrics timestamps")))},
         {QStringLiteral("clock"),
          nullable(string(QStringLiteral(
              "\"metrics\": the first sample is stamped with the metrics frames' clock; "
              "\"recorder\": with the recorder's own anchor (the analysis had not seen the "
              "stream)")))},
         {QStringLiteral("error"),
          nullable(string(QStringLiteral("why the recording ended by itself")))}});

    Route status;
    status.method = "GET";
    status.path = QStringLiteral("/api/record");
    status.summary =
        QStringLiteral("Whether the session audio is being recorded, and to which files");
    status.tag = QStringLiteral("logs");
    status.responseSchema = statusSchema;
    status.execution = Execution::ServerThread;  // a copy under a short lock
    status.handler = [recorder](const Request&) {
        return Response::json(recordingStatus(recorder));
    };

    Route start;
    start.method = "POST";
    start.path = QStringLiteral("/api/record/start");
    start.summary = QStringLiteral("Start recording the input and the output to FLAC");
    start.description = QStringLiteral(
        "Writes <log-root>/audio/<session>_input.flac (mono) and <session>_output.flac "
        "(stereo), numbered _2, _3… for later takes in the session, from the next audio block "
        "on; both start at the same sample position, which each file's COMMENT tag and the "
        "audio_engine log's `recording` record give with its heard time. 409 while recording "
        "or with --no-logging; 503 when the audio directory cannot be written.");
    start.tag = QStringLiteral("logs");
    start.requestBodyRequired = false;
    start.responseSchema = statusSchema;
    start.errorStatuses = {409, 503};
    start.serialQueue = kRecordQueue;
    start.handler = [recorder](const Request&) {
        if (recorder == nullptr) return loggingOff();
        if (auto error = recorder->start()) return Response::error(toApiError(*error));
        return Response::json(recordingStatus(recorder));
    };

    Route stop;
    stop.method = "POST";
    stop.path = QStringLiteral("/api/record/stop");
    stop.summary = QStringLiteral("Stop recording; the files get their final names");
    stop.description = QStringLiteral(
        "Writes what is queued, finishes both files and renames them from <name>.part. 409 "
        "when not recording (also when the recording ended by itself: `error` says why).");
    stop.tag = QStringLiteral("logs");
    stop.requestBodyRequired = false;
    stop.responseSchema = statusSchema;
    stop.errorStatuses = {409};
    stop.serialQueue = kRecordQueue;
    stop.handler = [recorder](const Request&) {
        if (recorder == nullptr) return loggingOff();
        if (auto error = recorder->stop()) return Response::error(toApiError(*error));
        return Response::json(recordingStatus(recorder));
    };
    return {status, start, stop};
}

}  // namespace soundlab::api
