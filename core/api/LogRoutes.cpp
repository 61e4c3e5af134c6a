#include "api/LogRoutes.h"

#include "api/JsonSchema.h"
#include "logging/GapDetector.h"
#include "logging/LogSessions.h"
#include "logging/SessionLogger.h"

#include <QFile>
#include <QJsonArray>

namespace soundlab::api {

namespace {

constexpr int kMaxLabelLength = 200;
constexpr qsizetype kMaxControlBodyBytes = 4096;  // larger bodies are logged without the body
// A download is read into memory: session logs are megabytes, not gigabytes (30 Hz metrics make
// about 10 MB an hour before compression).
constexpr qint64 kMaxDownloadBytes = qint64(512) << 20;

QByteArray mediaTypeOf(const QString& name) {
    if (name.endsWith(QStringLiteral(".gz"))) return "application/gzip";
    if (name.endsWith(QStringLiteral(".csv"))) return "text/csv; charset=utf-8";
    if (name.endsWith(QStringLiteral(".jsonl"))) return "application/x-ndjson";
    if (name.endsWith(QStringLiteral(".flac"))) return "audio/flac";
    return "application/octet-stream";
}

}  // namespace

std::function<void(const QJsonObject& frame, double rateHz)> metricsLogSink(logging::SessionLogger& logger) {
    auto gaps = std::make_shared<logging::GapDetector>(1.0 / 30.0);
    return [&logger, gaps](const QJsonObject& frame, double rateHz) {
        QJsonObject fields = frame;
        const double timestamp = fields.take(QStringLiteral("timestamp")).toDouble();
        if (rateHz > 0.0) gaps->setPeriod(1.0 / rateHz);
        if (auto gap = gaps->frame(timestamp)) {
            gap->insert(QStringLiteral("frame_id"), fields.value(QStringLiteral("frame_id")));
            logger.log(logging::LogRecord{logging::Category::Metrics, QStringLiteral("gap"),
                                          gap->value(QStringLiteral("start")).toDouble(), *gap});
        }
        logger.log(logging::LogRecord{logging::Category::Metrics, QStringLiteral("frame"),
                                      timestamp, std::move(fields)});
    };
}

std::variant<QJsonObject, ApiError> addMarker(logging::SessionLogger* logger, const QString& label,
                                              const QString& client) {
    if (logger == nullptr)
        return ApiError::conflict(QStringLiteral("logging_off"),
                                  QStringLiteral("logging is off (--no-logging)"));
    if (label.trimmed().isEmpty() || label.size() > kMaxLabelLength)
        return ApiError::invalidValue(
            QStringLiteral("label: 1 to %1 characters").arg(kMaxLabelLength));
    const double timestamp = logger->logEverywhere(
        QStringLiteral("marker"),
        {{QStringLiteral("label"), label}, {QStringLiteral("client"), client}});
    return QJsonObject{{QStringLiteral("label"), label},
                       {QStringLiteral("session"), logger->sessionId()},
                       {QStringLiteral("timestamp"), timestamp}};
}

void logControl(logging::SessionLogger& logger, const ControlChange& change) {
    QJsonObject fields{{QStringLiteral("client"), change.client},
                       {QStringLiteral("method"), QString::fromLatin1(change.method)},
                       {QStringLiteral("path"), change.path},
                       {QStringLiteral("status"), change.status}};
    if (!change.body.isUndefined()) fields.insert(QStringLiteral("body"), change.body);
    logger.log(logging::Category::AudioEngine, QStringLiteral("control"), fields);
}

std::function<void(const Request&, const Response&)> controlLogObserver(
    logging::SessionLogger& logger) {
    return [&logger](const Request& request, const Response& response) {
        if (request.path == QLatin1String("/api/markers") ||
            request.path == QLatin1String("/api/phi/sensor"))
            return;
        ControlChange change{
            request.clientName(), request.method, request.path, QJsonValue::Undefined,
            response.status};
        if ((request.body.isObject() || request.body.isArray()) &&
            request.rawBody.size() <= kMaxControlBodyBytes)
            change.body = request.body;
        logControl(logger, change);
    };
}

QJsonObject loggingStatus(const logging::SessionLogger* logger) {
    if (logger == nullptr) return QJsonObject{{QStringLiteral("enabled"), false}};
    const logging::SessionLogger::Status s = logger->status();
    return QJsonObject{{QStringLiteral("enabled"), true},
                       {QStringLiteral("session"), s.sessionId},
                       {QStringLiteral("root"), s.root},
                       {QStringLiteral("written"), double(s.written)},
                       {QStringLiteral("dropped"), double(s.dropped)},
                       {QStringLiteral("failed"), double(s.failed)},
                       {QStringLiteral("error"), s.error.isEmpty() ? QJsonValue(QJsonValue::Null)
                                                                   : QJsonValue(s.error)},
                       {QStringLiteral("recovered"), QJsonArray::fromStringList(s.recovered)}};
}

QList<Route> logRoutes(logging::SessionLogger* logger) {
    using namespace schema;
    const QJsonObject fileSchema = object({{QStringLiteral("name"), string()},
                                           {QStringLiteral("category"), string()},
                                           {QStringLiteral("bytes"), integer(0)},
                                           {QStringLiteral("compressed"), boolean()}});

    Route list;
    list.method = "GET";
    list.path = QStringLiteral("/api/logs/sessions");
    list.summary = QStringLiteral("The log sessions under the log root, newest first");
    list.tag = QStringLiteral("logs");
    list.responseSchema = object(
        {{QStringLiteral("enabled"), boolean()},
         {QStringLiteral("current"), withTypes(string(), {QStringLiteral("null")})},
         {QStringLiteral("sessions"),
          arrayOf(object({{QStringLiteral("id"), string()},
                          {QStringLiteral("started"), string()},
                          {QStringLiteral("bytes"), integer(0)},
                          {QStringLiteral("files"), arrayOf(fileSchema)}}))}});
    list.handler = [logger](const Request&) {
        if (logger == nullptr)
            return Response::json(QJsonObject{{QStringLiteral("enabled"), false},
                                              {QStringLiteral("current"), QJsonValue::Null},
                                              {QStringLiteral("sessions"), QJsonArray{}}});
        return Response::json(QJsonObject{
            {QStringLiteral("enabled"), true},
            {QStringLiteral("current"), logger->sessionId()},
            {QStringLiteral("sessions"),
             logging::sessions::toJson(logging::sessions::list(logger->root()))}});
    };

    Route download;
    download.method = "GET";
    download.path = QStringLiteral("/api/logs/sessions/{id}/{file}");
    download.summary = QStringLiteral("Download one file of a session");
    download.description = QStringLiteral(
        "`file` is a name from GET /api/logs/sessions (e.g. "
        "20261130T020500Z-3fa9_metrics.csv.gz); anything else is 404. The running session's "
        "files are uncompressed and still growing.");
    download.tag = QStringLiteral("logs");
    download.responseMediaType = "application/octet-stream";
    download.errorStatuses = {404};
    download.handler = [logger](const Request& request) {
        const QString id = request.pathParams.value(QStringLiteral("id"));
        const QString name = request.pathParams.value(QStringLiteral("file"));
        const auto file = logger ? logging::sessions::find(logger->root(), id, name)
                                 : std::optional<logging::sessions::SessionFile>{};
        if (!file)
            return Response::error(ApiError::notFound(
                QStringLiteral("no file %1 in log session %2").arg(name, id)));
        QFile in(file->path);
        if (!in.open(QIODevice::ReadOnly))
            return Response::error(ApiError::notFound(
                QStringLiteral("cannot read %1: %2").arg(name, in.errorString())));
        if (in.size() > kMaxDownloadBytes)
            return Response::error(ApiError::payloadTooLarge(
                QStringLiteral("%1 is larger than %2 MiB; copy it from %3")
                    .arg(name)
                    .arg(kMaxDownloadBytes >> 20)
                    .arg(file->path)));
        Response response;
        response.body = in.readAll();
        response.contentType = mediaTypeOf(name);
        response.addHeader("Content-Disposition",
                           "attachment; filename=\"" + name.toUtf8() + '"');
        return response;
    };

    Route marker;
    marker.method = "POST";
    marker.path = QStringLiteral("/api/markers");
    marker.summary = QStringLiteral("Add a marker record to every category's log");
    marker.tag = QStringLiteral("logs");
    marker.requestSchema =
        object({{QStringLiteral("label"), string()}}, {QStringLiteral("label")});
    marker.responseSchema = object({{QStringLiteral("label"), string()},
                                    {QStringLiteral("session"), string()},
                                    {QStringLiteral("timestamp"), number()}});
    marker.successStatus = 201;
    marker.errorStatuses = {409, 422};
    marker.execution = Execution::ServerThread;  // a lock-free enqueue
    marker.handler = [logger](const Request& request) {
        const auto answer =
            addMarker(logger, request.body.toObject().value(QStringLiteral("label")).toString(),
                      request.clientName());
        if (const auto* error = std::get_if<ApiError>(&answer)) return Response::error(*error);
        return Response::json(std::get<QJsonObject>(answer), 201);
    };
    return {list, download, marker};
}

}  // namespace soundlab::api
