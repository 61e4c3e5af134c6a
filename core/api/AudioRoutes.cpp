#include "api/AudioRoutes.h"

#include "api/JsonSchema.h"
#include "api/LatencyRoutes.h"
#include "api/StatusReport.h"
#include "engine/AudioEngine.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace soundlab::api {

namespace {

QJsonObject deviceJson(const AudioDeviceInfo& d) {
    return {
        {QStringLiteral("index"), d.index},
        // What to pass as a device selector to POST /api/audio/device.
        {QStringLiteral("selector"),
         d.index < 0 ? QStringLiteral("virtual") : QString::number(d.index)},
        {QStringLiteral("name"), d.name},
        {QStringLiteral("host_api"), d.hostApi},
        {QStringLiteral("max_input_channels"), d.maxInputChannels},
        {QStringLiteral("max_output_channels"), d.maxOutputChannels},
        {QStringLiteral("default_sample_rate"), d.defaultSampleRate},
        {QStringLiteral("is_default_input"), d.isDefaultInput},
        {QStringLiteral("is_default_output"), d.isDefaultOutput},
    };
}

// A device selector in a request: a string ("virtual", a name) or a PortAudio index.
QString selector(const QJsonValue& v) {
    return v.isDouble() ? QString::number(v.toInteger()) : v.toString();
}

QJsonObject deviceRequestSchema() {
    using namespace schema;
    const QJsonObject device = described(
        withTypes(string(), {QStringLiteral("string"), QStringLiteral("integer")}),
        QStringLiteral("\"auto\", \"virtual\", a PortAudio index or part of a device name"));
    QJsonArray rates;
    for (int r : StreamConfig::kSampleRates) rates.append(r);
    QJsonObject sampleRate = integer({}, {}, QStringLiteral("Hz"));
    sampleRate.insert(QStringLiteral("enum"), rates);
    return object({
        {QStringLiteral("device"), described(device, QStringLiteral("input and output device"))},
        {QStringLiteral("input_device"), device},
        {QStringLiteral("output_device"), device},
        {QStringLiteral("sample_rate"), sampleRate},
        {QStringLiteral("buffer_size"),
         integer(StreamConfig::kMinBlockSize, StreamConfig::kMaxBlockSize,
                 QStringLiteral("frames per block"))},
    });
}

QJsonObject devicesSchema() {
    using namespace schema;
    return object(
        {{QStringLiteral("devices"),
          arrayOf(object({{QStringLiteral("index"), integer({}, {}, QStringLiteral("-1: virtual"))},
                          {QStringLiteral("selector"), string()},
                          {QStringLiteral("name"), string()},
                          {QStringLiteral("host_api"), string()},
                          {QStringLiteral("max_input_channels"), integer(0)},
                          {QStringLiteral("max_output_channels"), integer(0)},
                          {QStringLiteral("default_sample_rate"), number(0)},
                          {QStringLiteral("is_default_input"), boolean()},
                          {QStringLiteral("is_default_output"), boolean()}}))},
         {QStringLiteral("selected"), object({{QStringLiteral("input_device"), string()},
                                              {QStringLiteral("output_device"), string()},
                                              {QStringLiteral("sample_rate"), integer()},
                                              {QStringLiteral("buffer_size"), integer()}})},
         {QStringLiteral("sample_rates"), arrayOf(integer())},
         {QStringLiteral("buffer_size_min"), integer()},
         {QStringLiteral("buffer_size_max"), integer()}});
}

// What the seed's UI reads from an action: `ok` and a `message` for people, with the status
// fields beside them.
Response actionAnswer(QJsonObject status, const QString& message) {
    status.insert(QStringLiteral("ok"), true);
    status.insert(QStringLiteral("message"), message);
    return Response::json(status);
}

// Errors keep the API's {"error": {...}} envelope and status; `ok: false` and `message` beside
// it let the seed's UI show why without knowing the envelope.
Response actionError(const ApiError& error) {
    QJsonObject body = error.toJson();
    body.insert(QStringLiteral("ok"), false);
    body.insert(QStringLiteral("message"), error.message);
    return Response::json(body, error.status);
}

QJsonObject actionSchema() {
    using namespace schema;
    QJsonObject status = StatusReport::statusSchema();
    QJsonObject properties = status.value(QStringLiteral("properties")).toObject();
    properties.insert(QStringLiteral("ok"), boolean());
    properties.insert(QStringLiteral("message"), string());
    status.insert(QStringLiteral("properties"), properties);
    QJsonArray required = status.value(QStringLiteral("required")).toArray();
    required << QStringLiteral("ok") << QStringLiteral("message");
    status.insert(QStringLiteral("required"), required);
    return status;
}

}  // namespace

