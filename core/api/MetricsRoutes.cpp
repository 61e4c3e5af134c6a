#include "api/MetricsRoutes.h"

#include "api/ApiServer.h"
#include "api/EngineRoutes.h"
#include "api/JsonSchema.h"
#include "phi/PhiTypes.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace soundlab::api {

namespace {

const QString kTag = QStringLiteral("metrics");

QString qs(std::string_view s) {
    return QString::fromLatin1(s.data(), qsizetype(s.size()));
}

QStringList stateNames() {
    QStringList names;
    for (int i = 0; i < metrics::kStateCount; ++i) names << qs(toString(metrics::State(i)));
    return names;
}

QJsonObject frameSchema() {
    using namespace schema;
    QStringList modes;
    for (int i = 0; i < phi::kModeCount; ++i) modes << qs(phi::toString(phi::Mode(i)));
    return object(
        {
            {QStringLiteral("timestamp"),
             number(0, {}, QStringLiteral("Unix seconds when the window's last sample is heard"))},
            {QStringLiteral("frame_id"), integer(1, {}, QStringLiteral("+1 per frame"))},
            {QStringLiteral("ici"), number(0, 1)},
            {QStringLiteral("phase_coherence"), number(0, 1)},
            {QStringLiteral("spectral_centroid"),
             number(0, {}, QStringLiteral("Hz; 0 below −80 dBFS"))},
            {QStringLiteral("criticality"), number(0, 1)},
            {QStringLiteral("consciousness_level"), number(0, 1)},
            {QStringLiteral("state"), stringEnum(stateNames())},
            {QStringLiteral("phi_phase"), number(0, phi::kTwoPi, QStringLiteral("radians"))},
            {QStringLiteral("phi_depth"), number(0, phi::kMaxDepth, QStringLiteral("[0, Φ]"))},
            {QStringLiteral("phi_mode"), stringEnum(modes)},
            {QStringLiteral("level_db"),
             number(-120, {}, QStringLiteral("input RMS over the window, dBFS (−120: silence)"))},
            {QStringLiteral("cpu_load"),
             number(0, {}, QStringLiteral("audio processing time ÷ block duration"))},
        },
        {QStringLiteral("timestamp"), QStringLiteral("frame_id"), QStringLiteral("state")});
}

QJsonObject configSchema(bool forResponse) {
    using namespace schema;
    return object(
        {{QStringLiteral("rate_hz"),
          number(metrics::MetricsConfig::kMinRateHz, metrics::MetricsConfig::kMaxRateHz,
                 QStringLiteral("frames per second of sample time"))},
         {QStringLiteral("window"),
          integer(metrics::MetricsConfig::kMinWindow, metrics::MetricsConfig::kMaxWindow,
                  QStringLiteral("samples; a power of two"))}},
        forResponse ? QStringList{QStringLiteral("rate_hz"), QStringLiteral("window")}
                    : QStringList{});
}

QJsonObject statsSchema() {
    using namespace schema;
    const QJsonObject ms = number(0, {}, QStringLiteral("ms"));
    return object({
        {QStringLiteral("rate_hz"), number(0, {}, QStringLiteral("configured"))},
        {QStringLiteral("window"), integer(0)},
        {QStringLiteral("achieved_rate_hz"),
         number(0, {}, QStringLiteral("frames per second of the steady clock, recent frames"))},
        {QStringLiteral("sample_interval_ms"),
         number(0, {}, QStringLiteral("the latest interval in sample time"))},
        {QStringLiteral("frame_interval_ms"),
         object({{QStringLiteral("p50"), ms}, {QStringLiteral("p99"), ms}})},
        {QStringLiteral("analysis_ms"), object({{QStringLiteral("mean"), ms},
                                                {QStringLiteral("p99"), ms},
                                                {QStringLiteral("max"), ms}})},
        {QStringLiteral("analysis_load"),
         object({{QStringLiteral("of_frame_period"), number(0)},
                 {QStringLiteral("of_one_core"), number(0)}})},
        {QStringLiteral("frames"), integer(0)},
        {QStringLiteral("ring_overflows"),
         integer(0, {}, QStringLiteral("audio blocks the analysis could not take"))},
        {QStringLiteral("restarts"), integer(0)},
        {QStringLiteral("clients"), integer(0, {}, QStringLiteral("of /ws/metrics"))},
        {QStringLiteral("frames_sent"), integer(0)},
        {QStringLiteral("frames_dropped"),
         integer(0, {}, QStringLiteral("to clients whose send queue was full"))},
        {QStringLiteral("publishes_dropped"),
         integer(0, {}, QStringLiteral("frames the busy server thread could not take"))},
    });
}

QJsonObject statesSchema() {
    using namespace schema;
    return object({
        {QStringLiteral("current"), stringEnum(stateNames())},
        {QStringLiteral("since_s"),
         number(0, {}, QStringLiteral("sample time counted since start or reset"))},
        {QStringLiteral("seconds"),
         described(object({}, {}, true), QStringLiteral("time per reported state, s"))},
        {QStringLiteral("transitions_total"), integer(0)},
        {QStringLiteral("transitions"),
         arrayOf(object({{QStringLiteral("from"), stringEnum(stateNames())},
                         {QStringLiteral("to"), stringEnum(stateNames())},
                         {QStringLiteral("count"), integer(1)}}))},
    });
}

Response noFrame() {
    return Response::error({404, QStringLiteral("no_frame"),
                            QStringLiteral("no metrics frame yet: is the audio running?")});
}

}  // namespace

