#include "engine/PhiActivityLog.h"

#include "engine/AudioEngine.h"
#include "logging/SessionLogger.h"
#include "phi/SensorInbox.h"

#include <QJsonObject>

#include <chrono>

namespace soundlab {

namespace {
constexpr int kPollMs = 20;         // 50 Hz: sees every 100 ms crossfade
constexpr int kTicksPerState = 5;   // a `state` record at 10 Hz

QString modeName(phi::Mode mode) {
    return QString::fromLatin1(phi::toString(mode).data(),
                               static_cast<qsizetype>(phi::toString(mode).size()));
}
}  // namespace

PhiActivityLog::PhiActivityLog(AudioEngine& engine, logging::SessionLogger& logger,
                               QObject* parent)
    : QObject(parent), engine_(engine), logger_(logger) {
    // Every accepted sample, on the pushing thread (API worker, server thread or OSC): the
    // logger's queue never blocks it.
    engine_.phiSensor().setObserver([&logger](const phi::SensorSample& s) {
        QJsonObject fields;
        if (s.t) fields.insert(QStringLiteral("sensor_time"), *s.t);
        if (s.heartRateBpm) fields.insert(QStringLiteral("heart_rate_bpm"), *s.heartRateBpm);
        if (s.gsr) fields.insert(QStringLiteral("gsr"), *s.gsr);
        if (s.accelX) fields.insert(QStringLiteral("accel_x"), *s.accelX);
        if (s.accelY) fields.insert(QStringLiteral("accel_y"), *s.accelY);
        if (s.accelZ) fields.insert(QStringLiteral("accel_z"), *s.accelZ);
        logger.log(logging::Category::PhiModulator, QStringLiteral("sensor"), fields);
    });
    timer_.setInterval(kPollMs);
    connect(&timer_, &QTimer::timeout, this, &PhiActivityLog::sample);
    timer_.start();
    sample();
}

PhiActivityLog::~PhiActivityLog() {
    engine_.phiSensor().setObserver({});
}

double PhiActivityLog::unixTimeOf(int64_t steadyNs) {
    using namespace std::chrono;
    const auto steadyNow = duration_cast<nanoseconds>(steady_clock::now().time_since_epoch());
    const double unixNow = logging::SessionLogger::now();
    return unixNow - static_cast<double>(steadyNow.count() - steadyNs) * 1e-9;
}

void PhiActivityLog::sample() {
    using logging::Category;
    const phi::Settings settings = engine_.phiSettings();
    const phi::State state = engine_.phiState();
    const phi::SensorStatus sensor = engine_.phiSensor().status();
    if (!first_ && settings.mode != requestedMode_)
        logger_.log(Category::PhiModulator, QStringLiteral("switch"),
                    {{QStringLiteral("from"), modeName(requestedMode_)},
                     {QStringLiteral("to"), modeName(settings.mode)}});
    requestedMode_ = settings.mode;

    if (state.fading != fading_ && state.blocks > 0) {
        // The fade began (or ended) about fadeProgress·100 ms (or 100 ms) before this block.
        const double blockTime = unixTimeOf(state.blockNs);
        const double fadeSeconds = phi::kCrossfadeSeconds;
        logging::LogRecord record;
        record.category = Category::PhiModulator;
        record.type = state.fading ? QStringLiteral("crossfade_start")
                                   : QStringLiteral("crossfade_end");
        record.timestamp = state.fading ? blockTime - state.fadeProgress * fadeSeconds : blockTime;
        record.fields = {{QStringLiteral("from"), modeName(state.fadeFrom)},
                         {QStringLiteral("to"), modeName(state.fading ? state.fadeTo : state.mode)}};
        logger_.log(std::move(record));
    }
    fading_ = state.fading;

    if (sensor.values.present && sensor.stale != stale_)
        logger_.log(Category::PhiModulator, QStringLiteral("sensor_stale"),
                    {{QStringLiteral("sensor_stale"), sensor.stale},
                     {QStringLiteral("age_s"), sensor.ageSeconds.value_or(0.0)}});
    stale_ = sensor.stale;

    if (ticks_++ % kTicksPerState == 0) {
        QJsonObject fields{{QStringLiteral("mode"), modeName(state.mode)},
                           {QStringLiteral("phase"), state.phase},
                           {QStringLiteral("depth"), state.depth},
                           {QStringLiteral("crossfade_active"), state.fading},
                           {QStringLiteral("sensor_received"), double(sensor.received)},
                           {QStringLiteral("sensor_applied"), double(sensor.applied)}};
        if (state.fading) {
            fields.insert(QStringLiteral("from"), modeName(state.fadeFrom));
            fields.insert(QStringLiteral("to"), modeName(state.fadeTo));
        }
        if (sensor.values.present) fields.insert(QStringLiteral("sensor_stale"), sensor.stale);
        logger_.log(Category::PhiModulator, QStringLiteral("state"), fields);
    }
    first_ = false;
}

}  // namespace soundlab
