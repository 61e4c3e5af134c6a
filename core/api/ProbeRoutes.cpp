#include "api/ProbeRoutes.h"

#include "api/JsonSchema.h"
#include "engine/AudioEngine.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <memory>
#include <type_traits>

namespace soundlab::api {

namespace {

const QString kTag = QStringLiteral("server");

#ifndef SOUNDLAB_BUILD_TYPE
#define SOUNDLAB_BUILD_TYPE "unknown"
#endif

// Lines of the Prometheus text exposition format 0.0.4: HELP and TYPE once per metric family,
// then its samples.
class Exposition {
public:
    void family(const char* name, const char* type, const char* help) {
        text_ += QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n';
    }
    // Counters as exact integers, gauges as shortest round-trip decimals.
    template <typename T>
    void sample(const char* name, T value, const QByteArray& labels = {}) {
        text_ += name;
        if (!labels.isEmpty()) text_ += '{' + labels + '}';
        if constexpr (std::is_floating_point_v<T>)
            text_ += ' ' + QByteArray::number(static_cast<double>(value), 'g', 17) + '\n';
        else
            text_ += ' ' + QByteArray::number(static_cast<qulonglong>(value)) + '\n';
    }
    QByteArray text() const { return text_; }

private:
    QByteArray text_;
};

// A label value with the escapes the text format needs (backslash, quote, newline).
QByteArray labelValue(const QString& value) {
    QByteArray text = value.toUtf8();
    text.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
    return '"' + text + '"';
}

}  // namespace

QByteArray prometheusText(const ProbeSources& sources, double uptimeSeconds) {
    const PerformanceStats performance = sources.engine.performance();
    const AudioStatus status = sources.engine.status();
    const WebSocketTotals ws = sources.webSockets ? sources.webSockets() : WebSocketTotals{};
    Exposition e;

    e.family("soundlab_build_info", "gauge", "Always 1; the version is a label.");
    e.sample("soundlab_build_info", quint64(1),
             "version=" + labelValue(QStringLiteral(SOUNDLAB_VERSION)) +
                 ",qt_version=" + labelValue(QString::fromLatin1(qVersion())));
    e.family("soundlab_uptime_seconds", "gauge", "Seconds since the API server started.");
    e.sample("soundlab_uptime_seconds", uptimeSeconds);

    e.family("soundlab_audio_running", "gauge", "1 while the audio stream runs, else 0.");
    e.sample("soundlab_audio_running", quint64(status.running ? 1 : 0));
    e.family("soundlab_audio_callbacks_total", "counter",
             "Audio callbacks of the current stream (restarts from 0 with each stream).");
    e.sample("soundlab_audio_callbacks_total", quint64(performance.callbackCount));
    e.family("soundlab_audio_xruns_total", "counter",
             "Input overflows and output underflows the audio device reported.");
    e.sample("soundlab_audio_xruns_total", quint64(performance.inputOverflows),
             "kind=\"input_overflow\"");
    e.sample("soundlab_audio_xruns_total", quint64(performance.outputUnderflows),
             "kind=\"output_underflow\"");
    e.family("soundlab_audio_cpu_load", "gauge",
             "Processing time of the last block divided by the block's duration.");
    e.sample("soundlab_audio_cpu_load", performance.cpuLoadCurrent);
    e.family("soundlab_audio_cpu_load_average", "gauge", "Average of soundlab_audio_cpu_load.");
    e.sample("soundlab_audio_cpu_load_average", performance.cpuLoadAverage);
    e.family("soundlab_audio_cpu_load_peak", "gauge", "Peak of soundlab_audio_cpu_load.");
    e.sample("soundlab_audio_cpu_load_peak", performance.cpuLoadPeak);

    e.family("soundlab_websocket_clients", "gauge", "Connected WebSocket clients, all streams.");
    e.sample("soundlab_websocket_clients", quint64(ws.clients));
    e.family("soundlab_websocket_frames_sent_total", "counter", "Frames sent to clients.");
    e.sample("soundlab_websocket_frames_sent_total", ws.framesSent);
    e.family("soundlab_websocket_frames_dropped_total", "counter",
             "Frames (and ping answers) skipped because a client's send queue was full.");
    e.sample("soundlab_websocket_frames_dropped_total", ws.framesDropped);

    e.family("soundlab_http_requests_total", "counter",
             "HTTP answers written (router and request guard), by status class.");
    for (int c = 1; c <= HttpRequestCounter::kClasses; ++c)
        e.sample("soundlab_http_requests_total", sources.requests.answered(c),
                 "class=\"" + QByteArray::number(c) + "xx\"");

    for (const MetricGauge& gauge : sources.gauges) {
        const QByteArray name = gauge.name.toLatin1();
        e.family(name.constData(), "gauge", gauge.help.toUtf8().constData());
        e.sample(name.constData(), gauge.value());
    }
    return e.text();
}

QList<Route> probeRoutes(ProbeSources sources) {
    using namespace schema;
    auto shared = std::make_shared<ProbeSources>(std::move(sources));
    auto uptime = std::make_shared<QElapsedTimer>();
    uptime->start();
    const auto seconds = [uptime] { return static_cast<double>(uptime->elapsed()) / 1000.0; };
    QList<Route> routes;

    Route health;
    health.method = "GET";
    health.path = QStringLiteral("/healthz");
    health.summary = QStringLiteral("Liveness probe (no authentication)");
    health.description =
        QStringLiteral("The seed's shape: answers as long as the server thread serves requests.");
    health.tag = kTag;
    health.requiresAuth = false;
    health.execution = Execution::ServerThread;  // a probe must answer while workers are busy
    health.responseSchema =
        object({{QStringLiteral("status"), stringEnum({QStringLiteral("healthy")})},
                {QStringLiteral("service"), stringEnum({QStringLiteral("soundlab")})},
                {QStringLiteral("version"), string()},
                {QStringLiteral("uptime"),
                 number(0, {}, QStringLiteral("seconds since the API started"))}},
               {QStringLiteral("status"), QStringLiteral("service"), QStringLiteral("version"),
                QStringLiteral("uptime")});
    health.handler = [seconds](const Request&) {
        return Response::json(
            QJsonObject{{QStringLiteral("status"), QStringLiteral("healthy")},
                        {QStringLiteral("service"), QStringLiteral("soundlab")},
                        {QStringLiteral("version"), QStringLiteral(SOUNDLAB_VERSION)},
                        {QStringLiteral("uptime"), seconds()}});
    };
    routes << health;

    Route ready;
    ready.method = "GET";
    ready.path = QStringLiteral("/readyz");
    ready.summary = QStringLiteral("Readiness probe (no authentication)");
    ready.description = QStringLiteral(
        "200 once the API serves, the audio host is initialised with a usable configuration and "
        "the presets are loaded (the stream need not run); 503 with `reasons` otherwise.");
    ready.tag = kTag;
    ready.requiresAuth = false;
    ready.execution = Execution::ServerThread;  // snapshots only: never waits
    ready.responseSchema =
        object({{QStringLiteral("status"),
                 stringEnum({QStringLiteral("ready"), QStringLiteral("not_ready")})},
                {QStringLiteral("checks"), object({}, {}, true)},
                {QStringLiteral("reasons"), arrayOf(string())}},
               {QStringLiteral("status"), QStringLiteral("checks"), QStringLiteral("reasons")});
    ready.errorStatuses = {503};
    // The audio host is ready when its configuration names devices that exist (the virtual
    // device always does); the stream need not run.
    const ReadinessCheck audio{QStringLiteral("audio"), [shared]() -> std::optional<QString> {
                                   const AudioEngine& engine = shared->engine;
                                   if (auto error = engine.validate(engine.config()))
                                       return error->message;
                                   return std::nullopt;
                               }};
    ready.handler = [shared, audio](const Request&) {
        QJsonObject checks{{QStringLiteral("api"), QStringLiteral("ok")}};
        QStringList reasons;
        for (const ReadinessCheck& check : QList<ReadinessCheck>{audio} + shared->readiness) {
            const std::optional<QString> reason = check.notReadyReason();
            checks.insert(check.name, reason ? *reason : QStringLiteral("ok"));
            if (reason) reasons << check.name + QStringLiteral(": ") + *reason;
        }
        return Response::json(
            QJsonObject{{QStringLiteral("status"),
                         reasons.isEmpty() ? QStringLiteral("ready") : QStringLiteral("not_ready")},
                        {QStringLiteral("checks"), checks},
                        {QStringLiteral("reasons"), QJsonArray::fromStringList(reasons)}},
            reasons.isEmpty() ? 200 : 503);
    };
    routes << ready;

    Route version;
    version.method = "GET";
    version.path = QStringLiteral("/version");
    version.summary = QStringLiteral("Version, Qt version and build type");
    version.tag = kTag;
    version.responseSchema = object(
        {{QStringLiteral("service"), string()},
         {QStringLiteral("version"), string(QStringLiteral("the project's version"))},
         {QStringLiteral("qt_version"), string(QStringLiteral("Qt at run time"))},
         {QStringLiteral("qt_build_version"), string(QStringLiteral("Qt at build time"))},
         {QStringLiteral("build_type"), string(QStringLiteral("CMAKE_BUILD_TYPE"))}},
        {QStringLiteral("version"), QStringLiteral("qt_version"), QStringLiteral("build_type")});
    version.handler = [](const Request&) {
        return Response::json(
            QJsonObject{{QStringLiteral("service"), QStringLiteral("soundlab")},
                        {QStringLiteral("version"), QStringLiteral(SOUNDLAB_VERSION)},
                        {QStringLiteral("qt_version"), QString::fromLatin1(qVersion())},
                        {QStringLiteral("qt_build_version"), QStringLiteral(QT_VERSION_STR)},
                        {QStringLiteral("build_type"), QStringLiteral(SOUNDLAB_BUILD_TYPE)}});
    };
    version.execution = Execution::ServerThread;
    routes << version;

    Route metrics;
    metrics.method = "GET";
    metrics.path = QStringLiteral("/metrics");
    metrics.summary = QStringLiteral("Metrics in the Prometheus text format");
    metrics.description = QStringLiteral(
        "text/plain; version=0.0.4: audio callbacks, xruns, CPU load, running flag, WebSocket "
        "clients and frames sent/dropped, HTTP answers by status class, preset count. Needs the "
        "token when one is set (Prometheus: `authorization: {credentials: …}`).");
    metrics.tag = kTag;
    metrics.responseMediaType = "text/plain; version=0.0.4";
    metrics.responseSchema = string(QStringLiteral("Prometheus text exposition format 0.0.4"));
    metrics.handler = [shared, seconds](const Request&) {
        Response r;
        r.contentType = "text/plain; version=0.0.4; charset=utf-8";
        r.body = prometheusText(*shared, seconds());
        return r;
    };
    // Reads the hub's counters, which live on the server thread; everything else is a snapshot.
    metrics.execution = Execution::ServerThread;
    routes << metrics;

    return routes;
}

}  // namespace soundlab::api
