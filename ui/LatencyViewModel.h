#pragma once

#include "ControlBackend.h"

#include <QtQml/qqmlregistration.h>
#include <QAbstractSeries>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>

#include <deque>

namespace soundlab {

// The latency panel as QML sees it (issue 12, docs/latency.md "GUI"). An API client through its
// ControlBackend: at 10 Hz it reads the document GET /api/latency/stats serves (whose `current`
// is the GET /api/latency/current frame), and it acts by the POST routes (/api/latency/calibrate,
// /api/latency/compensation/…), so a refusal carries the API's message. A calibration runs on
// the calibrator's own thread; the panel follows its progress in the document like any client.
class LatencyViewModel : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("provided by the application")

    // The frame (SPEC §6), in ms unless named otherwise.
    Q_PROPERTY(double hwInputMs READ hwInputMs NOTIFY changed)
    Q_PROPERTY(double hwOutputMs READ hwOutputMs NOTIFY changed)
    Q_PROPERTY(double engineMs READ engineMs NOTIFY changed)
    Q_PROPERTY(double osMs READ osMs NOTIFY changed)
    Q_PROPERTY(double totalMs READ totalMs NOTIFY changed)
    // The calibrated round trip in samples; −1 while the stream is not calibrated (null).
    Q_PROPERTY(double roundTripSamples READ roundTripSamples NOTIFY changed)
    Q_PROPERTY(double compensationMs READ compensationMs NOTIFY changed)
    Q_PROPERTY(double manualMs READ manualMs NOTIFY changed)
    Q_PROPERTY(double effectiveMs READ effectiveMs NOTIFY changed)
    Q_PROPERTY(bool calibrated READ calibrated NOTIFY changed)
    Q_PROPERTY(double quality READ quality NOTIFY changed)
    Q_PROPERTY(bool aligned READ aligned NOTIFY changed)
    Q_PROPERTY(int bufferSize READ bufferSize NOTIFY changed)
    Q_PROPERTY(double sampleRate READ sampleRate NOTIFY changed)
    // The DLL's drift fields; hasDrift is false while the frame does not carry them (then 0).
    Q_PROPERTY(bool hasDrift READ hasDrift NOTIFY changed)
    Q_PROPERTY(double driftMs READ driftMs NOTIFY changed)
    Q_PROPERTY(double driftRateMsPerSec READ driftRateMsPerSec NOTIFY changed)
    Q_PROPERTY(double driftPpm READ driftPpm NOTIFY changed)
    // The latest calibration (`last_calibration` of the stats): "" before the first, else
    // running | done | failed, its progress 0…1, and once done its verdict and figures.
    Q_PROPERTY(bool calibrating READ calibrating NOTIFY changed)
    Q_PROPERTY(QString calibrationState READ calibrationState NOTIFY changed)
    Q_PROPERTY(double calibrationProgress READ calibrationProgress NOTIFY changed)
    Q_PROPERTY(QString verdict READ verdict NOTIFY changed)
    // One sentence for the verdict or the failure: what it means and what to do.
    Q_PROPERTY(QString verdictText READ verdictText NOTIFY changed)
    Q_PROPERTY(double lastRoundTripSamples READ lastRoundTripSamples NOTIFY changed)  // −1: none
    Q_PROPERTY(double lastRoundTripMs READ lastRoundTripMs NOTIFY changed)            // −1: none
    Q_PROPERTY(double lastQuality READ lastQuality NOTIFY changed)
    Q_PROPERTY(double lastPeakToNoiseDb READ lastPeakToNoiseDb NOTIFY changed)
    Q_PROPERTY(int lastPolarity READ lastPolarity NOTIFY changed)        // +1, −1; 0: none
    Q_PROPERTY(double lastInputPeak READ lastInputPeak NOTIFY changed)   // −1: none
    Q_PROPERTY(int lastClippedSamples READ lastClippedSamples NOTIFY changed)
    Q_PROPERTY(int calibrationId READ calibrationId NOTIFY changed)  // 0 before the first
    Q_PROPERTY(double calibrationDurationMs READ calibrationDurationMs NOTIFY changed)  // −1: running
    // The API's message for the latest refused action (409, 422); empty after an accepted one.
    Q_PROPERTY(QString lastError READ lastError NOTIFY changed)
    // The ranges the API checks (LatencyCompensation's).
    Q_PROPERTY(double maxCompensationMs READ maxCompensationMs CONSTANT)
    Q_PROPERTY(double maxAdjustMs READ maxAdjustMs CONSTANT)
    Q_PROPERTY(double maxManualMs READ maxManualMs CONSTANT)
    Q_PROPERTY(double alignedToleranceMs READ alignedToleranceMs CONSTANT)
    Q_PROPERTY(double chartSeconds READ chartSeconds CONSTANT)
    // The drift chart's x span: the time it has points for, 10 s … chartSeconds, so a young
    // chart is not a sliver at the right edge.
    Q_PROPERTY(double driftSpanSeconds READ driftSpanSeconds NOTIFY changed)
    // The drift chart's y ranges (drift ms, ppm), fitted to the points at each refresh.
    Q_PROPERTY(double driftAxisMin READ driftAxisMin NOTIFY changed)
    Q_PROPERTY(double driftAxisMax READ driftAxisMax NOTIFY changed)
    Q_PROPERTY(double ppmAxisMin READ ppmAxisMin NOTIFY changed)
    Q_PROPERTY(double ppmAxisMax READ ppmAxisMax NOTIFY changed)

public:
    static constexpr double kChartSeconds = 300.0;  // the drift chart: the last 5 minutes