QJsonObject metricsFrameJson(const metrics::MetricsFrame& f) {
    return {
        {QStringLiteral("timestamp"), f.timestamp},
        {QStringLiteral("frame_id"), qint64(f.frameId)},
        {QStringLiteral("ici"), f.ici},
        {QStringLiteral("phase_coherence"), f.phaseCoherence},
        {QStringLiteral("spectral_centroid"), f.spectralCentroid},
        {QStringLiteral("criticality"), f.criticality},
        {QStringLiteral("consciousness_level"), f.consciousnessLevel},
        {QStringLiteral("state"), qs(toString(f.state))},
        {QStringLiteral("phi_phase"), f.phiPhase},
        {QStringLiteral("phi_depth"), f.phiDepth},
        {QStringLiteral("phi_mode"), qs(phi::toString(phi::Mode(f.phiMode)))},
        {QStringLiteral("level_db"), f.levelDb},
        {QStringLiteral("cpu_load"), f.cpuLoad},
    };
}

QJsonObject metricsHistoryJson(const metrics::MetricsAnalyzer& analyzer, double seconds) {
    const auto frames = analyzer.history(seconds);
    QJsonArray list;
    for (const auto& f : frames) list.append(metricsFrameJson(f));
    return {{QStringLiteral("seconds"), seconds},
            {QStringLiteral("rate_hz"), analyzer.config().rateHz},
            {QStringLiteral("count"), qint64(frames.size())},
            {QStringLiteral("frames"), list}};
}

QJsonObject metricsStatesJson(const metrics::MetricsAnalyzer& analyzer) {
    const auto report = analyzer.states();
    QJsonObject seconds;
    QJsonArray transitions;
    for (int from = 0; from < metrics::kStateCount; ++from) {
        seconds.insert(qs(toString(metrics::State(from))), report.counts.secondsIn[size_t(from)]);
        for (int to = 0; to < metrics::kStateCount; ++to) {
            const uint64_t n = report.counts.transitions[size_t(from)][size_t(to)];
            if (n == 0) continue;
            transitions.append(QJsonObject{{QStringLiteral("from"), qs(toString(metrics::State(from)))},
                                           {QStringLiteral("to"), qs(toString(metrics::State(to)))},
                                           {QStringLiteral("count"), qint64(n)}});
        }
    }
    return {{QStringLiteral("current"), qs(toString(report.current))},
            {QStringLiteral("since_s"), report.sinceSeconds},
            {QStringLiteral("seconds"), seconds},
            {QStringLiteral("transitions_total"), qint64(report.counts.totalTransitions)},
            {QStringLiteral("transitions"), transitions}};
}

QJsonObject metricsConfigJson(const metrics::MetricsConfig& c) {
    return {{QStringLiteral("rate_hz"), c.rateHz}, {QStringLiteral("window"), c.window}};
}

