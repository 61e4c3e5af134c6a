#pragma once

#include "ControlBackend.h"
#include "FieldPlot.h"

#include <QtQml/qqmlregistration.h>
#include <QJsonObject>
#include <QObject>
#include <QStringList>
#include <QVariantList>

#include <deque>

namespace soundlab {

// The metrics panel as QML sees it (issue 11). An API client through its ControlBackend: at
// 30 Hz it reads the documents GET /api/metrics/latest and /api/metrics/history serve and appends
// the frames newer than the last frame_id it has; it starts with the last 30 s so the charts are
// full at once. The GUI never gets a signal per frame from the analysis thread: it asks at its own
// rate.
class MetricsViewModel : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("provided by the application")

    Q_PROPERTY(QString state READ state NOTIFY changed)
    Q_PROPERTY(double spectralCentroid READ spectralCentroid NOTIFY changed)
    Q_PROPERTY(double levelDb READ levelDb NOTIFY changed)
    Q_PROPERTY(bool hasFrames READ hasFrames NOTIFY changed)
    // A JS number (exact to 2^53; QML tooling in Qt 6.4 does not know quint64).
    Q_PROPERTY(double lastFrameId READ lastFrameId NOTIFY changed)
    Q_PROPERTY(int frameCount READ frameCount NOTIFY changed)
    Q_PROPERTY(QStringList states READ states CONSTANT)
    Q_PROPERTY(double windowSeconds READ windowSeconds CONSTANT)
    // How long the current state has lasted, from its first frame to now (the badge's "held").
    // When no change was seen since the frames began (the window opened mid-run, or the box
    // restarted), the run began before them: heldSinceFirstFrame is true and heldSeconds is a
    // lower bound.
    Q_PROPERTY(double heldSeconds READ heldSeconds NOTIFY changed)
    Q_PROPERTY(bool heldSinceFirstFrame READ heldSinceFirstFrame NOTIFY changed)
    // State changes over the last minute of frames.
    Q_PROPERTY(int changesPerMinute READ changesPerMinute NOTIFY changed)

public:
    static constexpr double kWindowSeconds = 30.0;

    explicit MetricsViewModel(ControlBackend& backend, QObject* parent = nullptr);

    // One frame as the panel keeps it (values from the frame's JSON).
    struct Point {
        quint64 frameId = 0;
        double timestamp = 0.0;  // Unix seconds (the frame's `timestamp`)
        double ici = 0.0, phaseCoherence = 0.0, criticality = 0.0, consciousnessLevel = 0.0;
        QString state;
    };
    const std::deque<Point>& points() const { return points_; }
    // The latest frame's JSON, as GET /api/metrics/latest serves it (empty before any).
    const QJsonObject& latest() const { return latest_; }

    QString state() const;
    double spectralCentroid() const;
    double levelDb() const;
    bool hasFrames() const { return !points_.empty(); }
    double lastFrameId() const { return double(lastFrameId_); }
    int frameCount() const { return int(points_.size()); }
    QStringList states() const;
    double windowSeconds() const { return kWindowSeconds; }
    double heldSeconds() const;
    bool heldSinceFirstFrame() const { return !changeSeen_; }
    int changesPerMinute() const { return int(changes_.size()); }

    // The four lines (consciousness, coherence, ICI, criticality: the legend's order), one
    // point per frame, x = seconds relative to now (−30 … 0), y the metric.
    QList<QList<QPointF>> lines() const;
    // Hands `plot` the lines (qml/FieldChart.qml, on each change while it is visible).
    Q_INVOKABLE void updatePlot(soundlab::FieldPlot* plot) const;
    // The state timeline: runs of one state, oldest first, as [{state, from, to}] in the same x
    // as the lines.
    Q_INVOKABLE QVariantList stateRuns() const;

    // Reads new frames now (RefreshClock does it 30 times a second).
    Q_INVOKABLE void refresh();
    // Forgets the frames and reads the history again (the link to a remote box came back: it
    // may have restarted, its frame ids with it).
    void reload();

signals:
    // Once per refresh that has frames (the x axis moves with time even without new ones).
    void changed();

private:
    void append(const QJsonObject& frame);
    // Reads the frames since the one we have, once `latest` shows a newer one.
    void follow(const QJsonObject& latest);
    // GET /api/metrics/history?seconds=…, again further back until it joins the frames we have.
    void readHistory(double seconds);
    void prune();
    // "Now" for the x axis: the wall clock, or the newest frame if it is ahead (its timestamp is
    // when it will be heard, a latency ahead).
    double now() const;

    ControlBackend& backend_;
    DocumentPoll latestPoll_;
    bool readingHistory_ = false;
    std::deque<Point> points_;
    // The current state's run: its first frame's timestamp, and whether a change began it.
    double runStart_ = 0.0;
    bool changeSeen_ = false;
    std::deque<double> changes_;  // timestamps of the state changes within the last minute
    QJsonObject latest_;
    quint64 lastFrameId_ = 0;
};

}  // namespace soundlab
