#include "engine/EngineActivityLog.h"

#include "engine/AudioEngine.h"
#include "logging/SessionLogger.h"

namespace soundlab {

namespace {
constexpr int kStateInterval = 50;       // ms: stream states, as often as the watchdog looks
constexpr int kStatusEvery = 1000 / 50;  // ticks: status and xrun records once a second
}  // namespace

EngineActivityLog::EngineActivityLog(const AudioEngine& engine, logging::SessionLogger& logger,
                                     QObject* parent)
    : QObject(parent), engine_(engine), logger_(logger) {
    timer_.setInterval(kStateInterval);
    connect(&timer_, &QTimer::timeout, this, &EngineActivityLog::sample);
    timer_.start();
    sample();
}

void EngineActivityLog::sample() {
    using logging::Category;
    const AudioStatus status = engine_.status();
    const QString state = streamStateName(status.state);
    const uint64_t xruns = status.inputOverflows + status.outputUnderflows;
    const QString stream = QStringLiteral("%1|%2|%3|%4")
                               .arg(status.stream.backend, status.stream.outputDevice)
                               .arg(status.stream.sampleRate)
                               .arg(status.stream.blockSize);
    if (first_ || state != lastState_ || (status.running && stream != lastStream_)) {
        QJsonObject fields{{QStringLiteral("stream_state"), state}};
        if (status.running) {
            fields.insert(QStringLiteral("device"), status.stream.outputDevice);
            fields.insert(QStringLiteral("backend"), status.stream.backend);
            fields.insert(QStringLiteral("host_api"), status.stream.hostApi);
            fields.insert(QStringLiteral("sample_rate"), status.stream.sampleRate);
            fields.insert(QStringLiteral("block_size"), status.stream.blockSize);
        }
        if (!status.lastError.isEmpty())
            fields.insert(QStringLiteral("message"), status.lastError);
        logger_.log(Category::AudioEngine, QStringLiteral("stream"), fields);
        lastState_ = state;
        lastStream_ = stream;
    }
    if (!first_ && ++tick_ < kStatusEvery) return;
    tick_ = 0;
    // Counters start again with each stream: a fall is a new stream, not negative xruns.
    if (!first_ && xruns > lastXruns_)
        logger_.log(Category::AudioEngine, QStringLiteral("xrun"),
                    {{QStringLiteral("xruns"), double(xruns - lastXruns_)},
                     {QStringLiteral("xruns_total"), double(xruns)},
                     {QStringLiteral("input_overflows"), double(status.inputOverflows)},
                     {QStringLiteral("output_underflows"), double(status.outputUnderflows)}});
    lastXruns_ = xruns;
    first_ = false;
    const PerformanceStats performance = engine_.performance();
    logger_.log(Category::AudioEngine, QStringLiteral("status"),
                {{QStringLiteral("stream_state"), state},
                 {QStringLiteral("cpu_load"), performance.cpuLoadAverage},
                 {QStringLiteral("cpu_load_peak"), performance.cpuLoadPeak},
                 {QStringLiteral("xruns"), double(xruns)},
                 {QStringLiteral("callbacks"), double(status.callbackCount)}});
}

}  // namespace soundlab
