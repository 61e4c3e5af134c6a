#include "LatencyViewModel.h"

#include "RefreshClock.h"

#include "latency/LatencyCompensation.h"

#include <QJsonDocument>
#include <QPointF>
#include <QXYSeries>

#include <algorithm>
#include <cmath>

namespace soundlab {

namespace {
// The drift chart's smallest y spans (half of each), so a flat line sits mid-chart rather than
// the axis zooming into rounding noise.
constexpr double kMinDriftHalfSpanMs = 0.1;
constexpr double kMinPpmHalfSpan = 2.0;

using latency::LatencyCompensation;

// Fits [min, max] around the values with 10 % headroom and at least ±minHalfSpan.
void fitRange(double (&range)[2], double lo, double hi, double minHalfSpan) {
    const double mid = (lo + hi) / 2.0;
    const double half = std::max((hi - lo) / 2.0 * 1.1, minHalfSpan);
    range[0] = mid - half;
    range[1] = mid + half;
}
}  // namespace

LatencyViewModel::LatencyViewModel(ControlBackend& backend, QObject* parent)
    : QObject(parent), backend_(backend), poll_(backend, QStringLiteral("/api/latency/stats")) {
    clock_.start();
    // 10 Hz, the rate of /ws/latency: the GUI asks, never per block
    RefreshClock::subscribe(this, [this] { refresh(); }, 3);
    refresh();
}

void LatencyViewModel::refresh() {
    poll_.poll(this, [this](const QJsonValue& stats) { show(stats.toObject()); });
}

void LatencyViewModel::show(const QJsonObject& stats) {
    stats_ = stats;
    frame_ = stats_.value(QLatin1String("current")).toObject();
    // The chart's time is this panel's own steady clock: it keeps running through a stream
    // restart or a clock step, when the frames' timestamps may jump.
    const double now = double(clock_.nsecsElapsed()) / 1e9;
    drift_.push_back({now, driftMs(), driftPpm()});
    while (drift_.front().time < now - kChartSeconds) drift_.pop_front();
    double lo[2] = {drift_.back().driftMs, drift_.back().driftPpm};
    double hi[2] = {lo[0], lo[1]};
    for (const DriftPoint& p : drift_) {
        lo[0] = std::min(lo[0], p.driftMs);
        hi[0] = std::max(hi[0], p.driftMs);
        lo[1] = std::min(lo[1], p.driftPpm);
        hi[1] = std::max(hi[1], p.driftPpm);
    }
    fitRange(driftAxis_, lo[0], hi[0], kMinDriftHalfSpanMs);
    fitRange(ppmAxis_, lo[1], hi[1], kMinPpmHalfSpan);
    emit changed();  // the chart's x moves with time even when no figure changed
}

double LatencyViewModel::number(const char* field, double absent) const {
    return frame_.value(QLatin1String(field)).toDouble(absent);
}

bool LatencyViewModel::calibrated() const {
    return frame_.value(QLatin1String("calibrated")).toBool();
}
bool LatencyViewModel::aligned() const {
    return frame_.value(QLatin1String("aligned_5ms")).toBool();
}
bool LatencyViewModel::hasDrift() const {
    return frame_.contains(QLatin1String("drift_ms"));
}

QJsonObject LatencyViewModel::lastCalibration() const {
    return stats_.value(QLatin1String("last_calibration")).toObject();  // {} before the first
}
double LatencyViewModel::resultNumber(const char* field, double absent) const {
    return lastCalibration()
        .value(QLatin1String("result"))
        .toObject()
        .value(QLatin1String(field))
        .toDouble(absent);
}
double LatencyViewModel::calibrationDurationMs() const {
    return lastCalibration().value(QLatin1String("duration_ms")).toDouble(-1.0);
}

bool LatencyViewModel::calibrating() const {
    return stats_.value(QLatin1String("calibration_running")).toBool();
}
QString LatencyViewModel::calibrationState() const {
    return lastCalibration().value(QLatin1String("state")).toString();
}
double LatencyViewModel::calibrationProgress() const {
    return lastCalibration().value(QLatin1String("progress")).toDouble();
}
QString LatencyViewModel::verdict() const {
    return lastCalibration()
        .value(QLatin1String("result"))
        .toObject()
        .value(QLatin1String("verdict"))
        .toString();
}

QString LatencyViewModel::verdictText() const {
    const QString state = calibrationState();
    if (state.isEmpty())
        return tr("Not calibrated yet: connect an output to an input, then Calibrate.");
    if (state == QLatin1String("running")) return tr("Playing the sweep and listening…");
    if (state == QLatin1String("failed"))
        return tr("Failed: %1").arg(lastCalibration().value(QLatin1String("error")).toString());
    const QString v = verdict();
    if (v == QLatin1String("ok")) return tr("The loop was found clearly; the round trip is exact.");
    if (v == QLatin1String("no_signal"))
        return tr(
            "Nothing came back: connect an output to an input (or unmute the loop) and retry.");
    if (v == QLatin1String("clipping"))
        return tr("The loop clips: lower the output or input gain and calibrate again.");
    if (v == QLatin1String("noisy"))
        return tr("Found, but the loop is noisy: the figure may be off; reduce the noise.");
    if (v == QLatin1String("inverted"))
        return tr(
            "Found with inverted polarity (a cable or input flips the phase); the figure holds.");
    return v;
}

double LatencyViewModel::maxCompensationMs() const {
    return LatencyCompensation::kMaxCompensationMs;
}
double LatencyViewModel::maxAdjustMs() const {
    return LatencyCompensation::kMaxAdjustMs;
}
double LatencyViewModel::maxManualMs() const {
    return LatencyCompensation::kMaxManualMs;
}

bool LatencyViewModel::act(const QString& pathAndQuery) {
    return backend_.change("POST", pathAndQuery, QJsonValue::Undefined, this,
                           [this](const BackendReply& reply) {
                               lastError_ = reply.message();
                               refresh();
                               emit changed();  // the message, even when no figure moved
                           });
}

bool LatencyViewModel::calibrate() {
    return act(QStringLiteral("/api/latency/calibrate"));
}
bool LatencyViewModel::setCompensation(double offsetMs) {
    return act(
        QStringLiteral("/api/latency/compensation/set?offset_ms=%1").arg(offsetMs, 0, 'g', 17));
}
bool LatencyViewModel::adjustCompensation(double deltaMs) {
    return act(
        QStringLiteral("/api/latency/compensation/adjust?delta_ms=%1").arg(deltaMs, 0, 'g', 17));
}
bool LatencyViewModel::setManualOffset(double offsetMs) {
    return act(
        QStringLiteral("/api/latency/compensation/manual?offset_ms=%1").arg(offsetMs, 0, 'g', 17));
}

double LatencyViewModel::driftSpanSeconds() const {
    constexpr double kMinSpanSeconds = 10.0;
    const double span = drift_.empty() ? 0.0 : drift_.back().time - drift_.front().time;
    return std::clamp(std::ceil(span / kMinSpanSeconds) * kMinSpanSeconds, kMinSpanSeconds,
                      kChartSeconds);
}

void LatencyViewModel::clearError() {
    if (lastError_.isEmpty()) return;
    lastError_.clear();
    emit changed();
}

void LatencyViewModel::updateDriftSeries(QAbstractSeries* driftMs, QAbstractSeries* driftPpm) {
    QList<QPointF> ms, ppm;
    ms.reserve(qsizetype(drift_.size()));
    ppm.reserve(qsizetype(drift_.size()));
    const double t0 = drift_.empty() ? 0.0 : drift_.back().time;
    for (const DriftPoint& p : drift_) {
        ms.append({p.time - t0, p.driftMs});
        ppm.append({p.time - t0, p.driftPpm});
    }
    if (auto* xy = qobject_cast<QXYSeries*>(driftMs)) xy->replace(ms);
    if (auto* xy = qobject_cast<QXYSeries*>(driftPpm)) xy->replace(ppm);
}

}  // namespace soundlab