std::optional<metrics::ConfigError> updateMetricsConfig(metrics::MetricsAnalyzer& analyzer,
                                                        const QJsonObject& patch) {
    if (const auto violation = schema::validate(patch, configSchema(false)))
        return metrics::ConfigError{violation->path.toStdString(),
                                    violation->toString().toStdString()};
    metrics::MetricsConfig c = analyzer.config();
    if (patch.contains(QStringLiteral("rate_hz")))
        c.rateHz = patch[QStringLiteral("rate_hz")].toDouble();
    if (patch.contains(QStringLiteral("window")))
        c.window = patch[QStringLiteral("window")].toInt();
    return analyzer.setConfig(c);
}

QList<Route> metricsChartRoutes(const metrics::MetricsAnalyzer& analyzer) {
    using namespace schema;
    Route latest;
    latest.method = "GET";
    latest.path = QStringLiteral("/api/metrics/latest");
    latest.summary = QStringLiteral("The latest metrics frame (the /ws/metrics frame)");
    latest.tag = kTag;
    latest.responseSchema = frameSchema();
    latest.errorStatuses = {404};
    // One frame copied under the analyzer's short lock: inline (see GET /api/engine).
    latest.execution = Execution::ServerThread;
    latest.handler = [&analyzer](const Request&) {
        const auto frame = analyzer.latest();
        return frame ? Response::json(metricsFrameJson(*frame)) : noFrame();
    };

    Route history;
    history.method = "GET";
    history.path = QStringLiteral("/api/metrics/history");
    history.summary = QStringLiteral("The frames of the last N seconds (up to 300), oldest first");
    history.description = QStringLiteral(
        "So that a newly opened window fills its charts at once. Frames are the /ws/metrics "
        "frames; `seconds` counts back from the latest frame's timestamp.");
    history.tag = kTag;
    history.query = {{QStringLiteral("seconds"),
                      number(0, metrics::MetricsAnalyzer::kHistorySeconds),
                      QStringLiteral("how far back, 0–300 s (default 30)")}};
    history.responseSchema = object({{QStringLiteral("seconds"), number(0)},
                                     {QStringLiteral("rate_hz"), number(0)},
                                     {QStringLiteral("count"), integer(0)},
                                     {QStringLiteral("frames"), arrayOf(frameSchema())}});
    history.handler = [&analyzer](const Request& request) {
        const double seconds = request.query.value(QStringLiteral("seconds")).toDouble(30.0);
        return Response::json(metricsHistoryJson(analyzer, seconds));
    };
    return {latest, history};
}

