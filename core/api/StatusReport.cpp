#include "api/StatusReport.h"

#include "api/JsonSchema.h"
#include "engine/AudioEngine.h"

#include <QJsonArray>
#include <cmath>

namespace soundlab::api {

StatusReport::StatusReport(AudioEngine& engine) : engine_(engine) {
    uptime_.start();
    setField(QStringLiteral("latency_calibrated"), [] { return QJsonValue(false); });
    setField(QStringLiteral("preset_loaded"), [] { return QJsonValue(false); });
}

void StatusReport::setField(const QString& name, FieldProvider provider) {
    for (auto& field : fields_) {
        if (field.first == name) {
            field.second = std::move(provider);
            return;
        }
    }
    fields_.append({name, std::move(provider)});
}

QJsonObject StatusReport::status() const {
    const AudioStatus s = engine_.status();
    const bool running = s.running;
    const auto count = [this](const char* path) {
        return clientCounter_ ? clientCounter_(QString::fromLatin1(path)) : 0;
    };
    QJsonObject o{
        {QStringLiteral("audio_running"), running},
        {QStringLiteral("sample_rate"),
         running ? static_cast<qint64>(std::lround(s.stream.sampleRate)) : s.requested.sampleRate},
        {QStringLiteral("buffer_size"), running ? s.stream.blockSize : s.requested.blockSize},
        {QStringLiteral("callback_count"), static_cast<qint64>(s.callbackCount)},
        {QStringLiteral("metrics_clients"), count("/ws/metrics")},
        {QStringLiteral("latency_clients"), count("/ws/latency")},
        {QStringLiteral("device"),
         QJsonObject{
             {QStringLiteral("input"), running ? s.stream.inputDevice : s.requested.inputDevice},
             {QStringLiteral("output"),
              running ? s.stream.outputDevice : s.requested.outputDevice}}},
        {QStringLiteral("backend"), running ? QJsonValue(s.stream.backend) : QJsonValue()},
        {QStringLiteral("host_api"), running ? QJsonValue(s.stream.hostApi) : QJsonValue()},
        {QStringLiteral("host_period"), running && s.stream.hostPeriod},
        {QStringLiteral("uptime_s"), static_cast<double>(uptime_.elapsed()) / 1000.0},
        {QStringLiteral("version"), QStringLiteral(SOUNDLAB_VERSION)},
        {QStringLiteral("last_error"),
         s.lastError.isEmpty() ? QJsonValue() : QJsonValue(s.lastError)},
        {QStringLiteral("stream_state"), streamStateName(s.state)},
        {QStringLiteral("flush_to_zero"),
         s.flushToZero ? QJsonValue(*s.flushToZero) : QJsonValue()},
        {QStringLiteral("realtime_priority"), s.stream.realtimePriority
                                                  ? QJsonValue(*s.stream.realtimePriority)
                                                  : QJsonValue()},
    };
    // The seed's Φ fields: what the controller gave the engine in the latest block, and the
    // selected source (lock-free towards the audio thread; short control-side locks only).
    const phi::State phiState = engine_.phiState();
    const std::string_view phiMode = phi::toString(engine_.phiSettings().mode);
    o.insert(QStringLiteral("phi_phase"), phiState.phase);
    o.insert(QStringLiteral("phi_depth"), phiState.depth);
    o.insert(QStringLiteral("phi_mode"),
             QString::fromLatin1(phiMode.data(), qsizetype(phiMode.size())));
    o.insert(QStringLiteral("input_channel"), s.requested.inputChannel);
    o.insert(QStringLiteral("output"), outputJson(engine_.output()));
    o.insert(QStringLiteral("levels"), levelsJson(engine_.levels()));
    for (const auto& [name, provider] : fields_) o.insert(name, provider());
    return o;
}

QJsonObject StatusReport::outputJson(const dsp::MasterGainSettings& output) {
    return {{QStringLiteral("gain_db"), output.gainDb}, {QStringLiteral("muted"), output.muted}};
}

QJsonObject StatusReport::levelsJson(const SignalLevels& levels) {
    const auto meter = [](const LevelReading& r) {
        return QJsonObject{{QStringLiteral("peak_dbfs"), r.peakDb},
                           {QStringLiteral("rms_dbfs"), r.rmsDb}};
    };
    return {{QStringLiteral("input"), meter(levels.input)},
            {QStringLiteral("output"), QJsonObject{{QStringLiteral("left"), meter(levels.left)},
                                                   {QStringLiteral("right"), meter(levels.right)}}}};
}

QJsonObject StatusReport::outputSchema() {
    using namespace schema;
    return object({{QStringLiteral("gain_db"),
                    number(dsp::MasterGainSettings::kMinGainDb,
                           dsp::MasterGainSettings::kMaxGainDb,
                           QStringLiteral("master output gain, dB (applied last)"))},
                   {QStringLiteral("muted"),
                    described(boolean(), QStringLiteral("output ramped to silence (panic)"))}},
                  {QStringLiteral("gain_db"), QStringLiteral("muted")});
}

QJsonObject StatusReport::levelsSchema() {
    using namespace schema;
    const QJsonObject meter = object(
        {{QStringLiteral("peak_dbfs"),
          number(LevelReading::kFloorDb, {}, QStringLiteral("held peak, falling 20 dB/s"))},
         {QStringLiteral("rms_dbfs"),
          number(LevelReading::kFloorDb, {}, QStringLiteral("RMS over 300 ms"))}},
        {QStringLiteral("peak_dbfs"), QStringLiteral("rms_dbfs")});
    return described(
        object({{QStringLiteral("input"), meter},
                {QStringLiteral("output"),
                 object({{QStringLiteral("left"), meter}, {QStringLiteral("right"), meter}})}}),
        QStringLiteral("dBFS; the engine's input channel and the output after the master gain; "
                       "-120 is the floor (silence, stopped)"));
}

QJsonObject StatusReport::performance() const {
    const PerformanceStats p = engine_.performance();
    QJsonArray bins;
    double lower = 0.0;
    for (size_t i = 0; i < p.loadHistogram.size(); ++i) {
        const bool last = i == PerformanceStats::kLoadHistogramEdges.size();
        const double upper = last ? 0.0 : PerformanceStats::kLoadHistogramEdges[i];
        bins.append(QJsonObject{{QStringLiteral("lower"), lower},
                                {QStringLiteral("upper"), last ? QJsonValue() : QJsonValue(upper)},
                                {QStringLiteral("count"), static_cast<qint64>(p.loadHistogram[i])}});
        lower = upper;
    }
    const QJsonObject histogram{
        {QStringLiteral("unit"), QStringLiteral("cpu_load")},
        {QStringLiteral("bins"), bins},
    };
    return QJsonObject{
        {QStringLiteral("callback_count"), static_cast<qint64>(p.callbackCount)},
        {QStringLiteral("buffer_duration_ms"), p.bufferDurationMs},
        {QStringLiteral("processing_time_ms"), QJsonObject{{QStringLiteral("current"), p.currentMs},
                                                           {QStringLiteral("average"), p.averageMs},
                                                           {QStringLiteral("min"), p.minMs},
                                                           {QStringLiteral("max"), p.maxMs},
                                                           {QStringLiteral("std"), p.stdMs}}},
        {QStringLiteral("cpu_load"), QJsonObject{{QStringLiteral("current"), p.cpuLoadCurrent},
                                                 {QStringLiteral("average"), p.cpuLoadAverage},
                                                 {QStringLiteral("peak"), p.cpuLoadPeak}}},
        {QStringLiteral("xruns"),
         QJsonObject{{QStringLiteral("input_overflows"), static_cast<qint64>(p.inputOverflows)},
                     {QStringLiteral("output_underflows"), static_cast<qint64>(p.outputUnderflows)},
                     {QStringLiteral("total"),
                      static_cast<qint64>(p.inputOverflows + p.outputUnderflows)}}},
        {QStringLiteral("timing_records_dropped"), static_cast<qint64>(p.timingRecordsDropped)},
        {QStringLiteral("load_histogram"), histogram},
    };
}

QJsonObject StatusReport::statusSchema() {
    using namespace schema;
    const QJsonObject nullableString =
        withTypes(string(), {QStringLiteral("string"), QStringLiteral("null")});
    return object(
        {
            {QStringLiteral("audio_running"), boolean()},
            {QStringLiteral("sample_rate"),
             integer({}, {}, QStringLiteral("Hz; the running stream's, else the configured"))},
            {QStringLiteral("buffer_size"), integer({}, {}, QStringLiteral("frames per block"))},
            {QStringLiteral("callback_count"), integer(0)},
            {QStringLiteral("latency_calibrated"), boolean()},
            {QStringLiteral("preset_loaded"), boolean()},
            {QStringLiteral("metrics_clients"),
             integer(0, {}, QStringLiteral("clients of /ws/metrics"))},
            {QStringLiteral("latency_clients"),
             integer(0, {}, QStringLiteral("clients of /ws/latency"))},
            {QStringLiteral("device"),
             object({{QStringLiteral("input"), string()}, {QStringLiteral("output"), string()}})},
            {QStringLiteral("backend"),
             described(nullableString, QStringLiteral("portaudio or virtual; null when stopped"))},
            {QStringLiteral("host_api"),
             described(nullableString,
                       QStringLiteral("e.g. ALSA, JACK, virtual; null when stopped"))},
            {QStringLiteral("host_period"),
             described(boolean(), QStringLiteral("the running stream's block size is the host's "
                                                 "period (JACK), not the one asked for"))},
            {QStringLiteral("uptime_s"), number(0)},
            {QStringLiteral("version"), string()},
            {QStringLiteral("last_error"),
             described(nullableString,
                       QStringLiteral("why the stream last stopped, stalled or failed to start"))},
            {QStringLiteral("stream_state"),
             described(stringEnum({QStringLiteral("stopped"), QStringLiteral("running"),
                                   QStringLiteral("stalled"), QStringLiteral("lost")}),
                       QStringLiteral("stalled: open but no callback for over 0.5 s; lost: the "
                                      "device or server went away (POST /api/audio/start "
                                      "recovers once it is back)"))},
            {QStringLiteral("flush_to_zero"),
             described(withTypes(boolean(), {QStringLiteral("boolean"), QStringLiteral("null")}),
                       QStringLiteral("denormals flushed on the audio thread, as checked there "
                                      "in the latest block; null before the first"))},
            {QStringLiteral("realtime_priority"),
             described(withTypes(boolean(), {QStringLiteral("boolean"), QStringLiteral("null")}),
                       QStringLiteral("the virtual device's clock thread got SCHED_FIFO; false: "
                                      "refused (no rtprio limit), it may miss deadlines under "
                                      "load; null where the host schedules its own thread"))},
            {QStringLiteral("phi_phase"),
             number(0, 2 * M_PI, QStringLiteral("Φ phase the engine got in the latest block"))},
            {QStringLiteral("phi_depth"), number(0, 1.6180339887498949, QStringLiteral("[0, Φ]"))},
            {QStringLiteral("phi_mode"),
             stringEnum({QStringLiteral("manual"), QStringLiteral("audio"), QStringLiteral("midi"),
                         QStringLiteral("sensor"), QStringLiteral("internal")},
                        QStringLiteral("the selected Φ source (GET /api/phi)"))},
            {QStringLiteral("input_channel"),
             integer(0, {}, QStringLiteral("the input device's channel the engine hears, from 0"))},
            {QStringLiteral("output"), outputSchema()},
            {QStringLiteral("levels"), levelsSchema()},
        },
        {QStringLiteral("audio_running"), QStringLiteral("sample_rate"),
         QStringLiteral("buffer_size"), QStringLiteral("callback_count"),
         QStringLiteral("latency_calibrated"), QStringLiteral("preset_loaded"),
         QStringLiteral("metrics_clients"), QStringLiteral("latency_clients"),
         QStringLiteral("device"), QStringLiteral("host_api"), QStringLiteral("uptime_s"),
         QStringLiteral("version"), QStringLiteral("stream_state")},
        /*openEnded=*/true);
}

QJsonObject StatusReport::performanceSchema() {
    using namespace schema;
    const QJsonObject ms = number(0);
    return object(
        {
            {QStringLiteral("callback_count"), integer(0)},
            {QStringLiteral("buffer_duration_ms"), number(0)},
            {QStringLiteral("processing_time_ms"), object({{QStringLiteral("current"), ms},
                                                           {QStringLiteral("average"), ms},
                                                           {QStringLiteral("min"), ms},
                                                           {QStringLiteral("max"), ms},
                                                           {QStringLiteral("std"), ms}})},
            {QStringLiteral("cpu_load"),
             described(object({{QStringLiteral("current"), number(0)},
                               {QStringLiteral("average"), number(0)},
                               {QStringLiteral("peak"), number(0)}}),
                       QStringLiteral("processing time ÷ block duration"))},
            {QStringLiteral("xruns"), object({{QStringLiteral("input_overflows"), integer(0)},
                                              {QStringLiteral("output_underflows"), integer(0)},
                                              {QStringLiteral("total"), integer(0)}})},
            {QStringLiteral("timing_records_dropped"), integer(0)},
            {QStringLiteral("load_histogram"),
             described(
                 object({{QStringLiteral("unit"), stringEnum({QStringLiteral("cpu_load")})},
                         {QStringLiteral("bins"),
                          arrayOf(object({{QStringLiteral("lower"), number(0)},
                                          {QStringLiteral("upper"),
                                           withTypes(number(0), {QStringLiteral("number"),
                                                                 QStringLiteral("null")})},
                                          {QStringLiteral("count"), integer(0)}}))}}),
                 QStringLiteral("blocks per CPU-load bin (processing time ÷ block duration, "
                                "bins [lower, upper), 1-2-5 steps from 0.001 to 1; upper null: "
                                "over the deadline) since the stream started"))},
        },
        {QStringLiteral("callback_count"), QStringLiteral("buffer_duration_ms"),
         QStringLiteral("processing_time_ms"), QStringLiteral("cpu_load"),
         QStringLiteral("xruns")});
}

}  // namespace soundlab::api
