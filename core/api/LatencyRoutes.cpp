#include "api/LatencyRoutes.h"

#include "api/JsonSchema.h"
#include "engine/AudioEngine.h"
#include "latency/LatencyCalibrator.h"
#include "latency/LatencyCompensation.h"
#include "latency/LatencyFigures.h"
#include "metrics/TimeBase.h"

#include <QDateTime>
#include <cmath>

namespace soundlab::api {

namespace {

using latency::LatencyCalibrator;
using Run = LatencyCalibrator::Run;

QJsonValue numberOrNull(const std::optional<double>& v) {
    return v ? QJsonValue(*v) : QJsonValue();
}

QJsonObject runJson(const Run& run, int64_t nowMs) {
    QJsonValue result;
    if (run.result) {
        const latency::LoopbackResult& r = *run.result;
        std::optional<double> ms;
        if (r.roundTripSamples) ms = *r.roundTripSamples * 1000.0 / run.stream.sampleRate;
        result = QJsonObject{
            {QStringLiteral("verdict"), QString::fromLatin1(latency::verdictName(r.verdict))},
            {QStringLiteral("round_trip_samples"), numberOrNull(r.roundTripSamples)},
            {QStringLiteral("round_trip_ms"), numberOrNull(ms)},
            {QStringLiteral("calibration_quality"), r.quality},
            {QStringLiteral("peak_to_noise_db"), r.peakToNoiseDb},
            {QStringLiteral("polarity"), r.polarity},
            {QStringLiteral("input_peak"), r.inputPeak},
            {QStringLiteral("clipped_samples"), qint64(r.clippedSamples)},
        };
    }
    return {
        {QStringLiteral("id"), qint64(run.id)},
        {QStringLiteral("state"), QString::fromLatin1(LatencyCalibrator::stateName(run.state))},
        {QStringLiteral("progress"), run.progress(nowMs)},
        {QStringLiteral("started_at"), double(run.startedAtMs) / 1000.0},
        {QStringLiteral("finished_at"),
         run.finishedAtMs ? QJsonValue(double(run.finishedAtMs) / 1000.0) : QJsonValue()},
        {QStringLiteral("duration_ms"),
         run.finishedAtMs ? QJsonValue(qint64(run.finishedAtMs - run.startedAtMs)) : QJsonValue()},
        {QStringLiteral("error"), run.error.isEmpty() ? QJsonValue() : QJsonValue(run.error)},
        {QStringLiteral("backend"), run.stream.backend},
        {QStringLiteral("sample_rate"), run.stream.sampleRate},
        {QStringLiteral("buffer_size_samples"), run.stream.blockSize},
        {QStringLiteral("result"), result},
    };
}

QJsonObject calibrationSchema() {
    using namespace schema;
    const auto nullable = [](QJsonObject s) {
        return withTypes(s, {s.value(QStringLiteral("type")).toString(), QStringLiteral("null")});
    };
    const QJsonObject result = object(
        {{QStringLiteral("verdict"),
          stringEnum({QStringLiteral("ok"), QStringLiteral("no_signal"), QStringLiteral("clipping"),
                      QStringLiteral("inverted"), QStringLiteral("noisy")})},
         {QStringLiteral("round_trip_samples"),
          nullable(number({}, {}, QStringLiteral("fractional; null without a signal")))},
         {QStringLiteral("round_trip_ms"), nullable(number())},
         {QStringLiteral("calibration_quality"), number(0, 1, QStringLiteral("peak-to-noise"))},
         {QStringLiteral("peak_to_noise_db"), number()},
         {QStringLiteral("polarity"), integer(-1, 1, QStringLiteral("+1 or -1 (inverted)"))},
         {QStringLiteral("input_peak"), number(0)},
         {QStringLiteral("clipped_samples"), integer(0)}},
        {}, true);
    return object(
        {{QStringLiteral("id"), integer(1)},
         {QStringLiteral("state"), stringEnum({QStringLiteral("running"), QStringLiteral("done"),
                                               QStringLiteral("failed")})},
         {QStringLiteral("progress"), number(0, 1)},
         {QStringLiteral("started_at"), number(0, {}, QStringLiteral("Unix s"))},
         {QStringLiteral("finished_at"), nullable(number(0))},
         {QStringLiteral("duration_ms"), nullable(integer(0))},
         {QStringLiteral("error"), nullable(string())},
         {QStringLiteral("backend"), string()},
         {QStringLiteral("sample_rate"), number(0)},
         {QStringLiteral("buffer_size_samples"), integer(0)},
         {QStringLiteral("result"), nullable(result)}},
        {}, true);
}

QJsonObject nullableCalibrationSchema() {
    return schema::withTypes(calibrationSchema(),
                             {QStringLiteral("object"), QStringLiteral("null")});
}

QJsonObject frameSchema() {
    using namespace schema;
    return object({{QStringLiteral("timestamp"), number(0, {}, QStringLiteral("Unix s"))},
                   {QStringLiteral("hw_input_latency_ms"), number(0)},
                   {QStringLiteral("hw_output_latency_ms"), number(0)},
                   {QStringLiteral("engine_latency_ms"), number(0)},
                   {QStringLiteral("os_latency_ms"), number(0)},
                   {QStringLiteral("total_measured_ms"), number(0)},
                   {QStringLiteral("round_trip_samples"),
                    withTypes(number(), {QStringLiteral("number"), QStringLiteral("null")})},
                   {QStringLiteral("compensation_offset_ms"), number(0, 200)},
                   {QStringLiteral("manual_offset_ms"), number(-50, 50)},
                   {QStringLiteral("effective_latency_ms"), number()},
                   {QStringLiteral("drift_ms"),
                    number({}, {},
                           QStringLiteral("device time − host time since the stream clock "
                                          "synced; 0 until it tracks a running stream"))},
                   {QStringLiteral("drift_rate_ms_per_sec"),
                    number({}, {}, QStringLiteral("drift_ppm / 1000"))},
                   {QStringLiteral("drift_ppm"),
                    number({}, {}, QStringLiteral("device clock vs host steady clock; + = fast"))},
                   {QStringLiteral("calibrated"), boolean()},
                   {QStringLiteral("calibration_quality"), number(0, 1)},
                   {QStringLiteral("aligned_5ms"), boolean()},
                   {QStringLiteral("buffer_size_samples"), integer(0)},
                   {QStringLiteral("sample_rate"), number(0)}},
                  {}, true);
}

// What the seed's UI reads from an action: `ok` and a `message`, with the frame beside them.
Response compensationAnswer(const LatencyApi& latency, const std::optional<QString>& error,
                            const QString& message) {
    if (error) return Response::error(ApiError::invalidValue(*error));
    QJsonObject frame = latencyFrame(latency);
    frame.insert(QStringLiteral("ok"), true);
    frame.insert(QStringLiteral("message"), message);
    return Response::json(frame);
}

QJsonObject driftSchema() {
    using namespace schema;
    return object(
        {{QStringLiteral("timestamp"), number(0, {}, QStringLiteral("Unix s, the shared clock"))},
         {QStringLiteral("locked"),
          boolean(QStringLiteral("the delay-locked loop tracks the running stream"))},
         {QStringLiteral("settled"),
          boolean(QStringLiteral("10 s after the loop's sync: the alignment goal (< 0.1 ms) "
                                 "holds"))},
         {QStringLiteral("drift_ppm"),
          number({}, {}, QStringLiteral("device clock vs host steady clock; + = fast"))},
         {QStringLiteral("drift_ms"),
          number({}, {}, QStringLiteral("device time − host time since the sync"))},
         {QStringLiteral("drift_rate_ms_per_sec"), number()},
         {QStringLiteral("seconds_tracked"), number(0, {}, QStringLiteral("since the sync"))},
         {QStringLiteral("bandwidth_hz"), number(0)},
         {QStringLiteral("blocks"), integer(0, {}, QStringLiteral("since the sync"))},
         {QStringLiteral("sample_rate"), number(0, {}, QStringLiteral("nominal; 0 unless locked"))},
         {QStringLiteral("resync_count"),
          integer(0, {},
                  QStringLiteral("restarts since the program started: stream starts, xruns, "
                                 "discontinuities, timing jumps, resets"))},
         {QStringLiteral("last_resync_reason"),
          withTypes(stringEnum({QStringLiteral("stream_start"), QStringLiteral("xrun"),
                                QStringLiteral("discontinuity"), QStringLiteral("timing_jump"),
                                QStringLiteral("reset")}),
                    {QStringLiteral("string"), QStringLiteral("null")})}},
        {}, true);
}

QJsonObject compensationAnswerSchema() {
    QJsonObject s = frameSchema();
    QJsonObject properties = s.value(QStringLiteral("properties")).toObject();
    properties.insert(QStringLiteral("ok"), schema::boolean());
    properties.insert(QStringLiteral("message"), schema::string());
    s.insert(QStringLiteral("properties"), properties);
    return s;
}

// The offsets' query parameters with the seed's ranges: the server checks a request's value
// against them before the handler runs, and the functions below check in-process callers' values
// with the same ones, so both get the same 422.
QueryParameter offsetParameter(const char* name, double min, double max) {
    return {QString::fromLatin1(name), schema::number(min, max, QStringLiteral("ms")),
            QStringLiteral("%1 … %2 ms").arg(min).arg(max), true};
}
QueryParameter compensationParameter() {
    return offsetParameter("offset_ms", 0, latency::LatencyCompensation::kMaxCompensationMs);
}
QueryParameter adjustParameter() {
    using latency::LatencyCompensation;
    return offsetParameter("delta_ms", -LatencyCompensation::kMaxAdjustMs,
                           LatencyCompensation::kMaxAdjustMs);
}
QueryParameter manualParameter() {
    using latency::LatencyCompensation;
    return offsetParameter("offset_ms", -LatencyCompensation::kMaxManualMs,
                           LatencyCompensation::kMaxManualMs);
}

}  // namespace

QJsonValue latestCalibrationJson(const LatencyCalibrator& calibrator) {
    const auto run = calibrator.latest();
    if (!run) return QJsonValue();
    return runJson(*run, QDateTime::currentMSecsSinceEpoch());
}

double heardUnixSecondsOfCallback(const LatencyApi& latency, int64_t callbackSteadyNs) {
    using metrics::TimeBase;
    const latency::LatencyFigures figures =
        latencyFigures(latency.engine.status(), latency.calibrator, latency.compensation);
    if (!figures.running) return TimeBase::unixSeconds(callbackSteadyNs);
    const metrics::ClockEstimate clock = latency.engine.streamClock();
    if (!clock.tracking)
        return TimeBase::unixSeconds(callbackSteadyNs) + figures.heardLatencySeconds();
    return TimeBase::heardUnixSeconds(clock, clock.blockStartNear(callbackSteadyNs),
                                      figures.heardLatencySeconds());
}

namespace {

QJsonObject driftJson(const metrics::ClockEstimate& clock, bool running) {
    // Figures only while the loop tracks a running stream: never a stale stream's.
    const bool locked = running && clock.tracking;
    return {
        {QStringLiteral("locked"), locked},
        {QStringLiteral("settled"), locked && clock.settled},
        {QStringLiteral("drift_ppm"), locked ? clock.ppm : 0.0},
        {QStringLiteral("drift_ms"), locked ? clock.driftMs : 0.0},
        {QStringLiteral("drift_rate_ms_per_sec"), locked ? clock.driftRateMsPerSecond() : 0.0},
        {QStringLiteral("seconds_tracked"), locked ? clock.secondsTracked : 0.0},
        {QStringLiteral("bandwidth_hz"), locked ? clock.bandwidthHz : 0.0},
        {QStringLiteral("blocks"), locked ? qint64(clock.blocks) : qint64(0)},
        {QStringLiteral("sample_rate"), locked ? clock.sampleRate : 0.0},
        {QStringLiteral("resync_count"), qint64(clock.resyncs)},
        {QStringLiteral("last_resync_reason"),
         clock.lastResync == metrics::ClockResync::None
             ? QJsonValue()
             : QJsonValue(QString::fromLatin1(metrics::resyncReasonName(clock.lastResync)))},
    };
}

QJsonObject driftDocument(const LatencyApi& latency, const metrics::ClockEstimate& clock) {
    QJsonObject drift = driftJson(clock, latency.engine.status().running);
    drift.insert(QStringLiteral("timestamp"),
                 metrics::TimeBase::unixSeconds(metrics::TimeBase::steadyNowNs()));
    return drift;
}

}  // namespace

QJsonObject latencyDrift(const LatencyApi& latency) {
    return driftDocument(latency, latency.engine.streamClock());
}

QJsonObject resetLatencyDrift(const LatencyApi& latency) {
    return driftDocument(latency, latency.engine.resetStreamClock());
}

QJsonObject latencyFrame(const LatencyApi& latency) {
    using metrics::TimeBase;
    const AudioStatus status = latency.engine.status();
    const bool running = status.running;
    const latency::LatencyFigures f =
        latencyFigures(status, latency.calibrator, latency.compensation);
    const metrics::ClockEstimate clock = latency.engine.streamClock();
    // The heard time of the latest block the stream clock has seen (SPEC §6); stopped: now, on
    // the same clock.
    const double timestamp =
        running && clock.tracking
            ? TimeBase::heardUnixSeconds(clock, clock.position, f.heardLatencySeconds())
            : TimeBase::unixSeconds(TimeBase::steadyNowNs());
    const QJsonObject drift = driftJson(clock, running);
    const double effective = f.effectiveMs();
    return {
        {QStringLiteral("timestamp"), timestamp},
        {QStringLiteral("hw_input_latency_ms"), f.hwInputMs},
        {QStringLiteral("hw_output_latency_ms"), f.hwOutputMs},
        {QStringLiteral("engine_latency_ms"), 0.0},  // the engine adds none (docs/engine.md)
        {QStringLiteral("os_latency_ms"), f.osMs()},
        {QStringLiteral("total_measured_ms"), f.totalMeasuredMs},
        {QStringLiteral("round_trip_samples"), numberOrNull(f.roundTripSamples)},
        {QStringLiteral("compensation_offset_ms"), f.compensationMs},
        {QStringLiteral("manual_offset_ms"), f.manualMs},
        {QStringLiteral("effective_latency_ms"), effective},
        {QStringLiteral("drift_ms"), drift.value(QStringLiteral("drift_ms"))},
        {QStringLiteral("drift_rate_ms_per_sec"),
         drift.value(QStringLiteral("drift_rate_ms_per_sec"))},
        {QStringLiteral("drift_ppm"), drift.value(QStringLiteral("drift_ppm"))},
        {QStringLiteral("calibrated"), f.calibrated},
        {QStringLiteral("calibration_quality"), f.quality},
        {QStringLiteral("aligned_5ms"), std::abs(effective) <= 5.0},
        {QStringLiteral("buffer_size_samples"),
         running ? status.stream.blockSize : status.requested.blockSize},
        {QStringLiteral("sample_rate"),
         running ? status.stream.sampleRate : double(status.requested.sampleRate)},
    };
}

QJsonObject latencyStreamFrame(const LatencyApi& latency) {
    QJsonObject frame = latencyFrame(latency);
    frame.insert(QStringLiteral("type"), QStringLiteral("latency"));
    frame.insert(QStringLiteral("calibration"), latestCalibrationJson(latency.calibrator));
    return frame;
}

Response startCalibration(LatencyCalibrator& calibrator) {
    const LatencyCalibrator::Start start = calibrator.start();
    if (!start.run)
        return Response::error(ApiError::conflict(start.refusal == LatencyCalibrator::Refusal::Busy
                                                      ? QStringLiteral("calibration_running")
                                                      : QStringLiteral("audio_not_running"),
                                                  start.message));
    return Response::json(
        QJsonObject{{QStringLiteral("ok"), true},
                    {QStringLiteral("message"), QStringLiteral("Calibration started")},
                    {QStringLiteral("calibration_id"), qint64(start.run->id)},
                    {QStringLiteral("calibration"),
                     runJson(*start.run, QDateTime::currentMSecsSinceEpoch())}},
        202);
}

QJsonObject latencyStats(const LatencyApi& latency) {
    const auto success = latency.calibrator.lastSuccess();
    const QJsonObject frame = latencyFrame(latency);
    return {
        {QStringLiteral("calibrated"), frame.value(QStringLiteral("calibrated"))},
        {QStringLiteral("calibration_running"), latency.calibrator.running()},
        {QStringLiteral("calibrations_completed"), qint64(latency.calibrator.completedRuns())},
        {QStringLiteral("last_calibration"), latestCalibrationJson(latency.calibrator)},
        {QStringLiteral("last_successful_calibration"),
         success ? QJsonValue(runJson(*success, QDateTime::currentMSecsSinceEpoch()))
                 : QJsonValue()},
        {QStringLiteral("current"), frame},
    };
}

Response setCompensationOffset(const LatencyApi& latency, double offsetMs) {
    if (auto error = compensationParameter().check(offsetMs)) return Response::error(*error);
    return compensationAnswer(latency, latency.compensation.setCompensation(offsetMs),
                              QStringLiteral("Compensation offset set"));
}

Response adjustCompensationOffset(const LatencyApi& latency, double deltaMs) {
    if (auto error = adjustParameter().check(deltaMs)) return Response::error(*error);
    return compensationAnswer(latency, latency.compensation.adjustCompensation(deltaMs),
                              QStringLiteral("Compensation offset adjusted"));
}

Response setManualOffset(const LatencyApi& latency, double offsetMs) {
    if (auto error = manualParameter().check(offsetMs)) return Response::error(*error);
    return compensationAnswer(latency, latency.compensation.setManual(offsetMs),
                              QStringLiteral("Manual offset set"));
}

QList<Route> latencyRoutes(LatencyApi latency) {
    using namespace schema;
    QList<Route> routes;
    const QString tag = QStringLiteral("latency");

    Route calibrate;
    calibrate.method = "POST";
    calibrate.path = QStringLiteral("/api/latency/calibrate");
    calibrate.summary = QStringLiteral("Measure the loopback round trip on the live stream");
    calibrate.description = QStringLiteral(
        "Plays an exponential sweep on both outputs and records the input without stopping the "
        "stream; needs a loop from output to input. Answers 202 at once with the calibration's "
        "id; its progress and result come on /ws/latency (`calibration`) and in "
        "GET /api/latency/stats. 409 while one runs or when audio is stopped.");
    calibrate.tag = tag;
    calibrate.successStatus = 202;
    calibrate.errorStatuses = {409};
    calibrate.responseSchema = object({{QStringLiteral("ok"), boolean()},
                                       {QStringLiteral("message"), string()},
                                       {QStringLiteral("calibration_id"), integer(1)},
                                       {QStringLiteral("calibration"), calibrationSchema()}},
                                      {}, true);
    calibrate.handler = [&calibrator = latency.calibrator](const Request&) {
        return startCalibration(calibrator);
    };
    routes << calibrate;

    Route stats;
    stats.method = "GET";
    stats.path = QStringLiteral("/api/latency/stats");
    stats.summary =
        QStringLiteral("Calibrations: the latest (running or done) and the last good one");
    stats.tag = tag;
    stats.responseSchema =
        object({{QStringLiteral("calibrated"), boolean()},
                {QStringLiteral("calibration_running"), boolean()},
                {QStringLiteral("calibrations_completed"), integer(0)},
                {QStringLiteral("last_calibration"), nullableCalibrationSchema()},
                {QStringLiteral("last_successful_calibration"), nullableCalibrationSchema()},
                {QStringLiteral("current"), frameSchema()}},
               {}, true);
    stats.execution = Execution::ServerThread;  // snapshots only
    stats.handler = [latency](const Request&) { return Response::json(latencyStats(latency)); };
    routes << stats;

    Route current;
    current.method = "GET";
    current.path = QStringLiteral("/api/latency/current");
    current.summary = QStringLiteral("The current latency frame (as on /ws/latency)");
    current.tag = tag;
    current.responseSchema = frameSchema();
    current.execution = Execution::ServerThread;
    current.handler = [latency](const Request&) { return Response::json(latencyFrame(latency)); };
    routes << current;

    Route drift;
    drift.method = "GET";
    drift.path = QStringLiteral("/api/latency/drift");
    drift.summary = QStringLiteral("The stream clock's skew and drift (delay-locked loop)");
    drift.description = QStringLiteral(
        "The delay-locked loop that maps the stream's sample position to the monotonic clock "
        "(docs/latency.md \"Drift\"): skew in ppm, accumulated drift, whether it is locked and "
        "settled, resyncs (stream start, xrun, reset) and the last reason.");
    drift.tag = tag;
    drift.responseSchema = driftSchema();
    drift.execution = Execution::ServerThread;  // a seqlock snapshot
    drift.handler = [latency](const Request&) { return Response::json(latencyDrift(latency)); };
    routes << drift;

    Route driftReset;
    driftReset.method = "POST";
    driftReset.path = QStringLiteral("/api/latency/drift/reset");
    driftReset.summary =
        QStringLiteral("Restart the delay-locked loop; answers the new drift document");
    driftReset.description = QStringLiteral(
        "The loop syncs to the next block and narrows again (not locked until then, settled 10 s "
        "later). Also while audio is stopped: the next stream starts it anyway.");
    driftReset.tag = tag;
    driftReset.responseSchema = driftSchema();
    driftReset.execution = Execution::ServerThread;  // the monitor's short lock (one pass)
    driftReset.handler = [latency](const Request&) {
        return Response::json(resetLatencyDrift(latency));
    };
    routes << driftReset;

    Route aligned;
    aligned.method = "GET";
    aligned.path = QStringLiteral("/api/latency/aligned");
    aligned.summary = QStringLiteral("Whether |effective_latency_ms| is within a tolerance");
    aligned.tag = tag;
    aligned.query = {{QStringLiteral("tolerance_ms"), number(0, 1000, QStringLiteral("ms")),
                      QStringLiteral("default 5"), false}};
    aligned.responseSchema = object({{QStringLiteral("aligned"), boolean()},
                                     {QStringLiteral("tolerance_ms"), number(0, 1000)},
                                     {QStringLiteral("effective_latency_ms"), number()},
                                     {QStringLiteral("calibrated"), boolean()}},
                                    {}, true);
    aligned.errorStatuses = {422};
    aligned.execution = Execution::ServerThread;
    aligned.handler = [latency](const Request& request) {
        const double tolerance = request.query.value(QStringLiteral("tolerance_ms")).toDouble(5.0);
        const QJsonObject frame = latencyFrame(latency);
        const double effective = frame.value(QStringLiteral("effective_latency_ms")).toDouble();
        return Response::json(
            QJsonObject{{QStringLiteral("aligned"), std::abs(effective) <= tolerance},
                        {QStringLiteral("tolerance_ms"), tolerance},
                        {QStringLiteral("effective_latency_ms"), effective},
                        {QStringLiteral("calibrated"), frame.value(QStringLiteral("calibrated"))}});
    };
    routes << aligned;

    const auto offsetRoute = [&](const char* path, const QueryParameter& parameter,
                                 const QString& summary) {
        Route r;
        r.method = "POST";
        r.path = QString::fromLatin1(path);
        r.summary = summary;
        r.tag = tag;
        r.query = {parameter};
        r.responseSchema = compensationAnswerSchema();
        r.errorStatuses = {422};
        r.execution = Execution::ServerThread;  // two atomics and a short lock
        return r;
    };
    Route set = offsetRoute("/api/latency/compensation/set", compensationParameter(),
                            QStringLiteral("Set the compensation offset (0 … 200 ms)"));
    set.handler = [latency](const Request& request) {
        return setCompensationOffset(latency,
                                     request.query.value(QStringLiteral("offset_ms")).toDouble());
    };
    routes << set;

    Route adjust =
        offsetRoute("/api/latency/compensation/adjust", adjustParameter(),
                    QStringLiteral("Move the compensation offset by a delta (−50 … +50 ms)"));
    adjust.description =
        QStringLiteral("422 (nothing changes) when the result would leave 0 … 200 ms.");
    adjust.handler = [latency](const Request& request) {
        return adjustCompensationOffset(latency,
                                        request.query.value(QStringLiteral("delta_ms")).toDouble());
    };
    routes << adjust;

    Route manual = offsetRoute("/api/latency/compensation/manual", manualParameter(),
                               QStringLiteral("Set the manual user offset (−50 … +50 ms)"));
    manual.handler = [latency](const Request& request) {
        return setManualOffset(latency, request.query.value(QStringLiteral("offset_ms")).toDouble());
    };
    routes << manual;
    return routes;
}

}  // namespace soundlab::api
