#include "api/LatencyActivityLog.h"

#include "logging/SessionLogger.h"

namespace soundlab::api {

LatencyActivityLog::LatencyActivityLog(LatencyApi latency, logging::SessionLogger& logger,
                                       QObject* parent)
    : QObject(parent), latency_(latency), logger_(logger) {
    timer_.setInterval(100);
    connect(&timer_, &QTimer::timeout, this, &LatencyActivityLog::sample);
    timer_.start();
}

void LatencyActivityLog::sample() {
    using logging::Category;
    QJsonObject frame = latencyFrame(latency_);
    const double timestamp = frame.take(QStringLiteral("timestamp")).toDouble();
    logger_.log(logging::LogRecord{Category::Latency, QStringLiteral("frame"), timestamp, frame});

    const QJsonValue latest = latestCalibrationJson(latency_.calibrator);
    if (!latest.isObject()) return;
    QJsonObject run = latest.toObject();
    const qint64 id = run.value(QStringLiteral("id")).toInteger();
    const bool running = run.value(QStringLiteral("state")).toString() == QLatin1String("running");
    if (id != startedId_) {
        startedId_ = id;
        logger_.log(logging::LogRecord{
            Category::Latency, QStringLiteral("calibration_start"),
            run.value(QStringLiteral("started_at")).toDouble(timestamp),
            {{QStringLiteral("id"), id},
             {QStringLiteral("backend"), run.value(QStringLiteral("backend"))},
             {QStringLiteral("sample_rate"), run.value(QStringLiteral("sample_rate"))},
             {QStringLiteral("buffer_size_samples"),
              run.value(QStringLiteral("buffer_size_samples"))}}});
    }
    if (running || id == finishedId_) return;
    finishedId_ = id;
    // The result's fields at the top level, so the CSV's `verdict` and quality columns fill.
    const QJsonObject result = run.take(QStringLiteral("result")).toObject();
    for (auto it = result.begin(); it != result.end(); ++it) run.insert(it.key(), it.value());
    run.remove(QStringLiteral("progress"));
    logger_.log(logging::LogRecord{Category::Latency, QStringLiteral("calibration"),
                                   run.value(QStringLiteral("finished_at")).toDouble(timestamp),
                                   run});
}

}  // namespace soundlab::api