ApiError toApiError(const EngineError& error) {
    switch (error.kind) {
        case EngineError::Kind::InvalidConfig:
            return {422, QStringLiteral("invalid_config"), error.message};
        case EngineError::Kind::DeviceUnavailable:
            return {409, QStringLiteral("device_unavailable"), error.message};
    }
    return ApiError::internal(error.message);
}

QList<Route> audioRoutes(AudioEngine& engine, const StatusReport& report,
                         latency::LatencyCalibrator* calibrator) {
    QList<Route> routes;

    Route status;
    status.method = "GET";
    status.path = QStringLiteral("/api/status");
    status.summary = QStringLiteral("Server and audio status");
    status.tag = QStringLiteral("server");
    status.responseSchema = StatusReport::statusSchema();
    // Like the /ws/status frames built on the server thread: engine.status() is a snapshot.
    status.execution = Execution::ServerThread;
    status.handler = [&report](const Request&) { return Response::json(report.status()); };
    routes << status;

    Route start;
    start.method = "POST";
    start.path = QStringLiteral("/api/audio/start");
    start.summary = QStringLiteral("Start audio processing (idempotent)");
    start.description = QStringLiteral(
        "Starts the stream with the current configuration. Starting a running stream succeeds "
        "and changes nothing. Answers `ok: true` and a `message` beside the status fields; an "
        "error answers its {\"error\"} envelope with `ok: false` and `message` beside it.");
    start.tag = QStringLiteral("audio");
    start.responseSchema = actionSchema();
    start.errorStatuses = {409, 422};
    start.serialQueue = kAudioQueue;  // opens the device: may take seconds
    if (calibrator) {
        start.query = {{QStringLiteral("calibrate"), schema::boolean(),
                        QStringLiteral("then start a latency calibration (as POST "
                                       "/api/latency/calibrate; its answer is in `calibration`)"),
                        false}};
        start.description += QStringLiteral(
            " With ?calibrate=true a latency calibration starts once audio runs: `calibration` "
            "holds its 202 answer or its 409 error.");
    }
    start.handler = [&engine, &report, calibrator](const Request& request) {
        const bool wasRunning = engine.isRunning();
        if (auto error = engine.start()) return actionError(toApiError(*error));
        QJsonObject status = report.status();
        if (calibrator && request.query.value(QStringLiteral("calibrate")).toBool()) {
            const Response calibration = startCalibration(*calibrator);
            status.insert(QStringLiteral("calibration"),
                          QJsonDocument::fromJson(calibration.body).object());
        }
        return actionAnswer(status, wasRunning ? QStringLiteral("Audio already running")
                                               : QStringLiteral("Audio started"));
    };
    routes << start;

    Route stop;
    stop.method = "POST";
    stop.path = QStringLiteral("/api/audio/stop");
    stop.summary = QStringLiteral("Stop audio processing (idempotent)");
    stop.description = QStringLiteral(
        "Stopping a stopped stream succeeds. Answers `ok: true` and a `message` beside the "
        "status fields.");
    stop.tag = QStringLiteral("audio");
    stop.responseSchema = actionSchema();
    stop.serialQueue = kAudioQueue;
    stop.handler = [&engine, &report](const Request&) {
        const bool wasRunning = engine.isRunning();
        engine.stop();
        return actionAnswer(report.status(), wasRunning ? QStringLiteral("Audio stopped")
                                                        : QStringLiteral("Audio already stopped"));
    };
    routes << stop;

    Route performance;
    performance.method = "GET";
    performance.path = QStringLiteral("/api/audio/performance");
    performance.summary = QStringLiteral("Processing time, CPU load and xruns of the callback");
    performance.tag = QStringLiteral("audio");
    performance.responseSchema = StatusReport::performanceSchema();
    performance.execution = Execution::ServerThread;  // a snapshot, as status
    performance.handler = [&report](const Request&) {
        return Response::json(report.performance());
    };
    routes << performance;

    Route devices;
    devices.method = "GET";
    devices.path = QStringLiteral("/api/devices");
    devices.summary = QStringLiteral("Audio devices and the current selection");
    devices.tag = QStringLiteral("audio");
    devices.description = QStringLiteral(
        "The devices of the latest scan. ?rescan=1 enumerates again first (a sound card plugged "
        "in, a JACK server started after Soundlab); PortAudio's own list is refreshed only while "
        "none of its streams is open.");
    devices.query = {{QStringLiteral("rescan"), schema::boolean(),
                      QStringLiteral("enumerate the devices again before answering"), false}};
    devices.responseSchema = devicesSchema();
    devices.handler = [&engine](const Request& request) {
        const bool rescan = request.query.value(QStringLiteral("rescan")).toBool();
        QJsonArray list;
        for (const auto& d : rescan ? engine.rescanDevices() : engine.devices())
            list.append(deviceJson(d));
        const StreamConfig config = engine.config();
        QJsonArray rates;
        for (int r : StreamConfig::kSampleRates) rates.append(r);
        return Response::json(QJsonObject{
            {QStringLiteral("devices"), list},
            {QStringLiteral("selected"),
             QJsonObject{{QStringLiteral("input_device"), config.inputDevice},
                         {QStringLiteral("output_device"), config.outputDevice},
                         {QStringLiteral("sample_rate"), config.sampleRate},
                         {QStringLiteral("buffer_size"), config.blockSize}}},
            {QStringLiteral("sample_rates"), rates},
            {QStringLiteral("buffer_size_min"), StreamConfig::kMinBlockSize},
            {QStringLiteral("buffer_size_max"), StreamConfig::kMaxBlockSize},
        });
    };
    routes << devices;

    Route device;
    device.method = "POST";
    device.path = QStringLiteral("/api/audio/device");
    device.summary = QStringLiteral("Choose devices, sample rate and block size");
    device.description = QStringLiteral(
        "Fields left out keep their current value. A running stream is restarted with the new "
        "configuration; if that fails the previous configuration is kept (and restarted). "
        "Answers the status.");
    device.tag = QStringLiteral("audio");
    device.requestSchema = deviceRequestSchema();
    device.responseSchema = StatusReport::statusSchema();
    device.errorStatuses = {409};
    // Restarts the stream; reads, changes and writes the configuration: one at a time.
    device.serialQueue = kAudioQueue;
    device.handler = [&engine, &report](const Request& request) {
        const QJsonObject body = request.body.toObject();
        if (body.isEmpty())
            return Response::error(ApiError::invalidValue(
                QStringLiteral("nothing to change: give device, input_device, output_device, "
                               "sample_rate or buffer_size")));
        // Edits the configuration as it is when the change runs, not a copy read earlier.
        const auto error = engine.updateConfig([&body](StreamConfig& next) {
            if (body.contains(QStringLiteral("device")))
                next.inputDevice = next.outputDevice =
                    selector(body.value(QStringLiteral("device")));
            if (body.contains(QStringLiteral("input_device")))
                next.inputDevice = selector(body.value(QStringLiteral("input_device")));
            if (body.contains(QStringLiteral("output_device")))
                next.outputDevice = selector(body.value(QStringLiteral("output_device")));
            if (body.contains(QStringLiteral("sample_rate")))
                next.sampleRate = body.value(QStringLiteral("sample_rate")).toInt();
            if (body.contains(QStringLiteral("buffer_size")))
                next.blockSize = body.value(QStringLiteral("buffer_size")).toInt();
        });
        if (error) return Response::error(toApiError(*error));
        return Response::json(report.status());
    };
    routes << device;

    return routes;
}

}  // namespace soundlab::api
