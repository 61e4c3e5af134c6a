#include "api/StatusReport.h"

#include "api/JsonSchema.h"
#include "engine/AudioEngine.h"

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
    for (const auto& [name, provider] : fields_) o.insert(name, provider());
    return o;
}

QJsonObject StatusReport::performance() const {
    const PerformanceStats p = engine_.performance();
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
        },
        {QStringLiteral("callback_count"), QStringLiteral("buffer_duration_ms"),
         QStringLiteral("processing_time_ms"), QStringLiteral("cpu_load"),
         QStringLiteral("xruns")});
}

}  // namespace soundlab::api