void addMetricsApi(ApiServer& server, metrics::MetricsAnalyzer& analyzer,
                   std::function<void(const QJsonObject& frame, double rateHz)> alsoTo) {
    using namespace schema;
    server.addPushStream(
        kMetricsStreamPath, analyzer.config().rateHz,
        QStringLiteral("Pushed by the metrics analysis: every frame it makes goes out once, in "
                       "order (frame_id +1), at the analysis rate (PUT /api/metrics/config). "
                       "?rate=N (N ≥ 1 Hz) sends this client an evenly spread N per second of "
                       "them (all when N ≥ the analysis rate)."),
        frameSchema());
    // Serialised once on the analysis thread; the server thread sends the same text to all.
    analyzer.setFrameSink([&server, alsoTo = std::move(alsoTo)](const metrics::MetricsFrame& frame) {
        const QJsonObject json = metricsFrameJson(frame);
        server.publish(kMetricsStreamPath,
                       QString::fromUtf8(QJsonDocument(json).toJson(QJsonDocument::Compact)),
                       frame.rateHz);
        if (alsoTo) alsoTo(json, frame.rateHz);
    });

    for (Route& route : metricsChartRoutes(analyzer)) server.addRoute(std::move(route));

    Route stats;
    stats.method = "GET";
    stats.path = QStringLiteral("/api/metrics/stats");
    stats.summary = QStringLiteral("How the analysis and /ws/metrics keep up");
    stats.tag = kTag;
    stats.responseSchema = statsSchema();
    stats.handler = [&analyzer, &server](const Request&) {
        const metrics::AnalyzerStats s = analyzer.stats();
        const WebSocketHub::StreamTotals ws = server.streamTotals(kMetricsStreamPath);
        const double periodMs = 1000.0 / s.config.rateHz;
        return Response::json(QJsonObject{
            {QStringLiteral("rate_hz"), s.config.rateHz},
            {QStringLiteral("window"), s.config.window},
            {QStringLiteral("achieved_rate_hz"), s.achievedRateHz},
            {QStringLiteral("sample_interval_ms"), s.sampleIntervalMs},
            {QStringLiteral("frame_interval_ms"),
             QJsonObject{{QStringLiteral("p50"), s.intervalP50Ms},
                         {QStringLiteral("p99"), s.intervalP99Ms}}},
            {QStringLiteral("analysis_ms"), QJsonObject{{QStringLiteral("mean"), s.costMeanMs},
                                                        {QStringLiteral("p99"), s.costP99Ms},
                                                        {QStringLiteral("max"), s.costMaxMs}}},
            {QStringLiteral("analysis_load"),
             QJsonObject{{QStringLiteral("of_frame_period"), s.costMeanMs / periodMs},
                         {QStringLiteral("of_one_core"), s.costMeanMs * s.config.rateHz / 1000.0}}},
            {QStringLiteral("frames"), qint64(s.frames)},
            {QStringLiteral("ring_overflows"), qint64(s.ringOverflows)},
            {QStringLiteral("restarts"), qint64(s.restarts)},
            {QStringLiteral("clients"), ws.clients},
            {QStringLiteral("frames_sent"), qint64(ws.framesSent)},
            {QStringLiteral("frames_dropped"), qint64(ws.framesDropped)},
            {QStringLiteral("publishes_dropped"), qint64(server.publishesDropped())},
        });
    };
    server.addRoute(stats);

    Route states;
    states.method = "GET";
    states.path = QStringLiteral("/api/metrics/states");
    states.summary = QStringLiteral("Time in each state and transition counts since start or reset");
    states.tag = kTag;
    states.responseSchema = statesSchema();
    states.handler = [&analyzer](const Request&) {
        return Response::json(metricsStatesJson(analyzer));
    };
    server.addRoute(states);

    Route reset;
    reset.method = "POST";
    reset.path = QStringLiteral("/api/metrics/states/reset");
    reset.summary = QStringLiteral("Zero the state times and transition counts");
    reset.description = QStringLiteral("The current state is kept; answers the zeroed document.");
    reset.tag = kTag;
    reset.requestBodyRequired = false;
    reset.responseSchema = statesSchema();
    reset.handler = [&analyzer](const Request&) {
        analyzer.resetStates();
        QJsonObject body = metricsStatesJson(analyzer);
        body.insert(QStringLiteral("ok"), true);
        return Response::json(body);
    };
    server.addRoute(reset);

    Route getConfig;
    getConfig.method = "GET";
    getConfig.path = QStringLiteral("/api/metrics/config");
    getConfig.summary = QStringLiteral("The analysis rate and window");
    getConfig.tag = kTag;
    getConfig.responseSchema = configSchema(true);
    getConfig.handler = [&analyzer](const Request&) {
        return Response::json(metricsConfigJson(analyzer.config()));
    };
    server.addRoute(getConfig);

    Route putConfig;
    putConfig.method = "PUT";
    putConfig.path = QStringLiteral("/api/metrics/config");
    putConfig.summary = QStringLiteral("Change the analysis rate (30–120 Hz) or window (partial)");
    putConfig.description = QStringLiteral(
        "Present fields replace, absent ones stay. `window` must be a power of two from 512 to "
        "8192. A bad field: 422 naming it, nothing changes. Applied before the next frame; the "
        "frame cadence restarts there and frame ids go on.");
    putConfig.tag = kTag;
    putConfig.requestSchema = configSchema(false);
    putConfig.responseSchema = configSchema(true);
    putConfig.errorStatuses = {422};
    putConfig.handler = [&analyzer](const Request& request) {
        if (const auto error = updateMetricsConfig(analyzer, request.body.toObject()))
            return invalidParameters({dsp::ParameterError{error->field, 0.0, 0.0, error->message}});
        return Response::json(metricsConfigJson(analyzer.config()));
    };
    server.addRoute(putConfig);
}

}  // namespace soundlab::api