    explicit LatencyViewModel(ControlBackend& backend, QObject* parent = nullptr);

    // The GET /api/latency/stats document as of the latest refresh, and its `current` frame.
    const QJsonObject& stats() const { return stats_; }
    const QJsonObject& frame() const { return frame_; }

    double hwInputMs() const { return number("hw_input_latency_ms"); }
    double hwOutputMs() const { return number("hw_output_latency_ms"); }
    double engineMs() const { return number("engine_latency_ms"); }
    double osMs() const { return number("os_latency_ms"); }
    double totalMs() const { return number("total_measured_ms"); }
    double roundTripSamples() const { return number("round_trip_samples", -1.0); }
    double compensationMs() const { return number("compensation_offset_ms"); }
    double manualMs() const { return number("manual_offset_ms"); }
    double effectiveMs() const { return number("effective_latency_ms"); }
    bool calibrated() const;
    double quality() const { return number("calibration_quality"); }
    bool aligned() const;
    int bufferSize() const { return int(number("buffer_size_samples")); }
    double sampleRate() const { return number("sample_rate"); }
    bool hasDrift() const;
    double driftMs() const { return number("drift_ms"); }
    double driftRateMsPerSec() const { return number("drift_rate_ms_per_sec"); }
    double driftPpm() const { return number("drift_ppm"); }

    bool calibrating() const;
    QString calibrationState() const;
    double calibrationProgress() const;
    QString verdict() const;
    QString verdictText() const;
    double lastRoundTripSamples() const { return resultNumber("round_trip_samples"); }
    double lastRoundTripMs() const { return resultNumber("round_trip_ms"); }
    double lastQuality() const { return resultNumber("calibration_quality"); }
    double lastPeakToNoiseDb() const { return resultNumber("peak_to_noise_db"); }
    int lastPolarity() const { return int(resultNumber("polarity", 0.0)); }
    double lastInputPeak() const { return resultNumber("input_peak"); }
    int lastClippedSamples() const { return int(resultNumber("clipped_samples", 0.0)); }
    double calibrationDurationMs() const;
    int calibrationId() const { return lastCalibration().value(QLatin1String("id")).toInt(); }
    QString lastError() const { return lastError_; }

    double maxCompensationMs() const;
    double maxAdjustMs() const;
    double maxManualMs() const;
    double alignedToleranceMs() const { return 5.0; }  // the frame's aligned_5ms
    double chartSeconds() const { return kChartSeconds; }
    double driftSpanSeconds() const;
    double driftAxisMin() const { return driftAxis_[0]; }
    double driftAxisMax() const { return driftAxis_[1]; }
    double ppmAxisMin() const { return ppmAxis_[0]; }
    double ppmAxisMax() const { return ppmAxis_[1]; }

    // One refresh's drift figures, as the chart keeps them.
    struct DriftPoint {
        double time = 0.0;  // seconds on the view-model's steady clock
        double driftMs = 0.0, driftPpm = 0.0;
    };
    const std::deque<DriftPoint>& driftHistory() const { return drift_; }

    // POST /api/latency/calibrate: returns at once (the route runs off the GUI thread); a 409
    // (one runs already, or audio is stopped) shows in lastError when it comes.
    Q_INVOKABLE bool calibrate();
    // POST /api/latency/compensation/set, /adjust and /manual: true if accepted (200); else
    // lastError holds the 422's message and nothing changed.
    Q_INVOKABLE bool setCompensation(double offsetMs);
    Q_INVOKABLE bool adjustCompensation(double deltaMs);
    Q_INVOKABLE bool setManualOffset(double offsetMs);
    // Hides the refusal's message (the panel's banner).
    Q_INVOKABLE void clearError();

    // Replaces the chart's lines (QXYSeries::replace): accumulated drift in ms and the skew in
    // ppm, x = seconds before the newest point (−300 … 0). Either may be null.
    Q_INVOKABLE void updateDriftSeries(QAbstractSeries* driftMs, QAbstractSeries* driftPpm);

    // Reads the document now (RefreshClock does it 10 times a second).
    Q_INVOKABLE void refresh();

signals:
    void changed();

private:
    double number(const char* field, double absent = 0.0) const;
    QJsonObject lastCalibration() const;
    double resultNumber(const char* field, double absent = -1.0) const;
    // Sends a POST: keeps the refusal's message, refreshes.
    bool act(const QString& pathAndQuery);
    void show(const QJsonObject& stats);

    ControlBackend& backend_;
    DocumentPoll poll_;
    QElapsedTimer clock_;
    QJsonObject stats_;
    QJsonObject frame_;  // stats_'s `current`
    QString lastError_;
    std::deque<DriftPoint> drift_;
    double driftAxis_[2] = {-1.0, 1.0};
    double ppmAxis_[2] = {-10.0, 10.0};
};

}  // namespace soundlab
