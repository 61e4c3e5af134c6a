#include "MetricsViewModel.h"

#include "RefreshClock.h"

#include "metrics/MetricsFrame.h"
#include "metrics/TimeBase.h"

#include <QJsonArray>
#include <QPointF>

#include <algorithm>

namespace soundlab {

namespace {
// A little more than the gap since the frame we have, so the history answer surely includes
// the next one (timestamps are 1/rate apart).
constexpr double kHistoryMarginSeconds = 0.1;
}  // namespace

MetricsViewModel::MetricsViewModel(ControlBackend& backend, QObject* parent)
    : QObject(parent),
      backend_(backend),
      latestPoll_(backend, QStringLiteral("/api/metrics/latest")) {
    // 30 Hz: the GUI asks at a rate, never per frame
    RefreshClock::subscribe(
        this, [this] { refresh(); }, 1);
    refresh();
}

void MetricsViewModel::refresh() {
    // GET /api/metrics/latest: is there anything new at all? (404 before the first frame.)
    if (!readingHistory_)
        latestPoll_.poll(this, [this](const QJsonValue& latest) { follow(latest.toObject()); });
    prune();
}

void MetricsViewModel::reload() {
    points_.clear();
    changes_.clear();
    changeSeen_ = false;
    latest_ = {};
    lastFrameId_ = 0;
    emit changed();
    refresh();
}

void MetricsViewModel::follow(const QJsonObject& latest) {
    const auto newest = quint64(latest.value(QLatin1String("frame_id")).toInteger());
    if (newest == lastFrameId_ || readingHistory_) return;
    // GET /api/metrics/history?seconds=…: the frames since the one we have (all 30 s at
    // first, or after a stall longer than that).
    double seconds = kWindowSeconds;
    if (!points_.empty())
        seconds = std::clamp(latest.value(QLatin1String("timestamp")).toDouble() -
                                 points_.back().timestamp + kHistoryMarginSeconds,
                             kHistoryMarginSeconds, kWindowSeconds);
    readHistory(seconds);
}

void MetricsViewModel::readHistory(double seconds) {
    readingHistory_ = true;
    backend_.get(QStringLiteral("/api/metrics/history?seconds=%1").arg(seconds, 0, 'g', 17), this,
                 [this, seconds](const BackendReply& reply) {
                     readingHistory_ = false;
                     if (!reply.ok()) return;
                     const QJsonArray frames =
                         reply.object().value(QLatin1String("frames")).toArray();
                     // The history counts back from the newest frame when it runs, which can be
                     // newer than the one `seconds` was measured from (the analysis ran on
                     // meanwhile): rather than leave a gap, ask again from the newest frame of this
                     // answer.
                     const auto frameId = [](const QJsonValue& f) {
                         return quint64(f.toObject().value(QLatin1String("frame_id")).toInteger());
                     };
                     if (!points_.empty() && !frames.isEmpty() && seconds < kWindowSeconds &&
                         frameId(frames.first()) > lastFrameId_ + 1) {
                         const double newest =
                             frames.last().toObject().value(QLatin1String("timestamp")).toDouble();
                         readHistory(std::min(kWindowSeconds, newest - points_.back().timestamp +
                                                                  kHistoryMarginSeconds));
                         return;
                     }
                     for (const QJsonValue& frame : frames) append(frame.toObject());
                     prune();
                 });
}

void MetricsViewModel::prune() {
    // Forget what left the window (even while no frames come, so the chart empties).
    const double oldest = now() - kWindowSeconds;
    while (!points_.empty() && points_.front().timestamp < oldest) points_.pop_front();
    while (!changes_.empty() && changes_.front() < now() - 60.0) changes_.pop_front();
    if (!points_.empty() || !latest_.isEmpty()) emit changed();
}

void MetricsViewModel::append(const QJsonObject& frame) {
    const auto id = quint64(frame.value(QLatin1String("frame_id")).toInteger());
    if (id <= lastFrameId_) return;
    Point p;
    p.frameId = id;
    p.timestamp = frame.value(QLatin1String("timestamp")).toDouble();
    p.ici = frame.value(QLatin1String("ici")).toDouble();
    p.phaseCoherence = frame.value(QLatin1String("phase_coherence")).toDouble();
    p.criticality = frame.value(QLatin1String("criticality")).toDouble();
    p.consciousnessLevel = frame.value(QLatin1String("consciousness_level")).toDouble();
    p.state = frame.value(QLatin1String("state")).toString();
    const QString previous = latest_.value(QLatin1String("state")).toString();
    if (p.state != previous) {
        if (!previous.isEmpty()) {
            changeSeen_ = true;
            changes_.push_back(p.timestamp);
        }
        runStart_ = p.timestamp;
    }
    points_.push_back(std::move(p));
    latest_ = frame;
    lastFrameId_ = id;
}

double MetricsViewModel::heldSeconds() const {
    return latest_.isEmpty() ? 0.0 : std::max(0.0, now() - runStart_);
}

double MetricsViewModel::now() const {
    const double wall = metrics::TimeBase::unixSeconds(metrics::TimeBase::steadyNowNs());
    return points_.empty() ? wall : std::max(wall, points_.back().timestamp);
}

QString MetricsViewModel::state() const {
    return latest_.value(QLatin1String("state")).toString(QStringLiteral("IDLE"));
}
double MetricsViewModel::spectralCentroid() const {
    return latest_.value(QLatin1String("spectral_centroid")).toDouble();
}
double MetricsViewModel::levelDb() const {
    return latest_.value(QLatin1String("level_db")).toDouble(-120.0);
}

QStringList MetricsViewModel::states() const {
    QStringList names;
    for (int i = 0; i < metrics::kStateCount; ++i) {
        const std::string_view n = toString(metrics::State(i));
        names << QString::fromLatin1(n.data(), qsizetype(n.size()));
    }
    return names;
}

QList<QList<QPointF>> MetricsViewModel::lines() const {
    const double t0 = now();
    QList<QList<QPointF>> lines(4);
    for (auto& line : lines) line.reserve(qsizetype(points_.size()));
    for (const Point& p : points_) {
        const double x = p.timestamp - t0;
        lines[0].append({x, p.consciousnessLevel});
        lines[1].append({x, p.phaseCoherence});
        lines[2].append({x, p.ici});
        lines[3].append({x, p.criticality});
    }
    return lines;
}

void MetricsViewModel::updatePlot(FieldPlot* plot) const {
    if (plot) plot->setLines(lines());
}

QVariantList MetricsViewModel::stateRuns() const {
    const double t0 = now();
    QVariantList runs;
    QString state;
    double from = 0.0, to = 0.0;
    for (const Point& p : points_) {
        const double x = p.timestamp - t0;
        if (p.state != state) {
            if (!state.isEmpty())
                runs.append(QVariantMap{{QStringLiteral("state"), state},
                                        {QStringLiteral("from"), from},
                                        {QStringLiteral("to"), x}});
            state = p.state;
            from = x;
        }
        to = x;
    }
    if (!state.isEmpty())
        runs.append(QVariantMap{{QStringLiteral("state"), state},
                                {QStringLiteral("from"), from},
                                {QStringLiteral("to"), to}});
    return runs;
}

}  // namespace soundlab
